"""The chain-of-custody service: shipments declared at origin, EPCIS custody events, GPS pings,
and the custody status with its evidence.

Roles: a shipper declares and sees its own shipments; a carrier's devices post pings and events
for the shipments assigned to its org; officers read every shipment and record inspections;
admins do everything. A shipment the caller may not see answers 404, as if it did not exist.
Every write is one transaction with its audit entry; a batch is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smartborder.custody import (
    Anomaly,
    CustodyInputError,
    CustodyState,
    apply_event,
    event_hashes,
    events_of,
    parse_event,
    scan,
)
from smartborder.custody.epcis import document
from smartborder.service.app import (
    MAX_OFFSET,
    ApiError,
    get_session,
    get_write_session,
    require,
    settings_of,
)
from smartborder.service.audit import record
from smartborder.service.auth import CUSTODY_PARTIES, Caller
from smartborder.service.custody_models import CustodyEventRow, Ping, Shipment
from smartborder.service.custody_schemas import (
    CustodyOut,
    EPCISDocumentOut,
    IngestOut,
    PingBatch,
    ShipmentIn,
    ShipmentOut,
    ShipmentPage,
)
from smartborder.service.custody_store import (
    explanation,
    may_see,
    plan_of,
    port_place,
    save,
    state_of,
    store_pings,
    utc,
)
from smartborder.service.settings import Settings
from smartborder.timestamps import future_problem

router = APIRouter(tags=["custody"])
ANYONE = CUSTODY_PARTIES
#: Business steps only an officer (or admin) records.
OFFICER_STEPS = frozenset({"inspecting"})


def _bad(exc: CustodyInputError, status: int = 422) -> ApiError:
    return ApiError(status, exc.field, exc.problem)


def _shipment(session: Session, shipment_id: str, caller: Caller, lock: bool = False) -> Shipment:
    query = select(Shipment).where(Shipment.id == shipment_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    shipment = session.scalar(query)
    if shipment is None or not may_see(caller, shipment):
        raise ApiError(404, "shipment_id", f"no shipment {shipment_id!r} that this token may see")
    return shipment


def public(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.id, "shipper_org": shipment.shipper_org, "carrier_org": shipment.carrier_org,
        "consignor": shipment.consignor, "consignee": shipment.consignee, "container_id": shipment.container_id,
        "seal_number": shipment.seal_number, "seal_class": shipment.seal_class,
        "goods_description": shipment.goods_description, "goods_value_usd": str(shipment.goods_value_usd),
        "origin": {"facility_id": shipment.origin_facility_id, "name": shipment.origin_name,
                   "lat": shipment.origin_lat, "lon": shipment.origin_lon,
                   "audit_status": shipment.origin_audit_status},
        "route": shipment.route, "planned_stops": shipment.planned_stops,
        "destination_port": shipment.destination_port, "expected_transit_min": shipment.expected_transit_min,
        "thresholds": shipment.thresholds, "phase": shipment.phase, "custody_status": shipment.custody_status,
        "created_at": utc(shipment.created_at).isoformat(),
    }


@router.post("/shipments", status_code=201, response_model=ShipmentOut)
def declare(body: ShipmentIn, session: Session = Depends(get_write_session),
            caller: Caller = Depends(require("shipper", "admin"))) -> dict[str, Any]:
    """Declare a shipment at its origin facility (shipper: for its own org)."""
    if caller.role == "shipper":
        if not caller.org:
            raise ApiError(403, "Authorization", "a shipper token needs an org (token create --org ORG)")
        if body.shipper_org not in (None, caller.org):
            raise ApiError(403, "shipper_org", "a shipper declares only for its own org")
        shipper = caller.org
    elif not body.shipper_org:
        raise ApiError(422, "shipper_org", "an admin declaring a shipment names the shipper_org")
    else:
        shipper = body.shipper_org
    if port_place(body.destination_port) is None:
        raise ApiError(422, "destination_port", f"{body.destination_port} is not a US–Mexico port code in the "
                                                "BTS data (e.g. 2304 Laredo, 2506 Otay Mesa); see `smartborder ports`")
    data = body.model_dump(mode="json", exclude={"origin", "shipper_org"})
    shipment = Shipment(
        id=str(uuid.uuid4()), shipper_org=shipper, origin_facility_id=body.origin.facility_id,
        origin_name=body.origin.name, origin_lat=body.origin.lat, origin_lon=body.origin.lon,
        origin_audit_status=body.origin.audit_status, goods_value_usd=body.goods_value_usd,
        state=CustodyState().model_dump(mode="json"), phase="declared", custody_status="suspect",
        declared_by=caller.label, **{k: v for k, v in data.items() if k != "goods_value_usd"})
    session.add(shipment)
    record(session, caller.label, "shipment.declare", shipment.id, body.model_dump(mode="json"))
    session.commit()
    return public(shipment)


@router.get("/shipments", response_model=ShipmentPage)
def list_shipments(
    custody_status: Annotated[str | None, Query(pattern="^(intact|suspect|broken)$")] = None,
    phase: Annotated[str | None, Query(pattern="^(declared|sealed|in_transit|arrived|delivered)$")] = None,
    port: Annotated[str | None, Query(pattern=r"^\d{4}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    session: Session = Depends(get_session), caller: Caller = Depends(require(*ANYONE)),
) -> dict[str, Any]:
    """Shipments this token may see, newest first, filtered by custody status, phase and port.

    The status filtered on is the one recorded by the last ping or event; a gap or an overdue
    transit still going on shows when the shipment's custody is read."""
    query = select(Shipment)
    if caller.role == "shipper":
        query = query.where(Shipment.shipper_org == caller.org)
    elif caller.role == "carrier":
        query = query.where(Shipment.carrier_org == caller.org)
    for column, value in ((Shipment.custody_status, custody_status), (Shipment.phase, phase),
                          (Shipment.destination_port, port)):
        if value is not None:
            query = query.where(column == value)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Shipment.created_at.desc(), Shipment.id).offset(offset).limit(limit))
    return {"items": [public(s) for s in rows], "total": total, "limit": limit, "offset": offset}


