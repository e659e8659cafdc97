"""The permit registry over HTTP: roles, explained decisions, bad input with nothing written,
the audit chain — on SQLite and on PostgreSQL in CI."""

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from smartborder.service.audit import verify
from smartborder.service.db import session_factory
from smartborder.service.models import AuditEntry, PersonRecord


def month_starts(first: dt.date, n: int) -> list[dt.date]:
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        out.append(dt.date(y, m, 1))
        y, m = y + (m == 12), m % 12 + 1
    return out


CONTENT = {"address": "Calle 5 de Mayo 10, Nuevo Laredo", "employer": "Maquiladora Norte"}


@pytest.fixture
def officer(token):  # type: ignore[no-untyped-def]
    return token("officer")


def make_holder(client: TestClient, officer: dict[str, str], months_employed: int) -> None:
    assert (
        client.post("/persons", json={"person_id": "p1", "background_check": "passed"}, headers=officer).status_code
        == 201
    )
    client.post("/persons/p1/records", json={"kind": "permit", "start": "2024-01-01"}, headers=officer)
    end = month_starts(dt.date(2024, 1, 1), months_employed + 1)[-1] - dt.timedelta(days=1)
    client.post(
        "/persons/p1/records",
        json={"kind": "employment", "start": "2024-01-01", "end": end.isoformat()},
        headers=officer,
    )
    for day in month_starts(dt.date(2024, 1, 1), 13):
        assert (
            client.post(
                "/persons/p1/records", json={"kind": "report", "start": day.isoformat(), **CONTENT}, headers=officer
            ).status_code
            == 201
        )


def test_renewal_decision_explains_itself(client: TestClient, officer: dict[str, str]) -> None:
    make_holder(client, officer, months_employed=7)
    r = client.get("/persons/p1/eligibility", params={"question": "renew", "on": "2025-01-01"}, headers=officer)
    assert r.status_code == 200
    assert r.json()["granted"] is False
    assert r.json()["reasons"] == ["employed 7 of the 12 months ending 2024-12 (at least 8 required)"]
    app = client.post(
        "/applications", json={"person_id": "p1", "kind": "renewal", "filed": "2024-12-15"}, headers=officer
    ).json()
    decided = client.post(f"/applications/{app['id']}/decide", json={"on": "2025-01-01"}, headers=officer).json()
    assert decided["status"] == "refused" and decided["rules"] == ["employment_kept_up"]
    again = client.post(f"/applications/{app['id']}/decide", json={"on": "2025-01-01"}, headers=officer)
    assert again.status_code == 409


def test_eight_months_is_enough(client: TestClient, officer: dict[str, str]) -> None:
    make_holder(client, officer, months_employed=8)
    r = client.get("/persons/p1/eligibility", params={"question": "renew", "on": "2025-01-01"}, headers=officer)
    assert r.json()["granted"] is True


def test_roles_are_enforced(client: TestClient, token, officer: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    client.post("/persons", json={"person_id": "p1", "background_check": "passed"}, headers=officer)
    client.post("/persons", json={"person_id": "p2"}, headers=officer)
    applicant = token("applicant", subject="p1")
    assert client.post("/persons", json={"person_id": "x"}).status_code == 401
    assert client.post("/persons", json={"person_id": "x"}, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/persons", json={"person_id": "x"}, headers=applicant).status_code == 403
    assert client.get("/persons/p2", headers=applicant).status_code == 403  # not their record
    assert client.get("/persons/p1", headers=applicant).status_code == 200
    assert (
        client.post(
            "/persons/p1/records", json={"kind": "report", "start": "2024-02-01", **CONTENT}, headers=applicant
        ).status_code
        == 201
    )  # holders report themselves
    r = client.post("/persons/p1/records", json={"kind": "felony_conviction", "start": "2024-02-01"}, headers=applicant)
    assert r.status_code == 403 and r.json()["detail"][0]["field"] == "kind"
    backdated = client.post(
        "/applications",
        json={"person_id": "p1", "kind": "work_permit", "skill": "skilled", "filed": "2024-03-01"},
        headers=applicant,
    )
    assert backdated.status_code == 422 and backdated.json()["detail"][0]["field"] == "filed"  # no queue-jumping
    app = client.post(
        "/applications",
        json={"person_id": "p1", "kind": "work_permit", "skill": "skilled", "filed": dt.date.today().isoformat()},
        headers=applicant,
    ).json()
    assert client.post(f"/applications/{app['id']}/decide", json={}, headers=applicant).status_code == 403
    analyst = token("analyst")
    assert client.get("/applications", headers=analyst).status_code == 403
    assert [a["person_id"] for a in client.get("/applications", headers=applicant).json()["items"]] == ["p1"]


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/persons", {"person_id": "bad id!"}, 422, "person_id"),
        ("/persons", {"person_id": "p9", "basis": "lottery"}, 422, "basis"),
        ("/persons/p1/records", {"kind": "report", "start": "2999-01-01"}, 422, "start"),
        ("/persons/p1/records", {"kind": "employment", "start": "2024-05-01", "end": "2024-04-01"}, 422, "end"),
        ("/persons/p1/records", {"kind": "employment", "start": "2024-03-01", "end": "2024-09-30"}, 422, "employment"),
        ("/persons/p1/records", {"kind": "report", "start": "2024-13-01"}, 422, "start"),
        ("/persons/nobody/records", {"kind": "report", "start": "2024-01-01", **CONTENT}, 404, "person_id"),
        ("/applications", {"person_id": "p1", "kind": "work_permit", "filed": "2024-01-01"}, 422, "skill"),
    ],
)
def test_bad_input_gets_a_4xx_naming_the_field_and_writes_nothing(
    client: TestClient, officer: dict[str, str], db_url: str, path: str, body: dict, status: int, field: str
) -> None:
    client.post("/persons", json={"person_id": "p1", "background_check": "passed"}, headers=officer)
    client.post(
        "/persons/p1/records", json={"kind": "employment", "start": "2024-01-01", "end": "2024-06-30"}, headers=officer
    )
    with session_factory(db_url)() as session:
        before = (session.query(PersonRecord).count(), session.query(AuditEntry).count())
    r = client.post(path, json=body, headers=officer)
    assert r.status_code == status, r.text
    assert any(field in d["field"] or field in d["problem"] for d in r.json()["detail"])
    with session_factory(db_url)() as session:
        assert (session.query(PersonRecord).count(), session.query(AuditEntry).count()) == before


