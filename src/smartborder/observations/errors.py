"""Errors of the observations layer: files that cannot be found, recognised or read.

    ObservationsError
    ├── SourceNotFoundError      a path, directory or glob that names no file
    ├── UnrecognisedFormatError  a file that is none of the formats the loader reads
    ├── MalformedFileError       a recognised file with a broken part (names file, line, field)
    ├── MixedKindsError          snapshots and historical averages asked for in one load
    ├── OutputExistsError        writing would overwrite a file without being told to
    └── UnknownDatasetError      no shipped observations by that name

Every message starts with the file (and line) it is about, then says what was expected and what
was found, so the CLI can print it as it is. Values a feed cannot give (a closed lane, a blank
delay) are not errors: the loader drops them and says why in its report.
"""

from __future__ import annotations

from pathlib import Path

from smartborder.errors import SmartborderError


class ObservationsError(SmartborderError):
    """Root of the observations layer's errors."""


class SourceNotFoundError(ObservationsError, FileNotFoundError):
    """A path does not exist, or a directory or glob holds no file."""


class UnrecognisedFormatError(ObservationsError, ValueError):
    """A file is not CBP XML, RSS or JSON, nor an observations or averages CSV."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {problem}")


class MalformedFileError(ObservationsError, ValueError):
    """A file of a known format is broken; ``line`` and ``field`` say where when known."""

    def __init__(self, path: str | Path, problem: str, *, line: int | None = None, field: str | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        where = self.path if line is None else f"{self.path} line {line}"
        super().__init__(f"{where}: {problem}")


class MixedKindsError(ObservationsError, ValueError):
    """Historical averages and snapshots cannot share one table (averages have no dates)."""


class OutputExistsError(ObservationsError, FileExistsError):
    """The output file exists and overwriting was not asked for."""


class UnknownDatasetError(ObservationsError, LookupError):
    """No shipped observations go by that name."""
