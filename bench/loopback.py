"""What the service benchmarks share: bulk seeding, a free loopback port, waiting for /health."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, text

from smartborder.service.db import engine_for


def bulk_insert(url: str, batches: Iterable[tuple[Any, list[dict[str, Any]]]], chunk: int = 10_000) -> None:
    """Insert (ORM class, rows) pairs in one transaction, in chunks; ANALYZE on PostgreSQL."""
    with engine_for(url).begin() as connection:
        for table, values in batches:
            for start in range(0, len(values), chunk):
                connection.execute(insert(table.__table__), values[start : start + chunk])
        if url.startswith("postgresql"):
            connection.execute(text("ANALYZE"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(port: int, tries: int = 300) -> None:
    """Until the server on *port* answers GET /health with 200 (30 s), else RuntimeError."""
    for _ in range(tries):
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            probe.request("GET", "/health")
            if probe.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server answered on port {port}")
