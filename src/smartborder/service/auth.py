"""API tokens and roles. Tokens are random (256 bits), so a SHA-256 of them is safe to store."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from smartborder import clock
from smartborder.service.models import Token


class Role(StrEnum):
    """What a token may do. officer: reads every shipment and record, records inspections and
    decides permits; booth_officer: the lane decision at arrival; vetting_officer and auditor: the
    trusted programs; applicant: their own record; shipper and carrier: their own shipments;
    analyst: targeting profiles and thresholds; admin: everything."""

    ADMIN = "admin"
    OFFICER = "officer"
    BOOTH_OFFICER = "booth_officer"
    VETTING_OFFICER = "vetting_officer"
    AUDITOR = "auditor"
    APPLICANT = "applicant"
    SHIPPER = "shipper"
    CARRIER = "carrier"
    ANALYST = "analyst"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)

# Named groups, defined once: who may do what across the services (admin is in every group).
OFFICERS = (Role.OFFICER, Role.ADMIN)
BOOTH = (Role.BOOTH_OFFICER, Role.OFFICER, Role.ADMIN)
ANALYSTS = (Role.ANALYST, Role.ADMIN)
AUDITORS = (Role.AUDITOR, Role.ADMIN)
VETTERS = (Role.VETTING_OFFICER, Role.ADMIN)
TRUSTED_STAFF = (Role.OFFICER, Role.BOOTH_OFFICER, Role.VETTING_OFFICER, Role.ADMIN)
TRUSTED_READERS = (Role.OFFICER, Role.BOOTH_OFFICER, Role.AUDITOR, Role.VETTING_OFFICER, Role.ADMIN)
TARGETING_READERS = (Role.ANALYST, Role.OFFICER, Role.BOOTH_OFFICER, Role.AUDITOR, Role.ADMIN)
CUSTODY_PARTIES = (Role.SHIPPER, Role.CARRIER, Role.OFFICER, Role.BOOTH_OFFICER, Role.ADMIN)


@dataclass(frozen=True)
class Caller:
    token_id: int
    role: str
    org: str | None
    subject: str | None

    @property
    def label(self) -> str:
        return f"{self.role}#{self.token_id}" + (f"@{self.org}" if self.org else "")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: How long a new token lives unless told otherwise: a year, then a new one is issued (OWASP
#: ASVS 3.5: credentials that do not expire are a standing risk; a device fleet re-keys yearly).
DEFAULT_LIFETIME = dt.timedelta(days=365)
#: The longest lifetime a token may be given.
MAX_LIFETIME = dt.timedelta(days=3 * 365)


def create_token(
    session: Session,
    role: str,
    org: str | None = None,
    subject: str | None = None,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> str:
    """A new token for *role*, valid for *lifetime*; only its digest is stored, so it is shown once."""
    if role not in ROLES:
        raise ValueError(f"role: expected one of {', '.join(ROLES)}, got {role!r}")
    if not dt.timedelta(0) < lifetime <= MAX_LIFETIME:
        raise ValueError(f"lifetime: must be more than 0 and at most {MAX_LIFETIME.days} days, got {lifetime}")
    token = "sb_" + secrets.token_urlsafe(32)
    session.add(Token(token_hash=digest(token), role=role, org=org, subject=subject, expires_at=clock.now() + lifetime))
    return token


def revoke_token(session: Session, token_id: int) -> Token:
    """Revoke the token numbered *token_id* (its ``role#id`` label); revoking twice is harmless.
    A running server's caller cache may honour it for up to its ttl (10 s)."""
    row = session.get(Token, token_id)
    if row is None:
        raise LookupError(f"token_id: no token {token_id}")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
    return row


def caller_for(session: Session, token: str) -> Caller | None:
    """The caller a token speaks for, or None if it is unknown, revoked or expired (read on every
    request: plain columns, not an ORM entity, since this sits in front of every route)."""
    now = clock.now()
    row = session.execute(
        select(Token.id, Token.role, Token.org, Token.subject).where(
            Token.token_hash == digest(token),
            Token.revoked_at.is_(None),
            or_(Token.expires_at.is_(None), Token.expires_at > now),
        )
    ).first()
    return Caller(row.id, row.role, row.org, row.subject) if row else None


class CallerCache:
    """Tokens seen in the last *ttl* seconds and who they speak for, so that most requests need
    no database round trip to know their caller (on PostgreSQL that is a pooled connection's
    ping, the query and a rollback). The price: a token revoked in the database keeps working
    for up to *ttl* seconds in a running server. Unknown tokens are never cached."""

    def __init__(self, ttl: float = 10.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl, self.size, self.clock = ttl, size, clock
        self._seen: dict[str, tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    def get(self, token: str) -> Caller | None:
        key = digest(token)
        with self._lock:
            hit = self._seen.get(key)
        if hit is None or hit[0] < self.clock():
            return None
        return hit[1]

    def put(self, token: str, caller: Caller) -> None:
        with self._lock:
            if len(self._seen) >= self.size:
                self._seen.clear()  # simple and rare: a full cache only costs one lookup per token
            self._seen[digest(token)] = (self.clock() + self.ttl, caller)
