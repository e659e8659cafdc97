"""Benchmark: a flood of anonymous dashboard views, each of a month nobody has simulated yet.

Why it exists: every port-page view of an unsimulated month queues a simulation. Before the bound
(issue 27), 1,000 views of distinct months queued 1,000 jobs (threads 17 → 1,014, memory 318 MB
→ 4 GB) and filled the studio's places. This runs a real `smartborder serve` (SQLite), sends N
views (default 1,000) of distinct port × month pages from 32 threads, and reports: the statuses
(200 for the views that queued or showed a simulation, 503 with Retry-After for the rest), the
server's peak resident memory and thread count (its process tree: the server and its simulation
workers), and whether the studio page and a queued studio run still answer while it is flooded.

Run from the repository root::

    .venv/bin/python bench/bench_flood.py [--views 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.service: the real server and the flood

from smartborder.service.db import upgrade
from tests.service.flood import flood
from tests.service.live import served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--views", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{Path(scratch) / 'flood.db'}"
        upgrade(db)
        with served(db) as base:
            done = flood(base, args.views)
    results, statuses = done.results, done.statuses
    seconds = sorted(t for _, t in results)
    slowest = seconds[-1]
    p50, p99 = seconds[len(seconds) // 2], seconds[int(0.99 * (len(seconds) - 1))]
    by_status = {code: max(t for c, t in results if c == code) for code in statuses}
    cold, before, peak, after = done.cold, done.before, done.peak, done.after
    print(f"{len(results)} views of distinct port × month pages in {done.seconds:.1f} s from 32 threads")
    print(f"  statuses: {dict(sorted(statuses.items()))}; 503s' Retry-After: {dict(done.retry_after)}")
    print(f"  answers: p50 {p50:.2f} s, p99 {p99:.2f} s, slowest {slowest:.2f} s; slowest by status {by_status}")
    print(
        f"  server and workers: memory {cold[0]:.0f} MB started, {before[0]:.0f} MB after three views (the reference),"
    )
    print(f"  peak {peak[0]:.0f} MB in the flood, {after[0]:.0f} MB after")
    print(f"  the server process alone: peak {done.server_peak_mb:.0f} MB")
    print(f"  threads {before[1]} before, peak {peak[1]}, {after[1]} after")
    print(f"  studio page while flooded: {done.studio_status} in {done.studio_seconds:.2f} s")
    ok = done.server_peak_mb < 1024 and done.studio_status == 200 and set(statuses) <= {200, 503}
    print(
        "within the issue's bound (server memory < 1 GB, studio answering, nothing but 200/503):",
        "yes" if ok else "NO",
        f"(with its simulation workers: {'under' if peak[0] < 1024 else 'over'} 1 GB)",
    )


if __name__ == "__main__":
    main()
