"""Calibrated port models: editable specs built from published facts, documented assumptions
and the real BTS volumes."""

from smartborder.ports.calibrate import default_spec, monthly_demand
from smartborder.ports.spec import PortSpec

__all__ = ["PortSpec", "default_spec", "monthly_demand"]
