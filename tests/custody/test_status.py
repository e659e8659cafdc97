import datetime as dt

from smartborder.custody import Anomaly, CustodyState, explain, ongoing, status_of
from tests.custody.journeys import SEAL, START, plan

H = dt.timedelta(hours=1)
SEALED = CustodyState(seal_number=SEAL, sealed=True, sealed_at=START)


def test_unsealed_shipments_cannot_be_vouched_for() -> None:
    assert status_of([], CustodyState()) == "suspect"
    assert status_of([], SEALED) == "intact"


def test_the_worst_finding_decides() -> None:
    stop = Anomaly("unscheduled_stop", START, {})
    broken = Anomaly("seal_broken", START, {})
    assert status_of([stop], SEALED) == "suspect"
    assert status_of([stop, broken], SEALED) == "broken"
    assert status_of([], SEALED.noting([broken])) == "broken"
    assert SEALED.noting([broken]).noting([stop]).worst == "broken"


def test_ongoing_gap_and_overdue_are_reported_at_read_time() -> None:
    state = SEALED.model_copy(update={"departed_at": START, "first_ping_at": START, "last_ping_at": START + H})
    assert ongoing(plan(), state, START + H + dt.timedelta(minutes=10)) == []
    gap = ongoing(plan(), state, START + 2 * H)
    assert [a.kind for a in gap] == ["tracking_gap"] and gap[0].ongoing and gap[0].evidence["minutes"] == 60.0
    late = ongoing(plan(), state, START + 7 * H)
    assert [a.kind for a in late] == ["tracking_gap", "transit_overdue"]
    arrived = state.model_copy(update={"arrived_at": START + 3 * H})
    assert ongoing(plan(), arrived, START + 7 * H) == []


def test_pre_inspection_needs_intact_custody_a_class_h_seal_and_a_certified_origin() -> None:
    now = START
    ok = explain(plan(), SEALED, [], "H", "certified", now)
    assert ok.status == "intact" and ok.pre_inspected
    for seal_class, audit, findings, why in [
        ("S", "certified", [], "seal class S"),
        ("H", "lapsed", [], "audit status is lapsed"),
        ("H", "certified", [Anomaly("off_corridor", START, {"distance_m": 3000})], "custody is suspect"),
    ]:
        answer = explain(plan(), SEALED.noting(findings), findings, seal_class, audit, now)
        assert not answer.pre_inspected and any(why in reason for reason in answer.pre_inspection)
    suspect = explain(
        plan(),
        SEALED.noting([Anomaly("off_corridor", START, {})]),
        [Anomaly("off_corridor", START, {})],
        "H",
        "certified",
        now,
    )
    assert suspect.reasons == [f"left the planned corridor at {START.isoformat()}"]
