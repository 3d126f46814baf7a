"""The :class:`Store`: rule packs, reference data, stage runs, audits and the commission.

Callers get plain frozen records (:class:`RunRecord`, :class:`PackRecord`, and for
audits :class:`~calexit.store.audits.AuditRecord` and
:class:`~calexit.store.audits.RoundRecord`), never ORM objects, and pass the time
in: the store never reads the clock itself (except the database's own, for a pack
saved without ``now``). Times go in and come out as timezone-aware UTC on both
backends (:mod:`calexit.store.times`). The audit methods live in
:class:`~calexit.store.audits.AuditStore` and the commission's in
:class:`~calexit.store.commission.CommissionStore`, the portal's in
:class:`~calexit.store.portal.PortalStore`; :class:`Store` inherits all three.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from calexit.errors import NotFoundError, StoreError
from calexit.reference.records import County, Fact, State
from calexit.store.audits import AuditStore
from calexit.store.commission import CommissionStore
from calexit.store.models import (
    CountyRow,
    FactRow,
    RulePack,
    RunStatus,
    Stage,
    StageRunRow,
    StateRow,
)
from calexit.store.portal import PortalStore
from calexit.store.times import from_db, to_utc

# libpq wraps the useful part of its message in context: keep the reason only.
_DRIVER_CONTEXT = re.compile(
    r"^(connection failed: )?(connection to server .*? failed: )?(FATAL: +)?"
)


def driver_reason(error: DBAPIError) -> str:
    """The first line of a driver's error, without libpq's 'connection to server' preamble."""
    original = error.orig if error.orig is not None else error
    lines = str(original).strip().splitlines()
    reason = _DRIVER_CONTEXT.sub("", lines[0]).strip() if lines else ""
    return reason or type(original).__name__


@dataclass(frozen=True)
class PackRecord:
    """A rule pack as stored; ``sha256`` is the hex digest of ``toml_text`` (UTF-8)."""

    id: str
    version: str
    title: str
    sha256: str
    toml_text: str
    loaded_at: datetime


@dataclass(frozen=True)
class RunRecord:
    """One stage run as stored; ``summary`` is ``None`` until the run finishes."""

    id: int
    stage: Stage
    pack_id: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    seed: str | None
    code_version: str
    summary: dict[str, Any] | None


class Store(AuditStore, CommissionStore, PortalStore):
    """The calexit database: one engine, short transactions, plain records out."""

    def __init__(self, engine: Engine, where: str = "") -> None:
        self.engine = engine
        self.where = where or engine.url.render_as_string(hide_password=True)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection; the store cannot be used afterwards."""
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends and rolls back if it raises.

        A database that fails underneath (server gone, file locked) raises
        :class:`StoreError` with one line; other errors pass through unchanged.
        """
        session = self._sessions()
        try:
            yield session
            session.commit()
        except OperationalError as error:
            self._rollback(session)
            raise StoreError(f"the store at {self.where} failed: {driver_reason(error)}") from error
        except BaseException:
            self._rollback(session)
            raise
        finally:
            session.close()

    @staticmethod
    def _rollback(session: Session) -> None:
        with suppress(DBAPIError):  # the connection is gone; closing the session discards it
            session.rollback()

    def schema_revision(self) -> str:
        """The Alembic revision the database is at ("" for a database never migrated)."""
        try:
            with self.engine.connect() as connection:
                revision = MigrationContext.configure(connection).get_current_revision()
        except OperationalError as error:
            raise StoreError(f"the store at {self.where} failed: {driver_reason(error)}") from error
        return revision or ""

    # -- rule packs -------------------------------------------------------------

    def save_pack(
        self,
        pack_id: str,
        version: str,
        title: str,
        toml_text: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Insert or replace the pack ``pack_id``, recording the SHA-256 of its text.

        ``loaded_at`` is ``now`` when given, else the database server's clock.
        """
        loaded_at: datetime | ColumnElement[datetime] = func.now() if now is None else to_utc(now)
        values: dict[str, Any] = {
            "version": version,
            "title": title,
            "sha256": hashlib.sha256(toml_text.encode("utf-8")).hexdigest(),
            "toml_text": toml_text,
            "loaded_at": loaded_at,
        }
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(RulePack).values(id=pack_id, **values)
        upsert = statement.on_conflict_do_update(index_elements=[RulePack.id], set_=values)
        with self.session() as session:
            session.execute(upsert)

    def pack(self, pack_id: str) -> PackRecord:
        """The stored pack ``pack_id``; :class:`NotFoundError` if it was never saved."""
        with self.session() as session:
            row = session.get(RulePack, pack_id)
            if row is None:
                raise NotFoundError(f"no rule pack {pack_id!r} in the store")
            return PackRecord(
                id=row.id,
                version=row.version,
                title=row.title,
                sha256=row.sha256,
                toml_text=row.toml_text,
                loaded_at=from_db(row.loaded_at),
            )

    # -- reference data ---------------------------------------------------------

    def load_reference(
        self, counties: Iterable[County], states: Iterable[State], facts: Iterable[Fact]
    ) -> None:
        """Replace all county, state and fact rows with these records, in one transaction."""
        rows: list[tuple[type[Any], list[dict[str, Any]]]] = [
            (CountyRow, [_county_values(c) for c in counties]),
            (StateRow, [_state_values(s) for s in states]),
            (FactRow, [_fact_values(f) for f in facts]),
        ]
        with self.session() as session:
            for model, values in rows:
                session.execute(delete(model))
                if values:
                    session.execute(insert(model), values)

    def reference_counts(self) -> dict[str, int]:
        """Rows per reference table, e.g. ``{"county": 58, "state": 51, "fact": 42}``."""
        with self.session() as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (CountyRow, StateRow, FactRow)
            }

    # -- stage runs -------------------------------------------------------------

    def start_run(
        self,
        stage: Stage | str,
        pack_id: str,
        *,
        seed: str | None,
        code_version: str,
        now: datetime,
    ) -> int:
        """Record that ``stage`` started at ``now`` against pack ``pack_id``; return the run id.

        Raises :class:`NotFoundError` if the pack was never saved and
        :class:`ValueError` for an unknown stage or a naive ``now``.
        """
        row = StageRunRow(
            stage=Stage(stage),
            pack_id=pack_id,
            status=RunStatus.RUNNING,
            started_at=to_utc(now),
            finished_at=None,
            seed=seed,
            code_version=code_version,
            summary=None,
        )
        with self.session() as session:
            if session.get(RulePack, pack_id) is None:
                raise NotFoundError(f"no rule pack {pack_id!r} in the store; save it first")
            session.add(row)
            session.flush()
            return row.id

    def finish_run(
        self,
        run_id: int,
        *,
        status: RunStatus | str,
        summary: Mapping[str, Any] | None,
        now: datetime,
    ) -> None:
        """Record that run ``run_id`` ended at ``now`` with ``status`` and a JSON ``summary``.

        The summary must survive ``json.dumps`` (tuples come back as lists).
        Raises :class:`NotFoundError` for an unknown run and :class:`ValueError`
        for a run already finished or a final status of "running".
        """
        final = RunStatus(status)
        if final is RunStatus.RUNNING:
            raise ValueError("a run finishes as 'succeeded' or 'failed', not 'running'")
        stored = None if summary is None else json.loads(json.dumps(dict(summary)))
        finished_at = to_utc(now)
        with self.session() as session:
            row = session.get(StageRunRow, run_id)
            if row is None:
                raise NotFoundError(f"no stage run with id {run_id} in the store")
            if row.status is not RunStatus.RUNNING:
                raise ValueError(f"stage run {run_id} already finished ({row.status.value})")
            row.status, row.finished_at, row.summary = final, finished_at, stored

    def latest_run(self, stage: Stage | str) -> RunRecord | None:
        """The most recently started run of ``stage``, or ``None`` if it never ran."""
        found = self._runs(StageRunRow.stage == Stage(stage), limit=1)
        return found[0] if found else None

    def runs(self, limit: int = 20) -> list[RunRecord]:
        """The ``limit`` most recently started runs of any stage, newest first."""
        return self._runs(limit=limit)

    def _runs(self, *criteria: ColumnElement[bool], limit: int) -> list[RunRecord]:
        query = (
            select(StageRunRow)
            .where(*criteria)
            .order_by(StageRunRow.started_at.desc(), StageRunRow.id.desc())
            .limit(limit)
        )
        with self.session() as session:
            return [_run_record(row) for row in session.scalars(query)]


