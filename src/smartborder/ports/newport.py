"""A crossing that does not exist yet (seed 000: which new points of entry the border needs).

It carries a share of named neighbours' traffic — a port's share is taken from each of its
crossings — and is modelled like the first of them: its lane types, hours, service times and
staffing rule, with lanes sized for the traffic it takes unless the scenario gives them.
"""

from __future__ import annotations

import math

from smartborder import data
from smartborder.ports.defaults import assumptions, default_spec, staffing_rule
from smartborder.ports.demand import design_day
from smartborder.ports.errors import PortError
from smartborder.ports.spec import DAY_TYPES, PortSpec, Vehicle
from smartborder.ports.staffing import apply_rule


def new_port_spec(
    name: str, takes: dict[str, float], year: int | None = None, booths: dict[Vehicle, dict[str, int]] | None = None
) -> PortSpec:
    """The model of a planned crossing taking *takes* (port or crossing → share) of traffic."""
    if not takes:
        raise PortError("new_port.takes: name at least one port and the share it gives up")
    sources: dict[str, float] = {}
    for place, share in takes.items():
        for crossing in data.resolve_place(place).crossings:
            sources[crossing.id] = sources.get(crossing.id, 0.0) + share
    neighbours = [default_spec(crossing_id, year) for crossing_id in sources]
    template = neighbours[0]
    classes = {}
    provenance = dict(template.provenance)
    target = assumptions()["sizing"]["target_utilisation"]
    for vehicle in {v for spec in neighbours for v in spec.classes}:
        owner = next(spec for spec in neighbours if vehicle in spec.classes)
        cls = owner.classes[vehicle].model_copy(deep=True)
        cls.design_volume = sum(
            (spec.classes[vehicle].design_volume or 0.0) * sources[spec.crossing]
            for spec in neighbours
            if vehicle in spec.classes
        )
        given = (booths or {}).get(vehicle, {})
        peak = max(float(design_day(cls, day).max()) for day in DAY_TYPES)
        shares = cls.flow_shares()
        for lane_name, lane in cls.lanes.items():
            if lane_name in given:
                lane.booths = given[lane_name]
                continue
            load = (
                sum(
                    share * cls.service_of(e).expected
                    for e, share in shares.items()
                    if (e if e in cls.lanes else "standard") == lane_name
                )
                * peak
                / 60.0
            )
            lane.booths = max(1, math.ceil(load / target))
        lane_note = (
            "SCENARIO: lanes given by the new_port scenario"
            if given
            else f"ESTIMATE: new crossing, lanes sized for the diverted busiest hour at {target:.0%} utilisation"
        )
        provenance[f"classes.{vehicle}.lanes.booths"] = lane_note
        classes[vehicle] = apply_rule(cls, staffing_rule(), template.pre_inspection.service_factor)
        provenance[f"classes.{vehicle}.lanes.staffed"] = (
            f"{staffing_rule().source} Applied to the diverted {cls.design_volume:,.0f} a day."
        )
    provenance["sources"] = "SCENARIO: " + ", ".join(
        f"{share:.0%} of {data.crossings()[c].label}" for c, share in sources.items()
    )
    return template.model_copy(
        update={
            "code": "NEW",
            "crossing": "new",
            "name": name,
            "classes": classes,
            "sources": sources,
            "provenance": provenance,
        }
    )
