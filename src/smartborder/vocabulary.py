"""The words every output shares: the traffic classes' display names and the labels of a
crossing's or a port's total. One definition each, used by the analyses, reports, CLI and
dashboard alike (``tests/test_vocabulary.py`` finds any bare copy)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: The row of a class's figures over all its lane types.
ALL_LANES = "all lanes"
#: The row of a port's figures over all its crossings.
ALL_CROSSINGS = "all crossings"
#: The row of a port's figures over all its traffic classes.
ALL_CLASSES = "all classes"

#: Each traffic class's name in running text (plural, lower case): "trucks wait 10 min".
CLASS_NAMES = {"truck": "trucks", "pov": "cars", "pedestrian": "pedestrians", "bus": "buses"}


def class_key(name: str) -> str:
    """The class key a user means: ``truck`` and ``trucks``, ``pov``, ``car`` and ``Cars`` all
    name their class; anything else is returned as given (for the caller to refuse by name)."""
    wanted = name.strip().lower()
    for key, plural in CLASS_NAMES.items():
        if wanted in (key, plural, plural.removesuffix("s"), plural.removesuffix("es")):
            return key
    return name


def period_label(months: Sequence[pd.Period]) -> str:
    """``2024`` for a whole calendar year, ``2024-06`` for a month, else the range — and, when a
    year is only partly covered, how many of its months."""
    months = list(months)
    if len(months) == 1:
        return str(months[0])
    years = {m.year for m in months}
    if len(years) == 1 and len(months) == 12:
        return str(months[0].year)
    text = f"{months[0]}..{months[-1]}"
    if len(years) == 1:
        text += f" (partial year: {len(months)} of 12 months)"
    return text


def class_title(vehicle: str) -> str:
    """A class's name as a heading or legend ("Trucks", "Cars"); the key itself if unknown."""
    return CLASS_NAMES.get(vehicle, vehicle).capitalize()


def short_name(name: str, keep_kind: bool = True) -> str:
    """A crossing's or port's name as tables and maps print it: no parenthesis, no city.

    ``Gateway to the Americas Bridge (Laredo Bridge I), Laredo TX`` → ``Gateway to the Americas
    Bridge``; ``San Ysidro, CA (2504)`` → ``San Ysidro``. Without *keep_kind* the closing
    "Bridge", "International Bridge" or "Crossing" goes too (``World Trade``), for map labels."""
    short = re.sub(r"\s*\(.*?\)", "", name).split(",")[0].strip()
    return short if keep_kind else re.sub(r" (International )?(Bridge|Crossing)$", "", short)
