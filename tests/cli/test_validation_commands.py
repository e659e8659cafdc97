"""``validate waits`` and the forecast's baselines on the command line (synthetic Donna readings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartborder.cli import main

READINGS = str(Path(__file__).resolve().parents[2] / "examples" / "synthetic_readings_donna.csv")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_validate_waits_scores_every_model_and_both_baselines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(
        [
            "validate",
            "waits",
            "--observations",
            READINGS,
            "--split",
            "2026-08-16",
            "--month",
            "2025-08",
            "--evaluations",
            "10",
            "--out",
            str(tmp_path),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    payload = json.loads(out)
    assert payload["split"].startswith("fitted on readings up to 2026-08-16")
    lanes = {(r["crossing"].split(",")[0], r["lane_type"]): r for r in payload["lanes"]}
    assert set(lanes) == {("Donna-Rio Bravo Bridge", "standard"), ("Donna-Rio Bravo Bridge", "ready_lane")}
    for row in lanes.values():
        assert row["readings"] == 112  # the seven held-out days, 16 readings a day
        for model in ("default", "calibrated", "climatology"):
            assert row[f"{model}_mae_min"] >= 0 and f"{model}_hourly_r" in row
    assert [r["hours_ahead"] for r in payload["forecast"]] == [1, 2, 3, 4]
    for row in payload["forecast"]:
        assert {"forecast_mae", "persistence_mae", "climatology_mae"} <= set(row)
    hours = {r["hour"] for r in payload["hourly"]}
    assert hours == set(range(6, 22))  # Donna's cars are read 06-21
    assert (tmp_path / "validation.html").exists() and (tmp_path / "hourly.csv").exists()
    assert "hours_0.png" in {p.name for p in tmp_path.iterdir()}


def test_validate_waits_refuses_a_bad_split(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["validate", "waits", "--observations", READINGS, "--split", "soon"], capsys)
    assert code == 2 and "split" in err
    code, _, err = run(["validate", "waits", "--observations", READINGS, "--split", "2026-09-30"], capsys)
    assert code == 2 and "no held-out day" in err
    code, _, err = run(
        ["validate", "waits", "--observations", READINGS, "--split", "2026-08-16", "--crossing", "b-and-m"], capsys
    )
    assert code == 2 and "no readings of B&M" in err


def test_forecast_json_carries_both_baselines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        [
            "forecast",
            "donna",
            "--observations",
            READINGS,
            "--at",
            "2026-08-20 14:00",
            "--hours",
            "2",
            "-r",
            "3",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    payload = json.loads(out)
    read = {s["lane_type"]: s["delay_minutes"] for s in payload["start"]}
    assert len(payload["forecast"]) == 4
    for row in payload["forecast"]:
        assert row["baselines"]["persistence"] == read[row["lane_type"]]
        assert row["baselines"]["climatology"] is not None  # 17 earlier days read these hours
        assert row["twin_minutes"] is not None


def test_validate_waits_with_the_citys_drivers_shared(capsys: pytest.CaptureFixture[str]) -> None:
    """Donna shares Progreso's drivers (two crossings of one port): the default model it is scored
    with is the shared one, and the notes say how many moved."""
    args = [
        "validate",
        "waits",
        "--observations",
        READINGS,
        "--split",
        "2026-08-16",
        "--month",
        "2025-08",
        "--evaluations",
        "10",
        "--json",
    ]
    code, out, err = run([*args, "--city-choice"], capsys)
    assert code == 0, err
    shared = json.loads(out)
    code, out, _ = run(args, capsys)
    alone = json.loads(out)
    note = next(n for n in shared["notes"] if n.startswith("drivers shared"))
    assert "Donna" in note and "Progreso" in note
    before = {r["lane_type"]: r["default_mae_min"] for r in alone["lanes"]}
    after = {r["lane_type"]: r["default_mae_min"] for r in shared["lanes"]}
    assert before != after  # the default model changed with its drivers


def test_validate_crossing_times(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(["validate", "crossing-times", "-r", "1", "--json"], capsys)
    assert code == 0
    payload = json.loads(stdout)
    assert {row["crossing"] for row in payload["months"]} == {"bota", "pharr"}
    assert len(payload["months"]) == 22 and payload["rfid_buffer_min"] == 120
    code, _, err = run(["validate", "crossing-times", "--year", "2024"], capsys)
    assert code != 0 and "RFID crossing times exist for 2011, 2012" in err
