"""The officer-short roster: its lanes follow the shape, carry the day's work at the stated
utilisation, keep SENTRI outside the shortfall, and whole lanes add up to the fractional need."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartborder.ports import default_spec
from smartborder.ports.spec import DAY_TYPES, StaffingRule
from smartborder.ports.staffing import staff_roster, whole_lanes

SHAPE = (0.4, 0.3, 0.3, 0.3, 0.4, 0.5) + (1.0,) * 18
OPEN_ALL = [True] * 24


@given(st.lists(st.floats(0.0, 12.0, allow_nan=False), min_size=1, max_size=24), st.integers(12, 20))
def test_whole_lanes_add_up_to_the_need_hour_by_hour_within_one(targets: list[float], cap: int) -> None:
    """Unconstrained by the booths, the day's lane-hours are the need rounded and each hour is
    within one lane of its need (the rounding goes to the largest remainders)."""
    need = dict(enumerate(targets))
    lanes = whole_lanes(need, cap)
    assert sum(lanes.values()) == round(sum(targets))
    for h, count in lanes.items():
        assert math.floor(need[h] + 1e-9) <= count <= math.floor(need[h] + 1e-9) + 1


def test_whole_lanes_spread_a_flat_days_extra_lanes_over_the_day() -> None:
    """1.25 lanes at every hour from 06 h: the four extra lane-hours (22.5 rounded to even) go
    one to each quarter of the day, not all to 06-09 h (which clears the morning's line and builds the
    afternoon's, the model's day peaking at 16 h against CBP's 07 h at Brownsville)."""
    lanes = whole_lanes(dict.fromkeys(range(6, 24), 1.25), cap=4)
    extra = [h for h, count in lanes.items() if count == 2]
    assert sum(lanes.values()) == round(18 * 1.25) and len(extra) == 4
    assert extra == [6, 10, 15, 19]  # one in each quarter of the day, from its first hour
    lanes = whole_lanes({h: 1.25 + (0.1 if h == 20 else 0.0) for h in range(6, 24)}, cap=4)
    assert lanes[20] == 2  # the largest remainder still comes first; the ties share the rest


def test_a_floor_on_top_leaves_the_other_hours_their_lanes() -> None:
    """Two night hours need 0.3 of a lane and get the floor's one; the day's 1.5 + 1.5 lanes
    are 3 lane-hours when the floor is on top (the protected SENTRI lane), 2 when the floor's
    lanes come out of the day's (a roster's officers). A need under the floor is met by it and
    not counted again (0.9 + 0.9 at night does not add a day lane)."""
    need = {0: 0.3, 1: 0.3, 2: 1.5, 3: 1.5}
    assert whole_lanes(need, cap=3, floor=1, on_top=True) == {0: 1, 1: 1, 2: 2, 3: 1}
    assert whole_lanes(need, cap=3, floor=1) == {0: 1, 1: 1, 2: 1, 3: 1}
    assert whole_lanes({0: 0.9, 1: 0.9, 2: 1.1, 3: 1.1}, cap=3, floor=1, on_top=True) == {0: 1, 1: 1, 2: 1, 3: 1}


def test_whole_lanes_keep_the_floor_and_the_booths() -> None:
    lanes = whole_lanes({0: 0.2, 1: 0.2, 2: 7.9}, cap=5, floor=1)
    assert lanes == {0: 1, 1: 1, 2: 5}


def test_the_roster_carries_the_days_work_at_its_utilisation_and_follows_its_shape() -> None:
    rule = StaffingRule(kind="roster", target_utilisation=1.25, roster_weekday=SHAPE)
    work = {"standard": 150.0, "Ready": 100.0}  # lane-hours of work in the day
    lanes = staff_roster(
        work, {"standard": 40, "Ready": 40}, {"standard": OPEN_ALL, "Ready": OPEN_ALL}, rule, "weekday"
    )
    total = [lanes["standard"][h] + lanes["Ready"][h] for h in range(24)]
    assert sum(total) == pytest.approx(250.0 / 1.25, abs=2)  # whole lanes: within a lane-hour per type
    assert sum(lanes["Ready"]) == pytest.approx(200.0 * 100 / 250, abs=1)  # by share of the work
    level = 250.0 / 1.25 / sum(SHAPE)
    for h in range(24):  # each hour within a lane of each type's need
        assert abs(total[h] - level * SHAPE[h]) <= 2


def test_sentri_is_staffed_outside_the_shortfall() -> None:
    """The protected lane gets its own work at its own utilisation, at least one lane while
    open; the others share the rest at the roster's utilisation."""
    rule = StaffingRule(
        kind="roster", target_utilisation=1.2, roster_weekday=SHAPE, protected=("SENTRI",), protected_utilisation=0.8
    )
    work = {"standard": 120.0, "SENTRI": 10.0}
    lanes = staff_roster(
        work, {"standard": 20, "SENTRI": 6}, {"standard": OPEN_ALL, "SENTRI": OPEN_ALL}, rule, "weekday"
    )
    assert min(lanes["SENTRI"]) >= 1
    assert sum(lanes["SENTRI"]) == max(round(10.0 / 0.8), 24)  # one a lane all day is more than 12.5
    assert sum(lanes["standard"]) == pytest.approx(120.0 / 1.2, abs=1)


def test_a_closed_lane_type_gets_no_lanes_and_its_work_goes_to_the_standard_lanes() -> None:
    rule = StaffingRule(kind="roster", target_utilisation=1.0, roster_weekday=(1.0,) * 24)
    day = [6 <= h < 22 for h in range(24)]
    lanes = staff_roster(
        {"standard": 48.0, "Ready": 48.0},
        {"standard": 10, "Ready": 10},
        {"standard": OPEN_ALL, "Ready": day},
        rule,
        "weekday",
    )
    assert all(lanes["Ready"][h] == 0 for h in range(24) if not day[h])
    assert sum(lanes["standard"]) + sum(lanes["Ready"]) == 96


@pytest.mark.parametrize("crossing", ["san ysidro", "b-and-m", "tecate"])
def test_default_car_lanes_are_rostered_and_flat_by_day(crossing: str) -> None:
    """Cars: the roster of assumptions.toml (fewer lanes at night, flat from 06 h); other
    classes keep the shift rule."""
    spec = default_spec(crossing, 2024)
    cars = spec.classes["pov"]
    assert cars.staffing_rule is not None and cars.staffing_rule.kind == "roster"
    assert cars.patience is not None and cars.patience.expected == pytest.approx(120.0)
    for vehicle, cls in spec.classes.items():
        if vehicle != "pov":
            assert cls.staffing_rule is None or cls.staffing_rule.kind == "shifts"
    for day in DAY_TYPES:
        total = [sum(lane.lanes(day)[h] for lane in cars.lanes.values()) for h in range(24)]
        daytime = [total[h] for h in range(8, 22) if total[h] > 0]
        assert max(daytime) - min(daytime) <= 1  # flat through the day, whatever the demand
