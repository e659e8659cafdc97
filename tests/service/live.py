"""A real server for tests: `smartborder serve` on a free loopback port, and tokens made with the
CLI as a user makes them."""

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
def served(db: str, env: dict[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """``smartborder serve`` on a free port, answering /health; yields its base URL. *env* replaces
    the environment; *log* keeps the server's output."""
    port = free_port()
    out = log.open("w") if log is not None else subprocess.DEVNULL
    server = subprocess.Popen([sys.executable, "-m", "smartborder", "serve", "--db", db, "--port", str(port)],
                              stdout=out, stderr=subprocess.STDOUT, env=env)
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
