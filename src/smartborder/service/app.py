"""The FastAPI application: one database per app, tokens and roles, JSON errors."""

from __future__ import annotations

import gc
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from importlib import import_module
from importlib.resources import files
from importlib.util import find_spec
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from smartborder import __version__
from smartborder.extras import advice
from smartborder.rules.errors import RuleInputError
from smartborder.service.auth import Caller, CallerCache, caller_for
from smartborder.service.db import Checkpointer, database_url, session_factory, upgrade
from smartborder.service.errors import Forbidden, OperationError, Unauthorized
from smartborder.service.guard import BodyGuard
from smartborder.service.scrub import ScrubDatabaseErrors
from smartborder.service.settings import Settings, load_settings

bearer = HTTPBearer(auto_error=False)

#: The largest page offset a list route accepts (beyond it a database's integer overflows and
#: no store holds that many rows anyway).
MAX_OFFSET = 1_000_000_000

# One router per resource; each module exposes ``router``. Imported late: they import this module.
ROUTERS = (
    "smartborder.service.permits_api",
    "smartborder.service.trusted_traders_api",
    "smartborder.service.trusted_travellers_api",
    "smartborder.service.trusted_cards_api",
    "smartborder.service.targeting_api",
    "smartborder.service.custody_api",
    "smartborder.service.trade_api",
)


class Problem(BaseModel):
    field: str = Field(description="the field (dotted path), query parameter, header or 'body' at fault")
    problem: str = Field(description="what is wrong with it, in words")


class ErrorBody(BaseModel):
    """Every error the API sends: a list of problems, each naming its field."""

    detail: list[Problem]


_ERROR_WORDS = {
    400: "the body is not JSON (or not UTF-8, or nested too deep)",
    401: "no token, or an unknown or revoked one",
    403: "the token's role may not do this",
    404: "no such record that this token may see",
    409: "conflicts with what is stored (a duplicate id, a state that forbids the step, a lost race)",
    413: "the body is larger than the service accepts",
    422: "a field is missing, malformed or out of bounds",
    503: "the service lacks a key or setting this needs",
}
#: The error responses every route documents (all share ``ErrorBody``).
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": words} for status, words in _ERROR_WORDS.items()
}


class Health(BaseModel):
    status: Literal["ok"]
    version: str


