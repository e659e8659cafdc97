"""The chain-of-custody service over HTTP: shipments declared at origin, EPCIS custody events,
GPS pings, and the custody status with its evidence. Each route checks the caller's role and calls
its operation in ``custody_operations``.

Roles: a shipper declares and sees its own shipments; a carrier's devices post pings and events
for the shipments assigned to its org; officers read every shipment and record inspections;
admins do everything. A shipment the caller may not see answers 404, as if it did not exist.
Every write is one transaction with its audit entry; a batch is all or nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query

from smartborder import clock
from smartborder.service import custody_operations as ops
from smartborder.service.app import MAX_OFFSET, AppSettings, ReadSession, WriteSession, require
from smartborder.service.auth import CUSTODY_PARTIES, Caller
from smartborder.service.custody_schemas import (
    CustodyOut,
    EPCISDocumentOut,
    IngestOut,
    PingBatch,
    ShipmentIn,
    ShipmentOut,
    ShipmentPage,
)
from smartborder.service.settings import Settings

router = APIRouter(tags=["custody"])
ANYONE = CUSTODY_PARTIES


def _clock(settings: Settings) -> tuple[dt.datetime, dt.timedelta]:
    return clock.now(), dt.timedelta(seconds=settings.max_clock_skew_s)


@router.post("/shipments", status_code=201, response_model=ShipmentOut)
def declare(
    *, body: ShipmentIn, session: WriteSession, caller: Caller = Depends(require("shipper", "admin"))
) -> dict[str, Any]:
    """Declare a shipment at its origin facility (shipper: for its own org)."""
    return ops.declare(session, caller, body)


@router.get("/shipments", response_model=ShipmentPage)
def list_shipments(
    *,
    custody_status: Annotated[str | None, Query(pattern="^(intact|suspect|broken)$")] = None,
    phase: Annotated[str | None, Query(pattern="^(declared|sealed|in_transit|arrived|delivered)$")] = None,
    port: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    session: ReadSession,
    caller: Caller = Depends(require(*ANYONE)),
) -> dict[str, Any]:
    """Shipments this token may see, newest first, filtered by custody status, phase and port.

    The status filtered on is the one recorded by the last ping or event; a gap or an overdue
    transit still going on shows when the shipment's custody is read."""
    return ops.list_shipments(session, caller, custody_status, phase, port, limit, offset)


@router.get("/shipments/{shipment_id}", response_model=ShipmentOut)
def read_shipment(
    *, shipment_id: str, session: ReadSession, caller: Caller = Depends(require(*ANYONE))
) -> dict[str, Any]:
    return ops.read_shipment(session, caller, shipment_id)


@router.get("/shipments/{shipment_id}/custody", response_model=CustodyOut)
def custody(*, shipment_id: str, session: ReadSession, caller: Caller = Depends(require(*ANYONE))) -> dict[str, Any]:
    """Intact, suspect or broken — with every finding and its evidence, and pre-inspection."""
    return ops.custody(session, caller, shipment_id)


@router.post("/shipments/{shipment_id}/events", response_model=IngestOut)
def post_events(
    *,
    shipment_id: str,
    body: Annotated[Any, Body(description="an EPCIS 2.0 ObjectEvent or EPCISDocument")],
    session: WriteSession,
    caller: Caller = Depends(require("shipper", "carrier", "officer", "admin")),
    settings: AppSettings,
) -> dict[str, Any]:
    """Record custody events (one ObjectEvent or an EPCISDocument); retries are recognised."""
    return ops.post_events(session, caller, shipment_id, body, *_clock(settings))


@router.get("/shipments/{shipment_id}/events", response_model=EPCISDocumentOut)
def export_events(
    *, shipment_id: str, session: ReadSession, caller: Caller = Depends(require(*ANYONE))
) -> dict[str, Any]:
    """The shipment's custody events as an EPCIS 2.0 JSON document, in time order."""
    return ops.export_events(session, caller, shipment_id)


@router.post("/shipments/{shipment_id}/pings", response_model=IngestOut)
def post_pings(
    *,
    shipment_id: str,
    batch: PingBatch,
    session: WriteSession,
    caller: Caller = Depends(require("carrier", "admin")),
    settings: AppSettings,
) -> dict[str, Any]:
    """A batch of GPS positions from the carrier's device. A retried batch is recognised; a ping
    earlier than the last stored one that was not stored before is refused (send in order)."""
    return ops.post_pings(session, caller, shipment_id, batch, *_clock(settings))
