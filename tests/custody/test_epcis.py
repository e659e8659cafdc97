import datetime as dt

import pytest

from smartborder.custody import CustodyInputError, event_hashes, events_of, parse_event
from smartborder.custody.epcis import EPCISDocument, biz_step_name, document
from tests.custody.journeys import START, event


def test_bizstep_forms_of_cbv_2() -> None:
    for form in (
        "sealing",
        "urn:epcglobal:cbv:bizstep:sealing",
        "https://ref.gs1.org/cbv/BizStep-sealing",
        "cbv:BizStep-sealing",
    ):
        assert biz_step_name(form) == "sealing"
    with pytest.raises(CustodyInputError, match=r"not a CBV 2\.0 business step"):
        biz_step_name("teleporting")


def test_event_fields_read_for_custody() -> None:
    raw = event(
        "sealing",
        START,
        25.78,
        -100.19,
        **{
            "sb:sealNumber": "tyd-1234567",
            "sensorElementList": [
                {
                    "sensorReport": [
                        {"type": "gs1:MT-Illuminance", "value": 3.5, "uom": "LUX"},
                        {"type": "sb:MT-SealIntact", "booleanValue": True},
                    ]
                }
            ],
        },
    )
    parsed = parse_event(raw)
    assert (parsed.biz_step, parsed.lat, parsed.lon, parsed.seal_number) == ("sealing", 25.78, -100.19, "TYD1234567")
    assert parsed.light_lux == 3.5 and parsed.seal_intact is True
    assert parsed.event_time == START and parsed.raw == raw


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"eventTime": "2026-03-02T14:00:00"}, "event.eventTime", "timezone"),
        ({"eventTimeZoneOffset": "6h"}, "event.eventTimeZoneOffset", "pattern"),
        ({"bizStep": "flying"}, "event.bizStep", "CBV"),
        ({"readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0"}}, "event.readPoint.id", "geo:"),
        ({"readPoint": {"id": "geo:91.0,-100.0"}}, "event.readPoint.id", "latitude"),
        ({"readPoint": {"id": "geo:25.0,-181.0"}}, "event.readPoint.id", "longitude"),
        ({"epcList": []}, "event", "epcList or quantityList"),
        ({"action": "MOVE"}, "event.action", "ADD"),
        ({"type": "AggregationEvent"}, "event.type", "ObjectEvent"),
        ({"sb:sealNumber": "123"}, "event.sb:sealNumber", "ISO 17712"),
    ],
)
def test_bad_events_name_the_field(change: dict, field: str, problem: str) -> None:
    with pytest.raises(CustodyInputError) as err:
        parse_event({**event("sealing", START, 25.78, -100.19), **change})
    assert err.value.field == field and problem in err.value.problem


def test_bodies_one_event_or_a_document() -> None:
    one = event("departing", START, 25.78, -100.19)
    assert events_of(one) == [one]
    doc = document([one, one])
    assert events_of(doc) == [one, one]
    EPCISDocument.model_validate(doc)
    with pytest.raises(CustodyInputError, match="EPCISDocument"):
        events_of({"pings": []})
    with pytest.raises(CustodyInputError) as err:
        events_of({**doc, "schemaVersion": "1.2"})
    assert err.value.field == "document.schemaVersion"


def test_event_hash_is_the_cbv_hash_and_ignores_layout_and_event_id() -> None:
    a = event("departing", START, 25.78, -100.19)
    b = dict(reversed(list(a.items())), eventID="urn:uuid:5b0b5bd4-6b36-4d5b-8b3a-0b7e6d1f2c11")
    c = event("departing", START + dt.timedelta(seconds=1), 25.78, -100.19)
    ha, hb, hc = event_hashes([a, b, c])
    assert ha.startswith("ni:///sha-256;") and ha.endswith("?ver=CBV2.0")
    assert ha == hb and ha != hc
