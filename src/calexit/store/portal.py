"""The public portal in the store: meetings, documents, reports, comments, budget, staff.

Every method that publishes something appends a link to the public record's hash chain
(:mod:`calexit.portal.chain`) in the same transaction, and every staff method writes a
row of the audit log there too, so neither can be left out by a caller. The Bagley-Keene
notice rules (:mod:`calexit.portal.notice`) are applied here, so no path can post a
late notice. :class:`~calexit.store.repository.Store` inherits these methods.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from calexit.errors import CalexitError, InputError, NotFoundError, Problem
from calexit.portal.budget import BudgetLine, LineKind
from calexit.portal.chain import ChainCheck, Link, canonical_json, next_link, verify_chain
from calexit.portal.moderation import CommentStatus, Decision, TargetKind
from calexit.portal.notice import MeetingKind, check_description, check_notice
from calexit.portal.roles import Role
from calexit.store.models import (
    ActionRow,
    AgendaItemRow,
    AuditRow,
    BudgetLineRow,
    CommentRow,
    CommentState,
    DocumentRow,
    DocumentVersionRow,
    LotteryRow,
    MeetingKindColumn,
    MeetingRow,
    MemberVoteRow,
    ParagraphRow,
    PortalRole,
    PortalSessionRow,
    PortalUserRow,
    RecordLinkRow,
    ReportRow,
    StaffActionRow,
    StageRunRow,
)
from calexit.store.times import from_db, to_utc

VOTES = ("aye", "no", "abstain", "absent")
REPORT_KINDS = ("interim", "final")
DOCUMENT_KINDS = ("analysis", "material", "report", "notice", "other")


class PortalStateError(CalexitError):
    """A portal step out of order (minutes before the meeting, a comment moderated twice)."""


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: Role
    password_hash: str
    active: bool


@dataclass(frozen=True)
class AgendaItemRecord:
    id: int
    meeting_id: int
    position: int
    title: str
    description: str
    posted_at: datetime


@dataclass(frozen=True)
class VoteRecord:
    member: str
    vote: str


@dataclass(frozen=True)
class ActionRecord:
    id: int
    meeting_id: int
    agenda_item_id: int | None
    motion: str
    result: str
    recorded_at: datetime
    votes: tuple[VoteRecord, ...]


@dataclass(frozen=True)
class MeetingRecord:
    id: int
    title: str
    kind: MeetingKind
    starts_at: datetime
    location: str
    notice_posted_at: datetime
    findings: str | None
    recording_url: str | None
    minutes: str | None
    minutes_published_at: datetime | None


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    slug: str
    title: str
    kind: str
    meeting_id: int | None
    created_at: datetime
    version: int
    body: str
    sha256: str
    note: str
    published_at: datetime


@dataclass(frozen=True)
class SearchHit:
    document: DocumentRecord
    snippet: str


@dataclass(frozen=True)
class ParagraphRecord:
    id: int
    report_id: int
    position: int
    body: str


@dataclass(frozen=True)
class ReportRecord:
    id: int
    kind: str
    title: str
    status: str
    published_at: datetime
    paragraphs: tuple[ParagraphRecord, ...]


@dataclass(frozen=True)
class CommentRecord:
    id: int
    target_kind: TargetKind
    target_id: int
    author: str
    body: str
    status: CommentStatus
    category: str | None
    reason: str | None
    submitted_at: datetime
    moderated_at: datetime | None
    moderator: str | None


@dataclass(frozen=True)
class StaffActionRecord:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


def _iso(moment: datetime) -> str:
    return to_utc(moment).isoformat(timespec="seconds")


def _sha(textual: str) -> str:
    return hashlib.sha256(textual.encode("utf-8")).hexdigest()


class PortalStore:
    """The portal methods of :class:`~calexit.store.repository.Store` (a mixin)."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover
        """One transaction; :meth:`calexit.store.repository.Store.session` provides it."""
        raise NotImplementedError

    # -- staff accounts and sessions ------------------------------------------------

    def add_user(
        self,
        username: str,
        display_name: str,
        role: Role | str,
        password_hash: str,
        *,
        actor: str,
        now: datetime,
    ) -> int:
        """Create a staff account (the caller hashes the password); return its id."""
        row = PortalUserRow(
            username=username,
            display_name=display_name,
            role=PortalRole(Role(role).value),
            password_hash=password_hash,
            active=True,
            created_at=to_utc(now),
        )
        try:
            with self.session() as session:
                session.add(row)
                session.flush()
                _log(session, actor, "add-user", f"user/{username}", {"role": row.role.value}, now)
                return row.id
        except IntegrityError:
            raise InputError(
                "the account cannot be created",
                [Problem("that username is taken", key="username", value=username)],
            ) from None

    def set_user_active(self, username: str, active: bool, *, actor: str, now: datetime) -> None:
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            if row is None:
                raise NotFoundError(f"no staff account {username!r}")
            row.active = active
            if not active:
                session.execute(delete(PortalSessionRow).where(PortalSessionRow.user_id == row.id))
            _log(session, actor, "set-user-active", f"user/{username}", {"active": active}, now)

    def user(self, username: str) -> UserRecord | None:
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            return None if row is None else _user(row)

    def users(self) -> list[UserRecord]:
        with self.session() as session:
            return [
                _user(r)
                for r in session.scalars(select(PortalUserRow).order_by(PortalUserRow.username))
            ]

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Replace a password hash (argon2 rehash on login when parameters change)."""
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            if row is not None:
                row.password_hash = password_hash

    def open_session(
        self, username: str, token: str, *, now: datetime, lifetime: timedelta
    ) -> None:
        """Record a signed-in session; only the token's SHA-256 is kept."""
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            if row is None:
                raise NotFoundError(f"no staff account {username!r}")
            session.add(
                PortalSessionRow(
                    token_sha256=_sha(token),
                    user_id=row.id,
                    created_at=to_utc(now),
                    expires_at=to_utc(now + lifetime),
                )
            )
            _log(session, username, "sign-in", f"user/{username}", {}, now)

    def session_user(self, token: str, *, now: datetime) -> UserRecord | None:
        """The active user of an unexpired session, or ``None``."""
        query = (
            select(PortalUserRow, PortalSessionRow.expires_at)
            .join(PortalSessionRow, PortalSessionRow.user_id == PortalUserRow.id)
            .where(PortalSessionRow.token_sha256 == _sha(token))
        )
        with self.session() as session:
            found = session.execute(query).first()
            if found is None:
                return None
            row, expires = found
            if from_db(expires) <= to_utc(now) or not row.active:
                return None
            return _user(row)

    def close_session(self, token: str, *, actor: str, now: datetime) -> None:
        with self.session() as session:
            session.execute(
                delete(PortalSessionRow).where(PortalSessionRow.token_sha256 == _sha(token))
            )
            _log(session, actor, "sign-out", f"user/{actor}", {}, now)

    def staff_actions(self, limit: int = 200) -> list[StaffActionRecord]:
        """The audit log, newest first."""
        query = select(StaffActionRow).order_by(StaffActionRow.id.desc()).limit(limit)
        with self.session() as session:
            return [
                StaffActionRecord(r.id, from_db(r.at), r.actor, r.action, r.target, dict(r.detail))
                for r in session.scalars(query)
            ]

    # -- meetings ---------------------------------------------------------------------

    def schedule_meeting(
        self,
        title: str,
        kind: MeetingKind | str,
        starts_at: datetime,
        location: str,
        items: Sequence[tuple[str, str]],
        *,
        findings: str = "",
        actor: str,
        now: datetime,
    ) -> int:
        """Post a meeting's notice and agenda now; refuse a late notice (Gov. Code 11125).

        ``items`` are (title, brief description). Raises
        :class:`~calexit.portal.notice.NoticeError` for a late notice or an emergency
        without findings, and :class:`InputError` for bad agenda items.
        """
        check = check_notice(
            kind, posted_at=to_utc(now), starts_at=to_utc(starts_at), findings=findings
        )
        problems = [
            p
            for position, (item_title, description) in enumerate(items, start=1)
            for p in _item_problems(item_title, description, position)
        ]
        if not title.strip():
            problems.append(Problem("the meeting needs a title", key="title"))
        if problems:
            raise InputError("the agenda cannot be published", problems)
        meeting = MeetingRow(
            title=title.strip(),
            kind=MeetingKindColumn(check.kind.value),
            starts_at=to_utc(starts_at),
            location=location.strip(),
            notice_posted_at=to_utc(now),
            findings=findings.strip() or None,
        )
        with self.session() as session:
            session.add(meeting)
            session.flush()
            rows = [
                AgendaItemRow(
                    meeting_id=meeting.id,
                    position=position,
                    title=item_title.strip(),
                    description=description.strip(),
                    posted_at=to_utc(now),
                )
                for position, (item_title, description) in enumerate(items, start=1)
            ]
            session.add_all(rows)
            session.flush()
            _append(
                session, "notice", f"meeting/{meeting.id}", _notice_payload(session, meeting), now
            )
            detail = {"kind": check.kind.value, "starts_at": _iso(starts_at), "items": len(rows)}
            if check.kind is MeetingKind.EMERGENCY:
                detail["findings"] = meeting.findings or ""
            _log(session, actor, "schedule-meeting", f"meeting/{meeting.id}", detail, now)
            return meeting.id

    def add_agenda_item(
        self, meeting_id: int, title: str, description: str, *, actor: str, now: datetime
    ) -> int:
        """Add an item to a posted agenda, only while the notice period allows it."""
        with self.session() as session:
            meeting = _meeting_row(session, meeting_id)
            check_notice(
                meeting.kind.value,
                posted_at=to_utc(now),
                starts_at=from_db(meeting.starts_at),
                findings=meeting.findings or "",
            )
            position = (
                session.scalar(
                    select(func.max(AgendaItemRow.position)).where(
                        AgendaItemRow.meeting_id == meeting_id
                    )
                )
                or 0
            ) + 1
            problems = _item_problems(title, description, position)
            if problems:
                raise InputError("the agenda item cannot be published", problems)
            row = AgendaItemRow(
                meeting_id=meeting_id,
                position=position,
                title=title.strip(),
                description=description.strip(),
                posted_at=to_utc(now),
            )
            session.add(row)
            session.flush()
            _append(session, "agenda-item", f"agenda-item/{row.id}", _item_payload(row), now)
            _log(
                session,
                actor,
                "add-agenda-item",
                f"agenda-item/{row.id}",
                {"meeting": meeting_id},
                now,
            )
            return row.id

    def publish_minutes(
        self,
        meeting_id: int,
        minutes: str,
        *,
        recording_url: str = "",
        actor: str,
        now: datetime,
    ) -> None:
        """Publish (or correct) a held meeting's minutes and its recording link."""
        if not minutes.strip():
            raise InputError(
                "the minutes cannot be published", [Problem("the minutes are empty", key="minutes")]
            )
        with self.session() as session:
            meeting = _meeting_row(session, meeting_id)
            if from_db(meeting.starts_at) > to_utc(now):
                raise PortalStateError(
                    f"meeting {meeting_id} has not started yet; minutes come after the meeting"
                )
            meeting.minutes = minutes.strip()
            meeting.recording_url = recording_url.strip() or None
            meeting.minutes_published_at = to_utc(now)
            session.flush()
            _append(
                session, "minutes", f"meeting/{meeting_id}/minutes", _minutes_payload(meeting), now
            )
            _log(
                session,
                actor,
                "publish-minutes",
                f"meeting/{meeting_id}",
                {"chars": len(minutes)},
                now,
            )

    def record_action(
        self,
        meeting_id: int,
        motion: str,
        votes: Mapping[str, str],
        *,
        agenda_item_id: int | None = None,
        actor: str,
        now: datetime,
    ) -> int:
        """Record an action with each member's vote or abstention (Gov. Code 11123(b)(1)(D)).

        The result is "carried" when ayes outnumber noes, else "failed".
        """
        problems: list[Problem] = []
        if not motion.strip():
            problems.append(Problem("the motion is empty", key="motion"))
        for member, vote in votes.items():
            if vote not in VOTES:
                problems.append(
                    Problem(f"a vote is one of {', '.join(VOTES)}", key=member, value=vote)
                )
        if not votes:
            problems.append(Problem("no member's vote is recorded", key="votes"))
        if problems:
            raise InputError("the action cannot be recorded", problems)
        ayes = sum(1 for v in votes.values() if v == "aye")
        noes = sum(1 for v in votes.values() if v == "no")
        with self.session() as session:
            meeting = _meeting_row(session, meeting_id)
            if from_db(meeting.starts_at) > to_utc(now):
                raise PortalStateError(
                    f"meeting {meeting_id} has not started yet; no action can be taken"
                )
            if agenda_item_id is not None:
                item = session.get(AgendaItemRow, agenda_item_id)
                if item is None or item.meeting_id != meeting_id:
                    raise NotFoundError(f"no agenda item {agenda_item_id} on meeting {meeting_id}")
            row = ActionRow(
                meeting_id=meeting_id,
                agenda_item_id=agenda_item_id,
                motion=motion.strip(),
                result="carried" if ayes > noes else "failed",
                recorded_at=to_utc(now),
            )
            session.add(row)
            session.flush()
            session.add_all(
                MemberVoteRow(action_id=row.id, member=m, vote=v) for m, v in votes.items()
            )
            session.flush()
            _append(session, "action", f"action/{row.id}", _action_payload(session, row), now)
            _log(session, actor, "record-action", f"action/{row.id}", {"result": row.result}, now)
            return row.id

    def meetings(self) -> list[MeetingRecord]:
        """Every meeting, soonest first."""
        with self.session() as session:
            query = select(MeetingRow).order_by(MeetingRow.starts_at, MeetingRow.id)
            return [_meeting(r) for r in session.scalars(query)]

    def meeting(self, meeting_id: int) -> MeetingRecord:
        with self.session() as session:
            return _meeting(_meeting_row(session, meeting_id))

    def agenda(self, meeting_id: int) -> list[AgendaItemRecord]:
        query = (
            select(AgendaItemRow)
            .where(AgendaItemRow.meeting_id == meeting_id)
            .order_by(AgendaItemRow.position)
        )
        with self.session() as session:
            return [_item(r) for r in session.scalars(query)]

    def agenda_item(self, item_id: int) -> AgendaItemRecord:
        with self.session() as session:
            row = session.get(AgendaItemRow, item_id)
            if row is None:
                raise NotFoundError(f"no agenda item {item_id}")
            return _item(row)

    def actions(self, meeting_id: int | None = None) -> list[ActionRecord]:
        query = select(ActionRow).order_by(ActionRow.recorded_at, ActionRow.id)
        if meeting_id is not None:
            query = query.where(ActionRow.meeting_id == meeting_id)
        with self.session() as session:
            return [_action(session, r) for r in session.scalars(query)]

    # -- documents --------------------------------------------------------------------

    def publish_document(
        self,
        slug: str,
        title: str,
        body: str,
        *,
        kind: str = "analysis",
        meeting_id: int | None = None,
        note: str = "",
        actor: str,
        now: datetime,
    ) -> int:
        """Publish a document, or a new version of one with this slug; return the version."""
        problems: list[Problem] = []
        if kind not in DOCUMENT_KINDS:
            problems.append(
                Problem(f"the kind is one of {', '.join(DOCUMENT_KINDS)}", key="kind", value=kind)
            )
        if not body.strip():
            problems.append(Problem("the document is empty", key="body"))
        if not title.strip():
            problems.append(Problem("the document needs a title", key="title"))
        if problems:
            raise InputError("the document cannot be published", problems)
        with self.session() as session:
            if meeting_id is not None:
                _meeting_row(session, meeting_id)
            doc = session.scalar(select(DocumentRow).where(DocumentRow.slug == slug))
            if doc is None:
                doc = DocumentRow(
                    slug=slug,
                    title=title.strip(),
                    kind=kind,
                    meeting_id=meeting_id,
                    created_at=to_utc(now),
                )
                session.add(doc)
                session.flush()
            else:
                doc.title = title.strip()
            version = (
                session.scalar(
                    select(func.max(DocumentVersionRow.version)).where(
                        DocumentVersionRow.document_id == doc.id
                    )
                )
                or 0
            ) + 1
            row = DocumentVersionRow(
                document_id=doc.id,
                version=version,
                body=body,
                sha256=_sha(body),
                note=note.strip(),
                published_at=to_utc(now),
            )
            session.add(row)
            session.flush()
            _append(
                session, "document", f"document/{slug}/v{version}", _version_payload(doc, row), now
            )
            _log(session, actor, "publish-document", f"document/{slug}", {"version": version}, now)
            return version

    def documents(self, *, meeting_id: int | None = None) -> list[DocumentRecord]:
        """The latest version of every document (or of one meeting's materials), newest first."""
        with self.session() as session:
            query = _latest_versions()
            if meeting_id is not None:
                query = query.where(DocumentRow.meeting_id == meeting_id)
            return [_document(d, v) for d, v in session.execute(query)]

    def document(self, slug: str, version: int | None = None) -> DocumentRecord:
        with self.session() as session:
            query = (
                select(DocumentRow, DocumentVersionRow)
                .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
                .where(DocumentRow.slug == slug)
                .order_by(DocumentVersionRow.version.desc())
            )
            if version is not None:
                query = query.where(DocumentVersionRow.version == version)
            found = session.execute(query.limit(1)).first()
            if found is None:
                which = f" version {version}" if version is not None else ""
                raise NotFoundError(f"no document {slug!r}{which}")
            return _document(found[0], found[1])

    def document_versions(self, slug: str) -> list[DocumentRecord]:
        with self.session() as session:
            query = (
                select(DocumentRow, DocumentVersionRow)
                .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
                .where(DocumentRow.slug == slug)
                .order_by(DocumentVersionRow.version.desc())
            )
            return [_document(d, v) for d, v in session.execute(query)]

    def search_method(self) -> str:
        """How :meth:`search_documents` searches on this backend."""
        dialect = self.session_dialect()
        return {"sqlite": "sqlite-fts5", "postgresql": "postgresql-tsvector"}.get(dialect, "like")

    def session_dialect(self) -> str:
        with self.session() as session:
            return session.get_bind().dialect.name

    def search_documents(self, query_text: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search over the latest version of every document.

        PostgreSQL: ``to_tsvector('english', …) @@ websearch_to_tsquery(…)``, ranked by
        ``ts_rank``. SQLite: an FTS5 index of the latest versions, built in the
        connection's TEMP schema for the query (so the migrated schema holds no virtual
        table) and ranked by bm25. Either falls back to a case-insensitive LIKE on every
        word when the engine refuses the query.
        """
        words = query_text.split()
        if not words:
            return []
        with self.session() as session:
            dialect = session.get_bind().dialect.name
            ids: list[int] | None = None
            try:
                if dialect == "postgresql":
                    with session.begin_nested():  # a refused query must not end the transaction
                        ids = _search_postgres(session, query_text, limit)
                elif dialect == "sqlite":
                    ids = _search_sqlite(session, words, limit)
            except (OperationalError, DBAPIError):
                ids = None
            if ids is None:
                ids = _search_like(session, words, limit)
            latest = {
                d.id: (d, v)
                for d, v in session.execute(_latest_versions().where(DocumentRow.id.in_(ids)))
            }
            hits = []
            for doc_id in ids:
                if doc_id in latest:
                    record = _document(*latest[doc_id])
                    hits.append(SearchHit(record, _snippet(record.body, words)))
            return hits

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
            _append(session, "report", f"report/{row.id}", _report_payload(session, row), now)
            _log(
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
            _append(session, "comment", f"comment/{row.id}", _comment_payload(row), now)
            detail = {"status": row.status.value, "category": row.category, "reason": row.reason}
            _log(session, actor, "moderate-comment", f"comment/{row.id}", detail, now)

    def comments(
        self,
        *,
        target_kind: TargetKind | str | None = None,
        target_id: int | None = None,
        status: CommentStatus | str | None = None,
    ) -> list[CommentRecord]:
        query = select(CommentRow).order_by(CommentRow.submitted_at, CommentRow.id)
        if target_kind is not None:
            query = query.where(CommentRow.target_kind == TargetKind(target_kind).value)
        if target_id is not None:
            query = query.where(CommentRow.target_id == target_id)
        if status is not None:
            query = query.where(CommentRow.status == CommentState(CommentStatus(status).value))
        with self.session() as session:
            return [_comment(r) for r in session.scalars(query)]

    def comment_counts(self) -> dict[str, int]:
        """Comments by status (every status present, zero when none)."""
        query = select(CommentRow.status, func.count()).group_by(CommentRow.status)
        counts = {s.value: 0 for s in CommentStatus}
        with self.session() as session:
            for state, count in session.execute(query):
                counts[CommentState(state).value] = int(count)
        return counts

    # -- budget -----------------------------------------------------------------------

    def add_budget_line(self, line: BudgetLine, *, actor: str, now: datetime) -> int:
        with self.session() as session:
            row = BudgetLineRow(
                day=line.day,
                kind=line.kind.value,
                category=line.category,
                description=line.description,
                cents=line.cents,
                created_at=to_utc(now),
            )
            session.add(row)
            session.flush()
            payload = {
                "day": line.day.isoformat(),
                "kind": line.kind.value,
                "category": line.category,
                "description": line.description,
                "cents": line.cents,
            }
            _append(session, "budget-line", f"budget-line/{row.id}", payload, now)
            _log(session, actor, "add-budget-line", f"budget-line/{row.id}", payload, now)
            return row.id

    def budget_lines(self) -> list[BudgetLine]:
        query = select(BudgetLineRow).order_by(BudgetLineRow.day, BudgetLineRow.id)
        with self.session() as session:
            return [
                BudgetLine(r.day, LineKind(r.kind), r.category, r.description, int(r.cents))
                for r in session.scalars(query)
            ]

    # -- the public record ------------------------------------------------------------

    def publish_result(
        self, kind: str, ref: str, payload: Mapping[str, Any], *, actor: str, now: datetime
    ) -> bool:
        """Append a stage's published result (run, audit, lottery) unless ``ref`` is in already."""
        with self.session() as session:
            if (
                session.scalar(select(RecordLinkRow.seq).where(RecordLinkRow.ref == ref).limit(1))
                is not None
            ):
                return False
            _append(session, kind, ref, dict(payload), now)
            _log(session, actor, "publish-result", ref, {"kind": kind}, now)
            return True

    def publish_stage_results(self, *, actor: str, now: datetime) -> list[str]:
        """Chain every finished stage run, audit and drawn lottery not yet in the record."""
        added: list[str] = []
        with self.session() as session:
            runs = list(
                session.scalars(
                    select(StageRunRow)
                    .where(StageRunRow.finished_at.is_not(None))
                    .order_by(StageRunRow.id)
                )
            )
            audits = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
            lotteries = list(session.scalars(select(LotteryRow).order_by(LotteryRow.id)))
            items: list[tuple[str, str, dict[str, Any]]] = []
            for run in runs:
                items.append(("result", f"stage-run/{run.id}", _run_payload(run)))
            for audit in audits:
                items.append(
                    ("audit", f"audit/{audit.id}/{audit.status.value}", _audit_payload(audit))
                )
            for lottery in lotteries:
                items.append(
                    (
                        "lottery",
                        f"lottery/{lottery.id}/{lottery.status.value}",
                        _lottery_payload(lottery),
                    )
                )
        for kind, ref, payload in items:
            if self.publish_result(kind, ref, payload, actor=actor, now=now):
                added.append(ref)
        return added

    def record(self) -> list[Link]:
        """Every link of the public record, in order."""
        with self.session() as session:
            return [
                _link(r) for r in session.scalars(select(RecordLinkRow).order_by(RecordLinkRow.seq))
            ]

    def verify_record(self) -> ChainCheck:
        return verify_chain(self.record())

    def record_drift(self) -> list[str]:
        """Published items whose current rows no longer match their latest link.

        The chain proves the record was not rewritten; this check proves the live pages
        still show what was recorded (a silent edit of minutes, a vote or a comment).
        """
        builders = {
            "notice": _notice_from_ref,
            "agenda-item": _item_from_ref,
            "minutes": _minutes_from_ref,
            "action": _action_from_ref,
            "comment": _comment_from_ref,
            "document": _document_from_ref,
            "report": _report_from_ref,
        }
        latest: dict[str, Link] = {}
        for link in self.record():
            latest[link.ref] = link
        drift: list[str] = []
        with self.session() as session:
            for ref, link in latest.items():
                builder = builders.get(link.kind)
                if builder is None:
                    continue
                current = builder(session, ref)
                if current is None:
                    drift.append(f"{ref}: recorded in link {link.seq} but gone from the database")
                elif canonical_json(current) != canonical_json(link.payload):
                    drift.append(f"{ref}: differs from what link {link.seq} recorded")
        return drift


