"""A shipment's custody status — intact, suspect or broken — and why.

The status is the worst severity among recorded anomalies and those still going on when asked
(no ping for too long, transit past its limit without an arrival). A shipment whose seal has
not been affixed yet cannot be vouched for, so it is *suspect* until the sealing event.

*Pre-inspected* (eligible for the fast lane at the border, seed 004: "inspections must be moved
back … to the plants where shipments originate") needs all three: custody intact, a class H seal
(C-TPAT), and an origin facility whose security audit is current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from smartborder.custody.seal import CTPAT_SEAL_CLASS
from smartborder.custody.state import KINDS, Anomaly, CustodyState, Plan, Timing
from smartborder.custody.track import overdue

Status = Literal["intact", "suspect", "broken"]
#: Facility audit statuses; only a current certification counts for pre-inspection.
AUDIT_STATUSES = ("certified", "uncertified", "lapsed", "suspended", "revoked")


def ongoing(plan: Timing, state: CustodyState, now: dt.datetime) -> list[Anomaly]:
    """Anomalies true at *now* that no ping or event has recorded yet (a ``Plan`` or, for a
    reader without the route, a ``TransitTiming``)."""
    found: list[Anomaly] = []
    start = state.transit_start
    if start is None or state.arrived_at is not None or now <= start:
        return found
    last = max(t for t in (state.last_ping_at, state.departed_at) if t is not None)
    if now - last > dt.timedelta(minutes=plan.thresholds.gap_minutes):
        found.append(
            Anomaly(
                "tracking_gap",
                last,
                {
                    "from": last.isoformat(),
                    "to": None,
                    "minutes": round((now - last).total_seconds() / 60, 1),
                    "limit_minutes": plan.thresholds.gap_minutes,
                },
                ongoing=True,
            )
        )
    if not state.overdue_flagged and now - start > plan.transit_limit:
        found.append(overdue(plan, start, now, arrived=False, ongoing=True))
    return found


def status_of(anomalies: Iterable[Anomaly], state: CustodyState) -> Status:
    """The worst of the recorded findings (``state.worst``) and *anomalies* (e.g. ongoing ones)."""
    severities = {a.severity for a in anomalies} | ({state.worst} if state.worst else set())
    if "broken" in severities:
        return "broken"
    if "suspect" in severities or state.seal_number is None:
        return "suspect"
    return "intact"


@dataclass(frozen=True)
class Explanation:
    """The answer to "is this shipment's custody intact, and why (not)?"."""

    status: Status
    reasons: list[str]
    anomalies: list[Anomaly]
    pre_inspected: bool
    pre_inspection: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reasons": self.reasons,
            "anomalies": [a.as_dict() for a in self.anomalies],
            "pre_inspected": self.pre_inspected,
            "pre_inspection": self.pre_inspection,
        }


def explain(
    plan: Plan, state: CustodyState, recorded: list[Anomaly], seal_class: str, audit_status: str, now: dt.datetime
) -> Explanation:
    """Status, the reason for each finding, and whether the shipment counts as pre-inspected."""
    found = [*recorded, *ongoing(plan, state, now)]
    status = status_of(found, state)
    reasons = [f"{KINDS[a.kind][1]}{' (ongoing)' if a.ongoing else ''} at {a.at.isoformat()}" for a in found]
    if state.seal_number is None:
        reasons.insert(0, "no seal affixed yet: custody starts at the sealing event at the origin facility")
    if not reasons:
        reasons = [
            (
                f"sealed {state.seal_number} at {state.sealed_at.isoformat() if state.sealed_at else '?'}; "
                f"no anomaly in {state.pings} pings and the recorded events"
            )
        ]
    why_not = []
    if status != "intact":
        why_not.append(f"custody is {status}")
    if seal_class != CTPAT_SEAL_CLASS:
        why_not.append(f"seal class {seal_class}: C-TPAT requires class {CTPAT_SEAL_CLASS} (ISO 17712)")
    if audit_status != "certified":
        why_not.append(f"origin facility audit status is {audit_status}, not certified")
    return Explanation(
        status, reasons, found, not why_not, why_not or ["custody intact, class H seal, certified origin facility"]
    )
