"""Risk targeting and the lane decision at arrival: pure functions over plain values.

Profiles are data (``profiles.toml``), their hit rates learn from recorded inspections
(beta-binomial), a score combines the profiles an arrival matches, and channels are chosen to
an inspection budget with a random quota. The live service calls these with one stored
arrival, the twin with arrays of simulated ones — the same code.
"""

from smartborder.targeting.attributes import SCHEMA, from_records, goods_category, record
from smartborder.targeting.channel import (
    ChannelPolicy,
    Decisions,
    decide,
    expected_red_rate,
    fit_policy,
    lanes,
)
from smartborder.targeting.errors import TargetingError
from smartborder.targeting.learning import HitRate
from smartborder.targeting.population import Population, load_population
from smartborder.targeting.profiles import Profile, ProfileSet, load, parse
from smartborder.targeting.score import CHANNELS, Scores, reasons, score

__all__ = [  # noqa: RUF022 - plain sorted(), as the tests of every package check
    "CHANNELS",
    "ChannelPolicy",
    "Decisions",
    "HitRate",
    "Population",
    "Profile",
    "ProfileSet",
    "SCHEMA",
    "Scores",
    "TargetingError",
    "decide",
    "expected_red_rate",
    "fit_policy",
    "from_records",
    "goods_category",
    "lanes",
    "load",
    "load_population",
    "parse",
    "reasons",
    "record",
    "score",
]
