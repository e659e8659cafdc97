"""The real server: `smartborder serve` starts uvicorn on a port and answers over HTTP."""

from pathlib import Path

import httpx2 as httpx
import pytest

from tests.service.live import new_token, served


def test_serve_answers_on_loopback(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'served.db'}"
    token = new_token(db, "--role", "officer")
    with served(db) as base:
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            f"{base}/persons", json={"person_id": "p1", "background_check": "passed"}, headers=headers, timeout=5
        )
        assert created.status_code == 201
        decision = httpx.get(
            f"{base}/persons/p1/eligibility",
            params={"question": "apply", "on": "2025-01-01"},
            headers=headers,
            timeout=5,
        ).json()
        assert decision["granted"] is True
        assert "paths" in httpx.get(f"{base}/openapi.json", timeout=5).json()


def test_serve_refuses_the_public_test_keys(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "SMARTBORDER_TRUSTED_TEST_KEYS": "1"}
    started = subprocess.run(
        [sys.executable, "-m", "smartborder", "serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert started.returncode != 0
    assert "SMARTBORDER_TRUSTED_TEST_KEYS" in started.stderr and "forgeable" in started.stderr
    assert not (tmp_path / "x.db").exists()


def test_serve_prints_the_database_without_its_password(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The start-up line names the database, never its password (logs are read by many)."""
    import uvicorn
    from typer.testing import CliRunner

    from smartborder.cli import app
    from smartborder.service import app as service_app
    from smartborder.service.db import shown_url

    assert (
        shown_url("postgresql+psycopg://border:s3cr3t@db.example:5432/sb")
        == "postgresql+psycopg://border:***@db.example:5432/sb"
    )
    assert shown_url("sqlite:///smartborder.db") == "sqlite:///smartborder.db"
    assert shown_url("not a url") == "<unparsable database URL>"
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    monkeypatch.setattr(service_app, "create_app", lambda *args, **kwargs: object())
    monkeypatch.setattr(service_app, "settle_for_serving", lambda: None)
    result = CliRunner().invoke(app, ["serve", "--db", "postgresql+psycopg://border:s3cr3t@db.example:5432/sb"])
    assert result.exit_code == 0, result.output
    assert "s3cr3t" not in result.output and "border:***@db.example" in result.output


def test_database_errors_do_not_carry_the_rows_values(db_url: str) -> None:
    """A failed statement's error (what a 500 logs) shows the SQL, not the values bound to it, on
    SQLite and on PostgreSQL (the engines of ``db.engine_for`` both hide them)."""
    import sqlalchemy as sa

    from smartborder.service.db import engine_for
    from smartborder.service.scrub import scrubbed

    engine = engine_for(db_url, writer=True)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE t (k TEXT PRIMARY KEY)"))
        connection.execute(sa.text("INSERT INTO t VALUES (:k)"), {"k": "secret-person-id"})
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO t VALUES (:k)"), {"k": "secret-person-id"})
    except sa.exc.IntegrityError as exc:
        assert "hidden" in str(exc)  # the bound parameters
        # PostgreSQL's own message quotes the key ("Key (k)=(secret-person-id) already exists"):
        # an error no handler answers leaves the app scrubbed of it (service/scrub.py)
        assert "secret-person-id" not in str(scrubbed(exc)) and "INSERT INTO t" in str(scrubbed(exc))
    else:
        raise AssertionError("the duplicate key was accepted")


def test_a_500_logs_no_value_the_database_quoted(db_url: str) -> None:
    """An error that becomes a 500 leaves the app as its kind and statement: PostgreSQL's
    "invalid input syntax for type integer: \"secret\"" quoted the value."""
    import sqlalchemy as sa
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from smartborder.service.db import engine_for
    from smartborder.service.scrub import DatabaseError, ScrubDatabaseErrors

    engine = engine_for(db_url, writer=True)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE n (v INTEGER CHECK (v > 0))"))
    app = FastAPI()
    app.add_middleware(ScrubDatabaseErrors)

    @app.get("/boom")
    def boom() -> None:
        with engine.begin() as connection:  # a value PostgreSQL quotes back; SQLite's CHECK names no value
            connection.execute(sa.text("INSERT INTO n VALUES (CAST(:v AS INTEGER))"), {"v": "secret-42"})
            connection.execute(sa.text("INSERT INTO n VALUES (-7)"))

    with TestClient(app) as client, pytest.raises(DatabaseError) as raised:
        client.get("/boom")
    text = str(raised.value)
    assert "secret" not in text and "-7" not in text and "INSERT INTO n" in text
    assert raised.value.__traceback__ is not None  # the frames are kept for whoever reads the log


def test_serve_refuses_the_public_test_keys_set_as_real_ones(tmp_path: Path) -> None:
    """Setting SMARTBORDER_CARD_KEY to the public test key (anyone can derive it) is refused too."""
    import os
    import subprocess
    import sys

    from smartborder.service.trusted_support import KEY_VARIABLES, public_test_key

    for variable in KEY_VARIABLES:
        env = {k: v for k, v in os.environ.items() if k != "SMARTBORDER_TRUSTED_TEST_KEYS"}
        env[variable] = public_test_key(variable)
        started = subprocess.run(
            [sys.executable, "-m", "smartborder", "serve", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--port", "1"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert started.returncode != 0 and variable in started.stderr and "public test key" in started.stderr
        assert not (tmp_path / "x.db").exists()
