"""Records the dashboard's operations views show, made over HTTP as the services' users make
them: shipments whose custody turns suspect (off the corridor) and broken (a seal opened on the
road), arrivals decided at the booth with inspection outcomes, and permit applications."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import httpx2 as httpx

from tests.custody.journeys import ROUTE_POINTS, declaration, event


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def seed(base: str, admin: str, carrier: str) -> dict[str, Any]:
    """What the operations views will list; returns the ids made. *carrier* is a carrier token
    for org ``transnorte`` (a seal opened by the carrier on the road breaks custody)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    start = now - dt.timedelta(minutes=40)
    made: dict[str, Any] = {"shipments": [], "arrivals": [], "applications": []}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}, timeout=30) as client:
        for detour, broken in ((0.05, False), (0.0, True)):
            shipment = _ok(client.post("/shipments", json=declaration(shipper_org="aceros")))["id"]
            made["shipments"].append(shipment)
            lat0, lon0 = ROUTE_POINTS[0][1], ROUTE_POINTS[0][0]
            _ok(
                client.post(
                    f"/shipments/{shipment}/events",
                    json=event(
                        "sealing",
                        start,
                        lat0,
                        lon0,
                        eventID=f"urn:uuid:{uuid.uuid4()}",
                        **{"sb:sealNumber": "TYD1234567"},
                    ),
                )
            )
            _ok(
                client.post(
                    f"/shipments/{shipment}/events",
                    json=event(
                        "departing", start + dt.timedelta(minutes=2), lat0, lon0, eventID=f"urn:uuid:{uuid.uuid4()}"
                    ),
                )
            )
            pings: list[dict[str, Any]] = []
            for k in range(1, 25):
                f = 0.015 * k
                lat, lon = 25.78 + 0.62 * f, -100.19 + 0.19 * f + (detour if k > 12 else 0.0)
                pings.append(
                    {
                        "at": (start + dt.timedelta(minutes=2 + k)).isoformat(),
                        "lat": round(lat, 5),
                        "lon": round(lon, 5),
                    }
                )
            _ok(client.post(f"/shipments/{shipment}/pings", json={"device_id": "tn-unit-0042", "pings": pings}))
            if broken:
                last = pings[-1]
                _ok(
                    client.post(
                        f"/shipments/{shipment}/events",
                        headers={"Authorization": f"Bearer {carrier}"},
                        json=event(
                            "unsealing",
                            start + dt.timedelta(minutes=28),
                            last["lat"],
                            last["lon"],
                            eventID=f"urn:uuid:{uuid.uuid4()}",
                        ),
                    )
                )
        for k, shipment in enumerate(made["shipments"] * 3):
            arrival = _ok(client.post("/arrivals", json={"shipment_id": shipment, "port": "2304"}))
            made["arrivals"].append(arrival["arrival_id"])
            _ok(client.post(f"/arrivals/{arrival['arrival_id']}/outcome", json={"found": k % 2 == 0}))
        for k in range(3):
            person = f"p{k}"
            _ok(client.post("/persons", json={"person_id": person, "background_check": "passed"}))
            application = _ok(
                client.post(
                    "/applications",
                    json={
                        "person_id": person,
                        "kind": "work_permit",
                        "skill": "skilled",
                        "filed": (now.date() - dt.timedelta(days=10 - k)).isoformat(),
                    },
                )
            )
            made["applications"].append(application["id"])
    return made
