"""The audit chain under concurrent writers, over real HTTP, on SQLite and PostgreSQL: it must
not fork, every acknowledged write is stored once, and a race on one id is a 409, never a 500."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from smartborder.service.audit import GENESIS, record, verify
from smartborder.service.db import engine_for, session_factory, upgrade
from smartborder.service.models import AuditEntry, Person, PersonRecord
from smartborder.service.trusted_models import Company
from tests.service.live import new_token, served

WRITERS = 8
ROUNDS = 12


def _write(base: str, officer: str, auditor: str, writer: int) -> dict[str, list[object]]:
    """One client's writes: its own persons, records and companies, and a race with every other
    client for the same company ids. Returns what the server acknowledged, by kind."""
    acked: dict[str, list[object]] = {"persons": [], "records": [], "companies": [], "shared": [], "status": []}
    with httpx.Client(base_url=base, timeout=60) as client:
        as_officer = {"Authorization": f"Bearer {officer}"}
        as_auditor = {"Authorization": f"Bearer {auditor}"}
        for i in range(ROUNDS):
            person = f"w{writer}-p{i}"
            r = client.post("/persons", json={"person_id": person, "background_check": "passed"}, headers=as_officer)
            acked["status"].append(r.status_code)
            if r.status_code == 201:
                acked["persons"].append(person)
            r = client.post(
                f"/persons/{person}/records",
                json={"kind": "report", "start": "2024-01-02", "address": "Calle 5", "employer": "Taller"},
                headers=as_officer,
            )
            acked["status"].append(r.status_code)
            if r.status_code == 201:
                acked["records"].append(person)
            company = {"id": f"w{writer}-c{i}", "name": "Maquila", "kind": "manufacturer", "country": "MX"}
            r = client.post("/trusted/companies", json=company, headers=as_auditor)
            acked["status"].append(r.status_code)
            if r.status_code == 201:
                acked["companies"].append(company["id"])
            shared = {"id": f"shared-{i}", "name": "Shared", "kind": "importer", "country": "US"}
            r = client.post("/trusted/companies", json=shared, headers=as_auditor)
            acked["status"].append(r.status_code)
            if r.status_code == 201:
                acked["shared"].append(shared["id"])
            else:
                assert r.status_code == 409, r.text
                assert r.json()["detail"][0]["field"] == "id"
    return acked


def test_concurrent_writers_over_http_leave_one_unbroken_chain(db_url: str) -> None:
    officer = new_token(db_url, "--role", "officer")
    auditor = new_token(db_url, "--role", "auditor")
    with served(db_url) as base, ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(lambda w: _write(base, officer, auditor, w), range(WRITERS)))

    statuses = Counter(s for r in results for s in r["status"])
    assert set(statuses) <= {201, 409}, statuses  # never a 500
    persons = [p for r in results for p in r["persons"]]
    records = [p for r in results for p in r["records"]]
    companies = [c for r in results for c in r["companies"]] + [c for r in results for c in r["shared"]]
    assert len(persons) == len(records) == WRITERS * ROUNDS
    assert sorted(str(c) for r in results for c in r["shared"]) == sorted(f"shared-{i}" for i in range(ROUNDS))

    verified = subprocess.run(
        [sys.executable, "-m", "smartborder", "audit", "verify", "--db", db_url],
        check=False,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "intact" in verified.stdout

    with session_factory(db_url)() as session:
        stored_persons = Counter(session.scalars(select(Person.person_id)))
        stored_records = Counter(session.scalars(select(PersonRecord.person_id)))
        stored_companies = Counter(session.scalars(select(Company.id)))
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
        forks = session.execute(
            select(AuditEntry.prev_hash).group_by(AuditEntry.prev_hash).having(func.count() > 1)
        ).all()
    assert stored_persons == Counter(persons)  # every acknowledged write, once
    assert stored_records == Counter(records)
    assert stored_companies == Counter(companies)
    # one entry per acknowledged write, plus the two tokens; refused writes left none
    assert entries == len(persons) + len(records) + len(companies) + 2
    assert forks == []


def test_a_fork_cannot_be_stored(db_url: str) -> None:
    """Two entries after the same one violate a constraint, whatever a writer does."""
    upgrade(db_url)
    with session_factory(db_url)() as session:
        first = record(session, "test", "a", "x", {})
        session.commit()
        session.add(
            AuditEntry(
                seq=first.seq + 1,
                at=first.at,
                actor="forger",
                action="b",
                subject="x",
                payload="{}",
                prev_hash=first.prev_hash,
                hash="f" * 64,
            )
        )
        with pytest.raises(IntegrityError):
            session.commit()


def test_removing_an_entry_anywhere_breaks_the_chain(db_url: str) -> None:
    upgrade(db_url)
    make = session_factory(db_url)
    with make() as session:
        for i in range(4):
            record(session, "test", "write", f"s{i}", {"i": i})
        session.commit()
        assert verify(session)[0]
    for seq, words in ((4, "removed from the end"), (2, "expected 2")):
        with engine_for(db_url).begin() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": seq})
        with make() as session:
            intact, _, message = verify(session)
        assert not intact and words in message, message


def test_an_existing_log_is_numbered_in_chain_order_by_the_migration(db_url: str) -> None:
    """A database at revision 0004 with entries (ids with gaps) migrates to an intact chain."""
    import datetime as dt
    from importlib.resources import files

    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from smartborder.service.audit import _hash, _stamp

    upgrade(db_url)
    old_log = sa.table(
        "audit_log",
        *(sa.column(name, sa.String) for name in ("actor", "action", "subject", "payload", "prev_hash", "hash")),
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    with engine_for(db_url).begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(files("smartborder.service") / "migrations"))
        config.attributes["connection"] = connection
        command.downgrade(config, "0004")
        prev, at = GENESIS, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        for entry_id in (3, 7, 8):  # gaps, as rolled-back inserts leave on PostgreSQL
            digest = _hash(prev, _stamp(at), "old", "write", str(entry_id), "{}")
            connection.execute(
                old_log.insert().values(
                    id=entry_id,
                    at=at,
                    actor="old",
                    action="write",
                    subject=str(entry_id),
                    payload="{}",
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
    upgrade(db_url)
    with session_factory(db_url)() as session:
        assert list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.id))) == [1, 2, 3]
        record(session, "new", "write", "after", {})
        session.commit()
        assert verify(session) == (True, 4, "4 entries, chain intact")
