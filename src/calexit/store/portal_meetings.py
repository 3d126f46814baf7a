"""Meetings: notice and agenda (Bagley-Keene, :mod:`calexit.portal.notice`), minutes, actions.

The notice rules are applied here, so no path can post a late notice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calexit.errors import InputError, NotFoundError, Problem
from calexit.portal.notice import MeetingKind, check_description, check_notice
from calexit.store.models import (
    ActionRow,
    AgendaItemRow,
    MeetingKindColumn,
    MeetingRow,
    MemberVoteRow,
)
from calexit.store.portal_base import PortalBase, append_link, log_action
from calexit.store.portal_payloads import (
    action_payload,
    iso_utc,
    item_payload,
    minutes_payload,
    notice_payload,
)
from calexit.store.portal_records import (
    VOTES,
    ActionRecord,
    AgendaItemRecord,
    MeetingRecord,
    PortalStateError,
    VoteRecord,
)
from calexit.store.times import from_db, to_utc


class PortalMeetings(PortalBase):
    """Meetings, their agendas, minutes and actions with each member's vote."""

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
            append_link(
                session, "notice", f"meeting/{meeting.id}", notice_payload(session, meeting), now
            )
            detail = {"kind": check.kind.value, "starts_at": iso_utc(starts_at), "items": len(rows)}
            if check.kind is MeetingKind.EMERGENCY:
                detail["findings"] = meeting.findings or ""
            log_action(session, actor, "schedule-meeting", f"meeting/{meeting.id}", detail, now)
            return meeting.id

    def add_agenda_item(
        self, meeting_id: int, title: str, description: str, *, actor: str, now: datetime
    ) -> int:
        """Add an item to a posted agenda, only while the notice period allows it."""
        with self.session() as session:
            meeting = meeting_row(session, meeting_id)
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
            append_link(session, "agenda-item", f"agenda-item/{row.id}", item_payload(row), now)
            log_action(
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
            meeting = meeting_row(session, meeting_id)
            if from_db(meeting.starts_at) > to_utc(now):
                raise PortalStateError(
                    f"meeting {meeting_id} has not started yet; minutes come after the meeting"
                )
            meeting.minutes = minutes.strip()
            meeting.recording_url = recording_url.strip() or None
            meeting.minutes_published_at = to_utc(now)
            session.flush()
            append_link(
                session, "minutes", f"meeting/{meeting_id}/minutes", minutes_payload(meeting), now
            )
            log_action(
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
            meeting = meeting_row(session, meeting_id)
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
            append_link(session, "action", f"action/{row.id}", action_payload(session, row), now)
            log_action(
                session, actor, "record-action", f"action/{row.id}", {"result": row.result}, now
            )
            return row.id

    def meetings(self) -> list[MeetingRecord]:
        """Every meeting, soonest first."""
        with self.session() as session:
            query = select(MeetingRow).order_by(MeetingRow.starts_at, MeetingRow.id)
            return [_meeting(r) for r in session.scalars(query)]

    def meeting(self, meeting_id: int) -> MeetingRecord:
        with self.session() as session:
            return _meeting(meeting_row(session, meeting_id))

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


def meeting_row(session: Session, meeting_id: int) -> MeetingRow:
    row = session.get(MeetingRow, meeting_id)
    if row is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    return row


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
