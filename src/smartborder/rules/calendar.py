"""Date arithmetic the rules share: anniversaries, calendar months, days covered by spells."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import TYPE_CHECKING

from smartborder.rules.history import Spell

if TYPE_CHECKING:
    import pandas as pd


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar date *years* later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month *months* later, or the month's last day if it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def years_held(spells: list[Spell], until: dt.date) -> Fraction:
    """Calendar years covered by *spells* before *until* (that day not counted), exactly.

    Spells that follow one another without a day between (a permit renewed: one spell ends, the
    next starts the day after) are one unbroken holding first. Each holding counts its whole
    anniversaries, then its whole calendar months (a twelfth of a year each), then the days
    left as a fraction of the month they fall in; holdings add up. So an unbroken holding
    reaches 5 on its fifth anniversary, whatever leap days it spans and however many renewals it
    was recorded in; two January-June holdings of 2 years 6 months make 5; 4 years 11 months and
    a whole February make 5, and 4 years 11 months 29 days do not. Spells do not overlap
    (``History`` refuses overlaps), so their years add up.
    """
    total = Fraction(0)
    for start, end in _holdings(spells, until):
        if end <= start:
            continue
        years = end.year - start.year
        while years > 0 and add_years(start, years) > end:
            years -= 1
        anniversary = add_years(start, years)
        months = (end.year - anniversary.year) * 12 + end.month - anniversary.month
        while months > 0 and _month_on(anniversary, start.day, months) > end:
            months -= 1
        month_start, month_end = (
            _month_on(anniversary, start.day, months),
            _month_on(anniversary, start.day, months + 1),
        )
        total += years + Fraction(months, 12) + Fraction((end - month_start).days, 12 * (month_end - month_start).days)
    return total


def _month_on(anniversary: dt.date, day: int, months: int) -> dt.date:
    """*months* calendar months after *anniversary*, on day *day* of that month or its last day
    (a holding from 31 January has a whole month on 28 or 29 February, then on 31 March)."""
    first = add_months(anniversary.replace(day=1), months)
    return first.replace(day=min(day, _days_in(first)))


def _days_in(first_of_month: dt.date) -> int:
    return (add_months(first_of_month, 1) - first_of_month).days


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
    import pandas as pd  # here: the rules answer without it (and --help starts without it)

    return list(pd.period_range(pd.Period(first, "M"), pd.Period(last, "M"), freq="M"))
