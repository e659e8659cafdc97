"""Trusted travellers over HTTP: from application to card to revocation (watch-list review,
biometric enrolment, offline card check, booth crossings), roles, and bad input."""

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartborder.service.audit import verify
from smartborder.service.db import session_factory
from smartborder.service.models import AuditEntry
from smartborder.service.trusted_models import Card, Template
from smartborder.trusted.cards import load_public_key, verify_card
from smartborder.trusted.certification import add_years
from tests.trusted import service_fixtures

client, faces = service_fixtures.client, service_fixtures.faces  # the fixtures, by the names the tests ask for

FUTURE = (dt.date.today() + dt.timedelta(days=4000)).isoformat()
TODAY = dt.date.today()
APPLICATION = {
    "person_id": "p1",
    "program": "SENTRI",
    "full_name": "Muhammad Al Rashid",
    "dob": "1988-05-05",
    "nationality": "MX",
    "document_number": "G7654321",
    "document_expires": FUTURE,
}


@pytest.fixture
def vetter(token):  # type: ignore[no-untyped-def]
    return token("vetting_officer")


def count(db_url: str, table) -> int:  # type: ignore[no-untyped-def]
    with session_factory(db_url)() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def issued_card(client: TestClient, token, vetter, faces) -> dict:  # type: ignore[no-untyped-def]
    applicant = token("applicant", subject="p1")
    app = client.post("/trusted/applications", json=APPLICATION, headers=applicant).json()
    for step, body in [
        ("vet", None),
        ("interview", {"passed": True, "notes": "documents seen"}),
        ("enrol", {"image_base64": faces["a_enrol"]}),
    ]:
        assert client.post(f"/trusted/applications/{app['id']}/{step}", json=body, headers=vetter).status_code == 200
    r = client.post(f"/trusted/applications/{app['id']}/card", json={}, headers=vetter)
    assert r.status_code == 201, r.text
    return r.json()


