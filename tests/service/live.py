"""A real server for tests: `smartborder serve` on a free loopback port, and tokens made with the
CLI as a user makes them."""

import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import numpy as np


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def new_token(db: str, *args: str) -> str:
    """``smartborder token create ARGS --db DB``, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "smartborder", "token", "create", *args, "--db", db],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@contextmanager
def served(db: str, env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """``smartborder serve`` on a free port, answering /health; yields its base URL. *env* replaces
    the environment; *log* keeps the server's output."""
    port = free_port()
    out = log.open("w") if log is not None else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "smartborder", "serve", "--db", db, "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        if log is not None:
            out.close()  # type: ignore[union-attr]


def fleet_wave(base: str, tokens: list[str], tag: str) -> tuple[Counter[int], np.ndarray]:
    """One ``POST /persons`` per token, all released at once from their own threads: the status
    counts and each request's seconds (a fleet of devices writing after an outage)."""
    start = threading.Barrier(len(tokens))

    def write(k: int) -> tuple[int, float]:
        with httpx.Client(base_url=base, timeout=120) as client:
            start.wait()
            began = time.perf_counter()
            response = client.post(
                "/persons",
                json={"person_id": f"{tag}-{k}", "background_check": "passed"},
                headers={"Authorization": f"Bearer {tokens[k]}"},
            )
            return response.status_code, time.perf_counter() - began

    with ThreadPoolExecutor(len(tokens)) as pool:
        results = list(pool.map(write, range(len(tokens))))
    return Counter(s for s, _ in results), np.array([t for _, t in results])
