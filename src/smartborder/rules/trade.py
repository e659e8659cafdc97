"""Seed 004's regional trade proposals: the rules-of-origin waiver and MFN convergence."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from smartborder.rules.bounds import MAX_TARIFF_PCT, check_year
from smartborder.rules.decision import Decision, decide
from smartborder.rules.errors import RuleInputError
from smartborder.rules.parameters import param
from smartborder.rules.program import ProgramState

if TYPE_CHECKING:
    import pandas as pd


def _as_decimal(value: float | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class InputImport(BaseModel):
    """An affected input the exporting country imported: its value and the tariff it paid (%).

    Values and rates are decimal quantities (a rate of 1.2 % is 1.2, not the nearest binary
    float): numbers given as floats are read by their shortest decimal text, as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tariff_line: str
    value: Annotated[float | Decimal, AfterValidator(_as_decimal)] = Field(gt=0, allow_inf_nan=False)
    tariff_paid_pct: Annotated[float | Decimal, AfterValidator(_as_decimal)] = Field(
        ge=0, le=MAX_TARIFF_PCT, allow_inf_nan=False
    )


def _decimal(value: float | Decimal | int | str, field: str) -> Decimal:
    """A rate or share as a Decimal, by its decimal text (2.2 is 2.2, not 2.2000000000000002)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError:
        raise RuleInputError(f"{field}: not a number: {value!r}") from None
    if not number.is_finite():
        raise RuleInputError(f"{field}: not a finite number: {value!r}")
    return number


def roo_waiver(
    importer: str,
    year: int,
    inputs: list[InputImport],
    importing_mfn_pct: dict[str, float] | dict[str, Decimal],
    *,
    exporting_country: str | None = None,
    importing_country: str | None = None,
    program: ProgramState | None = None,
) -> Decision:
    """Seed: 'Rules of origin would be waived ... provided that the exporting country did not
    import a significant quantity of the affected inputs at tariff rates more than (say) one
    percentage point lower than the MFN rates applied by the importing country. The waiver
    procedure could be invoked on an annual basis by each importing firm.'

    'More than one point lower' is strict: exactly one point lower does not count. Significant:
    a share of the inputs' value at or above the parameter (a choice; the seed gives none).
    Rates, margins and shares are compared as decimals, so "exactly one point" is exact.

    The precondition, "tariff-free trade within NAFTA", is read from the trade areas on record
    (``program``, ``rules.program.TradeArea``) for the *exporting_country* and *importing_country*
    on 1 January of the year; with none on record it is assumed, and the decision says so.
    """
    if not isinstance(importer, str) or not importer.strip():
        raise RuleInputError("importer: name the importing firm that invokes the waiver")
    on = dt.date(check_year(year), 1, 1)
    margin = _decimal(param("trade.roo_waiver_margin_pp", on), "trade.roo_waiver_margin_pp")
    significant = _decimal(param("trade.roo_significant_share", on), "trade.roo_significant_share")
    if not inputs:
        raise RuleInputError("inputs: name the affected inputs the exporting country imported")
    missing = sorted({i.tariff_line for i in inputs} - set(importing_mfn_pct))
    if missing:
        raise RuleInputError(f"importing_mfn_pct: no MFN rate for tariff line(s) {missing}")
    mfn = {line: _decimal(rate, f"importing_mfn_pct.{line}") for line, rate in importing_mfn_pct.items()}
    negative = sorted(line for line, rate in mfn.items() if rate < 0)
    if negative:
        raise RuleInputError(
            f"importing_mfn_pct.{negative[0]}: a tariff rate cannot be negative, got {mfn[negative[0]]}"
        )
    beyond = sorted(line for line, rate in mfn.items() if rate > MAX_TARIFF_PCT)
    if beyond:
        raise RuleInputError(
            f"importing_mfn_pct.{beyond[0]}: {mfn[beyond[0]]} is not a tariff rate (0..{MAX_TARIFF_PCT} percent)"
        )
    total = sum((_as_decimal(i.value) for i in inputs), Decimal(0))
    low = sum(
        (_as_decimal(i.value) for i in inputs if mfn[i.tariff_line] - _as_decimal(i.tariff_paid_pct) > margin),
        Decimal(0),
    )
    share = low / total
    ok = share < significant
    why = (
        f"{share:.1%} of the affected inputs entered the exporting country at more than {margin} "
        f"point(s) below the importer's MFN rate ({'below' if ok else 'at or above'} the "
        f"{significant:.0%} threshold); waiver for {importer}, {year}"
    )
    checks = [("roo_waiver", ok, why)]
    if program is None or not program.trade_areas:
        note = "precondition assumed: tariff-free trade between the two countries (no trade area on record)"
        return decide("rules-of-origin waiver", on, checks).noting([note])
    for field, code in (("exporting_country", exporting_country), ("importing_country", importing_country)):
        if not code:
            raise RuleInputError(f"{field}: the waiver is for tariff-free trade; name both countries (ISO codes)")
    area = program.trade_area_of(on, str(exporting_country), str(importing_country))
    within = (
        f"{exporting_country} and {importing_country} trade tariff free within {area.name} "
        f"since {area.tariff_free_since}"
        if area is not None
        else f"no tariff-free trade area of {exporting_country} and {importing_country} on record on {on}"
    )
    return decide("rules-of-origin waiver", on, [("tariff_free_trade", area is not None, within), *checks])


#: The most trading partners one MFN question may name (``service.trade_schemas.MAX_PARTNERS``).
MAX_PARTNERS = 300


def mfn_convergence(
    rates_pct: dict[str, float] | dict[str, Decimal], start_year: int, horizon_years: int
) -> pd.DataFrame:
    """Seed: partners 'reducing their respective MFN tariffs to the lowest MFN level applied by
    Mexico, Canada or the United States', gradually. Linear path over *horizon_years*: one row
    per year and partner, with the gap to the lowest rate. Computed in decimals from the rates
    as written (3.4 is 3.4, not 3.4000000000000004), so the path ends exactly on the lowest rate
    and a waiver fed from it compares exactly."""
    check_year(start_year, "start_year")
    if isinstance(horizon_years, bool) or not isinstance(horizon_years, int) or not 1 <= horizon_years <= 100:
        raise RuleInputError(f"horizon_years: a whole number of years, 1..100, got {horizon_years!r}")
    if len(rates_pct) < 2:
        raise RuleInputError("rates_pct: give the MFN rate of at least two partners")
    if len(rates_pct) > MAX_PARTNERS:
        raise RuleInputError(
            f"rates_pct: {len(rates_pct):,} partners; at most {MAX_PARTNERS} (every customs territory fits)"
        )
    for partner, rate in rates_pct.items():
        if not partner:
            raise RuleInputError("rates_pct: a partner needs a name")
        if not math.isfinite(float(rate)) or not 0 <= float(rate) <= MAX_TARIFF_PCT:
            raise RuleInputError(f"rates_pct.{partner}: {rate} is not a tariff rate (0..{MAX_TARIFF_PCT} percent)")
    exact = {partner: _decimal(rate, f"rates_pct.{partner}") for partner, rate in rates_pct.items()}
    target = min(exact.values())
    rows = []
    for k in range(horizon_years + 1):
        for partner, rate in exact.items():
            value = rate + (target - rate) * k / horizon_years
            rows.append(
                {"year": start_year + k, "partner": partner, "mfn_pct": float(value), "gap_pp": float(value - target)}
            )
    import pandas as pd  # here: the rules answer without it

    return pd.DataFrame(rows)