def test_annual_cap_makes_applications_wait(client: TestClient, officer: dict[str, str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from smartborder.rules import parameters

    real = parameters.param
    monkeypatch.setattr(parameters, "param", lambda name, on: 1 if name == "work_permit.annual_cap" else real(name, on))
    ids = []
    for pid in ("a", "b"):
        client.post("/persons", json={"person_id": pid, "background_check": "passed"}, headers=officer)
        ids.append(
            client.post(
                "/applications",
                json={"person_id": pid, "kind": "work_permit", "skill": "unskilled", "filed": "2025-02-01"},
                headers=officer,
            ).json()["id"]
        )
    first = client.post(f"/applications/{ids[0]}/decide", json={"on": "2025-03-01"}, headers=officer).json()
    second = client.post(f"/applications/{ids[1]}/decide", json={"on": "2025-03-01"}, headers=officer).json()
    assert first["status"] == "granted"
    assert second["status"] == "waiting" and "cap of 1 permits is reached" in second["reasons"][0]


@pytest.mark.seed("work_permit.cap_nationality")
def test_the_cap_counts_persons_from_mexico(client: TestClient, officer: dict[str, str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The HTTP door, cap 1: the first Mexican is granted, a US national filed next is granted
    outside the cap (the decision says so), and the second Mexican waits: the US permit did not
    take the cap. Nationality is a dated record; a record without a code, or with a name for a
    code, is refused naming the field."""
    from smartborder.rules import parameters

    real = parameters.param
    monkeypatch.setattr(parameters, "param", lambda name, on: 1 if name == "work_permit.annual_cap" else real(name, on))
    ids = {}
    for pid, code, filed in (("mx1", "MX", "2025-02-01"), ("us", "US", "2025-02-02"), ("mx2", "MX", "2025-02-03")):
        client.post("/persons", json={"person_id": pid, "background_check": "passed"}, headers=officer)
        added = client.post(
            f"/persons/{pid}/records",
            json={"kind": "nationality", "start": "1990-05-01", "code": code},
            headers=officer,
        )
        assert added.status_code == 201 and added.json()["code"] == code
        filing = client.post(
            "/applications",
            json={"person_id": pid, "kind": "work_permit", "skill": "unskilled", "filed": filed},
            headers=officer,
        ).json()
        assert filing["nationality"] == code
        ids[pid] = filing["id"]
    decided = {
        pid: client.post(f"/applications/{ids[pid]}/decide", json={"on": "2025-03-01"}, headers=officer).json()
        for pid in ("mx1", "us", "mx2")
    }
    assert decided["mx1"]["status"] == "granted"
    assert decided["us"]["status"] == "granted"
    assert any("outside the annual cap" in n and "persons from MX" in n for n in decided["us"]["notes"])
    assert decided["mx2"]["status"] == "waiting" and "cap of 1 permits is reached" in decided["mx2"]["reasons"][0]
    person = client.get("/persons/us", headers=officer).json()
    assert {"kind": "nationality", "start": "1990-05-01", "end": None, "code": "US"}.items() <= person["records"][
        0
    ].items()
    for body, field in (
        ({"kind": "nationality", "start": "1990-05-01"}, "code"),
        ({"kind": "nationality", "start": "1990-05-01", "code": "Mexico"}, "code"),
        ({"kind": "illegal_crossing", "start": "2020-05-01", "code": "MX"}, "code"),
    ):
        refused = client.post("/persons/mx1/records", json=body, headers=officer)
        assert refused.status_code == 422 and field in refused.text


def test_the_waiting_list_moves_in_filing_order(client: TestClient, officer: dict[str, str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Seed 004: applications beyond the cap wait, in order, for the next year's cap. It used to
    be stuck (deciding again answered 409 'already waiting', nothing released it) while an
    application filed later was granted ahead of it the next year."""
    from smartborder.rules import parameters

    real = parameters.param
    monkeypatch.setattr(parameters, "param", lambda name, on: 1 if name == "work_permit.annual_cap" else real(name, on))
    ids = {}
    for pid, filed in (("a", "2025-02-01"), ("b", "2025-02-02"), ("c", "2025-03-01"), ("late", "2026-01-05")):
        client.post("/persons", json={"person_id": pid, "background_check": "passed"}, headers=officer)
        ids[pid] = client.post(
            "/applications",
            json={"person_id": pid, "kind": "work_permit", "skill": "unskilled", "filed": filed},
            headers=officer,
        ).json()["id"]

    def decide(pid: str, on: str) -> dict[str, Any]:
        response = client.post(f"/applications/{ids[pid]}/decide", json={"on": on}, headers=officer)
        assert response.status_code == 200, response.text
        return response.json()

    assert decide("a", "2025-03-01")["status"] == "granted"
    assert decide("b", "2025-03-02")["status"] == "waiting"
    assert decide("c", "2025-03-03")["status"] == "waiting"
    # next year: the one filed later than both waits behind them, though the cap has room
    late = decide("late", "2026-01-10")
    assert late["status"] == "waiting" and "filed earlier wait" in late["reasons"][0]
    # the waiting list is served in filing order from 2026's cap (1): b first
    served = client.post("/applications/release", json={"on": "2026-01-10"}, headers=officer)
    assert served.status_code == 200, served.text
    assert served.json() == {
        "on": "2026-01-10",
        "granted": [ids["b"]],
        "refused": [],
        "waiting": [ids["c"], ids["late"]],
    }
    # deciding a waiting application again is allowed (no 409), and the queue still holds
    assert decide("late", "2026-02-01")["status"] == "waiting"
    released = client.post("/applications/release", json={"on": "2027-01-04"}, headers=officer).json()
    assert released["granted"] == [ids["c"]] and released["waiting"] == [ids["late"]]


def test_a_decision_dated_before_filing_is_refused(client: TestClient, officer: dict[str, str]) -> None:
    client.post("/persons", json={"person_id": "a", "background_check": "passed"}, headers=officer)
    app_id = client.post(
        "/applications",
        json={"person_id": "a", "kind": "work_permit", "skill": "unskilled", "filed": "2025-02-01"},
        headers=officer,
    ).json()["id"]
    response = client.post(f"/applications/{app_id}/decide", json={"on": "2025-01-01"}, headers=officer)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "on"


def test_audit_chain_detects_tampering(client: TestClient, officer: dict[str, str], db_url: str) -> None:
    client.post("/persons", json={"person_id": "p1", "background_check": "passed"}, headers=officer)
    client.post("/persons/p1/records", json={"kind": "report", "start": "2024-02-01", **CONTENT}, headers=officer)
    with session_factory(db_url)() as session:
        intact, count, _ = verify(session)
        assert intact and count >= 2
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert entry is not None
        session.execute(text("UPDATE audit_log SET payload = :p WHERE id = :i"), {"p": "{}", "i": entry.id})
        session.commit()
        intact, _, message = verify(session)
        assert not intact and f"entry {entry.id}" in message


def test_openapi_lists_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/persons", "/persons/{person_id}/eligibility", "/applications/{application_id}/decide"} <= set(paths)
    assert client.get("/health").json()["status"] == "ok"


def test_a_past_day_can_be_asked_about(client: TestClient, officer: dict[str, str]) -> None:
    """Records dated after the day asked used to fail the whole question (422); now the history
    is judged as it stood that day and the answer says what was left out."""
    make_holder(client, officer, months_employed=12)
    response = client.get("/persons/p1/eligibility", params={"question": "renew", "on": "2024-06-01"}, headers=officer)
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["on"] == "2024-06-01"
    assert decision["notes"][0] == "judged on the history as it stood on 2024-06-01"
    assert any("reports dated after 2024-06-01 left out" in note for note in decision["notes"])


def test_a_residence_in_the_future_is_refused(client: TestClient, officer: dict[str, str]) -> None:
    response = client.post(
        "/persons",
        json={"person_id": "f1", "background_check": "passed", "resided_in_us_since": "2999-01-01"},
        headers=officer,
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "resided_in_us_since"


@pytest.mark.parametrize(("since", "granted"), [("2019-12-31", True), ("2020-01-01", False), ("2022-06-01", False)])
def test_only_a_residence_before_the_announcement_earns_a_resident_permit(
    client: TestClient, officer: dict[str, str], since: str, granted: bool
) -> None:
    client.post(
        "/persons",
        json={"person_id": "r1", "background_check": "passed", "resided_in_us_since": since},
        headers=officer,
    )
    decision = client.get(
        "/persons/r1/eligibility",
        headers=officer,
        params={
            "question": "resident-permit",
            "on": "2025-01-01",
            "announced": "2020-01-01",
            "certified_crossings": 150000,
        },
    ).json()
    assert decision["granted"] is granted, decision


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "report", "start": "2024-02-01"}, "address"),
        ({"kind": "report", "start": "2024-02-01", "address": "Calle 5", "employer": " "}, "employer"),
        ({"kind": "illegal_crossing", "start": "2024-02-01", "address": "Calle 5"}, "address"),
    ],
)
def test_a_report_states_address_and_employer(
    client: TestClient, officer: dict[str, str], body: dict[str, str], field: str
) -> None:
    client.post("/persons", json={"person_id": "p1", "background_check": "passed"}, headers=officer)
    response = client.post("/persons/p1/records", json=body, headers=officer)
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == field, response.text
    stated = client.post(
        "/persons/p1/records", json={"kind": "report", "start": "2024-02-01", **CONTENT}, headers=officer
    )
    assert stated.status_code == 201
    assert client.get("/persons/p1", headers=officer).json()["records"][0] == {
        "kind": "report",
        "start": "2024-02-01",
        "end": None,
        **CONTENT,
        "code": None,  # a nationality record's country (issue 29); none on a report
    }


def test_a_report_of_residence_alone_protects_an_applicant(client: TestClient, officer: dict[str, str]) -> None:
    """Seed 004's deportation protection asks 'a place of residence': an address-only report is
    accepted and counts; a report without an address is refused naming it; no issued date is
    needed of an applicant never issued a permit."""
    assert (
        client.post(
            "/persons", json={"person_id": "a1", "resided_in_us_since": "2010-01-01"}, headers=officer
        ).status_code
        == 201
    )
    for day in month_starts(dt.date(2024, 1, 1), 24):
        r = client.post(
            "/persons/a1/records",
            json={"kind": "report", "start": day.isoformat(), "address": "Calle 5 de Mayo 10"},
            headers=officer,
        )
        assert r.status_code == 201, r.text
    bad = client.post(
        "/persons/a1/records", json={"kind": "report", "start": "2025-12-02", "employer": "Taller Sur"}, headers=officer
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "address"
    r = client.get(
        "/persons/a1/eligibility",
        params={"question": "deportation-protection", "on": "2025-12-31", "announced": "2024-01-01"},
        headers=officer,
    )
    assert r.status_code == 200, r.text
    assert r.json()["granted"] is True


def test_a_question_under_a_reform_answers_as_the_cli_does(client: TestClient, officer: dict[str, str]) -> None:
    """POST /persons/{id}/eligibility with a reform: the decision reads the reformed parameters
    and names the reform; a bad reform is a 422 naming 'reform'; without one it answers as GET."""
    make_holder(client, officer, months_employed=12)
    ask = {"question": "renew", "on": "2025-01-01"}
    plain = client.post("/persons/p1/eligibility", json=ask, headers=officer)
    assert plain.status_code == 200, plain.text
    assert plain.json() == client.get("/persons/p1/eligibility", params=ask, headers=officer).json()
    assert plain.json()["granted"] is True  # monthly reports satisfy the shipped three months
    every_fortnight = {"name": "fortnightly", "values": {"work_permit.report_interval_months": {"2024-06-01": 0}}}
    reformed = client.post("/persons/p1/eligibility", json={**ask, "reform": every_fortnight}, headers=officer)
    assert reformed.status_code == 200, reformed.text
    body = reformed.json()
    assert body["granted"] is False and "under the reform 'fortnightly'" in body["version"]
    for bad in (
        {"name": "x", "values": {"no.such": {"2024-01-01": 1}}},
        {"name": "x", "values": {"work_permit.report_interval_months": {"2024-13-01": 1}}},
        {"name": "x", "values": {"work_permit.report_interval_months": {"2024-06-01": [1]}}},
    ):
        r = client.post("/persons/p1/eligibility", json={**ask, "reform": bad}, headers=officer)
        assert r.status_code == 422 and r.json()["detail"][0]["field"].startswith("reform"), r.text
