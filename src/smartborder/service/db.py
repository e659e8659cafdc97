"""Database URL, engine and migrations. SQLite file by default; PostgreSQL when a URL is given."""

from __future__ import annotations

import os
import threading
from importlib.resources import files

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///smartborder.db"


def database_url(url: str | None = None) -> str:
    """*url*, else the settings' (``SMARTBORDER_DATABASE_URL``), else a SQLite file in the working
    directory."""
    from smartborder.service.settings import load_settings

    return url or load_settings().database_url


def shown_url(url: str) -> str:
    """*url* as it may be printed or logged: the password, if any, as ``***``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable database URL>"


_engines: dict[tuple[str, bool], Engine] = {}
_engines_lock = threading.Lock()


def engine_for(url: str, writer: bool = False) -> Engine:
    """One engine (and connection pool) per URL and kind, kept until ``dispose``: an engine
    dropped from a bounded cache would leave its pooled connections to the garbage collector."""
    writer = writer and url.startswith("sqlite")
    with _engines_lock:
        engine = _engines.get((url, writer))
        if engine is None:
            engine = _engines[(url, writer)] = _create_engine(url, writer)
        return engine


def _create_engine(url: str, writer: bool) -> Engine:
    """The engine for *url*. On SQLite a *writer* engine opens every transaction with
    ``BEGIN IMMEDIATE``: a read-then-write transaction that starts deferred fails at once with
    "database is locked" when another writer commits in between (WAL snapshots cannot be
    upgraded), whereas an immediate one waits its turn. Elsewhere readers and writers are one.
    Errors never carry the row's values (``hide_parameters``): a 500's logged traceback must not
    spill a person's record or a token hash."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record):  # type: ignore[no-untyped-def]
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints run on the service's own thread (``Checkpointer``), not inside whichever
        # request's commit crosses 1,000 pages: that commit used to take 20–40 ms longer.
        # Without a running service the last connection to close checkpoints, as SQLite does.
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()
        if writer:
            connection.isolation_level = None  # we say BEGIN ourselves

    if writer:

        @event.listens_for(engine, "begin")
        def _begin(connection):  # type: ignore[no-untyped-def]
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(url: str, writer: bool = False) -> sessionmaker[Session]:
    """Sessions on *url*; ``writer=True`` for request handlers that read, then write."""
    return sessionmaker(engine_for(url, writer), expire_on_commit=False)


def require_existing(url: str, table: str) -> None:
    """Refuse a database that does not exist or holds no *table* (a typo in a path or URL must
    not create an empty database). Raises ``SmartborderError`` naming the problem."""
    from sqlalchemy import inspect
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from smartborder.errors import SmartborderError

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:" or not os.path.isfile(path):
            raise SmartborderError(f"db: no database at {path or url!r} (nothing was created)")
    try:
        with engine_for(url).connect() as connection:
            present = inspect(connection).has_table(table)
    except OperationalError as exc:
        raise SmartborderError(
            f"db: cannot open {parsed.render_as_string(hide_password=True)}: {str(exc.orig).strip()}"
        ) from None
    if not present:
        raise SmartborderError(
            f"db: {parsed.render_as_string(hide_password=True)} holds no smartborder {table} "
            "table (not a smartborder database?)"
        )


def upgrade(url: str) -> None:
    """Bring the database schema to the latest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("smartborder.service") / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    with engine_for(url).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Checkpointer:
    """Copies a SQLite database's write-ahead log into the database file every *every* seconds
    on a background thread (PASSIVE: never waits for, nor blocks, readers and writers)."""

    def __init__(self, url: str, every: float = 1.0) -> None:
        self.url, self.every = url, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)

    def start(self) -> Checkpointer:
        self._thread.start()
        return self

    def _checkpoint(self, mode: str) -> None:
        with engine_for(self.url).connect() as connection:
            connection.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})")

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._checkpoint("PASSIVE")

    def stop(self) -> None:
        """Stop the thread and leave the database file complete (the WAL emptied)."""
        self._stop.set()
        self._thread.join()
        self._checkpoint("TRUNCATE")


def dispose(url: str) -> None:
    """Close and forget *url*'s engines and their pooled connections (tests, shutdown)."""
    with _engines_lock:
        engines = [_engines.pop((url, writer), None) for writer in (False, True)]
    for engine in engines:
        if engine is not None:
            engine.dispose()
