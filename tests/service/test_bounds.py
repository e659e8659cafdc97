"""Bounds on what a request may hold, each refused with a 4xx naming the field (never a 500, never
stored): times in the far future or past, numbers for times, NUL bytes, huge offsets, bodies that
are not JSON, nested absurdly deep, or too large. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from smartborder.service.app import create_app
from smartborder.service.custody_models import CustodyEventRow, Ping
from smartborder.service.settings import Settings
from smartborder.timestamps import future_problem
from tests.custody.journeys import ORIGIN, SEAL, START, event
from tests.service import test_custody_api
from tests.service.test_custody_api import count, declare, sealed_and_departed

parties = test_custody_api.parties  # the fixture, by the name the tests ask for

NOW = dt.datetime.now(dt.UTC)


def problem(response) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    first = response.json()["detail"][0]
    return response.status_code, first["field"], first["problem"]


def one_ping(at: object) -> dict[str, object]:
    return {"device_id": "dev-7", "pings": [{"at": at, "lat": ORIGIN.lat, "lon": ORIGIN.lon}]}


@pytest.mark.parametrize(
    ("at", "words"),
    [
        ("9999-12-31T23:59:59+00:00", "outside the years"),
        ((NOW + dt.timedelta(minutes=30)).isoformat(), "ahead of the server's clock"),
        ("1969-12-31T23:00:00-05:00", "outside the years"),
        ("0001-01-01T00:00:00+05:00", "outside the years"),
        (1767225600, "expected an ISO 8601 date-time text"),
        (True, "expected an ISO 8601 date-time text"),
        ("2026-13-01T00:00:00Z", "month"),
        ("2026-02-30T00:00:00Z", "day"),
        ("2026-08-20T14:00:00", "timezone"),
    ],
)
def test_a_ping_time_out_of_bounds_is_refused_and_nothing_is_stored(
    client: TestClient,
    parties: dict,
    db_url: str,
    at: object,
    words: str,
) -> None:
    sid = sealed_and_departed(client, parties)
    response = client.post(f"/shipments/{sid}/pings", json=one_ping(at), headers=parties["carrier"])
    status, field, text = problem(response)
    assert (status, field) == (422, "pings.0.at") and words in text, text
    assert count(db_url, Ping) == 0
    # and the real pings that follow are still taken
    later = client.post(
        f"/shipments/{sid}/pings",
        json=one_ping((START + dt.timedelta(minutes=5)).isoformat()),
        headers=parties["carrier"],
    )
    assert later.status_code == 200 and later.json()["accepted"] == 1


def test_a_device_clock_a_little_ahead_is_accepted(client: TestClient, parties: dict) -> None:
    sid = sealed_and_departed(client, parties)
    soon = (NOW + dt.timedelta(minutes=5)).isoformat()
    assert client.post(f"/shipments/{sid}/pings", json=one_ping(soon), headers=parties["carrier"]).status_code == 200


def test_an_event_in_the_far_future_is_refused(client: TestClient, parties: dict, db_url: str) -> None:
    sid = declare(client, parties["shipper"])
    future = event("sealing", dt.datetime(9000, 1, 1, tzinfo=dt.UTC), ORIGIN.lat, ORIGIN.lon, **{"sb:sealNumber": SEAL})
    status, field, text = problem(client.post(f"/shipments/{sid}/events", json=future, headers=parties["shipper"]))
    assert (status, field) == (422, "event.eventTime") and "days ahead" in text
    numeric = dict(event("sealing", START, ORIGIN.lat, ORIGIN.lon, **{"sb:sealNumber": SEAL}), eventTime=1767225600)
    status, field, _ = problem(client.post(f"/shipments/{sid}/events", json=numeric, headers=parties["shipper"]))
    assert (status, field) == (422, "event.eventTime")
    assert count(db_url, CustodyEventRow) == 0


def test_nul_bytes_are_refused_naming_the_field(client: TestClient, parties: dict, db_url: str) -> None:
    body = {"person_id": "p\u00001", "background_check": "passed"}
    status, field, text = problem(client.post("/persons", json=body, headers=parties["officer"]))
    assert (status, field) == (422, "person_id") and "NUL" in text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/persons/p%001", "path"),
        ("/shipments/abc%00def/custody", "path"),
        ("/persons/p1/eligibility?question=renew%00&on=2027-01-01", "query.question"),
        ("/shipments?offset=%00", "query.offset"),
    ],
)
def test_nul_in_the_path_or_the_query_is_a_422_naming_it(
    client: TestClient,
    parties: dict,
    url: str,
    field: str,
) -> None:
    """PostgreSQL text cannot hold a NUL: refused before any route sees it, on every method."""
    status, where, text = problem(client.get(url, headers=parties["officer"]))
    assert (status, where) == (422, field) and "NUL" in text
    status, where, _ = problem(client.post(url, json={}, headers=parties["officer"]))
    assert (status, where) == (422, field)


@pytest.mark.parametrize("media_type", ["application/JSON", "Application/Json; charset=UTF-8", "APPLICATION/LD+JSON"])
def test_json_in_any_spelling_is_guarded(
    client: TestClient,
    parties: dict,
    db_url: str,
    media_type: str,
) -> None:
    """The body guard reads the media type as HTTP does, without regard to case: a NUL or a
    deep nesting is refused whatever the spelling."""
    headers = {**parties["officer"], "content-type": media_type}
    body = b'{"person_id": "p\\u00001", "background_check": "passed"}'  # JSON escape of NUL
    status, field, text = problem(client.post("/persons", content=body, headers=headers))
    assert (status, field) == (422, "person_id") and "NUL" in text
    deep = b"[" * 10_000 + b"]" * 10_000
    status, field, text = problem(client.post("/persons", content=deep, headers=headers))
    assert (status, field) == (400, "body") and "nested deeper" in text


def test_a_huge_offset_is_a_422(client: TestClient, parties: dict) -> None:
    response = client.get("/shipments", params={"offset": 10**20}, headers=parties["officer"])
    status, field, _ = problem(response)
    assert (status, field) == (422, "query.offset")


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b'{"person_id": "p1",', 400, "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, 400, "nested deeper than 32"),
        (b'{"person_id": "\xff"}', 400, "not UTF-8"),
    ],
)
def test_bodies_that_are_not_json_name_the_body(
    client: TestClient,
    parties: dict,
    body: bytes,
    status: int,
    words: str,
) -> None:
    response = client.post("/persons", content=body, headers={**parties["officer"], "content-type": "application/json"})
    got, field, text = problem(response)
    assert (got, field) == (status, "body") and words in text, text


@pytest.fixture
def small_client(db_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(settings=Settings(database_url=db_url, max_body_bytes=4096))) as client:
        yield client


def test_a_body_over_the_limit_is_a_413(small_client: TestClient) -> None:
    huge = b'{"person_id": "' + b"x" * 10_000 + b'"}'
    got, field, text = problem(
        small_client.post("/persons", content=huge, headers={"content-type": "application/json"})
    )
    assert (got, field) == (413, "body") and "4,096" in text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"person_id": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    got, field, _ = problem(
        small_client.post("/persons", content=chunks(), headers={"content-type": "application/json"})
    )
    assert (got, field) == (413, "body")


def test_future_problem_words() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    skew = dt.timedelta(minutes=10)
    assert future_problem(now + skew, now, skew) is None
    assert "11 min ahead" in (future_problem(now + dt.timedelta(minutes=11), now, skew) or "")


def test_a_negative_certified_crossings_is_a_422_naming_it(client: TestClient, parties: dict) -> None:
    """It answered 500 (a model built inside the route refused it)."""
    assert (
        client.post(
            "/persons", json={"person_id": "p1", "background_check": "passed"}, headers=parties["officer"]
        ).status_code
        == 201
    )
    response = client.get(
        "/persons/p1/eligibility",
        headers=parties["officer"],
        params={
            "question": "resident-permit",
            "on": "2025-01-01",
            "announced": "2024-01-01",
            "certified_crossings": -1,
        },
    )
    status, field, _ = problem(response)
    assert (status, field) == (422, "query.certified_crossings")


@pytest.mark.parametrize(
    ("on", "words"),
    [
        ("0", "expected a date as text YYYY-MM-DD"),
        ("true", "expected a date as text YYYY-MM-DD"),
        ("1767225600", "expected a date as text YYYY-MM-DD"),
        ("9999-12-31", "outside the years 1900..2199"),
        ("0001-01-01", "outside the years"),
    ],
)
def test_a_day_asked_is_an_iso_date_in_the_years_of_people(
    client: TestClient,
    parties: dict,
    on: str,
    words: str,
) -> None:
    """Numbers and booleans are not days (pydantic would read 0 as 1970-01-01), and years like
    0001 or 9999 are slips or attempts to game the cap's order: 422 naming the field."""
    assert (
        client.post(
            "/persons", json={"person_id": "p1", "background_check": "passed"}, headers=parties["officer"]
        ).status_code
        == 201
    )
    response = client.get("/persons/p1/eligibility", params={"question": "apply", "on": on}, headers=parties["officer"])
    status, field, text = problem(response)
    assert (status, field) == (422, "query.on") and words in text, text
    record = {"kind": "employment", "start": on if not on.isdigit() or len(on) > 4 else int(on)}
    status, field, text = problem(client.post("/persons/p1/records", json=record, headers=parties["officer"]))
    assert (status, field) == (422, "start") and words in text, text


def test_a_name_given_twice_is_found_at_any_depth() -> None:
    import json

    from smartborder.service.guard import repeated_name

    def where(text: str) -> str | None:
        return repeated_name(json.loads(text, object_pairs_hook=list))

    assert where('{"a": 1, "b": {"c": 2}}') is None
    assert where('{"a": 1, "a": 2}') == "a"
    assert where('{"pings": [{"lat": 1}, {"lat": 1, "lon": 2, "lat": 3}]}') == "pings.1.lat"
    assert where('[[1, 2], {"x": [{"y": 1, "y": 1}]}]') == "1.x.0.y"
    assert where('{"a": {}, "b": [], "c": [[["k", 1], ["k", 2]]]}') is None  # arrays of pairs are data


def test_a_body_naming_a_field_twice_is_a_422(client: TestClient, parties: dict) -> None:
    body = b'{"person_id": "p1", "background_check": "passed", "person_id": "p2"}'
    headers = {**parties["officer"], "content-type": "application/json"}
    status, field, text = problem(client.post("/persons", content=body, headers=headers))
    assert (status, field) == (422, "person_id") and "given twice" in text
    assert client.get("/persons/p2", headers=parties["officer"]).status_code == 404  # nothing stored
