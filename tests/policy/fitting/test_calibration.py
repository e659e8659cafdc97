"""Calibration against synthetic readings (parameters known), the forecast against persistence,
and bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartborder import observations
from smartborder.policy.errors import AnalysisError
from smartborder.policy.fitting.calibration import ClassFit, apply_fit, calibrate, metrics, score
from smartborder.policy.fitting.forecast import score_forecasts
from smartborder.policy.fitting.synthetic import synthesize
from smartborder.ports import default_spec

TRUTH = {"standard": 1.9, "Ready": 1.6}
SHAPE = (0.25, -0.2, 0.0, 0.0)


@pytest.fixture(scope="module")
def truth():  # type: ignore[no-untyped-def]
    """Donna's cars with known service factors (slow enough that lines form: with readings
    rounded to 5 minutes, an idle crossing says nothing of its service time), shape and lane choice."""
    spec = default_spec("donna", 2024)
    spec = spec.model_copy(update={"classes": {"pov": spec.classes["pov"]}})
    cls = spec.classes["pov"]
    fit = ClassFit("pov", list(TRUTH), TRUTH, SHAPE, 0.35, None, 0, 0.0, 0)
    cls = apply_fit(cls, fit, spec.staffing_rule, 1.0)
    cls.seasonal = False
    return spec.model_copy(update={"classes": {"pov": cls}})


@pytest.fixture(scope="module")
def readings(truth, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Three weeks of hourly readings, noisy and rounded to 5 minutes as CBP's are."""
    frame = synthesize(truth, "2026-08-03", 21, "2025-08", seed=11, noise=3.0)
    path = tmp_path_factory.mktemp("obs") / "donna.csv"
    frame.to_csv(path, index=False)
    return observations.load(path)


@pytest.fixture(scope="module")
def fitted(readings):  # type: ignore[no-untyped-def]
    return calibrate("donna", readings, month="2025-08", train_until="2026-08-16", seed=3, max_evaluations=150)


def test_parameters_are_recovered(truth, fitted) -> None:  # type: ignore[no-untyped-def]
    """Stated tolerance: service factors within 20 % of the truth, and a training error within
    a quarter (plus half a minute) of the true model's own error on the same readings — the
    floor set by CBP-style noise, 5-minute rounding and each day's luck in the queues."""
    fit = fitted.fits["pov"]
    for lane, value in TRUTH.items():
        assert fit.service_factor[lane] == pytest.approx(value, rel=0.2), lane
    own = score(truth, fitted.train, "snapshot", fitted.volume_month, 3)
    floor = float((own["predicted"] - own["delay_minutes"]).abs().mean())
    assert fit.train_mae <= 1.25 * floor + 0.5, (fit.train_mae, floor)
    assert fitted.spec.provenance["classes.pov.service.standard"].startswith("CALIBRATED: fitted to")
    assert "MAE" in fitted.spec.provenance["classes.pov.profile"]


def test_calibrated_beats_default_on_held_out_days(fitted) -> None:  # type: ignore[no-untyped-def]
    """On the average day (the hourly profile: one day's readings carry that day's luck)."""
    held_out = metrics(score(fitted.spec, fitted.test, "snapshot", fitted.volume_month, 0))
    default = metrics(score(fitted.default, fitted.test, "snapshot", fitted.volume_month, 0))
    assert (held_out["profile_mae_min"] < default["profile_mae_min"]).all()
    standard = ("pov", "standard")  # where the lines are: the default's too-fast service shows
    assert abs(held_out.loc[standard, "bias_min"]) < abs(default.loc[standard, "bias_min"])


def test_forecast_beats_persistence_two_to_four_hours_ahead(truth, readings) -> None:  # type: ignore[no-untyped-def]
    from smartborder import data
    from smartborder.policy.fitting.observed import for_crossing

    frame = for_crossing(readings, data.resolve_crossing("donna"))
    held_out = frame[pd.to_datetime(frame["time_local"]) >= "2026-08-17"]
    table = score_forecasts(truth, held_out, pd.Period("2025-08", "M"), hours=4, replications=5, every=3)
    for hours in (2, 3, 4):
        assert table.loc[hours, "forecast_mae"] < table.loc[hours, "persistence_mae"], table


