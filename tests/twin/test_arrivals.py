import numpy as np
import pytest

from smartborder.twin import ModelError
from smartborder.twin.arrivals import DemandProfile, hourly_rates_for_month, poisson_arrivals, split
from smartborder.twin.distributions import ServiceTime


def test_month_volume_is_preserved_and_shaped() -> None:
    profile = DemandProfile(hourly_weekday=tuple([0.0] * 6 + [1.0] * 16 + [0.0] * 2), daily=(1, 1, 1, 1, 1, 0.5, 0.5))
    rates, first = hourly_rates_for_month(300_000, 2024, 2, profile)
    assert rates.size == 29 * 24 and first == 3  # 2024-02-01 was a Thursday
    assert rates.sum() == pytest.approx(300_000)
    assert rates[:6].sum() == 0  # closed hours get no demand
    thursday, saturday = rates[:24].sum(), rates[48:72].sum()
    assert saturday == pytest.approx(thursday / 2)


def test_poisson_counts_and_order() -> None:
    rng = np.random.default_rng(0)
    expected = np.array([0.0, 100.0, 400.0] * 200)
    times = poisson_arrivals(expected, rng)
    assert (np.diff(times) >= 0).all()
    counts = np.bincount((times // 60).astype(int), minlength=expected.size)
    assert counts[0::3].sum() == 0
    assert counts[2::3].mean() == pytest.approx(400, rel=0.02)
    assert counts[2::3].var() == pytest.approx(400, rel=0.25)  # Poisson: variance = mean


def test_split_shares() -> None:
    rng = np.random.default_rng(1)
    parts = split(np.arange(100_000.0), [0.3, 0.7], rng)
    assert sum(p.size for p in parts) == 100_000
    assert parts[0].size / 100_000 == pytest.approx(0.3, abs=0.01)
    with pytest.raises(ModelError, match="shares"):
        split(np.arange(3.0), [0.5, 0.6], rng)


#: One distribution of each kind, for the sampler's and the cdf's tests.
DISTRIBUTIONS = [
    ServiceTime(kind="exponential", mean=2.0),
    ServiceTime(kind="lognormal", mean=2.0, cv=0.6),
    ServiceTime(kind="gamma", mean=2.0, cv=0.6),
    ServiceTime(kind="deterministic", mean=2.0),
    ServiceTime(kind="empirical", samples=(1.0, 2.0, 3.0)),
]


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_service_time_mean_and_cv(dist: ServiceTime) -> None:
    draws = dist.sample(np.random.default_rng(4), 400_000)
    assert draws.mean() == pytest.approx(dist.expected, rel=0.01)
    assert draws.var() / draws.mean() ** 2 == pytest.approx(dist.scv, rel=0.03, abs=1e-9)
    assert (draws >= 0).all()
    assert dist.scaled(0.5).expected == pytest.approx(dist.expected * 0.5)


@pytest.mark.parametrize("dist", DISTRIBUTIONS)
def test_cdf_is_the_share_of_draws_at_or_below(dist: ServiceTime) -> None:
    """``cdf`` (what the arrival profiles use for balking) agrees with the sampler it describes."""
    draws = dist.sample(np.random.default_rng(5), 200_000)
    points = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 4.0])
    empirical = (draws[:, None] <= points[None, :]).mean(axis=0)
    assert dist.cdf(points) == pytest.approx(empirical, abs=0.005)
    assert float(dist.cdf(np.array([1e9]))[0]) == 1.0
