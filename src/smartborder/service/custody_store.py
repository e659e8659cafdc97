"""Between the custody rules and the tables: a shipment's plan and state in, findings out.

Routes are projected once per shipment and kept (``plan_of`` is cached: a declaration never
changes), so ingesting a ping batch costs the batch, not the route.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from smartborder import clock
from smartborder.custody import (
    Anomaly,
    CustodyState,
    Place,
    Plan,
    Route,
    Thresholds,
    explain,
    status_of,
)
from smartborder.custody.status import Explanation
from smartborder.lazy import once
from smartborder.service.auth import Caller
from smartborder.service.custody_models import AnomalyRow, Ping, Shipment

#: Roles that read every shipment.
READERS = frozenset({"officer", "booth_officer", "admin"})


def utc(at: dt.datetime) -> dt.datetime:
    """A stored timestamp as aware UTC (SQLite hands back naive UTC)."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def may_see(caller: Caller, shipment: Shipment) -> bool:
    """Shippers see their own shipments, carriers those assigned to them, officers all."""
    if caller.role in READERS:
        return True
    if caller.role == "shipper":
        return caller.org == shipment.shipper_org
    if caller.role == "carrier":
        return caller.org == shipment.carrier_org
    return False


@once
def _ports() -> dict[str, Any]:
    from smartborder.data.ports import catalogue

    return catalogue()


def port_place(code: str) -> Place | None:
    """The port of entry's BTS coordinates, or None for a code BTS does not know."""
    port = _ports().get(code)
    return Place(port.label, port.lat, port.lon) if port else None


@lru_cache(maxsize=4096)
def _plan(
    shipment_id: str,
    route_json: str,
    origin: Place,
    port_code: str,
    seal: str,
    minutes: float,
    stops: tuple[Place, ...],
    thresholds_json: str,
) -> Plan:
    import json

    port = port_place(port_code)
    assert port is not None, f"port {port_code} was checked at declaration"
    return Plan(
        route=Route.from_geojson(json.loads(route_json)),
        origin=origin,
        port=port,
        seal_number=seal,
        expected_transit=dt.timedelta(minutes=minutes),
        planned_stops=stops,
        thresholds=Thresholds.model_validate_json(thresholds_json),
    )


def plan_of(shipment: Shipment) -> Plan:
    import json

    return _plan(
        shipment.id,
        json.dumps(shipment.route, sort_keys=True),
        Place(shipment.origin_name, shipment.origin_lat, shipment.origin_lon),
        shipment.destination_port,
        shipment.seal_number,
        shipment.expected_transit_min,
        tuple(Place(p["name"], p["lat"], p["lon"]) for p in shipment.planned_stops),
        json.dumps(shipment.thresholds, sort_keys=True),
    )


def state_of(shipment: Shipment) -> CustodyState:
    return CustodyState.model_validate(shipment.state)


def anomalies_of(session: Session, shipment_id: str) -> list[Anomaly]:
    rows = session.scalars(
        select(AnomalyRow).where(AnomalyRow.shipment_id == shipment_id).order_by(AnomalyRow.at, AnomalyRow.id)
    )
    return [Anomaly(r.kind, utc(r.at), r.evidence) for r in rows]


PING_COLUMNS = ("shipment_id", "at", "lat", "lon", "speed_kmh", "device_id")


def store_pings(session: Session, rows: list[tuple[Any, ...]]) -> None:
    """Insert ping rows (``PING_COLUMNS`` order) in the session's transaction.

    PostgreSQL gets COPY, its bulk path (psycopg's executemany sends a statement per row, 4x
    slower); SQLite an executemany of one prepared statement, which is its fast path.
    """
    if session.get_bind().dialect.name == "postgresql":
        cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY pings ({', '.join(PING_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    session.execute(insert(cast(Table, Ping.__table__)), [dict(zip(PING_COLUMNS, row, strict=True)) for row in rows])


def save(session: Session, shipment: Shipment, state: CustodyState, found: list[Anomaly]) -> None:
    """Store new findings and the state they leave (which counts them in its worst severity)."""
    for anomaly in found:
        session.add(
            AnomalyRow(
                shipment_id=shipment.id,
                kind=anomaly.kind,
                severity=anomaly.severity,
                at=anomaly.at,
                evidence=anomaly.evidence,
            )
        )
    shipment.state = state.model_dump(mode="json")
    shipment.phase = state.phase
    shipment.custody_status = status_of([], state)


def explanation(session: Session, shipment: Shipment, now: dt.datetime | None = None) -> Explanation:
    state = state_of(shipment)
    recorded = anomalies_of(session, shipment.id) if state.worst else []  # none recorded: no query
    return explain(
        plan_of(shipment), state, recorded, shipment.seal_class, shipment.origin_audit_status, now or clock.now()
    )
