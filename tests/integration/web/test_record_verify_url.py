"""``calexit record verify URL`` against a portal served by uvicorn on loopback: the chain
holds, then a silent edit made directly in the database (SQL, behind the portal's back) is
named by the check, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from calexit.cli.demo_portal import fill_portal
from calexit.portal.chain import canonical_json, link_hash
from calexit.store import Store, open_store
from calexit.web import create_app

NOW = datetime(2029, 3, 1, 17, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "CALEXIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_database() -> Iterator[str]:
    """A new PostgreSQL database for one test, dropped afterwards; skip if none answers."""
    pytest.importorskip("psycopg", reason="psycopg 3 is not installed")
    admin = make_url(POSTGRES_URL)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"calexit_test_{uuid.uuid4().hex[:16]}"
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except DBAPIError as error:
        engine.dispose()
        pytest.skip(f"PostgreSQL at {admin.host}:{admin.port} did not answer: {error.orig}")
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def filled_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store holding the demo portal (35 links in its record), shared by the tests of
    one backend; each test's edits are undone after it (see ``_undo_edits``)."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("record")
        urls: Iterator[str] = iter([f"sqlite:///{folder / 'portal.sqlite3'}"])
    else:
        urls = _postgres_database()
    url = next(urls)
    try:
        with open_store(url) as store:
            fill_portal(store, NOW.date())
            yield store
    finally:
        for _ in urls:  # runs the PostgreSQL generator's clean-up
            pass


def _serve(app: Any) -> tuple[str, Callable[[], None]]:
    """uvicorn on a free loopback port, in a thread; the base URL and a stop function."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return f"http://127.0.0.1:{sock.getsockname()[1]}", stop


@pytest.fixture(autouse=True)
def _undo_edits(request: pytest.FixtureRequest) -> Iterator[None]:
    """Put back the record and the votes as they were before the test edited them."""
    if "filled_store" not in request.fixturenames:
        yield
        return
    store: Store = request.getfixturevalue("filled_store")
    columns = "seq, kind, ref, published_at, payload, prev, hash"
    with store.session() as session:
        links = [
            dict(r._mapping) for r in session.execute(text(f"SELECT {columns} FROM portal_record"))
        ]
        votes = [
            dict(r._mapping) for r in session.execute(text("SELECT id, vote FROM portal_vote"))
        ]
    yield
    with store.session() as session:
        session.execute(text("DELETE FROM portal_record"))
        session.execute(
            text(
                f"INSERT INTO portal_record ({columns}) VALUES "
                "(:seq, :kind, :ref, :published_at, :payload, :prev, :hash)"
            ),
            links,
        )
        session.execute(text("UPDATE portal_vote SET vote = :vote WHERE id = :id"), votes)
    assert store.verify_record().ok and store.record_drift() == []


@pytest.fixture(scope="module")
def portal_url(filled_store: Store) -> Iterator[str]:
    url, stop = _serve(create_app(store=filled_store, clock=lambda: NOW))
    try:
        yield url
    finally:
        stop()


def _calexit(*args: str) -> Any:
    """``calexit ARGS`` through the command's own Typer app."""
    from calexit.cli.main import app  # noqa: PLC0415 - the whole CLI, imported when used

    return CliRunner().invoke(app, list(args))


def _verify(url: str) -> dict[str, Any]:
    result = _calexit("record", "verify", url, "--json")
    verdict: dict[str, Any] = json.loads(result.stdout)
    verdict["exit_code"] = result.exit_code
    return verdict


def _row(store: Store, seq: int) -> dict[str, Any]:
    with store.session() as session:
        found = session.execute(
            text(
                "SELECT seq, kind, ref, published_at, payload, prev FROM portal_record "
                "WHERE seq = :seq"
            ),
            {"seq": seq},
        ).one()
    return dict(found._mapping)


def _sql(store: Store, statement: str, **values: Any) -> None:
    with store.session() as session:
        session.execute(text(statement), values)


def test_the_record_served_over_http_holds(portal_url: str, filled_store: Store) -> None:
    sound = _verify(f"{portal_url}/record.json")
    assert sound["exit_code"] == 0 and sound["ok"] is True and sound["broken_at"] is None
    assert sound["links"] == len(filled_store.record()) == 35
    assert sound["head"] == filled_store.record()[-1].hash
    assert _verify(portal_url)["ok"] is True  # the portal's base URL works too
    plain = _calexit("record", "verify", f"{portal_url}/record.json")
    assert plain.exit_code == 0 and "all 35 links hold" in plain.output


def test_an_edited_vote_in_the_record_is_named(portal_url: str, filled_store: Store) -> None:
    """A member's recorded "no" silently turned into "aye" in link 9 (action/1)."""
    row = _row(filled_store, 9)
    assert row["ref"] == "action/1" and '"Commissioner 04":"no"' in row["payload"]
    _sql(
        filled_store,
        "UPDATE portal_record SET payload = :p WHERE seq = 9",
        p=row["payload"].replace('"Commissioner 04":"no"', '"Commissioner 04":"aye"'),
    )
    broken = _verify(f"{portal_url}/record.json")
    assert broken["exit_code"] == 1 and broken["ok"] is False and broken["broken_at"] == 9
    assert broken["reason"].startswith("link 9 (action action/1) was altered")
    plain = _calexit("record", "verify", f"{portal_url}/record.json")
    assert plain.exit_code == 1 and "link 9 (action action/1) was altered" in plain.output


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(
    portal_url: str, filled_store: Store
) -> None:
    """Rewriting link 15's comment and its hash still breaks link 16, which points at it."""
    row = _row(filled_store, 15)
    payload = json.loads(row["payload"])
    payload["body"] = "What a fine commission."
    forged = link_hash(15, row["kind"], row["ref"], row["published_at"], payload, row["prev"])
    _sql(
        filled_store,
        "UPDATE portal_record SET payload = :p, hash = :h WHERE seq = 15",
        p=canonical_json(payload),
        h=forged,
    )
    broken = _verify(portal_url)
    assert broken["exit_code"] == 1 and broken["broken_at"] == 16
    assert broken["reason"] == "link 16 does not point at the hash of link 15"


def test_a_deleted_link_is_named(portal_url: str, filled_store: Store) -> None:
    _sql(filled_store, "DELETE FROM portal_record WHERE seq = 20")
    broken = _verify(portal_url)
    assert broken["exit_code"] == 1 and broken["broken_at"] == 21
    assert "link 21 is out of sequence (expected 20)" in broken["reason"]


def test_an_edit_of_a_live_row_leaves_the_chain_whole_and_shows_as_drift(
    portal_url: str, filled_store: Store
) -> None:
    """The chain is the published copy: editing the live vote table does not change it,
    so ``record verify`` still passes, and the portal's /record page shows the drift."""
    _sql(
        filled_store,
        "UPDATE portal_vote SET vote = 'aye' WHERE member = 'Commissioner 04' AND action_id = 1",
    )
    assert _verify(portal_url)["exit_code"] == 0
    page = httpx.get(f"{portal_url}/record", timeout=10).text
    assert "The live pages differ from the record" in page and "action/1" in page


def test_an_unreachable_portal_is_a_clear_error() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    result = _calexit("record", "verify", f"http://127.0.0.1:{port}/record.json")
    assert result.exit_code == 2 and "cannot fetch the record" in result.output
    assert "Traceback" not in result.output
