"""Channel selection to an inspection budget, with a random quota, and the lane.

Channels as in ASYCUDA: green (release), yellow (document check at primary), red (secondary
inspection), blue (release now, post-clearance audit — for trusted members that would otherwise
get a document check). A profile may force a channel (a broken seal forces red whatever the
score). A share of the inspection budget is always spent at random, so that hit rates can be
estimated without the bias of only inspecting what was targeted.

The red threshold is fitted so that the expected red share on a reference population of scores
equals the budget *exactly*: ties at the threshold (scores are discrete when few profiles match)
are broken by a draw with the probability that makes up the difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smartborder.targeting.attributes import SCHEMA, Columns
from smartborder.targeting.errors import TargetingError
from smartborder.targeting.score import BLUE, GREEN, RED, YELLOW, Scores


@dataclass(frozen=True)
class ChannelPolicy:
    """Thresholds in score units; *red_tie* is the chance an arrival exactly at the red threshold
    is sent red; *random_rate* the chance any arrival not forced is sent red at random."""

    red_threshold: float = np.inf
    red_tie: float = 1.0
    yellow_threshold: float = np.inf
    random_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("red_tie", "random_rate"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise TargetingError(name, f"expected a probability in [0, 1], got {value}")


def _threshold(scores: np.ndarray, share: float) -> tuple[float, float]:
    """(t, p) so that mean(score > t) + p · mean(score == t) == share exactly."""
    m = scores.size
    if share <= 0 or m == 0:
        return np.inf, 1.0
    if share >= 1:
        return -np.inf, 1.0
    ordered = np.sort(scores)[::-1]
    wanted = share * m
    t = float(ordered[min(m - 1, int(np.ceil(wanted)) - 1)])
    above = int(np.count_nonzero(scores > t))
    at = int(np.count_nonzero(scores == t))
    return t, float(np.clip((wanted - above) / at, 0.0, 1.0))


def fit_policy(scores: Scores, inspection_rate: float, random_share: float = 0.1,
               document_rate: float = 0.0) -> ChannelPolicy:
    """Thresholds that spend *inspection_rate* (share of arrivals sent red) on these scores.

    Forced reds come first; *random_share* of what is left of the budget goes to random
    selection; the rest to the highest scores. *document_rate* more arrivals, the next highest,
    get a document check (yellow, or blue when trusted).
    """
    for name, value in (("inspection_rate", inspection_rate), ("random_share", random_share),
                        ("document_rate", document_rate)):
        if not 0 <= value <= 1:
            raise TargetingError(name, f"expected a share in [0, 1], got {value}")
    n = scores.score.size
    if n == 0:
        return ChannelPolicy()
    free = scores.forced < 0
    forced_share = 1.0 - np.count_nonzero(free) / n
    if free.sum() == 0 or inspection_rate <= forced_share:
        return ChannelPolicy()
    left = (inspection_rate - forced_share) / (1.0 - forced_share)  # share of the free arrivals
    random_rate = left * random_share
    targeted = (left - random_rate) / (1.0 - random_rate) if random_rate < 1 else 0.0
    free_scores = scores.score[free]
    red_t, red_p = _threshold(free_scores, targeted)
    yellow_t = np.inf
    if document_rate > 0:
        yellow_t = min(_threshold(free_scores, min(1.0, targeted + document_rate))[0], red_t)
    return ChannelPolicy(red_t, red_p, float(yellow_t), float(random_rate))


def expected_red_rate(scores: Scores, policy: ChannelPolicy) -> float:
    """The share of arrivals a policy sends red, in expectation over the draws."""
    n = scores.score.size
    free = scores.forced < 0
    s = scores.score[free]
    targeted = (np.count_nonzero(s > policy.red_threshold)
                + policy.red_tie * np.count_nonzero(s == policy.red_threshold)) / max(1, s.size)
    p_free = policy.random_rate + (1 - policy.random_rate) * targeted
    forced_red = np.count_nonzero(scores.forced == RED)
    return float((forced_red + p_free * s.size) / n) if n else 0.0


@dataclass
class Decisions:
    """Per arrival: channel code (see ``score.CHANNELS``), lane name and whether red was random."""

    channel: np.ndarray
    random: np.ndarray
    lane: np.ndarray


def decide(columns: Columns, scores: Scores, policy: ChannelPolicy, draws: np.ndarray) -> Decisions:
    """Channels and lanes. *draws* is (n, 2) uniforms: random quota, threshold tie."""
    n = scores.score.size
    if draws.shape != (n, 2):
        raise TargetingError("draws", f"expected uniforms of shape ({n}, 2), got {draws.shape}")
    s = scores.score
    free = scores.forced < 0
    random_pick = free & (draws[:, 0] < policy.random_rate)
    targeted = (s > policy.red_threshold) | ((s == policy.red_threshold) & (draws[:, 1] < policy.red_tie))
    channel = np.full(n, GREEN, dtype=np.int8)
    document = s >= policy.yellow_threshold
    trusted = columns["trusted"]
    channel[document & trusted] = BLUE
    channel[document & ~trusted] = YELLOW
    channel[targeted | random_pick] = RED
    channel = np.where(free, channel, scores.forced).astype(np.int8)
    return Decisions(channel, random_pick & ~targeted, lanes(columns))


def lanes(columns: Columns) -> np.ndarray:
    """Primary lane: the program's lane for members (FAST only with custody not suspect or
    broken — a load whose custody failed loses its trusted lane), standard for everyone else."""
    program = SCHEMA["program"].levels
    custody = SCHEMA["custody"]
    names = np.array(program, dtype=object)
    names[0] = "standard"
    lane = names[columns["program"].astype(np.int64)]
    fast = columns["program"] == program.index("FAST")
    failed = np.isin(columns["custody"], [custody.code("suspect"), custody.code("broken")])
    member = columns["trusted"] | (columns["program"] == program.index("Ready"))
    lane[(fast & failed) | ~member] = "standard"
    return lane
