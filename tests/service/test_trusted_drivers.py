"""FAST drivers: applying through a carrier, and a load from a facility that is not trusted that
day is never let through as pre-inspected, whatever the driver's card says. Withdrawal."""

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartborder.service.db import session_factory
from smartborder.service.trusted_models import Template
from smartborder.trusted import checklist
from tests.trusted.service_fixtures import client, faces  # noqa: F401  (fixtures)

TODAY = dt.date.today()
DAY = (TODAY - dt.timedelta(days=10)).isoformat()
DRIVER = {
    "person_id": "d1",
    "program": "FAST",
    "full_name": "Rosa Elena Treviño",
    "dob": "1979-02-11",
    "nationality": "MX",
    "document_number": "M1234567",
    "document_expires": (TODAY + dt.timedelta(days=3000)).isoformat(),
    "carrier_id": "trans",
}


def setup_trade(client: TestClient, token) -> dict[str, str]:  # type: ignore[no-untyped-def]  # noqa: F811
    auditor = token("auditor")
    client.post(
        "/trusted/companies",
        json={"id": "trans", "name": "Transportes del Norte", "kind": "carrier", "country": "MX"},
        headers=auditor,
    )
    client.post(
        "/trusted/companies",
        json={"id": "acme", "name": "ACME", "kind": "manufacturer", "country": "MX"},
        headers=auditor,
    )
    client.post(
        "/trusted/companies/acme/facilities",
        json={"id": "plant-1", "name": "P", "kind": "plant", "country": "MX"},
        headers=auditor,
    )
    findings = [{"criterion": c, "met": True} for c in checklist().criteria]
    audit = client.post(
        "/trusted/facilities/plant-1/audits", json={"on": DAY, "findings": findings}, headers=auditor
    ).json()
    r = client.post(
        "/trusted/facilities/plant-1/certification",
        headers=auditor,
        json={"action": "certified", "on": DAY, "audit_id": audit["id"]},
    )
    assert r.json()["trusted"] is True
    return auditor


def test_fast_driver_and_the_facility_of_the_load(client: TestClient, token, faces, db_url: str) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    auditor = setup_trade(client, token)
    vetter, booth = token("vetting_officer"), token("booth_officer")
    r = client.post("/trusted/applications", json={**DRIVER, "carrier_id": "acme"}, headers=vetter)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "carrier_id"  # not a carrier
    app = client.post("/trusted/applications", json=DRIVER, headers=vetter).json()
    assert client.post(f"/trusted/applications/{app['id']}/vet", headers=vetter).json()["state"] == "clear"
    client.post(f"/trusted/applications/{app['id']}/interview", json={"passed": True, "notes": "ok"}, headers=vetter)
    client.post(f"/trusted/applications/{app['id']}/enrol", json={"image_base64": faces["a_enrol"]}, headers=vetter)
    card = client.post(f"/trusted/applications/{app['id']}/card", json={}, headers=vetter).json()

    crossing = {
        "card": card["card"],
        "port_code": "2304",
        "vehicle": "truck",
        "image_base64": faces["a_live"],
        "facility_id": "plant-1",
    }
    ok = client.post("/trusted/crossings", json=crossing, headers=booth).json()
    assert ok["outcome"] == "trusted_lane" and ok["lane"] == "FAST"
    r = client.post("/trusted/crossings", json={**crossing, "vehicle": "pov"}, headers=booth)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "vehicle"

    client.post(
        "/trusted/facilities/plant-1/certification",
        headers=auditor,
        json={"action": "suspended", "on": TODAY.isoformat(), "reason": "seal log gaps"},
    )
    held = client.post("/trusted/crossings", json=crossing, headers=booth).json()
    assert held["outcome"] == "referred"
    assert held["reasons"] == ["facility plant-1 not trusted: suspended on " + TODAY.isoformat() + ": seal log gaps"]
    status = client.get("/trusted/persons/d1/status", headers=token("officer")).json()
    assert status["trusted"] is True and status["program"] == "FAST"  # the driver still is; the load is not


def test_withdrawal_deletes_the_enrolled_template(client: TestClient, token, faces, db_url: str) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    setup_trade(client, token)
    vetter, driver = token("vetting_officer"), token("applicant", subject="d1")
    app = client.post("/trusted/applications", json=DRIVER, headers=driver).json()
    client.post(f"/trusted/applications/{app['id']}/vet", headers=vetter)
    client.post(f"/trusted/applications/{app['id']}/interview", json={"passed": True, "notes": "ok"}, headers=vetter)
    client.post(f"/trusted/applications/{app['id']}/enrol", json={"image_base64": faces["a_enrol"]}, headers=vetter)
    other = token("applicant", subject="d2")
    assert client.post(f"/trusted/applications/{app['id']}/withdraw", headers=other).status_code == 404
    assert client.post(f"/trusted/applications/{app['id']}/withdraw", headers=driver).json()["state"] == "withdrawn"
    with session_factory(db_url)() as session:
        assert session.scalar(select(func.count()).select_from(Template)) == 0
    r = client.post(f"/trusted/applications/{app['id']}/card", json={}, headers=vetter)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "state"
