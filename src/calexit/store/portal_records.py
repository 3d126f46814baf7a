"""What the portal's store methods return: plain frozen records, never ORM rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from calexit.errors import CalexitError
from calexit.portal.moderation import CommentStatus, TargetKind
from calexit.portal.notice import MeetingKind
from calexit.portal.roles import Role

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


def first_meeting_day(meetings: Sequence[MeetingRecord]) -> date | None:
    """The day of the commission's first meeting, if one is on the calendar."""
    return min((m.starts_at.date() for m in meetings), default=None)
