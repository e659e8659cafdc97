"""A real server for tests: `smartborder serve` on a free loopback port, and tokens made with the
CLI as a user makes them."""

import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def fleet_wave(
    base: str, tokens: list[str], tag: str, request: Callable[[int], tuple[str, dict[str, Any]]] | None = None
) -> tuple[Counter[int], np.ndarray]:
    """One POST per token, all released at once from their own threads: the status counts and
    each request's seconds (a fleet of devices writing after an outage). *request(k)* gives the
    k-th caller's path and body (default: ``POST /persons`` of a person tagged *tag*)."""
    start = threading.Barrier(len(tokens))

    def write(k: int) -> tuple[int, float]:
        path, body = (
            request(k)
            if request is not None
            else ("/persons", {"person_id": f"{tag}-{k}", "background_check": "passed"})
        )
        with httpx.Client(base_url=base, timeout=120) as client:
            start.wait()
            began = time.perf_counter()
            response = client.post(path, json=body, headers={"Authorization": f"Bearer {tokens[k]}"})
            return response.status_code, time.perf_counter() - began

    with ThreadPoolExecutor(len(tokens)) as pool:
        results = list(pool.map(write, range(len(tokens))))
    return Counter(s for s, _ in results), np.array([t for _, t in results])


def carrier_fleet(db_url: str, n: int) -> tuple[list[str], list[str]]:
    """*n* carriers, each with its own token and its own sealed, departed shipment (set up in
    this process, so a server started afterwards has never seen the tokens): the tokens and the
    shipments' ids (``ping_batches`` gives what each posts)."""
    import datetime as dt

    from fastapi.testclient import TestClient

    from smartborder.service.app import create_app
    from smartborder.service.auth import create_token
    from smartborder.service.db import session_factory, upgrade
    from tests.custody.journeys import ORIGIN, SEAL, START, declaration, event

    upgrade(db_url)
    with session_factory(db_url)() as session:
        admin = create_token(session, "admin")
        tokens = [create_token(session, "carrier", org=f"carrier-{k}") for k in range(n)]
        session.commit()
    shipments = []
    with TestClient(create_app(db_url)) as set_up:
        headers = {"Authorization": f"Bearer {admin}"}
        for k in range(n):
            made = set_up.post(
                "/shipments", json=declaration(carrier_org=f"carrier-{k}", shipper_org="aceros"), headers=headers
            )
            assert made.status_code == 201, made.text
            sid = made.json()["id"]
            early = dt.timedelta(seconds=k)  # each shipment's events its own (an event's hash is its content)
            sealed = event(
                "sealing", START - dt.timedelta(minutes=10) - early, ORIGIN.lat, ORIGIN.lon, **{"sb:sealNumber": SEAL}
            )
            departed = event("departing", START - early, ORIGIN.lat, ORIGIN.lon)
            for body in (sealed, departed):
                assert set_up.post(f"/shipments/{sid}/events", json=body, headers=headers).status_code == 200
            shipments.append(sid)
    return tokens, shipments


def ping_batches(shipments: list[str], hour: int) -> Callable[[int], tuple[str, dict[str, Any]]]:
    """The k-th carrier's request: its shipment's GPS pings of the *hour*-th hour on the road."""
    from tests.custody.journeys import track

    points = track(60 * (hour + 1))[60 * hour :]
    pings = [{"at": t.isoformat(), "lat": lat, "lon": lon} for t, lat, lon in points]

    def batch(k: int) -> tuple[str, dict[str, Any]]:
        return f"/shipments/{shipments[k]}/pings", {"device_id": f"gps-{k}", "pings": pings}

    return batch
