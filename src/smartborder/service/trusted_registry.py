"""The registry's trusted-lane shares for a port and period, for the twin
(``smartborder simulate PORT --trusted-from-registry``).

Counts the crossings booths recorded on the trusted lane (card genuine, active, face matched)
at the port in the period, by class and lane, and divides by the class's BTS volume there
(``smartborder.trusted.shares``). A registry that holds no crossings for the port is an error,
not a silent zero: it would remove every trusted lane from the simulation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import func, select

from smartborder.trusted.errors import TrustedError
from smartborder.trusted.shares import shares_from_counts

if TYPE_CHECKING:
    from smartborder.ports.spec import PortSpec


def crossing_counts(
    db_url: str | None, port_code: str, first: pd.Period, last: pd.Period
) -> dict[tuple[str, str], int]:
    """``{(class, lane): crossings}`` on the trusted lane at *port_code* in months *first*..*last*."""
    from smartborder.service.db import database_url, session_factory, upgrade
    from smartborder.service.trusted_models import Crossing

    url = database_url(db_url)
    upgrade(url)
    query = (
        select(Crossing.vehicle, Crossing.lane, func.count())
        .where(
            Crossing.port_code == port_code,
            Crossing.outcome == "trusted_lane",
            Crossing.on >= first.start_time.date(),
            Crossing.on <= last.end_time.date(),
        )
        .group_by(Crossing.vehicle, Crossing.lane)
    )
    with session_factory(url)() as session:
        return {(vehicle, lane): int(n) for vehicle, lane, n in session.execute(query)}


def registry_shares(spec: PortSpec, months: list[pd.Period], db_url: str | None = None) -> dict[str, dict[str, float]]:
    """Trusted-lane shares by class for *spec*'s port over *months*, from the registry and BTS."""
    from smartborder import data

    first, last = min(months), max(months)
    counts = crossing_counts(db_url, spec.code, first, last)
    classes: dict[str, Any] = {str(k): v for k, v in spec.classes.items()}
    counts = {k: n for k, n in counts.items() if k[0] in classes}
    if not counts:
        raise TrustedError(
            "trusted-from-registry",
            f"the registry holds no trusted-lane crossings at {spec.name} "
            f"({spec.code}) from {first} to {last}; record crossings or drop the option",
        )
    volumes = {}
    for vehicle in {v for v, _ in counts}:
        series = data.monthly_series(spec.data_port, classes[vehicle].measure, data.MonthRange(first, last))
        volumes[vehicle] = float(series.sum())
    return shares_from_counts(counts, volumes)


def shares_source(db_url: str | None = None) -> Callable[[PortSpec, list[pd.Period]], dict[str, dict[str, float]]]:
    """``registry_shares`` bound to a registry database, for ``policy.study.simulate_study``."""

    def shares(spec: PortSpec, months: list[pd.Period]) -> dict[str, dict[str, float]]:
        return registry_shares(spec, months, db_url)

    return shares
