"""Draft reports by paragraph, and public comments with their moderation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from calexit.errors import InputError, NotFoundError, Problem
from calexit.portal.moderation import CommentStatus, Decision, TargetKind
from calexit.store.models import (
    AgendaItemRow,
    CommentRow,
    CommentState,
    ParagraphRow,
    ReportRow,
)
from calexit.store.portal_base import PortalBase, append_link, log_action
from calexit.store.portal_payloads import comment_payload, report_payload
from calexit.store.portal_records import (
    REPORT_KINDS,
    CommentRecord,
    ParagraphRecord,
    PortalStateError,
    ReportRecord,
)
from calexit.store.times import from_db, to_utc


class PortalComments(PortalBase):
    """Draft reports for comment; comments and moderation."""

    # -- reports ----------------------------------------------------------------------

    def publish_report(
        self, kind: str, title: str, paragraphs: Sequence[str], *, actor: str, now: datetime
    ) -> int:
        """Publish a draft report for comment, one paragraph per entry; return its id."""
        body = [p.strip() for p in paragraphs if p.strip()]
        problems: list[Problem] = []
        if kind not in REPORT_KINDS:
            problems.append(Problem("a report is interim or final", key="kind", value=kind))
        if not title.strip():
            problems.append(Problem("the report needs a title", key="title"))
        if not body:
            problems.append(Problem("the report has no paragraphs", key="body"))
        if problems:
            raise InputError("the draft report cannot be published", problems)
        with self.session() as session:
            row = ReportRow(
                kind=kind, title=title.strip(), status="draft", published_at=to_utc(now)
            )
            session.add(row)
            session.flush()
            session.add_all(
                ParagraphRow(report_id=row.id, position=i, body=b)
                for i, b in enumerate(body, start=1)
            )
            session.flush()
            append_link(session, "report", f"report/{row.id}", report_payload(session, row), now)
            log_action(
                session, actor, "publish-report", f"report/{row.id}", {"paragraphs": len(body)}, now
            )
            return row.id

    def reports(self) -> list[ReportRecord]:
        with self.session() as session:
            return [
                _report(session, r)
                for r in session.scalars(select(ReportRow).order_by(ReportRow.id))
            ]

    def report(self, report_id: int) -> ReportRecord:
        with self.session() as session:
            row = session.get(ReportRow, report_id)
            if row is None:
                raise NotFoundError(f"no report {report_id}")
            return _report(session, row)

    def paragraph(self, paragraph_id: int) -> ParagraphRecord:
        with self.session() as session:
            row = session.get(ParagraphRow, paragraph_id)
            if row is None:
                raise NotFoundError(f"no report paragraph {paragraph_id}")
            return ParagraphRecord(row.id, row.report_id, row.position, row.body)

    # -- comments ---------------------------------------------------------------------

    def submit_comment(
        self,
        target_kind: TargetKind | str,
        target_id: int,
        author: str,
        body: str,
        *,
        now: datetime,
    ) -> int:
        """Store a public comment as pending moderation; return its id."""
        kind = TargetKind(target_kind)
        with self.session() as session:
            model: type[AgendaItemRow] | type[ParagraphRow] = (
                AgendaItemRow if kind is TargetKind.AGENDA_ITEM else ParagraphRow
            )
            if session.get(model, target_id) is None:
                raise NotFoundError(f"no {kind.value} {target_id} to comment on")
            row = CommentRow(
                target_kind=kind.value,
                target_id=target_id,
                author=author,
                body=body,
                status=CommentState.PENDING,
                submitted_at=to_utc(now),
            )
            session.add(row)
            session.flush()
            return row.id

    def moderate_comment(
        self, comment_id: int, decision: Decision, *, actor: str, now: datetime
    ) -> None:
        """Accept or reject a pending comment; either way it enters the public record."""
        with self.session() as session:
            row = session.get(CommentRow, comment_id)
            if row is None:
                raise NotFoundError(f"no comment {comment_id}")
            if row.status is not CommentState.PENDING:
                raise PortalStateError(f"comment {comment_id} was already {row.status.value}")
            row.status = CommentState(decision.status.value)
            row.category = None if decision.category is None else decision.category.value
            row.reason = decision.reason or None
            row.moderated_at = to_utc(now)
            row.moderator = actor
            session.flush()
            append_link(session, "comment", f"comment/{row.id}", comment_payload(row), now)
            detail = {"status": row.status.value, "category": row.category, "reason": row.reason}
            log_action(session, actor, "moderate-comment", f"comment/{row.id}", detail, now)

    def comments(
        self,
        *,
        target_kind: TargetKind | str | None = None,
        target_id: int | None = None,
        status: CommentStatus | str | None = None,
        moderated_only: bool = False,
    ) -> list[CommentRecord]:
        """Comments in the order they came, filtered; ``moderated_only`` leaves out pending ones."""
        query = select(CommentRow).order_by(CommentRow.submitted_at, CommentRow.id)
        query = query.where(*_target_filter(target_kind, target_id))
        if status is not None:
            query = query.where(CommentRow.status == CommentState(CommentStatus(status).value))
        if moderated_only:
            query = query.where(CommentRow.status != CommentState.PENDING)
        with self.session() as session:
            return [_comment(r) for r in session.scalars(query)]

    def comment_counts(
        self, *, target_kind: TargetKind | str | None = None, target_id: int | None = None
    ) -> dict[str, int]:
        """Comments by status (every status present, zero when none), of all or one target."""
        query = (
            select(CommentRow.status, func.count())
            .where(*_target_filter(target_kind, target_id))
            .group_by(CommentRow.status)
        )
        counts = {s.value: 0 for s in CommentStatus}
        with self.session() as session:
            for state, count in session.execute(query):
                counts[CommentState(state).value] = int(count)
        return counts

    def comments_per_target(
        self, target_kind: TargetKind | str, status: CommentStatus | str
    ) -> dict[int, int]:
        """Comments of one status per target of a kind (targets without any left out)."""
        query = (
            select(CommentRow.target_id, func.count())
            .where(
                CommentRow.target_kind == TargetKind(target_kind).value,
                CommentRow.status == CommentState(CommentStatus(status).value),
            )
            .group_by(CommentRow.target_id)
        )
        with self.session() as session:
            return {int(target): int(count) for target, count in session.execute(query)}


def _target_filter(
    target_kind: TargetKind | str | None, target_id: int | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if target_kind is not None:
        conditions.append(CommentRow.target_kind == TargetKind(target_kind).value)
    if target_id is not None:
        conditions.append(CommentRow.target_id == target_id)
    return conditions


def _report(session: Session, row: ReportRow) -> ReportRecord:
    paragraphs = session.scalars(
        select(ParagraphRow).where(ParagraphRow.report_id == row.id).order_by(ParagraphRow.position)
    )
    return ReportRecord(
        row.id,
        row.kind,
        row.title,
        row.status,
        from_db(row.published_at),
        tuple(ParagraphRecord(p.id, p.report_id, p.position, p.body) for p in paragraphs),
    )


def _comment(row: CommentRow) -> CommentRecord:
    return CommentRecord(
        id=row.id,
        target_kind=TargetKind(row.target_kind),
        target_id=row.target_id,
        author=row.author,
        body=row.body,
        status=CommentStatus(row.status.value),
        category=row.category,
        reason=row.reason,
        submitted_at=from_db(row.submitted_at),
        moderated_at=None if row.moderated_at is None else from_db(row.moderated_at),
        moderator=row.moderator,
    )
