"""Trusted traders over HTTP: a company from audit to certification to suspension (and on to
reinstatement and revocation), the officer's questions, roles, and bad input writing nothing."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartborder.service.audit import verify
from smartborder.service.db import session_factory
from smartborder.service.models import AuditEntry
from smartborder.trusted import checklist
from tests.trusted import service_fixtures

client = service_fixtures.client  # the fixture, by the name the tests ask for

FACILITY = {"id": "plant-1", "name": "Planta Norte", "kind": "plant", "country": "MX", "city": "Monterrey"}


def findings(**unmet: str) -> list[dict[str, object]]:
    return [{"criterion": c, "met": c not in unmet, "note": unmet.get(c, "")} for c in checklist().criteria]


@pytest.fixture
def auditor(token):  # type: ignore[no-untyped-def]
    return token("auditor")


@pytest.fixture
def company(client: TestClient, auditor: dict[str, str]) -> str:
    r = client.post(
        "/trusted/companies",
        json={"id": "acme", "name": "ACME Autopartes", "kind": "manufacturer", "country": "MX"},
        headers=auditor,
    )
    assert r.status_code == 201, r.text
    assert client.post("/trusted/companies/acme/facilities", json=FACILITY, headers=auditor).status_code == 201
    return "acme"


def audit_entries(db_url: str) -> int:
    with session_factory(db_url)() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_company_from_audit_to_certification_to_suspension(
    client: TestClient,
    token,
    auditor,
    company: str,
    db_url: str,
) -> None:  # type: ignore[no-untyped-def]
    officer = token("officer")
    status = client.get("/trusted/companies/acme/status", params={"on": "2024-01-01"}, headers=officer).json()
    assert status["trusted"] is False and status["reasons"] == [
        "plant-1: never certified: no passing audit has led to a certification"
    ]

    failed = client.post(
        "/trusted/facilities/plant-1/audits",
        headers=auditor,
        json={"on": "2024-02-01", "findings": findings(**{"seal.1": "plain bolt seals"})},
    ).json()
    assert failed["passed"] is False and "seal.1 (Seal security) not met" in failed["reasons"][0]
    r = client.post(
        "/trusted/facilities/plant-1/certification",
        headers=auditor,
        json={"action": "certified", "on": "2024-02-02", "audit_id": failed["id"]},
    )
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "audit_id"

    passed = client.post(
        "/trusted/facilities/plant-1/audits", headers=auditor, json={"on": "2024-03-01", "findings": findings()}
    ).json()
    assert passed["passed"] is True and passed["score"] == 1.0
    cert = client.post(
        "/trusted/facilities/plant-1/certification",
        headers=auditor,
        json={"action": "certified", "on": "2024-03-04", "audit_id": passed["id"]},
    ).json()
    assert cert["trusted"] is True and cert["since"] == "2024-03-04" and cert["revalidation_due"] == "2028-03-04"

    status = client.get("/trusted/companies/acme/status", params={"on": "2024-06-01"}, headers=officer).json()
    assert status["trusted"] is True and status["since"] == "2024-03-04"
    booth = token("booth_officer")
    fac = client.get("/trusted/facilities/plant-1/status", params={"on": "2024-06-01"}, headers=booth).json()
    assert fac["pre_inspected_allowed"] is True

    r = client.post(
        "/trusted/facilities/plant-1/certification", headers=auditor, json={"action": "suspended", "on": "2024-07-01"}
    )
    assert r.status_code == 409 and r.json()["detail"] == [
        {"field": "reason", "problem": "a suspended certification needs a reason"}
    ]
    suspended = client.post(
        "/trusted/facilities/plant-1/certification",
        headers=auditor,
        json={"action": "suspended", "on": "2024-07-01", "reason": "seal log missing for 12 loads"},
    ).json()
    assert suspended["trusted"] is False and suspended["pre_inspected_allowed"] is False
    assert suspended["reasons"] == ["suspended on 2024-07-01: seal log missing for 12 loads"]
    status = client.get("/trusted/companies/acme/status", params={"on": "2024-07-02"}, headers=officer).json()
    assert status["trusted"] is False and "seal log missing" in status["reasons"][0]
    # Before the suspension the answer for that day is unchanged: standing is replayed per day.
    assert (
        client.get("/trusted/facilities/plant-1/status", params={"on": "2024-06-30"}, headers=officer).json()["trusted"]
        is True
    )

    back = client.post(
        "/trusted/facilities/plant-1/certification", headers=auditor, json={"action": "reinstated", "on": "2024-08-01"}
    ).json()
    assert back["trusted"] is True and back["since"] == "2024-08-01"
    revoked = client.post(
        "/trusted/facilities/plant-1/certification",
        headers=auditor,
        json={"action": "revoked", "on": "2024-09-01", "reason": "falsified training records"},
    ).json()
    assert revoked["state"] == "revoked"
    r = client.post(
        "/trusted/facilities/plant-1/certification",
        headers=auditor,
        json={"action": "certified", "on": "2024-10-01", "audit_id": passed["id"]},
    )
    assert r.status_code == 409 and "revocation is final" in r.json()["detail"][0]["problem"]

    with session_factory(db_url)() as session:
        intact, _, _ = verify(session)
        actions = [a for (a,) in session.execute(select(AuditEntry.action).where(AuditEntry.subject == "plant-1"))]
        suspension = session.scalar(select(AuditEntry).where(AuditEntry.action == "trusted.certification.suspended"))
    assert intact
    assert actions == [
        "trusted.facility.create",
        "trusted.audit",
        "trusted.audit",
        "trusted.certification.certified",
        "trusted.certification.suspended",
        "trusted.certification.reinstated",
        "trusted.certification.revoked",
    ]
    assert (
        suspension is not None and suspension.actor.startswith("auditor#") and "seal log missing" in suspension.payload
    )


@pytest.mark.parametrize(
    "path, body, status, field",
    [
        ("/trusted/facilities/nowhere/audits", {"on": "2024-01-01", "findings": findings()}, 404, "facility_id"),
        ("/trusted/facilities/plant-1/audits", {"on": "2024-01-01", "findings": findings()[:-1]}, 422, "findings"),
        ("/trusted/facilities/plant-1/audits", {"on": "2999-01-01", "findings": findings()}, 422, "on"),
        ("/trusted/facilities/plant-1/certification", {"action": "certified", "on": "2024-01-01"}, 422, "audit_id"),
        ("/trusted/facilities/plant-1/certification", {"action": "reinstated", "on": "2024-01-01"}, 409, "kind"),
        ("/trusted/companies/acme/facilities", FACILITY, 409, "id"),
        ("/trusted/companies/nope/facilities", {**FACILITY, "id": "x"}, 404, "company_id"),
        ("/trusted/companies", {"id": "b", "name": "B", "kind": "importer", "country": "Mexico"}, 422, "country"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    client: TestClient,
    auditor,
    company: str,
    db_url: str,
    path: str,
    body: dict,
    status: int,
    field: str,
) -> None:  # type: ignore[no-untyped-def]
    before = audit_entries(db_url)
    r = client.post(path, json=body, headers=auditor)
    assert r.status_code == status, r.text
    assert r.json()["detail"][0]["field"] == field
    assert audit_entries(db_url) == before


ROUTES = [
    ("post", "/trusted/companies", ("auditor", "admin")),
    ("post", "/trusted/companies/acme/facilities", ("auditor", "admin")),
    ("post", "/trusted/facilities/plant-1/audits", ("auditor",)),
    ("get", "/trusted/facilities/plant-1/audits", ("auditor", "admin", "officer")),
    ("post", "/trusted/facilities/plant-1/certification", ("auditor", "admin")),
    ("get", "/trusted/facilities/plant-1/status", ("officer", "booth_officer", "auditor", "vetting_officer", "admin")),
    ("get", "/trusted/companies/acme/status", ("officer", "booth_officer", "auditor", "vetting_officer", "admin")),
    (
        "get",
        "/trusted/criteria",
        ("officer", "booth_officer", "auditor", "vetting_officer", "admin", "shipper", "carrier"),
    ),
]


@pytest.mark.parametrize("method, path, allowed", ROUTES)
def test_every_route_refuses_other_roles(
    client: TestClient,
    token,
    company: str,
    method: str,
    path: str,
    allowed: tuple[str, ...],
) -> None:  # type: ignore[no-untyped-def]
    assert getattr(client, method)(path).status_code == 401
    for role in (
        "admin",
        "officer",
        "booth_officer",
        "vetting_officer",
        "auditor",
        "applicant",
        "shipper",
        "carrier",
        "analyst",
    ):
        if role in allowed:
            continue
        r = getattr(client, method)(path, headers=token(role, subject="p1"))
        assert r.status_code == 403 and r.json()["detail"][0]["field"] == "role", (role, path)


def test_criteria_are_served_with_their_source(client: TestClient, token) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/trusted/criteria", headers=token("shipper")).json()
    assert len(body["categories"]) == 12 and body["scoring"]["source"].startswith("ESTIMATE")
