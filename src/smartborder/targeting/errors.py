"""Errors of risk targeting.

    TargetingError        (SmartborderError, ValueError)
    └── carries ``field``: the attribute, profile key or parameter that is wrong

Messages say what was expected and what was received, so the API can answer 422 with the
field and the CLI can print one line.
"""

from __future__ import annotations

from smartborder.errors import SmartborderError


class TargetingError(SmartborderError, ValueError):
    """Bad arrival attributes, profiles or channel parameters."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