# -- helpers: payloads ---------------------------------------------------------------


def _notice_payload(session: Session, meeting: MeetingRow) -> dict[str, Any]:
    items = session.scalars(
        select(AgendaItemRow)
        .where(AgendaItemRow.meeting_id == meeting.id)
        .order_by(AgendaItemRow.position)
    )
    posted = from_db(meeting.notice_posted_at)
    return {
        "meeting": meeting.id,
        "title": meeting.title,
        "kind": meeting.kind.value,
        "starts_at": _iso(from_db(meeting.starts_at)),
        "location": meeting.location,
        "findings": meeting.findings,
        "agenda": [
            {"position": i.position, "title": i.title, "description": i.description}
            for i in items
            if from_db(i.posted_at) <= posted
        ],
    }


def _item_payload(row: AgendaItemRow) -> dict[str, Any]:
    return {
        "meeting": row.meeting_id,
        "position": row.position,
        "title": row.title,
        "description": row.description,
    }


def _minutes_payload(meeting: MeetingRow) -> dict[str, Any]:
    return {
        "meeting": meeting.id,
        "minutes_sha256": _sha(meeting.minutes or ""),
        "recording_url": meeting.recording_url,
    }


def _action_payload(session: Session, row: ActionRow) -> dict[str, Any]:
    votes = session.scalars(select(MemberVoteRow).where(MemberVoteRow.action_id == row.id))
    return {
        "meeting": row.meeting_id,
        "agenda_item": row.agenda_item_id,
        "motion": row.motion,
        "result": row.result,
        "votes": {v.member: v.vote for v in votes},
    }