def test_the_calibrated_model_runs_with_simulate(fitted, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import tomli_w

    from smartborder.policy.studies.analysis import run_port
    from smartborder.ports import PortSpec

    path = tmp_path / "donna.toml"
    path.write_text(tomli_w.dumps(fitted.spec.model_dump(mode="json", exclude_none=True)))
    spec = PortSpec.from_toml(path)
    run = run_port(spec, [pd.Period("2025-08", "M")], replications=1)
    assert run.runs["pov.vehicles"].iloc[0] > 0


def test_bad_splits_name_the_problem(readings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnalysisError, match="leaves no held-out day"):
        calibrate("donna", readings, month="2025-08", train_until="2026-09-30")
    with pytest.raises(AnalysisError, match="train-until: expected a date"):
        calibrate("donna", readings, month="2025-08", train_until="yesterday")
    with pytest.raises(AnalysisError, match="none for"):
        calibrate("world trade bridge", readings)  # the file holds another crossing
    with pytest.raises(AnalysisError, match="month"):
        calibrate("donna", readings, month="2031-08")  # no volumes to pair with


def test_a_lane_type_the_model_lacks(readings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    frame = readings.frame.copy()
    path = tmp_path / "sentri.csv"
    rows = frame.assign(lane_type="SENTRI")
    out = rows.rename(columns={"time_local": "update_time_local"})
    out["update_time_local"] = pd.to_datetime(out["update_time_local"]).dt.strftime("%Y-%m-%d %H:%M")
    out[
        [
            "crossing",
            "bts_port_code",
            "traffic_type",
            "lane_type",
            "update_time_local",
            "tz",
            "delay_minutes",
            "lanes_open",
            "max_lanes",
            "hours",
        ]
    ].to_csv(path, index=False)
    with pytest.raises(AnalysisError, match="SENTRI in the observations that the model lacks"):
        calibrate("donna", observations.load(path), month="2025-08")


def test_cli_round_trip_and_errors(readings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    import json

    from tests.cli.test_data_commands import run

    csv = tmp_path / "donna.csv"
    observations.to_csv(readings, csv)
    model = tmp_path / "model.toml"
    code, stdout, err = run(
        [
            "calibrate",
            "donna",
            "--observations",
            str(csv),
            "--month",
            "2025-08",
            "--train-until",
            "2026-08-16",
            "--evaluations",
            "30",
            "--out",
            str(model),
            "--report",
            str(tmp_path / "rep"),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    payload = json.loads(stdout)
    assert payload["fits"]["pov"]["simulations"] >= 30
    assert {"calibrated_test", "default_test"} <= set(payload["validation"])
    assert (tmp_path / "rep" / "calibration.html").exists() and model.exists()
    code, stdout, err = run(
        [
            "forecast",
            "donna",
            "--observations",
            str(csv),
            "--at",
            "2026-08-20 13:00",
            "--model",
            str(model),
            "--month",
            "2025-08",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    fc = json.loads(stdout)
    assert fc["crossing"] == "donna" and fc["at"] == "2026-08-20 13:00"
    first = fc["forecast"][0]
    assert {"hours_ahead", "time", "traffic_type", "lane_type", "delay_minutes", "low", "high"} <= set(first)
    assert first["traffic_type"] == "passenger" and first["hours_ahead"] == 1
    # The readings it started from are the ones at 13:00 in the file.
    at_13 = readings.frame[pd.to_datetime(readings.frame["time_local"]) == pd.Timestamp("2026-08-20 13:00")]
    assert {s["time"] for s in fc["start"]} == {"2026-08-20 13:00"}
    assert {s["lane_type"] for s in fc["start"]} == {"standard", "ready_lane"}
    assert sorted(s["delay_minutes"] for s in fc["start"]) == sorted(at_13["delay_minutes"])
    # Bad input: an error naming the problem, exit != 0, no half-written model file.
    bad = tmp_path / "bad.xml"
    bad.write_text("<foo/>")
    fresh = tmp_path / "none.toml"
    for args, message in [
        (["calibrate", "donna", "--observations", str(bad), "--out", str(fresh)], "bad.xml"),
        (["calibrate", "atlantis", "--observations", str(csv)], "port"),
        (
            [
                "calibrate",
                "donna",
                "--observations",
                str(csv),
                "--month",
                "2025-08",
                "--train-until",
                "2026-12-01",
                "--out",
                str(fresh),
            ],
            "held-out",
        ),
        (["forecast", "donna", "--observations", str(csv), "--at", "2026-01-01 10:00"], "at"),
        (["forecast", "donna", "--observations", str(csv), "--at", "noon"], "at"),
    ]:
        code, stdout, err = run(args, capsys)
        assert code != 0 and message in err and stdout == "", (args, err)
    assert not fresh.exists()
    assert not list(tmp_path.glob(".none.toml.*"))


def test_forecast_intervals_hold_the_mean(truth, readings) -> None:  # type: ignore[no-untyped-def]
    from smartborder import data
    from smartborder.policy.fitting.forecast import forecast
    from smartborder.policy.fitting.observed import for_crossing

    frame = for_crossing(readings, data.resolve_crossing("donna"))
    table = forecast(truth, frame, pd.Timestamp("2026-08-18 15:00"), 4, pd.Period("2025-08", "M"), 10, 0)
    rows = table.dropna(subset=["delay_minutes"])
    assert len(rows) and (rows["low"] <= rows["delay_minutes"]).all()
    assert (rows["delay_minutes"] <= rows["high"]).all()
    assert np.isfinite(rows["delay_minutes"]).all()


def test_average_days_lay_cbp_averages_on_the_simulated_week() -> None:
    """CBP's averages become dated readings on the week calibration simulates for that month:
    weekday 0 on the month's first Monday, the hour as given, no lanes open read."""
    from smartborder.policy.fitting.calibration import average_windows
    from smartborder.policy.fitting.forecast import average_days

    frame = pd.DataFrame(
        {
            "month": [3, 3, 10],
            "weekday": [0, 6, 2],
            "hour": [0, 23, 14],
            "vehicle": "pov",
            "lane": "standard",
            "delay_minutes": [5.0, 10.0, 40.0],
        }
    )
    days = average_days(frame, 2024)
    assert sorted(days) == [pd.Period("2024-03", "M"), pd.Period("2024-10", "M")]
    march = days[pd.Period("2024-03", "M")]
    start = average_windows([3], 2024)[3].start
    assert start == pd.Timestamp("2024-03-04")  # the first Monday of March 2024
    assert list(pd.to_datetime(march["time_local"])) == [start, start + pd.Timedelta(days=6, hours=23)]
    assert march["lanes_open"].isna().all()
    assert pd.Timestamp(days[pd.Period("2024-10", "M")]["time_local"].iloc[0]) == pd.Timestamp("2024-10-09 14:00")


def test_the_blend_weight_recovers_what_the_records_favour() -> None:
    from smartborder.policy.fitting.forecast import MIN_BLEND_RECORDS, fit_weights

    rng = np.random.default_rng(0)
    n = 40
    forecast_, persist = rng.uniform(0, 60, n), rng.uniform(0, 60, n)
    rows = []
    for h, w in ((1, 1.0), (2, 0.5), (3, 0.0)):  # observed = the blend with weight w, exactly
        observed = w * persist + (1 - w) * forecast_
        rows += [
            {"hours_ahead": h, "observed": o, "forecast": f, "persistence": p}
            for o, f, p in zip(observed, forecast_, persist, strict=True)
        ]
    assert fit_weights(pd.DataFrame(rows)) == [1.0, 0.5, 0.0]
    few = pd.DataFrame(rows[: MIN_BLEND_RECORDS - 1])
    assert fit_weights(few) is None  # too few to say: the twin alone


def test_calibration_fits_the_blend_on_training_days_and_the_forecast_uses_it(fitted, readings) -> None:  # type: ignore[no-untyped-def]
    from smartborder import data
    from smartborder.policy.fitting.forecast import forecast, latest_state
    from smartborder.policy.fitting.observed import for_crossing

    blend = fitted.spec.forecast
    assert blend is not None and len(blend.persistence_weight) == 4
    assert "training readings" in fitted.spec.provenance["forecast.persistence_weight"]
    frame = for_crossing(readings, data.resolve_crossing("donna"))
    at = pd.Timestamp("2026-08-18 15:00")
    month = pd.Period("2025-08", "M")
    read = {s.lane: s.delay for s in latest_state(frame, at)}
    all_reading = fitted.spec.model_copy(update={"forecast": type(blend)(persistence_weight=[1.0])})
    table = forecast(all_reading, frame, at, 3, month, 4, 0).dropna(subset=["delay_minutes"])
    lanes = {"standard": "standard", "ready_lane": "Ready"}
    for row in table.itertuples(index=False):  # weight 1: every hour is the latest reading
        assert row.delay_minutes == pytest.approx(read[lanes.get(row.lane_type, row.lane_type)])


def test_forecast_beats_persistence_and_climatology_on_held_out_days(fitted) -> None:  # type: ignore[no-untyped-def]
    """Synthetic readings with a known model: the blended forecast (weights fitted on the
    training days only, climatology from the training days) beats holding the latest reading
    and the training days' mean at that hour, at 1, 2 and 4 hours ahead, on the held-out days."""
    from smartborder.policy.fitting.calibration import validate

    blend = fitted.spec.forecast
    assert blend is not None and blend.anomaly_weight is not None and blend.twin_weight is not None
    assert "other training days" in fitted.spec.provenance["forecast.anomaly_weight"]
    _, tables, forecasts = validate(fitted, 0)
    assert forecasts is not None
    for hours in (1, 2, 4):
        row = forecasts.loc[hours]
        assert row["forecast_mae"] < row["persistence_mae"], forecasts
        assert row["forecast_mae"] < row["climatology_mae"], forecasts
    assert set(tables["climatology_test"].index) == set(tables["calibrated_test"].index)


def test_a_lane_cbp_reports_open_is_never_forecast_closed(fitted, readings) -> None:  # type: ignore[no-untyped-def]
    """The model closes the Ready lanes all day; CBP reads them open: the forecast keeps them
    open (at least one lane) and forecasts a wait, with both baselines beside it."""
    from smartborder import data
    from smartborder.policy.fitting.forecast import forecast, latest_state
    from smartborder.policy.fitting.observed import for_crossing
    from smartborder.ports.spec import DaySchedule

    spec = fitted.spec.model_copy(deep=True)
    spec.classes["pov"].lanes["Ready"].staffed = DaySchedule(weekday=[0] * 24, saturday=[0] * 24, sunday=[0] * 24)
    frame = for_crossing(readings, data.resolve_crossing("donna"))
    at = pd.Timestamp("2026-08-19 15:00")
    read = {s.lane: s.delay for s in latest_state(frame, at)}
    table = forecast(spec, frame, at, 3, pd.Period("2025-08", "M"), 4, 0)
    ready = table[table["lane_type"] == "ready_lane"]
    assert len(ready) == 3
    assert ready["delay_minutes"].notna().all() and (ready["lanes_open"] >= 1).all()
    assert (ready["persistence"] == read["Ready"]).all()
    assert ready["climatology"].notna().all()  # earlier days read the Ready lanes at these hours


def test_the_anomaly_blend_recovers_known_weights() -> None:
    """Observed = climatology + φ·(reading − climatology now) + ψ·(twin − climatology)
    + χ·(climatology now − climatology), exactly (φ = χ = 1, ψ = 0: the reading held)."""
    from smartborder.policy.fitting.forecast import MIN_BLEND_RECORDS, fit_anomaly_weights

    rng = np.random.default_rng(1)
    n = 60
    rows = []
    for h, phi, psi, chi in ((1, 0.8, 0.1, 0.3), (2, 0.5, 1.2, 0.0), (3, 0.0, 0.0, 0.0), (4, 1.0, 0.0, 1.0)):
        usual, now = rng.uniform(20, 60, n), rng.uniform(20, 60, n)
        reading, twin = now + rng.normal(0, 10, n), usual + rng.normal(0, 10, n)
        observed = usual + phi * (reading - now) + psi * (twin - usual) + chi * (now - usual)
        rows += [
            {
                "hours_ahead": h,
                "observed": o,
                "forecast": t,
                "twin": t,
                "persistence": r,
                "climatology": u,
                "climatology_now": c,
            }
            for o, t, r, u, c in zip(observed, twin, reading, usual, now, strict=True)
        ]
    assert fit_anomaly_weights(pd.DataFrame(rows)) == ([0.8, 0.5, 0.0, 1.0], [0.1, 1.2, 0.0, 0.0], [0.3, 0.0, 0.0, 1.0])
    assert fit_anomaly_weights(pd.DataFrame(rows[: MIN_BLEND_RECORDS - 1])) is None


def test_observed_staffing_keeps_the_readings_lane_hours() -> None:
    """Lanes open by hour are the readings' mean made whole over the day: a Ready lane read open
    at two readings of five at 16-18 h is not closed (a median would close it), one read open at
    three of five at 00-02 h is open in some of those hours and not all, and the day's
    lane-hours are the readings'."""
    from smartborder.policy.fitting.calibration import observed_staffing
    from smartborder.ports import default_spec

    cls = default_spec("b-and-m", 2024).classes["pov"]
    rows = []
    for day in pd.date_range("2026-08-03", periods=5, freq="D"):  # Monday..Friday
        for hour in range(24):
            when = day + pd.Timedelta(hours=hour)
            rows.append({"time_local": when, "lane": "standard", "lanes_open": 2 if 6 <= hour < 22 else 1})
            ready_open = (hour not in (16, 17, 18) or day.day % 2 == 0) and (hour >= 3 or day.day % 2 == 1)
            if ready_open:
                rows.append({"time_local": when, "lane": "Ready", "lanes_open": 2})
    frame = pd.DataFrame(rows)
    lanes = observed_staffing(frame, cls)
    ready = lanes["Ready"].weekday
    assert all(ready[h] >= 1 for h in (16, 17, 18))  # read open 2 of 5 times: 0.8 lanes on average
    mean = frame.pivot_table(index="time_local", columns="lane", values="lanes_open").fillna(0.0)
    by_hour = mean.groupby(mean.index.hour).mean()
    assert sum(ready) == round(by_hour["Ready"].sum())
    assert sum(lanes["standard"].weekday) == round(by_hour["standard"].sum())
    assert 0 < sum(ready[h] for h in (0, 1, 2)) < 6  # half the readings: some of those hours open


def test_the_blend_spans_persistence_and_climatology() -> None:
    """φ = χ = 1, ψ = 0 is the reading held; φ = ψ = χ = 0 is climatology; no hold weight is χ = 0."""
    from smartborder.policy.fitting.forecast import blended
    from smartborder.ports.spec import ForecastBlend

    twin = np.array([30.0, 50.0])
    held = ForecastBlend(persistence_weight=[0.0], anomaly_weight=[1.0], twin_weight=[0.0], hold_weight=[1.0])
    usual = ForecastBlend(persistence_weight=[0.0], anomaly_weight=[0.0], twin_weight=[0.0], hold_weight=[0.0])
    plain = ForecastBlend(persistence_weight=[0.0], anomaly_weight=[1.0], twin_weight=[0.0])
    np.testing.assert_allclose(blended(held, 0, 25.0, twin, 40.0, 35.0), [25.0, 25.0])
    np.testing.assert_allclose(blended(usual, 0, 25.0, twin, 40.0, 35.0), [40.0, 40.0])
    np.testing.assert_allclose(blended(plain, 0, 25.0, twin, 40.0, 35.0), [30.0, 30.0])  # 40 + (25 - 35)
