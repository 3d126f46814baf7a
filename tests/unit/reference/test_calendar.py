"""California holidays (Gov. Code 6700, 6701), working days and election-day arithmetic."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calexit.errors import InputError
from calexit.reference import calendar
from calexit.reference.calendar import (
    Holiday,
    add_working_days,
    california_holidays,
    days_before,
    easter_sunday,
    general_election_day,
    is_holiday,
    is_working_day,
    latest_start,
    lunar_new_year,
    parse_date,
    working_days_between,
)


def _six_seven_hundred(paragraph: int) -> str:
    return f"Gov. Code 6700(a)({paragraph})"


# Written out by hand from Gov. Code 6700(a) as amended by Stats. 2022 and from 6701.
# 2028: January 1 is a Saturday, so every weekday below follows from that.
EXPECTED_2028 = (
    Holiday(date(2028, 1, 1), "New Year's Day", _six_seven_hundred(2)),  # Sat: no substitute
    Holiday(date(2028, 1, 17), "Dr. Martin Luther King, Jr. Day", _six_seven_hundred(3)),
    Holiday(date(2028, 1, 26), "Lunar New Year", _six_seven_hundred(4)),
    Holiday(date(2028, 2, 12), "Lincoln Day", _six_seven_hundred(5)),  # Sat: no substitute
    Holiday(date(2028, 2, 21), "Presidents' Day", _six_seven_hundred(6)),
    Holiday(date(2028, 3, 31), "Cesar Chavez Day", _six_seven_hundred(7)),
    # Easter 2028 is 16 April; 6700(a)(18): noon to 3 p.m. only.
    Holiday(date(2028, 4, 14), "Good Friday (noon to 3 p.m.)", _six_seven_hundred(18), True),
    Holiday(date(2028, 4, 24), "Genocide Remembrance Day", _six_seven_hundred(8)),
    Holiday(date(2028, 5, 29), "Memorial Day", _six_seven_hundred(9)),
    Holiday(date(2028, 6, 19), "Juneteenth", _six_seven_hundred(10)),
    Holiday(date(2028, 7, 4), "Independence Day", _six_seven_hundred(11)),
    Holiday(date(2028, 9, 4), "Labor Day", _six_seven_hundred(12)),
    Holiday(date(2028, 9, 9), "Admission Day", _six_seven_hundred(13)),  # Sat: no substitute
    Holiday(date(2028, 9, 22), "Native American Day", _six_seven_hundred(14)),
    Holiday(date(2028, 10, 9), "Columbus Day", _six_seven_hundred(15)),
    # AB 268 (Stats. 2025, ch. 358): Diwali, from 2026; 2028 date from the shipped diwali.csv.
    Holiday(date(2028, 10, 17), "Diwali", "Gov. Code 6700(a); AB 268 (Stats. 2025, ch. 358)"),
    # 6701: November 11 on a Saturday -> the preceding Friday is a holiday.
    Holiday(date(2028, 11, 10), "Veterans Day (observed)", "Gov. Code 6701"),
    Holiday(date(2028, 11, 11), "Veterans Day", _six_seven_hundred(16)),
    # 6700(a)(19): Thanksgiving appointed by the President, fourth Thursday (5 U.S.C. 6103(a)).
    Holiday(date(2028, 11, 23), "Thanksgiving Day", "Gov. Code 6700(a)(19); 5 U.S.C. 6103(a)"),
    Holiday(date(2028, 12, 25), "Christmas Day", _six_seven_hundred(17)),
)


def test_every_holiday_of_2028() -> None:
    assert california_holidays(2028) == EXPECTED_2028


@pytest.mark.parametrize(
    ("sunday", "monday", "name"),
    [
        # Gov. Code 6701: the seven fixed dates falling on a Sunday move to the Monday.
        (date(2023, 1, 1), date(2023, 1, 2), "New Year's Day (observed)"),
        (date(2022, 12, 25), date(2022, 12, 26), "Christmas Day (observed)"),
        (date(2027, 7, 4), date(2027, 7, 5), "Independence Day (observed)"),
        (date(2029, 9, 9), date(2029, 9, 10), "Admission Day (observed)"),
    ],
)
def test_sunday_holiday_moves_to_monday(sunday: date, monday: date, name: str) -> None:
    assert sunday.weekday() == 6
    observed = [h for h in california_holidays(monday.year) if h.day == monday]
    assert observed == [Holiday(monday, name, "Gov. Code 6701")]
    assert is_holiday(monday)
    assert not is_working_day(monday)


def test_no_substitute_for_saturday_except_veterans_day() -> None:
    # Gov. Code 6701 moves only November 11 back from a Saturday; 2028-01-01 is a Saturday
    # and 2027-12-31 stays a working day. Juneteenth (not in 6701) on Sunday 2033-06-19
    # gives no Monday holiday either.
    assert is_working_day(date(2027, 12, 31))
    assert date(2033, 6, 19).weekday() == 6
    assert is_working_day(date(2033, 6, 20))


@pytest.mark.parametrize(
    "day", [date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2028, 1, 26)]
)
def test_lunar_new_year(day: date) -> None:
    # Gov. Code 6700(a)(4); dates from the shipped table (SOURCES.md, lunar_new_year.csv).
    assert lunar_new_year(day.year) == day
    assert Holiday(day, "Lunar New Year", _six_seven_hundred(4)) in california_holidays(day.year)


def test_no_lunar_new_year_holiday_before_2023() -> None:
    # AB 2596 (Stats. 2022) took effect 1 January 2023; 2022-02-01 was a Tuesday.
    assert lunar_new_year(2022) == date(2022, 2, 1)
    assert all(h.name != "Lunar New Year" for h in california_holidays(2022))
    assert is_working_day(date(2022, 2, 1))


def test_2022_uses_the_former_list() -> None:
    names = {h.name for h in california_holidays(2022)}
    assert not names & {"Lunar New Year", "Genocide Remembrance Day", "Juneteenth"}
    assert all(
        h.citation.startswith("Gov. Code 6700 (text before 2023)") or h.citation == "Gov. Code 6701"
        for h in california_holidays(2022)
    )
    assert is_working_day(date(2022, 6, 20))  # no Juneteenth substitute in 2022


def test_native_american_day_from_2015() -> None:
    # AB 1973 (Stats. 2014): fourth Friday in September, from 2015.
    assert is_working_day(date(2014, 9, 26))
    assert not is_working_day(date(2015, 9, 25))


def test_year_outside_lunar_table() -> None:
    with pytest.raises(InputError) as caught:
        california_holidays(2100)
    assert str(caught.value) == (
        "no Lunar New Year date is shipped for 2100; the table covers 1901-2099"
    )


def test_diwali_is_a_holiday_from_2026_only() -> None:
    # AB 268 (Stats. 2025, ch. 358) in force from 1 January 2026.
    names_2025 = {h.name for h in california_holidays(2025)}
    assert "Diwali" not in names_2025
    assert date(2026, 11, 8) in {h.day for h in california_holidays(2026) if h.name == "Diwali"}
    with pytest.raises(InputError) as caught:
        california_holidays(2036)
    assert str(caught.value) == ("no Diwali date is shipped for 2036; the table covers 2001-2035")


@pytest.mark.parametrize(
    "easter",
    [date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2028, 4, 16)],
)
def test_easter(easter: date) -> None:
    assert easter_sunday(easter.year) == easter


def test_good_friday_is_partial_and_a_working_day() -> None:
    # Gov. Code 6700(a)(18): a holiday from 12 noon until 3 p.m. only.
    good_friday = date(2028, 4, 14)
    [holiday] = [h for h in california_holidays(2028) if h.day == good_friday]
    assert holiday.partial
    assert not is_holiday(good_friday)
    assert is_working_day(good_friday)


def test_weekends_and_holidays() -> None:
    assert is_holiday(date(2028, 10, 8))  # a Sunday: Gov. Code 6700(a)(1)
    assert not is_holiday(date(2028, 10, 7))  # a Saturday is no holiday ...
    assert not is_working_day(date(2028, 10, 7))  # ... but no working day either
    assert is_working_day(date(2028, 11, 7))  # general election day 2028


def test_add_working_days_over_a_weekend_and_a_holiday() -> None:
    # Elections Code 9030(b): days counted "excluding Saturdays, Sundays, and holidays".
    # Thu 9 Nov 2028; Fri 10 Nov is Veterans Day (observed); 11-12 Nov a weekend.
    assert add_working_days(date(2028, 11, 9), 1) == date(2028, 11, 13)
    assert add_working_days(date(2028, 11, 9), 3) == date(2028, 11, 15)
    assert add_working_days(date(2028, 11, 11), 1) == date(2028, 11, 13)  # from a Saturday
    assert add_working_days(date(2028, 4, 13), 1) == date(2028, 4, 14)  # Good Friday counts
    # Christmas Mon 25 Dec 2028; New Year's Day 2029 is a Monday too.
    assert add_working_days(date(2028, 12, 22), 4) == date(2028, 12, 29)
    assert add_working_days(date(2028, 12, 22), 5) == date(2029, 1, 2)


def test_add_working_days_zero_and_negative() -> None:
    assert add_working_days(date(2028, 11, 11), 0) == date(2028, 11, 11)
    with pytest.raises(InputError):
        add_working_days(date(2028, 11, 11), -1)


def test_working_days_between() -> None:
    assert working_days_between(date(2028, 11, 9), date(2028, 11, 9)) == 0
    assert working_days_between(date(2028, 11, 9), date(2028, 11, 15)) == 3
    assert working_days_between(date(2028, 11, 8), date(2028, 11, 9)) == 1  # end counts
    with pytest.raises(InputError):
        working_days_between(date(2028, 11, 9), date(2028, 11, 8))


def test_latest_start_examples() -> None:
    # Working days 13, 14, 15 Nov follow Sunday 12 Nov (10 Nov: Veterans Day observed).
    assert latest_start(date(2028, 11, 15), 3) == date(2028, 11, 12)
    assert add_working_days(date(2028, 11, 13), 3) == date(2028, 11, 16)
    assert latest_start(date(2028, 11, 13), 1) == date(2028, 11, 12)  # any day from 9 to 12
    assert latest_start(date(2028, 11, 12), 1) == date(2028, 11, 8)  # Sunday deadline
    assert latest_start(date(2028, 11, 12), 0) == date(2028, 11, 12)


@settings(deadline=None)
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2034, 12, 31)),
    st.integers(min_value=0, max_value=200),
)
def test_latest_start_inverts_add_working_days(day: date, n: int) -> None:
    assert latest_start(add_working_days(day, n), n) >= day
    start = latest_start(day, n)
    assert add_working_days(start, n) <= day
    assert add_working_days(start + timedelta(days=1), n) > day  # the latest such day
    assert working_days_between(start, add_working_days(start, n)) == n


@pytest.mark.parametrize(
    "election",
    [date(2022, 11, 8), date(2024, 11, 5), date(2026, 11, 3), date(2028, 11, 7), date(2030, 11, 5)],
)
def test_general_election_day(election: date) -> None:
    # Elections Code 1201: the first Tuesday after the first Monday in November
    # (1 November 2022 was a Tuesday; the election was held on 8 November).
    assert general_election_day(election.year) == election


def test_no_general_election_in_odd_years() -> None:
    with pytest.raises(InputError, match="2027 is an odd year"):
        general_election_day(2027)


def test_days_before() -> None:
    assert days_before(date(2028, 11, 7), 131) == date(2028, 6, 29)  # E-131
    assert days_before(date(2028, 11, 7), 0) == date(2028, 11, 7)
    with pytest.raises(InputError):
        days_before(date(2028, 11, 7), -1)


def test_parse_date() -> None:
    assert parse_date("2028-11-07") == date(2028, 11, 7)
    assert parse_date(" 2028-11-07\n") == date(2028, 11, 7)


@pytest.mark.parametrize(
    "text", ["2028-02-30", "20281107", "2028-W45-2", "7 Nov 2028", "٢٠٢٨-١١-٠٧"]
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_date(text, source="timeline.toml", key="election")
    [problem] = caught.value.problems
    assert (problem.source, problem.key, problem.value) == ("timeline.toml", "election", text)
    assert str(caught.value) == (
        "not a date (1 problem):\n"
        f"  timeline.toml: election: expected an ISO date such as 2028-11-07 (value: {text!r})"
    )


def test_parse_date_rejects_empty() -> None:
    with pytest.raises(InputError) as caught:
        parse_date("", source="timeline.toml", key="election")
    assert str(caught.value) == (
        "not a date (1 problem):\n"
        "  timeline.toml: election: is empty; expected an ISO date such as 2028-11-07"
    )
    [problem] = caught.value.problems
    assert (problem.source, problem.key, problem.value) == ("timeline.toml", "election", "")


def test_bad_lunar_table_reports_every_bad_row(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    table = tmp_path / "lunar_new_year.csv"
    table.write_text("year,date\n2030,2030-02-03\nx,2031-01-23\n2032,2033-02-11\n")
    monkeypatch.setattr(calendar, "shipped_path", lambda name: tmp_path / name)
    calendar._date_table.cache_clear()
    try:
        with pytest.raises(InputError) as caught:
            lunar_new_year(2030)
    finally:
        calendar._date_table.cache_clear()
    assert [(p.line, p.key) for p in caught.value.problems] == [(3, "year"), (4, "date")]
