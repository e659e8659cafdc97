"""Seed 004's rules at their last boundaries (issue 27, items 11-17), each a row answered through
all three doors — Python (``rules``), the CLI and HTTP — with the same answer, and the seed's
answer: a grant or refusal, or the same refusal of the input naming the same field.

The histories are stored over HTTP as an officer records them (``POST /persons/{id}/records``:
a renewal is two adjacent permit spells, a report an address with or without an employer), and
given to the CLI and to Python as the same history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartborder.rules import History, Report, Spell
from smartborder.rules.errors import RuleInputError
from smartborder.rules.parameters import make_reform, under_reform
from smartborder.rules.questions import ask
from tests.cli.test_data_commands import run

D = dt.date
Record = dict[str, Any]


def permits(*spells: tuple[str, str | None]) -> list[Record]:
    return [{"kind": "permit", "start": a, **({"end": b} if b else {})} for a, b in spells]


def reports(first: str, months: int, employer: str | None = None) -> list[Record]:
    """A report on the 2nd of each month from *first* (YYYY-MM), an address and maybe an employer."""
    year, month = (int(x) for x in first.split("-"))
    out = []
    for k in range(months):
        y, m = year + (month - 1 + k) // 12, (month - 1 + k) % 12 + 1
        out.append(
            {"kind": "report", "start": f"{y}-{m:02d}-02", "address": "Calle 5 de Mayo 10"}
            | ({"employer": employer} if employer else {})
        )
    return out


def history(records: list[Record]) -> History:
    """The history the records make, as Python and the CLI are given it."""
    day = dt.date.fromisoformat
    kept: dict[str, list[Any]] = {"permits": [], "employment": [], "reports": [], "illegal_crossings": []}
    for r in records:
        if r["kind"] in ("permit", "employment"):
            spell = Spell(start=day(r["start"]), end=day(r["end"]) if "end" in r else None)
            kept["permits" if r["kind"] == "permit" else "employment"].append(spell)
        elif r["kind"] == "report":
            kept["reports"].append(Report(on=day(r["start"]), address=r.get("address"), employer=r.get("employer")))
        else:
            kept["illegal_crossings"].append(day(r["start"]))
    return History.model_validate(
        {"person_id": "b1", "background_check": "passed", "resided_in_us_since": D(2010, 1, 1), **kept}
    )


#: (row, question, records, day asked, parameters, the seed's answer: granted, or the field refused)
ROWS: list[tuple[str, str, list[Record], str, dict[str, Any], bool | str]] = [
    # 11: five years counted in years, months and days
    ("11 two January-June holdings of 2 y 6 m make five", "residency",
     permits(("2020-01-01", "2022-06-30"), ("2023-01-01", "2025-06-30")), "2025-07-01", {}, True),
    ("11 4 y 11 m and a whole February make five", "residency",
     permits(("2020-03-01", "2025-01-31"), ("2026-02-01", "2026-02-28")), "2026-03-01", {}, True),
    ("11 4 y 11 m and 29 days do not", "residency",
     permits(("2020-03-01", "2025-01-31"), ("2026-03-01", "2026-03-29")), "2026-04-01", {}, False),
    # 12: a renewal recorded as two adjacent spells is one unbroken holding
    ("12 a renewal costs no day: fifth anniversary", "residency",
     permits(("2016-03-04", "2019-03-05"), ("2019-03-06", None)), "2021-03-04", {}, True),
    ("12 a renewal: the day before", "residency",
     permits(("2016-03-04", "2019-03-05"), ("2019-03-06", None)), "2021-03-03", {}, False),
    # 13: deportation protection asks a place of residence of an applicant
    ("13 address-only reports protect an applicant never issued a permit", "deportation-protection",
     reports("2024-01", 24), "2025-12-31", {"announced": D(2024, 1, 1)}, True),
    ("13 address-only reports protect a holder", "deportation-protection",
     reports("2024-01", 24), "2025-12-31", {"announced": D(2024, 1, 1), "issued": D(2025, 1, 1)}, True),
    ("13 an employer named too changes nothing", "deportation-protection",
     reports("2024-01", 24, "Taller Sur"), "2025-12-31", {"announced": D(2024, 1, 1)}, True),
    ("13 no report of a place of residence", "deportation-protection",
     reports("2024-01", 0), "2025-12-31", {"announced": D(2024, 1, 1)}, False),
    # 14: the same answer at a count above a million, and far years refused, not crashed on
    ("14 1.5 million certified crossings suspend the program", "resident-permit",
     permits(("2015-01-01", None)), "2026-06-01", {"announced": D(2021, 1, 1), "certified_crossings": 1_500_000}, False),
    ("14 a day in year 1", "residency", permits(("2015-01-01", None)), "0001-01-01", {}, "on"),
    ("14 a day in year 9999", "residency", permits(("2015-01-01", None)), "9999-12-31", {}, "on"),
    ("14 an announcement in year 9999", "resident-permit",
     permits(("2015-01-01", None)), "2026-06-01", {"announced": D(9999, 12, 31), "certified_crossings": 1}, "announced"),
    ("14 an issue in year 1", "citizenship", permits(("2015-01-01", None)), "2026-06-01", {"issued": D(1, 1, 1)}, "issued"),
    # 16: the rules check their own inputs
    ("16 a negative certified count", "resident-permit",
     permits(("2015-01-01", None)), "2026-06-01", {"announced": D(2021, 1, 1), "certified_crossings": -5},
     "certified_crossings"),
]  # fmt: skip


def _python(question: str, records: list[Record], on: str, params: dict[str, Any]) -> dict[str, Any] | str:
    try:
        return ask(question, history(records), dt.date.fromisoformat(on), **params).as_dict()
    except RuleInputError as exc:
        return str(exc).split(":", 1)[0]


def _cli(
    question: str, records: list[Record], on: str, params: dict[str, Any], tmp_path: Path, capsys: Any
) -> dict[str, Any] | str:
    path = tmp_path / "history.json"
    path.write_text(history(records).model_dump_json())
    flags = {"announced": "--announced", "issued": "--issued", "certified_crossings": "--certified"}
    args = ["permits", "check", str(path), "--on", on, "-q", question, "--json"]
    for key, value in params.items():
        args += [flags[key], value.isoformat() if isinstance(value, dt.date) else str(value)]
    code, stdout, err = run(args, capsys)
    if code == 0:
        answer: dict[str, Any] = json.loads(stdout)
        return answer
    assert code == 2 and "Traceback" not in err, err  # a message, not a crash
    return " ".join(err.split()).removeprefix("error: ").split(":", 1)[0]


def _http(client: TestClient, officer: dict[str, str], question: str, on: str, params: dict[str, Any]) -> Any:
    query = {
        "question": question,
        "on": on,
        **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()},
    }
    response = client.get("/persons/b1/eligibility", params=query, headers=officer)
    if response.status_code == 200:
        return response.json()
    assert response.status_code == 422, response.text  # a named refusal, never a 500
    return response.json()["detail"][0]["field"].removeprefix("query.")


@pytest.fixture
def officer(token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token("officer")


def _store(client: TestClient, officer: dict[str, str], records: list[Record]) -> None:
    person = {"person_id": "b1", "background_check": "passed", "resided_in_us_since": "2010-01-01"}
    assert client.post("/persons", json=person, headers=officer).status_code == 201
    for body in records:
        response = client.post("/persons/b1/records", json=body, headers=officer)
        assert response.status_code == 201, response.text


@pytest.mark.parametrize(("row", "question", "records", "on", "params", "seed"), ROWS, ids=[r[0] for r in ROWS])
def test_each_boundary_answers_the_same_through_every_door(
    row: str,
    question: str,
    records: list[Record],
    on: str,
    params: dict[str, Any],
    seed: bool | str,
    client: TestClient,
    officer: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _store(client, officer, records)
    in_python = _python(question, records, on, params)
    on_the_cli = _cli(question, records, on, params, tmp_path, capsys)
    over_http = _http(client, officer, question, on, params)
    assert in_python == on_the_cli == over_http
    if isinstance(seed, bool):
        assert isinstance(in_python, dict) and in_python["granted"] is seed, in_python
    else:
        assert in_python == seed  # refused, naming the field


# 17: a reform judges conduct from its date, and every door asks under the same reform.
REFORM = {"work_permit.report_interval_months": {"2025-07-01": 2}}  # three months, then two from 1 July 2025
QUARTERLY_2025 = [  # a permit held from 2025 and reports every three months, the last in time for the old rule
    *permits(("2025-01-01", None)),
    {"kind": "employment", "start": "2025-01-01"},
    *({"kind": "report", "start": day, "address": "Calle 5 de Mayo 10", "employer": "Taller Sur"}
      for day in ("2025-01-02", "2025-04-01", "2025-06-30", "2025-08-30", "2025-10-29", "2025-12-28")),
]  # fmt: skip
REFORM_ROWS = [
    # reports three months apart before 1 July 2025 and two after: renewed under the reform
    ("17 conduct before the reform is judged by the old interval", QUARTERLY_2025, "2026-01-01", True),
    # a three-month gap after the reform's date breaks its two months
    ("17 after the reform its interval holds", [*QUARTERLY_2025[:-1]], "2026-03-31", False),
]


@pytest.mark.parametrize(("row", "records", "on", "seed"), REFORM_ROWS, ids=[r[0] for r in REFORM_ROWS])
def test_a_reform_answers_the_same_through_every_door(
    row: str,
    records: list[Record],
    on: str,
    seed: bool,
    client: TestClient,
    officer: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _store(client, officer, records)
    with under_reform(make_reform("shorter", REFORM)):
        in_python = ask("renew", history(records), dt.date.fromisoformat(on)).as_dict()
    reform = tmp_path / "shorter.toml"
    reform.write_text(
        "".join(
            f'[{name}]\nvalues = {{ "{day}" = {value} }}\n'
            for name, dated in REFORM.items()
            for day, value in dated.items()
        )
    )
    path = tmp_path / "history.json"
    path.write_text(history(records).model_dump_json())
    code, stdout, err = run(
        ["permits", "check", str(path), "--on", on, "-q", "renew", "--reform", str(reform), "--json"], capsys
    )
    assert code in (0, 1), err
    on_the_cli = json.loads(stdout)
    response = client.post(
        "/persons/b1/eligibility",
        json={"question": "renew", "on": on, "reform": {"name": "shorter", "values": REFORM}},
        headers=officer,
    )
    assert response.status_code == 200, response.text
    assert in_python == on_the_cli == response.json()
    assert in_python["granted"] is seed and "under the reform 'shorter'" in str(in_python["version"])


# 15 and 16: MFN convergence and the waiver refuse the same inputs, naming the same field.
MFN_ROWS: list[tuple[str, dict[str, str], str]] = [
    ("15 a negative rate", {"US": "-3.4", "MX": "7.1"}, "rates_pct.US"),
    ("15 not a number", {"US": "NaN", "MX": "7.1"}, "rates_pct.US"),
    ("15 an overflowing rate", {"US": "1e400", "MX": "7.1"}, "rates_pct.US"),
    ("15 over 1000 %", {"US": "1001", "MX": "7.1"}, "rates_pct.US"),
]


@pytest.mark.parametrize(("row", "rates", "field"), MFN_ROWS, ids=[r[0] for r in MFN_ROWS])
def test_mfn_refuses_the_same_rates_through_every_door(
    row: str,
    rates: dict[str, str],
    field: str,
    client: TestClient,
    token: Callable[..., dict[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from smartborder.rules import mfn_convergence

    with pytest.raises(RuleInputError) as refused:
        mfn_convergence({k: Decimal(v) for k, v in rates.items()}, 2027, 4)
    assert str(refused.value).startswith(field.split(".")[0])
    args = ["trade", "mfn", *[a for k, v in rates.items() for a in ("--rate", f"{k}={v}")], "--start", "2027"]
    code, _, err = run(args, capsys)
    assert code == 2 and "Traceback" not in err and field.split(".")[-1] in err, err
    response = client.post(
        "/trade/mfn", json={"rates_pct": rates, "start_year": 2027, "horizon_years": 4}, headers=token("analyst")
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"].startswith(field), response.text


def test_the_path_ends_on_the_lowest_rate_and_the_waiver_reads_it_the_same(
    client: TestClient, token: Callable[..., dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """15: the path's last year is the lowest rate exactly (3.4, not 3.4000000000000004) on
    every door, and a waiver fed that rate as the importing MFN rate is decided the same on every
    door (the float had flipped it to refused)."""
    from smartborder.rules import InputImport, mfn_convergence, roo_waiver

    rates = {"US": "3.4", "MX": "10", "CA": "7.1"}

    def last_year(rows: list[dict[str, Any]]) -> dict[str, Decimal]:
        final = max(r["year"] for r in rows)
        return {r["partner"]: Decimal(str(r["mfn_pct"])) for r in rows if r["year"] == final}

    python_rows = mfn_convergence({k: Decimal(v) for k, v in rates.items()}, 2027, 3).to_dict(orient="records")
    code, stdout, err = run(
        [
            "trade",
            "mfn",
            *[a for k, v in rates.items() for a in ("--rate", f"{k}={v}")],
            "--start",
            "2027",
            "--years",
            "3",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    cli_rows = json.loads(stdout)["rows"]
    response = client.post(
        "/trade/mfn", json={"rates_pct": rates, "start_year": 2027, "horizon_years": 3}, headers=token("analyst")
    )
    http_rows = response.json()["rows"]
    for rows in (python_rows, cli_rows, http_rows):
        assert last_year(rows) == {k: Decimal("3.4") for k in rates}
    end = str(
        next(r["mfn_pct"] for r in http_rows[::-1] if r["partner"] == "MX")
    )  # the converged rate, as the API gives it
    inputs = [InputImport(tariff_line="8708.29", value=Decimal("100"), tariff_paid_pct=Decimal("3.4"))]
    in_python = roo_waiver("gulf-fab", 2030, inputs, {"8708.29": Decimal(end)}).as_dict()
    csv_file = tmp_path / "inputs.csv"
    csv_file.write_text(f"tariff_line,value,tariff_paid_pct,importing_mfn_pct\n8708.29,100,3.4,{end}\n")
    code, stdout, err = run(
        ["trade", "roo-waiver", str(csv_file), "--importer", "gulf-fab", "--year", "2030", "--json"], capsys
    )
    assert code in (0, 1), err
    body = {
        "importer": "gulf-fab",
        "year": 2030,
        "inputs": [{"tariff_line": "8708.29", "value": "100", "tariff_paid_pct": "3.4"}],
        "importing_mfn_pct": {"8708.29": end},
    }
    over_http = client.post("/trade/roo-waiver", json=body, headers=token("officer"))
    assert over_http.status_code == 201, over_http.text
    stored = over_http.json()  # the recorded invocation: the decision and its record's id
    assert in_python == json.loads(stdout) == {k: stored[k] for k in in_python}
    assert in_python["granted"] is True  # paid 3.4 against a converged 3.4: the margin is met, not flipped


def test_an_empty_importer_is_refused_on_every_door(
    client: TestClient, token: Callable[..., dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """16: a waiver 'for , 2027' was granted to nobody in particular."""
    from smartborder.rules import InputImport, roo_waiver

    inputs = [InputImport(tariff_line="8708.29", value=Decimal("100"), tariff_paid_pct=Decimal("1.2"))]
    with pytest.raises(RuleInputError, match=r"^importer"):
        roo_waiver("", 2027, inputs, {"8708.29": Decimal("2.2")})
    csv_file = tmp_path / "inputs.csv"
    csv_file.write_text("tariff_line,value,tariff_paid_pct,importing_mfn_pct\n8708.29,100,1.2,2.2\n")
    code, _, err = run(["trade", "roo-waiver", str(csv_file), "--importer", "", "--year", "2027"], capsys)
    assert code == 2 and "importer" in err, err
    body = {
        "importer": "",
        "year": 2027,
        "inputs": [{"tariff_line": "8708.29", "value": "100", "tariff_paid_pct": "1.2"}],
        "importing_mfn_pct": {"8708.29": "2.2"},
    }
    response = client.post("/trade/roo-waiver", json=body, headers=token("officer"))
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "importer", response.text


def test_a_mid_year_bar_is_judged_alike_on_every_door(
    client: TestClient, officer: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """14: a crossing on 2024-06-15 bars an application filed 2025-01-10 until 2027-06-15. The
    yearly allocation judges a year's cap on its first day (or the filing day), so Python's
    ``allocate`` and the CLI's projection both issue the permit in 2028 (``project`` had issued it
    a year before ``allocate``). An officer's decision is judged on its own day, as the question
    ``apply`` is: refused on 2027-06-01, granted on 2027-07-01, over HTTP as in Python."""
    from smartborder.rules import Application, allocate

    barred = History.model_validate(
        {"person_id": "a1", "background_check": "passed", "illegal_crossings": ["2024-06-15"]}
    )
    application = Application(application_id="a1", filed=D(2025, 1, 10), skill="skilled", history=barred)
    in_python = [year for year in range(2025, 2030) if allocate([application], year).issued]
    applicants = tmp_path / "applicants.csv"
    applicants.write_text(
        "applicant_id,filed,skill,background_check,last_illegal_crossing\na1,2025-01-10,skilled,passed,2024-06-15\n"
    )
    code, stdout, err = run(["permits", "project", str(applicants), "--years", "5", "--json"], capsys)
    assert code == 0, err
    on_the_cli = [row["year"] for row in json.loads(stdout)["rows"] if row["issued"]]
    assert in_python[0] == on_the_cli[0] == 2028
    for person_id, day, granted in (("a1", "2027-06-01", False), ("a2", "2027-07-01", True)):
        person = {"person_id": person_id, "background_check": "passed"}
        assert client.post("/persons", json=person, headers=officer).status_code == 201
        crossing = {"kind": "illegal_crossing", "start": "2024-06-15"}
        assert client.post(f"/persons/{person_id}/records", json=crossing, headers=officer).status_code == 201
        filed = {"person_id": person_id, "kind": "work_permit", "filed": "2025-01-10", "skill": "skilled"}
        made = client.post("/applications", json=filed, headers=officer)
        assert made.status_code == 201, made.text
        decided = client.post(f"/applications/{made.json()['id']}/decide", json={"on": day}, headers=officer)
        assert decided.status_code == 200, decided.text
        asked = ask("apply", barred, dt.date.fromisoformat(day))
        assert decided.json()["granted"] is asked.granted is granted, decided.text


@pytest.mark.parametrize(("paid", "accepted"), [("101", True), ("1000", True), ("1000.5", False)])
def test_a_tariff_over_100_percent_is_a_tariff_on_every_door(
    paid: str,
    accepted: bool,
    client: TestClient,
    token: Callable[..., dict[str, str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """9: rates above 100 % are real (rules/bounds.py MAX_TARIFF_PCT: bound farm tariffs of
    several hundred percent, 145 % in 2025), so 101 % is decided on, not refused; past 1000 %
    every door refuses it naming the field."""
    from smartborder.rules import InputImport, roo_waiver

    try:
        inputs = [InputImport(tariff_line="8708.29", value=Decimal("100"), tariff_paid_pct=Decimal(paid))]
        in_python: object = roo_waiver("gulf-fab", 2027, inputs, {"8708.29": Decimal("2.2")}).as_dict()
    except ValueError as exc:  # pydantic's ValidationError
        in_python = "tariff_paid_pct" if "tariff_paid_pct" in str(exc) else str(exc)
    csv_file = tmp_path / "inputs.csv"
    csv_file.write_text(f"tariff_line,value,tariff_paid_pct,importing_mfn_pct\n8708.29,100,{paid},2.2\n")
    code, stdout, err = run(
        ["trade", "roo-waiver", str(csv_file), "--importer", "gulf-fab", "--year", "2027", "--json"], capsys
    )
    on_the_cli: object = json.loads(stdout) if code in (0, 1) and stdout.strip() else err
    body = {
        "importer": "gulf-fab",
        "year": 2027,
        "inputs": [{"tariff_line": "8708.29", "value": "100", "tariff_paid_pct": paid}],
        "importing_mfn_pct": {"8708.29": "2.2"},
    }
    response = client.post("/trade/roo-waiver", json=body, headers=token("officer"))
    if accepted:
        assert response.status_code == 201, response.text
        assert in_python == on_the_cli == {k: response.json()[k] for k in in_python}  # type: ignore[attr-defined]
    else:
        assert in_python == "tariff_paid_pct" and code == 2 and "tariff_paid_pct" in str(on_the_cli)
        assert response.status_code == 422 and response.json()["detail"][0]["field"] == "inputs.0.tariff_paid_pct"
