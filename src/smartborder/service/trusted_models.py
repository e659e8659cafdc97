"""Tables of the trusted trader and traveller programs (migration 0003_trusted).

Certification standing is not a column: it is replayed from ``trusted_cert_events`` by
``smartborder.trusted.certification`` for the day asked about. Biometric templates are stored
sealed (AES-GCM) and deleted when the card is revoked; no route returns them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.service.models import Base, now

TZ = DateTime(timezone=True)


class Company(Base):
    __tablename__ = "trusted_companies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), doc="importer, manufacturer, carrier, broker")
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class Facility(Base):
    __tablename__ = "trusted_facilities"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("trusted_companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), doc="plant, warehouse, terminal")
    country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class Audit(Base):
    __tablename__ = "trusted_audits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[str] = mapped_column(ForeignKey("trusted_facilities.id"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    auditor: Mapped[str] = mapped_column(String(160))
    passed: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class CertEventRow(Base):
    """One step of a facility's certification: certified, revalidated, suspended, reinstated, revoked."""

    __tablename__ = "trusted_cert_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    facility_id: Mapped[str] = mapped_column(ForeignKey("trusted_facilities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("trusted_audits.id"))
    decided_by: Mapped[str] = mapped_column(String(160))
    at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class WatchListEntry(Base):
    __tablename__ = "trusted_watchlist"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON)
    dob: Mapped[dt.date | None] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class TravellerApplication(Base):
    __tablename__ = "trusted_applications"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    program: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(200))
    dob: Mapped[dt.date] = mapped_column(Date)
    nationality: Mapped[str] = mapped_column(String(2))
    document_number: Mapped[str] = mapped_column(String(64))
    document_expires: Mapped[dt.date] = mapped_column(Date)
    carrier_id: Mapped[str | None] = mapped_column(ForeignKey("trusted_companies.id"))
    state: Mapped[str] = mapped_column(String(16), index=True)
    filed: Mapped[dt.date] = mapped_column(Date)
    vetting: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class Template(Base):
    """A sealed biometric template: never returned, deleted on revocation."""

    __tablename__ = "trusted_templates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), unique=True)
    application_id: Mapped[str | None] = mapped_column(
        ForeignKey("trusted_applications.id"), doc="none for a resident card's enrolment"
    )
    matcher: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class Card(Base):
    __tablename__ = "trusted_cards"
    __table_args__ = (
        # At most one active card per person and program (a SENTRI card and a resident's identity
        # card may be held together), enforced by the database as well as the route.
        Index(
            "ix_trusted_cards_one_active_per_program",
            "person_id",
            "program",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    application_id: Mapped[str | None] = mapped_column(
        ForeignKey("trusted_applications.id"), doc="the traveller application (none for a resident card)"
    )
    permit_application_id: Mapped[str | None] = mapped_column(
        ForeignKey("permit_applications.id"), doc="a resident card: the resident permit it rests on"
    )
    program: Mapped[str] = mapped_column(String(16))
    issued: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), doc="active, revoked, replaced")
    reason: Mapped[str | None] = mapped_column(Text)
    signed: Mapped[str] = mapped_column(Text, doc="the card's offline-verifiable text")
    created_at: Mapped[dt.datetime] = mapped_column(TZ, default=now)


class Crossing(Base):
    """A crossing on a card at a booth: the 1:1 check's outcome and where."""

    __tablename__ = "trusted_crossings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("trusted_cards.id"), index=True)
    port_code: Mapped[str] = mapped_column(String(8), index=True)
    vehicle: Mapped[str] = mapped_column(String(16))
    lane: Mapped[str] = mapped_column(String(16))
    on: Mapped[dt.date] = mapped_column(Date, index=True)
    verified: Mapped[bool] = mapped_column(Boolean)
    distance: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(24), doc="trusted_lane or referred")
    reasons: Mapped[list[str]] = mapped_column(JSON)
    facility_id: Mapped[str | None] = mapped_column(ForeignKey("trusted_facilities.id"))
    recorded_by: Mapped[str] = mapped_column(String(160))
    at: Mapped[dt.datetime] = mapped_column(TZ, default=now)
