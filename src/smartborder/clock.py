"""One clock for the package: operations ask it for today's date and the current instant.

Every "as of today" default (a permit question without a date, a card checked at the booth, a
token's expiry, a custody event's receipt time) reads ``today()`` or ``now()`` here, never the
system clock directly (``tests/test_architecture.py`` holds it), so a test, a replay or a what-if
can set the day once::

    with clock.frozen(dt.datetime(2031, 1, 2, 9, 0, tzinfo=dt.UTC)):
        ...   # every operation sees 2 January 2031, 09:00 UTC

``frozen`` sets the clock for the whole process (the service answers in worker threads, which a
context variable would not reach) and restores it on leaving, even when nested.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """The current instant, aware, in UTC."""
    fixed = _fixed
    return fixed if fixed is not None else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date: the machine's local date, or the frozen instant's date in UTC."""
    fixed = _fixed
    return fixed.date() if fixed is not None else dt.date.today()


@contextmanager
def frozen(at: dt.datetime | dt.date) -> Iterator[dt.datetime]:
    """Hold the clock at *at* (a date means its midnight UTC; a naive instant is taken as UTC)."""
    global _fixed
    if not isinstance(at, dt.datetime):
        at = dt.datetime(at.year, at.month, at.day, tzinfo=dt.UTC)
    elif at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    with _lock:
        previous, _fixed = _fixed, at.astimezone(dt.UTC)
    try:
        yield _fixed
    finally:
        with _lock:
            _fixed = previous
