"""The chain-of-custody service over HTTP: the worked walk, roles, idempotency, anomalies, bad input.

Runs on SQLite and, when SMARTBORDER_TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from smartborder.custody.epcis import EPCISDocument, document
from smartborder.service.audit import verify
from smartborder.service.custody_models import AnomalyRow, CustodyEventRow, Ping
from smartborder.service.db import session_factory
from smartborder.service.models import AuditEntry
from tests.custody.journeys import ORIGIN, PORT, SEAL, START, declaration, event, track

MIN = dt.timedelta(minutes=1)


@pytest.fixture
def parties(token):  # type: ignore[no-untyped-def]
    return {
        "shipper": token("shipper", org="aceros"),
        "carrier": token("carrier", org="transnorte"),
        "officer": token("officer"),
        "admin": token("admin"),
        "other_shipper": token("shipper", org="other"),
        "other_carrier": token("carrier", org="elsewhere"),
        "applicant": token("applicant", subject="p1"),
        "booth": token("booth_officer"),
    }


def count(db_url: str, table: Any) -> int:
    with session_factory(db_url)() as session:
        return session.execute(select(func.count()).select_from(table)).scalar_one()


def declare(client: TestClient, who: dict[str, str], **changes: Any) -> str:
    response = client.post("/shipments", json=declaration(**changes), headers=who)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def post_event(
    client: TestClient, sid: str, who: dict[str, str], step: str, at: dt.datetime, lat: float, lon: float, **extra: Any
):  # type: ignore[no-untyped-def]
    return client.post(f"/shipments/{sid}/events", json=event(step, at, lat, lon, **extra), headers=who)


def pings(points: list, device: str = "dev-7") -> dict[str, Any]:
    return {"device_id": device, "pings": [{"at": t.isoformat(), "lat": lat, "lon": lon} for t, lat, lon in points]}


def sealed_and_departed(client: TestClient, p: dict) -> str:  # type: ignore[type-arg]
    sid = declare(client, p["shipper"])
    assert (
        post_event(
            client, sid, p["shipper"], "sealing", START - 10 * MIN, ORIGIN.lat, ORIGIN.lon, **{"sb:sealNumber": SEAL}
        ).status_code
        == 200
    )
    assert post_event(client, sid, p["carrier"], "departing", START, ORIGIN.lat, ORIGIN.lon).status_code == 200
    return sid


def test_the_worked_walk_declare_seal_ping_deviate_suspect(client: TestClient, parties: dict, db_url: str) -> None:
    sid = declare(client, parties["shipper"])
    custody = client.get(f"/shipments/{sid}/custody", headers=parties["shipper"]).json()
    assert custody["status"] == "suspect" and "no seal affixed yet" in custody["reasons"][0]
    assert (
        post_event(
            client,
            sid,
            parties["shipper"],
            "sealing",
            START - 10 * MIN,
            ORIGIN.lat,
            ORIGIN.lon,
            **{"sb:sealNumber": SEAL},
        ).json()["custody_status"]
        == "intact"
    )
    post_event(client, sid, parties["carrier"], "departing", START, ORIGIN.lat, ORIGIN.lon)
    on_route = track(60)
    reply = client.post(f"/shipments/{sid}/pings", json=pings(on_route), headers=parties["carrier"]).json()
    assert reply["accepted"] == 60 and reply["custody_status"] == "intact" and reply["phase"] == "in_transit"
    detour = [(t, lat, lon + 0.05) for t, lat, lon in track(80)[60:80]]  # ~5 km east of the route
    reply = client.post(f"/shipments/{sid}/pings", json=pings(detour), headers=parties["carrier"]).json()
    assert reply["custody_status"] == "suspect" and [a["kind"] for a in reply["anomalies"]] == ["off_corridor"]
    custody = client.get(f"/shipments/{sid}/custody", headers=parties["officer"]).json()
    assert custody["status"] == "suspect" and not custody["pre_inspected"]
    (finding,) = [a for a in custody["anomalies"] if not a["ongoing"]]
    assert finding["kind"] == "off_corridor" and finding["evidence"]["distance_m"] > 4000
    assert finding["evidence"]["buffer_m"] == 1000 and "left the planned corridor" in custody["reasons"][0]
    assert count(db_url, Ping) == 80 and count(db_url, AnomalyRow) == 1
    with session_factory(db_url)() as session:
        intact, entries, _ = verify(session)
    assert intact and entries >= 5


def test_an_intact_journey_is_pre_inspected(client: TestClient, parties: dict) -> None:
    sid = sealed_and_departed(client, parties)
    client.post(f"/shipments/{sid}/pings", json=pings(track()), headers=parties["carrier"])
    last = track()[-1][0]
    reply = post_event(client, sid, parties["carrier"], "arriving", last + MIN, PORT.lat, PORT.lon).json()
    assert reply["phase"] == "arrived"
    custody = client.get(f"/shipments/{sid}/custody", headers=parties["booth"]).json()
    assert custody["status"] == "intact" and custody["pre_inspected"], custody


# ---- roles -------------------------------------------------------------------------------------


def test_every_route_needs_a_token(client: TestClient, parties: dict) -> None:
    sid = declare(client, parties["shipper"])
    for method, path in [
        ("post", "/shipments"),
        ("get", "/shipments"),
        ("get", f"/shipments/{sid}"),
        ("get", f"/shipments/{sid}/custody"),
        ("post", f"/shipments/{sid}/events"),
        ("get", f"/shipments/{sid}/events"),
        ("post", f"/shipments/{sid}/pings"),
    ]:
        response = getattr(client, method)(path, **({"json": {}} if method == "post" else {}))
        assert response.status_code == 401, (method, path)
        assert response.json()["detail"][0]["field"] == "Authorization"
        bad = getattr(client, method)(
            path, headers={"Authorization": "Bearer sb_nope"}, **({"json": {}} if method == "post" else {})
        )
        assert bad.status_code == 401


@pytest.mark.parametrize("role", ["carrier", "officer", "applicant", "booth"])
def test_only_shippers_and_admins_declare(client: TestClient, parties: dict, role: str) -> None:
    assert client.post("/shipments", json=declaration(), headers=parties[role]).status_code == 403


def test_a_shipper_declares_only_for_itself(client: TestClient, parties: dict, token) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/shipments", json=declaration(shipper_org="other"), headers=parties["shipper"])
    assert response.status_code == 403 and response.json()["detail"][0]["field"] == "shipper_org"
    no_org = client.post("/shipments", json=declaration(), headers=token("shipper"))
    assert no_org.status_code == 403
    assert client.post("/shipments", json=declaration(), headers=parties["admin"]).status_code == 422
    assert (
        client.post("/shipments", json=declaration(shipper_org="aceros"), headers=parties["admin"]).status_code == 201
    )


def test_who_sees_what(client: TestClient, parties: dict) -> None:
    mine = declare(client, parties["shipper"])
    theirs = declare(client, parties["other_shipper"], carrier_org="elsewhere")
    listed = {
        r: {s["id"] for s in client.get("/shipments", headers=parties[r]).json()["items"]}
        for r in ("shipper", "other_shipper", "carrier", "other_carrier", "officer", "admin", "booth")
    }
    assert listed["shipper"] == {mine} and listed["other_shipper"] == {theirs}
    assert listed["carrier"] == {mine} and listed["other_carrier"] == {theirs}
    assert listed["officer"] == listed["admin"] == listed["booth"] == {mine, theirs}
    for path in (f"/shipments/{theirs}", f"/shipments/{theirs}/custody", f"/shipments/{theirs}/events"):
        assert client.get(path, headers=parties["shipper"]).status_code == 404
        assert client.get(path, headers=parties["carrier"]).status_code == 404
        assert client.get(path, headers=parties["officer"]).status_code == 200
    assert client.get("/shipments", headers=parties["applicant"]).status_code == 403


def test_who_may_post_events_and_pings(client: TestClient, parties: dict, db_url: str) -> None:
    sid = declare(client, parties["shipper"])
    one = pings(track(3))
    assert client.post(f"/shipments/{sid}/pings", json=one, headers=parties["shipper"]).status_code == 403
    assert client.post(f"/shipments/{sid}/pings", json=one, headers=parties["officer"]).status_code == 403
    assert client.post(f"/shipments/{sid}/pings", json=one, headers=parties["other_carrier"]).status_code == 404
    assert (
        post_event(client, sid, parties["other_shipper"], "sealing", START, ORIGIN.lat, ORIGIN.lon).status_code == 404
    )
    assert post_event(client, sid, parties["booth"], "sealing", START, ORIGIN.lat, ORIGIN.lon).status_code == 403
    inspect = post_event(client, sid, parties["carrier"], "inspecting", START, ORIGIN.lat, ORIGIN.lon)
    assert inspect.status_code == 403 and inspect.json()["detail"][0]["field"] == "event.bizStep"
    assert count(db_url, Ping) == 0 and count(db_url, CustodyEventRow) == 0
    assert post_event(client, sid, parties["officer"], "inspecting", START, ORIGIN.lat, ORIGIN.lon).status_code == 200
    assert client.post(f"/shipments/{sid}/pings", json=one, headers=parties["carrier"]).status_code == 200


# ---- idempotency ---------------------------------------------------------------------------------


def test_a_retried_event_is_recorded_once(client: TestClient, parties: dict, db_url: str) -> None:
    sid = declare(client, parties["shipper"])
    sealing = event("sealing", START, ORIGIN.lat, ORIGIN.lon, **{"sb:sealNumber": SEAL})
    first = client.post(f"/shipments/{sid}/events", json=sealing, headers=parties["shipper"]).json()
    again = client.post(
        f"/shipments/{sid}/events", json=dict(reversed(list(sealing.items()))), headers=parties["shipper"]
    ).json()
    assert (first["accepted"], again["accepted"], again["duplicates"]) == (1, 0, 1)
    batch = document([sealing, event("departing", START + MIN, ORIGIN.lat, ORIGIN.lon, eventID="urn:uuid:d-1")])
    for _ in range(2):
        reply = client.post(f"/shipments/{sid}/events", json=batch, headers=parties["carrier"]).json()
    assert (reply["accepted"], reply["duplicates"]) == (0, 2)
    assert count(db_url, CustodyEventRow) == 2
    exported = client.get(f"/shipments/{sid}/events", headers=parties["officer"]).json()
    EPCISDocument.model_validate(exported)
    ids = [e["eventID"] for e in exported["epcisBody"]["eventList"]]
    assert ids[0].startswith("ni:///sha-256;") and ids[1] == "urn:uuid:d-1"
    other = declare(client, parties["shipper"])
    clash = client.post(
        f"/shipments/{other}/events", json=batch["epcisBody"]["eventList"][1], headers=parties["shipper"]
    )
    assert clash.status_code == 409 and clash.json()["detail"][0]["field"] == "eventID"


def test_the_event_id_is_the_idempotency_key_when_given(client: TestClient, parties: dict, db_url: str) -> None:
    """Same content, different eventIDs: two events (two readers checked the seal the same
    minute). The CBV hash recognises only events sent without an eventID."""
    sid = declare(client, parties["shipper"])
    sealing = event("sealing", START, ORIGIN.lat, ORIGIN.lon, **{"sb:sealNumber": SEAL})
    assert client.post(f"/shipments/{sid}/events", json=sealing, headers=parties["shipper"]).json()["accepted"] == 1
    check = event("departing", START + MIN, ORIGIN.lat, ORIGIN.lon)
    replies = [
        client.post(
            f"/shipments/{sid}/events", json=dict(check, eventID=f"urn:uuid:reader-{n}"), headers=parties["carrier"]
        ).json()
        for n in (1, 2, 1)
    ]
    assert [(r["accepted"], r["duplicates"]) for r in replies] == [(1, 0), (1, 0), (0, 1)]
    assert count(db_url, CustodyEventRow) == 3


def test_a_retried_ping_batch_is_stored_once(client: TestClient, parties: dict, db_url: str) -> None:
    sid = sealed_and_departed(client, parties)
    points = track(30)
    assert (
        client.post(f"/shipments/{sid}/pings", json=pings(points[:20]), headers=parties["carrier"]).json()["accepted"]
        == 20
    )
    retry = client.post(f"/shipments/{sid}/pings", json=pings(points[:20]), headers=parties["carrier"]).json()
    assert (retry["accepted"], retry["duplicates"]) == (0, 20)
    overlap = client.post(
        f"/shipments/{sid}/pings", json=pings(list(reversed(points[10:30]))), headers=parties["carrier"]
    ).json()
    assert (overlap["accepted"], overlap["duplicates"]) == (10, 10)
    assert count(db_url, Ping) == 30
    custody = client.get(f"/shipments/{sid}/custody", headers=parties["carrier"]).json()
    assert custody["pings"] == 30 and custody["last_ping_at"] == points[29][0].isoformat()


def test_a_ping_at_null_island_is_stored_with_a_finite_distance(client: TestClient, parties: dict, db_url: str) -> None:
    """A device without a fix reports 0, 0. The batch is accepted (a 500 would make the device
    retry it forever) and the off-corridor evidence is a distance, not Infinity, which
    PostgreSQL's JSON refuses."""
    sid = sealed_and_departed(client, parties)
    points = track(6)
    t, _, _ = points[3]
    glitch = [*points[:3], (t, 0.0, 0.0), *points[4:]]
    reply = client.post(f"/shipments/{sid}/pings", json=pings(glitch), headers=parties["carrier"])
    assert reply.status_code == 200, reply.text
    assert reply.json()["accepted"] == 6 and [a["kind"] for a in reply.json()["anomalies"]] == ["off_corridor"]
    custody = client.get(f"/shipments/{sid}/custody", headers=parties["officer"]).json()
    (finding,) = [a for a in custody["anomalies"] if a["kind"] == "off_corridor"]
    assert 1.0e7 < finding["evidence"]["distance_m"] < 1.2e7
    assert count(db_url, Ping) == 6


