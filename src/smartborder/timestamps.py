"""Instants sent by clients (GPS pings, EPCIS event times): ISO 8601 text with a UTC offset,
within the years a store can hold, and not in the future beyond a stated clock skew.

A device clock a little ahead of the server's is normal; a ping dated 9999-12-31 is not, and if
stored it would make every later real ping look "earlier than the last stored one".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

EARLIEST_YEAR = 1970  # nothing tracked here predates it; a smaller year is a unit or epoch mix-up
LATEST_YEAR = 9998  # Python's datetime ends in 9999; a year of margin keeps any UTC offset in range
DEFAULT_MAX_SKEW = dt.timedelta(minutes=10)  # how far a device clock may run ahead of the server's


def _text_only(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"expected an ISO 8601 date-time text with its UTC offset, e.g. "
            f"'2026-08-20T14:05:00-05:00', got a {type(value).__name__}"
        )
    return value


def _storable(value: dt.datetime) -> dt.datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"{value.isoformat()} is outside the years {EARLIEST_YEAR}–{LATEST_YEAR} that can be stored")
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_storable)]
"""A client's time: ISO text with an offset (not a number, not naive), years 1970–9998."""


FIRST_DAY_YEAR, LAST_DAY_YEAR = 1900, 2999
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_text(value: Any) -> Any:
    """A day as ISO 8601 text ``YYYY-MM-DD`` (or a date from Python): never a number or a boolean,
    which pydantic would otherwise read as a day counted from 1970 (``0`` → 1970-01-01)."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date YYYY-MM-DD, not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value):
        return dt.date.fromisoformat(value)
    raise ValueError(f"expected a date as text YYYY-MM-DD, got {value!r}")


def years_between(first: int, last: int, why: str = "") -> AfterValidator:
    """A check that a day falls in the years *first*..*last*; *why* ends the refusal."""

    def in_range(value: dt.date) -> dt.date:
        if not first <= value.year <= last:
            raise ValueError(f"{value.isoformat()} is outside the years {first}..{last}{why}")
        return value

    return AfterValidator(in_range)


Day = Annotated[
    dt.date,
    BeforeValidator(day_text),
    years_between(FIRST_DAY_YEAR, LAST_DAY_YEAR, " the registries hold (terms of years are added to it)"),
]
"""A calendar day a registry acts on (issue, renewal, audit, birth): ISO text, years 1900–2999, so
a five-year term added to it stays a date."""


def future_problem(at: dt.datetime, now: dt.datetime, max_skew: dt.timedelta) -> str | None:
    """Why *at* is too far in the future, or None if it is not."""
    if at > now + max_skew:
        return (
            f"{at.isoformat()} is {_ahead(at - now)} ahead of the server's clock ({now.isoformat(timespec='seconds')}); "
            f"at most {_ahead(max_skew)} is accepted"
        )
    return None


def _ahead(span: dt.timedelta) -> str:
    minutes = span.total_seconds() / 60
    return f"{minutes:.0f} min" if minutes < 24 * 60 else f"{minutes / (24 * 60):,.0f} days"