@router.get("/shipments/{shipment_id}", response_model=ShipmentOut)
def read_shipment(shipment_id: str, session: Session = Depends(get_session),
                  caller: Caller = Depends(require(*ANYONE))) -> dict[str, Any]:
    return public(_shipment(session, shipment_id, caller))


@router.get("/shipments/{shipment_id}/custody", response_model=CustodyOut)
def custody(shipment_id: str, session: Session = Depends(get_session),
            caller: Caller = Depends(require(*ANYONE))) -> dict[str, Any]:
    """Intact, suspect or broken — with every finding and its evidence, and pre-inspection."""
    shipment = _shipment(session, shipment_id, caller)
    state = state_of(shipment)
    return {"shipment_id": shipment.id, "phase": shipment.phase, "seal_number": state.seal_number,
            "last_ping_at": state.last_ping_at.isoformat() if state.last_ping_at else None,
            "pings": state.pings, "inspections": state.inspections, **explanation(session, shipment).as_dict()}


@router.post("/shipments/{shipment_id}/events", response_model=IngestOut)
def post_events(shipment_id: str, body: Annotated[Any, Body(description="an EPCIS 2.0 ObjectEvent or EPCISDocument")],
                session: Session = Depends(get_write_session),
                caller: Caller = Depends(require("shipper", "carrier", "officer", "admin")),
                settings: Settings = Depends(settings_of)) -> dict[str, Any]:
    """Record custody events (one ObjectEvent or an EPCISDocument); retries are recognised."""
    try:
        raws = events_of(body)
        field = "eventList" if len(raws) > 1 or body.get("type") == "EPCISDocument" else "event"
        events = [parse_event(raw, f"{field}.{i}" if field == "eventList" else field) for i, raw in enumerate(raws)]
    except CustodyInputError as exc:
        raise _bad(exc) from None
    now, skew = dt.datetime.now(dt.UTC), dt.timedelta(seconds=settings.max_clock_skew_s)
    for i, event in enumerate(events):
        ahead = future_problem(event.event_time, now, skew)
        if ahead:
            raise ApiError(422, f"{field}.{i}.eventTime" if field == "eventList" else "event.eventTime", ahead)
        if event.biz_step in OFFICER_STEPS and caller.role not in ("officer", "admin"):
            raise ApiError(403, f"{field}.{i}.bizStep" if field == "eventList" else "event.bizStep",
                           f"only officers record '{event.biz_step}'")
    shipment = _shipment(session, shipment_id, caller, lock=True)
    # The eventID is the idempotency key when given; an event sent without one is known by its
    # CBV 2.0 hash, which becomes its id. Two events with different eventIDs are two events.
    hashes = event_hashes(raws)
    ids = [raw.get("eventID") or h for raw, h in zip(raws, hashes, strict=True)]
    seen_ids: set[str] = set()
    for event_id, owner in session.execute(select(CustodyEventRow.event_id, CustodyEventRow.shipment_id)
                                           .where(CustodyEventRow.event_id.in_(ids))):
        if owner != shipment.id:
            raise ApiError(409, "eventID", f"{event_id} is already recorded for another shipment")
        seen_ids.add(event_id)
    plan, state, fresh = plan_of(shipment), state_of(shipment), 0
    found: list[Anomaly] = []
    for i, (event, event_id, event_hash) in enumerate(zip(events, ids, hashes, strict=True)):
        if event_id in seen_ids:
            continue
        where = f"{field}.{i}" if field == "eventList" else field
        try:
            state, new = apply_event(plan, state, event, caller.role, where)
        except CustodyInputError as exc:
            raise _bad(exc) from None
        found += new
        stored = dict(event.raw, eventID=event_id)
        session.add(CustodyEventRow(event_id=event_id, event_hash=event_hash, shipment_id=shipment.id,
                                    biz_step=event.biz_step, event_time=event.event_time, lat=event.lat,
                                    lon=event.lon, seal_number=event.seal_number, document=stored,
                                    recorded_by=caller.label))
        seen_ids.add(event_id)
        fresh += 1
    if fresh:
        save(session, shipment, state, found)
        record(session, caller.label, "custody.events", shipment.id,
               {"event_ids": list(ids), "anomalies": [a.kind for a in found]})
        session.commit()
    return {"shipment_id": shipment.id, "accepted": fresh, "duplicates": len(events) - fresh,
            "anomalies": [a.as_dict() for a in found], "custody_status": shipment.custody_status,
            "phase": shipment.phase}


