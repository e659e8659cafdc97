"""Month-by-month figures add up to the run's own: vehicles, waits and their weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartborder.policy.studies.place import run_place
from smartborder.policy.studies.study import prepare, simulate_study


@pytest.fixture(scope="module")
def three_months():  # type: ignore[no-untyped-def]
    study = prepare("donna", 2024)
    months = study.months[4:7]
    return study, run_place(study.specs, months, 2, 3, by_month=True)


def test_months_add_up_to_the_run(three_months) -> None:  # type: ignore[no-untyped-def]
    study, run = three_months
    crossing = next(iter(run.runs.values()))
    frame = crossing.by_month
    assert frame is not None and sorted(frame["month"].unique()) == ["2024-05", "2024-06", "2024-07"]
    for vehicle in study.specs[0].classes:
        per_rep = frame[frame["class"] == vehicle].groupby("replication")[["vehicles", "waited", "wait_sum_min"]].sum()
        np.testing.assert_allclose(per_rep["vehicles"], crossing.runs[f"{vehicle}.vehicles"])
        waits = per_rep["wait_sum_min"] / per_rep["waited"]
        np.testing.assert_allclose(waits, crossing.runs[f"{vehicle}.wait_mean_min"], rtol=1e-9)


def test_a_month_on_its_own_is_the_same_month_inside_a_longer_run(three_months) -> None:  # type: ignore[no-untyped-def]
    """Vehicles arriving in June are drawn from June's demand whether or not May came first."""
    study, run = three_months
    summary = run.by_month()
    june = summary[summary["month"] == "2024-06"].set_index("class")
    alone = run_place(study.specs, [pd.Period("2024-06", "M")], 2, 3)
    crossing = next(iter(alone.runs.values()))
    for vehicle in study.specs[0].classes:
        own = crossing.runs[f"{vehicle}.throughput_per_day"].mean()
        assert june.loc[vehicle, "per_day"] == pytest.approx(own, rel=0.05)


def test_simulate_study_keeps_months_only_for_several() -> None:
    one = simulate_study("donna", month="2024-06", replications=1)
    assert one.run.by_month().empty