# ---- every anomaly type through the service --------------------------------------------------------


def _detour(c, sid, p):  # type: ignore[no-untyped-def]
    return c.post(
        f"/shipments/{sid}/pings", json=pings([(t, a, b + 0.05) for t, a, b in track(5)]), headers=p["carrier"]
    )


def _stop(c, sid, p):  # type: ignore[no-untyped-def]
    t, a, b = track(60)[59]
    return c.post(
        f"/shipments/{sid}/pings",
        json=pings(track(59) + [(t + k * MIN, a, b) for k in range(40)]),
        headers=p["carrier"],
    )


def _gap(c, sid, p):  # type: ignore[no-untyped-def]
    return c.post(f"/shipments/{sid}/pings", json=pings(track(10) + track(60)[40:]), headers=p["carrier"])


def _overdue(c, sid, p):  # type: ignore[no-untyped-def]
    return post_event(c, sid, p["carrier"], "arriving", START + 7 * 60 * MIN, PORT.lat, PORT.lon)


def _seal_changed(c, sid, p):  # type: ignore[no-untyped-def]
    return post_event(
        c, sid, p["carrier"], "transporting", START + 30 * MIN, 26.4, -100.0, **{"sb:sealNumber": "TYD0000001"}
    )


def _seal_broken(c, sid, p):  # type: ignore[no-untyped-def]
    return post_event(c, sid, p["carrier"], "unsealing", START + 30 * MIN, 26.4, -100.0)


