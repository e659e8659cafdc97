"""Operations of the chain-of-custody service: declare a shipment, take custody events and GPS
pings, list and explain shipments. Plain functions of a session and a caller: they apply who may
see which shipment (a shipper its own, a carrier those assigned to its org, officers all), refuse
with domain errors (``service.errors``), write their audit entry and commit — the HTTP routes
(``custody_api``) only check the role and call them.

Every write is one transaction with its audit entry; a batch is all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

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
from smartborder.service.audit import record
from smartborder.service.auth import Caller
from smartborder.service.custody_models import CustodyEventRow, Ping, Shipment
from smartborder.service.custody_schemas import PingBatch, ShipmentIn
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
from smartborder.service.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
)
from smartborder.timestamps import future_problem

#: Business steps only an officer (or admin) records.
OFFICER_STEPS = frozenset({"inspecting"})


def visible_shipment(session: Session, shipment_id: str, caller: Caller, lock: bool = False) -> Shipment:
    """The shipment, if this caller may see it (else NotFound, as if it did not exist)."""
    query = select(Shipment).where(Shipment.id == shipment_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    found = session.scalar(query)
    if found is None or not may_see(caller, found):
        raise NotFound("shipment_id", f"no shipment {shipment_id!r} that this token may see")
    return found


def public(shipment: Shipment) -> dict[str, Any]:
    return {
        "id": shipment.id,
        "shipper_org": shipment.shipper_org,
        "carrier_org": shipment.carrier_org,
        "consignor": shipment.consignor,
        "consignee": shipment.consignee,
        "container_id": shipment.container_id,
        "seal_number": shipment.seal_number,
        "seal_class": shipment.seal_class,
        "goods_description": shipment.goods_description,
        "goods_value_usd": str(shipment.goods_value_usd),
        "origin": {
            "facility_id": shipment.origin_facility_id,
            "name": shipment.origin_name,
            "lat": shipment.origin_lat,
            "lon": shipment.origin_lon,
            "audit_status": shipment.origin_audit_status,
        },
        "route": shipment.route,
        "planned_stops": shipment.planned_stops,
        "destination_port": shipment.destination_port,
        "expected_transit_min": shipment.expected_transit_min,
        "thresholds": shipment.thresholds,
        "phase": shipment.phase,
        "custody_status": shipment.custody_status,
        "created_at": utc(shipment.created_at).isoformat(),
    }


def declare(session: Session, caller: Caller, body: ShipmentIn) -> dict[str, Any]:
    """Declare a shipment at its origin facility (shipper: for its own org)."""
    if caller.role == "shipper":
        if not caller.org:
            raise Forbidden("Authorization", "a shipper token needs an org (token create --org ORG)")
        if body.shipper_org not in (None, caller.org):
            raise Forbidden("shipper_org", "a shipper declares only for its own org")
        shipper = caller.org
    elif not body.shipper_org:
        raise Invalid("shipper_org", "an admin declaring a shipment names the shipper_org")
    else:
        shipper = body.shipper_org
    if port_place(body.destination_port) is None:
        raise Invalid(
            "destination_port",
            f"{body.destination_port} is not a US–Mexico port code in the "
            "BTS data (e.g. 2304 Laredo, 2506 Otay Mesa); see `smartborder ports`",
        )
    data = body.model_dump(mode="json", exclude={"origin", "shipper_org"})
    shipment = Shipment(
        id=str(uuid.uuid4()),
        shipper_org=shipper,
        origin_facility_id=body.origin.facility_id,
        origin_name=body.origin.name,
        origin_lat=body.origin.lat,
        origin_lon=body.origin.lon,
        origin_audit_status=body.origin.audit_status,
        goods_value_usd=body.goods_value_usd,
        state=CustodyState().model_dump(mode="json"),
        phase="declared",
        custody_status="suspect",
        declared_by=caller.label,
        **{k: v for k, v in data.items() if k != "goods_value_usd"},
    )
    session.add(shipment)
    record(session, caller.label, "shipment.declare", shipment.id, body.model_dump(mode="json"))
    session.commit()
    return public(shipment)


def list_shipments(
    session: Session,
    caller: Caller,
    custody_status: str | None = None,
    phase: str | None = None,
    port: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Shipments this token may see, newest first, filtered by custody status, phase and port.

    The status filtered on is the one recorded by the last ping or event; a gap or an overdue
    transit still going on shows when the shipment's custody is read."""
    query = select(Shipment)
    if caller.role == "shipper":
        query = query.where(Shipment.shipper_org == caller.org)
    elif caller.role == "carrier":
        query = query.where(Shipment.carrier_org == caller.org)
    for column, value in (
        (Shipment.custody_status, custody_status),
        (Shipment.phase, phase),
        (Shipment.destination_port, port),
    ):
        if value is not None:
            query = query.where(column == value)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Shipment.created_at.desc(), Shipment.id).offset(offset).limit(limit))
    return {"items": [public(s) for s in rows], "total": total, "limit": limit, "offset": offset}


