"""Custody events: the seal from origin to destination, and who may open it.

``apply_event`` judges one checked EPCIS event against the plan and the running state:

- the first ``sealing`` event affixes the seal; a number other than the declared one, or a place
  farther than ``origin_radius_m`` from the origin facility, is an anomaly;
- any later event naming another seal number is ``seal_changed`` — unless an officer re-seals
  after an inspection (``sealing`` by an officer), which is the lawful way a seal changes;
- ``unsealing`` by anyone but an officer before delivery, or a sensor showing the container
  opened (light inside, or an electronic seal reporting itself broken), is ``seal_broken``;
- ``departing`` before any seal is ``unsealed_departure``; ``arriving`` near the port of entry
  ends the transit, and an arrival later than the limit is ``transit_overdue``.

Events must come in time order: one earlier than the last recorded is refused, since the
rules read history forward.
"""

from __future__ import annotations

import math
from typing import Any

from smartborder.custody.epcis import CustodyEvent
from smartborder.custody.errors import CustodyInputError
from smartborder.custody.state import Anomaly, CustodyState, Place, Plan
from smartborder.custody.track import overdue

#: Roles that may open and re-seal a container lawfully (an inspection).
INSPECTORS = frozenset({"officer", "admin"})


def distance_m(a_lat: float, a_lon: float, b: Place) -> float:
    """Great-circle distance (haversine, mean Earth radius) — ample for hundreds of metres."""
    p1, p2 = math.radians(a_lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def _about(event: CustodyEvent) -> dict[str, Any]:
    return {"bizStep": event.biz_step, "eventTime": event.event_time.isoformat(), "lat": event.lat, "lon": event.lon}


def apply_event(
    plan: Plan, state: CustodyState, event: CustodyEvent, role: str, field: str = "event"
) -> tuple[CustodyState, list[Anomaly]]:
    """The state after *event* recorded by a caller of *role*, and the anomalies it shows."""
    if state.last_event_at is not None and event.event_time < state.last_event_at:
        raise CustodyInputError(
            f"{field}.eventTime",
            f"{event.event_time.isoformat()} is earlier than the last "
            f"recorded event ({state.last_event_at.isoformat()}); "
            "send events in time order",
        )
    limits = plan.thresholds
    s = state.model_dump()
    found: list[Anomaly] = []
    at, step, inspector = event.event_time, event.biz_step, role in INSPECTORS

    if step == "sealing" and not state.sealed and state.seal_number is None:
        seal = event.seal_number or plan.seal_number
        if seal != plan.seal_number:
            found.append(Anomaly("seal_changed", at, {"declared": plan.seal_number, "affixed": seal, **_about(event)}))
        away = distance_m(event.lat, event.lon, plan.origin)
        if away > limits.origin_radius_m:
            found.append(
                Anomaly(
                    "sealed_away_from_origin",
                    at,
                    {
                        "distance_m": round(away, 1),
                        "limit_m": limits.origin_radius_m,
                        "origin": plan.origin.name,
                        **_about(event),
                    },
                )
            )
        s.update(seal_number=seal, sealed=True, sealed_at=at)
    elif step == "sealing" and inspector:
        s.update(seal_number=event.seal_number or state.seal_number, sealed=True)
    elif event.seal_number and state.seal_number and event.seal_number != state.seal_number:
        found.append(
            Anomaly("seal_changed", at, {"expected": state.seal_number, "found": event.seal_number, **_about(event)})
        )
    if step == "unsealing":
        if inspector:
            s.update(sealed=False)
        elif state.received_at is None:
            found.append(Anomaly("seal_broken", at, {"by_role": role, **_about(event)}))
            s.update(sealed=False)
    if state.sealed and s["sealed"] and state.received_at is None:  # not the event that opened it
        if event.light_lux is not None and event.light_lux > limits.light_lux:
            found.append(
                Anomaly(
                    "seal_broken", at, {"light_lux": event.light_lux, "limit_lux": limits.light_lux, **_about(event)}
                )
            )
        if event.seal_intact is False:
            found.append(Anomaly("seal_broken", at, {"sensor": "SealIntact=false", **_about(event)}))
    if step == "inspecting":
        s["inspections"] += 1
    if step == "departing" and state.departed_at is None:
        if not s["sealed"]:
            found.append(Anomaly("unsealed_departure", at, _about(event)))
        s["departed_at"] = at
    if (
        step == "arriving"
        and state.arrived_at is None
        and distance_m(event.lat, event.lon, plan.port) <= limits.scheduled_zone_m
    ):
        s["arrived_at"] = at
        start = state.transit_start
        if start is not None and not state.overdue_flagged and at - start > plan.transit_limit:
            found.append(overdue(plan, start, at, arrived=True))
            s["overdue_flagged"] = True
    if step in ("receiving", "accepting") and state.received_at is None and state.arrived_at is not None:
        s["received_at"] = at
    s["last_event_at"] = at
    return CustodyState(**s).noting(found), found
