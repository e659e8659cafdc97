"""Every permit question through all three doors — Python (`rules.questions.ask`), the CLI
(`permits check -q NAME --json`) and HTTP (`GET /persons/{id}/eligibility?question=NAME`) — on the
same stored history: identical decisions, reasons, rules and notes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartborder.rules import History, Report, Spell
from smartborder.rules.questions import QUESTIONS, ask
from tests.cli.test_data_commands import run

D = dt.date
CONTENT = {"address": "Calle 5 de Mayo 10, Nuevo Laredo", "employer": "Maquiladora Norte"}
REPORTS = [Report(on=D(2020 + m // 12, m % 12 + 1, 3), **CONTENT) for m in range(78)]  # monthly, 2020-01 to 2026-06
HISTORY = History(
    person_id="h1",
    background_check="passed",
    resided_in_us_since=D(2015, 1, 1),
    permits=[Spell(start=D(2020, 1, 1))],
    employment=[Spell(start=D(2020, 1, 1))],
    reports=REPORTS,
    illegal_crossings=[D(2016, 5, 1)],
)

CASES: list[tuple[str, dict[str, Any]]] = [
    ("apply", {}),
    ("renew", {}),
    ("residency", {}),
    ("resident-permit", {"announced": D(2021, 1, 1), "certified_crossings": 100_000}),
    ("resident-permit", {"announced": D(2021, 1, 1), "certified_crossings": 900_000}),
    ("resident-permit", {"announced": D(2021, 1, 1), "certified_crossings": 1_500_000}),  # HTTP said 422
    ("deportation-protection", {"announced": D(2021, 1, 1), "issued": D(2022, 1, 1)}),
    ("citizenship", {"issued": D(2020, 1, 1)}),
    ("citizenship", {"issued": D(2023, 1, 1)}),
    ("benefits", {}),
    ("benefits", {"issued": D(2022, 1, 1)}),
]
DAYS = [D(2026, 6, 1), D(2024, 3, 15)]


def test_the_cases_cover_every_question() -> None:
    assert {name for name, _ in CASES} == set(QUESTIONS)


@pytest.fixture
def stored(client: TestClient, token) -> dict[str, str]:  # type: ignore[no-untyped-def]
    officer = token("officer")
    assert (
        client.post(
            "/persons",
            json={"person_id": "h1", "background_check": "passed", "resided_in_us_since": "2015-01-01"},
            headers=officer,
        ).status_code
        == 201
    )
    records = [
        {"kind": "permit", "start": "2020-01-01"},
        {"kind": "employment", "start": "2020-01-01"},
        {"kind": "illegal_crossing", "start": "2016-05-01"},
        *({"kind": "report", "start": r.on.isoformat(), **CONTENT} for r in REPORTS),
    ]
    for body in records:
        assert client.post("/persons/h1/records", json=body, headers=officer).status_code == 201
    return officer


@pytest.mark.parametrize("on", DAYS, ids=str)
@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_one_answer_through_every_door(
    name: str,
    params: dict[str, Any],
    on: dt.date,
    client: TestClient,
    stored: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    in_python = ask(name, HISTORY, on, **params).as_dict()

    query = {
        "question": name,
        "on": on.isoformat(),
        **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()},
    }
    over_http = client.get("/persons/h1/eligibility", params=query, headers=stored)
    assert over_http.status_code == 200, over_http.text

    path = tmp_path / "history.json"
    path.write_text(HISTORY.model_dump_json())
    flags = {"announced": "--announced", "issued": "--issued", "certified_crossings": "--certified"}
    args = ["permits", "check", str(path), "--on", on.isoformat(), "-q", name, "--json"]
    for key, value in params.items():
        args += [flags[key], value.isoformat() if isinstance(value, dt.date) else str(value)]
    code, stdout, err = run(args, capsys)
    assert code == 0, err
    on_the_cli = json.loads(stdout)

    assert over_http.json() == in_python == on_the_cli


def test_the_cli_and_the_api_list_the_same_question_names() -> None:
    import re
    from typing import get_args

    from smartborder.cli.permit_commands import QUESTION_HELP
    from smartborder.service.permits_schemas import QuestionName

    assert (
        re.findall(r"[a-z-]+", QUESTION_HELP.replace(" or ", ", ")) == list(QUESTIONS) == list(get_args(QuestionName))
    )
