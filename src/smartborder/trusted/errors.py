"""Errors of the trusted programs, one root below ``SmartborderError``::

    TrustedError                  a trusted-program rule refused its input
    ├── CriteriaError             an audit names an unknown criterion, or leaves one out
    ├── TransitionError           an application or certification step out of order
    └── BiometricError            an image that cannot be read or holds no face

Messages start with the field they are about (``field: problem``), so the service can turn
them into ``{"detail": [{"field": …, "problem": …}]}`` and the CLI print them as they are.
"""

from smartborder.errors import SmartborderError


class TrustedError(SmartborderError):
    """Root of the trusted-program errors."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class CriteriaError(TrustedError):
    """An audit's findings do not fit the criteria checklist."""


class TransitionError(TrustedError):
    """A step that the current state does not allow."""


class BiometricError(TrustedError):
    """A sample the matcher cannot use."""
