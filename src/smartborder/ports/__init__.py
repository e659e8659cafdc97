"""Crossing models: editable specs built from published facts, documented assumptions and the real
volumes; the staffing rule and schedules; demand over the hours a crossing is open.

The names below load their modules on first use, so importing ``smartborder.ports.errors`` (as
every layer above does for its refusals) does not build the twin's types, numba or scipy: a
one-line input error answers before any of them is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smartborder import lazy

if TYPE_CHECKING:
    from smartborder.ports.defaults import default_spec, default_specs
    from smartborder.ports.demand import demand_for, monthly_demand, year_months
    from smartborder.ports.spec import PortSpec

#: Public name → the module that defines it (imported on first use).
_LAZY = {
    "PortSpec": "spec",
    "default_spec": "defaults",
    "default_specs": "defaults",
    "demand_for": "demand",
    "monthly_demand": "demand",
    "year_months": "demand",
}

__all__ = ["PortSpec", "default_spec", "default_specs", "demand_for", "monthly_demand", "year_months"]


__getattr__ = lazy.loader(__name__, _LAZY, globals())