@router.get("/shipments/{shipment_id}/events", response_model=EPCISDocumentOut)
def export_events(shipment_id: str, session: Session = Depends(get_session),
                  caller: Caller = Depends(require(*ANYONE))) -> dict[str, Any]:
    """The shipment's custody events as an EPCIS 2.0 JSON document, in time order."""
    shipment = _shipment(session, shipment_id, caller)
    rows = session.scalars(select(CustodyEventRow.document).where(CustodyEventRow.shipment_id == shipment.id)
                           .order_by(CustodyEventRow.event_time, CustodyEventRow.id))
    return document([{k: v for k, v in doc.items() if k != "@context"} for doc in rows])


@router.post("/shipments/{shipment_id}/pings", response_model=IngestOut)
def post_pings(shipment_id: str, batch: PingBatch, session: Session = Depends(get_write_session),
               caller: Caller = Depends(require("carrier", "admin")),
               settings: Settings = Depends(settings_of)) -> dict[str, Any]:
    """A batch of GPS positions from the carrier's device. A retried batch is recognised; a ping
    earlier than the last stored one that was not stored before is refused (send in order)."""
    now, skew = dt.datetime.now(dt.UTC), dt.timedelta(seconds=settings.max_clock_skew_s)
    for i, ping in enumerate(batch.pings):
        ahead = future_problem(ping.at, now, skew)
        if ahead:
            raise ApiError(422, f"pings.{i}.at", ahead)
    shipment = _shipment(session, shipment_id, caller, lock=True)
    state = state_of(shipment)
    order = sorted(range(len(batch.pings)), key=lambda i: batch.pings[i].at)
    times = [batch.pings[i].at.astimezone(dt.UTC) for i in order]
    new, old, duplicates = [], [], 0
    for k, i in enumerate(order):
        if k and times[k] == times[k - 1]:
            ping, before = batch.pings[i], batch.pings[order[k - 1]]
            if (ping.lat, ping.lon) != (before.lat, before.lon):
                raise ApiError(422, f"pings.{i}.at", f"two pings at {times[k].isoformat()} in different places")
            duplicates += 1
        elif state.last_ping_at is not None and times[k] <= state.last_ping_at:
            old.append(k)
        else:
            new.append(k)
    if old:
        assert state.last_ping_at is not None  # old pings are those at or before it
        stored = {utc(t) for t in session.scalars(select(Ping.at).where(
            Ping.shipment_id == shipment.id, Ping.at >= times[old[0]], Ping.at <= state.last_ping_at))}
        for k in old:
            if times[k] not in stored:
                raise ApiError(422, f"pings.{order[k]}.at",
                               f"{times[k].isoformat()} is earlier than the last stored ping "
                               f"({state.last_ping_at.isoformat()}) and was not sent before; send pings in order")
        duplicates += len(old)
    found: list[Anomaly] = []
    if new:
        pings = [batch.pings[order[k]] for k in new]
        state, found = scan(plan_of(shipment), state, [times[k] for k in new],
                            [p.lat for p in pings], [p.lon for p in pings])
        store_pings(session, [(shipment.id, times[k], p.lat, p.lon, p.speed_kmh, batch.device_id)
                              for k, p in zip(new, pings, strict=True)])
        save(session, shipment, state, found)
        digest = hashlib.sha256(json.dumps([[times[k].isoformat(), p.lat, p.lon] for k, p in zip(new, pings, strict=True)])
                                .encode()).hexdigest()
        record(session, caller.label, "custody.pings", shipment.id,
               {"device_id": batch.device_id, "count": len(new), "first": times[new[0]].isoformat(),
                "last": times[new[-1]].isoformat(), "sha256": digest, "anomalies": [a.kind for a in found]})
        session.commit()
    return {"shipment_id": shipment.id, "accepted": len(new), "duplicates": duplicates,
            "anomalies": [a.as_dict() for a in found], "custody_status": shipment.custody_status,
            "phase": shipment.phase}
