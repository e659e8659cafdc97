"""Domain errors of the operations: what the rules refuse, the field at fault and the problem.

Operations raise these and know nothing of HTTP; the app maps every one to its status and the
API's error body in one place (``app.create_app``), and the CLI prints them as one line.
"""

from __future__ import annotations

from smartborder.errors import SmartborderError


class OperationError(SmartborderError):
    """A request the rules refuse. ``status`` is the HTTP status it maps to."""

    status = 422

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field, self.problem = field, problem


class Invalid(OperationError):
    """Input the rules cannot use (422)."""


class Unauthorized(OperationError):
    status = 401


class Forbidden(OperationError):
    """The caller's role or identity may not do this (403)."""

    status = 403


class NotFound(OperationError):
    """No such record that this caller may see (404)."""

    status = 404


class Conflict(OperationError):
    """The stored state forbids the step, or the record exists already (409)."""

    status = 409


class TooLarge(OperationError):
    status = 413


class Unavailable(OperationError):
    """The service lacks a key or setting the operation needs (503)."""

    status = 503
