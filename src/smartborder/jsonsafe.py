"""One rule for JSON everywhere (the CLI's --json, the dashboard's results and figures)."""

from __future__ import annotations

import math
from typing import Any


def json_safe(value: Any) -> Any:
    """*value* with numpy/pandas scalars as plain numbers and NaN or infinities as None (null)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
