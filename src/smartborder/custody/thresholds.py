"""The thresholds anomaly detection uses: explicit, documented and overridable per shipment.

None of these is a published standard; each default states its reasoning so a user can judge it
and override it (``Thresholds(**overrides)``, or ``thresholds`` in a shipment's declaration).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Thresholds(BaseModel):
    """When a track or an event becomes an anomaly."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    corridor_buffer_m: float = Field(
        default=1000.0,
        gt=0,
        le=100_000,
        description="Distance from the planned route beyond which a ping is off the corridor. Truck GPS "
        "is good to ~10 m (50 m in urban canyons) and routes are drawn along roads; 1 km "
        "allows frontage roads and yard entrances but not a detour by another road.",
    )
    stop_radius_m: float = Field(
        default=200.0,
        gt=0,
        le=10_000,
        description="Pings within this distance of where a stop began count as the same stop "
        "(GPS jitter and manoeuvring in a lot).",
    )
    stop_minutes: float = Field(
        default=30.0,
        gt=0,
        description="A stop this long outside a scheduled place is an anomaly: longer than a fuel stop, "
        "and equal to the FMCSA 30-minute rest break (49 CFR 395.3), which a carrier "
        "should declare as a planned stop.",
    )
    scheduled_zone_m: float = Field(
        default=5000.0,
        ge=0,
        le=50_000,
        description="Stops within this distance of the origin facility, the destination port of entry "
        "or a declared planned stop are scheduled. Truck queues at the busiest ports "
        "stretch several kilometres, so the port's zone is wide.",
    )
    gap_minutes: float = Field(
        default=15.0,
        gt=0,
        description="No ping for this long while in transit is a tracking gap: devices report every "
        "minute or so, so 15 minutes is many missed reports, not one dropped packet.",
    )
    overdue_factor: float = Field(
        default=1.5,
        ge=1,
        description="Transit longer than expected × this factor is overdue; the slack covers "
        "congestion on the approach to a port without flagging ordinary trips.",
    )
    origin_radius_m: float = Field(
        default=500.0,
        gt=0,
        le=50_000,
        description="A sealing event farther than this from the origin facility was not affixed at the "
        "point of origin (C-TPAT requires it there).",
    )
    light_lux: float = Field(
        default=10.0,
        gt=0,
        description="Light inside a sealed container above this (lux) means its doors were opened: a "
        "closed box is dark, and daylight through open doors is thousands of lux.",
    )
