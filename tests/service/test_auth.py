"""Tokens: the short-lived caller cache in front of the token table."""

import datetime as dt
import time

from fastapi.testclient import TestClient
from sqlalchemy import update

from smartborder.service.app import create_app
from smartborder.service.auth import Caller, CallerCache
from smartborder.service.db import session_factory
from smartborder.service.models import Token


def test_cached_callers_expire_and_unknown_tokens_are_not_kept() -> None:
    cache = CallerCache(ttl=0.05, size=2)
    who = Caller(1, "officer", None, None)
    assert cache.get("sb_a") is None
    cache.put("sb_a", who)
    assert cache.get("sb_a") == who and cache.get("sb_b") is None
    time.sleep(0.06)
    assert cache.get("sb_a") is None


def test_a_full_cache_starts_again() -> None:
    cache = CallerCache(ttl=60, size=2)
    for n in range(3):
        cache.put(f"sb_{n}", Caller(n, "officer", None, None))
    assert cache.get("sb_2") is not None and cache.get("sb_0") is None


def test_a_revoked_token_stops_working_once_its_cache_entry_expires(db_url, token) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(db_url, token_cache_s=0.2)) as client:
        header = token("officer")
        assert client.get("/shipments", headers=header).status_code == 200
        with session_factory(db_url)() as session:
            session.execute(update(Token).values(revoked_at=dt.datetime.now(dt.UTC)))
            session.commit()
        assert client.get("/shipments", headers=header).status_code == 200  # still cached
        time.sleep(0.25)
        assert client.get("/shipments", headers=header).status_code == 401
