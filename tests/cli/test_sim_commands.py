import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from tests.cli.test_data_commands import run


def test_simulate_json_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    code, stdout, _ = run(["simulate", "tecate", "--month", "2024-05", "-r", "2", "--out", str(out), "--json"], capsys)
    assert code == 0
    payload = json.loads(stdout)
    assert payload["port"]["code"] == "2505"
    assert payload["kpis"]["pov.vehicles"]["mean"] > 0
    assert payload["estimates"]
    # The hourly shape: {class: {lane: {weekday: [24], weekend: [24]}}}, null where none arrived.
    trucks = payload["hourly"]["truck"]["standard"]
    assert len(trucks["weekday"]) == 24 and len(trucks["weekend"]) == 24
    assert trucks["weekday"][3] is None and trucks["weekday"][10] is not None  # cargo opens 08-16
    staffed = payload["staffing"]["truck"]["standard"]
    assert staffed["weekday"][3] == 0 and staffed["weekday"][10] >= 1
    assert staffed["weekend"] == [(a + b) / 2 for a, b in zip(staffed["saturday"], staffed["sunday"], strict=True)]
    html = (out / "report.html").read_text()
    assert "data:image/png;base64" in html and "ESTIMATE" in html
    assert (out / "kpis.parquet").exists() and (out / "kpis.csv").exists()
    hourly = pd.read_csv(out / "hourly.csv")
    assert {"crossing", "class", "lane", "day", "hour", "lanes_staffed", "wait_mean_min"} <= set(hourly.columns)
    staffing = pd.read_csv(out / "staffing.csv")
    assert list(staffing.columns) == ["crossing", "class", "lane", "day", "hour", "lanes"]


