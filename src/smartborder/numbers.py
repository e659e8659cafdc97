"""Numbers in a few characters, for tables, notes and figures: one rule everywhere.

``compact(1_234_567)`` is ``1.2M``. Values from ``kilo_from`` up are shown in thousands (k),
millions (M) or billions (``billion``: ``G`` in tables of counts, ``bn`` for money), with no
decimal once the scaled figure reaches ``whole_from`` and one below it; smaller values with
*digits* decimals (none from ``whole_from``). ``prefix`` goes after the sign (``-US$5.0M``).
NaN, infinities and None print as an en dash.
"""

from __future__ import annotations

import math

DASH = "–"


def compact(
    value: float | None,
    digits: int = 1,
    *,
    kilo_from: float = 1e4,
    whole_from: float = math.inf,
    billion: str = "G",
    prefix: str = "",
) -> str:
    """*value* in a few characters (rules in the module docstring)."""
    if value is None or not math.isfinite(value):
        return DASH
    size = abs(value)
    body = f"{size:,.{0 if size >= whole_from else digits}f}"
    for unit, suffix in ((1e9, billion), (1e6, "M"), (1e3, "k")):
        if size >= max(unit, kilo_from):
            scaled = size / unit
            body = f"{scaled:,.{0 if scaled >= whole_from else 1}f}{suffix}"
            break
    negative = value < 0 and any(c in "123456789" for c in body)  # -0.4 rounds to 0, not -0
    return f"{'-' if negative else ''}{prefix}{body}"


def money(value: float | None, prefix: str = "$") -> str:
    """Dollars in a few characters, three figures at most: ``$206M``, ``$44.8M``, ``$4.1M``,
    ``$929k``, ``$4.5k``, ``$1.2bn``."""
    return compact(value, 0, kilo_from=1e3, whole_from=100, billion="bn", prefix=prefix)
