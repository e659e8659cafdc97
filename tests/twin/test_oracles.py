"""Analytic formulas against published values, and the engine against the formulas."""

import math

import numpy as np
import pytest

from smartborder.twin import ModelError, fcfs
from smartborder.twin.oracles import erlang_c, md1_mean_wait, mg1_mean_wait, mmc_mean_wait
from smartborder.twin.validation import run_cases


def erlang_c_textbook(lam: float, mu: float, c: int) -> float:
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


@pytest.mark.parametrize(("lam", "mu", "c"), [(0.9, 1.0, 1), (7.2, 1.0, 8), (3.0, 0.5, 10), (45.0, 1.0, 50)])
def test_erlang_c_matches_textbook_formula(lam: float, mu: float, c: int) -> None:
    assert erlang_c(lam, mu, c) == pytest.approx(erlang_c_textbook(lam, mu, c), rel=1e-12)


def test_closed_forms() -> None:
    assert mmc_mean_wait(0.9, 1.0, 1) == pytest.approx(9.0)  # ρ/(μ-λ)
    assert md1_mean_wait(0.8, 1.0) == pytest.approx(2.0)  # ρ/(2μ(1-ρ))
    assert mg1_mean_wait(0.5, 1.0, 1.0) == pytest.approx(mmc_mean_wait(0.5, 1.0, 1))


def test_unstable_queue_is_an_error() -> None:
    with pytest.raises(ModelError, match="unstable"):
        mmc_mean_wait(2.0, 1.0, 2)


def test_validation_cases_within_bounds() -> None:
    cases = run_cases(scale=1.0)
    failed = [(c.name, c.relative_error) for c in cases if not c.passed]
    assert not failed
    assert all(c.simulated > 0 for c in cases)


def test_mm1_error_shrinks_with_more_customers() -> None:
    # A sanity check that the agreement is not an accident of one seed: the error of M/M/8 at
    # ρ=0.7 over 2e6 customers is well under what 2e4 customers give on average.
    rng = np.random.default_rng(7)
    target = mmc_mean_wait(5.6, 1.0, 8)

    def err(n: int) -> float:
        a = np.cumsum(rng.exponential(1 / 5.6, n))
        return abs(fcfs(a, rng.exponential(1.0, n), 8)[n // 10 :].mean() - target) / target

    small = np.mean([err(20_000) for _ in range(20)])
    assert err(2_000_000) < small
