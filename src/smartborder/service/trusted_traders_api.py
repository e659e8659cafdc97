"""Trusted traders: companies, their facilities, security audits and certification standing.

An auditor scores a facility against the criteria checklist (``smartborder.trusted.audits``);
a passing audit can certify or revalidate it; suspension and revocation need a reason. Standing
is replayed from the events for the day asked, so officers get "trusted today? since when? why
not?" from the same rules the twin uses. Every write is one transaction with its audit entry.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import Field

from smartborder.service import trusted_operations as ops
from smartborder.service.app import ReadSession, WriteSession, require
from smartborder.service.auth import AUDITORS, TRUSTED_READERS, Caller
from smartborder.service.trusted_schemas import (
    AuditIn,
    AuditOut,
    AuditPage,
    CertificationIn,
    CompanyIn,
    CompanyOut,
    CompanyStanding,
    CriteriaOut,
    FacilityIn,
    FacilityOut,
    FacilityStanding,
)
from smartborder.timestamps import Day

router = APIRouter(prefix="/trusted", tags=["trusted traders"])
READERS = TRUSTED_READERS
Id = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
Country = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. MX, US")


@router.get("/criteria", response_model=CriteriaOut)
def criteria(*, _: Caller = Depends(require(*READERS, "shipper", "carrier"))) -> dict[str, object]:
    """The checklist an audit judges, with its source and the pass marks."""
    return ops.criteria()


@router.post("/companies", status_code=201, response_model=CompanyOut)
def create_company(
    *, body: CompanyIn, session: WriteSession, caller: Caller = Depends(require(*AUDITORS))
) -> dict[str, object]:
    return ops.create_company(session, caller, body)


@router.post("/companies/{company_id}/facilities", status_code=201, response_model=FacilityOut)
def create_facility(
    *, company_id: str, body: FacilityIn, session: WriteSession, caller: Caller = Depends(require(*AUDITORS))
) -> dict[str, object]:
    return ops.create_facility(session, caller, company_id, body)


@router.post("/facilities/{facility_id}/audits", status_code=201, response_model=AuditOut)
def record_audit(
    *, facility_id: str, body: AuditIn, session: WriteSession, caller: Caller = Depends(require("auditor"))
) -> dict[str, object]:
    """Score a complete audit; only an auditor records one (their label is kept as the auditor)."""
    return ops.record_audit(session, caller, facility_id, body)


@router.get("/facilities/{facility_id}/audits", response_model=AuditPage)
def list_audits(
    *, facility_id: str, session: ReadSession, _: Caller = Depends(require(*AUDITORS, "officer"))
) -> dict[str, object]:
    return ops.list_audits(session, facility_id)


@router.post("/facilities/{facility_id}/certification", response_model=FacilityStanding)
def certification_step(
    *, facility_id: str, body: CertificationIn, session: WriteSession, caller: Caller = Depends(require(*AUDITORS))
) -> dict[str, object]:
    """Certify or revalidate from a passing audit; suspend, reinstate or revoke with a reason."""
    return ops.certification_step(session, caller, facility_id, body.action, body.on, body.reason, body.audit_id)


@router.get("/facilities/{facility_id}/status", response_model=FacilityStanding)
def facility_status(
    *, facility_id: str, on: Day | None = None, session: ReadSession, _: Caller = Depends(require(*READERS))
) -> dict[str, object]:
    """Trusted on *on* (default today)? Since when, revalidation due, or why not."""
    return ops.facility_status(session, facility_id, on)


@router.get("/companies/{company_id}/status", response_model=CompanyStanding)
def company_status(
    *, company_id: str, on: Day | None = None, session: ReadSession, _: Caller = Depends(require(*READERS))
) -> dict[str, object]:
    """A company is trusted where at least one of its facilities is; each facility says why (not)."""
    return ops.company_status(session, company_id, on)
