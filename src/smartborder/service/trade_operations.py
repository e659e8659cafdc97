"""Operations of seed 004's trade rules: the rules-of-origin waiver, "invoked on an annual basis by
each importing firm" (each invocation decided by ``rules.roo_waiver``, stored once per firm and
year, audited), and the MFN convergence path (``rules.mfn_convergence``, computed, not stored)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.rules import InputImport, mfn_convergence, roo_waiver
from smartborder.rules.errors import RuleInputError
from smartborder.service.audit import record
from smartborder.service.auth import Caller
from smartborder.service.errors import Conflict, Forbidden, Invalid, NotFound
from smartborder.service.permits_operations import program_state
from smartborder.service.trade_models import WaiverInvocation
from smartborder.service.trade_schemas import MfnIn, RooWaiverIn


def _view(row: WaiverInvocation) -> dict[str, Any]:
    return {"id": row.id, "importer": row.importer, "year": row.year, **row.decision}


def invoke_roo_waiver(session: Session, caller: Caller, body: RooWaiverIn) -> dict[str, Any]:
    """Decide and record a firm's invocation for a year (a shipper invokes for its own org)."""
    if caller.role == "shipper" and caller.org != body.importer:
        raise Forbidden("importer", "a shipper invokes the waiver for its own org only")
    if session.scalar(
        select(WaiverInvocation.id).where(
            WaiverInvocation.importer == body.importer, WaiverInvocation.year == body.year
        )
    ):
        raise Conflict(
            "year",
            f"{body.importer} has invoked the waiver for {body.year} already (once a year, "
            f"per the seed); GET /trade/roo-waiver/{body.importer}/{body.year}",
        )
    try:
        decision = roo_waiver(
            body.importer,
            body.year,
            [
                InputImport(tariff_line=i.tariff_line, value=i.value, tariff_paid_pct=i.tariff_paid_pct)
                for i in body.inputs
            ],
            body.importing_mfn_pct,
            exporting_country=body.exporting_country,
            importing_country=body.importing_country,
            program=program_state(session),
        )
    except RuleInputError as exc:
        field, _, problem = str(exc).partition(": ")
        raise Invalid(field, problem or str(exc)) from None
    row = WaiverInvocation(
        importer=body.importer,
        year=body.year,
        granted=decision.granted,
        decision=decision.as_dict(),
        inputs=body.model_dump(mode="json"),
        invoked_by=caller.label,
    )
    session.add(row)
    session.flush()
    record(
        session,
        caller.label,
        "trade.roo_waiver",
        f"{body.importer}/{body.year}",
        {"granted": decision.granted, "inputs": len(body.inputs)},
    )
    session.commit()
    return _view(row)


def read_roo_waiver(session: Session, caller: Caller, importer: str, year: int) -> dict[str, Any]:
    row = session.scalar(
        select(WaiverInvocation).where(WaiverInvocation.importer == importer, WaiverInvocation.year == year)
    )
    if row is None or (caller.role == "shipper" and caller.org != importer):
        raise NotFound("importer", f"no waiver invoked by {importer!r} for {year}")
    return _view(row)


def mfn_path(body: MfnIn) -> dict[str, Any]:
    try:
        frame = mfn_convergence({k: float(v) for k, v in body.rates_pct.items()}, body.start_year, body.horizon_years)
    except RuleInputError as exc:
        field, _, problem = str(exc).partition(": ")
        raise Invalid(field, problem or str(exc)) from None
    return {"rows": frame.to_dict(orient="records")}
