"""Tables of the trade rules: the rules-of-origin waiver invocations (one per firm and year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartborder.service.models import Base, now


class WaiverInvocation(Base):
    """An importing firm's yearly invocation of the rules-of-origin waiver and its decision."""

    __tablename__ = "trade_waiver_invocations"
    __table_args__ = (UniqueConstraint("importer", "year", name="uq_trade_waiver_importer_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    importer: Mapped[str] = mapped_column(String(128))
    year: Mapped[int] = mapped_column(Integer)
    granted: Mapped[bool] = mapped_column(Boolean)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    invoked_by: Mapped[str] = mapped_column(String(160))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now)
