"""A flood of anonymous views does not take the server down (issue 27): 1,000 port pages of
distinct months — each a simulation nobody has run — sent at once from 32 threads to a real
`smartborder serve`. Before the bound every view queued a simulation (threads 17 → 1,014, memory
318 MB → 4 GB) and filled the studio's places. Now page views start at most
``jobs.MAX_PAGE_PENDING`` simulations and refuse the rest with 503 and ``Retry-After``; the server
process stays under 1 GB and the studio answers (``bench/bench_flood.py`` prints the figures).

SQLite only: the pages read the shipped data and the simulation queue, not the service database.
"""

from __future__ import annotations

from pathlib import Path

from smartborder.service.dashboard.jobs import MAX_PAGE_PENDING
from smartborder.service.db import upgrade
from tests.service.flood import flood
from tests.service.live import served

VIEWS = 1000


def test_a_thousand_anonymous_views_of_distinct_months_are_bounded(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'flood.db'}"
    upgrade(db)
    with served(db) as base:
        done = flood(base, VIEWS)
    assert sum(done.statuses.values()) == VIEWS
    assert set(done.statuses) <= {200, 503}, dict(done.statuses)  # no 500, no timeout
    refused = done.statuses[503]
    assert refused >= VIEWS // 2  # far more distinct months than the bound: most are refused
    assert done.statuses[200] >= MAX_PAGE_PENDING  # the first ones queue their simulation
    assert sum(done.retry_after.values()) == refused and all(value.isdigit() for value in done.retry_after)
    assert done.server_peak_mb < 1024, f"server process peaked at {done.server_peak_mb:.0f} MB"
    assert done.peak[1] < 200, f"{done.peak[1]} threads at peak"  # 1,014 before the bound
    assert done.studio_status == 200 and done.studio_seconds < 10
