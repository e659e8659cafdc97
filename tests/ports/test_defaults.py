"""Default crossing models: facts where published, the staffing rule, demand over open hours."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
import tomli_w

from smartborder import data
from smartborder.errors import InputFileError
from smartborder.ports import PortSpec, default_spec, monthly_demand
from smartborder.ports.checks import capacity_warnings
from smartborder.ports.defaults import parse_hours
from smartborder.ports.demand import day_shares, day_type
from smartborder.ports.errors import PortError
from smartborder.ports.spec import DAY_TYPES, DaySchedule, PreOpening
from smartborder.ports.staffing import read_schedule, schedule_frame, with_schedule, write_schedule


def test_every_crossing_has_a_default_model() -> None:
    for crossing in data.crossings().values():
        spec = default_spec(crossing, 2024)
        model = spec.to_model()
        assert model.flows, crossing.id
        assert all(v for v in spec.provenance.values())
        for cls in spec.classes.values():
            for lane in cls.lanes.values():
                for day in DAY_TYPES:
                    assert max(lane.lanes(day)) <= lane.booths, crossing.id  # installed is a ceiling


def test_world_trade_bridge_uses_published_lanes() -> None:
    spec = default_spec("World Trade Bridge", 2024)
    lanes = spec.classes["truck"].lanes
    assert lanes["standard"].booths == 15 and lanes["FAST"].booths == 4
    assert spec.provenance["classes.truck.lanes.booths"].startswith("FACT")
    assert spec.classes["truck"].entitlements == {"FAST": 0.25}
    assert set(spec.classes) == {"truck"}  # cars use the other Laredo bridges
    assert lanes["standard"].open == (7, 24)  # CBP's feed: 7 am-Midnight


def test_cbp_hours_parse() -> None:
    assert parse_hours("24 hrs/day") == (0, 24)
    assert parse_hours("6 am-10 pm") == (6, 22)
    assert parse_hours("7 am-Midnight") == (7, 24)
    assert parse_hours("10 am-6 pm") == (10, 18)
    assert parse_hours("whenever") is None


def test_estimates_are_marked() -> None:
    spec = default_spec("douglas", 2024)
    assert spec.estimates()["classes.truck.service.standard"].startswith("ESTIMATE")
    assert spec.estimates()["classes.truck.lanes.staffed"].startswith("ESTIMATE")
    assert spec.provenance["classes.pov.lanes.booths"].startswith("FACT: 7 lanes")


def test_crossings_without_a_traffic_class_omit_it() -> None:
    assert set(default_spec("san ysidro", 2024).classes) == {"pov", "pedestrian", "bus"}
    assert set(default_spec("cross border xpress", 2024).classes) == {"pedestrian"}


def test_published_hours_become_staffing() -> None:
    spec = default_spec("ysleta", 2024)
    staffing = spec.classes["truck"].lanes["standard"].staffing()
    assert staffing.weekday[7] == 0 and staffing.weekday[8] > 0 and staffing.weekday[23] > 0
    assert staffing.sunday == [0] * 24  # closed to commercial traffic on Sunday
    assert staffing.saturday is not None
    assert staffing.saturday[9] > 0 and staffing.saturday[17] == 0


def test_staffing_rule_follows_the_load_within_the_booths() -> None:
    spec = default_spec("san ysidro", 2024)
    cls = spec.classes["pov"]
    weekday = {name: lane.lanes("weekday") for name, lane in cls.lanes.items()}
    total = [sum(lanes[h] for lanes in weekday.values()) for h in range(24)]
    assert max(total) <= sum(lane.booths for lane in cls.lanes.values())
    assert min(total) >= 1 and total[3] < total[15]  # fewer lanes at 3 a.m. than at 3 p.m.
    assert all(weekday["standard"][h] >= 1 for h in range(24))  # a general lane is always open
    # A small crossing's trusted lane closes at night, as CBP's feed shows ('Lanes Closed').
    small = default_spec("b-and-m", 2024).classes["pov"].lanes
    assert small["Ready"].lanes("weekday")[3] == 0 and small["standard"].lanes("weekday")[3] >= 1


def test_monthly_demand_adds_up_to_the_real_volume() -> None:
    for crossing, measure in (
        ("nogales", "Trucks"),
        ("world trade bridge", "Trucks"),
        ("b-and-m", "Personal Vehicles"),
    ):
        spec = default_spec(crossing, 2024)
        demand, first_weekday = monthly_demand(spec, pd.Period("2024-03", "M"))
        vehicle = {"Trucks": "truck", "Personal Vehicles": "pov"}[measure]
        real = data.resolve_crossing(crossing).series(measure, data.MonthRange.parse("2024-03", "2024-03")).iloc[0]
        total = sum(v.sum() for k, v in demand.items() if k.startswith(f"{vehicle}."))
        assert total == pytest.approx(real)
        assert next(iter(demand.values())).size == 31 * 24
        assert first_weekday == 4  # 2024-03-01 was a Friday


def test_seasonal_staffing_follows_each_month() -> None:
    """McAllen-Hidalgo's pedestrians nearly double in December: the default model staffs each
    month for its own traffic, within the booths, so the December queue still clears."""
    from smartborder.ports import year_months
    from smartborder.ports.staffing import month_schedules

    spec = default_spec("mcallen-hidalgo", 2024)
    months = year_months(spec, 2024)
    lanes = month_schedules(spec, months)["pedestrian.primary.standard"]
    hours = np.cumsum([0] + [m.days_in_month * 24 for m in months])
    june, december = lanes[hours[5] : hours[6]].mean(), lanes[hours[11] : hours[12]].mean()
    assert december > 1.3 * june
    assert lanes.max() <= spec.classes["pedestrian"].lanes["standard"].booths
    assert not any(w.startswith("pedestrian") for w in capacity_warnings(spec, months))


def test_arrivals_only_while_open_plus_the_pre_opening_queue() -> None:
    """Tecate's cargo lanes open 08-16: trucks arrive only then, and the documented 5 % of each
    day's trucks in the hour before opening."""
    spec = default_spec("tecate", 2024)
    cls = spec.classes["truck"]
    demand, _first_weekday = monthly_demand(spec, pd.Period("2024-06", "M"))
    trucks = np.sum([v for k, v in demand.items() if k.startswith("truck.")], axis=0)
    hours = np.arange(trucks.size) % 24
    assert trucks[(hours < 7) | (hours >= 16)].sum() == 0
    assert trucks[hours == 7].sum() == pytest.approx(cls.pre_opening.share * trucks.sum())
    # Cars at a 24-hour crossing have no pre-opening queue.
    sy = default_spec("san ysidro", 2024)
    cars = np.sum(
        [v for k, v in monthly_demand(sy, pd.Period("2024-06", "M"))[0].items() if k.startswith("pov.")], axis=0
    )
    assert (cars > 0).all()


