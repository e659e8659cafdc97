"""Crossings of a port run in threads give the same figures as one after another."""

from __future__ import annotations

import pandas as pd
import pytest

from smartborder.policy.studies.place import run_place
from smartborder.policy.studies.study import prepare
from smartborder.targeting.errors import TargetingError


@pytest.fixture(scope="module")
def laredo() -> tuple[list, list[pd.Period]]:  # type: ignore[type-arg]
    study = prepare("laredo", 2024)
    return study.specs, study.months[1:2]


def _figures(run) -> dict[str, pd.DataFrame]:  # type: ignore[no-untyped-def]
    return {crossing: r.runs for crossing, r in run.runs.items()}


def test_threads_and_one_by_one_agree(laredo) -> None:  # type: ignore[no-untyped-def]
    specs, months = laredo
    one = run_place(specs, months, 2, seed=3, keep_last=False, workers=1)
    threads = run_place(specs, months, 2, seed=3, keep_last=False, workers=2)
    with_traces = run_place(specs, months, 2, seed=3, keep_last=True, workers=2)
    assert list(threads.runs) == list(one.runs) == [s.crossing for s in specs]
    for other in (threads, with_traces):
        for crossing, frame in _figures(one).items():
            pd.testing.assert_frame_equal(frame, other.runs[crossing].runs, check_exact=True)
            assert other.runs[crossing].hourly.mean() == one.runs[crossing].hourly.mean()
    # A scenario that reuses the baseline's unchanged classes.
    again = run_place(specs, months, 2, seed=3, keep_last=False, workers=2, reuse=with_traces)
    for crossing, frame in _figures(one).items():
        pd.testing.assert_frame_equal(frame, again.runs[crossing].runs, check_exact=True)


def test_an_error_in_a_thread_reaches_the_caller(laredo) -> None:  # type: ignore[no-untyped-def]
    specs, months = laredo
    broken = specs[0].model_copy(
        update={"targeting": specs[0].targeting.model_copy(update={"population": "/nonexistent/population.toml"})}
    )
    ticks: list[int] = []
    with pytest.raises(TargetingError, match="does not exist"):
        run_place([broken, *specs[1:]], months, 1, keep_last=False, workers=2, progress=ticks.append)
