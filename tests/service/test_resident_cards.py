"""Identity cards for permanent residents (issue 29 item 3), through the API on both databases:
seed 004's "high-tech identity cards for permanent residents, using biometric identifiers", on the
trusted travellers' card machinery with rules of their own — issued only on a granted resident
permit, verified at the booth while the permit stands (identity, not a trusted lane), revoked
with the permit, renewed only while it stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartborder.service.db import session_factory
from smartborder.service.trusted_models import Template
from smartborder.trusted.certification import add_years
from tests.trusted import service_fixtures

client, faces = service_fixtures.client, service_fixtures.faces  # the fixtures, by the names the tests ask for

TODAY = dt.date.today()


@pytest.fixture
def resident(client: TestClient, token: Callable[..., dict[str, str]]) -> str:
    """A person granted a resident permit (resided before the announcement, program active)."""
    officer = token("officer")
    person = {"person_id": "r1", "background_check": "passed", "resided_in_us_since": "2010-01-01"}
    assert client.post("/persons", json=person, headers=officer).status_code == 201
    filed = {"person_id": "r1", "kind": "resident_permit", "filed": "2025-06-01"}
    made = client.post("/applications", json=filed, headers=officer)
    assert made.status_code == 201, made.text
    decided = client.post(
        f"/applications/{made.json()['id']}/decide",
        json={"on": "2025-07-01", "announced": "2021-01-01", "certified_crossings": 150_000},
        headers=officer,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "granted", decided.text
    return str(made.json()["id"])


def _cross(client: TestClient, booth: dict[str, str], card: str, face: str) -> dict[str, object]:
    body = {"card": card, "port_code": "2506", "vehicle": "pedestrian", "image_base64": face}
    response = client.post("/trusted/crossings", json=body, headers=booth)
    assert response.status_code == 201, response.text
    answer: dict[str, object] = response.json()
    return answer


def test_a_residents_card_stands_and_falls_with_the_permit(
    client: TestClient, token: Callable[..., dict[str, str]], faces: dict[str, str], resident: str, db_url: str
) -> None:
    vetter, booth, officer = token("vetting_officer"), token("booth_officer"), token("officer")
    issued = client.post(
        "/trusted/resident-cards", json={"person_id": "r1", "image_base64": faces["a_enrol"]}, headers=vetter
    )
    assert issued.status_code == 201, issued.text
    card = issued.json()
    assert card["program"] == "RESIDENT" and card["status"] == "active"
    day = dt.date.fromisoformat(card["issued"])  # the server's day (a run across midnight moves it)
    assert card["expires"] == add_years(day, 10).isoformat()
    again = client.post(
        "/trusted/resident-cards", json={"person_id": "r1", "image_base64": faces["a_enrol"]}, headers=vetter
    )
    assert again.status_code == 409 and again.json()["detail"][0]["field"] == "person_id"

    at_booth = _cross(client, booth, card["card"], faces["a_live"])  # the holder, the permit standing
    assert at_booth["outcome"] == "verified" and at_booth["lane"] == "standard" and at_booth["reasons"] == []
    impostor = _cross(client, booth, card["card"], faces["b_live"])
    assert impostor["outcome"] == "referred" and "face does not match" in str(impostor["reasons"])
    status = client.get("/trusted/persons/r1/status", headers=officer).json()
    assert status["trusted"] is False  # an identity card is no trusted-traveller membership

    revoked = client.post(
        f"/applications/{resident}/revoke", json={"reason": "fraud in the residence evidence"}, headers=officer
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json() == {"id": resident, "status": "revoked", "cards_revoked": [card["id"]]}
    after = _cross(client, booth, card["card"], faces["a_live"])  # the same card, the same face
    reasons = after["reasons"]
    assert after["outcome"] == "referred" and isinstance(reasons, list)
    assert any("card revoked: resident permit revoked" in r for r in reasons)
    assert "resident permit revoked" in reasons
    read = client.get(f"/trusted/cards/{card['id']}", headers=officer).json()
    assert read["status"] == "revoked"
    with session_factory(db_url)() as session:  # the face template went with the only active card
        assert session.scalar(select(func.count()).select_from(Template).where(Template.person_id == "r1")) == 0
    renewed = client.post(f"/trusted/cards/{card['id']}/renew", json={}, headers=vetter)
    assert renewed.status_code == 409  # a revoked card is not renewed
    once_more = client.post(f"/applications/{resident}/revoke", json={"reason": "again"}, headers=officer)
    assert once_more.status_code == 409 and once_more.json()["detail"][0]["field"] == "status"


def test_no_resident_card_without_a_granted_permit(
    client: TestClient, token: Callable[..., dict[str, str]], faces: dict[str, str]
) -> None:
    officer, vetter = token("officer"), token("vetting_officer")
    assert (
        client.post("/persons", json={"person_id": "n1", "background_check": "passed"}, headers=officer).status_code
        == 201
    )
    refused = client.post(
        "/trusted/resident-cards", json={"person_id": "n1", "image_base64": faces["a_enrol"]}, headers=vetter
    )
    assert refused.status_code == 409 and refused.json()["detail"][0]["field"] == "permit", refused.text
    applicant = token("applicant", subject="n1")
    body = {"person_id": "n1", "image_base64": faces["a_enrol"]}
    assert client.post("/trusted/resident-cards", json=body, headers=applicant).status_code == 403
    assert (
        client.post("/trusted/resident-cards", json={**body, "image_base64": "not base64!"}, headers=vetter).status_code
        == 422
    )


def test_a_resident_card_is_renewed_while_the_permit_stands(
    client: TestClient, token: Callable[..., dict[str, str]], faces: dict[str, str], resident: str
) -> None:
    vetter = token("vetting_officer")
    soon = TODAY - dt.timedelta(days=10 * 365 - 100)  # issued nearly ten years ago: renewal is open
    issued = client.post(
        "/trusted/resident-cards",
        json={"person_id": "r1", "image_base64": faces["a_enrol"], "on": soon.isoformat()},
        headers=vetter,
    ).json()
    renewed = client.post(f"/trusted/cards/{issued['id']}/renew", json={}, headers=vetter)
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["program"] == "RESIDENT" and renewed.json()["id"] != issued["id"]
    assert client.get(f"/trusted/cards/{issued['id']}", headers=vetter).json()["status"] == "replaced"
