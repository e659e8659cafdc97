"""Shared test helpers."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from functools import lru_cache

from smartborder.data.files import BTS_CROSSINGS, data_file


@lru_cache(maxsize=1)
def raw_bts_sums() -> dict[tuple[str, str, str], int]:
    """(port_code, YYYY-MM, measure) → value, read with the standard library only.

    An independent path to the numbers, so loader bugs (dtype, filtering, dedup) show up.
    """
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    with gzip.open(data_file(BTS_CROSSINGS), "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            sums[(row["port_code"], row["date"], row["measure"])] += int(row["value"])
    return dict(sums)
