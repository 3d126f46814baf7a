"""What enters the public record for each published item (the chain's payloads).

Long texts (document bodies, minutes, report paragraphs) enter as their SHA-256.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from calexit.store.models import (
    ActionRow,
    AgendaItemRow,
    CommentRow,
    DocumentRow,
    DocumentVersionRow,
    MeetingRow,
    MemberVoteRow,
    ParagraphRow,
    ReportRow,
)
from calexit.store.times import from_db, to_utc


def iso_utc(moment: datetime) -> str:
    return to_utc(moment).isoformat(timespec="seconds")


def sha256_hex(textual: str) -> str:
    return hashlib.sha256(textual.encode("utf-8")).hexdigest()


def notice_payload(session: Session, meeting: MeetingRow) -> dict[str, Any]:
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
        "starts_at": iso_utc(from_db(meeting.starts_at)),
        "location": meeting.location,
        "findings": meeting.findings,
        "agenda": [
            {"position": i.position, "title": i.title, "description": i.description}
            for i in items
            if from_db(i.posted_at) <= posted
        ],
    }


def item_payload(row: AgendaItemRow) -> dict[str, Any]:
    return {
        "meeting": row.meeting_id,
        "position": row.position,
        "title": row.title,
        "description": row.description,
    }


def minutes_payload(meeting: MeetingRow) -> dict[str, Any]:
    return {
        "meeting": meeting.id,
        "minutes_sha256": sha256_hex(meeting.minutes or ""),
        "recording_url": meeting.recording_url,
    }


def action_payload(session: Session, row: ActionRow) -> dict[str, Any]:
    votes = session.scalars(select(MemberVoteRow).where(MemberVoteRow.action_id == row.id))
    return {
        "meeting": row.meeting_id,
        "agenda_item": row.agenda_item_id,
        "motion": row.motion,
        "result": row.result,
        "votes": {v.member: v.vote for v in votes},
    }


def version_payload(doc: DocumentRow, row: DocumentVersionRow) -> dict[str, Any]:
    return {
        "slug": doc.slug,
        "kind": doc.kind,
        "meeting": doc.meeting_id,
        "version": row.version,
        "sha256": sha256_hex(row.body),
        "note": row.note,
    }


def report_payload(session: Session, row: ReportRow) -> dict[str, Any]:
    paragraphs = session.scalars(
        select(ParagraphRow).where(ParagraphRow.report_id == row.id).order_by(ParagraphRow.position)
    )
    return {
        "report": row.id,
        "kind": row.kind,
        "title": row.title,
        "status": row.status,
        "paragraphs": [{"id": p.id, "sha256": sha256_hex(p.body)} for p in paragraphs],
    }


def comment_payload(row: CommentRow) -> dict[str, Any]:
    return {
        "target": f"{row.target_kind}/{row.target_id}",
        "author": row.author,
        "body": row.body,
        "status": row.status.value,
        "category": row.category,
        "reason": row.reason,
    }
