"""The portal's part of ``calexit demo``: meetings, documents, a draft report, comments,
the budget, staff accounts and the public record, around the day ``today``.

The staff accounts and their demo passwords (documented in docs/portal.md) are for a
portal on loopback only; a real deployment creates its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from calexit.portal.budget import BudgetLine, LineKind
from calexit.portal.moderation import decide
from calexit.store import Store
from calexit.web.security import hash_password

DEMO_USERS = {
    "admin": ("Avery Admin", "admin", "demo-admin-2028"),
    "clerk": ("Casey Clerk", "clerk", "demo-clerk-2028"),
    "moderator": ("Morgan Moderator", "moderator", "demo-moderator-2028"),
    "commissioner": ("Commissioner Rivera", "commissioner", "demo-commissioner-2028"),
}

FIRST_AGENDA = [
    ("Call to order and roll call", "Roll call of members, quorum, and approval of the agenda."),
    (
        "Election of the chair",
        "Members nominate and elect a chair and a vice chair for the first year.",
    ),
    (
        "Work plan",
        "Adopt the two-year work plan: economy, law, diplomacy, defence, trade and treaties.",
    ),
]
SECOND_AGENDA = [
    ("Economic viability", "Staff presentation of the fiscal analysis; questions from members."),
    (
        "Public hearings",
        "Schedule of regional hearings in the North, Bay Area, Central Valley and South.",
    ),
]
NEXT_AGENDA = [
    (
        "Draft interim report",
        "Review of the draft interim findings and the public comments received.",
    ),
    ("Budget", "Quarterly report on expenditures against the annual appropriation."),
]
DOCUMENTS = [
    (
        "fiscal-analysis",
        "Fiscal analysis: revenues and obligations",
        "California's state revenues, federal transfers and obligations, and what would change "
        "for each if the state were independent.\n\nFederal transfers to the state budget and to "
        "residents (Medicare, Social Security, Medicaid matching) would need replacing; federal "
        "taxes paid by Californians would no longer be collected by the United States.",
    ),
    (
        "trade-and-ports",
        "Trade, tariffs and the ports",
        "The ports of Los Angeles, Long Beach and Oakland, customs, and tariff schedules.\n\n"
        "Water rights on the Colorado River are governed by interstate compacts and a treaty with "
        "Mexico; independence would reopen them.",
    ),
    (
        "legal-pathway",
        "The legal pathway after a vote",
        "The plebiscite is advisory. Article V of the United States Constitution, the consent of "
        "Congress and recognition by the United Nations are the gates the commission studies.",
    ),
]
REPORT = [
    "The commission finds that a full analysis of viability requires the fiscal, legal and "
    "diplomatic studies listed in its work plan, several of which are complete.",
    "On the economy, the commission finds that California's tax base would support a national "
    "budget, but that replacing federal transfers would require new taxes or lower spending.",
    "On the law, the commission finds no path to independence without the consent of the United "
    "States, by constitutional amendment or an act of Congress.",
    "The commission invites comment on every paragraph of this draft before it adopts the report.",
]


def _at(day: date, hour: int = 17) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


def _members(store: Store) -> list[str]:
    lottery = store.latest_lottery()
    if lottery is not None and lottery.status.value == "drawn":
        sitting = [s.person_id for s in store.seats(lottery.id) if s.sitting]
        if sitting:
            return sitting
    return [f"Commissioner {n:02d}" for n in range(1, 21)]


def _meeting(
    store: Store, title: str, start: date, items: list[tuple[str, str]], actor: str
) -> int:
    return store.schedule_meeting(
        title,
        "regular",
        _at(start),
        "State Capitol, Room 1100, Sacramento",
        items,
        actor=actor,
        now=_at(start - timedelta(days=14), 9),
    )


def fill_portal(store: Store, today: date) -> dict[str, Any]:
    """Fill an empty portal with the default scenario; a filled one is left as it is."""
    if store.user("admin") is not None:
        return {"filled": False, "reason": "the portal already has its demo accounts"}
    setup = _at(today - timedelta(days=90), 8)
    for username, (name, role, password) in DEMO_USERS.items():
        store.add_user(username, name, role, hash_password(password), actor="demo", now=setup)
    members = _members(store)
    first_day, second_day = today - timedelta(days=60), today - timedelta(days=25)
    first = _meeting(store, "First meeting of the commission", first_day, FIRST_AGENDA, "clerk")
    second = _meeting(store, "Economic viability", second_day, SECOND_AGENDA, "clerk")
    upcoming = _meeting(
        store, "Draft interim report", today + timedelta(days=12), NEXT_AGENDA, "clerk"
    )
    upcoming_notice = _at(today, 9)
    for slug, title, body in DOCUMENTS:
        store.publish_document(
            slug, title, body, actor="clerk", now=_at(first_day - timedelta(days=3), 10)
        )
    store.publish_document(
        "fiscal-analysis",
        DOCUMENTS[0][1],
        DOCUMENTS[0][2]
        + "\n\nRevised after the second meeting with the members' questions answered.",
        note="Revised after the meeting of " + second_day.isoformat(),
        actor="clerk",
        now=_at(second_day + timedelta(days=2), 10),
    )
    store.publish_document(
        "work-plan",
        "Work plan (material for the first meeting)",
        "Two years: economy, law, diplomacy, defence, trade and treaties; "
        "hearings in every region.",
        kind="material",
        meeting_id=first,
        actor="clerk",
        now=_at(first_day - timedelta(days=2), 10),
    )
    for meeting, day, motions in (
        (first, first_day, ["Approve the agenda", "Adopt the two-year work plan"]),
        (second, second_day, ["Schedule four regional hearings"]),
    ):
        after = _at(day, 20)
        items = store.agenda(meeting)
        for index, motion in enumerate(motions):
            votes = {
                m: ("no" if i % 7 == 3 else "abstain" if i % 11 == 5 else "aye")
                for i, m in enumerate(members)
            }
            store.record_action(
                meeting,
                motion,
                votes,
                agenda_item_id=items[min(index, len(items) - 1)].id,
                actor="clerk",
                now=after,
            )
        store.publish_minutes(
            meeting,
            f"The meeting was called to order at 10:00 with a quorum present.\n\n"
            f"Actions: {'; '.join(motions)}. Public comment was taken on every item.",
            recording_url=f"https://example.org/recordings/meeting-{meeting}",
            actor="clerk",
            now=_at(day + timedelta(days=3), 10),
        )
    report = store.publish_report(
        "interim",
        "Draft interim report",
        REPORT,
        actor="clerk",
        now=_at(today - timedelta(days=5), 10),
    )
    paragraphs = store.report(report).paragraphs
    item = store.agenda(upcoming)[0].id
    comments = [
        ("agenda-item", item, "Valley Voter", "Please hold a hearing in Fresno as well.", "accept"),
        ("agenda-item", item, "Anonymous", "This commission is a waste of public money.", "accept"),
        (
            "paragraph",
            paragraphs[1].id,
            "Economist in Davis",
            "The transfer estimate omits federal pensions.",
            "accept",
        ),
        (
            "paragraph",
            paragraphs[2].id,
            "Buy cheap watches",
            "Visit our store for discounts!!!",
            "spam",
        ),
        (
            "paragraph",
            paragraphs[0].id,
            "Reader",
            "Which studies are complete? Please link them.",
            "",
        ),
    ]
    moderated = _at(today - timedelta(days=1), 12)
    for kind, target, author, body, outcome in comments:
        comment = store.submit_comment(
            kind, target, author, body, now=_at(today - timedelta(days=2), 12)
        )
        if outcome == "accept":
            store.moderate_comment(comment, decide("accept"), actor="moderator", now=moderated)
        elif outcome:
            store.moderate_comment(
                comment,
                decide("reject", outcome, "advertising unrelated to the report"),
                actor="moderator",
                now=moderated,
            )
    store.add_budget_line(
        BudgetLine(
            today - timedelta(days=120),
            LineKind.APPROPRIATION,
            "appropriation",
            "Annual appropriation (seed 004)",
            200_000_000,
        ),
        actor="admin",
        now=setup,
    )
    categories = [
        ("staff", 6_500_000),
        ("hearings and travel", 1_800_000),
        ("research contracts", 4_200_000),
        ("portal and records", 900_000),
    ]
    for month in range(4):
        day = today - timedelta(days=30 * (3 - month) + 5)
        for category, cents in categories:
            store.add_budget_line(
                BudgetLine(
                    day,
                    LineKind.EXPENDITURE,
                    category,
                    f"{category}, month {month + 1}",
                    cents + month * 10_000,
                ),
                actor="admin",
                now=setup,
            )
    results = store.publish_stage_results(actor="admin", now=upcoming_notice)
    return {
        "filled": True,
        "meetings": [first, second, upcoming],
        "report": report,
        "documents": len(store.documents()),
        "comments": store.comment_counts(),
        "results_chained": results,
        "record_links": len(store.record()),
        "users": {u: p for u, (_n, _r, p) in DEMO_USERS.items()},
    }
