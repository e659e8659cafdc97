"""Seed 004's regional trade proposals: the rules-of-origin waiver and MFN convergence."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from smartborder.rules.decision import Decision, decide
from smartborder.rules.errors import RuleInputError
from smartborder.rules.parameters import param


class InputImport(BaseModel):
    """An affected input the exporting country imported: its value and the tariff it paid (%)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tariff_line: str
    value: float = Field(gt=0)
    tariff_paid_pct: float = Field(ge=0)


def roo_waiver(importer: str, year: int, inputs: list[InputImport],
               importing_mfn_pct: dict[str, float]) -> Decision:
    """Seed: 'Rules of origin would be waived ... provided that the exporting country did not
    import a significant quantity of the affected inputs at tariff rates more than (say) one
    percentage point lower than the MFN rates applied by the importing country. The waiver
    procedure could be invoked on an annual basis by each importing firm.'

    'More than one point lower' is strict: exactly one point lower does not count. Significant:
    a share of the inputs' value at or above the parameter (a choice; the seed gives none).
    """
    on = dt.date(year, 1, 1)
    margin = param("trade.roo_waiver_margin_pp", on)
    significant = param("trade.roo_significant_share", on)
    if not inputs:
        raise RuleInputError("inputs: name the affected inputs the exporting country imported")
    missing = sorted({i.tariff_line for i in inputs} - set(importing_mfn_pct))
    if missing:
        raise RuleInputError(f"importing_mfn_pct: no MFN rate for tariff line(s) {missing}")
    total = sum(i.value for i in inputs)
    low = sum(i.value for i in inputs if importing_mfn_pct[i.tariff_line] - i.tariff_paid_pct > margin)
    share = low / total
    ok = share < significant
    why = (f"{share:.1%} of the affected inputs entered the exporting country at more than {margin} "
           f"point(s) below the importer's MFN rate ({'below' if ok else 'at or above'} the "
           f"{significant:.0%} threshold); waiver for {importer}, {year}")
    return decide("rules-of-origin waiver", on, [("roo_waiver", ok, why)])


def mfn_convergence(rates_pct: dict[str, float], start_year: int, horizon_years: int) -> pd.DataFrame:
    """Seed: partners 'reducing their respective MFN tariffs to the lowest MFN level applied by
    Mexico, Canada or the United States', gradually. Linear path over *horizon_years*: one row
    per year and partner, with the gap to the lowest rate."""
    if horizon_years < 1:
        raise RuleInputError(f"horizon_years: must be >= 1, got {horizon_years}")
    if len(rates_pct) < 2:
        raise RuleInputError("rates_pct: give the MFN rate of at least two partners")
    target = min(rates_pct.values())
    rows = []
    for k in range(horizon_years + 1):
        for partner, rate in rates_pct.items():
            value = rate + (target - rate) * k / horizon_years
            rows.append({"year": start_year + k, "partner": partner, "mfn_pct": value, "gap_pp": value - target})
    return pd.DataFrame(rows)
