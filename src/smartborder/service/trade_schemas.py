"""Request and response bodies of the trade rules (pydantic v2). Rates and values are decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from smartborder.rules import trade as rules_trade
from smartborder.rules.bounds import MAX_TARIFF_PCT

Rate = Field(ge=0, le=MAX_TARIFF_PCT, allow_inf_nan=False, description="percent, e.g. 2.5")
#: A tariff rate in percent: not negative, finite, at most 1,000 % (the highest bound rates in
#: the WTO's tariff profiles are in the hundreds).
RatePct = Annotated[Decimal, Field(ge=0, le=MAX_TARIFF_PCT, allow_inf_nan=False)]
#: The most trading partners one MFN question may name: every WTO member and observer (about
#: 190) fits, and the convergence path's work stays bounded (10,000 partners took 21-27 s).
MAX_PARTNERS = rules_trade.MAX_PARTNERS
Partner = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class InputIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tariff_line: str = Field(min_length=1, max_length=32, description="HS tariff line, e.g. 8708.29")
    value: Decimal = Field(gt=0, allow_inf_nan=False, description="value imported, any currency")
    tariff_paid_pct: Decimal = Rate


class RooWaiverIn(BaseModel):
    """An importing firm invokes the waiver for a year, naming the affected inputs the exporting
    country imported and the importing country's MFN rate of each tariff line."""

    model_config = ConfigDict(extra="forbid")
    importer: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.\- ]+$")
    year: int = Field(ge=1994, le=2200, description="the year invoked for (NAFTA's rules of origin date from 1994)")
    inputs: list[InputIn] = Field(min_length=1, max_length=10_000)
    importing_mfn_pct: dict[str, RatePct] = Field(min_length=1, description="tariff line → MFN rate, percent (0..1000)")
    exporting_country: str | None = Field(
        default=None, pattern=r"^[A-Z]{2}$", description="ISO code; the precondition's trade area is read for it"
    )
    importing_country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO code")


class RooWaiverOut(BaseModel):
    id: int
    importer: str
    year: int
    question: str
    on: str
    granted: bool
    reasons: list[str]
    rules: list[str]
    notes: list[str] = Field(default_factory=list)
    version: str = Field(default="", description="the dated parameters in force on the day decided")


class MfnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rates_pct: dict[Partner, RatePct] = Field(
        min_length=2, max_length=MAX_PARTNERS, description="partner → MFN rate today, percent (0..1000)"
    )
    start_year: int = Field(ge=1994, le=2200)
    horizon_years: int = Field(ge=1, le=100)


class MfnRow(BaseModel):
    year: int
    partner: str
    mfn_pct: float
    gap_pp: float


class MfnOut(BaseModel):
    rows: list[MfnRow]
