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
from numba import njit

from smartborder.targeting.attributes import SCHEMA, Columns
from smartborder.targeting.errors import TargetingError
from smartborder.targeting.score import BLUE, GREEN, RED, YELLOW, Scores


@dataclass(frozen=True)
class ChannelPolicy:
    """Thresholds in score units; *red_tie* is the chance an arrival exactly at the red threshold
    is sent red; *random_rate* the chance any arrival not forced is picked for red at random. A
    yellow threshold at or above red's means no yellow tier (a fitted policy without document
    checks stores it so); the doors that take a policy from a person (HTTP ``PolicyIn``) refuse
    yellow above red as the typing slip it is there."""

    red_threshold: float = np.inf
    red_tie: float = 1.0
    yellow_threshold: float = np.inf
    random_rate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("red_tie", "random_rate"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise TargetingError(name, f"expected a probability in [0, 1], got {value}")


def _threshold(scores: np.ndarray, share: float, weights: np.ndarray | None = None) -> tuple[float, float]:
    """(t, p) so that W(score > t) + p · W(score == t) == share · W exactly (W: total weight)."""
    w = np.ones(scores.size) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    if share <= 0 or total == 0:
        return np.inf, 1.0
    if share >= 1:
        return -np.inf, 1.0
    order = np.argsort(-scores, kind="stable")
    cumulative = np.cumsum(w[order])
    wanted = share * total
    t = float(scores[order][min(scores.size - 1, int(np.searchsorted(cumulative, wanted, side="left")))])
    above = float(w[scores > t].sum())
    at = float(w[scores == t].sum())
    return t, float(np.clip((wanted - above) / at, 0.0, 1.0)) if at > 0 else 1.0


def fit_policy(
    scores: Scores,
    inspection_rate: float,
    random_share: float = 0.1,
    document_rate: float = 0.0,
    weights: np.ndarray | None = None,
) -> ChannelPolicy:
    """Thresholds that spend *inspection_rate* (share of arrivals sent red) on these scores.

    Forced reds come first; *random_share* of what is left of the budget goes to random
    selection; the rest to the highest scores. *document_rate* more arrivals, the next highest,
    get a document check (yellow, or blue when trusted). *weights* count how many arrivals each
    entry stands for (the twin passes its attribute cells with their counts).
    """
    for name, value in (
        ("inspection_rate", inspection_rate),
        ("random_share", random_share),
        ("document_rate", document_rate),
    ):
        if not 0 <= value <= 1:
            raise TargetingError(name, f"expected a share in [0, 1], got {value}")
    w = np.ones(scores.score.size) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    free = scores.forced < 0
    free_weight = float(w[free].sum())
    if total == 0 or free_weight == 0:
        return ChannelPolicy()
    forced_share = 1.0 - free_weight / total
    if inspection_rate <= forced_share:
        return ChannelPolicy()
    left = (inspection_rate - forced_share) / (1.0 - forced_share)  # share of the free arrivals
    random_rate = left * random_share
    targeted = (left - random_rate) / (1.0 - random_rate) if random_rate < 1 else 0.0
    red_t, red_p = _threshold(scores.score[free], targeted, w[free])
    yellow_t = np.inf
    if document_rate > 0:
        yellow_t = min(_threshold(scores.score[free], min(1.0, targeted + document_rate), w[free])[0], red_t)
    return ChannelPolicy(red_t, red_p, float(yellow_t), float(random_rate))


def expected_red_rate(scores: Scores, policy: ChannelPolicy, weights: np.ndarray | None = None) -> float:
    """The share of arrivals a policy sends red, in expectation over the draws."""
    w = np.ones(scores.score.size) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    if total == 0:
        return 0.0
    free = scores.forced < 0
    s, wf = scores.score[free], w[free]
    free_weight = float(wf.sum())
    targeted = (
        float(wf[s > policy.red_threshold].sum()) + policy.red_tie * float(wf[s == policy.red_threshold].sum())
    ) / max(free_weight, 1e-300)
    p_free = policy.random_rate + (1 - policy.random_rate) * targeted
    forced_red = float(w[scores.forced == RED].sum())
    return (forced_red + p_free * free_weight) / total


@dataclass
class Decisions:
    """Per arrival: channel code (see ``score.CHANNELS``), whether it was picked at random (an
    unbiased sample: picked whatever its score), and the lane (None when not asked for)."""

    channel: np.ndarray
    random: np.ndarray
    lane: np.ndarray | None


def decide(
    columns: Columns,
    scores: Scores,
    policy: ChannelPolicy,
    u: np.ndarray,
    with_lanes: bool = True,
    index: np.ndarray | None = None,
) -> Decisions:
    """Channels (and lanes). *u* is one uniform per arrival: below ``random_rate`` the arrival is
    picked at random; above, rescaled, it breaks a tie at the red threshold.

    With *index*, ``scores`` and ``columns["trusted"]`` describe rows that arrival *i* takes
    row ``index[i]`` of (the twin's attribute cells); lanes are then not computed.
    """
    u = np.asarray(u, dtype=np.float64)
    rows = scores.score.size
    n = rows if index is None else index.size
    if u.shape != (n,):
        raise TargetingError("draws", f"expected {n} uniforms, got shape {u.shape}")
    take = np.arange(n, dtype=np.int64) if index is None else np.asarray(index, dtype=np.int64)
    channel, random = _channels(
        take,
        np.asarray(scores.score, dtype=np.float64),
        scores.forced.astype(np.int8),
        np.asarray(columns["trusted"], dtype=np.bool_),
        u,
        float(policy.red_threshold),
        float(policy.red_tie),
        float(policy.yellow_threshold),
        float(policy.random_rate),
    )
    return Decisions(channel, random, lanes(columns) if with_lanes and index is None else None)


@njit(cache=True, nogil=True)
def _channels(take, score, forced, trusted, u, red_t, red_tie, yellow_t, r):  # type: ignore[no-untyped-def]
    """The channel rule, arrival by arrival (compiled: the twin runs it on millions)."""
    n = take.size
    channel = np.empty(n, dtype=np.int8)
    random = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        k = take[i]
        if forced[k] >= 0:
            channel[i] = forced[k]
            continue
        s = score[k]
        picked = u[i] < r
        tie = r < 1.0 and (u[i] - r) / (1.0 - r) < red_tie
        if picked or s > red_t or (s == red_t and tie):
            channel[i] = RED
            random[i] = picked
        elif s >= yellow_t:
            channel[i] = BLUE if trusted[k] else YELLOW
        else:
            channel[i] = GREEN
    return channel, random


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
