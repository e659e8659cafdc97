"""Database errors that reach the server's log without the rows' values.

The engines hide the parameters bound to a failed statement (``db.engine_for``:
``hide_parameters``), but the database's own message can quote a value: PostgreSQL's
``Key (person_id)=(…) already exists`` or ``invalid input syntax for type integer: "…"``. An
error no handler answers becomes a 500 whose traceback the server logs, so the middleware here
swaps such an error, on its way out, for one that keeps its kind, its SQLSTATE, the statement
and the traceback's frames, and drops the message (OWASP ASVS 7.1.1: no personal data or
credentials in logs).
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from smartborder.errors import SmartborderError
from smartborder.service.guard import ASGIApp, Receive, Scope, Send


class DatabaseError(SmartborderError):
    """A database error with the values it quoted removed."""


def scrubbed(exc: DBAPIError) -> DatabaseError:
    """*exc* as its kind, SQLSTATE (where the driver gives one) and statement, with its frames."""
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    words = f"{type(orig).__name__}" + (f" (SQLSTATE {state})" if state else "")
    statement = " ".join(str(exc.statement or "").split())[:500]
    return DatabaseError(f"{words} in: {statement} [the database's message is not logged: it may quote a row]")


class ScrubDatabaseErrors:
    """Pure ASGI middleware: a ``DBAPIError`` no handler answered leaves as ``scrubbed``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except DBAPIError as exc:
            raise scrubbed(exc).with_traceback(exc.__traceback__) from None