def _version_payload(doc: DocumentRow, row: DocumentVersionRow) -> dict[str, Any]:
    return {
        "slug": doc.slug,
        "kind": doc.kind,
        "meeting": doc.meeting_id,
        "version": row.version,
        "sha256": _sha(row.body),
        "note": row.note,
    }


def _report_payload(session: Session, row: ReportRow) -> dict[str, Any]:
    paragraphs = session.scalars(
        select(ParagraphRow).where(ParagraphRow.report_id == row.id).order_by(ParagraphRow.position)
    )
    return {
        "report": row.id,
        "kind": row.kind,
        "title": row.title,
        "status": row.status,
        "paragraphs": [{"id": p.id, "sha256": _sha(p.body)} for p in paragraphs],
    }


def _comment_payload(row: CommentRow) -> dict[str, Any]:
    return {
        "target": f"{row.target_kind}/{row.target_id}",
        "author": row.author,
        "body": row.body,
        "status": row.status.value,
        "category": row.category,
        "reason": row.reason,
    }


def _run_payload(run: StageRunRow) -> dict[str, Any]:
    summary = canonical_json(run.summary) if run.summary is not None else ""
    return {
        "stage": run.stage.value,
        "pack": run.pack_id,
        "status": run.status.value,
        "seed": run.seed,
        "code_version": run.code_version,
        "finished_at": None if run.finished_at is None else _iso(from_db(run.finished_at)),
        "summary_sha256": _sha(summary),
        "outcome": (run.summary or {}).get("outcome"),
    }


