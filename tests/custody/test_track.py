"""The GPS track rules: each anomaly on a journey made to show it, and none on a clean one."""

import datetime as dt
import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder.custody import CustodyState, scan
from tests.custody.journeys import START, plan, track

MIN = dt.timedelta(minutes=1)


def run(points, state=None, p=None, batches=None):  # type: ignore[no-untyped-def]
    p = p or plan()
    state = state or CustodyState(departed_at=START)
    found = []
    cuts = [0, *(batches or []), len(points)]
    for a, b in itertools.pairwise(cuts):
        chunk = points[a:b]
        state, new = scan(
            p, state, [t for t, _, _ in chunk], np.array([x for _, x, _ in chunk]), np.array([y for _, _, y in chunk])
        )
        found += new
    return state, found


def test_a_clean_journey_has_no_anomaly() -> None:
    state, found = run(track())
    assert found == []
    assert state.pings == len(track()) and state.worst is None and not state.off_corridor


def test_leaving_the_corridor_is_one_anomaly_per_excursion() -> None:
    points = track(120)
    # 20 minutes about 3 km east of the route, back, then again later
    detour = [(t, lat, lon + 0.03 if 40 <= i < 60 or 90 <= i < 95 else lon) for i, (t, lat, lon) in enumerate(points)]
    _, found = run(detour)
    assert [a.kind for a in found] == ["off_corridor", "off_corridor"]
    first = found[0]
    assert first.at == points[40][0] and first.severity == "suspect"
    assert 2500 < first.evidence["distance_m"] < 3200 and first.evidence["buffer_m"] == 1000
    # a wider corridor tolerates it
    assert run(detour, p=plan(corridor_buffer_m=5000))[1] == []


def test_an_unscheduled_stop_longer_than_the_limit() -> None:
    points = track(100)
    t50, lat, lon = points[50]
    stopped = points[:50] + [(t50 + k * MIN, lat + 0.0003 * (k % 2), lon) for k in range(45)]  # jitter ~33 m
    stopped += [(t + 45 * MIN, a, b) for t, a, b in points[51:]]
    _, found = run(stopped)
    assert [a.kind for a in found] == ["unscheduled_stop"]
    assert found[0].at == t50 and found[0].evidence["minutes_so_far"] > 30
    # 25 minutes is under the limit
    short = (
        points[:50] + [(t50 + k * MIN, lat, lon) for k in range(25)] + [(t + 25 * MIN, a, b) for t, a, b in points[51:]]
    )
    assert run(short)[1] == []


def test_a_long_stop_at_a_scheduled_place_is_not_an_anomaly() -> None:
    t, lat, lon = START, 25.78, -100.19  # at the origin facility
    waiting = [(t + k * MIN, lat, lon) for k in range(90)] + [
        (t + (90 + k) * MIN, a, b) for k, (_, a, b) in enumerate(track(30)[1:])
    ]
    assert run(waiting)[1] == []


def test_a_tracking_gap() -> None:
    points = track(100)
    gappy = points[:30] + points[50:]  # 21 minutes from the 30th ping to the next
    _, found = run(gappy)
    assert [a.kind for a in found] == ["tracking_gap"]
    assert found[0].evidence["minutes"] == 21.0 and found[0].at == points[29][0]
    assert run(gappy, p=plan(gap_minutes=25))[1] == []


def test_the_first_ping_long_after_departure_is_a_gap() -> None:
    late = [(t + 30 * MIN, a, b) for t, a, b in track(10)]
    _, found = run(late)
    assert [a.kind for a in found] == ["tracking_gap"] and found[0].evidence["from"] == START.isoformat()


def test_overdue_transit_is_flagged_once() -> None:
    p = plan()  # 240 min expected, limit 360
    slow = [(START + k * 3 * MIN, lat, lon) for k, (_, lat, lon) in enumerate(track())]  # 23 km/h: ~9 h
    state, found = run(slow, p=p)
    assert [a.kind for a in found] == ["transit_overdue"]
    assert found[0].evidence["limit_minutes"] == 360 and found[0].evidence["elapsed_minutes"] > 360
    assert state.overdue_flagged


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=179), max_size=6, unique=True))
def test_batches_do_not_change_what_is_found(cuts: list[int]) -> None:
    """Ingest is incremental: any split of a track into batches finds exactly what one scan finds."""
    points = track()
    messy = [(t, lat, lon + (0.03 if 40 <= i < 60 else 0)) for i, (t, lat, lon) in enumerate(points)]
    messy = (
        messy[:100]
        + [(messy[100][0] + k * MIN, messy[100][1], messy[100][2]) for k in range(40)]
        + [(t + 40 * MIN, a, b) for t, a, b in messy[101:130]]
        + [(t + 60 * MIN, a, b) for t, a, b in messy[150:]]
    )
    whole_state, whole = run(messy)
    split_state, split = run(messy, batches=sorted(c for c in cuts if c < len(messy)))
    assert [(a.kind, a.at, a.evidence) for a in split] == [(a.kind, a.at, a.evidence) for a in whole]
    assert split_state == whole_state
    assert {a.kind for a in whole} == {"off_corridor", "unscheduled_stop", "tracking_gap"}


def test_pings_from_the_plant_yard_before_departure_are_not_transit() -> None:
    """A device reporting from the origin for hours before departing is neither overdue nor a gap."""
    yard = [(START + k * 5 * MIN, 25.7801, -100.1901) for k in range(72)]  # 6 h at the plant; 240 min expected
    later = START + 72 * 5 * MIN
    trip = [(later + k * MIN, lat, lon) for k, (_, lat, lon) in enumerate(track(120)[5:])]
    state, found = run(yard + trip, state=CustodyState())
    assert found == [] and state.first_ping_at == trip[0][0]


def test_after_arrival_the_corridor_and_stops_no_longer_apply() -> None:
    arrived = CustodyState(departed_at=START, arrived_at=START + 200 * MIN)
    beyond = [(START + (201 + k) * MIN, 27.6 + 0.01 * k, -99.4) for k in range(60)]  # onward, off the route
    parked = [(START + (261 + k) * MIN, 27.6, -99.4) for k in range(60)]
    assert run(beyond + parked, state=arrived)[1] == []


def test_a_ping_at_null_island_is_far_off_the_corridor_not_infinitely() -> None:
    """A device that loses its fix reports 0, 0: the route's UTM projection cannot place it, and
    the distance is the great-circle one to the route (about 11,000 km from Laredo), never
    infinity, which no JSON store accepts."""
    points = track(10)
    t, _, _ = points[5]
    glitch = [*points[:5], (t, 0.0, 0.0), *points[6:]]
    state, found = run(glitch)
    (off,) = [a for a in found if a.kind == "off_corridor"]
    assert off.at == t and np.isfinite(off.evidence["distance_m"])
    assert 1.0e7 < off.evidence["distance_m"] < 1.2e7
    assert state.pings == 10
