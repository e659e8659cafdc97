"""The fast paths of the port-year run give exactly what the plain code gives.

Each speed-up here is held to bit-for-bit equality with a straightforward version of the same
computation: the per-lane wait pass (hour and day cached between arrivals, bins by a
multiplication), service draws made into given arrays and fused with their ``exp``, NumPy's
random streams drawn in compiled loops, the one-pass check of arrival times, monthly look-ups by
ordinal and slice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numba import njit

from smartborder.data.periods import MonthRange
from smartborder.twin.distributions import (
    ServiceTime,
    _exp_affine,
    standard_exponential,
    standard_normal,
    uniform,
)
from smartborder.twin.kernels import times_problem
from smartborder.twin.metrics import accumulate_waits


@njit(cache=True)
def _reference_waits(
    arrival,
    lane,
    begin,
    finish,
    first,
    horizon,
    open_hour,
    next_open,  # type: ignore[no-untyped-def]
    start_weekday,
    start_hour,
    bin_width,
    counts,
    sums,
    hist,
    hourly_sum,
    hourly_count,
    busy,
    totals,
):
    """The wait pass as first written: every quantity computed afresh for every vehicle."""
    n_bins = hist.shape[1]
    n_hours = open_hour.size
    for i in range(arrival.size):
        start = begin[i]
        end = finish[i]
        s = lane[i]
        if s >= 0:
            served = (end if end < horizon else horizon) - (start if start < horizon else horizon)
            if served > 0:
                busy[s] += served
        if i < first:
            continue
        t = arrival[i]
        if not t < horizon:
            continue
        wait = start - t
        totals[0] += 1.0
        totals[1] += wait
        h = int(t / 60.0)
        if h >= n_hours:
            h = n_hours - 1
        if open_hour[h]:
            counts[s] += 1.0
            sums[s] += wait
            b = int(wait / bin_width)
            if b >= n_bins:
                b = n_bins - 1
            hist[s, b] += 1
            clock = t + start_hour * 60.0
            hour = int(clock / 60.0) % 24
            weekday = (start_weekday + int(clock / 1440.0)) % 7
            day = 1 if weekday >= 5 else 0
            hourly_sum[s, day, hour] += wait
            hourly_count[s, day, hour] += 1.0
        else:
            totals[2] += 1.0
            opens = next_open[h] * 60.0
            if opens > t:
                totals[3] += opens - t


def _outputs(lanes: int, bins: int) -> list[np.ndarray]:
    return [
        np.zeros(lanes),
        np.zeros(lanes),
        np.zeros((lanes, bins), dtype=np.int64),
        np.zeros((lanes, 2, 24)),
        np.zeros((lanes, 2, 24)),
        np.zeros(lanes),
        np.array([3.0, 0.1, 0.0, 0.0]),
    ]


def _hour_edges(rng: np.random.Generator, hours: int, offset: float) -> np.ndarray:
    """Times at and one float either side of hour and day edges (where rounding could differ)."""
    edges = np.arange(1, hours) * 60.0
    edges = np.concatenate([edges, edges - offset])
    edges = edges[edges > 0]
    near = np.concatenate([edges, np.nextafter(edges, 0), np.nextafter(edges, np.inf)])
    return np.concatenate([near, rng.uniform(0, hours * 60.0, 4000)])


@pytest.mark.parametrize(
    ("start_hour", "start_weekday", "bin_width", "order"),
    [
        (0, 0, 0.25, "sorted"),
        (7, 4, 0.25, "sorted"),
        (23, 6, 0.3, "sorted"),
        (5, 2, 0.25, "shuffled"),
        (13, 5, 1.0, "sorted"),
    ],
)
def test_wait_pass_equals_the_plain_one(start_hour: int, start_weekday: int, bin_width: float, order: str) -> None:
    rng = np.random.default_rng(start_hour)
    hours = 24 * 9
    arrival = _hour_edges(rng, hours, start_hour * 60.0)
    arrival = np.sort(arrival) if order == "sorted" else rng.permutation(arrival)
    n = arrival.size
    begin = arrival + rng.exponential(3.0, n) * (rng.random(n) < 0.7)
    finish = begin + rng.exponential(1.0, n)
    lane = rng.integers(0, 3, n)
    open_hour = rng.random(hours) < 0.8
    next_open = np.minimum.accumulate(np.where(open_hour, np.arange(hours), hours)[::-1])[::-1].astype(np.int64)
    horizon = (hours - 30) * 60.0
    bins = 200
    want, got, mapped = _outputs(3, bins), _outputs(3, bins), _outputs(3, bins)
    args = (arrival, lane, begin, finish, 5, horizon, open_hour, next_open, start_weekday, start_hour, bin_width)
    _reference_waits(*args, *want)
    accumulate_waits(*args, *got)
    # Station indices through a lane map: the same as mapping them first.
    stations = lane + 4
    lane_of = np.array([-1, -1, -1, -1, 0, 1, 2])
    counts, sums, hist, hourly_sum, hourly_count, busy, totals = mapped
    accumulate_waits(
        arrival,
        stations,
        begin,
        finish,
        5,
        horizon,
        open_hour,
        next_open,
        start_weekday,
        start_hour,
        bin_width,
        counts,
        sums,
        hist,
        hourly_sum,
        hourly_count,
        busy,
        totals,
        lane_of=lane_of,
    )
    for a, b, c in zip(want, got, mapped, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_wait_pass_rejects_arrays_it_cannot_write_flat() -> None:
    out = _outputs(2, 10)
    out[3] = np.zeros((2, 24, 2))
    with pytest.raises(ValueError, match="C-contiguous"):
        accumulate_waits(
            np.zeros(1),
            np.zeros(1, dtype=np.int64),
            np.zeros(1),
            np.zeros(1),
            0,
            10.0,
            np.ones(1, dtype=bool),
            np.zeros(1, dtype=np.int64),
            0,
            0,
            0.25,
            *out,
        )


@pytest.mark.parametrize(
    "dist",
    [
        ServiceTime(kind="lognormal", mean=1.3, cv=0.5),
        ServiceTime(kind="lognormal", mean=0.2, cv=1.5),
        ServiceTime(kind="exponential", mean=2.5),
        ServiceTime(kind="gamma", mean=20.0, cv=0.7),
        ServiceTime(kind="deterministic", mean=3.0),
        ServiceTime(kind="empirical", samples=(1.0, 2.5, 7.0)),
    ],
)
@pytest.mark.parametrize("size", [0, 7, 100_003])
def test_service_draws_into_a_given_array(dist: ServiceTime, size: int) -> None:
    plain = dist.sample(np.random.default_rng(3), size)
    buffer = np.full(size + 2, -1.0)
    into = dist.sample(np.random.default_rng(3), size, out=buffer[1:-1])
    np.testing.assert_array_equal(plain, into)
    assert buffer[0] == buffer[-1] == -1.0


def test_lognormal_draws_are_numpys_exp() -> None:
    """The fused pass gives NumPy's multiply, add and exp (the draws as first written)."""
    z = np.random.default_rng(9).standard_normal(300_000) * 4.0
    sigma2 = np.log1p(0.8**2)
    want = z * np.sqrt(sigma2)
    want += np.log(1.7) - sigma2 / 2
    np.exp(want, out=want)
    got = z.copy()
    _exp_affine(got, np.sqrt(sigma2), np.log(1.7) - sigma2 / 2)
    np.testing.assert_array_equal(want, got)
    with pytest.raises(ValueError, match="contiguous float64"):
        ServiceTime(kind="exponential", mean=1.0).sample(np.random.default_rng(0), 4, out=np.empty(5))


