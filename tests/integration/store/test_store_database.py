"""Choosing and opening the database: the URL, and one clear line when it cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from calexit.errors import ConfigError, StoreError
from calexit.store import database_url_from, open_store
from calexit.store.database import parse_url

EXPECTED = "expected sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DATABASE"


def test_database_url_defaults_to_a_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "calexit.sqlite3"
    assert database_url_from({}, path) == f"sqlite:///{path}"
    assert database_url_from({"CALEXIT_DATABASE_URL": "  "}, path) == f"sqlite:///{path}"


def test_the_environment_overrides_the_default(tmp_path: Path) -> None:
    url = "postgresql+psycopg://calexit@db.example:5432/calexit"
    env = {"CALEXIT_DATABASE_URL": url, "OTHER": "x"}
    assert database_url_from(env, tmp_path / "unused.sqlite3") == url


def test_a_malformed_url_names_the_variable_and_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        database_url_from({"CALEXIT_DATABASE_URL": "not a url"}, tmp_path / "x.sqlite3")
    assert str(caught.value) == (
        f"CALEXIT_DATABASE_URL='not a url' is not a database URL; {EXPECTED}"
    )


def test_an_unsupported_database_is_refused_without_its_password(tmp_path: Path) -> None:
    env = {"CALEXIT_DATABASE_URL": "mysql://calexit:hunter2@db.example/calexit"}
    with pytest.raises(ConfigError) as caught:
        database_url_from(env, tmp_path / "x.sqlite3")
    assert str(caught.value) == (
        "CALEXIT_DATABASE_URL='mysql://calexit:***@db.example/calexit' names a database "
        f"or driver calexit does not support (mysql); {EXPECTED}"
    )


def test_open_store_refuses_a_malformed_url() -> None:
    with pytest.raises(ConfigError) as caught:
        open_store("sqlite:/relative.db")
    assert str(caught.value) == f"'sqlite:/relative.db' is not a database URL; {EXPECTED}"


def test_a_port_that_is_not_a_number_is_malformed() -> None:
    with pytest.raises(ConfigError) as caught:
        open_store("postgresql://calexit@db.example:fivefourthreetwo/calexit")
    assert str(caught.value) == (
        f"'postgresql://calexit@db.example:fivefourthreetwo/calexit' is not a database URL; "
        f"{EXPECTED}"
    )


def test_an_option_the_driver_rejects_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "calexit.sqlite3"
    with pytest.raises(ConfigError) as caught:
        open_store(f"sqlite:///{path}?timeout=soon")
    assert str(caught.value) == (
        f"the database URL of {path} has a bad option: could not convert string to float: 'soon'"
    )


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg"),
        ("postgres://u@h/d", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite+pysqlite"),
    ],
)
def test_urls_without_a_driver_get_the_installed_one(given: str, driver: str) -> None:
    assert parse_url(given).drivername == driver


def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://calexit:hunter2@127.0.0.1:1/calexit")
    assert str(caught.value) == (
        "cannot open the store at postgresql+psycopg://calexit:***@127.0.0.1:1/calexit: "
        "Connection refused"
    )


@pytest.mark.parametrize(
    ("below", "reason"),
    [("", "a file of that name exists"), ("sub", "Not a directory")],
)
def test_a_sqlite_directory_blocked_by_a_file_is_one_line(
    tmp_path: Path, below: str, reason: str
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    path = blocker / below / "calexit.sqlite3"
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{path}")
    assert str(caught.value) == (
        f"cannot open the store at {path}: cannot create directory {path.parent} ({reason})"
    )


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "calexit.sqlite3"
    path.write_bytes(b"this is not SQLite\n" * 100)
    with pytest.raises(StoreError) as caught:
        open_store(f"sqlite:///{path}")
    assert str(caught.value) == f"cannot open the store at {path}: file is not a database"


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'calexit.sqlite3'}"
    with open_store(url) as store, store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert str(caught.value) == (
        f"cannot migrate the store at {tmp_path / 'calexit.sqlite3'}: "
        "Can't locate revision identified by '9999'"
    )
