"""``staffing`` and ``scorecard`` on the command line: the plan's file runs in ``simulate``, bad
input is one clear line naming the field, exit code 2."""

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.test_data_commands import run


def test_staffing_writes_a_file_simulate_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan_file = tmp_path / "plan.csv"
    code, stdout, _ = run(
        [
            "staffing",
            "colombia",
            "--month",
            "2024-06",
            "--target-wait",
            "12",
            "--class",
            "truck",
            "-r",
            "1",
            "--out",
            str(plan_file),
            "--json",
        ],
        capsys,
    )
    assert code == 0
    plan = json.loads(stdout)
    assert plan["staffing_file"] == str(plan_file) and plan["target_min"] == 12 and plan["stat"] == "mean"
    frame = pd.read_csv(plan_file)
    assert list(frame.columns) == ["crossing", "class", "lane", "day", "hour", "lanes"]
    assert len(frame) == 2 * 3 * 24  # truck standard and FAST lanes, three day types, every hour
    code, stdout, _ = run(
        [
            "simulate",
            "colombia",
            "--month",
            "2024-06",
            "--class",
            "truck",
            "--staffing",
            str(plan_file),
            "-r",
            "1",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    simulated = json.loads(stdout)
    staffed = simulated["staffing"]["truck"]["standard"]["weekday"]
    assert staffed == plan["classes"][0]["lanes"]["standard"]["weekday"]
    # Weekday hours the plan says it meets are under the target in simulate's own hourly figures.
    status = plan["classes"][0]["status"]
    for lane, days in simulated["hourly"]["truck"].items():
        for hour, wait in enumerate(days["weekday"]):
            if wait is not None and status[lane]["weekday"][hour] == "met":
                assert wait <= 12
    code, stdout, _ = run(
        ["staffing", "colombia", "--month", "2024-06", "--target-wait", "12", "--class", "truck", "-r", "1"], capsys
    )
    assert code == 0 and "Lane-h" in stdout and "officer-hours in 2024-06" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stat", "median"], "error: stat:"),
        (["--target-wait", "-1"], "error: target-wait:"),
        (["--officer-cost", "0"], "error: officer-cost:"),
    ],
)
def test_staffing_bad_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["staffing", "colombia", "--month", "2024-06", "--target-wait", "12"]
    if "--target-wait" in args:
        base = base[:-2]
    code, _, stderr = run([*base, *args], capsys)
    assert code == 2 and message in stderr


def test_scorecard_terminal_json_and_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "card"
    code, stdout, _ = run(
        ["scorecard", "--year", "2024", "--ports", "tecate", "--trend-years", "1", "--out", str(out)], capsys
    )
    assert code == 0
    assert "Tecate" in stdout and "green" in stdout
    assert max(len(line) for line in stdout.splitlines()) <= 80
    page = (out / "scorecard.html").read_text()
    assert "Targets and their sources" in page and "CBSA" in page
    assert {"port_code", "place", "class", "lane", "kpi", "value", "target", "light"} <= set(
        pd.read_csv(out / "scorecard.csv").columns
    )
    code, stdout, _ = run(["scorecard", "--year", "2024", "--ports", "tecate", "--trend-years", "1", "--json"], capsys)
    assert code == 0
    payload = json.loads(stdout)
    assert payload["year"] == 2024 and payload["ports"][0]["code"] == "2505"
    assert sum(payload["lights"].values()) == len(payload["scorecard"])


def test_scorecard_bad_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "targets.toml"
    bad.write_text('[wait_p95_min]\npedestrian = "fast"\n', encoding="utf-8")
    code, _, stderr = run(["scorecard", "--ports", "tecate", "--targets", str(bad)], capsys)
    assert code == 2 and "error: targets:" in stderr and "wait_p95_min.pedestrian" in stderr
