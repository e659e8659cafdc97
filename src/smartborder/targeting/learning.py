"""The learning loop: a profile's hit rate as a beta-binomial estimate.

A profile starts from the analyst's prior — a hit rate and how many inspections' worth of
belief it is worth (``strength``), i.e. Beta(a0 = rate·strength, b0 = (1 − rate)·strength).
Each recorded inspection of an arrival the profile matched adds one trial, a find adds one
hit: the posterior is Beta(a0 + hits, b0 + misses). Its mean is what the score uses, so a
profile that keeps missing loses weight at the rate the evidence says, and its spread says
how much is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from scipy import stats

from smartborder.targeting.errors import TargetingError


@dataclass(frozen=True)
class HitRate:
    """Beta posterior of one profile's hit rate."""

    alpha: float
    beta: float

    @classmethod
    def prior(cls, rate: float, strength: float) -> HitRate:
        if not 0 < rate < 1:
            raise TargetingError("prior_hit_rate", f"expected a rate strictly between 0 and 1, got {rate}")
        if not strength > 0:
            raise TargetingError("prior_strength", f"expected a pseudo-count > 0, got {strength}")
        return cls(rate * strength, (1 - rate) * strength)

    def update(self, hits: int, inspections: int) -> HitRate:
        """The posterior after *inspections* more trials, *hits* of them finds."""
        if inspections < 0 or hits < 0 or hits > inspections:
            raise TargetingError("hits", f"need 0 <= hits <= inspections, got {hits} of {inspections}")
        return HitRate(self.alpha + hits, self.beta + inspections - hits)

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def variance(self) -> float:
        total = self.alpha + self.beta
        return self.alpha * self.beta / (total * total * (total + 1))

    def interval(self, level: float = 0.9) -> tuple[float, float]:
        """Equal-tailed credible interval."""
        return _interval(self.alpha, self.beta, level)


@lru_cache(maxsize=4096)
def _interval(alpha: float, beta: float, level: float) -> tuple[float, float]:
    """Beta quantiles are slow to compute and the same few are asked for at every booth."""
    tail = (1 - level) / 2
    return float(stats.beta.ppf(tail, alpha, beta)), float(stats.beta.ppf(1 - tail, alpha, beta))