def test_simulate_a_port_reports_each_crossing_and_the_total(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(["simulate", "progreso", "--month", "2024-05", "-r", "1", "--json"], capsys)
    assert code == 0
    payload = json.loads(stdout)
    ids = [c["id"] for c in payload["crossings"]]
    assert ids == ["progreso-bridge", "donna"]
    cars = sum(c["kpis"]["pov.vehicles"]["mean"] for c in payload["crossings"])
    assert payload["kpis"]["pov.vehicles"]["mean"] == pytest.approx(cars)
    code, stdout, _ = run(["simulate", "Donna", "--month", "2024-05", "-r", "1"], capsys)
    assert code == 0 and "Donna" in stdout


def test_staffing_file_changes_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "base"
    code, _, _ = run(
        ["simulate", "tecate", "--month", "2024-05", "-r", "1", "--class", "pov", "--out", str(out), "--json"], capsys
    )
    assert code == 0
    schedule = pd.read_csv(out / "staffing.csv")
    schedule.loc[(schedule["class"] == "pov") & (schedule["lanes"] > 0), "lanes"] = 1
    fewer = tmp_path / "fewer.csv"
    schedule.to_csv(fewer, index=False)
    code, stdout, _ = run(
        ["simulate", "tecate", "--month", "2024-05", "-r", "1", "--class", "pov", "--staffing", str(fewer), "--json"],
        capsys,
    )
    assert code == 0
    payload = json.loads(stdout)
    assert max(payload["staffing"]["pov"]["standard"]["weekday"]) == 1
    code, _, err = run(["simulate", "tecate", "--month", "2024-05", "--staffing", str(tmp_path / "none.csv")], capsys)
    assert code == 2 and "staffing" in err


def test_simulate_class_filter_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(["simulate", "tecate", "--month", "2024-05", "-r", "2", "--class", "truck"], capsys)
    assert code == 0
    assert "truck" in stdout and "pedestrian" not in stdout


def test_compare_scenarios(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "night.toml"
    scenario.write_text('name = "two more car booths"\n[[booths]]\nclass = "pov"\nlane = "standard"\ndelta = 2\n')
    zero = tmp_path / "zero.toml"
    zero.write_text('name = "no change"\n')
    code, stdout, _ = run(
        [
            "compare",
            "tecate",
            str(scenario),
            str(zero),
            "--month",
            "2024-05",
            "-r",
            "3",
            "--json",
            "--out",
            str(tmp_path / "cmp"),
        ],
        capsys,
    )
    assert code == 0
    payload = json.loads(stdout)
    rows = {r["figure"]: r for r in payload["scenarios"]["two more car booths"]}
    assert rows["pov.wait_mean_min"]["difference"] <= 0
    zero_rows = payload["scenarios"]["no change"]
    assert all(r["difference"] in (0, None) for r in zero_rows)
    assert (tmp_path / "cmp" / "comparison.html").exists()


def test_port_show_prints_editable_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(["port", "show", "world trade bridge"], capsys)
    assert code == 0
    model = tomllib.loads(stdout)
    assert model["classes"]["truck"]["lanes"]["FAST"]["booths"] == 4
    assert len(model["classes"]["truck"]["lanes"]["standard"]["staffed"]["weekday"]) == 24
    path = tmp_path / "wtb.toml"
    path.write_text(stdout)
    code, stdout, _ = run(
        ["simulate", "laredo", "--model", str(path), "--month", "2024-05", "-r", "1", "--class", "truck", "--json"],
        capsys,
    )
    assert code == 0 and json.loads(stdout)["kpis"]["truck.vehicles"]["mean"] > 0
    code, _, err = run(["port", "show", "laredo"], capsys)
    assert code == 2 and "world-trade-bridge" in err  # a port of several crossings: name one
    code, _, err = run(["simulate", "tecate", "--model", str(path), "--month", "2024-05"], capsys)
    assert code == 2 and "model" in err  # the model describes another crossing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "Atlantis"], "port"),
        (["simulate", "tecate", "--month", "2030-01"], "month"),
        (["simulate", "tecate", "--month", "2024-5"], "month"),
        (["simulate", "tecate", "--year", "2024", "--month", "2024-05"], "year/month"),
        (["simulate", "san ysidro", "--class", "truck"], "class"),
        (["simulate", "tecate", "--scenario", "/nonexistent.toml"], "scenario"),
        (["simulate", "tecate", "--model", "/nonexistent.toml"], "model"),
        (["simulate", "Bridge I", "--month", "2024-05"], "ambiguous"),
    ],
)
def test_simulate_bad_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run(args, capsys)
    assert code != 0 and message in err and stdout == ""


def test_compare_unknown_lever_stops_before_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[classes.truck]\nfast_share = 0.5\n')
    code, _, err = run(["compare", "tecate", str(bad)], capsys)
    assert code == 2 and "fast_share" in err


def test_simulate_new_port_from_shipped_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(
        [
            "simulate",
            "new",
            "--scenario",
            "new-port-laredo",
            "--month",
            "2024-05",
            "-r",
            "1",
            "--class",
            "truck",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    assert json.loads(stdout)["port"]["name"] == "Laredo new crossing"
    code, _, err = run(["simulate", "new", "--month", "2024-05"], capsys)
    assert code == 2 and "new_port" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "--border", "canada"], "border"),
        (["simulate", "laredo", "--border", "mexico"], "port/border"),
        (["simulate", "--border", "mexico", "--month", "2024-01"], "border"),
        (["simulate"], "port"),
    ],
)
def test_border_bad_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    assert code == 2 and message in err


