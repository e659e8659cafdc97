"""What custody rules read and write: the shipment's plan, its running state and anomalies.

``CustodyState`` is everything the rules need to judge the *next* ping or event without reading
the history again, so ingest is incremental, and scanning a track in any batches gives the same
anomalies as scanning it whole (a property the tests check).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict

from smartborder.custody.route import Route
from smartborder.custody.thresholds import Thresholds

Severity = Literal["suspect", "broken"]

#: Every anomaly kind: its severity and what it means.
KINDS: dict[str, tuple[Severity, str]] = {
    "off_corridor": ("suspect", "left the planned corridor"),
    "unscheduled_stop": ("suspect", "stopped outside a scheduled place"),
    "tracking_gap": ("suspect", "no position reported"),
    "transit_overdue": ("suspect", "transit longer than expected"),
    "sealed_away_from_origin": ("suspect", "seal affixed away from the origin facility"),
    "unsealed_departure": ("suspect", "departed before any seal was affixed"),
    "seal_changed": ("broken", "seal number differs from the one affixed"),
    "seal_broken": ("broken", "seal opened or container opened in transit"),
}


@dataclass(frozen=True)
class Anomaly:
    """One finding with its evidence (times, places, distances, the event that showed it)."""

    kind: str
    at: dt.datetime
    evidence: dict[str, Any]
    ongoing: bool = False

    @property
    def severity(self) -> Severity:
        return KINDS[self.kind][0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "at": self.at.isoformat(),
            "meaning": KINDS[self.kind][1],
            "evidence": self.evidence,
            "ongoing": self.ongoing,
        }


@dataclass(frozen=True)
class Place:
    """A named point: the origin facility, the port of entry, a declared planned stop."""

    name: str
    lat: float
    lon: float


class Timing(Protocol):
    """What judging a transit's timing needs: the expected transit and the thresholds."""

    @property
    def expected_transit(self) -> dt.timedelta: ...

    @property
    def thresholds(self) -> Thresholds: ...

    @property
    def transit_limit(self) -> dt.timedelta: ...


@dataclass(frozen=True)
class TransitTiming:
    """A ``Timing`` without the route, for readers that have only the stored declaration."""

    expected_transit: dt.timedelta
    thresholds: Thresholds = field(default_factory=lambda: Thresholds())

    @property
    def transit_limit(self) -> dt.timedelta:
        return self.expected_transit * self.thresholds.overdue_factor


@dataclass(frozen=True)
class Plan:
    """What was declared: the route, the scheduled places, the seal and the expected transit."""

    route: Route
    origin: Place
    port: Place
    seal_number: str
    expected_transit: dt.timedelta
    planned_stops: tuple[Place, ...] = ()
    thresholds: Thresholds = field(default_factory=lambda: Thresholds())

    @property
    def scheduled(self) -> tuple[Place, ...]:
        return (self.origin, self.port, *self.planned_stops)

    @property
    def transit_limit(self) -> dt.timedelta:
        return self.expected_transit * self.thresholds.overdue_factor


class CustodyState(BaseModel):
    """The running state of a shipment's custody; stored as JSON beside the shipment."""

    model_config = ConfigDict(frozen=True)
    # the chain of events
    seal_number: str | None = None
    sealed: bool = False
    sealed_at: dt.datetime | None = None
    departed_at: dt.datetime | None = None
    arrived_at: dt.datetime | None = None
    received_at: dt.datetime | None = None
    last_event_at: dt.datetime | None = None
    inspections: int = 0
    # the track
    first_ping_at: dt.datetime | None = None
    last_ping_at: dt.datetime | None = None
    last_lat: float | None = None
    last_lon: float | None = None
    pings: int = 0
    stop_since: dt.datetime | None = None
    stop_lat: float | None = None
    stop_lon: float | None = None
    stop_flagged: bool = False
    stop_scheduled: bool = False  # the stop began at the origin, the port or a planned stop
    off_corridor: bool = False
    overdue_flagged: bool = False
    # the worst severity recorded so far (findings are never withdrawn)
    worst: Severity | None = None

    def noting(self, found: list[Anomaly]) -> CustodyState:
        """This state with *found* counted in ``worst``."""
        severities = {a.severity for a in found} | ({self.worst} if self.worst else set())
        worst = "broken" if "broken" in severities else ("suspect" if severities else None)
        return self if worst == self.worst else self.model_copy(update={"worst": worst})

    @property
    def transit_start(self) -> dt.datetime | None:
        """Tracking starts at the departing event, or at the first ping if none was sent."""
        return self.departed_at or self.first_ping_at

    @property
    def phase(self) -> str:
        """declared → sealed → in_transit → arrived → delivered."""
        if self.received_at:
            return "delivered"
        if self.arrived_at:
            return "arrived"
        if self.departed_at or self.first_ping_at:
            return "in_transit"
        return "sealed" if self.sealed else "declared"
