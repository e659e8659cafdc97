"""Trusted traders: companies, their facilities, security audits and certification standing.

An auditor scores a facility against the criteria checklist (``smartborder.trusted.audits``);
a passing audit can certify or revalidate it; suspension and revocation need a reason. Standing
is replayed from the events for the day asked, so officers get "trusted today? since when? why
not?" from the same rules the twin uses. Every write is one transaction with its audit entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.service.app import ApiError, get_session, get_write_session, require
from smartborder.service.audit import record
from smartborder.service.auth import Caller
from smartborder.service.trusted_models import Audit, CertEventRow, Company, Facility
from smartborder.service.trusted_support import domain_errors
from smartborder.trusted import CertEvent, Finding, checklist, score
from smartborder.trusted.certification import check_next, standing

router = APIRouter(prefix="/trusted", tags=["trusted traders"])
AUDITORS = ("auditor", "admin")
READERS = ("officer", "booth_officer", "auditor", "vetting_officer", "admin")
Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
Country = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. MX, US")


class CompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Id
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["importer", "manufacturer", "carrier", "broker"]
    country: str = Country


class FacilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Id
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["plant", "warehouse", "terminal"]
    country: str = Country
    city: str | None = Field(default=None, max_length=120)


class FindingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    criterion: str
    met: bool
    note: str = Field(default="", max_length=2000)


class AuditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: dt.date
    findings: list[FindingIn] = Field(min_length=1)


class CertificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["certified", "revalidated", "suspended", "reinstated", "revoked"]
    on: dt.date
    reason: str = Field(default="", max_length=2000)
    audit_id: int | None = Field(default=None, description="the passing audit a certification rests on")


def _facility(session: Session, facility_id: str) -> Facility:
    facility = session.get(Facility, facility_id)
    if facility is None:
        raise ApiError(404, "facility_id", f"no facility {facility_id!r}; register it under its company first")
    return facility


def _events(session: Session, facility_id: str) -> list[CertEvent]:
    rows = session.scalars(select(CertEventRow).where(CertEventRow.facility_id == facility_id)
                           .order_by(CertEventRow.on, CertEventRow.id))
    return [CertEvent(r.kind, r.on, r.reason) for r in rows]  # type: ignore[arg-type]


def _not_future(on: dt.date, field: str = "on") -> None:
    if on > dt.date.today():
        raise ApiError(422, field, f"{on} is in the future; record what has happened")


def facility_standing(session: Session, facility: Facility, on: dt.date) -> dict[str, object]:
    s = standing(_events(session, facility.id), on, checklist().revalidation_years)
    return {"facility_id": facility.id, "company_id": facility.company_id, "name": facility.name,
            **s.as_dict(), "pre_inspected_allowed": s.trusted}


@router.get("/criteria")
def criteria(_: Caller = Depends(require(*READERS, "shipper", "carrier"))) -> dict[str, object]:
    """The checklist an audit judges, with its source and the pass marks."""
    rules = checklist()
    return {"version": rules.version, "source": rules.source, "categories": rules.categories,
            "criteria": [c.__dict__ for c in rules.criteria.values()],
            "scoring": {"weights": rules.weights, "overall_pass": rules.overall_pass,
                        "category_pass": rules.category_pass, "source": rules.scoring_source}}


@router.post("/companies", status_code=201)
def create_company(body: CompanyIn, session: Session = Depends(get_write_session),
                   caller: Caller = Depends(require(*AUDITORS))) -> dict[str, object]:
    if session.get(Company, body.id) is not None:
        raise ApiError(409, "id", f"company {body.id!r} already exists")
    session.add(Company(**body.model_dump()))
    record(session, caller.label, "trusted.company.create", body.id, body.model_dump())
    session.commit()
    return body.model_dump()


@router.post("/companies/{company_id}/facilities", status_code=201)
def create_facility(company_id: str, body: FacilityIn, session: Session = Depends(get_write_session),
                    caller: Caller = Depends(require(*AUDITORS))) -> dict[str, object]:
    if session.get(Company, company_id) is None:
        raise ApiError(404, "company_id", f"no company {company_id!r}")
    if session.get(Facility, body.id) is not None:
        raise ApiError(409, "id", f"facility {body.id!r} already exists")
    session.add(Facility(company_id=company_id, **body.model_dump()))
    record(session, caller.label, "trusted.facility.create", body.id, {"company_id": company_id, **body.model_dump()})
    session.commit()
    return {"company_id": company_id, **body.model_dump()}


@router.post("/facilities/{facility_id}/audits", status_code=201)
def record_audit(facility_id: str, body: AuditIn, session: Session = Depends(get_write_session),
                 caller: Caller = Depends(require("auditor"))) -> dict[str, object]:
    """Score a complete audit; only an auditor records one (their label is kept as the auditor)."""
    _facility(session, facility_id)
    _not_future(body.on)
    with domain_errors():
        result = score([Finding(f.criterion, f.met, f.note) for f in body.findings])
    audit = Audit(facility_id=facility_id, on=body.on, auditor=caller.label, passed=result.passed,
                  score=result.score, result=result.as_dict(), findings=[f.model_dump() for f in body.findings])
    session.add(audit)
    session.flush()
    record(session, caller.label, "trusted.audit", facility_id, {"audit_id": audit.id, "on": body.on, **result.as_dict()})
    session.commit()
    return {"id": audit.id, "facility_id": facility_id, "on": body.on.isoformat(), "auditor": caller.label,
            **result.as_dict()}


@router.get("/facilities/{facility_id}/audits")
def list_audits(facility_id: str, session: Session = Depends(get_session),
                _: Caller = Depends(require(*AUDITORS, "officer"))) -> dict[str, object]:
    _facility(session, facility_id)
    rows = session.scalars(select(Audit).where(Audit.facility_id == facility_id).order_by(Audit.on, Audit.id))
    return {"items": [{"id": a.id, "on": a.on.isoformat(), "auditor": a.auditor, **a.result,
                       "findings": a.findings} for a in rows]}


@router.post("/facilities/{facility_id}/certification")
def certification_step(facility_id: str, body: CertificationIn, session: Session = Depends(get_write_session),
                       caller: Caller = Depends(require(*AUDITORS))) -> dict[str, object]:
    """Certify or revalidate from a passing audit; suspend, reinstate or revoke with a reason."""
    facility = _facility(session, facility_id)
    _not_future(body.on)
    if body.action in ("certified", "revalidated"):
        audit = session.get(Audit, body.audit_id) if body.audit_id is not None else None
        if audit is None or audit.facility_id != facility_id:
            raise ApiError(422, "audit_id", f"a {body.action} step rests on an audit of facility {facility_id!r}; "
                           f"got {body.audit_id!r}")
        if not audit.passed:
            raise ApiError(409, "audit_id", f"audit {audit.id} did not pass: " + "; ".join(audit.result["reasons"]))
        if audit.on > body.on:
            raise ApiError(422, "on", f"{body.on} is before the audit it rests on ({audit.on})")
    elif body.audit_id is not None:
        raise ApiError(422, "audit_id", f"a {body.action} step does not rest on an audit")
    with domain_errors():
        after = check_next(_events(session, facility_id), CertEvent(body.action, body.on, body.reason.strip()),
                           checklist().revalidation_years)
    session.add(CertEventRow(facility_id=facility_id, kind=body.action, on=body.on, reason=body.reason.strip(),
                             audit_id=body.audit_id, decided_by=caller.label))
    record(session, caller.label, f"trusted.certification.{body.action}", facility_id,
           {**body.model_dump(), "standing": after.as_dict()})
    session.commit()
    return facility_standing(session, facility, body.on)


@router.get("/facilities/{facility_id}/status")
def facility_status(facility_id: str, on: dt.date | None = None, session: Session = Depends(get_session),
                    _: Caller = Depends(require(*READERS))) -> dict[str, object]:
    """Trusted on *on* (default today)? Since when, revalidation due, or why not."""
    return facility_standing(session, _facility(session, facility_id), on or dt.date.today())


@router.get("/companies/{company_id}/status")
def company_status(company_id: str, on: dt.date | None = None, session: Session = Depends(get_session),
                   _: Caller = Depends(require(*READERS))) -> dict[str, object]:
    """A company is trusted where at least one of its facilities is; each facility says why (not)."""
    company = session.get(Company, company_id)
    if company is None:
        raise ApiError(404, "company_id", f"no company {company_id!r}")
    day = on or dt.date.today()
    facilities = session.scalars(select(Facility).where(Facility.company_id == company_id).order_by(Facility.id))
    rows = [facility_standing(session, f, day) for f in facilities]
    trusted = [r for r in rows if r["trusted"]]
    since = min((str(r["since"]) for r in trusted), default=None)
    reasons = [] if trusted else ([f"{r['facility_id']}: {'; '.join(r['reasons'])}" for r in rows]  # type: ignore[arg-type]
                                  or ["no facility registered"])
    return {"company_id": company.id, "name": company.name, "on": day.isoformat(), "trusted": bool(trusted),
            "since": since, "reasons": reasons, "facilities": rows}
