"""The commission stage in the store: nominees and nominators, lotteries, seats, bundles.

Nominee and nominator records are personal data and stay here; what calexit publishes
is the audit bundle, whose files the store also keeps verbatim (with their SHA-256) so
the portal can serve them and anyone can compare them with a copy.

A lottery is stored when its list of panels is published (:meth:`~CommissionStore.
create_lottery`, status "published") and completed when a public seed picks one
(:meth:`~CommissionStore.record_draw`, status "drawn"), which seats the members and
lists the alternates in order. :meth:`~CommissionStore.fill_vacancy` records a member
leaving and the alternate who takes the seat. :class:`~calexit.store.repository.Store`
inherits these methods; callers get frozen records.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from calexit.errors import CalexitError, NotFoundError
from calexit.store.models import (
    BundleFileRow,
    LotteryRow,
    LotteryStatus,
    NominatorRow,
    NomineeRow,
    RulePack,
    SeatRole,
    SeatRow,
)
from calexit.store.times import from_db, to_utc


class LotteryStateError(CalexitError):
    """A lottery step out of order: drawn twice, or a vacancy in an undrawn lottery."""


@dataclass(frozen=True)
class NomineeEntry:
    """A nominee to store: the intake ``record`` as JSON-able fields, and the decision."""

    id: str
    county: str
    record: Mapping[str, Any]
    eligible: bool
    reasons: Sequence[str]
    valid_nominators: int


@dataclass(frozen=True)
class NominatorEntry:
    """A nominator line to store, with the registration it matched and why it counts or not."""

    nominee_id: str
    line: int
    record: Mapping[str, Any]
    voter_id: str | None
    reason: str


@dataclass(frozen=True)
class NomineeRecord:
    id: str
    county: str
    record: dict[str, Any]
    eligible: bool
    reasons: list[str]
    valid_nominators: int
    imported_at: datetime


@dataclass(frozen=True)
class LotteryRecord:
    """A stored lottery. ``seed``, ``drawn_index`` and ``drawn_at`` are ``None`` until drawn."""

    id: int
    pack_id: str
    algorithm: str
    panel_size: int
    m: int
    pool_size: int
    min_probability: float
    commitment: str
    status: LotteryStatus
    summary: dict[str, Any]
    seed: str | None
    drawn_index: int | None
    created_at: datetime
    drawn_at: datetime | None


@dataclass(frozen=True)
class SeatRecord:
    """A member (seated, or vacated) or an alternate (waiting, or seated as a member)."""

    person_id: str
    role: SeatRole
    position: int
    replaces: str | None
    seated_at: datetime | None
    vacated_at: datetime | None

    @property
    def sitting(self) -> bool:
        return self.role is SeatRole.MEMBER and self.vacated_at is None


class CommissionStore:
    """The commission methods of :class:`~calexit.store.repository.Store` (a mixin)."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover
        """One transaction; :meth:`calexit.store.repository.Store.session` provides it."""
        raise NotImplementedError

    # -- nominees ---------------------------------------------------------------------

    def replace_nominees(
        self,
        nominees: Sequence[NomineeEntry],
        nominators: Sequence[NominatorEntry],
        *,
        now: datetime,
    ) -> None:
        """Replace every stored nominee and nominator with these, in one transaction."""
        imported_at = to_utc(now)
        nominee_rows = [
            {
                "id": n.id,
                "county": n.county,
                "record": _json(n.record, "a nominee record"),
                "eligible": n.eligible,
                "reasons": list(n.reasons),
                "valid_nominators": n.valid_nominators,
                "imported_at": imported_at,
            }
            for n in nominees
        ]
        nominator_rows = [
            {
                "nominee_id": n.nominee_id,
                "line": n.line,
                "record": _json(n.record, "a nominator record"),
                "voter_id": n.voter_id,
                "reason": n.reason,
            }
            for n in nominators
        ]
        with self.session() as session:
            session.execute(delete(NominatorRow))
            session.execute(delete(NomineeRow))
            if nominee_rows:
                session.execute(insert(NomineeRow), nominee_rows)
            if nominator_rows:
                session.execute(insert(NominatorRow), nominator_rows)

    def nominees(self) -> list[NomineeRecord]:
        """Every stored nominee, by id."""
        with self.session() as session:
            rows = session.scalars(select(NomineeRow).order_by(NomineeRow.id))
            return [
                NomineeRecord(
                    id=row.id,
                    county=row.county,
                    record=dict(row.record),
                    eligible=row.eligible,
                    reasons=list(row.reasons),
                    valid_nominators=row.valid_nominators,
                    imported_at=from_db(row.imported_at),
                )
                for row in rows
            ]

    def nominator_counts(self) -> dict[str, int]:
        """How many nominator lines each nominee has (counted or not)."""
        query = select(NominatorRow.nominee_id, func.count()).group_by(NominatorRow.nominee_id)
        with self.session() as session:
            return {nominee: int(count) for nominee, count in session.execute(query)}

    # -- lotteries --------------------------------------------------------------------

    def create_lottery(
        self,
        pack_id: str,
        *,
        algorithm: str,
        panel_size: int,
        m: int,
        pool_size: int,
        min_probability: float,
        commitment: str,
        summary: Mapping[str, Any],
        files: Mapping[str, str],
        now: datetime,
    ) -> int:
        """Store a published lottery and its bundle files (name -> text); return its id."""
        row = LotteryRow(
            pack_id=pack_id,
            algorithm=algorithm,
            panel_size=panel_size,
            m=m,
            pool_size=pool_size,
            min_probability=min_probability,
            commitment=commitment,
            status=LotteryStatus.PUBLISHED,
            summary=_json(dict(summary), "the lottery summary"),
            seed=None,
            drawn_index=None,
            created_at=to_utc(now),
            drawn_at=None,
        )
        with self.session() as session:
            if session.get(RulePack, pack_id) is None:
                raise NotFoundError(f"no rule pack {pack_id!r} in the store; save it first")
            session.add(row)
            session.flush()
            _put_files(session, row.id, files)
            return row.id

    def record_draw(
        self,
        lottery_id: int,
        *,
        seed: str,
        index: int,
        members: Sequence[str],
        alternates: Sequence[str],
        files: Mapping[str, str],
        now: datetime,
    ) -> None:
        """Record the draw: the seed, the panel index, the members and alternates in order.

        ``files`` are bundle files written or rewritten by the draw (name -> text).
        Raises :class:`LotteryStateError` if the lottery was already drawn.
        """
        drawn_at = to_utc(now)
        with self.session() as session:
            row = _lottery_row(session, lottery_id)
            if row.status is LotteryStatus.DRAWN:
                raise LotteryStateError(f"lottery {lottery_id} was already drawn")
            if not 0 <= index < row.m:
                raise ValueError(f"panel index {index} is outside 0..{row.m - 1}")
            if len(members) != row.panel_size:
                raise ValueError(f"{len(members)} members for a panel of {row.panel_size}")
            row.status, row.seed, row.drawn_index, row.drawn_at = (
                LotteryStatus.DRAWN,
                seed,
                index,
                drawn_at,
            )
            seats = [
                SeatRow(
                    lottery_id=lottery_id,
                    person_id=person,
                    role=SeatRole.MEMBER,
                    position=position,
                    seated_at=drawn_at,
                )
                for position, person in enumerate(members, start=1)
            ] + [
                SeatRow(
                    lottery_id=lottery_id,
                    person_id=person,
                    role=SeatRole.ALTERNATE,
                    position=position,
                )
                for position, person in enumerate(alternates, start=1)
            ]
            session.add_all(seats)
            _put_files(session, lottery_id, files)

    def fill_vacancy(
        self, lottery_id: int, leaving: str, replacement: str, *, now: datetime
    ) -> None:
        """Record that member ``leaving`` left and alternate ``replacement`` took the seat."""
        when = to_utc(now)
        with self.session() as session:
            row = _lottery_row(session, lottery_id)
            if row.status is not LotteryStatus.DRAWN:
                raise LotteryStateError(f"lottery {lottery_id} has not been drawn yet")
            seats = list(session.scalars(select(SeatRow).where(SeatRow.lottery_id == lottery_id)))
            member = next(
                (
                    s
                    for s in seats
                    if s.person_id == leaving and s.role is SeatRole.MEMBER and s.vacated_at is None
                ),
                None,
            )
            if member is None:
                raise LotteryStateError(
                    f"{leaving} is not a sitting member of lottery {lottery_id}"
                )
            waiting = next(
                (
                    s
                    for s in seats
                    if s.person_id == replacement
                    and s.role is SeatRole.ALTERNATE
                    and s.seated_at is None
                ),
                None,
            )
            if waiting is None:
                raise LotteryStateError(
                    f"{replacement} is not a waiting alternate of lottery {lottery_id}"
                )
            member.vacated_at = when
            waiting.seated_at = when
            session.add(
                SeatRow(
                    lottery_id=lottery_id,
                    person_id=replacement,
                    role=SeatRole.MEMBER,
                    position=max(s.position for s in seats if s.role is SeatRole.MEMBER) + 1,
                    replaces=leaving,
                    seated_at=when,
                )
            )

    def lottery(self, lottery_id: int) -> LotteryRecord:
        """The stored lottery ``lottery_id``; :class:`NotFoundError` if there is none."""
        with self.session() as session:
            return _lottery_record(_lottery_row(session, lottery_id))

    def latest_lottery(self) -> LotteryRecord | None:
        """The most recently created lottery, or ``None``."""
        found = self.lotteries(limit=1)
        return found[0] if found else None

    def lotteries(self, limit: int | None = None) -> list[LotteryRecord]:
        """Stored lotteries, newest first."""
        query = select(LotteryRow).order_by(LotteryRow.created_at.desc(), LotteryRow.id.desc())
        with self.session() as session:
            return [_lottery_record(row) for row in session.scalars(query.limit(limit))]

    def seats(self, lottery_id: int, *, alternates: int | None = None) -> list[SeatRecord]:
        """Members (by position), then alternates (in the published order); with
        ``alternates``, only the first that many alternates."""
        query = select(SeatRow).where(SeatRow.lottery_id == lottery_id)
        with self.session() as session:
            _lottery_row(session, lottery_id)
            members = session.scalars(
                query.where(SeatRow.role == SeatRole.MEMBER).order_by(SeatRow.position)
            ).all()
            waiting = session.scalars(
                query.where(SeatRow.role == SeatRole.ALTERNATE)
                .order_by(SeatRow.position)
                .limit(alternates)
            ).all()
            return [_seat_record(row) for row in (*members, *waiting)]

    def bundle_files(self, lottery_id: int, names: Collection[str] | None = None) -> dict[str, str]:
        """The lottery's bundle files (all, or those ``names``), name -> text, by name."""
        query = select(BundleFileRow).where(BundleFileRow.lottery_id == lottery_id)
        if names is not None:
            query = query.where(BundleFileRow.name.in_(list(names)))
        with self.session() as session:
            _lottery_row(session, lottery_id)
            rows = session.scalars(query.order_by(BundleFileRow.name))
            return {row.name: row.content for row in rows}

    def bundle_file_names(self, lottery_id: int) -> list[str]:
        """The names of the lottery's bundle files, sorted."""
        query = (
            select(BundleFileRow.name)
            .where(BundleFileRow.lottery_id == lottery_id)
            .order_by(BundleFileRow.name)
        )
        with self.session() as session:
            _lottery_row(session, lottery_id)
            return list(session.scalars(query))


