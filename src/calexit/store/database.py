"""Opening the store: the database URL, the engine and the migrations to head.

The store is a SQLite file by default and PostgreSQL in production; the
``CALEXIT_DATABASE_URL`` environment variable chooses. Every problem a user can
fix (a malformed URL, a server that does not answer, a path that cannot be
written) becomes one line in a :class:`~calexit.errors.ConfigError` or
:class:`~calexit.errors.StoreError`, never a driver traceback, and never shows
a password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from calexit.errors import ConfigError, StoreError
from calexit.store.repository import Store, driver_reason

DATABASE_URL_VARIABLE = "CALEXIT_DATABASE_URL"
URL_EXAMPLES = "sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE"
CONNECT_TIMEOUT_SECONDS = 10
POOL_SIZE = 12
"""PostgreSQL connections kept open: as many as the portal's request threads
(``PortalSettings.threads``), so a busy portal never opens (and forks a server process
for) a connection per request."""
POOL_OVERFLOW = 4
"""Extra connections beyond the pool for a burst (closed when returned)."""
POOL_RECYCLE_SECONDS = 1800
"""A pooled connection older than this is replaced at its next checkout. Connections are
not pinged on every checkout (a round trip per transaction); one the server dropped
fails its transaction once, and the pool then discards every connection of that age."""

# The drivers calexit installs, by backend; a URL naming no driver gets these.
_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgresql": "postgresql+psycopg"}
_BACKEND_ALIASES = {"postgres": "postgresql"}
_PASSWORD = re.compile(r"(?<=://)([^/@:]*):[^/@]*@")


def database_url_from(env: Mapping[str, str], default_path: Path) -> str:
    """The database URL: ``CALEXIT_DATABASE_URL`` if set and not blank, else a SQLite file.

    Raises :class:`ConfigError` naming the variable and its (password-masked)
    value when the variable is not a URL of a database calexit supports.
    """
    text = env.get(DATABASE_URL_VARIABLE, "").strip()
    if not text:
        return f"sqlite:///{default_path}"
    parse_url(text, origin=DATABASE_URL_VARIABLE)
    return text


def parse_url(text: str, *, origin: str = "") -> URL:
    """Parse a database URL and pin its driver (``postgresql://`` means psycopg 3).

    ``origin`` names where the text came from (an environment variable) for the
    error message. Raises :class:`ConfigError` for text that is not a URL or
    names a database other than SQLite or PostgreSQL.
    """
    shown = _PASSWORD.sub(r"\1:***@", text)
    label = f"{origin}={shown!r}" if origin else repr(shown)
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(f"{label} is not a database URL; expected {URL_EXAMPLES}") from None
    backend = _BACKEND_ALIASES.get(url.get_backend_name(), url.get_backend_name())
    wanted = _DRIVERS.get(backend)
    if wanted is None or url.drivername not in (backend, wanted, url.get_backend_name()):
        raise ConfigError(
            f"{label} names a database or driver calexit does not support ({url.drivername}); "
            f"expected {URL_EXAMPLES}"
        )
    return url.set(drivername=wanted)


def open_store(url: str) -> Store:
    """Open (creating if need be) the store at ``url`` and migrate it to the newest schema.

    Raises :class:`ConfigError` for a malformed URL and :class:`StoreError` when
    the database cannot be reached, created or migrated.
    """
    parsed = parse_url(url)
    where = describe_url(parsed)
    engine = create_store_engine(parsed)
    try:
        _migrate(engine)
    except DBAPIError as error:
        engine.dispose()
        raise StoreError(f"cannot open the store at {where}: {driver_reason(error)}") from error
    except CommandError as error:
        engine.dispose()
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StoreError(f"cannot migrate the store at {where}: {reason}") from error
    return Store(engine, where)


def migrations_directory() -> Path:
    """The directory of the Alembic environment shipped inside this package."""
    return Path(str(resources.files("calexit.store").joinpath("migrations")))


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the shipped migrations, without any ``alembic.ini``.

    With a ``connection``, ``env.py`` runs the migrations on it (inside the
    caller's transaction) instead of opening its own.
    """
    config = Config()
    config.set_main_option("script_location", str(migrations_directory()))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        url = connection.engine.url.render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of calexit knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise StoreError("the calexit package ships no schema migrations")
    return head


def create_store_engine(url: URL) -> Engine:
    """An engine for a parsed URL: SQLite enforces foreign keys; PostgreSQL times out.

    Creates the directory of a SQLite file (:class:`StoreError` if it cannot);
    a URL option the driver rejects (``?timeout=soon``) is a :class:`ConfigError`.
    """
    sqlite = url.get_backend_name() == "sqlite"
    options: dict[str, Any] = {}
    if sqlite:
        _create_sqlite_directory(url)
    else:
        options.update(
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            pool_recycle=POOL_RECYCLE_SECONDS,
        )
        if "connect_timeout" not in url.query:
            options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    try:
        engine = create_engine(url, **options)
    except (ArgumentError, TypeError, ValueError) as error:
        where = describe_url(url)
        raise ConfigError(f"the database URL of {where} has a bad option: {error}") from error
    if sqlite:
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless each connection turns them on."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def describe_url(url: URL) -> str:
    """Where the store is, for messages: the SQLite file, or the URL without its password."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, or ``None`` for an in-memory or ``file:`` URI database."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _create_sqlite_directory(url: URL) -> None:
    path = _sqlite_file(url)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        if isinstance(error, FileExistsError):  # the directory's own name is taken by a file
            reason = "a file of that name exists"
        raise StoreError(
            f"cannot open the store at {path}: cannot create directory {path.parent} ({reason})"
        ) from error


def _migrate(engine: Engine) -> None:
    """Upgrade to head on one connection, in one transaction.

    On SQLite, foreign keys are off while migrating (a batch migration copies and
    drops tables that others refer to) and back on before the connection is pooled.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            _set_sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection), "head")
        finally:
            if sqlite:
                _set_sqlite_foreign_keys(connection, on=True)


def _set_sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch foreign keys; SQLite ignores this inside a transaction, so commit around it."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()
