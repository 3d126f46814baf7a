"""Fixtures for the store's integration tests: a fresh database per test, on both backends.

PostgreSQL tests create a database of their own on the server named by
``CALEXIT_TEST_POSTGRES_URL`` (default: the local server, user postgres) and drop
it afterwards; they are skipped, with the reason, when the server does not answer.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from calexit.store import Store, open_store
from calexit.store.repository import driver_reason

POSTGRES_VARIABLE = "CALEXIT_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ANSWER_SECONDS = 3


@pytest.fixture(scope="session")
def postgres_admin_url() -> URL:
    """The maintenance database URL, once it has answered; skips every PostgreSQL test if not."""
    pytest.importorskip("psycopg", reason="psycopg 3 is not installed")
    url = make_url(os.environ.get(POSTGRES_VARIABLE, DEFAULT_POSTGRES_URL))
    engine = create_engine(url, connect_args={"connect_timeout": ANSWER_SECONDS})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as error:
        pytest.skip(f"PostgreSQL at {url.host}:{url.port} did not answer: {driver_reason(error)}")
    finally:
        engine.dispose()
    return url


def _postgres_database(admin: URL) -> Iterator[str]:
    """Create a database with a unique name, yield its URL, then drop it (even if in use)."""
    name = f"calexit_test_{uuid.uuid4().hex[:16]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file under tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'calexit.sqlite3'}"
        return
    yield from _postgres_database(request.getfixturevalue("postgres_admin_url"))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A store opened (and so migrated to head) on a fresh database."""
    with open_store(store_url) as opened:
        yield opened
