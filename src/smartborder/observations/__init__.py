"""CBP Border Wait Times observations: the delays CBP publishes per crossing, lane and hour.

Loading and cleaning only (no network): CBP's XML feed (``bwt.xml``), its RSS and JSON
versions, archives of snapshots of any of them, the flat CSV this package writes, and CBP's
historical averages (month × weekday × hour), all into one tidy pandas table (``schema``)::

    obs = load("archive/")                   # files, directories, globs; .gz too
    obs.frame                                # one row per crossing, lane and update
    obs.dropped.counts()                     # {"lanes_closed": 2429, "republished": ..., ...}
    obs.dropped.closed_lanes()               # closed lanes per crossing, counted per snapshot
    to_csv(obs, "brownsville.csv")           # the flat CSV, written atomically
    summary(obs)                             # per crossing and lane: span, delays, lanes open
    shipped("brownsville")                   # CBP RSS, four Brownsville crossings, Aug 2026
    load_averages(day0="sunday")             # San Ysidro's historical averages, kind="average"

CBP's delays are officers' estimates, rounded; the cleaning rules are in ``clean``. Errors derive
from ``ObservationsError`` (tree in ``errors``). Nothing here maps CBP crossings onto
smartborder's crossing models: CBP's identity columns are kept as published.
"""

from smartborder.observations.averages import WEEKDAYS, Weekday
from smartborder.observations.errors import (
    MalformedFileError,
    MixedKindsError,
    ObservationsError,
    OutputExistsError,
    SourceNotFoundError,
    UnknownDatasetError,
    UnrecognisedFormatError,
)
from smartborder.observations.flatcsv import to_csv
from smartborder.observations.loader import (
    BROWNSVILLE_2026_08,
    SHIPPED,
    load,
    load_averages,
    shipped,
)
from smartborder.observations.result import DropReport, Kind, Observations
from smartborder.observations.schema import (
    AVERAGE_COLUMNS,
    LANE_TYPES,
    REASONS,
    SNAPSHOT_COLUMNS,
    TRAFFIC_TYPES,
    Reason,
)
from smartborder.observations.summary import summary

__all__ = [  # noqa: RUF022 - plain sorted(), as the tests of every package check
    "AVERAGE_COLUMNS",
    "BROWNSVILLE_2026_08",
    "DropReport",
    "Kind",
    "LANE_TYPES",
    "MalformedFileError",
    "MixedKindsError",
    "Observations",
    "ObservationsError",
    "OutputExistsError",
    "REASONS",
    "Reason",
    "SHIPPED",
    "SNAPSHOT_COLUMNS",
    "SourceNotFoundError",
    "TRAFFIC_TYPES",
    "UnknownDatasetError",
    "UnrecognisedFormatError",
    "WEEKDAYS",
    "Weekday",
    "load",
    "load_averages",
    "shipped",
    "summary",
    "to_csv",
]
