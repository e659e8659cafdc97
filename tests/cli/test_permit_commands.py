import json
from pathlib import Path

import pytest

from tests.cli.test_data_commands import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_check_explains_the_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(
        ["permits", "check", str(EXAMPLES / "person_history.json"), "--on", "2027-01-01", "--json"], capsys
    )
    assert code == 0
    decision = json.loads(stdout)
    assert decision["granted"] is False
    assert decision["reasons"] == ["employed 7 of the 12 months ending 2026-12 (at least 8 required)"]


def test_project_table_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "p.png"
    code, stdout, _ = run(
        [
            "permits",
            "project",
            str(EXAMPLES / "permit_applicants.csv"),
            "--years",
            "8",
            "--cap",
            "100",
            "--json",
            "--plot",
            str(png),
        ],
        capsys,
    )
    assert code == 0
    rows = json.loads(stdout)["rows"]
    assert len(rows) == 8
    assert max(r["issued"] for r in rows) == 100  # the cap binds
    assert sum(r["issued"] for r in rows) <= 400
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.seed("work_permit.cap_nationality")
def test_project_counts_persons_from_mexico_against_the_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI door: with a cap of 2, the third Mexican applicant waits while the US applicant
    filed between them is issued outside the cap; a bad code is refused by its row."""
    rows = ["applicant_id,filed,skill,background_check,nationality"]
    rows += [f"m{i},2027-01-0{i + 2},skilled,passed,MX" for i in range(3)] + ["u,2027-01-03,skilled,passed,US"]
    applicants = tmp_path / "a.csv"
    applicants.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, stdout, _ = run(["permits", "project", str(applicants), "--years", "1", "--cap", "2", "--json"], capsys)
    assert code == 0
    (year,) = json.loads(stdout)["rows"]
    assert (year["issued"], year["issued_outside_cap"], year["waiting"]) == (2, 1, 1)
    code, stdout, _ = run(["permits", "project", str(applicants), "--years", "1", "--cap", "2"], capsys)
    assert code == 0 and "Outside cap" in stdout
    applicants.write_text(rows[0] + "\nx,2027-01-02,skilled,passed,Mexico\n", encoding="utf-8")
    code, _, stderr = run(["permits", "project", str(applicants)], capsys)
    assert code == 2 and "row 2: nationality 'Mexico'" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["permits", "check", "/nope.json", "--on", "2027-01-01"], "history"),
        (["permits", "check", "EX", "--on", "2027-13-01"], "on"),
        (["permits", "check", "EX", "--on", "2027-01-01", "-q", "vote"], "question"),
        (
            [
                "permits",
                "check",
                "EX",
                "--on",
                "2027-01-01",
                "-q",
                "resident-permit",
                "--announced",
                "2020-01-01",
                "--certified",
                "-5",
            ],
            "certified",
        ),
        (["permits", "project", "/nope.csv"], "applicants"),
    ],
)
def test_bad_input(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = [str(EXAMPLES / "person_history.json") if a == "EX" else a for a in args]
    code, stdout, err = run(args, capsys)
    assert code == 2 and message in err and stdout == ""


def test_a_past_day_is_judged_on_the_history_as_it_stood(capsys: pytest.CaptureFixture[str]) -> None:
    """A report dated after the day asked used to make the whole question fail; now it is left
    out and the answer says so."""
    code, stdout, _ = run(
        ["permits", "check", str(EXAMPLES / "person_history.json"), "--on", "2026-06-01", "--json"], capsys
    )
    assert code == 0
    decision = json.loads(stdout)
    assert decision["on"] == "2026-06-01"
    assert decision["notes"][0] == "judged on the history as it stood on 2026-06-01"
    assert any("reports dated after 2026-06-01 left out" in note for note in decision["notes"])


def test_project_rejects_bad_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "applicant_id,filed,skill,background_check\nA1,2027-01-01,skilled,passed\nA2,01/02/2027,skilled,passed\n"
    )
    code, _, err = run(["permits", "project", str(bad)], capsys)
    assert code == 2 and "row 3" in err and "filed" in err


def test_check_under_a_reform_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`permits check --reform FILE` asks under the file's dated values, names it, and refuses a
    file that changes an unknown parameter, naming it."""
    import json as _json

    from smartborder.cli import main

    reform = tmp_path / "shorter.toml"
    reform.write_text('[work_permit.report_interval_months]\nvalues = { "2026-07-01" = 2 }\n')
    history = str(Path(__file__).resolve().parents[2] / "examples" / "person_history.json")
    with pytest.raises(SystemExit):
        main(["permits", "check", history, "--on", "2027-01-01", "--reform", str(reform), "--json"])
    decision = _json.loads(capsys.readouterr().out)
    assert "under the reform 'shorter'" in decision["version"]
    assert any("at least every 2 months" in reason for reason in decision["reasons"])
    reform.write_text('[work_permit.no_such]\nvalues = { "2026-07-01" = 2 }\n')
    with pytest.raises(SystemExit) as info:
        main(["permits", "check", history, "--on", "2027-01-01", "--reform", str(reform)])
    assert info.value.code == 2 and "work_permit.no_such: not a parameter" in capsys.readouterr().err
