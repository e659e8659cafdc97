"""Loading: files, directories and globs, gzip or not, each format told by its content.

``load`` reads CBP's XML, RSS and JSON snapshots and the flat CSV (``flatcsv``) into one snapshot
table, or CBP's historical averages into an average table; it never mixes the two. Files are read
in the order given (a directory's or glob's files sorted by name): when CBP revised an update,
the later file's values win, so give archives in the order they were taken.
"""

from __future__ import annotations

import csv
import glob
import gzip
import json
import os
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from smartborder.data.files import SAN_YSIDRO_WAITS, data_file
from smartborder.observations import clean
from smartborder.observations.averages import Weekday, is_averages_header, read_averages
from smartborder.observations.errors import (
    MalformedFileError,
    MixedKindsError,
    SourceNotFoundError,
    UnknownDatasetError,
    UnrecognisedFormatError,
)
from smartborder.observations.feeds import read_json, read_xml
from smartborder.observations.flatcsv import REQUIRED, read_flat_csv
from smartborder.observations.result import DropReport, Observations
from smartborder.observations.rss import read_rss
from smartborder.observations.schema import AVERAGE_COLUMNS

Format = Literal["xml", "rss", "json", "csv", "averages"]
PathLike = str | os.PathLike[str]

#: The Brownsville RSS archive converted to the flat CSV (see PROVENANCE.md).
BROWNSVILLE_2026_08 = "cbp_bwt_brownsville_2026-08.csv.gz"
#: Shipped observations by name: file and kind.
SHIPPED: dict[str, tuple[str, str]] = {
    "brownsville": (BROWNSVILLE_2026_08, "snapshot"),
    "san-ysidro": (SAN_YSIDRO_WAITS, "average"),
}


def expand(paths: PathLike | Iterable[PathLike]) -> list[Path]:
    """Files named by *paths*: files as given, a directory's visible files and a glob's, sorted."""
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items:
        raise SourceNotFoundError("no files given")
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not found:
                raise SourceNotFoundError(f"{path}: directory holds no files")
            files += found
        elif path.is_file():
            files.append(path)
        elif any(c in str(item) for c in "*?["):
            matches = sorted(Path(p) for p in glob.glob(str(item)) if Path(p).is_file())
            if not matches:
                raise SourceNotFoundError(f"{item}: no file matches")
            files += matches
        else:
            raise SourceNotFoundError(f"{path}: no such file")
    return files


def _read(path: Path) -> bytes:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise MalformedFileError(path, f"not a valid gzip file ({exc})") from None
    return data.removeprefix(b"\xef\xbb\xbf")


def detect(data: bytes, path: str | Path) -> tuple[Format, Any]:
    """The file's format and its parsed content (XML root, JSON value, or text for CSVs)."""
    head = data.lstrip()
    if not head:
        raise UnrecognisedFormatError(path, "empty file")
    if head.startswith(b"<"):
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise MalformedFileError(path, f"not well-formed XML ({exc})") from None
        tag = root.tag.rpartition("}")[2]
        if tag in ("border_wait_time", "rss"):
            return ("xml" if tag == "border_wait_time" else "rss"), root
        raise UnrecognisedFormatError(path, f"not a CBP Border Wait Times document: root element <{tag}>")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnrecognisedFormatError(path, "not UTF-8 text, gzip, XML, JSON or CSV") from None
    if head[:1] in (b"[", b"{"):
        try:
            return "json", json.loads(text)
        except ValueError as exc:
            raise MalformedFileError(path, f"not valid JSON ({exc})") from None
    header = [name.strip() for name in next(csv.reader([text.splitlines()[0]]), [])]
    if is_averages_header(header):
        return "averages", text
    if sum(name in header for name in REQUIRED) >= 3:
        return "csv", text
    raise UnrecognisedFormatError(
        path,
        "not a CBP Border Wait Times file: expected XML (<border_wait_time> or <rss>), JSON, or a CSV "
        f"with columns {','.join(REQUIRED)}; the first line is {text.splitlines()[0][:80]!r}",
    )


def load(
    paths: PathLike | Iterable[PathLike], *, keep_canadian: bool = False, day0: Weekday = "sunday"
) -> Observations:
    """Read CBP Border Wait Times files into one cleaned table (see ``clean`` for the rules).

    *paths* is a file, a directory, a glob, or a list of them; ``.gz`` files are read as well.
    Canadian-border ports are left out unless *keep_canadian*. Averages files give an
    ``kind="average"`` result, with *day0* the weekday CBP's day index 0 stands for.
    """
    files = expand(paths)
    records: list[clean.Record] = []
    drops: list[clean.Record] = []
    averages: list[pd.DataFrame] = []
    kinds: dict[str, Path] = {}
    for index, path in enumerate(files):
        fmt, content = detect(_read(path), path)
        kinds.setdefault("average" if fmt == "averages" else "snapshot", path)
        if len(kinds) > 1:
            raise MixedKindsError(
                f"{kinds['average']} holds historical averages and {kinds['snapshot']} "
                "snapshots; they have no common time axis, so load them separately"
            )
        if fmt == "averages":
            frame, more = read_averages(content, str(path), path.name, day0=day0)
            averages.append(frame)
            drops += more
            continue
        if fmt == "csv":
            got, more = read_flat_csv(content, str(path), path.name, keep_canadian=keep_canadian)
        else:
            reader = {"xml": read_xml, "rss": read_rss, "json": read_json}[fmt]
            got, more = clean.resolve(reader(content, path.name, index, str(path)), keep_canadian=keep_canadian)
        records += got
        drops += more
    sources = tuple(p.name for p in files)
    if "average" in kinds:
        frame = pd.concat(averages, ignore_index=True) if len(averages) > 1 else averages[0]
        return Observations(frame[list(AVERAGE_COLUMNS)], DropReport(clean.drop_frame(drops)), "average", sources)
    table, dropped = clean.finish(records, drops)
    return Observations(table, DropReport(dropped), "snapshot", sources)


def load_averages(path: PathLike | None = None, *, day0: Weekday = "sunday") -> Observations:
    """CBP's historical averages (default: the shipped San Ysidro file) as ``kind="average"``."""
    result = load(path if path is not None else data_file(SAN_YSIDRO_WAITS), day0=day0)
    if result.kind != "average":
        raise UnrecognisedFormatError(
            str(path), "not a CBP historical averages file (no day_of_week_index and *_avg_min columns)"
        )
    return result


def shipped(name: str, *, day0: Weekday = "sunday") -> Observations:
    """Observations shipped with smartborder by name: "brownsville" (snapshots, Aug 2026) or
    "san-ysidro" (historical averages)."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in SHIPPED:
        raise UnknownDatasetError(f"name: no shipped observations called {name!r}; available: {', '.join(SHIPPED)}")
    return load(data_file(SHIPPED[key][0]), day0=day0)
