"""Date arithmetic the rules share: anniversaries, calendar months, days covered by spells."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from smartborder.rules.history import Spell


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar date *years* later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def days_in(spells: list[Spell], start: dt.date, end: dt.date) -> int:
    """Days from *start* to *end* (inclusive) covered by any of *spells*."""
    total = 0
    for spell in spells:
        lo = max(spell.start, start)
        hi = min(spell.end or end, end)
        if hi >= lo:
            total += (hi - lo).days + 1
    return total


def months_between(first: dt.date, last: dt.date) -> list[pd.Period]:
    """Calendar months from the month of *first* to the month of *last*, inclusive."""
    if last < first:
        return []
    return list(pd.period_range(pd.Period(first, "M"), pd.Period(last, "M"), freq="M"))
