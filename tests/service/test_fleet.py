"""A fleet of devices after an outage: many callers with tokens the server has not seen (its
caller cache is cold) write at once, over real HTTP, on SQLite and PostgreSQL. Every write is
acknowledged, none is a 500, and the slowest answers in seconds, not after the connection pool's
30 s timeout (issue 27: the token lookup used to hold a pooled connection for the whole request
while the write took a second one, so 32 writers starved a pool of 15)."""

from __future__ import annotations

import numpy as np

from smartborder.service.auth import create_token
from smartborder.service.db import session_factory, upgrade
from tests.service.live import carrier_fleet, fleet_wave, ping_batches, served

FLEET = 32


def test_a_fleet_with_cold_tokens_writes_at_once(db_url: str) -> None:
    upgrade(db_url)
    with session_factory(db_url)() as session:
        tokens = [create_token(session, "officer", org=f"device-{k}") for k in range(FLEET)]
        session.commit()
    with served(db_url) as base:
        statuses, seconds = fleet_wave(base, tokens, "fleet")
    assert statuses == {201: FLEET}, statuses
    assert float(np.quantile(seconds, 0.99)) < 2.0  # the bar


def test_a_fleet_of_carriers_posts_ping_batches_at_once(db_url: str) -> None:
    """The issue's case itself: 32 carriers, each with its own token (cold in the server that
    answers) and its own sealed, departed shipment, post a batch of an hour's GPS pings at once:
    every batch is acknowledged, none is a 500, p99 under 2 s."""
    tokens, shipments = carrier_fleet(db_url, FLEET)
    with served(db_url) as base:
        statuses, seconds = fleet_wave(base, tokens, "pings", ping_batches(shipments, 0))
    assert statuses == {200: FLEET}, statuses
    # The bar is PostgreSQL's (measured p99 1.0 s). SQLite takes one writer at a time
    # (BEGIN IMMEDIATE), so the 32 batches queue for it: measured 1.2-2.0 s on a 2-core host.
    bound = 2.0 if db_url.startswith("postgresql") else 4.0
    assert float(np.quantile(seconds, 0.99)) < bound
