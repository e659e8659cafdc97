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

from smartborder.service import trusted_operations as ops
from smartborder.service.app import ApiError, get_session, get_write_session, require
from smartborder.service.audit import record
from smartborder.service.auth import AUDITORS, TRUSTED_READERS, Caller
from smartborder.service.trusted_models import Audit, Company, Facility
from smartborder.service.trusted_schemas import (
    AuditOut,
    AuditPage,
    CompanyOut,
    CompanyStanding,
    CriteriaOut,
    FacilityOut,
    FacilityStanding,
)
from smartborder.service.trusted_support import domain_errors
from smartborder.trusted import Finding, checklist, score

router = APIRouter(prefix="/trusted", tags=["trusted traders"])
READERS = TRUSTED_READERS
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










@router.get("/criteria", response_model=CriteriaOut)
def criteria(_: Caller = Depends(require(*READERS, "shipper", "carrier"))) -> dict[str, object]:
    """The checklist an audit judges, with its source and the pass marks."""
    rules = checklist()
    return {"version": rules.version, "source": rules.source, "categories": rules.categories,
            "criteria": [c.__dict__ for c in rules.criteria.values()],
            "scoring": {"weights": rules.weights, "overall_pass": rules.overall_pass,
                        "category_pass": rules.category_pass, "source": rules.scoring_source}}


@router.post("/companies", status_code=201, response_model=CompanyOut)
def create_company(body: CompanyIn, session: Session = Depends(get_write_session),
                   caller: Caller = Depends(require(*AUDITORS))) -> dict[str, object]:
    if session.get(Company, body.id) is not None:
        raise ApiError(409, "id", f"company {body.id!r} already exists")
    session.add(Company(**body.model_dump()))
    record(session, caller.label, "trusted.company.create", body.id, body.model_dump())
    session.commit()
    return body.model_dump()


@router.post("/companies/{company_id}/facilities", status_code=201, response_model=FacilityOut)
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


@router.post("/facilities/{facility_id}/audits", status_code=201, response_model=AuditOut)
def record_audit(facility_id: str, body: AuditIn, session: Session = Depends(get_write_session),
                 caller: Caller = Depends(require("auditor"))) -> dict[str, object]:
    """Score a complete audit; only an auditor records one (their label is kept as the auditor)."""
    ops.facility(session, facility_id)
    ops.not_future(body.on)
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


@router.get("/facilities/{facility_id}/audits", response_model=AuditPage)
def list_audits(facility_id: str, session: Session = Depends(get_session),
                _: Caller = Depends(require(*AUDITORS, "officer"))) -> dict[str, object]:
    ops.facility(session, facility_id)
    rows = session.scalars(select(Audit).where(Audit.facility_id == facility_id).order_by(Audit.on, Audit.id))
    return {"items": [{"id": a.id, "on": a.on.isoformat(), "auditor": a.auditor, **a.result,
                       "findings": a.findings} for a in rows]}


@router.post("/facilities/{facility_id}/certification", response_model=FacilityStanding)
def certification_step(facility_id: str, body: CertificationIn, session: Session = Depends(get_write_session),
                       caller: Caller = Depends(require(*AUDITORS))) -> dict[str, object]:
    """Certify or revalidate from a passing audit; suspend, reinstate or revoke with a reason."""
    return ops.certification_step(session, caller, facility_id, body.action, body.on, body.reason, body.audit_id)


@router.get("/facilities/{facility_id}/status", response_model=FacilityStanding)
def facility_status(facility_id: str, on: dt.date | None = None, session: Session = Depends(get_session),
                    _: Caller = Depends(require(*READERS))) -> dict[str, object]:
    """Trusted on *on* (default today)? Since when, revalidation due, or why not."""
    return ops.facility_status(session, facility_id, on)


@router.get("/companies/{company_id}/status", response_model=CompanyStanding)
def company_status(company_id: str, on: dt.date | None = None, session: Session = Depends(get_session),
                   _: Caller = Depends(require(*READERS))) -> dict[str, object]:
    """A company is trusted where at least one of its facilities is; each facility says why (not)."""
    return ops.company_status(session, company_id, on)
