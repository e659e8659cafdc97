"""Tables of the services (SQLAlchemy 2 typed declarative)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from smartborder import clock


class Base(DeclarativeBase):
    pass


def now() -> dt.datetime:
    return clock.now()


class Token(Base):
    """An API token: only its SHA-256 is stored; the role decides what it may do."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(32))
    org: Mapped[str | None] = mapped_column(String(128))
    subject: Mapped[str | None] = mapped_column(String(128), doc="e.g. the person an applicant token speaks for")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), doc="none: never (older tokens)")


class AuditEntry(Base):
    """Append-only log; each entry's hash covers the previous one, so edits are evident.

    ``seq`` numbers the chain 1, 2, 3, …; ``seq`` and ``prev_hash`` are unique, so two entries
    can never follow the same one (a fork fails to store instead of breaking the chain)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
    actor: Mapped[str] = mapped_column(String(160))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(160))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's head, one row (``id`` 1): the last entry's ``seq`` and ``hash``. Every append
    advances it in the appending transaction, which serialises appends on every database."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class Person(Base):
    __tablename__ = "persons"
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    basis: Mapped[str] = mapped_column(String(32), default="work_skill")
    background_check: Mapped[str] = mapped_column(String(16), default="pending")
    resided_in_us_since: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class PersonRecord(Base):
    """One dated fact of a person's history: a crossing, a conviction, a report, a spell."""

    __tablename__ = "person_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.person_id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(500), doc="a report: the holder's address")
    employer: Mapped[str | None] = mapped_column(String(200), doc="a report: the holder's place of employment")
    code: Mapped[str | None] = mapped_column(String(2), doc="a nationality: ISO 3166-1 alpha-2, held from start")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Application(Base):
    __tablename__ = "permit_applications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.person_id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    skill: Mapped[str | None] = mapped_column(String(16))
    filed: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    nationality: Mapped[str | None] = mapped_column(String(2), doc="the applicant's on the day filed (the cap's)")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class DecisionRecord(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("permit_applications.id"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    granted: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    rules: Mapped[list[str]] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(160))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class ProgramCertification(Base):
    """The joint certification of a year's illegal crossings (seed 004's resident-permit program
    runs while it is at most 200,000): ``rules.program.Certification`` as stored."""

    __tablename__ = "program_certifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True, doc="the year whose crossings were counted")
    crossings: Mapped[int] = mapped_column(Integer)
    certified_by: Mapped[str] = mapped_column(String(200))
    on: Mapped[dt.date] = mapped_column(Date, doc="the day the certification was made")
    recorded_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class ProgramAnnouncement(Base):
    """The resident-permit program's announcement: ``rules.program.Announcement`` as stored."""

    __tablename__ = "program_announcements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    on: Mapped[dt.date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class ProgramTradeArea(Base):
    """An agreement whose members trade tariff free (the rules-of-origin waiver's precondition):
    ``rules.program.TradeArea`` as stored."""

    __tablename__ = "program_trade_areas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON, doc="ISO 3166-1 alpha-2 codes")
    tariff_free_since: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