def test_sweep_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(
        'name = "s"\nports = ["naco"]\nmonths = ["2024-05"]\nreplications = 2\n'
        '[grid]\n"booths.truck.standard" = [0, 1]\n'
    )
    code, stdout, _ = run(["sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "1", "--json"], capsys)
    assert code == 0
    payload = json.loads(stdout)
    assert payload["cells"] == 4 and payload["ran"] == 4 and payload["failed"] == 0
    code, stdout, _ = run(["sweep", str(spec), "--out", str(tmp_path / "out"), "--json"], capsys)
    assert json.loads(stdout)["skipped"] == 4
    # a table a person reads: one row per grid point, the mean over replications with its interval
    import pandas as pd

    from smartborder.policy.studies.sweep import read_results

    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    results = read_results(tmp_path / "out")
    assert len(summary) == 2 and list(summary["replications"]) == [2, 2]
    for booths, row in summary.set_index("param.booths.truck.standard").iterrows():
        cells = results[results["param.booths.truck.standard"] == booths]
        assert row["truck.wait_mean_min"] == pytest.approx(cells["truck.wait_mean_min"].mean())
    workbook = pd.read_excel(tmp_path / "out" / "summary.xlsx", sheet_name="Summary")
    pd.testing.assert_frame_equal(workbook, summary, check_dtype=False)  # the same table, for a spreadsheet
    code, stdout, _ = run(["sweep", str(spec), "--out", str(tmp_path / "out")], capsys)
    assert code == 0 and "Sweep: mean wait" in stdout and "summary.csv" in stdout


def test_simulate_with_city_choice(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(
        [
            "simulate",
            "brownsville",
            "--month",
            "2024-06",
            "--class",
            "pov",
            "-r",
            "1",
            "--city-choice",
            "--city-share",
            "0.4",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    city = json.loads(stdout)["city_choice"]
    assert city["share"] == 0.4 and len(city["crossings"]) == 4
    before = sum(c["per_day_before"] for c in city["crossings"])
    assert sum(c["per_day_after"] for c in city["crossings"]) == pytest.approx(before)
    assert "ESTIMATE" in city["source"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city-share", "0.4"], "city-share: give it with --city-choice"),
        (["--city-choice", "--city-share", "2"], "city-share: a share of drivers in [0, 1]"),
    ],
)
def test_city_choice_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(["simulate", "brownsville", "--month", "2024-06", *args], capsys)
    assert code != 0 and message in " ".join(stderr.split())


def test_class_by_the_name_the_tables_print(capsys: pytest.CaptureFixture[str]) -> None:
    """``--class cars`` is ``--class pov`` (the tables say "cars")."""
    outputs = []
    for name in ("cars", "pov"):
        code, stdout, _ = run(
            ["simulate", "tecate", "--month", "2024-05", "-r", "1", "--class", name, "--json"], capsys
        )
        assert code == 0
        outputs.append(json.loads(stdout)["kpis"])
    assert outputs[0] == outputs[1] and "pov.wait_mean_min" in outputs[0]


def test_staffing_beyond_the_booths_is_refused_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """40 car lanes at Tecate's few booths is a typo, not a plan: refused, naming the crossing,
    lane type, day and hour; ``--allow-extra-booths`` takes it as booths being built."""
    path = tmp_path / "forty.csv"
    path.write_text("crossing,class,lane,day,hour,lanes\ntecate,pov,standard,weekday,10,40\n")
    args = ["simulate", "tecate", "--month", "2024-05", "-r", "1", "--class", "pov", "--staffing", str(path)]
    code, _, err = run(args, capsys)
    message = " ".join(err.split())
    assert code == 2 and "staffs 40 pov standard lanes at Tecate" in message and "weekdays at 10:00" in message
    assert "--allow-extra-booths" in message
    code, _, _ = run([*args, "--allow-extra-booths", "--json"], capsys)
    assert code == 0


def test_the_border_footer_is_the_sum_of_its_column() -> None:
    """The table's delay column is everyone's person-hours (trucks' drivers too: World Trade
    Bridge is not 0 beside its delay cost), and the footer states that column's sum."""
    from rich.console import Console

    from smartborder.cli.sim_commands import _border_table, border_footer
    from smartborder.policy.studies.border import run_border

    run = run_border(2024, workers=1, only=["tecate", "world trade bridge"])
    summary, ports = run.summary(), run.by_port()
    totals = summary[["vehicles", "delay_vehicle_hours", "delay_person_hours", "delay_cost_usd", "co2_tonnes"]].sum()
    footer = border_footer(totals)
    assert f"{ports['delay_person_hours'].sum() / 1e6:,.1f}M person-hours" in footer
    console = Console(width=200, record=True)
    console.print(_border_table(ports, summary, "test"))
    text = console.export_text()
    trucks_only = next(line for line in text.splitlines() if "Laredo" in line)  # World Trade Bridge alone
    assert trucks_only.split()[-2] not in ("0", "–")  # its truck drivers' hours


def test_simulate_reports_a_trucks_whole_crossing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A scenario that adds the chain (ports/chain.py): ``crossing_time`` rows whose segments add
    up to the total, CBP's wait beside them, and the terminal table; without it, no such key."""
    whole = tmp_path / "whole.toml"
    whole.write_text('name = "whole crossing"\n[classes.truck.chain]\nadd = true\n')
    args = ["simulate", "pharr", "--month", "2024-06", "-r", "2", "--class", "truck"]
    code, stdout, _ = run([*args, "--scenario", str(whole), "--json"], capsys)
    assert code == 0
    rows = json.loads(stdout)["crossing_time"]
    assert set(rows[0]) == {"place", "class", "lane", "segment", "mean_min", "p95_min", "mean_ci95"}
    every = {r["segment"]: r for r in rows if r["lane"] == "all lanes"}
    parts = ("mexico", "bridge", "cbp_primary", "secondary", "state")
    assert sum(every[s]["mean_min"] for s in parts) == pytest.approx(every["total"]["mean_min"], rel=1e-9)
    assert every["cbp_wait"]["mean_min"] <= every["cbp_primary"]["mean_min"]
    assert {r["lane"] for r in rows} == {"all lanes", "FAST", "standard"}
    code, stdout, _ = run([*args, "--scenario", str(whole), "--out", str(tmp_path / "report")], capsys)
    assert code == 0 and "crossing time" in stdout and "Mexico's customs" in stdout
    import pandas as pd

    written = pd.read_csv(tmp_path / "report" / "crossing_time.csv")  # the same rows as --json's
    assert len(written) == len(rows) and set(written["segment"]) == {r["segment"] for r in rows}
    with pd.ExcelFile(tmp_path / "report" / "summary.xlsx") as workbook:
        assert "Crossing time" in workbook.sheet_names
    assert "Trucks' crossing time, Mexico to the state's facility" in (tmp_path / "report" / "report.html").read_text()
    code, stdout, _ = run([*args, "--json"], capsys)
    assert code == 0 and "crossing_time" not in json.loads(stdout)


def test_compare_the_whole_crossing(capsys: pytest.CaptureFixture[str]) -> None:
    """A shipped lever of the whole crossing (joint-inspection) gives baseline and scenarios the
    chain, as ``--whole-crossing`` does, and says so: crossing time, time in Mexico, the whole
    crossing's delay, its cost and CO2 are compared with CIs; a port without trucks is refused."""
    args = ["compare", "otay mesa", "joint-inspection", "origin-preinspection", "--month", "2024-06"]
    code, stdout, err = run([*args, "-r", "2", "--class", "truck", "--json"], capsys)
    assert code == 0
    assert "joint-inspection acts on the trucks' whole crossing" in " ".join(err.split())
    payload = json.loads(stdout)
    text = json.dumps(payload)
    for key in ("truck.crossing.total.mean_min", "truck.crossing.total_cost_usd", "truck.crossing.co2_tonnes"):
        assert key in text
    code, stdout, _ = run([*args, "-r", "2", "--class", "truck", "--whole-crossing"], capsys)
    assert code == 0 and "crossing time, Mexico to the state's exit" in stdout and "CO2 idling" in stdout
    code, _, err = run(["simulate", "cross border xpress", "--month", "2024-06", "--whole-crossing"], capsys)
    assert code == 2 and "whole-crossing" in err