def _seat_record(row: SeatRow) -> SeatRecord:
    return SeatRecord(
        person_id=row.person_id,
        role=SeatRole(row.role),
        position=row.position,
        replaces=row.replaces,
        seated_at=None if row.seated_at is None else from_db(row.seated_at),
        vacated_at=None if row.vacated_at is None else from_db(row.vacated_at),
    )


def _put_files(session: Session, lottery_id: int, files: Mapping[str, str]) -> None:
    """Insert or overwrite bundle files of one lottery."""
    existing = {
        row.name: row
        for row in session.scalars(
            select(BundleFileRow).where(BundleFileRow.lottery_id == lottery_id)
        )
    }
    for name, content in files.items():
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        if name in existing:
            existing[name].content, existing[name].sha256 = content, digest
        else:
            session.add(
                BundleFileRow(lottery_id=lottery_id, name=name, sha256=digest, content=content)
            )


def _lottery_row(session: Session, lottery_id: int) -> LotteryRow:
    row = session.get(LotteryRow, lottery_id)
    if row is None:
        raise NotFoundError(f"no commission lottery with id {lottery_id} in the store")
    return row


def _lottery_record(row: LotteryRow) -> LotteryRecord:
    return LotteryRecord(
        id=row.id,
        pack_id=row.pack_id,
        algorithm=row.algorithm,
        panel_size=row.panel_size,
        m=row.m,
        pool_size=row.pool_size,
        min_probability=row.min_probability,
        commitment=row.commitment,
        status=LotteryStatus(row.status),
        summary=dict(row.summary),
        seed=row.seed,
        drawn_index=row.drawn_index,
        created_at=from_db(row.created_at),
        drawn_at=None if row.drawn_at is None else from_db(row.drawn_at),
    )


_PLAIN = (str, int, bool, type(None))


def _json(value: Any, what: str) -> Any:
    """``value`` as JSON reads it back; :class:`ValueError` if JSON cannot hold it."""
    if isinstance(value, dict) and all(
        type(k) is str and type(v) in _PLAIN for k, v in value.items()
    ):
        return dict(value)  # already what JSON reads back: skip the round trip
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as error:
        raise ValueError(f"{what} cannot be stored as JSON ({error})") from error