def _light(c, sid, p):  # type: ignore[no-untyped-def]
    return post_event(
        c,
        sid,
        p["carrier"],
        "sensor_reporting",
        START + 30 * MIN,
        26.4,
        -100.0,
        sensorElementList=[{"sensorReport": [{"type": "gs1:MT-Illuminance", "value": 5000.0, "uom": "LUX"}]}],
    )


@pytest.mark.parametrize(
    ("act", "kind", "status"),
    [
        (_detour, "off_corridor", "suspect"),
        (_stop, "unscheduled_stop", "suspect"),
        (_gap, "tracking_gap", "suspect"),
        (_overdue, "transit_overdue", "suspect"),
        (_seal_changed, "seal_changed", "broken"),
        (_seal_broken, "seal_broken", "broken"),
        (_light, "seal_broken", "broken"),
    ],
)
def test_each_anomaly_is_stored_with_evidence(client: TestClient, parties: dict, act, kind: str, status: str) -> None:  # type: ignore[no-untyped-def]
    sid = sealed_and_departed(client, parties)
    reply = act(client, sid, parties)
    assert reply.status_code == 200, reply.text
    custody = client.get(f"/shipments/{sid}/custody", headers=parties["officer"]).json()
    recorded = [a for a in custody["anomalies"] if not a["ongoing"]]
    assert [a["kind"] for a in recorded] == [kind] and recorded[0]["evidence"]
    assert custody["status"] == status and not custody["pre_inspected"]
    assert client.get(f"/shipments?custody_status={status}", headers=parties["officer"]).json()["total"] == 1


