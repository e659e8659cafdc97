"""A flood of anonymous dashboard views, each of a month nobody has simulated yet, against a real
`smartborder serve`, with its process tree watched: what ``tests/service/test_flood.py`` and
``bench/bench_flood.py`` both run."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx2 as httpx
import psutil

from smartborder import data


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


def server_pid(base: str) -> int:
    """The process id of the `smartborder serve` child of this process listening at *base*."""
    port = base.rsplit(":", 1)[1]
    return next(
        p.pid for p in psutil.Process().children() if "serve" in " ".join(p.cmdline()) and port in " ".join(p.cmdline())
    )


@dataclass
class Flood:
    """What a flood did: each view's status and seconds, the 503s' Retry-After, the process
    tree's memory (MB) and threads before, at peak and after, the server process's own peak,
    and the studio page's answer once the flood was in."""

    results: list[tuple[int, float]]
    retry_after: Counter[str]
    seconds: float
    cold: tuple[float, int]
    before: tuple[float, int]
    peak: tuple[float, int]
    after: tuple[float, int]
    server_peak_mb: float
    studio_status: int
    studio_seconds: float
    statuses: Counter[int] = field(init=False)

    def __post_init__(self) -> None:
        self.statuses = Counter(code for code, _ in self.results)


def flood(base: str, views: int, threads: int = 32) -> Flood:
    """Three ordinary views first (modules and data loaded once: the reference), then *views*
    distinct port × month pages from *threads* threads at once, then the studio page."""
    pid = server_pid(base)
    cold = tree(pid)
    for code in ("2304", "2506", "2402"):
        httpx.get(f"{base}/ports/{code}", timeout=120)
    before = tree(pid)
    peak = list(before)
    server_peak = [tree(pid, children=False)[0]]
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            rss, count = tree(pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], count)
            server_peak[0] = max(server_peak[0], tree(pid, children=False)[0])
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    retry_after: Counter[str] = Counter()

    def view(url: str) -> tuple[int, float]:
        began = time.perf_counter()
        response = httpx.get(base + url, timeout=120)
        if response.status_code == 503:
            retry_after[response.headers.get("retry-after", "none")] += 1
        return response.status_code, time.perf_counter() - began

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(view, pages(views)))
    seconds = time.perf_counter() - started
    studio = httpx.get(f"{base}/studio", timeout=60)
    stop.set()
    watcher.join()
    return Flood(
        results,
        retry_after,
        seconds,
        cold,
        before,
        (peak[0], int(peak[1])),
        tree(pid),
        server_peak[0],
        studio.status_code,
        studio.elapsed.total_seconds(),
    )
