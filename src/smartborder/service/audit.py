"""The append-only audit log with a hash chain: every write leaves an entry whose hash covers
the previous entry's, so changing or deleting a past entry breaks the chain (``verify``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.service.models import AuditEntry, now

GENESIS = "0" * 64


def _stamp(at: dt.datetime) -> str:
    """UTC ISO text of a timestamp, whatever zone the database hands back (SQLite: naive UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


def _hash(prev: str, at: str, actor: str, action: str, subject: str, payload: str) -> str:
    return hashlib.sha256("\x1f".join([prev, at, actor, action, subject, payload]).encode()).hexdigest()


def record(session: Session, actor: str, action: str, subject: str, payload: dict[str, Any]) -> AuditEntry:
    """Append an entry in the caller's transaction (it commits or rolls back with the write).

    The chain's tail is read with a row lock where the database has them, so two writers
    cannot fork the chain.
    """
    query = select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)  # the hash, not the row
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    prev = session.scalar(query) or GENESIS
    at = now()
    text = json.dumps(payload, sort_keys=True, default=str)
    entry = AuditEntry(at=at, actor=actor, action=action, subject=subject, payload=text, prev_hash=prev,
                       hash=_hash(prev, _stamp(at), actor, action, subject, text))
    session.add(entry)
    session.flush()
    return entry


def verify(session: Session) -> tuple[bool, int, str]:
    """Walk the chain: (intact, entries checked, message naming the first broken entry)."""
    prev = GENESIS
    count = 0
    # Plain rows, not ORM objects: what is in the database now, not what the session remembers.
    columns = (AuditEntry.id, AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.subject,
               AuditEntry.payload, AuditEntry.prev_hash, AuditEntry.hash)
    for entry in session.execute(select(*columns).order_by(AuditEntry.id)):
        expected = _hash(prev, _stamp(entry.at), entry.actor, entry.action, entry.subject, entry.payload)
        if entry.prev_hash != prev or entry.hash != expected:
            return False, count, f"entry {entry.id} ({entry.action} {entry.subject}) does not match the chain"
        prev = entry.hash
        count += 1
    return True, count, f"{count} entries, chain intact"
