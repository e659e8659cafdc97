"""Issue 27, items 9 and 14, at the doors that still let them through: numbers read as days on the
trusted-programme and targeting routes, and the Python operations that skipped the bounds the
request bodies hold. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from smartborder.service.auth import Caller
from smartborder.service.db import session_factory
from smartborder.service.errors import Invalid
from smartborder.service.permits_operations import decide_application, release_waiting
from smartborder.service.permits_schemas import DecideIn


def _detail(response) -> str:  # type: ignore[no-untyped-def]
    assert response.headers["content-type"].startswith("application/json")
    return str(response.json()["detail"])


def _facility(client: TestClient, auditor: dict[str, str]) -> list[dict[str, object]]:
    criteria = client.get("/trusted/criteria", headers=auditor).json()["criteria"]
    client.post(
        "/trusted/companies", json={"id": "c1", "name": "C1", "kind": "manufacturer", "country": "MX"}, headers=auditor
    )
    client.post(
        "/trusted/companies/c1/facilities",
        json={"id": "f1", "name": "F1", "kind": "plant", "country": "MX"},
        headers=auditor,
    )
    return [{"criterion": c["id"], "met": True} for c in criteria]


@pytest.mark.parametrize("day", [0, 1767225600, True, 1.5, "0", "0001-01-01", "9999-12-31"])
def test_an_audit_day_is_iso_text_within_the_years(client: TestClient, token, day: object) -> None:  # type: ignore[no-untyped-def]
    auditor = token("auditor")
    findings = _facility(client, auditor)
    response = client.post("/trusted/facilities/f1/audits", json={"on": day, "findings": findings}, headers=auditor)
    assert response.status_code == 422 and "on" in _detail(response)
    assert client.get("/trusted/facilities/f1/audits", headers=auditor).json()["items"] == []  # nothing stored
    good = client.post(
        "/trusted/facilities/f1/audits", json={"on": "2025-01-02", "findings": findings}, headers=auditor
    )
    assert good.status_code == 201


@pytest.mark.parametrize("day", ["0", "1767225600", "0001-01-01", "9999-12-31"])
def test_a_status_day_or_a_since_day_is_iso_text_within_the_years(client: TestClient, token, day: str) -> None:  # type: ignore[no-untyped-def]
    auditor, admin = token("auditor"), token("admin")
    _facility(client, auditor)
    for path in ("/trusted/facilities/f1/status", "/trusted/companies/c1/status", "/targeting/stats"):
        name = "since" if "targeting" in path else "on"
        response = client.get(path, params={name: day}, headers=admin)
        assert response.status_code == 422, (path, response.text)
        assert name in _detail(response)
    assert client.get("/trusted/facilities/f1/status", params={"on": "2026-01-01"}, headers=admin).status_code == 200


@pytest.mark.parametrize("dob", [0, False, "9999-12-31"])
def test_a_watch_list_birth_date_is_a_day(client: TestClient, token, dob: object) -> None:  # type: ignore[no-untyped-def]
    vetter = token("vetting_officer")
    response = client.post(
        "/trusted/watchlist", json={"id": "w1", "name": "X Y", "dob": dob, "reason": "test"}, headers=vetter
    )
    assert response.status_code == 422 and "dob" in _detail(response)


def _waiting_application(client: TestClient, token) -> str:  # type: ignore[no-untyped-def]
    officer = token("officer")
    client.post("/persons", json={"person_id": "p1", "background_check": "passed"}, headers=officer)
    response = client.post(
        "/applications",
        json={"person_id": "p1", "kind": "work_permit", "filed": "2026-01-05", "skill": "skilled"},
        headers=officer,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_the_operations_hold_the_years_themselves(client: TestClient, token, db_url: str) -> None:  # type: ignore[no-untyped-def]
    """A call from Python (or a body built without validation) cannot decide against year 2999's
    cap: the operation refuses it as the HTTP body does, and stores nothing."""
    application = _waiting_application(client, token)
    officer = Caller(0, "officer", None, None)
    with session_factory(db_url)() as session:
        with pytest.raises(Invalid, match=r"^on: 2999-06-01 is outside the years 1900\.\.2199"):
            decide_application(session, officer, application, DecideIn.model_construct(on=dt.date(2999, 6, 1)))
        with pytest.raises(Invalid, match=r"^on: 2999-03-01 is outside the years"):
            release_waiting(session, officer, dt.date(2999, 3, 1))
        session.rollback()
    listed = client.get("/applications", headers=token("officer")).json()["items"]
    assert [(a["id"], a["status"]) for a in listed] == [(application, "pending")]
    for path, body in (
        (f"/applications/{application}/decide", {"on": "9999-12-31"}),  # was stored and granted
        (f"/applications/{application}/decide", {"on": "2999-06-01"}),
        ("/applications/release", {"on": "2999-03-01"}),
    ):
        response = client.post(path, json=body, headers=token("officer"))
        assert response.status_code == 422 and response.json()["detail"][0]["field"] == "on", response.text
    listed = client.get("/applications", headers=token("officer")).json()["items"]
    assert [(a["id"], a["status"]) for a in listed] == [(application, "pending")]  # nothing decided