def test_custody_events_at_origin(client: TestClient, parties: dict) -> None:
    away = declare(client, parties["shipper"])
    reply = post_event(client, away, parties["shipper"], "sealing", START, 26.4, -100.0, **{"sb:sealNumber": SEAL})
    assert [a["kind"] for a in reply.json()["anomalies"]] == ["sealed_away_from_origin"]
    unsealed = declare(client, parties["shipper"])
    reply = post_event(client, unsealed, parties["carrier"], "departing", START, ORIGIN.lat, ORIGIN.lon)
    assert [a["kind"] for a in reply.json()["anomalies"]] == ["unsealed_departure"]


def test_an_ongoing_gap_shows_at_read_time(client: TestClient, parties: dict) -> None:
    sid = sealed_and_departed(client, parties)  # departed in March 2026, no pings since
    custody = client.get(f"/shipments/{sid}/custody", headers=parties["officer"]).json()
    assert {a["kind"] for a in custody["anomalies"] if a["ongoing"]} == {"tracking_gap", "transit_overdue"}
    assert custody["status"] == "suspect"


# ---- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"seal_number": "12-34"}, "seal_number", "ISO 17712"),
        ({"seal_class": "Z"}, "seal_class", "class H, S or I"),
        ({"container_id": "CSQU3054384"}, "container_id", "check digit"),
        ({"destination_port": "9999"}, "destination_port", "not a US–Mexico port code"),
        ({"route": {"type": "Point", "coordinates": [0, 0]}}, "route", "LineString"),
        ({"route": {"type": "LineString", "coordinates": [[-100, 25], [-100, 95]]}}, "route", "latitude 95.0"),
        (
            {"origin": {"facility_id": "F", "name": "x", "lat": 25.7, "lon": -200, "audit_status": "certified"}},
            "origin.lon",
            "greater than or equal to -180",
        ),
        (
            {"origin": {"facility_id": "F", "name": "x", "lat": 25.7, "lon": -100, "audit_status": "fine"}},
            "origin.audit_status",
            "certified",
        ),
        ({"expected_transit_min": 0}, "expected_transit_min", "greater than 0"),
        ({"thresholds": {"corridor_buffer_m": -5}}, "thresholds.corridor_buffer_m", "greater than 0"),
        ({"goods_value_usd": "-1"}, "goods_value_usd", "greater than or equal to 0"),
    ],
)
def test_bad_declarations_name_the_field(
    client: TestClient, parties: dict, db_url: str, changes: dict, field: str, problem: str
) -> None:
    before = count(db_url, AuditEntry)
    response = client.post("/shipments", json=declaration(**changes), headers=parties["shipper"])
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["field"] == field and problem in detail["problem"], detail
    assert count(db_url, AuditEntry) == before


