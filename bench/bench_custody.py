"""Benchmark: custody ingest over HTTP (pings/s, events/s) and custody status reads with 10⁵
shipments stored — on SQLite and on PostgreSQL, in one run.

Why it exists: issue 5 asks for ≥ 5,000 GPS pings/s ingested in batches over HTTP on loopback on
this 2-core machine, with SQLite and with PostgreSQL, and a custody-status read p99 < 20 ms with
10⁵ shipments stored. (The whole southern border — ~20,000 northbound trucks a day pinging once a
minute — is ~300 pings/s.)

For each database the script migrates a fresh one, bulk-inserts ``--shipments`` declared and
sealed shipments (a real route Apodaca → Laredo, 1 % with a stored anomaly), starts
``smartborder serve`` (uvicorn, one process) and, from ``--clients`` client threads on keep-alive
connections, posts ``--batches`` batches of ``--batch`` pings, each batch for a different
shipment, moving along the route at one ping a minute (every ping goes through the corridor,
stop, gap and overdue checks, is stored, and each batch writes its audit entry; the
journey is slow enough that 500 pings fit on the route, so every shipment is also flagged
overdue once). Then EPCIS
event documents, then ``--reads`` ``GET /shipments/{id}/custody`` for random shipments, one
client, latency measured per round trip on the client.

    .venv/bin/python bench/bench_custody.py [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench]

The PostgreSQL database named by ``--pg`` is emptied (schema public dropped); pass ``--pg ''``
to skip PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np
from sqlalchemy import text

from smartborder.custody import CustodyState
from smartborder.custody.journey import along
from smartborder.service.auth import create_token
from smartborder.service.custody_models import AnomalyRow, Shipment
from smartborder.service.db import dispose, engine_for, session_factory, upgrade

from loopback import bulk_insert, free_port, wait_healthy

ROUTE = [(-100.19, 25.78), (-100.0, 26.4), (-99.75, 27.0), (-99.507, 27.5)]
START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
GOAL_PINGS, GOAL_P99_MS = 5000, 20.0


def seed(url: str, shipments: int, rng: np.random.Generator) -> list[str]:
    """Bulk-insert sealed, departed shipments as the service stores them; returns their ids."""
    now = dt.datetime.now(dt.UTC)
    state = CustodyState(
        seal_number="TYD1234567",
        sealed=True,
        sealed_at=START - dt.timedelta(minutes=10),
        departed_at=START,
        last_event_at=START,
    ).model_dump(mode="json")
    ids = [str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | k)) for k in range(shipments)]
    route = {"type": "LineString", "coordinates": [list(p) for p in ROUTE]}
    rows = [
        dict(
            id=i,
            shipper_org=f"shipper-{k % 1000}",
            carrier_org="transnorte",
            consignor="c",
            consignee="c",
            container_id="CSQU3054383",
            seal_number="TYD1234567",
            seal_class="H",
            goods_description="steel",
            goods_value_usd=1000,
            origin_facility_id=f"plant-{k % 5000}",
            origin_name="Apodaca plant",
            origin_lat=25.78,
            origin_lon=-100.19,
            origin_audit_status="certified",
            route=route,
            planned_stops=[],
            thresholds={},
            destination_port="2304",
            expected_transit_min=240.0,
            phase="in_transit",
            custody_status="intact",
            state=state,
            declared_by="bench",
            created_at=now,
        )
        for k, i in enumerate(ids)
    ]
    anomalies = [
        dict(
            shipment_id=ids[k],
            kind="off_corridor",
            severity="suspect",
            at=START,
            detected_at=now,
            evidence={"distance_m": 4200.0, "buffer_m": 1000.0},
        )
        for k in rng.choice(shipments, shipments // 100, replace=False)
    ]
    bulk_insert(url, [(Shipment, rows), (AnomalyRow, anomalies)])
    return ids


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("smartborder")
    server = subprocess.Popen(
        [str(exe), "serve", "--db", url, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_healthy(port)
    except RuntimeError:
        server.kill()
        raise
    return server


def post(conn: http.client.HTTPConnection, path: str, body: bytes, auth: str) -> dict:  # type: ignore[type-arg]
    conn.request("POST", path, body, {"Authorization": auth, "Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {data[:300]!r}")
    return json.loads(data)


def ingest_pings(port: int, auth: str, ids: list[str], batches: int, size: int, clients: int) -> tuple[float, int]:
    """Post *batches* ping batches from *clients* threads; (seconds, pings accepted)."""
    track = along(ROUTE, START, speed_kmh=200 * 60 / (size + 100))  # ~215 km: more than size + 100 pings
    bodies = []
    for b in range(batches):  # batch b: *size* minutes of the journey, for shipment b
        k0 = (b * 37) % 100
        pings = [{"at": t.isoformat(), "lat": lat, "lon": lon} for t, lat, lon in track[k0 : k0 + size]]
        bodies.append((ids[b], json.dumps({"device_id": f"dev-{b}", "pings": pings}).encode()))
    accepted = [0] * clients

    def work(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for sid, body in bodies[c::clients]:
            accepted[c] += post(conn, f"/shipments/{sid}/pings", body, auth)["accepted"]
        conn.close()

    threads = [threading.Thread(target=work, args=(c,)) for c in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, sum(accepted)


def ingest_events(port: int, auth: str, ids: list[str], documents: int, size: int) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    accepted, t0 = 0, time.perf_counter()
    for d in range(documents):
        events = [
            {
                "type": "ObjectEvent",
                "eventTime": (START + dt.timedelta(minutes=5 + k)).isoformat(),
                "eventTimeZoneOffset": "+00:00",
                "epcList": [f"urn:epc:id:giai:0614141.T{d}"],
                "action": "OBSERVE",
                "bizStep": "transporting",
                "readPoint": {"id": "geo:26.4,-100.0"},
            }
            for k in range(size)
        ]
        body = json.dumps(
            {
                "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
                "type": "EPCISDocument",
                "schemaVersion": "2.0",
                "creationDate": START.isoformat(),
                "epcisBody": {"eventList": events},
            }
        ).encode()
        accepted += post(conn, f"/shipments/{ids[-1 - d]}/events", body, auth)["accepted"]
    conn.close()
    return time.perf_counter() - t0, accepted


def read_latencies(port: int, auth: str, ids: list[str], reads: int, rng: np.random.Generator) -> np.ndarray:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    picks = rng.choice(len(ids), reads + 200)
    times = []
    for n, k in enumerate(picks):
        t0 = time.perf_counter()
        conn.request("GET", f"/shipments/{ids[k]}/custody", headers={"Authorization": auth})
        response = conn.getresponse()
        response.read()
        assert response.status == 200, response.status
        if n >= 200:  # warm-up
            times.append(time.perf_counter() - t0)
    conn.close()
    return np.array(times) * 1000


def run(label: str, url: str, args: argparse.Namespace) -> dict[str, float]:
    rng = np.random.default_rng(7)
    upgrade(url)
    t0 = time.perf_counter()
    ids = seed(url, args.shipments, rng)
    seeded = time.perf_counter() - t0
    with session_factory(url)() as session:
        carrier = "Bearer " + create_token(session, "carrier", org="transnorte")
        officer = "Bearer " + create_token(session, "officer")
        session.commit()
    dispose(url)
    port = free_port()
    server = serve(url, port)
    try:
        ingest_pings(port, carrier, ids[-50:], 10, 50, 1)  # warm-up: imports, caches, connections
        seconds, pings = ingest_pings(port, carrier, ids, args.batches, args.batch, args.clients)
        ev_seconds, events = ingest_events(port, carrier, ids, args.documents, 100)
        latency = read_latencies(port, officer, ids, args.reads, rng)
    finally:
        server.terminate()
        server.wait()
    figures = {
        "pings_per_s": pings / seconds,
        "pings": pings,
        "events_per_s": events / ev_seconds,
        "read_p50_ms": float(np.percentile(latency, 50)),
        "read_p99_ms": float(np.percentile(latency, 99)),
        "seed_s": seeded,
    }
    print(
        f"{label:<10} seeded {args.shipments:,} shipments in {seeded:.1f} s | "
        f"pings {pings:,} in {seconds:.2f} s = {figures['pings_per_s']:,.0f}/s "
        f"({args.batch}/batch, {args.clients} clients) | events {events:,} = {figures['events_per_s']:,.0f}/s | "
        f"custody read p50 {figures['read_p50_ms']:.2f} ms, p99 {figures['read_p99_ms']:.2f} ms ({args.reads:,} reads)",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shipments", type=int, default=100_000)
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--reads", type=int, default=3000)
    parser.add_argument(
        "--pg", default=os.environ.get("SMARTBORDER_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/bench")
    )
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run("SQLite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.pg:
        from sqlalchemy import create_engine

        admin = create_engine(args.pg.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = args.pg.rsplit("/", 1)[1]
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        with engine_for(args.pg).begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        dispose(args.pg)
        results["PostgreSQL"] = run("PostgreSQL", args.pg, args)
    for label, figures in results.items():
        met = figures["pings_per_s"] >= GOAL_PINGS and figures["read_p99_ms"] < GOAL_P99_MS
        print(
            f"Goal on {label} (>= {GOAL_PINGS:,} pings/s, custody read p99 < {GOAL_P99_MS:.0f} ms): "
            f"{'MET' if met else 'NOT MET'} ({figures['pings_per_s']:,.0f}/s, p99 {figures['read_p99_ms']:.2f} ms)"
        )


if __name__ == "__main__":
    main()
