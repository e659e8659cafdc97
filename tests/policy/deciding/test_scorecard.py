"""The scorecard: its figures are ``simulate``'s, its lights follow its targets, its targets file
is checked field by field."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartborder.cli import main
from smartborder.policy.deciding.scorecard import KPIS, Scorecard, Targets, build_scorecard, light
from smartborder.policy.errors import AnalysisError

YEAR, REPS, SEED = 2024, 2, 5


@pytest.fixture(scope="module")
def card() -> Scorecard:
    # Progreso: two crossings (a port total and each crossing); two years for the trend.
    return build_scorecard(YEAR, ["progreso"], trend_years=2, replications=REPS, seed=SEED, workers=1)


def _simulate_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    with pytest.raises(SystemExit) as info:
        main(["simulate", *args, "-r", str(REPS), "--seed", str(SEED), "--json"])
    out, _ = capsys.readouterr()
    assert info.value.code in (0, None)
    return json.loads(out)


def _ratio(kpis: dict, top: str, bottom: str) -> float:  # type: ignore[type-arg]
    return kpis[top]["mean"] / kpis[bottom]["mean"]


def test_figures_equal_simulates(card: Scorecard, capsys: pytest.CaptureFixture[str]) -> None:
    payload = _simulate_json(capsys, "progreso", "--year", str(YEAR))
    scored = card.scored()
    places = {"all": payload["kpis"], **{c["id"]: c["kpis"] for c in payload["crossings"]}}
    checked = 0
    for _, row in scored.iterrows():
        kpis = places[row["place"]]
        v, lane, kpi = row["class"], row["lane"], row["kpi"]
        prefix = v if lane == "all lanes" else f"{v}.lane.{lane}"
        direct = {
            "vehicles_per_day": f"{v}.throughput_per_day",
            "wait_mean_min": f"{prefix}.wait_mean_min",
            "wait_p95_min": f"{prefix}.wait_p95_min",
            "delay_vehicle_hours": f"{v}.vehicle_hours_delay",
            "total_cost_usd": f"{v}.total_cost_usd",
            "co2_tonnes": f"{v}.co2_tonnes",
        }
        if kpi in direct:
            expected = kpis[direct[kpi]]["mean"]
            assert row["ci95"] == pytest.approx(kpis[direct[kpi]]["ci95"], nan_ok=True)
        elif kpi == "secondary_rate":
            expected = _ratio(kpis, f"{v}.secondary_inspections", f"{v}.vehicles")
        elif kpi == "interdiction_rate":
            expected = _ratio(kpis, f"{v}.illicit_caught", f"{v}.illicit_loads")
        elif kpi == "throughput_per_booth_hour":
            expected = _ratio(kpis, f"{v}.vehicles", f"{v}.booth_hours")
        else:
            lanes = [k.split(".")[2] for k in kpis if k.startswith(f"{v}.lane.") and k.endswith(".vehicles")]
            used = sum(kpis[f"{v}.lane.{lane}.vehicles"]["mean"] for lane in lanes)
            trusted = sum(kpis[f"{v}.lane.{lane}.vehicles"]["mean"] for lane in lanes if lane != "standard")
            expected = trusted / used
        assert row["value"] == pytest.approx(expected, rel=1e-12), (row["place"], v, lane, kpi)
        checked += 1
    assert checked > 40
    assert {"all", "progreso-bridge", "donna"} == set(scored["place"])
    assert not scored[(scored["place"] == "all") & (scored["kpi"] == "wait_p95_min")].size  # percentiles do not add


def test_trend_is_each_year_simulated_the_same_way(card: Scorecard, capsys: pytest.CaptureFixture[str]) -> None:
    before = _simulate_json(capsys, "progreso", "--year", str(YEAR - 1))
    scored = card.scored()
    row = scored[
        (scored["place"] == "all")
        & (scored["class"] == "pov")
        & (scored["kpi"] == "wait_mean_min")
        & (scored["lane"] == "all lanes")
    ].iloc[0]
    assert card.years == [YEAR - 1, YEAR]
    assert row["trend"][0] == pytest.approx(before["kpis"]["pov.wait_mean_min"]["mean"], rel=1e-12)
    assert row["trend"][1] == pytest.approx(row["value"])
    # A trend target: last year's delay per vehicle, in this year's vehicles.
    delay = scored[
        (scored["place"] == "all") & (scored["class"] == "pov") & (scored["kpi"] == "delay_vehicle_hours")
    ].iloc[0]
    per_vehicle = before["kpis"]["pov.vehicle_hours_delay"]["mean"] / before["kpis"]["pov.vehicles"]["mean"]
    assert delay["target"] == pytest.approx(per_vehicle * delay["vehicles"], rel=1e-12)


def test_lights_follow_the_targets(card: Scorecard) -> None:
    scored = card.scored()
    amber = card.targets.amber
    assert set(scored["light"]) <= {"green", "amber", "red", "none"}
    for _, row in scored.iterrows():
        assert row["light"] == light(row["value"], row["target"], row["better"] or "lower", amber)
        if row["kpi"] == "vehicles_per_day":
            assert row["light"] == "none"  # volume is context, not a goal
        spec = card.targets.of(row["kpi"])
        if spec is not None and spec.kind == "level":
            assert row["target"] == spec.value(row["class"], row["lane"])


@given(
    value=st.floats(0, 1e6),
    target=st.floats(0.001, 1e6),
    amber=st.floats(0, 0.99),
    better=st.sampled_from(["lower", "higher"]),
)
def test_light_rule(value: float, target: float, amber: float, better: str) -> None:
    colour = light(value, target, better, amber)
    meets = value <= target if better == "lower" else value >= target
    near = value <= target * (1 + amber) if better == "lower" else value >= target * (1 - amber)
    assert colour == ("green" if meets else "amber" if near else "red")
    # Monotone: a value further on the good side is never a worse colour.
    rank = {"green": 0, "amber": 1, "red": 2}
    better_value = value * 0.5 if better == "lower" else value * 2 + 1
    assert rank[light(better_value, target, better, amber)] <= rank[colour]
    assert light(math.nan, target, better, amber) == "none" and light(value, None, better, amber) == "none"


def test_targets_file_overrides_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text("amber = 0.2\n[wait_mean_min]\ntruck = 15.0\n", encoding="utf-8")
    targets = Targets.load(path)
    shipped = Targets.load()
    assert targets.amber == 0.2 and targets.wait_mean_min.truck == 15.0
    assert targets.wait_mean_min.pov == shipped.wait_mean_min.pov
    assert targets.wait_mean_min.source == shipped.wait_mean_min.source
    for kpi in KPIS:
        if kpi != "vehicles_per_day":
            assert shipped.of(kpi) is not None and shipped.of(kpi).source  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[wait_mean_min]\ntruck = "soon"\n', "wait_mean_min.truck"),
        ("[wait_mean_min]\ntruck = -3.0\n", "wait_mean_min"),
        ("[wait_mean]\ntruck = 3.0\n", "wait_mean"),
        ("[trusted_share]\npov = 40.0\n", "trusted_share"),
        ('[secondary_rate]\nbetter = "sideways"\n', "secondary_rate.better"),
        ("amber = 1.5\n", "amber"),
        ("[wait_mean_min\n", "not valid TOML"),
    ],
)
def test_bad_targets_file_names_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"^targets: ") as info:
        Targets.load(path)
    assert field in str(info.value) and str(path) in str(info.value)
    with pytest.raises(AnalysisError, match="does not exist"):
        Targets.load(tmp_path / "missing.toml")


def test_bad_targets_stop_before_any_simulation(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[co2_tonnes]\nkind = "trend"\ntrusted = 1.0\n', encoding="utf-8")
    with pytest.raises(AnalysisError, match="co2_tonnes"):
        build_scorecard(YEAR, ["no such port at all"], targets=path, workers=1)
    with pytest.raises(AnalysisError, match="trend-years"):
        build_scorecard(YEAR, ["progreso"], trend_years=0, workers=1)
