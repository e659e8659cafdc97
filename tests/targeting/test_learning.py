"""The beta-binomial learning loop against its formulas."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartborder.targeting import HitRate, TargetingError, load


def test_posterior_mean_and_variance_follow_the_beta_formulas() -> None:
    prior = HitRate.prior(0.02, 50)  # Beta(1, 49)
    assert (prior.alpha, prior.beta) == pytest.approx((1.0, 49.0))
    post = prior.update(hits=3, inspections=100)  # Beta(4, 146)
    assert post.mean == pytest.approx(4 / 150)
    assert post.variance == pytest.approx(4 * 146 / (150**2 * 151))
    low, high = post.interval(0.9)
    assert low < post.mean < high


@given(rate=st.floats(0.001, 0.5), strength=st.floats(1, 500), n=st.integers(0, 10_000), share=st.floats(0, 1))
def test_posterior_mean_lies_between_prior_and_observed_rate(
    rate: float, strength: float, n: int, share: float
) -> None:
    hits = int(share * n)
    post = HitRate.prior(rate, strength).update(hits, n)
    observed = hits / n if n else rate
    assert min(rate, observed) - 1e-12 <= post.mean <= max(rate, observed) + 1e-12
    # weight of the data is n / (n + strength)
    assert post.mean == pytest.approx((rate * strength + hits) / (strength + n))


@given(misses=st.integers(1, 5000))
def test_a_profile_that_never_hits_loses_weight(misses: int) -> None:
    prior = HitRate.prior(0.01, 50)
    after = prior.update(0, misses)
    assert after.mean < prior.mean
    assert after.mean == pytest.approx(0.5 / (50 + misses))
    assert after.variance < prior.variance


def test_recorded_outcomes_move_a_profiles_hit_rate() -> None:
    profiles = load()
    before = profiles.profile("route_anomaly").hit_rate
    learned = profiles.with_outcomes({"route_anomaly": (6, 200)})
    after = learned.profile("route_anomaly").hit_rate
    assert after.mean == pytest.approx((before.alpha + 6) / (before.alpha + before.beta + 200))
    assert learned.profile("shipper_new") == profiles.profile("shipper_new")


@pytest.mark.parametrize(("args", "field"), [((0.0, 10), "prior_hit_rate"), ((0.1, 0), "prior_strength")])
def test_bad_priors_name_the_field(args: tuple[float, float], field: str) -> None:
    with pytest.raises(TargetingError) as info:
        HitRate.prior(*args)
    assert info.value.field == field


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(TargetingError, match="hits"):
        HitRate.prior(0.1, 10).update(5, 3)
    assert math.isfinite(HitRate.prior(0.1, 10).update(0, 0).mean)