def create_app(
    db_url: str | None = None,
    migrate: bool = True,
    token_cache_s: float | None = None,
    settings: Settings | None = None,
) -> FastAPI:
    """The service with *settings* (default: read from ``SMARTBORDER_*`` variables); *db_url* and
    *token_cache_s*, when given, override theirs.

    A token's caller is remembered for ``token_cache_s`` seconds (0: look it up on every request),
    so a token revoked in the database stops working within that time."""
    settings = settings or load_settings()
    changes = {k: v for k, v in (("database_url", db_url), ("token_cache_s", token_cache_s)) if v is not None}
    settings = settings.model_copy(update=changes) if changes else settings
    url = database_url(settings.database_url)
    if migrate:
        upgrade(url)
    make_session = session_factory(url)

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        checkpointer = Checkpointer(url).start() if url.startswith("sqlite") else None
        yield
        if checkpointer is not None:
            checkpointer.stop()
        if hasattr(served.state, "dashboard"):
            served.state.dashboard.close()  # stop simulations still running for the dashboard

    app = FastAPI(
        title="smartborder services",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="Smart-border services on a shared base of tokens, roles and a hash-chained audit log.",
    )
    _offline_docs(app)
    app.state.make_session = make_session
    app.state.make_write_session = session_factory(url, writer=True)
    app.state.settings = settings
    app.state.callers = CallerCache(ttl=settings.token_cache_s)
    app.add_middleware(BodyGuard, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth)
    app.add_middleware(ScrubDatabaseErrors)  # a 500's logged error names no row's values

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        invalid = [e for e in exc.errors() if e["type"] == "json_invalid"]
        if invalid:  # the body is not JSON: a 400 naming the body, with the parser's words and where
            where = invalid[0]["loc"][-1]
            reason = (invalid[0].get("ctx") or {}).get("error", "JSON decode error")
            return JSONResponse(
                {"detail": [{"field": "body", "problem": f"not valid JSON: {reason} at character {where}"}]},
                status_code=400,
            )
        detail = [
            {
                "field": ".".join(str(p) for p in e["loc"] if p != "body"),
                "problem": e["msg"].removeprefix("Value error, "),
            }
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(ValidationError)
    async def _inner_validation(_: Request, exc: ValidationError) -> JSONResponse:
        # A model built inside a handler from checked parts still refused them: the caller's input
        # is at fault (a combination the request schema could not express), not the server.
        detail = [
            {"field": ".".join(str(p) for p in e["loc"]) or "body", "problem": e["msg"].removeprefix("Value error, ")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(RuleInputError)
    async def _rule_input(_: Request, exc: RuleInputError) -> JSONResponse:
        field, _sep, problem = str(exc).partition(": ")
        return JSONResponse({"detail": [{"field": field, "problem": problem or str(exc)}]}, status_code=422)

    @app.exception_handler(OperationError)
    async def _refused(_: Request, exc: OperationError) -> JSONResponse:
        return JSONResponse({"detail": [{"field": exc.field, "problem": exc.problem}]}, status_code=exc.status)

    @app.exception_handler(ModuleNotFoundError)
    async def _not_installed(_: Request, exc: ModuleNotFoundError) -> JSONResponse:
        # A route whose optional part is not installed here (e.g. face templates without the
        # biometrics extra): say so, as the CLI does, instead of a bare 500.
        message = advice(exc)
        if message is None:
            raise exc
        return JSONResponse({"detail": [{"field": "server", "problem": message}]}, status_code=501)

    @app.exception_handler(IntegrityError)
    async def _conflict(_: Request, exc: IntegrityError) -> JSONResponse:
        # A write that lost a race with another (both checked, both inserted): the database's
        # constraint refused the second, its transaction was rolled back; nothing was stored.
        field, problem = conflict(exc)
        return JSONResponse({"detail": [{"field": field, "problem": problem}]}, status_code=409)

    @app.get("/health", tags=["service"])
    def health() -> Health:
        return Health(status="ok", version=__version__)

    for module in ROUTERS:
        app.include_router(import_module(module).router, responses=ERRORS)
    if dashboard_installed():
        import_module("smartborder.service.dashboard").install(app)  # the web dashboard at /
    return app


def dashboard_installed() -> bool:
    """Whether the ``dashboard`` extra is installed (the API stands without it)."""
    return all(find_spec(name) is not None for name in ("jinja2", "plotly"))


DOC_ASSETS = "/docs-assets"


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI at /docs and ReDoc at /redoc, their scripts served from the fastapi-offline
    package's files rather than a CDN: the pages work on a machine without internet."""
    from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    assets = files("fastapi_offline") / "static"
    app.mount(DOC_ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return _hardened(
            get_swagger_ui_html(
                openapi_url="/openapi.json",
                title=f"{app.title} — API",
                swagger_js_url=f"{DOC_ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{DOC_ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{DOC_ASSETS}/favicon.png",
                # no badge from swagger.io's online validator
                swagger_ui_parameters={"validatorUrl": None},
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _hardened(
            get_redoc_html(
                openapi_url="/openapi.json",
                title=f"{app.title} — API",
                redoc_js_url=f"{DOC_ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{DOC_ASSETS}/favicon.png",
                with_google_fonts=False,
            )
        )


#: The documentation pages' policy: everything from this server (their one inline script starts
#: the viewer, ReDoc runs a worker from a blob), never framed by another site (clickjacking).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _hardened(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = DOCS_CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def conflict(exc: IntegrityError) -> tuple[str, str]:
    """The field and problem of a constraint the database enforced (SQLite and PostgreSQL words)."""
    text = str(exc.orig)
    match = re.search(r"Key \((?P<pg>[^)]+)\)=|constraint failed: (?P<lite>[\w.]+)", text)
    column = (match.group("pg") or match.group("lite").rpartition(".")[2]) if match else "body"
    kind = "unique" if ("UNIQUE" in text or "duplicate key" in text) else "integrity"
    return column, (
        f"conflicts with a record stored at the same time ({kind} constraint on {column}); "
        "nothing was stored: read the record, then retry if still needed"
    )


def _session(make: sessionmaker[Session]) -> Iterator[Session]:
    session = make()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def settle_for_serving() -> None:
    """Call once before serving: what start-up built (numpy, pandas, the app) lives as long as the
    server, so it is frozen out of the garbage collector's full passes, which otherwise walk a
    few hundred thousand objects — tens of milliseconds — in the middle of some request."""
    gc.collect()
    gc.freeze()


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the route commits once, so a 2xx means the write is durable."""
    yield from _session(request.app.state.make_session)


def get_write_session(request: Request) -> Iterator[Session]:
    """A session for a handler that reads then writes (on SQLite its transaction takes the write
    lock at the start, so concurrent writers queue instead of failing)."""
    yield from _session(request.app.state.make_write_session)


def settings_of(request: Request) -> Settings:
    """Dependency: the app's settings."""
    settings: Settings = request.app.state.settings
    return settings


#: Dependency aliases: a route says ``session: ReadSession`` or ``session: WriteSession``.
ReadSession = Annotated[Session, Depends(get_session)]
WriteSession = Annotated[Session, Depends(get_write_session)]
AppSettings = Annotated[Settings, Depends(settings_of)]


def require(*roles: str) -> Callable[..., Caller]:
    """Dependency: the caller's token must be valid and carry one of *roles*."""

    def dependency(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        if credentials is None:
            raise Unauthorized("Authorization", "send 'Authorization: Bearer TOKEN'")
        callers: CallerCache = request.app.state.callers
        caller = callers.get(credentials.credentials)
        if caller is None:
            # A session of its own, closed before the route runs: its pooled connection goes back
            # at once. Holding it (idle in transaction) until the request ends, while the route's
            # write takes a second one, starves the pool when a fleet of devices with cold tokens
            # writes at once (issue 27: 32 carriers, 15 connections, every request a 500).
            with request.app.state.make_session() as session:
                caller = caller_for(session, credentials.credentials)
            if caller is None:
                raise Unauthorized("Authorization", "unknown, expired or revoked token")
            callers.put(credentials.credentials, caller)
        if caller.role not in roles:
            raise Forbidden("role", f"{caller.role} may not do this; needs one of {', '.join(roles)}")
        return caller

    return dependency
