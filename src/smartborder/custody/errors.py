"""Errors of the chain-of-custody domain.

    CustodyError
    └── CustodyInputError   a seal id, container id, route, event or ping that cannot be accepted

Each carries the *field* it is about, so the API can answer ``{"field": …, "problem": …}``.
"""

from smartborder.errors import SmartborderError


class CustodyError(SmartborderError):
    """Root of the custody domain's errors."""


class CustodyInputError(CustodyError, ValueError):
    """Input the custody rules cannot accept; ``field`` names where it is."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
