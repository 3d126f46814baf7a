"""The portal's tables on SQLite and PostgreSQL: notices, agendas, votes, documents,
comments, the budget, the staff audit log and the public record's hash chain."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from calexit.errors import InputError, NotFoundError
from calexit.portal.budget import BudgetLine, LineKind
from calexit.portal.moderation import CommentStatus, decide
from calexit.portal.notice import NoticeError
from calexit.store import PortalStateError, Store

NOW = datetime(2029, 3, 1, 9, 0, tzinfo=UTC)
ITEMS = [("Call to order", "Roll call of members and approval of the agenda")]


def _meeting(store: Store, *, days: int = 14, kind: str = "regular", findings: str = "") -> int:
    return store.schedule_meeting(
        "Regular meeting",
        kind,
        NOW + timedelta(days=days),
        "Sacramento",
        ITEMS,
        findings=findings,
        actor="clerk",
        now=NOW,
    )


def test_a_regular_notice_less_than_ten_days_ahead_is_refused(store: Store) -> None:
    """Gov. Code 11125(a): notice at least 10 days before a regular meeting."""
    with pytest.raises(NoticeError, match="10 days"):
        _meeting(store, days=9)
    assert store.meetings() == []
    assert store.record() == []
    meeting = _meeting(store, days=10)
    assert store.meeting(meeting).kind.value == "regular"
    assert [link.kind for link in store.record()] == ["notice"]
    assert store.staff_actions()[0].action == "schedule-meeting"


def test_emergency_meetings_need_findings_which_are_recorded(store: Store) -> None:
    """Gov. Code 11125.5: an emergency meeting is held on findings of an emergency."""
    with pytest.raises(NoticeError, match="findings"):
        _meeting(store, days=1, kind="emergency")
    findings = "Wildfire closes the capitol; emergency budget transfer needed"
    meeting = _meeting(store, days=1, kind="emergency", findings=findings)
    assert store.meeting(meeting).findings == findings
    assert store.record()[0].payload["findings"] == findings


def test_late_agenda_items_and_early_minutes_are_refused(store: Store) -> None:
    meeting = _meeting(store, days=12)
    store.add_agenda_item(meeting, "Budget", "Review of expenditures", actor="clerk", now=NOW)
    later = NOW + timedelta(days=5)
    with pytest.raises(NoticeError):
        store.add_agenda_item(meeting, "Late", "Too late to notice", actor="clerk", now=later)
    with pytest.raises(PortalStateError, match="not started"):
        store.publish_minutes(meeting, "Minutes", actor="clerk", now=NOW)
    assert [i.position for i in store.agenda(meeting)] == [1, 2]


def test_actions_record_each_members_vote(store: Store) -> None:
    meeting = _meeting(store)
    after = NOW + timedelta(days=15)
    item = store.agenda(meeting)[0].id
    votes = {"M01": "aye", "M02": "no", "M03": "abstain", "M04": "aye"}
    action = store.record_action(
        meeting, "Adopt the agenda", votes, agenda_item_id=item, actor="clerk", now=after
    )
    (stored,) = store.actions(meeting)
    assert stored.id == action and stored.result == "carried"
    assert {v.member: v.vote for v in stored.votes} == votes
    with pytest.raises(InputError, match="cannot be recorded"):
        store.record_action(meeting, "x", {"M01": "maybe"}, actor="clerk", now=after)


def test_documents_are_versioned_and_searchable(store: Store) -> None:
    store.publish_document(
        "trade", "Trade after independence", "Tariffs and the port of Oakland.", actor="c", now=NOW
    )
    version = store.publish_document(
        "trade", "Trade after independence", "Tariffs, ports and water rights.", actor="c", now=NOW
    )
    store.publish_document("defence", "Defence", "National Guard transfer.", actor="c", now=NOW)
    assert version == 2
    assert store.document("trade").body.startswith("Tariffs, ports")
    assert store.document("trade", 1).body.endswith("Oakland.")
    assert [h.document.slug for h in store.search_documents("water")] == ["trade"]
    assert store.search_documents("Oakland") == []  # only the latest version is searched
    # Query syntax is never an error: FTS5 gets quoted words, PostgreSQL websearch_to_tsquery.
    assert [h.document.slug for h in store.search_documents('guard" OR (')] in ([], ["defence"])
    (hit,) = store.search_documents("guard")
    assert hit.document.slug == "defence" and "Guard" in hit.snippet
    with pytest.raises(NotFoundError):
        store.document("nope")


def test_comments_are_moderated_into_the_record_and_rejections_stay_listed(store: Store) -> None:
    meeting = _meeting(store)
    item = store.agenda(meeting)[0].id
    kept = store.submit_comment("agenda-item", item, "Skeptic", "This is a waste.", now=NOW)
    spam = store.submit_comment("agenda-item", item, "Anonymous", "Buy now!", now=NOW)
    store.moderate_comment(kept, decide("accept"), actor="mod", now=NOW)
    store.moderate_comment(spam, decide("reject", "spam", "advertising"), actor="mod", now=NOW)
    with pytest.raises(PortalStateError, match="already"):
        store.moderate_comment(spam, decide("accept"), actor="mod", now=NOW)
    assert store.comment_counts() == {"pending": 0, "accepted": 1, "rejected": 1}
    rejected = store.comments(status=CommentStatus.REJECTED)
    assert [(c.category, c.reason) for c in rejected] == [("spam", "advertising")]
    assert [link.kind for link in store.record()][-2:] == ["comment", "comment"]
    with pytest.raises(NotFoundError):
        store.submit_comment("paragraph", 999, "a", "body", now=NOW)


def test_budget_lines_round_trip_in_cents(store: Store) -> None:
    line = BudgetLine(date(2029, 1, 5), LineKind.EXPENDITURE, "staff", "Clerk salary", 1234567)
    store.add_budget_line(line, actor="admin", now=NOW)
    assert store.budget_lines() == [line]


def test_a_direct_edit_of_the_record_breaks_the_chain_at_that_link(store: Store) -> None:
    _meeting(store)
    doc = "The interim findings."
    store.publish_document("findings", "Findings", doc, actor="clerk", now=NOW)
    store.publish_report("interim", "Interim report", ["One.", "Two."], actor="clerk", now=NOW)
    assert store.verify_record().ok
    assert store.record_drift() == []
    with store.session() as session:
        session.execute(
            text(
                "UPDATE portal_record SET payload = replace(payload, 'findings', 'x') WHERE seq = 2"
            )
        )
    assert store.record()[1].payload["slug"] == "x"
    check = store.verify_record()
    assert (
        check.broken_at == 2
        and "link 2 (document document/findings/v1) was altered" in check.reason
    )


def test_a_silent_edit_of_a_document_is_seen_against_the_record(store: Store) -> None:
    store.publish_document("findings", "Findings", "The interim findings.", actor="c", now=NOW)
    with store.session() as session:
        session.execute(text("UPDATE portal_document_version SET body = 'Rewritten.'"))
    assert store.verify_record().ok
    assert store.record_drift() == ["document/findings/v1: differs from what link 1 recorded"]


def test_a_silent_edit_of_minutes_is_seen(store: Store) -> None:
    meeting = _meeting(store)
    store.publish_minutes(meeting, "All present.", actor="clerk", now=NOW + timedelta(days=20))
    with store.session() as session:
        session.execute(text("UPDATE portal_record SET ref = 'meeting/99' WHERE seq = 1"))
    check = store.verify_record()
    assert not check.ok and check.broken_at == 1
    with store.session() as session:
        session.execute(text("UPDATE portal_record SET ref = 'meeting/1' WHERE seq = 1"))
        session.execute(text("UPDATE portal_meeting SET minutes = 'Nobody came.'"))
    assert store.verify_record().ok
    assert store.record_drift() == [f"meeting/{meeting}/minutes: differs from what link 2 recorded"]
