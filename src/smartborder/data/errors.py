"""Errors of the data layer.

DataError
├── UnknownPortError       no port matches the name or code
├── AmbiguousPortError     several ports match equally well
├── UnknownMeasureError    not one of the BTS measures
└── PeriodError            malformed month, reversed or empty range
"""

from smartborder.errors import SmartborderError


class DataError(SmartborderError):
    """Root of the data layer's errors."""


class UnknownPortError(DataError, LookupError):
    """No US–Mexico port matches; the message lists the closest names."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" Closest matches: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"port: no US–Mexico port matches {query!r}.{hint} Run `smartborder ports` for the full list.")


class AmbiguousPortError(DataError, LookupError):
    """Several ports match the query equally well; the message lists them."""

    def __init__(self, query: str, candidates: list[str]) -> None:
        self.query = query
        self.candidates = candidates
        super().__init__(
            f"port: {query!r} is ambiguous; it matches {', '.join(candidates)}. "
            "Give the full name or the 4-digit port code."
        )


class UnknownMeasureError(DataError, LookupError):
    """The measure is not one the BTS data reports."""

    def __init__(self, query: str, valid: list[str]) -> None:
        self.query = query
        super().__init__(f"measure: unknown measure {query!r}; expected one of: {', '.join(valid)}.")


class PeriodError(DataError, ValueError):
    """A month string or a month range is malformed, reversed or outside the data."""