def read_shipment(session: Session, caller: Caller, shipment_id: str) -> dict[str, Any]:
    return public(visible_shipment(session, shipment_id, caller))


def custody(session: Session, caller: Caller, shipment_id: str) -> dict[str, Any]:
    """Intact, suspect or broken — with every finding and its evidence, and pre-inspection."""
    shipment = visible_shipment(session, shipment_id, caller)
    state = state_of(shipment)
    return {
        "shipment_id": shipment.id,
        "phase": shipment.phase,
        "seal_number": state.seal_number,
        "last_ping_at": state.last_ping_at.isoformat() if state.last_ping_at else None,
        "pings": state.pings,
        "inspections": state.inspections,
        **explanation(session, shipment).as_dict(),
    }


def post_events(
    session: Session, caller: Caller, shipment_id: str, body: Any, now: dt.datetime, max_skew: dt.timedelta
) -> dict[str, Any]:
    """Record custody events (one ObjectEvent or an EPCISDocument); retries are recognised."""
    try:
        raws = events_of(body)
        field = "eventList" if len(raws) > 1 or body.get("type") == "EPCISDocument" else "event"
        events = [parse_event(raw, f"{field}.{i}" if field == "eventList" else field) for i, raw in enumerate(raws)]
    except CustodyInputError as exc:
        raise Invalid(exc.field, exc.problem) from None
    for i, event in enumerate(events):
        ahead = future_problem(event.event_time, now, max_skew)
        if ahead:
            raise Invalid(f"{field}.{i}.eventTime" if field == "eventList" else "event.eventTime", ahead)
        if event.biz_step in OFFICER_STEPS and caller.role not in ("officer", "admin"):
            raise Forbidden(
                f"{field}.{i}.bizStep" if field == "eventList" else "event.bizStep",
                f"only officers record '{event.biz_step}'",
            )
    shipment = visible_shipment(session, shipment_id, caller, lock=True)
    # The eventID is the idempotency key when given; an event sent without one is known by its
    # CBV 2.0 hash, which becomes its id. Two events with different eventIDs are two events.
    hashes = event_hashes(raws)
    ids = [raw.get("eventID") or h for raw, h in zip(raws, hashes, strict=True)]
    seen_ids: set[str] = set()
    for event_id, owner in session.execute(
        select(CustodyEventRow.event_id, CustodyEventRow.shipment_id).where(CustodyEventRow.event_id.in_(ids))
    ):
        if owner != shipment.id:
            raise Conflict("eventID", f"{event_id} is already recorded for another shipment")
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
            raise Invalid(exc.field, exc.problem) from None
        found += new
        stored = dict(event.raw, eventID=event_id)
        session.add(
            CustodyEventRow(
                event_id=event_id,
                event_hash=event_hash,
                shipment_id=shipment.id,
                biz_step=event.biz_step,
                event_time=event.event_time,
                lat=event.lat,
                lon=event.lon,
                seal_number=event.seal_number,
                document=stored,
                recorded_by=caller.label,
            )
        )
        seen_ids.add(event_id)
        fresh += 1
    if fresh:
        save(session, shipment, state, found)
        record(
            session,
            caller.label,
            "custody.events",
            shipment.id,
            {"event_ids": list(ids), "anomalies": [a.kind for a in found]},
        )
        session.commit()
    return {
        "shipment_id": shipment.id,
        "accepted": fresh,
        "duplicates": len(events) - fresh,
        "anomalies": [a.as_dict() for a in found],
        "custody_status": shipment.custody_status,
        "phase": shipment.phase,
    }


def export_events(session: Session, caller: Caller, shipment_id: str) -> dict[str, Any]:
    """The shipment's custody events as an EPCIS 2.0 JSON document, in time order."""
    shipment = visible_shipment(session, shipment_id, caller)
    rows = session.scalars(
        select(CustodyEventRow.document)
        .where(CustodyEventRow.shipment_id == shipment.id)
        .order_by(CustodyEventRow.event_time, CustodyEventRow.id)
    )
    return document([{k: v for k, v in doc.items() if k != "@context"} for doc in rows])


