"""Arrival streams: non-homogeneous Poisson processes built from volumes and daily/weekly shapes.

The rate is constant within each hour, so the process is generated exactly (no thinning): the
count in each hour is Poisson with that hour's expected volume, and the times are uniform within
the hour. Flows of one vehicle type split the stream independently by their shares (a thinned
Poisson process is Poisson), e.g. 40 % FAST, 60 % standard.
"""

from __future__ import annotations

import calendar

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict, Field, field_validator

from smartborder.twin.distributions import standard_exponential
from smartborder.twin.errors import ModelError

FLAT_DAY = tuple([1.0] * 24)
FLAT_WEEK = tuple([1.0] * 7)


class DemandProfile(BaseModel):
    """Relative shape of demand: by hour of day (weekday and weekend) and by day of week.

    Weights are relative; only their ratios matter. Weekday index 0 is Monday.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    hourly_weekday: tuple[float, ...] = Field(default=FLAT_DAY, min_length=24, max_length=24)
    hourly_weekend: tuple[float, ...] | None = None
    daily: tuple[float, ...] = Field(default=FLAT_WEEK, min_length=7, max_length=7)
    source: str = "flat (no shape assumed)"

    @field_validator("hourly_weekday", "hourly_weekend", "daily")
    @classmethod
    def _non_negative(cls, weights: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if weights is not None and (min(weights) < 0 or sum(weights) <= 0):
            raise ValueError("weights must be >= 0 and not all zero")
        return weights

    def hourly_shares(self, start_weekday: int, days: int) -> np.ndarray:
        """Share of the period's volume falling in each hour of *days* days (sums to 1)."""
        day_weights = np.array([self.daily[(start_weekday + d) % 7] for d in range(days)])
        weekday = np.asarray(self.hourly_weekday) / sum(self.hourly_weekday)
        weekend_src = self.hourly_weekend or self.hourly_weekday
        weekend = np.asarray(weekend_src) / sum(weekend_src)
        rows = [(weekend if (start_weekday + d) % 7 >= 5 else weekday) * day_weights[d] for d in range(days)]
        shares = np.concatenate(rows)
        result: np.ndarray = shares / shares.sum()
        return result


def hourly_rates_for_month(volume: float, year: int, month: int, profile: DemandProfile) -> tuple[np.ndarray, int]:
    """Expected arrivals per hour over a calendar month, and the month's first weekday."""
    if volume < 0:
        raise ModelError(f"volume: must be >= 0, got {volume}")
    first_weekday, days = calendar.monthrange(year, month)
    return volume * profile.hourly_shares(first_weekday, days), first_weekday


@njit(cache=True, nogil=True)
def _poisson_by_hour(rng: np.random.Generator, expected: np.ndarray, width: float) -> np.ndarray:
    counts = _hour_counts(rng, expected)
    times = np.empty(counts.sum())
    pos = 0
    for h in range(expected.size):
        c = counts[h]
        if c == 0:
            continue
        # Sorted uniforms without a sort: partial sums of c + 1 exponentials, normalised,
        # are distributed as the order statistics of c uniforms.
        acc = 0.0
        for j in range(c):
            acc += rng.exponential(1.0)
            times[pos + j] = acc
        acc += rng.exponential(1.0)
        scale = width / acc
        base = h * width
        for j in range(c):
            times[pos + j] = base + times[pos + j] * scale
        pos += c
    return times


@njit(cache=True, nogil=True)
def _hour_counts(rng: np.random.Generator, expected: np.ndarray) -> np.ndarray:
    counts = np.empty(expected.size, dtype=np.int64)
    for h in range(expected.size):
        counts[h] = rng.poisson(expected[h]) if expected[h] > 0 else 0
    return counts


@njit(cache=True, nogil=True)
def _exponentials_needed(counts: np.ndarray) -> int:
    """c + 1 standard exponentials for every hour with c > 0 arrivals."""
    total = 0
    for h in range(counts.size):
        if counts[h] > 0:
            total += counts[h] + 1
    return total


@njit(cache=True, nogil=True)
def _times_from_exponentials(counts: np.ndarray, draws: np.ndarray, width: float) -> int:
    """Sorted uniforms without a sort: in each hour, partial sums of c + 1 exponentials,
    normalised, are distributed as the order statistics of c uniforms.

    In place: *draws* holds the exponentials (c + 1 for each hour with c > 0, in hour order);
    the times are written over them from the start (a time never overwrites a draw not yet
    read) and their number is returned. The arithmetic is ``_poisson_by_hour``'s.
    """
    pos = 0
    used = 0
    for h in range(counts.size):
        c = counts[h]
        if c == 0:
            continue
        acc = 0.0
        for j in range(c):
            acc += draws[np.uint64(used + j)]
            draws[np.uint64(pos + j)] = acc
        acc += draws[np.uint64(used + c)]
        used += c + 1
        scale = width / acc
        base = h * width
        for j in range(c):
            draws[np.uint64(pos + j)] = base + draws[np.uint64(pos + j)] * scale
        pos += c
    return pos


def poisson_arrivals(hourly_expected: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sorted arrival times (minutes from hour 0) of a Poisson process, constant rate per hour.

    O(n) with no sort: the hourly counts (compiled Poisson draws), then all the exponential
    draws the times need in one NumPy call — the same numbers, in the same order, as one
    ``rng.exponential(1.0)`` per draw in ``_poisson_by_hour`` (the reference), which is slower —
    then a compiled pass that turns them into times in place. (A view of the draws is returned
    unless most of them were normalisers, i.e. hours with very few arrivals.)
    """
    expected = np.ascontiguousarray(hourly_expected, dtype=np.float64)
    if expected.ndim != 1 or (expected < 0).any() or not np.isfinite(expected).all():
        raise ModelError("hourly_expected: expected a 1-D array of finite volumes >= 0")
    counts = _hour_counts(rng, expected)
    draws = standard_exponential(rng, _exponentials_needed(counts))
    n = _times_from_exponentials(counts, draws, 60.0)
    return draws[:n].copy() if n < draws.size // 2 else draws[:n]


def split(times: np.ndarray, shares: list[float], rng: np.random.Generator) -> list[np.ndarray]:
    """Split one stream into independent streams by *shares* (must sum to 1)."""
    probs = np.asarray(shares, dtype=np.float64)
    if (probs < 0).any() or not np.isclose(probs.sum(), 1.0):
        raise ModelError(f"shares: must be >= 0 and sum to 1, got {shares}")
    labels = rng.choice(probs.size, size=times.size, p=probs)
    return [times[labels == k] for k in range(probs.size)]
