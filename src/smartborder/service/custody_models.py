"""Tables of the chain-of-custody service: shipments, custody events, GPS pings, anomalies.

The shipment row carries its running ``CustodyState`` as JSON and its current ``custody_status``,
so reading a status is one primary-key lookup plus its anomalies, whatever the track's length.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.service.models import Base, now

#: Integer ids that are 64-bit on PostgreSQL and the rowid on SQLite (which autoincrements INTEGER only).
BigId = BigInteger().with_variant(Integer, "sqlite")


class Shipment(Base):
    """A declared shipment: who, what, the seal, the origin facility, the planned route."""

    __tablename__ = "shipments"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    shipper_org: Mapped[str] = mapped_column(String(128), index=True)
    carrier_org: Mapped[str] = mapped_column(String(128), index=True)
    consignor: Mapped[str] = mapped_column(String(200))
    consignee: Mapped[str] = mapped_column(String(200))
    container_id: Mapped[str] = mapped_column(String(17))
    seal_number: Mapped[str] = mapped_column(String(20))
    seal_class: Mapped[str] = mapped_column(String(1))
    goods_description: Mapped[str] = mapped_column(Text)
    goods_value_usd: Mapped[Any] = mapped_column(Numeric(14, 2))
    origin_facility_id: Mapped[str] = mapped_column(String(64))
    origin_name: Mapped[str] = mapped_column(String(200))
    origin_lat: Mapped[float] = mapped_column(Float)
    origin_lon: Mapped[float] = mapped_column(Float)
    origin_audit_status: Mapped[str] = mapped_column(String(16))
    route: Mapped[dict[str, Any]] = mapped_column(JSON)
    planned_stops: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON)
    destination_port: Mapped[str] = mapped_column(String(4), index=True)
    expected_transit_min: Mapped[float] = mapped_column(Float)
    phase: Mapped[str] = mapped_column(String(16), index=True)
    custody_status: Mapped[str] = mapped_column(String(8), index=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    declared_by: Mapped[str] = mapped_column(String(160))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class CustodyEventRow(Base):
    """One EPCIS event as received (``document``), with the fields custody rules read."""

    __tablename__ = "custody_events"
    __table_args__ = (Index("ix_custody_events_shipment_hash", "shipment_id", "event_hash"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(200), unique=True, doc="the client's eventID, or the CBV hash")
    event_hash: Mapped[str] = mapped_column(String(100))
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"), index=True)
    biz_step: Mapped[str] = mapped_column(String(32))
    event_time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    seal_number: Mapped[str | None] = mapped_column(String(20))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(String(160))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)


class Ping(Base):
    """A GPS position from the carrier's device; (shipment, time) is unique, so retries are no-ops."""

    __tablename__ = "pings"
    __table_args__ = (UniqueConstraint("shipment_id", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    device_id: Mapped[str] = mapped_column(String(64))


class AnomalyRow(Base):
    """A stored finding with its evidence; the shipment's status is derived from these."""

    __tablename__ = "custody_anomalies"
    __table_args__ = (Index("ix_custody_anomalies_shipment", "shipment_id", "at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    shipment_id: Mapped[str] = mapped_column(ForeignKey("shipments.id"))
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