def post_pings(
    session: Session, caller: Caller, shipment_id: str, batch: PingBatch, now: dt.datetime, max_skew: dt.timedelta
) -> dict[str, Any]:
    """A batch of GPS positions from the carrier's device. A retried batch is recognised; a ping
    earlier than the last stored one that was not stored before is refused (send in order)."""
    for i, ping in enumerate(batch.pings):
        ahead = future_problem(ping.at, now, max_skew)
        if ahead:
            raise Invalid(f"pings.{i}.at", ahead)
    shipment = visible_shipment(session, shipment_id, caller, lock=True)
    state = state_of(shipment)
    order = sorted(range(len(batch.pings)), key=lambda i: batch.pings[i].at)
    times = [batch.pings[i].at.astimezone(dt.UTC) for i in order]
    new, old, duplicates = [], [], 0
    for k, i in enumerate(order):
        if k and times[k] == times[k - 1]:
            ping, before = batch.pings[i], batch.pings[order[k - 1]]
            if (ping.lat, ping.lon) != (before.lat, before.lon):
                raise Invalid(f"pings.{i}.at", f"two pings at {times[k].isoformat()} in different places")
            duplicates += 1
        elif state.last_ping_at is not None and times[k] <= state.last_ping_at:
            old.append(k)
        else:
            new.append(k)
    if old:
        assert state.last_ping_at is not None  # old pings are those at or before it
        stored = {
            utc(t)
            for t in session.scalars(
                select(Ping.at).where(
                    Ping.shipment_id == shipment.id, Ping.at >= times[old[0]], Ping.at <= state.last_ping_at
                )
            )
        }
        for k in old:
            if times[k] not in stored:
                raise Invalid(
                    f"pings.{order[k]}.at",
                    f"{times[k].isoformat()} is earlier than the last stored ping "
                    f"({state.last_ping_at.isoformat()}) and was not sent before; send pings in order",
                )
        duplicates += len(old)
    found: list[Anomaly] = []
    if new:
        pings = [batch.pings[order[k]] for k in new]
        state, found = scan(
            plan_of(shipment), state, [times[k] for k in new], [p.lat for p in pings], [p.lon for p in pings]
        )
        store_pings(
            session,
            [
                (shipment.id, times[k], p.lat, p.lon, p.speed_kmh, batch.device_id)
                for k, p in zip(new, pings, strict=True)
            ],
        )
        save(session, shipment, state, found)
        digest = hashlib.sha256(
            json.dumps([[times[k].isoformat(), p.lat, p.lon] for k, p in zip(new, pings, strict=True)]).encode()
        ).hexdigest()
        record(
            session,
            caller.label,
            "custody.pings",
            shipment.id,
            {
                "device_id": batch.device_id,
                "count": len(new),
                "first": times[new[0]].isoformat(),
                "last": times[new[-1]].isoformat(),
                "sha256": digest,
                "anomalies": [a.kind for a in found],
            },
        )
        session.commit()
    return {
        "shipment_id": shipment.id,
        "accepted": len(new),
        "duplicates": duplicates,
        "anomalies": [a.as_dict() for a in found],
        "custody_status": shipment.custody_status,
        "phase": shipment.phase,
    }


def track(session: Session, caller: Caller, shipment_id: str, limit: int = 10_000) -> dict[str, Any]:
    """The journey on a map: the planned route, origin and port of entry, the GPS pings in time
    order (the latest *limit*) and the custody events that carry a position."""
    shipment = visible_shipment(session, shipment_id, caller)
    pings = session.execute(
        select(Ping.at, Ping.lat, Ping.lon).where(Ping.shipment_id == shipment.id).order_by(Ping.at.desc()).limit(limit)
    ).all()
    events = session.execute(
        select(CustodyEventRow.biz_step, CustodyEventRow.event_time, CustodyEventRow.lat, CustodyEventRow.lon)
        .where(CustodyEventRow.shipment_id == shipment.id)
        .order_by(CustodyEventRow.event_time, CustodyEventRow.id)
    ).all()
    port = port_place(shipment.destination_port)
    return {
        "shipment_id": shipment.id,
        "route": shipment.route.get("coordinates", []),
        "origin": {"name": shipment.origin_name, "lat": shipment.origin_lat, "lon": shipment.origin_lon},
        "port": {"name": port.name, "lat": port.lat, "lon": port.lon} if port else None,
        "pings": [{"at": utc(p.at).isoformat(), "lat": p.lat, "lon": p.lon} for p in reversed(pings)],
        "events": [
            {"biz_step": e.biz_step, "at": utc(e.event_time).isoformat(), "lat": e.lat, "lon": e.lon} for e in events
        ],
    }
