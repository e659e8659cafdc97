"""Trusted-lane shares for the twin, from the registry's crossings (``simulate --trusted-from-registry``).

Share of a class entitled to a trusted lane = crossings made on an active card of that program
at the port in the period, divided by the class's BTS volume there in the same period. The
registry counts only card-holders, so the denominator comes from the shipped BTS data. Only the
lanes the registry knows (FAST, SENTRI) change; the port's other lanes keep their shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smartborder.trusted.errors import TrustedError

if TYPE_CHECKING:
    from smartborder.ports.spec import PortSpec


def shares_from_counts(counts: dict[tuple[str, str], int], volumes: dict[str, float]) -> dict[str, dict[str, float]]:
    """``{(class, lane): crossings}`` and ``{class: volume}`` → ``{class: {lane: share}}``."""
    out: dict[str, dict[str, float]] = {}
    for (vehicle, lane), n in sorted(counts.items()):
        volume = volumes.get(vehicle, 0.0)
        if volume <= 0:
            raise TrustedError(
                "registry",
                f"{n} {lane} crossings of {vehicle} recorded, but BTS shows no "
                f"{vehicle} volume at this port in the period",
            )
        if n > volume:
            raise TrustedError("registry", f"{n} {lane} crossings of {vehicle} exceed the BTS volume {volume:,.0f}")
        out.setdefault(vehicle, {})[lane] = n / volume
    return out


def with_shares(spec: PortSpec, shares: dict[str, dict[str, float]]) -> PortSpec:
    """*spec* with the registry's shares for the lanes it has; classes or lanes it lacks are skipped."""
    classes: dict[str, Any] = {str(k): v for k, v in spec.classes.items()}
    for vehicle, lanes in shares.items():
        cls = classes.get(vehicle)
        if cls is None:
            continue
        known = {lane: s for lane, s in lanes.items() if lane in cls.entitlements}
        entitlements = {lane: known.get(lane, s) for lane, s in cls.entitlements.items()}
        classes[vehicle] = type(cls).model_validate({**cls.model_dump(), "entitlements": entitlements})
    return type(spec).model_validate({**spec.model_dump(), "classes": classes})
