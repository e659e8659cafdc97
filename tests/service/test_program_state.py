"""The resident-permit program's own state over HTTP and on every door (issue 29 item 2): the
yearly certification and the announcement are records with their dates; a question reads them as
of the day asked (a certification made after the day is not used), names the one it used, and a
figure given with the question is a what-if that says so — alike in Python, on the CLI and over
HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from smartborder.rules import Announcement, Certification, History, ProgramState, Spell
from smartborder.rules.questions import ask
from smartborder.service.db import session_factory
from smartborder.service.models import AuditEntry
from tests.cli.test_data_commands import run

D = dt.date
PRESIDENTS = "the presidents of Mexico and the United States"
CERTIFICATIONS = [
    {"year": 2024, "crossings": 150_000, "certified_by": PRESIDENTS, "on": "2025-01-20"},
    {"year": 2025, "crossings": 250_000, "certified_by": PRESIDENTS, "on": "2026-01-20"},
]
ANNOUNCEMENT = {"on": "2021-01-01", "by": PRESIDENTS}
HISTORY = History(
    person_id="r1",
    background_check="passed",
    resided_in_us_since=D(2010, 1, 1),
    permits=[Spell(start=D(2015, 1, 1))],
    employment=[Spell(start=D(2015, 1, 1))],
)
STATE = ProgramState(
    certifications=[Certification.model_validate(c) for c in CERTIFICATIONS],
    announcements=[Announcement.model_validate(ANNOUNCEMENT)],
)


@pytest.fixture
def officer(token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return token("officer")


@pytest.fixture
def recorded(client: TestClient, officer: dict[str, str]) -> None:
    person = {"person_id": "r1", "background_check": "passed", "resided_in_us_since": "2010-01-01"}
    assert client.post("/persons", json=person, headers=officer).status_code == 201
    for kind in ("permit", "employment"):
        assert (
            client.post("/persons/r1/records", json={"kind": kind, "start": "2015-01-01"}, headers=officer).status_code
            == 201
        )
    for body in CERTIFICATIONS:
        made = client.post("/program/certifications", json=body, headers=officer)
        assert made.status_code == 201, made.text
    assert client.post("/program/announcements", json=ANNOUNCEMENT, headers=officer).status_code == 201


CASES = [
    ("before 2025's certification: 2024's, within the limit", "2026-01-10", None, True, "certified for 2024"),
    ("from 2025's certification: above the limit", "2026-02-01", None, False, "certified for 2025"),
    ("a what-if figure, said to be one", "2026-02-01", 100_000, True, "what-if: 100,000"),
    ("before any certification: suspended", "2024-06-01", None, False, "no certification on record"),
]


@pytest.mark.usefixtures("recorded")
@pytest.mark.parametrize(("row", "on", "figure", "granted", "noted"), CASES, ids=[c[0] for c in CASES])
def test_the_program_state_answers_alike_on_every_door(
    row: str,
    on: str,
    figure: int | None,
    granted: bool,
    noted: str,
    client: TestClient,
    officer: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    day = dt.date.fromisoformat(on)
    in_python = ask("resident-permit", HISTORY, day, certified_crossings=figure, program=STATE).as_dict()
    query: dict[str, str | int] = {"question": "resident-permit", "on": on}
    if figure:
        query["certified_crossings"] = figure
    over_http = client.get("/persons/r1/eligibility", params=query, headers=officer)
    assert over_http.status_code == 200, over_http.text
    history, program = tmp_path / "history.json", tmp_path / "program.json"
    history.write_text(HISTORY.model_dump_json())
    program.write_text(STATE.model_dump_json())
    args = ["permits", "check", str(history), "--on", on, "-q", "resident-permit", "--program", str(program), "--json"]
    code, stdout, err = run([*args, *(["--certified", str(figure)] if figure else [])], capsys)
    assert code in (0, 1), err
    assert in_python == over_http.json() == json.loads(stdout)
    assert in_python["granted"] is granted
    assert any(noted in note for note in in_python["notes"]), in_python["notes"]  # type: ignore[attr-defined]


@pytest.mark.usefixtures("recorded")
def test_the_program_as_known_on_a_day(client: TestClient, officer: dict[str, str], db_url: str) -> None:
    known = client.get("/program", params={"on": "2026-01-10"}, headers=officer).json()
    assert known["announcement"] == ANNOUNCEMENT
    assert known["certification_used"]["year"] == 2024 and [c["year"] for c in known["certifications"]] == [2024]
    later = client.get("/program", params={"on": "2026-06-01"}, headers=officer).json()
    assert later["certification_used"]["year"] == 2025 and len(later["certifications"]) == 2
    with session_factory(db_url)() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("program.%"))))
    assert actions == ["program.certify", "program.certify", "program.announce"]


@pytest.mark.usefixtures("recorded")
def test_a_decision_on_an_application_reads_the_records_too(client: TestClient, officer: dict[str, str]) -> None:
    made = client.post(
        "/applications",
        json={"person_id": "r1", "kind": "resident_permit", "filed": "2025-12-01"},
        headers=officer,
    )
    assert made.status_code == 201, made.text
    decided = client.post(f"/applications/{made.json()['id']}/decide", json={"on": "2026-01-10"}, headers=officer)
    assert decided.status_code == 200, decided.text
    assert decided.json()["granted"] and any("certified for 2024" in n for n in decided.json()["notes"])


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**CERTIFICATIONS[0]}, 409, "year"),  # once a year
        ({**CERTIFICATIONS[0], "year": 2023, "on": "2022-12-31"}, 422, "on"),  # before the year it counts
        ({**CERTIFICATIONS[0], "year": 2023, "on": "2999-01-01"}, 422, "on"),
        ({**CERTIFICATIONS[0], "year": 2023, "crossings": -1}, 422, "crossings"),
        ({**CERTIFICATIONS[0], "year": True}, 422, "year"),
        ({**CERTIFICATIONS[0], "year": 2023, "certified_by": ""}, 422, "certified_by"),
    ],
)
@pytest.mark.usefixtures("recorded")
def test_a_bad_certification_is_refused_naming_the_field(
    body: dict[str, object], status: int, field: str, client: TestClient, officer: dict[str, str], token
) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/program/certifications", json=body, headers=officer)
    assert response.status_code == status and response.json()["detail"][0]["field"] == field, response.text
    applicant = token("applicant", subject="r1")
    assert client.post("/program/certifications", json={**body, "year": 2020}, headers=applicant).status_code == 403


def test_the_waivers_trade_area_answers_alike_on_every_door(
    client: TestClient,
    token: Callable[..., dict[str, str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The rules-of-origin waiver's precondition, recorded (``POST /program/trade-areas``, CLI
    ``--program`` with the shipped example's NAFTA, Python ``program=``): the same decision."""
    from decimal import Decimal

    from smartborder.rules import InputImport, roo_waiver

    example = Path(__file__).resolve().parents[2] / "examples" / "program_state.json"
    state = ProgramState.model_validate_json(example.read_text())
    (area,) = state.trade_areas
    made = client.post("/program/trade-areas", json=area.model_dump(mode="json"), headers=token("officer"))
    assert made.status_code == 201, made.text
    for exporting, granted in (("MX", True), ("CN", False)):
        inputs = [InputImport(tariff_line="8708.29", value=Decimal("100"), tariff_paid_pct=Decimal("2.0"))]
        in_python = roo_waiver(
            f"firm-{exporting}",
            2027,
            inputs,
            {"8708.29": Decimal("2.2")},
            exporting_country=exporting,
            importing_country="US",
            program=state,
        ).as_dict()
        csv_file = tmp_path / "inputs.csv"
        csv_file.write_text("tariff_line,value,tariff_paid_pct,importing_mfn_pct\n8708.29,100,2.0,2.2\n")
        args = ["trade", "roo-waiver", str(csv_file), "--importer", f"firm-{exporting}", "--year", "2027"]
        more = ["--program", str(example), "--exporting-country", exporting, "--importing-country", "US", "--json"]
        code, stdout, err = run([*args, *more], capsys)
        assert code in (0, 1), err
        body = {
            "importer": f"firm-{exporting}",
            "year": 2027,
            "inputs": [{"tariff_line": "8708.29", "value": "100", "tariff_paid_pct": "2.0"}],
            "importing_mfn_pct": {"8708.29": "2.2"},
            "exporting_country": exporting,
            "importing_country": "US",
        }
        over_http = client.post("/trade/roo-waiver", json=body, headers=token("officer"))
        assert over_http.status_code == 201, over_http.text
        assert in_python == json.loads(stdout) == {k: over_http.json()[k] for k in in_python}
        assert in_python["granted"] is granted and in_python["rules"][0] == "tariff_free_trade"  # type: ignore[index]
    bad = client.post(
        "/program/trade-areas",
        json={"name": "x", "members": ["MX", "MX"], "tariff_free_since": "2008-01-01"},
        headers=token("officer"),
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "members"
