"""A fresh service database per test: SQLite in a temp dir, or PostgreSQL when
SMARTBORDER_TEST_DATABASE_URL is set (CI sets it), emptied first."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from smartborder.service.app import create_app
from smartborder.service.auth import create_token
from smartborder.service.db import dispose, engine_for, session_factory


def _database_urls() -> list[str]:
    urls = ["sqlite"]
    if os.environ.get("SMARTBORDER_TEST_DATABASE_URL"):
        urls.append("postgresql")
    return urls


@pytest.fixture(params=_database_urls())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'service.db'}"
    else:
        url = os.environ["SMARTBORDER_TEST_DATABASE_URL"]
        with engine_for(url).begin() as connection:  # every table, whichever migrations made it
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    yield url
    dispose(url)  # close pooled connections, so none is left to the garbage collector


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(db_url)) as test_client:
        yield test_client


@pytest.fixture
def token(db_url: str, client: TestClient):  # type: ignore[no-untyped-def]
    """Factory: a bearer header for a new token of *role* (for *org*, speaking for *subject*)."""

    def make(role: str, subject: str | None = None, org: str | None = None) -> dict[str, str]:
        with session_factory(db_url)() as session:
            value = create_token(session, role, org=org, subject=subject)
            session.commit()
        return {"Authorization": f"Bearer {value}"}

    return make
