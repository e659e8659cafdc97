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
    """The cache's own clock is moved, not waited for: with a 0.2 s ttl a slow database write
    under load outlived the entry before the 'still cached' request (a flaky test on PostgreSQL)."""
    now = [1000.0]
    with TestClient(create_app(db_url, token_cache_s=10.0)) as client:
        client.app.state.callers.clock = lambda: now[0]  # type: ignore[attr-defined]
        header = token("officer")
        assert client.get("/shipments", headers=header).status_code == 200
        with session_factory(db_url)() as session:
            session.execute(update(Token).values(revoked_at=dt.datetime.now(dt.UTC)))
            session.commit()
        assert client.get("/shipments", headers=header).status_code == 200  # still cached
        now[0] += 10.5
        assert client.get("/shipments", headers=header).status_code == 401


def test_tokens_expire_and_a_cli_revokes_them(db_url, token) -> None:  # type: ignore[no-untyped-def]
    """A token past its expiry is refused (401); `token revoke ID` ends one at once in the
    database, recorded in the audit log; `token list` shows both, never the token itself."""
    import json

    from typer.testing import CliRunner

    from smartborder.cli import app as cli
    from smartborder.service.audit import verify

    runner = CliRunner()
    with TestClient(create_app(db_url, token_cache_s=0.0)) as client:
        made = runner.invoke(cli, ["token", "create", "--role", "officer", "--days", "30", "--db", db_url, "--json"])
        assert made.exit_code == 0, made.output
        header = {"Authorization": f"Bearer {json.loads(made.output)['token']}"}
        assert client.get("/shipments", headers=header).status_code == 200
        other = token("analyst")
        with session_factory(db_url)() as session:  # the analyst's token ran out a minute ago
            session.execute(
                update(Token)
                .where(Token.role == "analyst")
                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
            )
            session.commit()
        assert client.get("/targeting/policy", headers=other).status_code == 401
        listed = json.loads(runner.invoke(cli, ["token", "list", "--db", db_url, "--json"]).output)
        officer = next(row for row in listed if row["role"] == "officer")
        assert officer["expires_at"] is not None and officer["revoked_at"] is None and "token" not in officer
        revoked = runner.invoke(cli, ["token", "revoke", str(officer["id"]), "--db", db_url])
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/shipments", headers=header).status_code == 401
    assert runner.invoke(cli, ["token", "revoke", "999", "--db", db_url]).exit_code != 0
    bad = runner.invoke(cli, ["token", "create", "--role", "officer", "--days", "5000", "--db", db_url])
    assert bad.exit_code != 0 and "days: a token is valid for 1..1095" in bad.output + str(bad.exception)
    with session_factory(db_url)() as session:
        intact, _, _ = verify(session)
    assert intact


def test_tokens_expire_on_the_package_clock(db_url, token) -> None:  # type: ignore[no-untyped-def]
    """Expiry reads ``smartborder.clock``: a token made for 30 days works on day 29 and not on
    day 31, with no sleeping and no editing of stored rows."""
    import json

    from typer.testing import CliRunner

    from smartborder import clock
    from smartborder.cli import app as cli

    start = dt.datetime(2031, 3, 1, 12, 0, tzinfo=dt.UTC)
    with TestClient(create_app(db_url, token_cache_s=0.0)) as client:
        with clock.frozen(start):
            made = CliRunner().invoke(
                cli, ["token", "create", "--role", "officer", "--days", "30", "--db", db_url, "--json"]
            )
            assert made.exit_code == 0, made.output
        header = {"Authorization": f"Bearer {json.loads(made.output)['token']}"}
        with clock.frozen(start + dt.timedelta(days=29)):
            assert client.get("/shipments", headers=header).status_code == 200
        with clock.frozen(start + dt.timedelta(days=31)):
            assert client.get("/shipments", headers=header).status_code == 401
