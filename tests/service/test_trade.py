"""Seed 004's trade rules through the three doors (Python, CLI, HTTP): identical decisions; the
waiver invoked once per firm and year, recorded and audited; bad input named."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from smartborder.rules import InputImport, mfn_convergence, roo_waiver
from smartborder.service.db import session_factory
from smartborder.service.models import AuditEntry
from tests.cli.test_data_commands import run

# (tariff line, value, paid %, importer's MFN %): 8708.29 is exactly one point below (not "more
# than"), 7208.10 is 2.5 points below.
LINES = [("8708.29", "100", "1.2", "2.2"), ("7208.10", "50", "0", "2.5"), ("8544.42", "400", "3.1", "3.5")]


def python_answer(year: int, lines: list[tuple[str, str, str, str]]) -> dict[str, object]:
    inputs = [InputImport(tariff_line=t, value=Decimal(v), tariff_paid_pct=Decimal(p)) for t, v, p, _ in lines]
    return roo_waiver("gulf-fab", year, inputs, {t: Decimal(m) for t, _, _, m in lines}).as_dict()


@pytest.mark.parametrize("lines", [LINES, LINES[:1] + LINES[2:]], ids=["refused", "granted"])
def test_the_waiver_answers_the_same_through_every_door(
    lines: list[tuple[str, str, str, str]],
    client: TestClient,
    token,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    db_url: str,
) -> None:  # type: ignore[no-untyped-def]
    expected = python_answer(2027, lines)
    csv_file = tmp_path / "inputs.csv"
    csv_file.write_text(
        "tariff_line,value,tariff_paid_pct,importing_mfn_pct\n" + "".join(",".join(line) + "\n" for line in lines)
    )
    code, stdout, err = run(
        ["trade", "roo-waiver", str(csv_file), "--importer", "gulf-fab", "--year", "2027", "--json"], capsys
    )
    assert code == 0, err
    assert json.loads(stdout) == expected

    shipper = token("shipper", org="gulf-fab")
    body = {
        "importer": "gulf-fab",
        "year": 2027,
        "inputs": [{"tariff_line": t, "value": v, "tariff_paid_pct": p} for t, v, p, _ in lines],
        "importing_mfn_pct": {t: m for t, _, _, m in lines},
    }
    invoked = client.post("/trade/roo-waiver", json=body, headers=shipper)
    assert invoked.status_code == 201, invoked.text
    answer = invoked.json()
    assert {k: answer[k] for k in expected} == expected
    # once a year per firm, then read back; another shipper may neither invoke nor read it
    again = client.post("/trade/roo-waiver", json=body, headers=shipper)
    assert again.status_code == 409 and again.json()["detail"][0]["field"] == "year"
    assert client.get("/trade/roo-waiver/gulf-fab/2027", headers=shipper).json() == answer
    other = token("shipper", org="elsewhere")
    assert client.post("/trade/roo-waiver", json={**body, "year": 2028}, headers=other).status_code == 403
    assert client.get("/trade/roo-waiver/gulf-fab/2027", headers=other).status_code == 404
    with session_factory(db_url)() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action == "trade.roo_waiver")))
    assert actions == ["trade.roo_waiver"]


def test_mfn_convergence_through_every_door(client: TestClient, token, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    rates = {"US": 3.4, "MX": 7.1, "CA": 4.0}
    expected = {"rows": mfn_convergence(rates, 2027, 4).to_dict(orient="records")}
    code, stdout, err = run(
        [
            "trade",
            "mfn",
            *[arg for k, v in rates.items() for arg in ("--rate", f"{k}={v}")],
            "--start",
            "2027",
            "--years",
            "4",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    assert json.loads(stdout) == expected
    over_http = client.post(
        "/trade/mfn", json={"rates_pct": rates, "start_year": 2027, "horizon_years": 4}, headers=token("analyst")
    )
    assert over_http.status_code == 200 and over_http.json() == expected


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"importing_mfn_pct": {"8708.29": "-1"}}, "importing_mfn_pct.8708.29"),
        ({"inputs": [{"tariff_line": "8708.29", "value": "-5", "tariff_paid_pct": "1"}]}, "inputs.0.value"),
        ({"year": 1900}, "year"),
        ({"importing_mfn_pct": {"other": "2"}}, "importing_mfn_pct"),
    ],
)
def test_bad_waiver_input_is_named(change: dict[str, object], field: str, client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    body = {
        "importer": "gulf-fab",
        "year": 2027,
        "inputs": [{"tariff_line": "8708.29", "value": "100", "tariff_paid_pct": "1.2"}],
        "importing_mfn_pct": {"8708.29": "2.2"},
        **change,
    }
    response = client.post("/trade/roo-waiver", json=body, headers=token("officer"))
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"] == field


@pytest.mark.parametrize(
    ("rates", "field", "words"),
    [
        ({"US": "-3.4", "MX": "7.1"}, "rates_pct.US", "greater than or equal to 0"),
        ({"US": "NaN", "MX": "7.1"}, "rates_pct.US", ""),
        ({f"P{k}": "5" for k in range(301)}, "rates_pct", "at most 300"),
        ({"": "3", "MX": "7.1"}, "rates_pct", "at least 1 character"),
        ({"US": "1e400", "MX": "7.1"}, "rates_pct.US", ""),  # overflows a float: it answered null
        ({"US": "1001", "MX": "7.1"}, "rates_pct.US", "less than or equal to 1000"),
    ],
)
def test_bad_mfn_input_is_named_and_bounded(
    rates: dict[str, str], field: str, words: str, client: TestClient, token
) -> None:  # type: ignore[no-untyped-def]
    """Negative or NaN rates, and more partners than there are customs territories (10,000 took
    21-27 s of CPU), are refused with 422 naming the field."""
    response = client.post(
        "/trade/mfn", json={"rates_pct": rates, "start_year": 2027, "horizon_years": 4}, headers=token("analyst")
    )
    assert response.status_code == 422, response.text
    first = response.json()["detail"][0]
    assert first["field"].startswith(field) and words in first["problem"], first


def test_a_partner_given_twice_is_refused_not_overwritten(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    """JSON lets a body name a partner twice; Python's parser keeps the last rate silently (the
    CLI refused it, HTTP answered 200 with the second). Every JSON body is read for names given
    twice in one object, at any depth: 422 naming the path."""
    body = b'{"rates_pct": {"US": "3.4", "MX": "10", "US": "2"}, "start_year": 2027, "horizon_years": 4}'
    response = client.post("/trade/mfn", content=body, headers={**token("analyst"), "content-type": "application/json"})
    assert response.status_code == 422, response.text
    first = response.json()["detail"][0]
    assert first["field"] == "rates_pct.US" and "given twice" in first["problem"]
    top = b'{"start_year": 2027, "rates_pct": {"US": "3.4", "MX": "10"}, "horizon_years": 4, "start_year": 2030}'
    response = client.post("/trade/mfn", content=top, headers={**token("analyst"), "content-type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "start_year"
    same_names_apart = b'{"rates_pct": {"US": "3.4", "MX": "10"}, "start_year": 2027, "horizon_years": 4}'
    response = client.post(
        "/trade/mfn", content=same_names_apart, headers={**token("analyst"), "content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