def _audit_payload(audit: AuditRow) -> dict[str, Any]:
    return {
        "audit": audit.id,
        "kind": audit.kind.value,
        "risk_limit": str(audit.risk_limit),
        "seed": audit.seed,
        "status": audit.status.value,
        "manifest_sha256": audit.manifest_sha256,
        "reported_outcome": audit.reported.get("outcome"),
    }


def _lottery_payload(lottery: LotteryRow) -> dict[str, Any]:
    return {
        "lottery": lottery.id,
        "algorithm": lottery.algorithm,
        "commitment": lottery.commitment,
        "status": lottery.status.value,
        "seed": lottery.seed,
        "drawn_index": lottery.drawn_index,
    }


def _ref_id(ref: str, index: int = 1) -> int | None:
    parts = ref.split("/")
    try:
        return int(parts[index])
    except (IndexError, ValueError):
        return None


def _notice_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(MeetingRow, _ref_id(ref))
    return None if row is None else _notice_payload(session, row)


def _item_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(AgendaItemRow, _ref_id(ref))
    return None if row is None else _item_payload(row)


def _minutes_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(MeetingRow, _ref_id(ref))
    return None if row is None or row.minutes is None else _minutes_payload(row)


def _action_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(ActionRow, _ref_id(ref))
    return None if row is None else _action_payload(session, row)


