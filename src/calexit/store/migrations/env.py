"""Alembic environment of the calexit store (SQLite and PostgreSQL).

The database comes from the first of: a connection in
``config.attributes["connection"]`` (how :func:`calexit.store.open_store` runs
migrations, inside its own transaction), a URL in ``config.attributes["url"]``,
``-x url=...`` on the ``alembic`` command line, the ``CALEXIT_DATABASE_URL``
environment variable, then ``sqlalchemy.url`` in the configuration.
Logging is set up from the ini file unless ``config.attributes["configure_logger"]``
is false (for tests and other programs that own their logging).
SQLite migrations run in batch mode, since SQLite cannot alter most columns in place.
"""

from __future__ import annotations

import logging.config
import os

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from calexit.store.database import DATABASE_URL_VARIABLE, create_store_engine, parse_url
from calexit.store.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    """The database URL for a run without a ready connection (the alembic command line)."""
    candidates = (
        config.attributes.get("url"),
        context.get_x_argument(as_dictionary=True).get("url"),
        os.environ.get(DATABASE_URL_VARIABLE),
        config.get_main_option("sqlalchemy.url"),
    )
    for candidate in candidates:
        if candidate:
            return str(candidate)
    raise SystemExit(f"no database: pass -x url=... or set {DATABASE_URL_VARIABLE}")


def _skip_empty_revision(
    _context: MigrationContext, _revision: object, directives: list[MigrationScript]
) -> None:
    """Write no file when autogenerate finds no difference between models and database."""
    if config.cmd_opts is not None and getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops is not None and script.upgrade_ops.is_empty():
            directives[:] = []


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        process_revision_directives=_skip_empty_revision,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """Write the migration SQL (``alembic upgrade --sql``) instead of running it."""
    context.configure(
        url=parse_url(_url()),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the caller's connection, or on a new one."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if config.config_file_name is not None and config.attributes.get("configure_logger", True):
        logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = create_store_engine(parse_url(_url()))
    try:
        with engine.connect() as own:
            if own.dialect.name == "sqlite":  # batch mode copies tables others refer to
                own.exec_driver_sql("PRAGMA foreign_keys=OFF")
                own.commit()
            with own.begin():
                _run(own)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
