"""The risk score: the chance an arrival is illicit given the profiles it matches.

Each matched profile carries its learned hit rate h (posterior mean). Profiles are combined as
independent signals (noisy-OR): score = 1 − (1 − background) · Π (1 − h). A profile that keeps
missing has a falling h and so moves the score less; one that never matches costs nothing.
Works on arrays: the twin scores millions of arrivals in one pass per profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smartborder.targeting.attributes import Columns, size
from smartborder.targeting.profiles import ProfileSet

CHANNELS = ("green", "yellow", "red", "blue")
GREEN, YELLOW, RED, BLUE = range(4)


@dataclass
class Scores:
    """Score per arrival, the channel a matched profile forces (-1 if none), and the matches."""

    score: np.ndarray
    forced: np.ndarray  # int8 channel code or -1
    matched: dict[str, np.ndarray] | None = None  # profile id → mask (kept for explanations)


def score(columns: Columns, profiles: ProfileSet, keep_matches: bool = False) -> Scores:
    """Score every arrival in *columns* against *profiles*."""
    n = size(columns)
    log_clear = np.full(n, np.log1p(-profiles.background_hit_rate))
    forced = np.full(n, -1, dtype=np.int8)
    matched: dict[str, np.ndarray] = {}
    for p in profiles.profiles:
        mask = p.matches(columns)
        if keep_matches:
            matched[p.id] = mask
        if not mask.any():
            continue
        log_clear[mask] += np.log1p(-p.hit_rate.mean)
        if p.force is not None:
            code = CHANNELS.index(p.force)
            # red outranks every other forced channel
            forced[mask] = np.maximum(forced[mask], code) if code != RED else RED
    return Scores(-np.expm1(log_clear), forced, matched if keep_matches else None)


def reasons(profiles: ProfileSet, scores: Scores, i: int = 0) -> list[dict[str, object]]:
    """The profiles that drove arrival *i*'s score, strongest first, with their evidence."""
    assert scores.matched is not None, "score(..., keep_matches=True) first"
    out = []
    for p in profiles.profiles:
        if scores.matched[p.id][i]:
            rate = p.hit_rate
            low, high = rate.interval(0.9)
            out.append(
                {
                    "profile": p.id,
                    "description": p.description,
                    "hit_rate": round(rate.mean, 6),
                    "hit_rate_90": [round(low, 6), round(high, 6)],
                    "inspections": p.inspections,
                    "hits": p.hits,
                    "forces": p.force,
                }
            )
    out.sort(key=lambda r: (r["forces"] is None, -float(r["hit_rate"])))  # type: ignore[arg-type]
    return out
