"""Risk-limiting audits of the vote in the store: the plan, then round after round.

A multi-round audit outlives one CLI invocation: :meth:`AuditStore.create_audit`
stores the plan (status "planned"), :meth:`~AuditStore.add_round` each draw of
ballots (the audit becomes "in-progress"), :meth:`~AuditStore.record_round` what
the auditors found, the risks measured and where the audit stands afterwards, and
the portal reads it all back with :meth:`~AuditStore.audit` and
:meth:`~AuditStore.rounds`. :class:`~calexit.store.repository.Store` inherits
these methods; callers get frozen :class:`AuditRecord` and :class:`RoundRecord`.

Rounds go strictly in sequence: round ``n + 1`` is drawn only once round ``n`` is
recorded, and never after the audit ended ("confirmed" or "full-hand-count").
Breaking the sequence raises :class:`AuditRoundError`.

JSON values (reported tallies, assertions, drawn ballots, results, risks) are
stored as ``json.dumps`` writes them and read back as ``json.loads`` does: nested
dicts and lists round-trip, tuples come back as lists and dict keys as strings.
``Decimal`` and ``Fraction`` values, NaN and infinities are refused with
:class:`ValueError`: pass exact numbers as strings (``"0.55"``, ``"11/20"``) or
floats (which round-trip exactly).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from calexit.errors import CalexitError, NotFoundError
from calexit.store.models import (
    AuditKind,
    AuditRoundRow,
    AuditRow,
    AuditStatus,
    RoundStatus,
    RulePack,
)
from calexit.store.times import from_db, to_utc

SEED_LENGTH = 20
RISK_LIMIT_PLACES = Decimal("0.00001")  # Numeric(6, 5)
BALLOT_FIELDS = ("county", "batch", "position", "ticket", "order")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ENDED = (AuditStatus.CONFIRMED, AuditStatus.FULL_HAND_COUNT)


class AuditRoundError(CalexitError):
    """An audit round out of sequence: drawn early or twice, or recorded twice."""


@dataclass(frozen=True)
class AuditRecord:
    """A stored audit: its plan, the reported outcome and where it stands.

    ``reported`` holds the reported tallies and canvass summary; ``assertions``
    the plan (each assertion's name, assorter parameters, reported mean and
    margin, estimated sample sizes), both as the caller wrote them in JSON.
    """

    id: int
    pack_id: str
    kind: AuditKind
    risk_limit: Decimal
    seed: str
    status: AuditStatus
    reported: dict[str, Any]
    assertions: Any
    manifest_total: int
    manifest_sha256: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RoundRecord:
    """One stored round: ``sample_size`` is cumulative, ``drawn`` this round's ballots.

    Each drawn ballot is ``[county, batch, position, ticket, order]``. ``results``
    (the audited ballots' votes), ``risks`` (per-assertion p-values) and
    ``recorded_at`` are ``None`` until the round is recorded.
    """

    id: int
    audit_id: int
    number: int
    sample_size: int
    drawn: list[list[Any]]
    results: Any
    risks: Any
    status: RoundStatus
    drawn_at: datetime
    recorded_at: datetime | None


class AuditStore:
    """The audit methods of :class:`~calexit.store.repository.Store` (a mixin)."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover
        """One transaction; :meth:`calexit.store.repository.Store.session` provides it."""
        raise NotImplementedError

    def create_audit(
        self,
        pack_id: str,
        kind: AuditKind | str,
        risk_limit: Decimal | str | float,
        seed: str,
        reported: Mapping[str, Any],
        assertions: Any,
        manifest_total: int,
        manifest_sha256: str,
        *,
        now: datetime,
    ) -> int:
        """Store a planned audit of the vote under pack ``pack_id``; return its id.

        ``risk_limit`` lies strictly between 0 and 1 with at most 5 decimal places;
        ``seed`` has 1 to 20 characters; ``manifest_sha256`` is a lowercase hex
        SHA-256. Raises :class:`NotFoundError` if the pack was never saved and
        :class:`ValueError` for any other value the store cannot keep.
        """
        created_at = to_utc(now)
        _check_plan(seed, manifest_total, manifest_sha256)
        row = AuditRow(
            pack_id=pack_id,
            kind=AuditKind(kind),
            risk_limit=_risk_limit(risk_limit),
            seed=seed,
            status=AuditStatus.PLANNED,
            reported=_json(dict(reported), "the reported outcome"),
            assertions=_json(assertions, "the assertions"),
            manifest_total=manifest_total,
            manifest_sha256=manifest_sha256,
            created_at=created_at,
            updated_at=created_at,
        )
        with self.session() as session:
            if session.get(RulePack, pack_id) is None:
                raise NotFoundError(f"no rule pack {pack_id!r} in the store; save it first")
            session.add(row)
            session.flush()
            return row.id

    def audit(self, audit_id: int) -> AuditRecord:
        """The stored audit ``audit_id``; :class:`NotFoundError` if there is none."""
        with self.session() as session:
            return _audit_record(_audit_row(session, audit_id))

    def latest_audit(self) -> AuditRecord | None:
        """The most recently created audit, or ``None`` if none was ever created."""
        found = self._audits(limit=1)
        return found[0] if found else None

    def audits(self) -> list[AuditRecord]:
        """Every stored audit, newest first."""
        return self._audits(limit=None)

    def _audits(self, limit: int | None) -> list[AuditRecord]:
        query = select(AuditRow).order_by(AuditRow.created_at.desc(), AuditRow.id.desc())
        with self.session() as session:
            return [_audit_record(row) for row in session.scalars(query.limit(limit))]

    def delete_audit(self, audit_id: int) -> None:
        """Delete audit ``audit_id`` and its rounds; :class:`NotFoundError` if there is none."""
        with self.session() as session:
            _audit_row(session, audit_id)
            session.execute(delete(AuditRow).where(AuditRow.id == audit_id))

    def add_round(
        self,
        audit_id: int,
        number: int,
        sample_size: int,
        drawn: Sequence[Sequence[Any]],
        *,
        now: datetime,
    ) -> int:
        """Store round ``number`` of the audit as drawn at ``now``; return the round's id.

        ``sample_size`` counts every ballot drawn so far, this round's included;
        ``drawn`` lists this round's ballots as ``[county, batch, position, ticket,
        order]``. A planned audit becomes "in-progress". Raises
        :class:`NotFoundError` for an unknown audit, :class:`AuditRoundError` for a
        round out of sequence and :class:`ValueError` for values the store refuses.
        """
        drawn_at = to_utc(now)
        ballots = _drawn_ballots(drawn)
        with self.session() as session:
            audit = _audit_row(session, audit_id)
            _check_next_round(audit, _last_round(session, audit_id), number, sample_size)
            row = AuditRoundRow(
                audit_id=audit_id,
                number=number,
                sample_size=sample_size,
                drawn=ballots,
                status=RoundStatus.DRAWN,
                drawn_at=drawn_at,
            )
            session.add(row)
            if audit.status is AuditStatus.PLANNED:
                audit.status = AuditStatus.IN_PROGRESS
            audit.updated_at = drawn_at
            try:
                session.flush()
            except IntegrityError as error:  # another process drew this round meanwhile
                raise AuditRoundError(_already_drawn(audit_id, number)) from error
            return row.id

    def record_round(
        self,
        audit_id: int,
        number: int,
        results: Any,
        risks: Any,
        status_after: AuditStatus | str,
        *,
        now: datetime,
    ) -> None:
        """Record round ``number``'s results and risks at ``now``, and the audit's new status.

        ``status_after`` is "in-progress" (another round is needed), "confirmed"
        or "full-hand-count". Raises :class:`NotFoundError` for an unknown audit or
        round, :class:`AuditRoundError` for a round already recorded and
        :class:`ValueError` for a status of "planned" or values that are not JSON.
        """
        after = AuditStatus(status_after)
        if after is AuditStatus.PLANNED:
            raise ValueError("an audit with a recorded round is no longer 'planned'")
        what = f"round {number} of audit {audit_id}"
        stored_results = _json(results, f"the results of {what}", required=True)
        stored_risks = _json(risks, f"the risks of {what}", required=True)
        recorded_at = to_utc(now)
        with self.session() as session:
            audit = _audit_row(session, audit_id)
            query = select(AuditRoundRow).where(_of_audit(audit_id), AuditRoundRow.number == number)
            row = session.scalar(query)
            if row is None:
                raise NotFoundError(f"no {what} in the store")
            if row.status is RoundStatus.RECORDED:
                raise AuditRoundError(f"{what} was already recorded")
            row.results, row.risks = stored_results, stored_risks
            row.status, row.recorded_at = RoundStatus.RECORDED, recorded_at
            audit.status, audit.updated_at = after, recorded_at

    def rounds(self, audit_id: int) -> list[RoundRecord]:
        """The rounds of audit ``audit_id`` by number; :class:`NotFoundError` if it is unknown."""
        with self.session() as session:
            _audit_row(session, audit_id)
            query = select(AuditRoundRow).where(_of_audit(audit_id)).order_by(AuditRoundRow.number)
            return [_round_record(row) for row in session.scalars(query)]


def _check_plan(seed: str, manifest_total: int, manifest_sha256: str) -> None:
    """:class:`ValueError` unless the seed and the manifest's size and digest can be stored."""
    if not 1 <= len(seed) <= SEED_LENGTH:
        raise ValueError(f"audit seed {seed!r} must have 1 to {SEED_LENGTH} characters")
    if manifest_total < 0:
        raise ValueError(f"a ballot manifest cannot hold {manifest_total} ballots")
    if not _SHA256.fullmatch(manifest_sha256):
        raise ValueError(f"manifest SHA-256 {manifest_sha256!r} is not 64 lowercase hex digits")


def _risk_limit(value: Decimal | str | float) -> Decimal:
    """The risk limit as stored: a Decimal in (0, 1) with at most 5 decimal places."""
    try:
        limit = Decimal(repr(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"risk limit {value!r} is not a number") from None
    if not limit.is_finite() or not 0 < limit < 1:
        raise ValueError(f"risk limit {value!r} must lie strictly between 0 and 1")
    if limit != limit.quantize(RISK_LIMIT_PLACES):
        raise ValueError(f"risk limit {value!r} has more than 5 decimal places")
    return limit.quantize(RISK_LIMIT_PLACES)


def _json(value: Any, what: str, *, required: bool = False) -> Any:
    """``value`` as JSON will read it back; :class:`ValueError` if JSON cannot hold it."""
    if required and value is None:
        raise ValueError(f"{what} must not be None")
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{what} cannot be stored as JSON ({error}); "
            "pass Decimal and Fraction values as strings or floats"
        ) from error
    return json.loads(text)


def _drawn_ballots(drawn: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """The drawn ballots as JSON lists, each ``[county, batch, position, ticket, order]``."""
    ballots = _json(drawn, "the drawn ballots")
    if not isinstance(ballots, list):
        raise ValueError("the drawn ballots must be a list")
    for index, ballot in enumerate(ballots):
        if not isinstance(ballot, list) or len(ballot) != len(BALLOT_FIELDS):
            raise ValueError(
                f"drawn ballot {index} is {ballot!r}, not [{', '.join(BALLOT_FIELDS)}]"
            )
    return ballots


def _audit_row(session: Session, audit_id: int) -> AuditRow:
    row = session.get(AuditRow, audit_id)
    if row is None:
        raise NotFoundError(f"no audit with id {audit_id} in the store")
    return row


def _of_audit(audit_id: int) -> ColumnElement[bool]:
    return AuditRoundRow.audit_id == audit_id


def _last_round(session: Session, audit_id: int) -> AuditRoundRow | None:
    query = select(AuditRoundRow).where(_of_audit(audit_id))
    query = query.order_by(AuditRoundRow.number.desc()).limit(1)
    return session.scalar(query)


def _already_drawn(audit_id: int, number: int) -> str:
    return f"round {number} of audit {audit_id} was already drawn"


def _check_next_round(
    audit: AuditRow, last: AuditRoundRow | None, number: int, sample_size: int
) -> None:
    """Raise :class:`AuditRoundError` unless round ``number`` may be drawn now.

    A round number below 1 is a :class:`ValueError`: a caller's mistake, not a sequence.
    """
    if number < 1:
        raise ValueError(f"audit rounds are numbered from 1, not {number}")
    what = f"round {number} of audit {audit.id}"
    if audit.status in _ENDED:
        raise AuditRoundError(f"{what} cannot be drawn: the audit ended ({audit.status.value})")
    if last is not None and number <= last.number:
        raise AuditRoundError(_already_drawn(audit.id, number))
    if last is not None and last.status is RoundStatus.DRAWN:
        raise AuditRoundError(f"{what} cannot be drawn before round {last.number} is recorded")
    expected = 1 if last is None else last.number + 1
    if number != expected:
        raise AuditRoundError(f"{what} cannot be drawn before round {expected} is drawn")
    before = 0 if last is None else last.sample_size
    if sample_size < before:
        raise AuditRoundError(
            f"{what} cannot have a cumulative sample of {sample_size} ballots, "
            f"fewer than the {before} drawn before it"
        )


def _audit_record(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        pack_id=row.pack_id,
        kind=AuditKind(row.kind),
        risk_limit=row.risk_limit,
        seed=row.seed,
        status=AuditStatus(row.status),
        reported=row.reported,
        assertions=row.assertions,
        manifest_total=row.manifest_total,
        manifest_sha256=row.manifest_sha256,
        created_at=from_db(row.created_at),
        updated_at=from_db(row.updated_at),
    )


def _round_record(row: AuditRoundRow) -> RoundRecord:
    return RoundRecord(
        id=row.id,
        audit_id=row.audit_id,
        number=row.number,
        sample_size=row.sample_size,
        drawn=row.drawn,
        results=row.results,
        risks=row.risks,
        status=RoundStatus(row.status),
        drawn_at=from_db(row.drawn_at),
        recorded_at=None if row.recorded_at is None else from_db(row.recorded_at),
    )
