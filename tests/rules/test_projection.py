"""The permit projection's own parameters against the cohort arithmetic they stand for: one year's
permits renewed at the renewal share each year, and the uptake share of those reaching five years
held eligible for residency (``rules/projection.py``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from smartborder.rules.parameters import param
from smartborder.rules.projection import project

COHORT = 1000


def _cohort() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"applicant_id": f"a{i}", "filed": dt.date(2025, 1, 10), "skill": "skilled", "background_check": "passed"}
            for i in range(COHORT)
        ]
    )


@pytest.mark.seed("projection.renewal_share")
@pytest.mark.seed("projection.residency_uptake")
def test_one_cohort_renews_and_reaches_residency_as_the_parameters_say() -> None:
    table = project(_cohort(), 2025, 6, cap=10**6)
    on = dt.date(2025, 1, 1)
    renew, uptake, five = (
        param("projection.renewal_share", on),
        param("projection.residency_uptake", on),
        param("work_permit.residency_after_years", on),
    )
    assert table.loc[2025, "issued"] == COHORT and table.loc[2026:, "issued"].eq(0).all()
    for k in range(1, five):  # the holders left at each year's renewal, 2026-2029
        assert table.loc[2025 + k, "holders"] == round(COHORT * renew**k)
        assert table.loc[2025 + k, "eligible_for_residency"] == 0
    # Issued in 2025 and held through 2029: counted at 2030's renewal (the projection renews each
    # cohort at the start of every year, then lets the uptake share of those five years on apply).
    reaching = COHORT * renew**five
    assert table.loc[2025 + five, "eligible_for_residency"] == round(reaching * uptake)
    assert table.loc[2025 + five, "holders"] == round(reaching * (1 - uptake))


def test_a_cap_below_the_cohort_spreads_it_over_the_years() -> None:
    table = project(_cohort(), 2025, 3, cap=400)
    assert table["issued"].tolist() == [400, 400, 200]
    assert table["waiting"].tolist() == [600, 200, 0]