def test_bad_events_and_pings_write_nothing(client: TestClient, parties: dict, db_url: str) -> None:
    sid = sealed_and_departed(client, parties)
    before = (count(db_url, CustodyEventRow), count(db_url, Ping), count(db_url, AuditEntry))
    good = event("transporting", START + 5 * MIN, 26.0, -100.1)
    cases = [
        ({"pings": []}, "type", "EPCIS"),
        (document([good, {**good, "eventTime": "2026-03-02T14:20:00"}]), "eventList.1.eventTime", "timezone"),
        (document([good, {**good, "readPoint": {"id": "geo:25,-190"}}]), "eventList.1.readPoint.id", "longitude"),
        (
            document([good, event("transporting", START - 60 * MIN, 26.0, -100.1)]),
            "eventList.1.eventTime",
            "earlier than the last recorded event",
        ),
        ({**good, "type": "TransformationEvent"}, "type", "ObjectEvent"),
    ]
    for body, field, problem in cases:
        response = client.post(f"/shipments/{sid}/events", json=body, headers=parties["carrier"])
        assert response.status_code == 422, response.text
        detail = response.json()["detail"][0]
        assert detail["field"] == field and problem in detail["problem"], (field, detail)
    client.post(f"/shipments/{sid}/pings", json=pings(track(10)), headers=parties["carrier"])
    before = (before[0], count(db_url, Ping), count(db_url, AuditEntry))
    late = pings([*track(20)[10:], (START - 5 * MIN, ORIGIN.lat, ORIGIN.lon)])
    for body, field, problem in [
        (late, "pings.10.at", "earlier than the last stored ping"),
        (pings([(START + 30 * MIN, 91.0, -100.0)]), "pings.0.lat", "less than or equal to 90"),
        (
            {"device_id": "d", "pings": [{"at": "2026-03-02T15:00:00", "lat": 26, "lon": -100}]},
            "pings.0.at",
            "timezone",
        ),
        ({"device_id": "d", "pings": []}, "pings", "at least 1"),
    ]:
        response = client.post(f"/shipments/{sid}/pings", json=body, headers=parties["carrier"])
        assert response.status_code == 422, response.text
        detail = response.json()["detail"][0]
        assert detail["field"] == field and problem in detail["problem"], (field, detail)
    assert (count(db_url, CustodyEventRow), count(db_url, Ping), count(db_url, AuditEntry)) == before
    unknown = client.post("/shipments/nope/pings", json=pings(track(2)), headers=parties["carrier"])
    assert unknown.status_code == 404 and unknown.json()["detail"][0]["field"] == "shipment_id"


def test_listing_is_paged_and_filtered(client: TestClient, parties: dict) -> None:
    ids = [declare(client, parties["shipper"]) for _ in range(3)]
    declare(client, parties["shipper"], destination_port="2506")
    page = client.get("/shipments?port=2304&limit=2", headers=parties["officer"]).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    rest = client.get("/shipments?port=2304&limit=2&offset=2", headers=parties["officer"]).json()
    assert {s["id"] for s in page["items"] + rest["items"]} == set(ids)
    assert client.get("/shipments?phase=declared", headers=parties["officer"]).json()["total"] == 4
    bad = client.get("/shipments?custody_status=fine", headers=parties["officer"])
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "query.custody_status"
