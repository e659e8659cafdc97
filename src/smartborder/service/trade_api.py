"""Seed 004's trade rules over HTTP: the rules-of-origin waiver (a firm's yearly invocation,
decided, stored and audited) and the MFN convergence path. Routes check roles and call
``trade_operations``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from smartborder.service import trade_operations as ops
from smartborder.service.app import ReadSession, WriteSession, require
from smartborder.service.auth import Caller, Role
from smartborder.service.trade_schemas import MfnIn, MfnOut, RooWaiverIn, RooWaiverOut

router = APIRouter(prefix="/trade", tags=["trade"])
TRADE = (Role.SHIPPER, Role.OFFICER, Role.ANALYST, Role.ADMIN)


@router.post("/roo-waiver", status_code=201, response_model=RooWaiverOut)
def invoke_roo_waiver(
    *,
    body: RooWaiverIn,
    session: WriteSession,
    caller: Caller = Depends(require(Role.SHIPPER, Role.OFFICER, Role.ADMIN)),
) -> dict[str, Any]:
    """Invoke the waiver for a year (once per firm and year): decided and recorded."""
    return ops.invoke_roo_waiver(session, caller, body)


@router.get("/roo-waiver/{importer}/{year}", response_model=RooWaiverOut)
def read_roo_waiver(
    *,
    importer: Annotated[str, Path(max_length=128)],
    year: Annotated[int, Path(ge=1994, le=2200)],
    session: ReadSession,
    caller: Caller = Depends(require(*TRADE)),
) -> dict[str, Any]:
    return ops.read_roo_waiver(session, caller, importer, year)


@router.post("/mfn", response_model=MfnOut)
def mfn_path(*, body: MfnIn, caller: Caller = Depends(require(*TRADE))) -> dict[str, Any]:
    """Partners' MFN rates converging linearly to the lowest over the horizon (not stored)."""
    return ops.mfn_path(body)
