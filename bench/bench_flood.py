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
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.service.live: the real server

from smartborder import data
from smartborder.service.db import upgrade
from tests.service.live import served


def pages(count: int) -> list[str]:
    """*count* distinct port × month pages, every port's months newest first."""
    out: list[str] = []
    ports = [p for p in data.catalogue().values() if data.crossings_of(p.code)]
    months = [f"{year}-{month:02d}" for year in range(2024, 1999, -1) for month in range(12, 0, -1)]
    for month in months:
        for port in ports:
            out.append(f"/ports/{port.code}?month={month}")
            if len(out) == count:
                return out
    return out


def tree(pid: int, children: bool = True) -> tuple[float, int]:
    """Resident memory (MB) and threads of the process *pid* (and its children: the simulation
    workers, one per queue at a time)."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)] if children else [root]
    except psutil.NoSuchProcess:
        return 0.0, 0
    rss = threads = 0
    for proc in procs:
        try:
            rss += proc.memory_info().rss
            threads += proc.num_threads()
        except psutil.NoSuchProcess:
            continue
    return rss / 2**20, threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--views", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        db = f"sqlite:///{Path(scratch) / 'flood.db'}"
        upgrade(db)
        with served(db) as base:
            server_pid = next(
                p.pid
                for p in psutil.Process().children()
                if "serve" in " ".join(p.cmdline()) and str(base.rsplit(":", 1)[1]) in " ".join(p.cmdline())
            )
            cold = tree(server_pid)
            for code in ("2304", "2506", "2402"):  # a visitor's first views: modules and data loaded once
                httpx.get(f"{base}/ports/{code}", timeout=120)
            before = tree(server_pid)
            peak = list(before)
            server_peak = [tree(server_pid, children=False)[0]]
            stop = threading.Event()

            def watch() -> None:
                while not stop.is_set():
                    rss, threads = tree(server_pid)
                    peak[0], peak[1] = max(peak[0], rss), max(peak[1], threads)
                    server_peak[0] = max(server_peak[0], tree(server_pid, children=False)[0])
                    time.sleep(0.2)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            urls = pages(args.views)
            retry_after: Counter[str] = Counter()

            def view(url: str) -> tuple[int, float]:
                began = time.perf_counter()
                response = httpx.get(base + url, timeout=120)
                if response.status_code == 503:
                    retry_after[response.headers.get("retry-after", "none")] += 1
                return response.status_code, time.perf_counter() - began

            started = time.perf_counter()
            with ThreadPoolExecutor(32) as pool:
                results = list(pool.map(view, urls))
            flood_s = time.perf_counter() - started
            studio = httpx.get(f"{base}/studio", timeout=60)
            studio_s = studio.elapsed.total_seconds()
            stop.set()
            watcher.join()
            after = tree(server_pid)
    statuses = Counter(code for code, _ in results)
    seconds = sorted(t for _, t in results)
    slowest = seconds[-1]
    p50, p99 = seconds[len(seconds) // 2], seconds[int(0.99 * (len(seconds) - 1))]
    by_status = {code: max(t for c, t in results if c == code) for code in statuses}
    print(f"{len(urls)} views of distinct port × month pages in {flood_s:.1f} s from 32 threads")
    print(f"  statuses: {dict(sorted(statuses.items()))}; 503s' Retry-After: {dict(retry_after)}")
    print(f"  answers: p50 {p50:.2f} s, p99 {p99:.2f} s, slowest {slowest:.2f} s; slowest by status {by_status}")
    print(
        f"  server and workers: memory {cold[0]:.0f} MB started, {before[0]:.0f} MB after three views (the reference),"
    )
    print(f"  peak {peak[0]:.0f} MB in the flood, {after[0]:.0f} MB after")
    print(f"  the server process alone: peak {server_peak[0]:.0f} MB")
    print(f"  threads {before[1]} before, peak {peak[1]}, {after[1]} after")
    print(f"  studio page while flooded: {studio.status_code} in {studio_s:.2f} s")
    ok = server_peak[0] < 1024 and studio.status_code == 200 and set(statuses) <= {200, 503}
    print(
        "within the issue's bound (server memory < 1 GB, studio answering, nothing but 200/503):",
        "yes" if ok else "NO",
        f"(with its simulation workers: {'under' if peak[0] < 1024 else 'over'} 1 GB)",
    )


if __name__ == "__main__":
    main()