def test_traveller_from_application_to_card_to_revocation(
    client: TestClient,
    token,
    vetter,
    faces,
    db_url: str,
) -> None:  # type: ignore[no-untyped-def]
    assert (
        client.post(
            "/trusted/watchlist",
            headers=vetter,
            json={"id": "w1", "name": "Mohammed Al-Rashid", "dob": "1979-01-01", "reason": "INTERPOL notice (example)"},
        ).status_code
        == 201
    )
    applicant = token("applicant", subject="p1")
    app = client.post("/trusted/applications", json=APPLICATION, headers=applicant).json()
    assert app["state"] == "submitted" and "vetting" not in app

    vetted = client.post(f"/trusted/applications/{app['id']}/vet", headers=vetter).json()
    assert vetted["state"] == "possible_match"  # 89/100 like a listed name: no automatic approval
    (candidate,) = vetted["vetting"]["candidates"]
    assert candidate["entry_id"] == "w1" and candidate["dob_match"] is False
    r = client.post(f"/trusted/applications/{app['id']}/interview", json={"passed": True, "notes": "x"}, headers=vetter)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "state"
    assert "vetting" not in client.get(f"/trusted/applications/{app['id']}", headers=applicant).json()

    queue = client.get("/trusted/applications", params={"state": "possible_match"}, headers=vetter).json()
    assert [a["id"] for a in queue["items"]] == [app["id"]] and queue["items"][0]["vetting"]["candidates"]
    assert [e["id"] for e in client.get("/trusted/watchlist", headers=vetter).json()["items"]] == ["w1"]
    cleared = client.post(
        f"/trusted/applications/{app['id']}/review",
        headers=vetter,
        json={"decision": "cleared", "reason": "different date of birth and nationality; documents checked"},
    ).json()
    assert cleared["state"] == "clear"
    client.post(f"/trusted/applications/{app['id']}/interview", json={"passed": True, "notes": "ok"}, headers=vetter)
    r = client.post(f"/trusted/applications/{app['id']}/card", json={}, headers=vetter)
    assert r.status_code == 409  # not enrolled yet
    enrolled = client.post(
        f"/trusted/applications/{app['id']}/enrol", json={"image_base64": faces["a_enrol"]}, headers=vetter
    ).json()
    assert enrolled["state"] == "enrolled" and "template" not in str(enrolled).lower()
    card = client.post(f"/trusted/applications/{app['id']}/card", json={}, headers=vetter).json()
    issued = dt.date.fromisoformat(card["issued"])  # the server's day (a run across midnight moves it)
    assert card["status"] == "active" and card["expires"] == add_years(issued, 5).isoformat()

    # Offline: a booth with only the public key checks the card's text.
    key = load_public_key(client.get("/trusted/public-key", headers=token("booth_officer")).json()["public_key"])
    assert verify_card(key, card["card"], issued).valid

    booth = token("booth_officer")
    crossing = {"card": card["card"], "port_code": "2506", "vehicle": "pov"}
    ok = client.post("/trusted/crossings", json={**crossing, "image_base64": faces["a_live"]}, headers=booth).json()
    assert ok["outcome"] == "trusted_lane" and ok["lane"] == "SENTRI" and ok["reasons"] == []
    other = client.post("/trusted/crossings", json={**crossing, "image_base64": faces["b_live"]}, headers=booth).json()
    assert other["outcome"] == "referred" and "face does not match" in other["reasons"][0]
    status = client.get("/trusted/persons/p1/status", headers=token("officer")).json()
    assert status["trusted"] is True and status["since"] == issued.isoformat()

    r = client.post(f"/trusted/cards/{card['id']}/revoke", json={}, headers=vetter)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    revoked = client.post(
        f"/trusted/cards/{card['id']}/revoke", json={"reason": "smuggling conviction"}, headers=vetter
    ).json()
    assert revoked["status"] == "revoked"
    assert count(db_url, Template) == 0  # the template went with the card
    after = client.post("/trusted/crossings", json={**crossing, "image_base64": faces["a_live"]}, headers=booth).json()
    assert after["outcome"] == "referred"
    assert after["reasons"] == ["card revoked: smuggling conviction", "no enrolled template"]
    status = client.get("/trusted/persons/p1/status", headers=applicant).json()
    assert status["trusted"] is False and "smuggling conviction" in status["reasons"][0]
    history = client.get(f"/trusted/cards/{card['id']}/crossings", headers=applicant).json()["items"]
    assert [h["outcome"] for h in history] == ["trusted_lane", "referred", "referred"]

    with session_factory(db_url)() as session:
        assert verify(session)[0]
        review = session.scalar(select(AuditEntry).where(AuditEntry.action == "trusted.application.review_cleared"))
        revoke = session.scalar(select(AuditEntry).where(AuditEntry.action == "trusted.card.revoke"))
    assert review is not None and review.actor.startswith("vetting_officer#") and "documents checked" in review.payload
    assert revoke is not None and "smuggling conviction" in revoke.payload


def test_second_card_and_renewal(client: TestClient, token, vetter, faces, db_url: str) -> None:  # type: ignore[no-untyped-def]
    card = issued_card(client, token, vetter, faces)
    before = count(db_url, AuditEntry)
    r = client.post("/trusted/applications", json={**APPLICATION, "program": "SENTRI"}, headers=vetter)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "person_id"
    assert count(db_url, AuditEntry) == before
    r = client.post(f"/trusted/cards/{card['id']}/renew", json={}, headers=vetter)
    assert r.status_code == 409 and r.json()["detail"][0]["field"] == "on"  # window opens a year before expiry
    late = (dt.date.fromisoformat(card["expires"]) - dt.timedelta(days=30)).isoformat()
    new = client.post(f"/trusted/cards/{card['id']}/renew", json={"on": late}, headers=vetter).json()
    assert new["status"] == "active" and new["id"] != card["id"]
    assert client.get(f"/trusted/cards/{card['id']}", headers=vetter).json()["status"] == "replaced"
    with session_factory(db_url)() as session:
        assert session.scalar(select(func.count()).where(Card.status == "active")) == 1


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"document_expires": "2020-01-01"}, 422, "document_expires"),
        ({"program": "FAST"}, 422, "carrier_id"),
        ({"program": "NEXUS"}, 422, "program"),
        ({"dob": "2999-01-01"}, 422, "dob"),
        ({"person_id": "p2"}, 403, "person_id"),
    ],
)
def test_bad_applications(client: TestClient, token, change: dict, status: int, field: str, db_url: str) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/trusted/applications", json={**APPLICATION, **change}, headers=token("applicant", subject="p1"))
    assert r.status_code == status, r.text
    assert r.json()["detail"][0]["field"] == field
    assert count(db_url, AuditEntry) == 0


