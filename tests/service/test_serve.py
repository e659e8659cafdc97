"""The real server: `smartborder serve` starts uvicorn on a port and answers over HTTP."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def new_token(db: str, *args: str) -> str:
    """``smartborder token create ARGS --db DB``, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "smartborder", "token", "create", *args, "--db", db],
                          capture_output=True, text=True, check=True).stdout.strip()


@contextmanager
def served(db: str) -> Iterator[str]:
    """``smartborder serve`` on a free port, answering /health; yields its base URL."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "smartborder", "serve", "--db", db, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        server.wait(timeout=10)


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'served.db'}"
    token = new_token(db, "--role", "officer")
    with served(db) as base:
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(f"{base}/persons", json={"person_id": "p1", "background_check": "passed"},
                             headers=headers, timeout=5)
        assert created.status_code == 201
        decision = httpx.get(f"{base}/persons/p1/eligibility", params={"question": "work_permit", "on": "2025-01-01"},
                             headers=headers, timeout=5).json()
        assert decision["granted"] is True
        assert "paths" in httpx.get(f"{base}/openapi.json", timeout=5).json()
