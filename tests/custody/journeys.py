"""A worked journey: a plant in Apodaca (Monterrey) to the Laredo port of entry, and helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from smartborder.custody import Place, Plan, Route, Thresholds
from smartborder.custody.journey import along

ROUTE_POINTS = [(-100.19, 25.78), (-100.0, 26.4), (-99.75, 27.0), (-99.507, 27.5)]
ROUTE = {"type": "LineString", "coordinates": [list(p) for p in ROUTE_POINTS]}
ORIGIN = Place("Apodaca plant", 25.78, -100.19)
PORT = Place("Laredo, TX (2304)", 27.5, -99.507)
START = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)
SEAL = "TYD1234567"


def plan(**thresholds: float) -> Plan:
    return Plan(
        Route.from_geojson(ROUTE), ORIGIN, PORT, SEAL, dt.timedelta(minutes=240), thresholds=Thresholds(**thresholds)
    )


def track(minutes: int | None = None, start: dt.datetime = START) -> list[tuple[dt.datetime, float, float]]:
    """One ping a minute along the route at 70 km/h (about 215 km, 3 h)."""
    points = along(ROUTE_POINTS, start)
    return points if minutes is None else points[:minutes]


def event(step: str, at: dt.datetime, lat: float, lon: float, **extra: Any) -> dict[str, Any]:
    """An EPCIS 2.0 ObjectEvent about the shipment's trailer."""
    return {
        "type": "ObjectEvent",
        "eventTime": at.isoformat(),
        "eventTimeZoneOffset": "+00:00",
        "epcList": ["urn:epc:id:giai:0614141.TRAILER42"],
        "action": "OBSERVE",
        "bizStep": step,
        "readPoint": {"id": f"geo:{lat},{lon}"},
        **extra,
    }


def declaration(**changes: Any) -> dict[str, Any]:
    body = {
        "consignor": "Aceros del Norte SA de CV",
        "consignee": "Gulf Fabrication LLC",
        "carrier_org": "transnorte",
        "container_id": "CSQU3054383",
        "seal_number": SEAL,
        "seal_class": "H",
        "goods_description": "hot-rolled steel coils",
        "goods_value_usd": "182500.00",
        "origin": {
            "facility_id": "MX-NL-0042",
            "name": ORIGIN.name,
            "lat": ORIGIN.lat,
            "lon": ORIGIN.lon,
            "audit_status": "certified",
        },
        "route": ROUTE,
        "destination_port": "2304",
        "expected_transit_min": 240,
    }
    body.update(changes)
    return body