def test_bad_images_and_cards(client: TestClient, token, vetter, faces) -> None:  # type: ignore[no-untyped-def]
    card = issued_card(client, token, vetter, faces)
    booth = token("booth_officer")
    base = {"card": card["card"], "port_code": "2506", "vehicle": "pov", "image_base64": faces["a_live"]}
    import base64
    import struct
    import time
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    bomb = (  # 20,000 x 20,000 pixels in 0.1 MB: ~0.8 GB and seconds to decode
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 100_000))
        + chunk(b"IEND", b"")
    )
    began = time.perf_counter()
    r = client.post("/trusted/crossings", json={**base, "image_base64": base64.b64encode(bomb).decode()}, headers=booth)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "image_base64", r.text
    assert "more than a face sample needs" in r.text and time.perf_counter() - began < 2.0  # refused from its header
    for change, field in [
        ({"image_base64": "not base64!"}, "image_base64"),
        ({"vehicle": "truck"}, "vehicle"),
        ({"card": card["card"][:-4] + "AAAA"}, "card"),
        ({"port_code": "25"}, "port_code"),
    ]:
        r = client.post("/trusted/crossings", json={**base, **change}, headers=booth)
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == field, (change, r.text)


ROUTES = [
    ("post", "/trusted/watchlist", ("vetting_officer", "admin")),
    ("post", "/trusted/applications", ("applicant", "vetting_officer", "admin")),
    ("get", "/trusted/applications", ("applicant", "vetting_officer", "admin")),
    ("get", "/trusted/watchlist", ("vetting_officer", "admin")),
    ("get", "/trusted/applications/x", ("applicant", "vetting_officer", "admin")),
    ("post", "/trusted/applications/x/vet", ("vetting_officer",)),
    ("post", "/trusted/applications/x/review", ("vetting_officer",)),
    ("post", "/trusted/applications/x/interview", ("vetting_officer",)),
    ("post", "/trusted/applications/x/enrol", ("vetting_officer",)),
    ("post", "/trusted/applications/x/card", ("vetting_officer", "admin")),
    ("post", "/trusted/applications/x/withdraw", ("applicant", "vetting_officer", "admin")),
    ("get", "/trusted/cards/x", ("applicant", "officer", "booth_officer", "vetting_officer", "admin")),
    ("post", "/trusted/cards/x/revoke", ("vetting_officer", "admin")),
    ("post", "/trusted/cards/x/renew", ("vetting_officer", "admin")),
    ("get", "/trusted/cards/x/crossings", ("applicant", "officer", "booth_officer", "vetting_officer", "admin")),
    ("get", "/trusted/persons/p1/status", ("applicant", "officer", "booth_officer", "vetting_officer", "admin")),
    ("post", "/trusted/crossings", ("booth_officer",)),
]


@pytest.mark.parametrize("method, path, allowed", ROUTES)
def test_every_route_refuses_other_roles(
    client: TestClient,
    token,
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
        if role not in allowed:
            r = getattr(client, method)(path, headers=token(role, subject="p1"))
            assert r.status_code == 403 and r.json()["detail"][0]["field"] == "role", (role, path)


def test_keys_missing_outside_tests_is_a_clear_503(client: TestClient, token, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SMARTBORDER_TRUSTED_TEST_KEYS")
    r = client.get("/trusted/public-key", headers=token("booth_officer"))
    assert r.status_code == 503 and r.json()["detail"][0]["field"] == "SMARTBORDER_CARD_KEY"


def test_a_renewal_dated_in_9999_is_a_422_not_a_500(client: TestClient, token, vetter, faces) -> None:  # type: ignore[no-untyped-def]
    card = issued_card(client, token, vetter, faces)
    r = client.post(f"/trusted/cards/{card['id']}/renew", json={"on": "9999-06-01"}, headers=vetter)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "on", r.text
    assert client.get(f"/trusted/cards/{card['id']}", headers=vetter).json()["status"] == "active"