@pytest.mark.parametrize(
    "times",
    [
        [],
        [0.0],
        [0.0, 0.0, 1.0],
        [1.0, 0.5],
        [-1.0, 2.0],
        [0.0, np.nan],
        [np.nan],
        [0.0, -0.0],
        [3.0, np.inf],
        [np.inf, 3.0],
    ],
)
def test_arrival_check_in_one_pass(times: list[float]) -> None:
    a = np.asarray(times, dtype=np.float64)
    plain = bool(a.size and (np.any(np.diff(a) < 0) or a[0] < 0 or np.isnan(a).any()))
    assert times_problem(a) == plain


def test_months_by_ordinal_and_slice() -> None:
    index = pd.PeriodIndex(["2023-11", "2023-12", "2024-01", "2024-02", "2024-05"], freq="M", name="month")
    shuffled = index[[3, 0, 4, 1, 2]]
    with_nat = pd.PeriodIndex(["2024-01", None, "2024-03"], freq="M")

    def p(text: str) -> pd.Period:
        return pd.Period(text, "M")

    ranges = [
        MonthRange(),
        MonthRange(p("2024-01")),
        MonthRange(None, p("2023-12")),
        MonthRange(p("2024-02"), p("2024-02")),
        MonthRange(p("2024-03"), p("2024-04")),
        MonthRange(p("2024-05"), p("2024-01")),
    ]
    for idx in (index, shuffled, with_nat):
        series = pd.Series(np.arange(idx.size, dtype=np.int64), index=idx, name="Trucks")
        for r in ranges:
            plain = r.contains(idx.to_series()).to_numpy()
            np.testing.assert_array_equal(r.mask(idx), plain)
            pd.testing.assert_series_equal(r.select(series), series[plain], check_exact=True)


@pytest.mark.parametrize("method", ["random", "standard_normal", "standard_exponential"])
@pytest.mark.parametrize("size", [0, 3, 255, 256, 4_097, 250_001])
def test_compiled_draws_are_numpys(method: str, size: int) -> None:
    """The same numbers as NumPy's methods, and the generator left where NumPy leaves it."""
    draw = {"random": uniform, "standard_normal": standard_normal, "standard_exponential": standard_exponential}[method]
    for seed in ([0], [7, 3, 12345], [2**40, 1]):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        ours.integers(0, 10, 3)  # a state mid-stream, with NumPy's 32-bit buffer in use
        theirs.integers(0, 10, 3)
        np.testing.assert_array_equal(draw(ours, size), getattr(theirs, method)(size))
        buffer = np.full(size + 2, -1.0)
        np.testing.assert_array_equal(draw(ours, size, buffer[1:-1]), getattr(theirs, method)(size))
        assert buffer[0] == buffer[-1] == -1.0
        assert ours.bit_generator.state == theirs.bit_generator.state
        assert ours.integers(0, 2**62, 4).tolist() == theirs.integers(0, 2**62, 4).tolist()


def test_other_bit_generators_use_numpy() -> None:
    ours, theirs = np.random.Generator(np.random.Philox(5)), np.random.Generator(np.random.Philox(5))
    np.testing.assert_array_equal(standard_normal(ours, 10_000), theirs.standard_normal(10_000))
    assert ours.random() == theirs.random()
    with pytest.raises(ValueError, match="contiguous float64"):
        uniform(np.random.default_rng(0), 4, np.empty(4, dtype=np.float32))