def _comment_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(CommentRow, _ref_id(ref))
    return None if row is None else _comment_payload(row)


def _document_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    _, slug, version = ref.split("/", 2)
    found = session.execute(
        select(DocumentRow, DocumentVersionRow)
        .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
        .where(DocumentRow.slug == slug, DocumentVersionRow.version == int(version.lstrip("v")))
    ).first()
    return None if found is None else _version_payload(found[0], found[1])


def _report_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(ReportRow, _ref_id(ref))
    return None if row is None else _report_payload(session, row)


# -- helpers: the chain and the audit log ----------------------------------------------


def _append(session: Session, kind: str, ref: str, payload: Any, now: datetime) -> Link:
    """Append a link after the current head, in the caller's transaction.

    On PostgreSQL an advisory transaction lock serialises appenders; on SQLite the
    caller has already written in this transaction, so it holds the write lock.
    """
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(6011)"))
    head = session.scalar(select(RecordLinkRow).order_by(RecordLinkRow.seq.desc()).limit(1))
    link = next_link(None if head is None else _link(head), kind, ref, _iso(now), payload)
    session.add(
        RecordLinkRow(
            seq=link.seq,
            kind=link.kind,
            ref=link.ref,
            published_at=link.published_at,
            payload=canonical_json(link.payload),
            prev=link.prev,
            hash=link.hash,
        )
    )
    session.flush()
    return link