def test_day_shares_property() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        weights = rng.random(24)
        start, end = sorted(rng.integers(0, 25, 2))
        is_open = [start <= h < end for h in range(24)]
        pre = PreOpening(share=float(rng.uniform(0, 0.3)), hours=int(rng.integers(1, 4)))
        shares = day_shares(weights, is_open, pre)
        assert shares.sum() == pytest.approx(1.0 if any(is_open) else 0.0)
        closed_before = {(start - k) % 24 for k in range(1, pre.hours + 1)} - {h for h in range(24) if is_open[h]}
        for h in range(24):
            if not is_open[h] and (h not in closed_before or all(is_open)):
                assert shares[h] == 0


def test_day_type() -> None:
    assert [day_type(w) for w in range(7)] == ["weekday"] * 5 + ["saturday", "sunday"]


def test_port_file_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = default_spec("otay mesa", 2024)
    path = tmp_path / "otay.toml"
    path.write_text(tomli_w.dumps(spec.model_dump(mode="json", exclude_none=True)))
    assert PortSpec.from_toml(path) == spec


def test_invalid_port_file_names_the_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    spec = default_spec("tecate", 2024)
    raw = spec.model_dump(mode="json", exclude_none=True)
    raw["classes"]["pov"]["lanes"]["standard"]["booths"] = -2
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(raw))
    with pytest.raises(InputFileError, match=r"classes\.pov\.lanes\.standard\.booths"):
        PortSpec.from_toml(path)
    path.write_text("this is = not [toml")
    with pytest.raises(InputFileError, match="not valid TOML"):
        PortSpec.from_toml(path)
    raw = tomllib.loads(tomli_w.dumps(spec.model_dump(mode="json", exclude_none=True)))
    raw["classes"]["pov"]["entitlements"] = {"SENTRI": 0.7, "Ready": 0.6}
    path.write_text(tomli_w.dumps(raw))
    with pytest.raises(InputFileError, match="entitlements"):
        PortSpec.from_toml(path)
    raw = tomllib.loads(tomli_w.dumps(spec.model_dump(mode="json", exclude_none=True)))
    raw["code"], raw["crossing"] = "2304", ""  # Laredo has four crossings: which one?
    path.write_text(tomli_w.dumps(raw))
    with pytest.raises(InputFileError, match="crossing: say which crossing"):
        PortSpec.from_toml(path)


def test_year_without_data() -> None:
    with pytest.raises(PortError, match="year"):
        default_spec("anzalduas", 2008)  # opened in 2010


