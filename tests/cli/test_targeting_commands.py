"""``smartborder targeting curve`` and ``targeting profiles``."""

import json
from pathlib import Path

import pytest

from tests.cli.test_data_commands import run


def test_curve_table_json_and_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "curve"
    code, stdout, _ = run(
        [
            "targeting",
            "curve",
            "nogales",
            "--month",
            "2024-05",
            "--rates",
            "0.02,0.1",
            "-r",
            "1",
            "--out",
            str(out),
            "--json",
        ],
        capsys,
    )
    assert code == 0
    payload = json.loads(stdout)
    rows = payload["rows"]
    assert [r["inspection_rate"] for r in rows] == [0.02, 0.1]
    for row in rows:
        assert row["realised_rate"] == pytest.approx(row["inspection_rate"], rel=0.1)
        assert row["targeted_interdiction"] > row["random_interdiction"]
    assert rows[1]["targeted_interdiction"] >= rows[0]["targeted_interdiction"]
    assert (out / "curve.png").stat().st_size > 1000 and (out / "curve.csv").exists()


def test_curve_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(["targeting", "curve", "tecate", "--month", "2024-05", "--rates", "0.05", "-r", "1"], capsys)
    assert code == 0
    assert "interdiction vs inspection rate" in stdout and "estimates" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--rates", "0.05,abc"], "rates"), (["--rates", "1.5"], "rates"), (["--class", "ferry"], "class")],
)
def test_curve_bad_arguments(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["targeting", "curve", "tecate", "--month", "2024-05", *args], capsys)
    assert code != 0 and message in err


def test_profiles_listing_and_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(["targeting", "profiles", "--json"], capsys)
    assert code == 0 and json.loads(stdout)["profile"][0]["id"] == "seal_broken"
    code, stdout, _ = run(["targeting", "profiles"], capsys)
    assert code == 0 and "seal_broken" in stdout
    bad = tmp_path / "bad.toml"
    bad.write_text('version = "x"\neffective = 2026-01-01\nbackground_hit_rate = 2\n')
    code, _, err = run(["targeting", "profiles", "--file", str(bad)], capsys)
    assert code != 0 and "background_hit_rate" in err