def _link(row: RecordLinkRow) -> Link:
    return Link(
        row.seq, row.kind, row.ref, row.published_at, json.loads(row.payload), row.prev, row.hash
    )


def _log(
    session: Session, actor: str, action: str, target: str, detail: Mapping[str, Any], now: datetime
) -> None:
    session.add(
        StaffActionRow(
            at=to_utc(now),
            actor=actor,
            action=action,
            target=target,
            detail=json.loads(json.dumps(dict(detail), default=str)),
        )
    )


# -- helpers: rows to records ----------------------------------------------------------


def _item_problems(title: str, description: str, position: int) -> list[Problem]:
    problems = []
    if not title.strip():
        problems.append(Problem("an agenda item needs a title", key=f"item {position} title"))
    elif len(title.strip()) > 200:
        problems.append(
            Problem("an agenda item title has at most 200 characters", key=f"item {position} title")
        )
    problems += check_description(description, key=f"item {position} description")
    return problems


def _meeting_row(session: Session, meeting_id: int) -> MeetingRow:
    row = session.get(MeetingRow, meeting_id)
    if row is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    return row


def _user(row: PortalUserRow) -> UserRecord:
    return UserRecord(
        row.id, row.username, row.display_name, Role(row.role.value), row.password_hash, row.active
    )


