"""The whole road as dated steps, and each step's status on a given day."""

from __future__ import annotations

from datetime import date

import pytest

from calexit.rules.load import builtin_pack
from calexit.rules.model import RulePack
from calexit.timeline import Status, Step, add_months, road_steps, timeline


@pytest.fixture(scope="module")
def calexit() -> RulePack:
    return builtin_pack("calexit-2028").rules


@pytest.fixture(scope="module")
def road(calexit: RulePack) -> tuple[RulePack, ...]:
    return tuple(builtin_pack(pack_id).rules for pack_id in calexit.pack.road)


# --- add_months ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2029, 1, 31), 1, date(2029, 2, 28)),
        (date(2028, 1, 31), 12, date(2029, 1, 31)),
        (date(2028, 1, 31), 24, date(2030, 1, 31)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2028, 11, 15), 2, date(2029, 1, 15)),  # across a year end
        (date(2028, 12, 31), 1, date(2029, 1, 31)),
        (date(2028, 3, 31), 1, date(2028, 4, 30)),
        (date(2028, 5, 10), 0, date(2028, 5, 10)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# --- statuses ------------------------------------------------------------------------


def _steps() -> list[Step]:
    return [
        Step("a", "first", date(2028, 1, 10), "s"),
        Step("a", "second", date(2028, 2, 10), "s"),
        Step("a", "undated", None, "s"),
        Step("a", "third", date(2028, 3, 10), "s"),
        Step("a", "fourth", date(2028, 4, 10), "s"),
    ]


def test_statuses_on_a_given_day() -> None:
    entries = timeline(_steps(), date(2028, 2, 20))
    assert [(e.step.title, e.status, e.days_left) for e in entries] == [
        ("first", Status.DONE, -41),
        ("second", Status.DONE, -10),
        ("undated", Status.UNDATED, None),
        ("third", Status.NEXT, 19),
        ("fourth", Status.AHEAD, 50),
    ]


def test_a_step_due_today_is_next_not_done() -> None:
    entries = timeline(_steps(), date(2028, 3, 10))
    statuses = {e.step.title: e.status for e in entries}
    assert statuses["third"] is Status.NEXT
    assert statuses["second"] is Status.DONE
    assert next(e for e in entries if e.step.title == "third").days_left == 0


def test_everything_done_leaves_no_next() -> None:
    entries = timeline(_steps(), date(2029, 1, 1))
    assert [e.status for e in entries if e.step.day] == [Status.DONE] * 4
    assert not any(e.status is Status.NEXT for e in entries)


@pytest.mark.parametrize(
    "today",
    [date(2026, 11, 22), date(2028, 3, 1), date(2028, 6, 30), date(2028, 12, 10)],
)
def test_exactly_one_next_on_the_calexit_road(
    calexit: RulePack, road: tuple[RulePack, ...], today: date
) -> None:
    entries = timeline(road_steps(calexit, after=road), today)
    nexts = [e for e in entries if e.status is Status.NEXT]
    assert len(nexts) == 1
    (only,) = nexts
    assert only.step.day is not None
    assert only.step.day >= today
    # every dated step before it is done, every dated one after it is ahead
    index = entries.index(only)
    assert all(e.status in (Status.DONE, Status.UNDATED) for e in entries[:index])
    assert all(e.status in (Status.AHEAD, Status.UNDATED) for e in entries[index + 1 :])


def test_next_step_in_november_2026(calexit: RulePack, road: tuple[RulePack, ...]) -> None:
    entries = timeline(road_steps(calexit, after=road), date(2026, 11, 22))
    (only,) = [e for e in entries if e.status is Status.NEXT]
    assert only.step.title == "Last day to file if a full count is needed"
    assert only.step.day == date(2028, 2, 7)
    assert only.days_left == 442  # 22 Nov 2026 -> 7 Feb 2028: 365 + 77 days (leap year)


# --- the road of calexit-2028 ----------------------------------------------------------


def test_without_a_filing_date_the_petition_steps_are_the_latest_days(
    calexit: RulePack,
) -> None:
    petition = [s for s in road_steps(calexit) if s.stage == "petition"]
    assert [(s.title, s.day) for s in petition] == [
        ("Last day to file if a full count is needed", date(2028, 2, 7)),
        ("Last day to file if the random sample decides", date(2028, 5, 4)),
        ("Last day to qualify for the ballot (E-131)", date(2028, 6, 29)),
    ]
    assert not any(s.assumed for s in petition)


def test_with_a_filing_date_the_filing_is_assumed(calexit: RulePack) -> None:
    petition = [s for s in road_steps(calexit, filed=date(2028, 3, 1)) if s.stage == "petition"]
    assert [(s.title, s.day, s.assumed) for s in petition] == [
        ("Petition sections filed with the counties", date(2028, 3, 1), True),
        ("Counties report the raw count", date(2028, 3, 13), False),
        ("Counties certify the random sample", date(2028, 4, 26), False),
        ("Last day to qualify for the ballot (E-131)", date(2028, 6, 29), False),
    ]


def test_vote_and_audit_steps(calexit: RulePack) -> None:
    steps = {s.title: s for s in road_steps(calexit)}
    assert steps["Election day: Statewide general election"].day == date(2028, 11, 7)
    # Elections Code 15372: canvass within 30 days; 15501: certified by the 38th day.
    assert steps["Counties complete the canvass"].day == date(2028, 12, 7)
    assert steps["Secretary of State certifies the result"].day == date(2028, 12, 15)
    audit = steps["Risk-limiting audit confirms the outcome before certification"]
    assert audit.stage == "audit"
    assert audit.day == date(2028, 12, 15)


def test_with_a_first_meeting_the_reports_are_dated_and_assumed(calexit: RulePack) -> None:
    first = date(2029, 1, 31)
    steps = [
        s for s in road_steps(calexit, first_meeting=first) if s.stage in ("commission", "reports")
    ]
    assert [(s.title, s.day, s.assumed) for s in steps] == [
        ("Commission on National Sovereignty and Independence: first meeting", first, True),
        ("Interim report due", date(2030, 1, 31), True),  # +12 months
        ("Final report due", date(2031, 1, 31), True),  # +24 months
    ]
    assert all(s.source for s in steps)


def test_without_a_first_meeting_the_commission_is_undated(calexit: RulePack) -> None:
    steps = [s for s in road_steps(calexit) if s.stage in ("commission", "reports")]
    assert [s.title for s in steps] == [
        "Commission on National Sovereignty and Independence: first meeting",
        "Interim report due",
        "Final report due",
    ]
    assert all(s.day is None and not s.assumed for s in steps)
    entries = timeline(steps, date(2028, 1, 1))
    assert [e.status for e in entries] == [Status.UNDATED] * 3
    assert [e.days_left for e in entries] == [None] * 3


def test_the_packs_on_the_road_come_last_and_undated(
    calexit: RulePack, road: tuple[RulePack, ...]
) -> None:
    steps = road_steps(calexit, after=road)
    assert [s.title for s in steps[-2:]] == [
        "U.S. constitutional amendment (Article V)",
        "Admission to membership of the United Nations",
    ]
    assert all(s.stage == "road after" and s.day is None for s in steps[-2:])


def test_scotland_2014_has_no_petition_steps() -> None:
    scotland = builtin_pack("scotland-2014").rules
    steps = road_steps(scotland)
    assert not any(s.stage == "petition" for s in steps)
    assert [s.stage for s in steps] == ["vote", "road after", "road after"]
    assert steps[0].day == date(2014, 9, 18)
    # a filing date is ignored for a pack without a petition stage
    assert road_steps(scotland, filed=date(2014, 1, 1)) == steps


def test_scotland_2014_is_all_done_today() -> None:
    entries = timeline(road_steps(builtin_pack("scotland-2014").rules), date(2026, 1, 1))
    assert [e.status for e in entries] == [Status.DONE, Status.UNDATED, Status.UNDATED]
