"""The portal's rules: Bagley-Keene notice, the hash chain, moderation, roles, budget."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from calexit.errors import InputError
from calexit.portal.budget import BudgetLine, LineKind, burn, dollars, parse_dollars
from calexit.portal.chain import GENESIS, link_from_json, next_link, verify_chain
from calexit.portal.deadlines import report_countdown
from calexit.portal.moderation import CommentStatus, check_comment, decide
from calexit.portal.notice import (
    NoticeError,
    check_description,
    check_notice,
    description_warnings,
)
from calexit.portal.roles import Permission, Role, can

START = datetime(2029, 4, 20, 17, 0, tzinfo=UTC)


def test_a_regular_meeting_needs_ten_full_days_of_notice() -> None:
    """Gov. Code 11125(a): notice "at least 10 days in advance of the meeting"."""
    assert check_notice(
        "regular", posted_at=START - timedelta(days=10), starts_at=START
    ).lead == timedelta(days=10)
    with pytest.raises(NoticeError, match="at least 10 days ahead") as raised:
        check_notice(
            "regular", posted_at=START - timedelta(days=10) + timedelta(minutes=1), starts_at=START
        )
    assert "Gov. Code 11125(a)" in str(raised.value)


def test_a_special_meeting_needs_48_hours() -> None:
    """Gov. Code 11125.4(a): at least 48 hours' notice of a special meeting."""
    check_notice("special", posted_at=START - timedelta(hours=48), starts_at=START)
    with pytest.raises(NoticeError, match="48 hours"):
        check_notice("special", posted_at=START - timedelta(hours=47), starts_at=START)


def test_an_emergency_meeting_needs_findings_and_one_hour() -> None:
    """Gov. Code 11125.5: an emergency meeting rests on findings; media get one hour."""
    findings = "A wildfire has closed the capitol and the hearing must move"
    check = check_notice(
        "emergency", posted_at=START - timedelta(hours=2), starts_at=START, findings=findings
    )
    assert check.required == timedelta(hours=1)
    with pytest.raises(NoticeError) as raised:
        check_notice("emergency", posted_at=START, starts_at=START - timedelta(hours=1))
    assert len(raised.value.problems) == 2  # late and without findings, both reported


def test_agenda_descriptions_are_warned_past_twenty_words_and_refused_far_past() -> None:
    """Gov. Code 11125(b): a brief general description generally need not exceed 20 words."""
    assert description_warnings(" ".join(["word"] * 20)) == []
    assert "21 words" in description_warnings(" ".join(["word"] * 21))[0]
    assert check_description(" ".join(["word"] * 60)) == []
    assert check_description(" ".join(["word"] * 61))[0].key == "description"
    assert check_description("  ")[0].message.startswith("an agenda item needs")


def _chain(n: int) -> list:  # type: ignore[type-arg]
    links = []
    for i in range(n):
        links.append(
            next_link(
                links[-1] if links else None,
                "notice",
                f"meeting/{i}",
                "2029-01-01T00:00:00+00:00",
                {"n": i, "text": "é"},
            )
        )
    return links


def test_a_sound_chain_verifies_and_starts_at_genesis() -> None:
    links = _chain(4)
    assert links[0].prev == GENESIS
    check = verify_chain(links)
    assert check.ok and check.links == 4 and check.head == links[-1].hash
    assert verify_chain([link_from_json(link.as_json()) for link in links]).ok


def test_an_edited_link_is_named_and_a_rehashed_edit_breaks_the_next() -> None:
    links = _chain(4)
    edited = replace(links[1], payload={"n": 99})
    check = verify_chain([links[0], edited, *links[2:]])
    assert check.broken_at == 2 and "altered" in check.reason
    rehashed = next_link(links[0], "notice", "meeting/1", links[1].published_at, {"n": 99})
    assert verify_chain([links[0], rehashed, *links[2:]]).broken_at == 3


def test_a_deleted_or_reordered_link_breaks_the_chain() -> None:
    links = _chain(3)
    assert verify_chain([links[0], links[2]]).broken_at == 3
    assert verify_chain([links[1], links[0], links[2]]).broken_at == 2
    with pytest.raises(ValueError, match="'hash'"):
        link_from_json({k: v for k, v in links[0].as_json().items() if k != "hash"})


def test_comments_accept_pseudonyms_and_refuse_empty_or_long_text() -> None:
    """Gov. Code 11124: no one is required to give their name."""
    assert check_comment("", "A comment").author == "Anonymous"
    with pytest.raises(InputError) as raised:
        check_comment("x" * 81, "y" * 4001)
    assert {p.key for p in raised.value.problems} == {"author", "body"}


def test_criticism_is_never_a_reason_to_reject() -> None:
    assert decide("accept").status is CommentStatus.ACCEPTED
    assert decide("reject", "abuse", "threatens a member").category is not None
    with pytest.raises(InputError, match="criticism of the commission is never a reason"):
        decide("reject", "criticism", "disagrees with the chair")
    with pytest.raises(InputError, match="reason"):
        decide("reject", "spam", "")


def test_each_role_holds_only_its_permissions() -> None:
    assert can(Role.CLERK, Permission.MANAGE_MEETINGS) and not can(Role.CLERK, Permission.MODERATE)
    assert can("moderator", Permission.MODERATE) and not can("moderator", Permission.MANAGE_USERS)
    assert not can(Role.COMMISSIONER, Permission.MODERATE)
    assert all(can(Role.ADMIN, p) for p in Permission)
    assert not can("intruder", Permission.VIEW_STAFF)


def test_burn_sums_in_cents_by_category_and_month() -> None:
    lines = [
        BudgetLine(date(2029, 1, 1), LineKind.APPROPRIATION, "appropriation", "", 200_000_000),
        BudgetLine(date(2029, 1, 15), LineKind.EXPENDITURE, "staff", "", 5_000_000),
        BudgetLine(date(2029, 2, 15), LineKind.EXPENDITURE, "staff", "", 5_000_000),
        BudgetLine(date(2029, 2, 20), LineKind.EXPENDITURE, "travel", "", 1_000_000),
    ]
    result = burn(lines)
    assert result.spent == 11_000_000 and result.remaining == 189_000_000
    assert result.by_category == {"staff": 10_000_000, "travel": 1_000_000}
    assert result.months == [("2029-01", 5_000_000), ("2029-02", 11_000_000)]
    assert result.monthly_rate == 5_500_000 and result.runway_months == pytest.approx(189 / 5.5)
    assert burn([], default_appropriation=200_000_000).appropriated == 200_000_000


def test_dollars_parse_and_print_exactly() -> None:
    assert parse_dollars("$1,234.5") == 123_450 and dollars(123_450) == "$1,234.50"
    for bad in ("1.234", "-5", "abc", ""):
        with pytest.raises(ValueError, match="not an amount"):
            parse_dollars(bad)


def test_report_countdowns_count_months_from_the_first_meeting() -> None:
    """calexit-2028: interim findings within 12 months, final within 24 (seed 004)."""
    countdown = report_countdown("Interim report", 12, date(2029, 1, 31), date(2029, 12, 31))
    assert countdown.due == date(2030, 1, 31) and countdown.days_left == 31
    assert report_countdown("Final", 24, date(2029, 1, 31), date(2031, 2, 1)).overdue
    assert "not yet held" in report_countdown("Final", 24, None, date(2029, 1, 1)).describe()
