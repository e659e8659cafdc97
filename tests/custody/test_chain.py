"""The seal rules as a table: events in, findings out."""

import datetime as dt

import pytest

from smartborder.custody import CustodyInputError, CustodyState, apply_event, parse_event
from tests.custody.journeys import ORIGIN, PORT, SEAL, START, event, plan

H = dt.timedelta(hours=1)


def play(*steps, role="carrier"):  # type: ignore[no-untyped-def]
    """Apply (bizStep, hours after START, place, extra, role?) steps; return state and finding kinds."""
    p, state, kinds = plan(), CustodyState(), []
    for name, hours, place, *rest in steps:
        extra, who = (rest + [{}, role][len(rest) :])[:2]
        raw = event(name, START + hours * H, place.lat, place.lon, **extra)
        state, found = apply_event(p, state, parse_event(raw), who)
        kinds += [f.kind for f in found]
    return state, kinds


MIDWAY = type(ORIGIN)("midway", 26.4, -100.0)
SEALED = ("sealing", 0, ORIGIN, {"sb:sealNumber": SEAL}, "shipper")


@pytest.mark.parametrize(
    ("steps", "kinds", "status"),
    [
        # the lawful journey: sealed at origin, departs, arrives, inspected and re-sealed by an officer
        (
            [
                SEALED,
                ("departing", 0.2, ORIGIN),
                ("arriving", 3.5, PORT),
                ("inspecting", 3.7, PORT, {}, "officer"),
                ("unsealing", 3.8, PORT, {}, "officer"),
                ("sealing", 4.0, PORT, {"sb:sealNumber": "CBP7654321"}, "officer"),
                ("departing", 4.1, PORT, {"sb:sealNumber": "CBP7654321"}),
            ],
            [],
            None,
        ),
        # a different seal affixed than declared
        ([("sealing", 0, ORIGIN, {"sb:sealNumber": "TYD7777777"}, "shipper")], ["seal_changed"], "broken"),
        # sealed far from the origin facility
        ([("sealing", 0, MIDWAY, {"sb:sealNumber": SEAL}, "shipper")], ["sealed_away_from_origin"], "suspect"),
        # a later event reads another seal number
        ([SEALED, ("departing", 1, MIDWAY, {"sb:sealNumber": "TYD9999999"})], ["seal_changed"], "broken"),
        # the carrier opens the seal in transit
        ([SEALED, ("unsealing", 1, MIDWAY)], ["seal_broken"], "broken"),
        # light inside the container: doors opened
        (
            [
                SEALED,
                (
                    "transporting",
                    1,
                    MIDWAY,
                    {
                        "sensorElementList": [
                            {"sensorReport": [{"type": "gs1:MT-Illuminance", "value": 2400.0, "uom": "LUX"}]}
                        ]
                    },
                ),
            ],
            ["seal_broken"],
            "broken",
        ),
        # an electronic seal reporting itself broken
        (
            [
                SEALED,
                (
                    "transporting",
                    1,
                    MIDWAY,
                    {"sensorElementList": [{"sensorReport": [{"type": "sb:MT-SealIntact", "booleanValue": False}]}]},
                ),
            ],
            ["seal_broken"],
            "broken",
        ),
        # an officer opens it for inspection, doors open (light): lawful, not a break
        (
            [
                SEALED,
                ("arriving", 3.5, PORT),
                (
                    "unsealing",
                    3.8,
                    PORT,
                    {
                        "sensorElementList": [
                            {"sensorReport": [{"type": "gs1:MT-Illuminance", "value": 800.0, "uom": "LUX"}]}
                        ]
                    },
                    "officer",
                ),
            ],
            [],
            None,
        ),
        # the carrier opens it and the light sensor says so too: one break, not two
        (
            [
                SEALED,
                (
                    "unsealing",
                    1,
                    MIDWAY,
                    {
                        "sensorElementList": [
                            {"sensorReport": [{"type": "gs1:MT-Illuminance", "value": 800.0, "uom": "LUX"}]}
                        ]
                    },
                ),
            ],
            ["seal_broken"],
            "broken",
        ),
        # departing before any seal
        ([("departing", 0, ORIGIN)], ["unsealed_departure"], "suspect"),
        # arriving after the limit (240 min × 1.5)
        ([SEALED, ("departing", 0, ORIGIN), ("arriving", 6.5, PORT)], ["transit_overdue"], "suspect"),
    ],
)
def test_seal_rules(steps: list, kinds: list[str], status: str | None) -> None:
    state, found = play(*steps)
    assert found == kinds
    assert state.worst == status


def test_the_lawful_journey_ends_arrived_with_the_officers_seal() -> None:
    state, _ = play(
        SEALED,
        ("departing", 0.2, ORIGIN),
        ("arriving", 3.5, PORT),
        ("unsealing", 3.8, PORT, {}, "officer"),
        ("sealing", 4.0, PORT, {"sb:sealNumber": "CBP7654321"}, "officer"),
    )
    assert state.seal_number == "CBP7654321" and state.sealed and state.arrived_at == START + 3.5 * H
    assert state.phase == "arrived"


def test_arriving_away_from_the_port_does_not_end_transit() -> None:
    state, _ = play(SEALED, ("departing", 0.2, ORIGIN), ("arriving", 1, MIDWAY))
    assert state.arrived_at is None and state.phase == "in_transit"


def test_events_out_of_time_order_are_refused() -> None:
    state, _ = play(SEALED, ("departing", 2, ORIGIN))
    late = parse_event(event("transporting", START + H, MIDWAY.lat, MIDWAY.lon))
    with pytest.raises(CustodyInputError) as err:
        apply_event(plan(), state, late, "carrier")
    assert err.value.field == "event.eventTime" and "earlier than the last recorded event" in err.value.problem