def _run_record(row: StageRunRow) -> RunRecord:
    return RunRecord(
        id=row.id,
        stage=Stage(row.stage),
        pack_id=row.pack_id,
        status=RunStatus(row.status),
        started_at=from_db(row.started_at),
        finished_at=None if row.finished_at is None else from_db(row.finished_at),
        seed=row.seed,
        code_version=row.code_version,
        summary=row.summary,
    )


def _county_values(county: County) -> dict[str, Any]:
    return {
        "fips": county.fips,
        "name": county.name,
        "region": county.region,
        "esp_region_2006": county.esp_region_2006,
        "eligible_voters": county.eligible_voters,
        "registered_voters": county.registered_voters,
        "ballots_cast_2024": county.ballots_cast_2024,
        "harris_2024": county.harris_2024,
        "trump_2024": county.trump_2024,
    }


def _state_values(state: State) -> dict[str, Any]:
    return {
        "abbr": state.abbr,
        "name": state.name,
        "jurisdiction_type": state.jurisdiction_type.value,
        "population_2020": state.population_2020,
        "house_seats": state.house_seats,
        "electoral_votes": state.electoral_votes,
        "trump_2024_pct": state.trump_2024_pct,
        "harris_2024_pct": state.harris_2024_pct,
        "legislature_control": state.legislature_control.value,
        "governor_party": state.governor_party,
        "senators_d": state.senators_d,
        "senators_r": state.senators_r,
        "notes": state.notes,
    }


def _fact_values(fact: Fact) -> dict[str, Any]:
    return {
        "key": fact.key,
        "value": fact.value,
        "bound": fact.bound,
        "unit": fact.unit,
        "year": fact.year,
        "source": fact.source,
    }
