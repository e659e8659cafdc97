"""``smartborder observations summary`` and ``convert``: JSON only with --json, errors as one line
on stderr with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smartborder import observations
from smartborder.cli import app
from tests.cli.test_data_commands import run
from tests.observations.helpers import FIXTURES, JSON, RSS_0820, RSS_0822, XML


def test_summary_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["observations", "summary", str(XML), str(RSS_0822), "--json"], capsys)
    assert code == 0, err
    report = json.loads(out)
    assert report["kind"] == "snapshot" and report["sources"] == 2
    bm = next(c for c in report["crossings"] if c["crossing"] == "Brownsville - B&M")
    assert bm["first"] == "2026-08-22 13:00" and bm["last"] == "2026-09-17 19:00"
    assert report["dropped"]["canadian_border"] == 7


def test_summary_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["observations", "summary", str(RSS_0820), str(RSS_0822)], capsys)
    assert code == 0
    assert "Brownsville - Veterans International" in out and "passenger/SENTRI" in out
    assert "update_pending" in out and "Left out" in out


def test_summary_of_shipped_sets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["observations", "summary", "--shipped", "brownsville", "--json"], capsys)
    assert code == 0 and json.loads(out)["observations"] == 2423
    code, out, _ = run(["observations", "summary", "--shipped", "san-ysidro", "--day0", "Monday"], capsys)
    assert code == 0 and "average cells" in out and "all_zero_series" in out


def test_convert_writes_refuses_to_overwrite_then_forces(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "obs.csv"
    code, out, err = run(["observations", "convert", str(XML), str(JSON), "--out", str(target)], capsys)
    assert code == 0 and out == "" and "wrote 26 observations from 2 file(s)" in err.replace("\n", " ")
    expected = observations.load([XML, JSON]).frame.drop(columns="source")
    assert observations.load(target).frame.drop(columns="source").equals(expected)
    code, out, err = run(["observations", "convert", str(XML), "--out", str(target)], capsys)
    assert code == 2 and out == "" and "obs.csv: file exists" in err and "--force" in err
    code, out, _ = run(["observations", "convert", str(XML), "--out", str(target), "--force", "--json"], capsys)
    assert code == 0 and json.loads(out)["rows"] == len(observations.load(XML).frame)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["observations", "summary", str(FIXTURES / "README.md")], "README.md: not a CBP Border Wait Times file"),
        (["observations", "summary", "missing.xml"], "missing.xml: no such file"),
        (["observations", "summary"], "files: no files given"),
        (["observations", "summary", "--shipped", "tijuana"], "no shipped observations called 'tijuana'"),
        (["observations", "summary", "--shipped", "san-ysidro", "--day0", "someday"], "day0: expected one of"),
        (["observations", "convert", str(XML)], "out: give the CSV to write"),
    ],
)
def test_bad_input_exits_2_with_one_line_on_stderr(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert message in err.replace("\n", "") and err.startswith("error: ")


def test_bad_xml_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "feed.xml"
    bad.write_text("<foo/>")
    code, out, err = run(["observations", "convert", str(bad), "--out", str(tmp_path / "o.csv")], capsys)
    assert code == 2 and out == "" and "root element <foo>" in err
    assert not (tmp_path / "o.csv").exists()


def test_through_typer_cli_runner() -> None:
    result = CliRunner().invoke(app, ["observations", "summary", str(RSS_0822), "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["crossings"]) == 4
    assert "convert" in CliRunner().invoke(app, ["observations", "--help"]).stdout
