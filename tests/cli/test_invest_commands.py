"""``smartborder plan``: the table at 80 columns, JSON, the report and clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from smartborder.policy.deciding.plan_border import choose
from tests.cli.test_data_commands import run

ARGS = ["plan", "santa teresa", "--month", "2024-06", "-r", "2", "--horizon", "10"]


def test_plan_prints_a_ranked_table_within_80_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*ARGS, "--budget", "30000000"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80, "\n".join(line for line in lines if len(line) > 80)
    assert any("pov-booths-2" in line for line in lines)
    assert any(line.startswith("Portfolio (budget US$30.0M") for line in lines)
    assert "set aside: sentri-enrolment-10: no pov SENTRI lanes here" in out.replace("\n", " ")


def test_plan_json_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "plan"
    code, stdout, _ = run([*ARGS, "--json", "--out", str(out), "--budget", "30000000"], capsys)
    assert code == 0
    payload = json.loads(stdout)
    assert payload["port"]["code"] == "2408" and payload["report"] == str(out / "plan.html")
    ids = [o["id"] for o in payload["options"]]
    assert payload["portfolio"]["options"] == [] or set(payload["portfolio"]["options"]) <= set(ids)
    assert payload["portfolio"]["cost_usd"] <= 30_000_000
    page = (out / "plan.html").read_text("utf-8")
    assert "data:image/png;base64" in page and "Cost–benefit frontier" in page
    assert "FACT: OMB Circular A-94" in page and "ESTIMATE" in page
    sources = pd.read_csv(out / "sources.csv")
    assert set(ids) <= set(sources["item"])  # every option's figures have their sources
    assert sources["source"].str.len().min() > 0
    options = pd.read_csv(out / "options.csv")
    assert list(options["id"]) == ids
    assert (out / "frontier.png").stat().st_size > 10_000
    assert (out / "scenarios" / "pov-booths-2.toml").exists()


def test_plan_errors_name_the_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[parameters]\nofficer_hour = { usd = 1, source = 'from a friend' }\n"
        "officers_per_lane = { value = 1, source = 'ESTIMATE: x' }\n",
        encoding="utf-8",
    )
    code, _, err = run([*ARGS, "--options", str(bad)], capsys)
    assert code == 2 and "error: options:" in err and "parameters.officer_hour.source" in err
    code, _, err = run([*ARGS, "--objective", "speed"], capsys)
    assert code == 2 and "error: objective" in err
    code, _, err = run([*ARGS, "--discount-rate", "2"], capsys)
    assert code == 2 and "error: discount-rate" in err
    code, _, err = run(["plan", "tecate", "--border", "mexico"], capsys)
    assert code == 2 and "not both" in err
    code, _, err = run(["plan", "--border", "canada"], capsys)
    assert code == 2 and "error: border" in err


def test_the_border_portfolio_is_an_exact_knapsack_over_ports() -> None:
    """At most one set per port, the best total within the budget (a greedy pick of the best
    ratio would take A's cheap set and miss the better pair)."""
    import numpy as np

    class Set:
        def __init__(self, name: str, cost: float, value: float) -> None:
            self.ids, self.pv_cost, self.npv = (name,), np.array([cost]), np.array([value])

        def value(self, objective: str) -> np.ndarray:
            return self.npv

    a_small, a_big, b = Set("a-small", 1, 5), Set("a-big", 6, 20), Set("b", 4, 12)
    candidates: Any = {"A": [a_small, a_big], "B": [b]}
    assert {k: v.ids for k, v in choose(candidates, "delay-cost", 10).items()} == {"A": ("a-big",), "B": ("b",)}
    assert {k: v.ids for k, v in choose(candidates, "delay-cost", 9).items()} == {"A": ("a-big",)}
    assert {k: v.ids for k, v in choose(candidates, "delay-cost", 5).items()} == {"A": ("a-small",), "B": ("b",)}
    assert choose(candidates, "delay-cost", 0.5) == {}
    totals = [sum(float(s.npv[0]) for s in choose(candidates, "delay-cost", budget).values()) for budget in range(12)]
    assert totals == sorted(totals)


def test_plan_border_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(
        [
            "plan",
            "--border",
            "mexico",
            "--ports",
            "1",
            "--month",
            "2024-06",
            "-r",
            "2",
            "--json",
            "--budget",
            "50000000",
        ],
        capsys,
    )
    assert code == 0
    payload = json.loads(stdout)
    assert list(payload["ports"]) == ["2504"]  # San Ysidro: the most trucks and cars
    assert payload["portfolio"]["cost_usd"] <= 50_000_000
    assert all(o.startswith("2504:") for o in payload["portfolio"]["options"])
