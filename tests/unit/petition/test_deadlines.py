"""The petition timeline of calexit-2028 (election 7 November 2028), checked by hand.

The working-day counts below are worked out by hand from the 2028 California holidays
(Gov. Code 6700(a) as amended by Stats. 2022, and 6701) and the counting rule of
Elections Code 9030(b) ("excluding Saturdays, Sundays, and holidays"):

    2028 whole-day holidays on weekdays between February and July:
      Mon 21 Feb  Presidents' Day          Fri 31 Mar  Cesar Chavez Day
      Mon 24 Apr  Genocide Remembrance Day Mon 29 May  Memorial Day
      Mon 19 Jun  Juneteenth
    Lincoln Day (12 Feb) falls on a Saturday and has no substitute (6701 moves only
    Sundays); Good Friday (14 Apr) is a holiday from noon to 3 p.m. only, so it counts
    as a working day.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calexit.errors import InputError
from calexit.petition.deadlines import (
    PetitionDeadlines,
    latest_filing_dates,
    petition_deadlines,
)
from calexit.reference.calendar import add_working_days, is_working_day
from calexit.rules.load import builtin_pack
from calexit.rules.model import Petition

ELECTION = date(2028, 11, 7)


@pytest.fixture(scope="module")
def rules() -> Petition:
    pack = builtin_pack("calexit-2028").rules
    assert pack.petition is not None
    assert pack.election is not None
    assert pack.election.date.value == ELECTION
    return pack.petition


def _deadlines(rules: Petition, filed: date, summary: date | None = None) -> PetitionDeadlines:
    return petition_deadlines(rules, ELECTION, filed, summary)


def _next_working_day(day: date) -> date:
    return add_working_days(day, 1)


def test_pack_counts_are_the_statutory_ones(rules: Petition) -> None:
    # Elections Code 9030(b): 8; 9030(d): 30; 9031(b) as amended by SB 386: 60;
    # Cal. Const. art. II, sec. 8(c): 131; Elections Code 9014(b): 180.
    assert rules.raw_count_working_days.value == 8
    assert rules.random_sample_working_days.value == 30
    assert rules.full_count_working_days.value == 60
    assert rules.qualification_days_before_election.value == 131
    assert rules.circulation_days.value == 180


def test_e_minus_131_is_29_june_2028(rules: Petition) -> None:
    # 7 Nov -> 7 Oct is 31 days, -> 7 Sep 30 more (61), -> 7 Aug 31 (92), -> 7 Jul 31 (123),
    # and 8 more reach 29 June: 131 days.
    deadlines = _deadlines(rules, date(2028, 3, 1))
    assert deadlines.day("qualification_deadline") == date(2028, 6, 29)
    assert ELECTION - timedelta(days=131) == date(2028, 6, 29)


def test_raw_count_due_eight_working_days_after_filing(rules: Petition) -> None:
    # Filed Wed 1 Mar: Thu 2 (1), Fri 3 (2), Mon 6 .. Fri 10 (3-7), Mon 13 (8).
    deadlines = _deadlines(rules, date(2028, 3, 1))
    assert deadlines.day("filed") == date(2028, 3, 1)
    assert deadlines.day("raw_count_due") == date(2028, 3, 13)


def test_random_sample_due_thirty_working_days_after_the_raw_count(rules: Petition) -> None:
    # From Mon 13 Mar: Tue 14 - Fri 17 (1-4), 20-24 (5-9), 27-30 (10-13; Fri 31 is Cesar
    # Chavez Day), 3-7 Apr (14-18), 10-14 (19-23; Good Friday counts), 17-21 (24-28),
    # Mon 24 Apr is Genocide Remembrance Day, Tue 25 (29), Wed 26 (30).
    deadlines = _deadlines(rules, date(2028, 3, 1))
    assert deadlines.day("random_sample_due") == date(2028, 4, 26)
    assert deadlines.random_sample_in_time


def test_full_count_after_a_march_filing_is_too_late(rules: Petition) -> None:
    deadlines = _deadlines(rules, date(2028, 3, 1))
    assert deadlines.day("full_count_due") > deadlines.day("qualification_deadline")
    assert not deadlines.full_count_in_time


def test_latest_filing_dates_by_hand(rules: Petition) -> None:
    # Random sample: counting back 30 working days from Thu 29 Jun inclusive (skipping
    # Juneteenth and Memorial Day) reaches Wed 17 May, so the raw count must be due by
    # Tue 16 May; counting back 8 working days from 16 May reaches Fri 5 May, so the last
    # filing day is Thu 4 May.
    # Full count: 60 working days back from 29 Jun reach Tue 4 Apr (skipping Juneteenth,
    # Memorial Day and Genocide Remembrance Day), so the sample is due by Mon 3 Apr;
    # 30 back from 3 Apr (skipping Cesar Chavez Day and Presidents' Day; 2028 is a leap
    # year) reach Fri 18 Feb, so the raw count is due by Thu 17 Feb; 8 back from 17 Feb
    # reach Tue 8 Feb, so the last filing day is Mon 7 Feb.
    for_sample, for_full = latest_filing_dates(rules, ELECTION)
    assert for_sample.key == "last_filing_for_random_sample"
    assert for_sample.day == date(2028, 5, 4)
    assert for_full.key == "last_filing_for_full_count"
    assert for_full.day == date(2028, 2, 7)


def test_filing_on_the_last_day_for_the_sample_is_in_time_and_a_day_later_is_not(
    rules: Petition,
) -> None:
    last = date(2028, 5, 4)
    on_time = _deadlines(rules, last)
    assert on_time.day("random_sample_due") == date(2028, 6, 29)
    assert on_time.random_sample_in_time
    late = _deadlines(rules, _next_working_day(last))
    assert late.filed == date(2028, 5, 5)
    assert not late.random_sample_in_time


def test_filing_on_the_last_day_for_a_full_count_is_in_time_and_a_day_later_is_not(
    rules: Petition,
) -> None:
    last = date(2028, 2, 7)
    on_time = _deadlines(rules, last)
    assert on_time.full_count_in_time
    assert on_time.day("full_count_due") <= date(2028, 6, 29)
    late = _deadlines(rules, _next_working_day(last))
    assert late.filed == date(2028, 2, 8)
    assert not late.full_count_in_time


def test_filing_on_a_weekend_after_the_last_day_is_also_too_late(rules: Petition) -> None:
    # Sat 6 May: its 8th working day is the same as Friday's, so still too late.
    assert not is_working_day(date(2028, 5, 6))
    assert not _deadlines(rules, date(2028, 5, 6)).random_sample_in_time


def test_milestones_are_sorted_by_date(rules: Petition) -> None:
    # summary 10 Sep 2027 + 180 days = 8 Mar 2028
    deadlines = _deadlines(rules, date(2028, 3, 1), summary=date(2027, 9, 10))
    days = [m.day for m in deadlines.milestones]
    assert days == sorted(days)
    assert [m.key for m in deadlines.milestones] == [
        "last_filing_for_full_count",  # 7 Feb
        "filed",  # 1 Mar
        "circulation_ends",  # 8 Mar
        "raw_count_due",  # 13 Mar
        "random_sample_due",  # 26 Apr
        "last_filing_for_random_sample",  # 4 May
        "qualification_deadline",  # 29 Jun
        "full_count_due",
    ]
    assert deadlines.day("circulation_ends") == date(2028, 3, 8)
    assert all(m.source for m in deadlines.milestones)


def test_circulation_ends_180_days_after_the_summary(rules: Petition) -> None:
    # Elections Code 9014(b): 1 Sep 2027 + 180 days = 28 Feb 2028 (30 + 31 + 30 + 31 + 31
    # days to 1 Feb, then 27 more).
    deadlines = _deadlines(rules, date(2028, 2, 28), summary=date(2027, 9, 1))
    assert deadlines.day("circulation_ends") == date(2028, 2, 28)


def test_filing_after_the_circulation_limit_is_refused(rules: Petition) -> None:
    with pytest.raises(InputError) as raised:
        _deadlines(rules, date(2028, 2, 29), summary=date(2027, 9, 1))
    assert raised.value.summary == "the petition cannot be filed on that date"
    assert [str(p) for p in raised.value.problems] == [
        "filed: is after the last day to file (2028-02-28) (value: '2028-02-29')"
    ]


def test_filing_on_election_day_is_refused(rules: Petition) -> None:
    with pytest.raises(InputError) as raised:
        _deadlines(rules, ELECTION)
    assert str(raised.value) == (
        "the petition cannot be filed on that date (1 problem):\n"
        "  filed: must be before the election day (value: '2028-11-07')"
    )


def test_filing_after_election_day_is_refused(rules: Petition) -> None:
    with pytest.raises(InputError) as raised:
        _deadlines(rules, date(2028, 12, 1))
    assert [str(p) for p in raised.value.problems] == [
        "filed: must be before the election day (value: '2028-12-01')"
    ]


def test_both_problems_are_reported_at_once(rules: Petition) -> None:
    with pytest.raises(InputError) as raised:
        _deadlines(rules, ELECTION, summary=date(2027, 9, 1))
    assert [str(p) for p in raised.value.problems] == [
        "filed: is after the last day to file (2028-02-28) (value: '2028-11-07')",
        "filed: must be before the election day (value: '2028-11-07')",
    ]


def test_day_before_election_is_accepted(rules: Petition) -> None:
    deadlines = _deadlines(rules, ELECTION - timedelta(days=1))
    assert not deadlines.random_sample_in_time
    assert not deadlines.full_count_in_time


def test_unknown_milestone_key_raises_key_error(rules: Petition) -> None:
    with pytest.raises(KeyError):
        _deadlines(rules, date(2028, 3, 1)).day("no_such_step")


@settings(max_examples=200, deadline=None)
@given(filed=st.dates(min_value=date(2027, 6, 1), max_value=ELECTION - timedelta(days=1)))
def test_in_time_exactly_up_to_the_latest_filing_dates(filed: date) -> None:
    pack = builtin_pack("calexit-2028").rules
    assert pack.petition is not None
    deadlines = petition_deadlines(pack.petition, ELECTION, filed)
    assert deadlines.random_sample_in_time == (filed <= date(2028, 5, 4))
    assert deadlines.full_count_in_time == (filed <= date(2028, 2, 7))