def _meeting(row: MeetingRow) -> MeetingRecord:
    return MeetingRecord(
        id=row.id,
        title=row.title,
        kind=MeetingKind(row.kind.value),
        starts_at=from_db(row.starts_at),
        location=row.location,
        notice_posted_at=from_db(row.notice_posted_at),
        findings=row.findings,
        recording_url=row.recording_url,
        minutes=row.minutes,
        minutes_published_at=None
        if row.minutes_published_at is None
        else from_db(row.minutes_published_at),
    )


def _item(row: AgendaItemRow) -> AgendaItemRecord:
    return AgendaItemRecord(
        row.id, row.meeting_id, row.position, row.title, row.description, from_db(row.posted_at)
    )


def _action(session: Session, row: ActionRow) -> ActionRecord:
    votes = session.scalars(
        select(MemberVoteRow)
        .where(MemberVoteRow.action_id == row.id)
        .order_by(MemberVoteRow.member)
    )
    return ActionRecord(
        row.id,
        row.meeting_id,
        row.agenda_item_id,
        row.motion,
        row.result,
        from_db(row.recorded_at),
        tuple(VoteRecord(v.member, v.vote) for v in votes),
    )


def _latest_versions() -> Any:
    newest = (
        select(
            DocumentVersionRow.document_id, func.max(DocumentVersionRow.version).label("version")
        )
        .group_by(DocumentVersionRow.document_id)
        .subquery()
    )
    return (
        select(DocumentRow, DocumentVersionRow)
        .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
        .join(
            newest,
            (newest.c.document_id == DocumentVersionRow.document_id)
            & (newest.c.version == DocumentVersionRow.version),
        )
        .order_by(DocumentVersionRow.published_at.desc(), DocumentRow.id.desc())
    )


