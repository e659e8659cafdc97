"""Scores, channels, lanes and the budget fit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder import targeting
from smartborder.targeting import ChannelPolicy, TargetingError
from smartborder.targeting.channel import _threshold
from smartborder.targeting.score import BLUE, GREEN, RED, YELLOW, Scores

PROFILES = targeting.load()
TRUSTED = {
    "kind": "shipment",
    "trusted": True,
    "program": "FAST",
    "custody": "intact",
    "facility_audited": True,
    "goods": "manufactured",
    "shipper_history": "established",
    "carrier_history": "established",
    "months_since_certification": 30,
}
STRICT = ChannelPolicy(red_threshold=0.001, yellow_threshold=0.0008, random_rate=0.0)


def one(**attributes: object) -> tuple[dict[str, np.ndarray], Scores]:
    columns = targeting.from_records([attributes])
    return columns, targeting.score(columns, PROFILES, keep_matches=True)


def test_trusted_intact_audited_shipment_goes_green_through_fast() -> None:
    columns, scores = one(**TRUSTED)
    assert scores.score[0] == pytest.approx(PROFILES.background_hit_rate)
    assert targeting.reasons(PROFILES, scores) == []
    decisions = targeting.decide(columns, scores, STRICT, np.full(1, 0.5))
    assert targeting.CHANNELS[decisions.channel[0]] == "green"
    assert decisions.lane is not None and decisions.lane[0] == "FAST"


@pytest.mark.parametrize("threshold", [0.0, 0.5, 1.0, np.inf])
def test_a_broken_seal_goes_red_whatever_its_score(threshold: float) -> None:
    columns, scores = one(**{**TRUSTED, "custody": "broken"})
    policy = ChannelPolicy(red_threshold=threshold, yellow_threshold=threshold, random_rate=0.0)
    decisions = targeting.decide(columns, scores, policy, np.full(1, 0.999))
    assert decisions.channel[0] == RED and not decisions.random[0]
    assert decisions.lane is not None and decisions.lane[0] == "standard"  # custody failed: no FAST lane
    assert targeting.reasons(PROFILES, scores)[0]["profile"] == "seal_broken"


def test_score_combines_matched_profiles_as_noisy_or() -> None:
    _, scores = one(kind="shipment", shipper_history="violation", route_anomaly=True)
    h = [PROFILES.profile(p).hit_rate.mean for p in ("shipper_violation", "route_anomaly")]
    expected = 1 - (1 - PROFILES.background_hit_rate) * (1 - h[0]) * (1 - h[1])
    assert scores.score[0] == pytest.approx(expected)
    assert [r["profile"] for r in targeting.reasons(PROFILES, scores)] == ["shipper_violation", "route_anomaly"]


def test_channels_by_threshold_and_trust() -> None:
    columns = targeting.from_records([{"trusted": False}, {"trusted": True}, {"trusted": False}, {}])
    scores = Scores(np.array([0.05, 0.005, 0.005, 0.0001]), np.full(4, -1, dtype=np.int8))
    policy = ChannelPolicy(red_threshold=0.01, yellow_threshold=0.004, random_rate=0.0)
    channel = targeting.decide(columns, scores, policy, np.full(4, 0.5)).channel
    assert list(channel) == [RED, BLUE, YELLOW, GREEN]


def test_lanes_follow_programs() -> None:
    columns = targeting.from_records(
        [
            {"kind": "traveller", "trusted": True, "program": "SENTRI"},
            {"kind": "traveller", "program": "Ready"},
            {"kind": "traveller"},
            {"program": "FAST", "trusted": True, "custody": "suspect"},
        ]
    )
    assert list(targeting.lanes(columns)) == ["SENTRI", "Ready", "standard", "standard"]


@settings(max_examples=60, deadline=None)
@given(
    levels=st.lists(st.floats(0, 0.2), min_size=1, max_size=6),
    n=st.integers(1, 3000),
    rate=st.floats(0, 0.5),
    random_share=st.floats(0, 0.5),
    seed=st.integers(0, 2**16),
)
def test_fitted_thresholds_spend_the_budget_exactly(
    levels: list[float], n: int, rate: float, random_share: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    score = rng.choice(levels, n)  # discrete scores: many ties at the threshold
    forced = np.where(rng.random(n) < 0.01, RED, -1).astype(np.int8)
    scores = Scores(score, forced)
    policy = targeting.fit_policy(scores, rate, random_share)
    forced_share = float((forced == RED).mean())
    assert targeting.expected_red_rate(scores, policy) == pytest.approx(max(rate, forced_share), abs=1e-9)


def test_realised_red_share_matches_the_budget_and_the_random_quota() -> None:
    rng = np.random.default_rng(5)
    columns, _ = targeting.load_population().draw("shipment", "standard", 200_000, 0.002, rng)
    scores = targeting.score(columns, PROFILES)
    policy = targeting.fit_policy(scores, 0.05, random_share=0.2)
    decisions = targeting.decide(columns, scores, policy, rng.random(scores.score.size))
    red = decisions.channel == RED
    assert red.mean() == pytest.approx(0.05, abs=0.002)
    free = (scores.forced < 0).mean()
    assert (red & decisions.random).mean() <= policy.random_rate * free + 0.001
    assert policy.random_rate == pytest.approx((0.05 - (1 - free)) / free * 0.2)


def test_threshold_tie_probability_makes_up_the_difference() -> None:
    t, p = _threshold(np.array([3.0, 2.0, 2.0, 2.0, 1.0]), 0.4)  # 2 of 5: one above, one of three ties
    assert (t, p) == (2.0, pytest.approx(1 / 3))


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"custody": "lost"}, "custody"),
        ({"trusted": "yes"}, "trusted"),
        ({"crossings_last_year": -1}, "crossings_last_year"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_attributes_name_the_field(record: dict[str, object], field: str) -> None:
    with pytest.raises(TargetingError) as info:
        targeting.from_records([record])
    assert info.value.field == field


def test_bad_budget_and_draws_are_refused() -> None:
    columns, scores = one(**TRUSTED)
    with pytest.raises(TargetingError, match="inspection_rate"):
        targeting.fit_policy(scores, 1.5)
    with pytest.raises(TargetingError, match="draws"):
        targeting.decide(columns, scores, STRICT, np.zeros(2))
    with pytest.raises(TargetingError, match="random_rate"):
        ChannelPolicy(random_rate=2.0)
