"""Date arithmetic the rules share: anniversaries, calendar months, days covered by spells."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pandas as pd

from smartborder.rules.history import Spell


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar date *years* later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def years_held(spells: list[Spell], until: dt.date) -> Fraction:
    """Calendar years covered by *spells* before *until* (that day not counted), exactly.

    Spells that follow one another without a day between (a permit renewed: one spell ends, the
    next starts the day after) are one unbroken holding first. Each holding counts its whole
    anniversaries, then the rest as a fraction of the year it falls in (365 or 366 days): an
    unbroken holding reaches 5 on its fifth anniversary, whatever leap days it spans and however
    many renewals it was recorded in, and three calendar years plus two more reach 5 too. Spells
    do not overlap (``History`` refuses overlaps), so their years add up.
    """
    total = Fraction(0)
    for start, end in _holdings(spells, until):
        if end <= start:
            continue
        years = end.year - start.year
        while years > 0 and add_years(start, years) > end:
            years -= 1
        anniversary, following = add_years(start, years), add_years(start, years + 1)
        total += years + Fraction((end - anniversary).days, (following - anniversary).days)
    return total


def _holdings(spells: list[Spell], until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(first day held, first day not held) of each unbroken holding before *until*: spells in
    order, those that start the day after (or before) the last one ends joined into one."""
    out: list[tuple[dt.date, dt.date]] = []
    for spell in sorted(spells, key=lambda s: s.start):
        end = min(spell.end + dt.timedelta(days=1), until) if spell.end else until
        if out and spell.start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((spell.start, end))
    return out


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
