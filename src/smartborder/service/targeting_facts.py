"""An arrival's facts, read from the stores: the custody service's shipment, the trusted registry.

These turn stored rows into the plain attributes ``smartborder.targeting`` scores (the same
attributes the twin draws for simulated arrivals). Histories come from this service's own
record of past decisions and inspection outcomes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from smartborder import clock
from smartborder.custody import CustodyState, Thresholds, TransitTiming, ongoing
from smartborder.service.targeting_models import ArrivalRow
from smartborder.service.trusted_models import Card, CertEventRow, Crossing
from smartborder.targeting import goods_category
from smartborder.trusted.certification import CertEvent, standing

ROUTE_ANOMALIES = ("off_corridor", "unscheduled_stop")
NEW_BELOW = 3  # an organisation with fewer stored shipments than this is "new"


#: One round trip for everything a shipment's decision needs (the truck waits at the booth).
SHIPMENT_FACTS = text(f"""
SELECT s.shipper_org, s.carrier_org, s.goods_description, s.origin_audit_status, s.origin_facility_id,
       s.custody_status,
       EXISTS (SELECT 1 FROM targeting_arrivals a WHERE a.shipper_org = s.shipper_org AND a.found = true),
       EXISTS (SELECT 1 FROM shipments x WHERE x.shipper_org = s.shipper_org LIMIT 1 OFFSET {NEW_BELOW - 1}),
       EXISTS (SELECT 1 FROM targeting_arrivals a WHERE a.carrier_org = s.carrier_org AND a.found = true),
       EXISTS (SELECT 1 FROM shipments x WHERE x.carrier_org = s.carrier_org LIMIT 1 OFFSET {NEW_BELOW - 1}),
       EXISTS (SELECT 1 FROM custody_anomalies n WHERE n.shipment_id = s.id
               AND n.kind IN ({", ".join(repr(k) for k in ROUTE_ANOMALIES)})),
       EXISTS (SELECT 1 FROM trusted_cert_events e WHERE e.facility_id = s.origin_facility_id),
       s.state, s.thresholds, s.expected_transit_min
FROM shipments s WHERE s.id = :id
""")


def _history(violation: bool, established: bool) -> str:
    """violation (an inspection found something), new (few shipments stored) or established."""
    return "violation" if violation else "established" if established else "new"


def _went_quiet(state: Any, thresholds: Any, expected_minutes: float) -> bool:
    """Whether the custody rules find a gap or an overdue transit still going on now, which the
    recorded status cannot show (the custody service's own read reports them the same way)."""
    state, thresholds = (json.loads(v) if isinstance(v, str) else v for v in (state, thresholds))
    timing = TransitTiming(dt.timedelta(minutes=expected_minutes), Thresholds.model_validate(thresholds or {}))
    return bool(ongoing(timing, CustodyState.model_validate(state or {}), clock.now()))


def _facility_standing(session: Session, facility_id: str, on: dt.date) -> tuple[bool, float | None] | None:
    """(trusted, months since certified) from the trusted registry's certification events."""
    table = CertEventRow
    rows = session.execute(
        select(table.kind, table.on, table.reason).where(table.facility_id == facility_id).order_by(table.on, table.id)
    ).all()
    if not rows:
        return None
    state = standing([CertEvent(kind, day, reason) for kind, day, reason in rows], on)  # type: ignore[arg-type]
    months = (on - state.since).days / 30.44 if state.trusted and state.since else None
    return state.trusted, months


def shipment_facts(session: Session, shipment_id: str, on: dt.date) -> tuple[dict[str, Any], str, str] | None:
    """A stored shipment as targeting attributes, with its shipper and carrier; None if unknown.

    Trusted: the origin facility's standing in the trusted registry when it has one there, else
    the audit status the custody declaration recorded ("certified").
    """
    row = session.execute(SHIPMENT_FACTS, {"id": shipment_id}).first()
    if row is None:
        return None
    shipper, carrier, goods, audit, facility, custody = row[:6]
    audited = audit == "certified"
    standing = _facility_standing(session, facility, on) if row[11] else None
    trusted, months = standing if standing is not None else (audited, None)
    if custody == "intact" and _went_quiet(*row[12:15]):
        custody = "suspect"
    facts = {
        "kind": "shipment",
        "trusted": trusted,
        "program": "FAST" if trusted else "none",
        "custody": custody if custody in ("intact", "suspect", "broken") else "untracked",
        "facility_audited": audited,
        "goods": goods_category(goods),
        "months_since_certification": months,
        "shipper_history": _history(bool(row[6]), bool(row[7])),
        "carrier_history": _history(bool(row[8]), bool(row[9])),
        "route_anomaly": bool(row[10]),
    }
    return facts, shipper, carrier


def card_facts(session: Session, card_id: str, on: dt.date) -> dict[str, Any] | None:
    """A trusted-traveller card as targeting attributes; None when there is no such card."""
    card = session.get(Card, card_id)
    if card is None:
        return None
    active = card.status == "active" and card.issued <= on <= card.expires
    crossings = session.scalar(
        select(func.count())
        .select_from(Crossing)
        .where(Crossing.card_id == card_id, Crossing.on > on - dt.timedelta(days=365))
    )
    violation = session.scalar(
        select(ArrivalRow.id)
        .where(
            ArrivalRow.card_id.in_(select(Card.id).where(Card.person_id == card.person_id)), ArrivalRow.found.is_(True)
        )
        .limit(1)
    )
    program = card.program if active and card.program in ("SENTRI", "FAST") else "none"
    return {
        "kind": "traveller",
        "trusted": active and program != "none",
        "program": program,
        "crossings_last_year": float(crossings or 0),
        "prior_violation": violation is not None,
        "months_since_certification": (on - card.issued).days / 30.44 if active else None,
    }
