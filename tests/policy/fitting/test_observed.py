"""Which of CBP's readings are a lane type's own: a lane type posted as the standard lanes' line."""

from __future__ import annotations

import pandas as pd

from smartborder import data, observations
from smartborder.policy.fitting.observed import POSTED_PAIRS, for_crossing, posted_as_standard


def _readings(ready: list[float], standard: list[float]) -> pd.DataFrame:
    times = [f"2026-08-{1 + k // 24:02d} {k % 24:02d}:00" for k in range(len(standard))]
    rows = [("pov", "standard", t, w) for t, w in zip(times, standard, strict=True)]
    rows += [("pov", "Ready", t, w) for t, w in zip(times, ready, strict=True)]
    return pd.DataFrame(rows, columns=["vehicle", "lane", "time_local", "delay_minutes"])


def test_a_lane_type_posting_the_standard_lanes_number_is_found() -> None:
    standard = [float(5 * (1 + k % 9)) for k in range(40)]
    assert posted_as_standard(_readings(standard, standard)) == {("pov", "Ready")}
    own = [w / 2 for w in standard]  # its own, shorter line
    assert posted_as_standard(_readings(own, standard)) == set()
    two_in_forty = standard[:38] + [w + 5 for w in standard[38:]]  # 95 %: still the standard's
    assert posted_as_standard(_readings(two_in_forty, standard)) == {("pov", "Ready")}
    three_in_forty = standard[:37] + [w + 5 for w in standard[37:]]
    assert posted_as_standard(_readings(three_in_forty, standard)) == set()
    few = standard[: POSTED_PAIRS - 1]  # too few pairs to tell
    assert posted_as_standard(_readings(few, few)) == set()
    empty = [0.0] * 40  # two lines with nobody in them agree on nothing
    assert posted_as_standard(_readings(empty, empty)) == set()


def test_brownsvilles_ready_lanes_are_posted_as_the_standard_lanes_line_and_sentri_is_not() -> None:
    """The shipped archive: Ready equals standard in 99-100 % of paired readings at all four
    bridges; Veterans' SENTRI lanes post their own."""
    archive = observations.shipped("brownsville")
    for name in ("B&M", "Gateway", "Veterans", "Los Indios"):
        frame = for_crossing(archive, data.resolve_crossing(name))
        found = posted_as_standard(frame)
        assert ("pov", "Ready") in found
        assert ("pov", "SENTRI") not in found
