"""The append-only audit log with a hash chain: every write leaves an entry whose hash covers
the previous entry's, so changing or deleting a past entry breaks the chain (``verify``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smartborder.errors import SmartborderError
from smartborder.service.models import AuditEntry, AuditHead, now

GENESIS = "0" * 64


def _stamp(at: dt.datetime) -> str:
    """UTC ISO text of a timestamp, whatever zone the database hands back (SQLite: naive UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()


def _hash(prev: str, at: str, actor: str, action: str, subject: str, payload: str) -> str:
    return hashlib.sha256("\x1f".join([prev, at, actor, action, subject, payload]).encode()).hexdigest()


HEAD = 1  # the id of the chain head's one row


class ChainHeadMissing(SmartborderError, RuntimeError):
    """The database has no chain head: its schema predates migration 0005 or was not migrated."""


def record(session: Session, actor: str, action: str, subject: str, payload: dict[str, Any]) -> AuditEntry:
    """Append an entry in the caller's transaction (it commits or rolls back with the write).

    The head is read and advanced in one ``UPDATE … RETURNING``: on PostgreSQL that takes the
    head row's lock until the transaction ends, and a writer waiting for it reads the row as the
    first writer committed it (READ COMMITTED re-reads an updated row); on SQLite an UPDATE takes
    the database's write lock. Either way the next append starts from this one's hash.
    """
    advance = (
        update(AuditHead)
        .where(AuditHead.id == HEAD)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
        .execution_options(synchronize_session=False)
    )
    head = session.execute(advance).one_or_none()
    if head is None:
        raise ChainHeadMissing(
            "audit_head: the database has no audit chain head; migrate it (smartborder serve "
            "or any command with --db migrates)"
        )
    seq, prev = head
    at = now()
    text = json.dumps(payload, sort_keys=True, default=str)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        payload=text,
        prev_hash=prev,
        hash=_hash(prev, _stamp(at), actor, action, subject, text),
    )
    session.add(entry)
    session.flush()
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD)
        .values(hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    return entry


def verify(session: Session) -> tuple[bool, int, str]:
    """Walk the chain: (intact, entries checked, message naming the first broken entry)."""
    prev = GENESIS
    count = 0
    # Plain rows, not ORM objects: what is in the database now, not what the session remembers.
    columns = (
        AuditEntry.id,
        AuditEntry.seq,
        AuditEntry.at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.subject,
        AuditEntry.payload,
        AuditEntry.prev_hash,
        AuditEntry.hash,
    )
    for entry in session.execute(select(*columns).order_by(AuditEntry.seq)):
        expected = _hash(prev, _stamp(entry.at), entry.actor, entry.action, entry.subject, entry.payload)
        if entry.seq != count + 1:
            return (
                False,
                count,
                f"entry {entry.id} is number {entry.seq} of the chain; expected {count + 1} (entries removed)",
            )
        if entry.prev_hash != prev or entry.hash != expected:
            return False, count, f"entry {entry.id} ({entry.action} {entry.subject}) does not match the chain"
        prev = entry.hash
        count += 1
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD)).one_or_none()
    if head is not None and (head.seq, head.hash) != (count, prev):
        return (
            False,
            count,
            (
                f"the chain head says {head.seq} entries ending {head.hash[:12]}…, the log holds "
                f"{count} ending {prev[:12]}… (entries removed from the end)"
            ),
        )
    return True, count, f"{count} entries, chain intact"
