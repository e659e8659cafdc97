"""The practical-significance rule beside the statistical one: a change is material when its
interval excludes zero and it is at least one minute (waits) or 1 % of the baseline (the rest)."""

import pandas as pd
import pytest

from smartborder.policy.studies.analysis import PortRun, compare, material
from smartborder.ports.defaults import default_spec


@pytest.mark.parametrize(
    ("column", "difference", "baseline", "expected"),
    [
        ("truck.wait_mean_min", -0.4, 12.0, False),  # significant maybe, but under a minute
        ("truck.wait_mean_min", -1.0, 12.0, True),
        ("truck.throughput_per_day", 5.0, 1000.0, False),  # 0.5 %
        ("truck.throughput_per_day", 10.0, 1000.0, True),  # 1 %
        ("truck.total_cost_usd", 0.0, 0.0, False),
        ("truck.booth_hours", 3.0, 0.0, True),  # from nothing: any change
    ],
)
def test_material(column: str, difference: float, baseline: float, expected: bool) -> None:
    assert material(column, difference, baseline) is expected


def test_compare_marks_significant_but_small_changes() -> None:
    spec = default_spec("tecate", 2024)
    months = [pd.Period("2024-06", "M")]
    base = pd.DataFrame({"truck.wait_mean_min": [10.0, 10.2, 9.9, 10.1], "truck.throughput_per_day": [100.0] * 4})
    other = pd.DataFrame({"truck.wait_mean_min": [9.7, 9.9, 9.6, 9.8], "truck.throughput_per_day": [120.0] * 4})
    diff = compare(PortRun(spec, months, 1, base), PortRun(spec, months, 1, other))
    wait, volume = diff.loc["truck.wait_mean_min"], diff.loc["truck.throughput_per_day"]
    assert wait["significant"] and not wait["material"]  # -0.3 min every time: real, too small to matter
    assert volume["significant"] and volume["material"]  # +20 %


def test_a_lever_that_lengthens_one_lanes_queue_is_flagged() -> None:
    """Doubling FAST at Otay Mesa shortens no one's wait in June 2024: with the baseline's staffed
    lanes, the FAST lanes' own queue grows (4.9 → 55 min for FAST holders). worse_waits lists it,
    per holders and per lane; a lever that helps everyone lists nothing."""
    from smartborder.policy.studies.place import compare_places, run_place, worse_waits
    from smartborder.policy.studies.scenario import Scenario, apply_all

    specs = [default_spec("otay-mesa", 2024)]
    months = [pd.Period("2024-06", "M")]
    baseline = run_place(specs, months, 3, 0)
    doubled = run_place(apply_all(specs, Scenario.load("double-fast")), months, 3, 0, reuse=baseline)
    worse = worse_waits(compare_places(baseline, doubled))
    flagged = {(w["class"], w["lane"], w["holders"]) for w in worse}
    assert ("truck", "FAST", None) in flagged and ("truck", None, "FAST") in flagged
    assert all(w["difference"] >= 1.0 and w["scenario"] > w["baseline"] for w in worse)
    more_booths = run_place(
        apply_all(
            specs,
            Scenario.model_validate({"name": "+2 FAST", "booths": [{"class": "truck", "lane": "FAST", "delta": 2}]}),
        ),
        months,
        3,
        0,
        reuse=baseline,
    )
    assert worse_waits(compare_places(baseline, more_booths)) == []
