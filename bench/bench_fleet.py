"""Benchmark: a fleet of devices writing at once with tokens the server has not seen.

Why it exists: after an outage every device of a carrier fleet reconnects and posts at once, each
with its own token, none in the server's caller cache. The token lookup used to hold a pooled
connection for the whole request while the write took a second one, so on PostgreSQL 32 such
writers starved a pool of 15 and every request waited 30 s and failed (issue 27). This runs N
writers (default 64) through a real `smartborder serve`, all released at once, cold tokens, then
the same N again with their tokens now cached (the reference), and prints statuses and latency.

Run from the repository root::

    .venv/bin/python bench/bench_fleet.py [--db URL] [--writers 64] [--pings]

``--db`` defaults to a fresh SQLite file; give ``postgresql+psycopg://…`` for PostgreSQL (the
database is emptied first: never point it at data you keep).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.service.live: the real server

from smartborder.service.auth import create_token
from smartborder.service.db import engine_for, session_factory, upgrade
from tests.service.live import carrier_fleet, fleet_wave, ping_batches, served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=None)
    parser.add_argument("--writers", type=int, default=64)
    parser.add_argument(
        "--pings", action="store_true", help="carriers posting an hour of GPS pings each, not officers POST /persons"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.db or f"sqlite:///{Path(scratch) / 'fleet.db'}"
        if url.startswith("postgresql"):
            with engine_for(url).begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(url)
        first: Callable[[int], tuple[str, dict[str, Any]]] | None = None
        second: Callable[[int], tuple[str, dict[str, Any]]] | None = None
        if args.pings:  # the issue's case: carriers' devices after an outage, each its own shipment
            tokens, shipments = carrier_fleet(url, args.writers)
            first, second = ping_batches(shipments, 0), ping_batches(shipments, 1)
            what = "one batch of 60 GPS pings each (the next hour's for the cached wave)"
        else:
            with session_factory(url)() as session:
                tokens = [create_token(session, "officer", org=f"device-{k}") for k in range(args.writers)]
                session.commit()
            what = "one POST /persons each"
        with served(url) as base:
            cold_status, cold = fleet_wave(base, tokens, "cold", first)
            warm_status, warm = fleet_wave(base, tokens, "warm", second)
    backend = url.split(":", 1)[0]
    print(f"{args.writers} writers at once on {backend}, {what}")
    print(f"{'wave':<22}{'statuses':<24}{'p50 s':>8}{'p99 s':>8}{'max s':>8}")
    for name, status, times in (("cold tokens", cold_status, cold), ("cached tokens (ref.)", warm_status, warm)):
        print(
            f"{name:<22}{dict(status)!s:<24}{np.quantile(times, 0.5):>8.2f}{np.quantile(times, 0.99):>8.2f}"
            f"{times.max():>8.2f}"
        )
    print(f"cold / cached p99: {np.quantile(cold, 0.99) / np.quantile(warm, 0.99):.2f}x")


if __name__ == "__main__":
    main()
