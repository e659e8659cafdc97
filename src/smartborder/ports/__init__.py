"""Crossing models: editable specs built from published facts, documented assumptions and the real
volumes; the staffing rule and schedules; demand over the hours a crossing is open."""

from smartborder.ports.defaults import default_spec, default_specs
from smartborder.ports.demand import demand_for, monthly_demand, year_months
from smartborder.ports.spec import PortSpec

__all__ = ["PortSpec", "default_spec", "default_specs", "demand_for", "monthly_demand", "year_months"]
