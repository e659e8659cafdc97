"""Tables of risk targeting: profile versions, learned counts, channel policies, arrivals, outcomes.

Profile sets and policies are append-only (the latest row is in force, earlier ones are the
history an auditor reads); per-profile counts are one row per profile id, updated in the same
transaction as the outcome that moves them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.service.models import Base, now


class ProfileSetRow(Base):
    """One version of the risk profiles, as the analyst wrote it (counts live in ProfileStat)."""

    __tablename__ = "targeting_profile_sets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    effective: Mapped[dt.date] = mapped_column(Date)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class ProfileStat(Base):
    """Recorded inspections of arrivals a profile matched, and how many found something."""

    __tablename__ = "targeting_profile_stats"
    profile_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    inspections: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)


class PolicyRow(Base):
    """Channel thresholds in force from *created_at*; *basis* says how they were chosen."""

    __tablename__ = "targeting_policies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    red_threshold: Mapped[float] = mapped_column(Float)
    red_tie: Mapped[float] = mapped_column(Float)
    yellow_threshold: Mapped[float] = mapped_column(Float)
    random_rate: Mapped[float] = mapped_column(Float)
    basis: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class ArrivalRow(Base):
    """One lane decision at arrival: the facts scored, the score, channel, lane and why."""

    __tablename__ = "targeting_arrivals"
    __table_args__ = (
        Index("ix_targeting_arrivals_shipper_found", "shipper_org", "found"),
        Index("ix_targeting_arrivals_carrier_found", "carrier_org", "found"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shipment_id: Mapped[str | None] = mapped_column(String(36), index=True)
    card_id: Mapped[str | None] = mapped_column(String(36), index=True)
    port: Mapped[str | None] = mapped_column(String(8))
    shipper_org: Mapped[str | None] = mapped_column(String(128))
    carrier_org: Mapped[str | None] = mapped_column(String(128))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(8), index=True)
    lane: Mapped[str] = mapped_column(String(16))
    random: Mapped[bool] = mapped_column(Boolean)
    matched: Mapped[list[str]] = mapped_column(JSON)
    profile_version: Mapped[str] = mapped_column(String(64))
    found: Mapped[bool | None] = mapped_column(Boolean, doc="outcome of the inspection, once recorded")
    decided_by: Mapped[str] = mapped_column(String(160))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)


class OutcomeRow(Base):
    """What an inspection of an arrival found; one per arrival."""

    __tablename__ = "targeting_outcomes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    arrival_id: Mapped[str] = mapped_column(ForeignKey("targeting_arrivals.id"), unique=True)
    found: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(2000), default="")
    recorded_by: Mapped[str] = mapped_column(String(160))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