def test_staffing_file_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    specs = [default_spec(c, 2024) for c in ("world trade bridge", "colombia")]
    path = write_schedule(specs, tmp_path / "staffing.csv")
    schedule = read_schedule(path)
    for spec in specs:
        again = with_schedule(spec, schedule, "x")
        for vehicle, cls in spec.classes.items():
            assert again.classes[vehicle].lanes == cls.lanes
            assert not again.classes[vehicle].seasonal  # a file's lanes hold all year
    # Edit one hour: it changes, nothing else does; more lanes than booths is refused, naming the
    # crossing, lane type, day and hour, unless extra booths (lanes being built) are allowed.
    edited = schedule.copy()
    row = (
        (edited["crossing"] == "world-trade-bridge")
        & (edited["lane"] == "standard")
        & (edited["day"] == "weekday")
        & (edited["hour"] == 10)
    )
    edited.loc[row, "lanes"] = 18
    booths = specs[0].classes["truck"].lanes["standard"].booths
    with pytest.raises(
        PortError,
        match=(
            f"staffing: edited.csv staffs 18 truck standard lanes at World Trade Bridge.* "
            f"on weekdays at 10:00, but {booths} booth"
        ),
    ):
        with_schedule(specs[0], edited, "edited.csv")
    changed = with_schedule(specs[0], edited, "edited.csv", allow_extra_booths=True)
    lane = changed.classes["truck"].lanes["standard"]
    assert lane.lanes("weekday")[10] == 18 and lane.booths == 18
    assert lane.lanes("weekday")[11] == specs[0].classes["truck"].lanes["standard"].lanes("weekday")[11]
    assert changed.provenance["classes.truck.lanes.standard.staffed"].startswith("SCHEDULE")
    frame = schedule_frame(changed)
    assert (
        int(frame[(frame["lane"] == "standard") & (frame["day"] == "weekday") & (frame["hour"] == 10)]["lanes"].iloc[0])
        == 18
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("crossing,class,lane,day,hour\n", "lanes"),
        ("crossing,class,lane,day,hour,lanes\ntecate,pov,standard,monday,3,2\n", "line 2: day"),
        ("crossing,class,lane,day,hour,lanes\ntecate,pov,standard,weekday,24,2\n", "line 2: hour"),
        ("crossing,class,lane,day,hour,lanes\ntecate,pov,standard,weekday,3,-1\n", "line 2: lanes"),
    ],
)
def test_bad_staffing_files_name_the_line(tmp_path, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.csv"
    path.write_text(content)
    with pytest.raises(PortError, match=message):
        read_schedule(path)


def test_capacity_warning_for_an_overloaded_model() -> None:
    spec = default_spec("otay mesa", 2024)
    months = [pd.Period("2024-06", "M")]
    assert not any(w.startswith("pov:") for w in capacity_warnings(spec, months))
    starved = spec.model_copy(deep=True)
    starved.classes["pov"].seasonal = False  # the lanes below hold all month
    for lane in starved.classes["pov"].lanes.values():
        lane.staffed = DaySchedule(weekday=[1] * 24, saturday=[1] * 24, sunday=[1] * 24)
    warnings = capacity_warnings(starved, months)
    assert any(w.startswith("pov:") and "not cross" in w for w in warnings)  # drivers leave long lines
    starved.classes["pov"].patience = None  # ... and without patience, they all wait: it grows
    warnings = capacity_warnings(starved, months)
    assert any(w.startswith("pov:") and "grows" in w for w in warnings)


@pytest.mark.parametrize(
    ("crossing", "scenario"),
    [
        ("world-trade-bridge", None),
        ("san-ysidro", None),
        ("veterans", None),
        ("tecate", None),
        ("columbus", None),
        ("otay-mesa", "night-booths"),
        ("nogales", "+2 standard"),
        ("world-trade-bridge", "extended-truck-hours"),
    ],
)
def test_month_schedules_equal_the_rule_on_a_copy_per_month(crossing: str, scenario: str | None) -> None:
    """The fast path (loads made once, scaled per month) staffs exactly what ``apply_rule`` on
    a copy of the class per month staffs, a scenario's lane changes on top."""
    import numpy as np
    import pandas as pd

    from smartborder.policy.studies.scenario import Scenario, apply
    from smartborder.ports.staffing import month_schedules, month_schedules_by_copies

    spec = default_spec(crossing, 2024)
    if scenario == "+2 standard":
        spec = apply(
            spec,
            Scenario.model_validate({"name": scenario, "booths": [{"class": "truck", "lane": "standard", "delta": 2}]}),
        )
    elif scenario is not None:
        spec = apply(spec, Scenario.load(scenario))
    months = [pd.Period(f"2024-{m:02d}", "M") for m in range(1, 13)]
    fast, plain = month_schedules(spec, months), month_schedules_by_copies(spec, months)
    assert fast.keys() == plain.keys() and fast
    for station in fast:
        np.testing.assert_array_equal(fast[station], plain[station], err_msg=station)
