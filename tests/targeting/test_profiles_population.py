"""Profiles as data and the simulated population's documented distributions."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartborder import targeting
from smartborder.targeting import TargetingError
from smartborder.targeting.attributes import SCHEMA


def test_exports_are_sorted() -> None:
    assert targeting.__all__ == sorted(targeting.__all__)


def test_shipped_profiles_are_versioned_dated_and_round_trip() -> None:
    profiles = targeting.load()
    assert profiles.version and profiles.effective.year >= 2026
    again = targeting.parse(profiles.to_dict())
    assert again == profiles


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"when": {"custody": "lost"}}, "profile.0.when"),
        ({"when": {"colour": "red"}}, "profile.0.when"),
        ({"prior_hit_rate": 1.5}, "profile.0.prior_hit_rate"),
        ({"force": "purple"}, "profile.0.force"),
        ({"hits": 5, "inspections": 2}, "profile.0"),
    ],
)
def test_bad_profiles_name_the_key(change: dict[str, object], field: str) -> None:
    raw = targeting.load().to_dict()
    raw["profile"][0].update(change)  # type: ignore[index]
    with pytest.raises(TargetingError) as info:
        targeting.parse(raw)
    assert info.value.field == field


def test_missing_profile_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TargetingError, match="does not exist"):
        targeting.load(tmp_path / "none.toml")


def test_numeric_and_list_conditions() -> None:
    profile = targeting.Profile(
        id="x",
        description="x",
        prior_hit_rate=0.1,
        when={"goods": ["produce", "mixed"], "months_since_certification": {"lt": 6}},
    )
    columns = targeting.from_records(
        [
            {"goods": "produce", "months_since_certification": 2},
            {"goods": "mixed", "months_since_certification": 6},
            {"goods": "other", "months_since_certification": 1},
            {"goods": "produce"},
        ]
    )  # unknown months: no match
    assert list(profile.matches(columns)) == [True, False, False, False]


def test_goods_text_maps_to_categories() -> None:
    assert targeting.goods_category("Fresh avocados, 20 pallets") == "produce"
    assert targeting.goods_category("auto parts") == "manufactured"
    assert targeting.goods_category(None) == "none"
    assert targeting.goods_category("scrap") == "other"


def test_population_draws_follow_the_file_and_the_base_rate() -> None:
    population = targeting.load_population()
    n, rate = 400_000, 0.01
    columns, illicit = population.draw("shipment", "pre_inspected", n, rate, np.random.default_rng(3))
    assert illicit.mean() == pytest.approx(rate, rel=0.05)
    custody = SCHEMA["custody"]
    licit_dist = population.shipment["custody"].dist(False, "pre_inspected")
    illicit_dist = population.shipment["custody"].dist(True, "pre_inspected")
    for level, p_licit, p_illicit in zip(custody.levels, licit_dist, illicit_dist, strict=True):  # type: ignore[arg-type]
        code = custody.code(level)
        assert (columns["custody"][~illicit] == code).mean() == pytest.approx(p_licit, abs=0.003)
        assert (columns["custody"][illicit] == code).mean() == pytest.approx(p_illicit, abs=0.03)
    assert columns["facility_audited"].all() and columns["trusted"].all()
    assert np.isnan(columns["crossings_last_year"]).all()


def test_population_is_reproducible_and_rejects_unknown_groups() -> None:
    population = targeting.load_population()
    a = population.draw("traveller", "SENTRI", 1000, 0.01, np.random.default_rng(1))
    b = population.draw("traveller", "SENTRI", 1000, 0.01, np.random.default_rng(1))
    assert all(np.array_equal(a[0][k], b[0][k], equal_nan=True) for k in a[0])
    with pytest.raises(TargetingError, match="group"):
        population.draw("shipment", "SENTRI", 10, 0.01, np.random.default_rng(1))


def test_targeting_beats_random_on_the_shipped_population() -> None:
    rng = np.random.default_rng(11)
    columns, illicit = targeting.load_population().draw("shipment", "standard", 300_000, 0.002, rng)
    scores = targeting.score(columns, targeting.load())
    policy = targeting.fit_policy(scores, 0.05, 0.1)
    red = targeting.decide(columns, scores, policy, rng.random(illicit.size)).channel == 2
    random_red = rng.random(illicit.size) < red.mean()
    assert (red & illicit).sum() > 3 * (random_red & illicit).sum()


@settings(max_examples=25, deadline=None)
@given(
    rate=st.floats(0.0, 0.2), group=st.sampled_from(["standard", "FAST", "pre_inspected"]), seed=st.integers(0, 2**16)
)
def test_cell_draws_follow_their_chances_and_leave_a_fresh_uniform(rate: float, group: str, seed: int) -> None:
    population = targeting.load_population()
    cells = population.cells("shipment", group)
    u = np.random.default_rng(seed).random(200_000)
    cell, illicit, counts, rest = population.sample("shipment", group, u, rate)
    np.testing.assert_array_equal(illicit, u < rate)  # who is illicit depends on u and the rate only
    assert counts.sum() == u.size and np.array_equal(counts, np.bincount(cell, minlength=cells.size))
    expected = (1 - rate) * cells.p_licit + rate * cells.p_illicit
    assert np.abs(counts / u.size - expected).max() < 0.01
    # the channel draw is uniform, and independent of the flag and of the cell
    assert np.histogram(rest, bins=10, range=(0, 1))[0].min() > 0.9 * u.size / 10
    big = np.argmax(counts)
    assert abs(rest[cell == big].mean() - 0.5) < 0.02
    if illicit.sum() > 2000:
        assert abs(rest[illicit].mean() - 0.5) < 0.03


@pytest.mark.parametrize(("kind", "group"), [("shipment", "FAST"), ("traveller", "SENTRI")])
def test_the_twin_and_the_booth_score_an_arrival_alike(kind: str, group: str) -> None:
    """The twin scores attribute cells; the service scores one arrival's plain record. Same code,
    so the same facts give the same score and channel."""
    profiles, population = targeting.load(), targeting.load_population()
    cells = population.cells(kind, group)
    twin = targeting.score(cells.columns, profiles)
    policy = targeting.ChannelPolicy(red_threshold=0.01, yellow_threshold=0.004, random_rate=0.0)
    u = np.full(cells.size, 0.5)
    twin_channels = targeting.decide(cells.columns, twin, policy, u, index=np.arange(cells.size)).channel
    for i in np.random.default_rng(0).choice(cells.size, 40, replace=False):
        booth = targeting.from_records([targeting.record(cells.columns, int(i))])
        one = targeting.score(booth, profiles)
        assert one.score[0] == twin.score[i] and one.forced[0] == twin.forced[i]
        assert targeting.decide(booth, one, policy, u[:1]).channel[0] == twin_channels[i]