def _document(doc: DocumentRow, version: DocumentVersionRow) -> DocumentRecord:
    return DocumentRecord(
        id=doc.id,
        slug=doc.slug,
        title=doc.title,
        kind=doc.kind,
        meeting_id=doc.meeting_id,
        created_at=from_db(doc.created_at),
        version=version.version,
        body=version.body,
        sha256=version.sha256,
        note=version.note,
        published_at=from_db(version.published_at),
    )


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


# -- helpers: search -------------------------------------------------------------------


def _search_postgres(session: Session, query_text: str, limit: int) -> list[int]:
    sql = text(
        "SELECT v.document_id FROM portal_document_version v "
        "JOIN portal_document d ON d.id = v.document_id "
        "WHERE v.version = (SELECT max(version) FROM portal_document_version w "
        "WHERE w.document_id = v.document_id) "
        "AND to_tsvector('english', d.title || ' ' || v.body) "
        "@@ websearch_to_tsquery('english', :q) "
        "ORDER BY ts_rank(to_tsvector('english', d.title || ' ' || v.body), "
        "websearch_to_tsquery('english', :q)) DESC, v.document_id LIMIT :limit"
    )
    return [int(r[0]) for r in session.execute(sql, {"q": query_text, "limit": limit})]


def _search_sqlite(session: Session, words: list[str], limit: int) -> list[int]:
    session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.portal_search "
            "USING fts5(doc_id UNINDEXED, title, body)"
        )
    )
    session.execute(text("DELETE FROM temp.portal_search"))
    session.execute(
        text(
            "INSERT INTO temp.portal_search (doc_id, title, body) "
            "SELECT d.id, d.title, v.body FROM portal_document d "
            "JOIN portal_document_version v ON v.document_id = d.id "
            "WHERE v.version = (SELECT max(version) FROM portal_document_version w "
            "WHERE w.document_id = d.id)"
        )
    )
    # Each word quoted as an FTS5 string: user text never becomes query syntax.
    match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    rows = session.execute(
        text(
            "SELECT doc_id FROM temp.portal_search WHERE portal_search MATCH :m "
            "ORDER BY bm25(portal_search) LIMIT :limit"
        ),
        {"m": match, "limit": limit},
    )
    return [int(r[0]) for r in rows]


def _search_like(session: Session, words: list[str], limit: int) -> list[int]:
    query = _latest_versions()
    for word in words:
        pattern = (
            "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(
            or_(
                func.lower(DocumentVersionRow.body).like(pattern, escape="\\"),
                func.lower(DocumentRow.title).like(pattern, escape="\\"),
            )
        )
    return [d.id for d, _v in session.execute(query.limit(limit))]


def _snippet(body: str, words: list[str], width: int = 200) -> str:
    lowered = body.lower()
    positions = [lowered.find(w.lower()) for w in words if lowered.find(w.lower()) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = " ".join(body[start : start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(body) else "")


def first_meeting_day(meetings: Sequence[MeetingRecord]) -> date | None:
    """The day of the commission's first meeting, if one is on the calendar."""
    return min((m.starts_at.date() for m in meetings), default=None)
