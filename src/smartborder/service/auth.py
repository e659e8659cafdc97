"""API tokens and roles. Tokens are random (256 bits), so a SHA-256 of them is safe to store."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartborder.service.models import Token

# officer: reads every shipment and record, records inspections and decides permits;
# booth_officer: the lane decision at arrival; vetting_officer and auditor: the trusted programs.
ROLES = ("admin", "officer", "booth_officer", "vetting_officer", "auditor", "applicant", "shipper",
         "carrier", "analyst")


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


def create_token(session: Session, role: str, org: str | None = None, subject: str | None = None) -> str:
    """A new token for *role*; only its digest is stored, so it is shown once."""
    if role not in ROLES:
        raise ValueError(f"role: expected one of {', '.join(ROLES)}, got {role!r}")
    token = "sb_" + secrets.token_urlsafe(32)
    session.add(Token(token_hash=digest(token), role=role, org=org, subject=subject))
    return token


def caller_for(session: Session, token: str) -> Caller | None:
    """The caller a token speaks for, or None if it is unknown or revoked (read on every request:
    plain columns, not an ORM entity, since this sits in front of every route)."""
    row = session.execute(select(Token.id, Token.role, Token.org, Token.subject)
                          .where(Token.token_hash == digest(token), Token.revoked_at.is_(None))).first()
    return Caller(row.id, row.role, row.org, row.subject) if row else None
