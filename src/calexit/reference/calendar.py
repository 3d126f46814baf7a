"""California holidays, working days and election-day arithmetic.

The holidays are those of Government Code section 6700(a) and the substitute days of
section 6701. Elections Code deadlines counted "excluding Saturdays, Sundays, and
holidays" (Elections Code 9030(b), 9030(d), 9031) count *working days*: days that are
not a Saturday, not a Sunday and not a whole-day holiday. Good Friday from noon until
3 p.m. (Gov. Code 6700(a)(18)) is listed as a partial holiday and leaves the day a
working day.

Statutory history modelled: Lunar New Year, Genocide Remembrance Day and Juneteenth
(Stats. 2022, AB 2596, AB 1801, AB 1655) from 1 January 2023; Native American Day
(AB 1973, Stats. 2014) from 2015. Paragraph citations follow the text in force from
2023; earlier years cite "Gov. Code 6700 (text before 2023)", whose numbering differed.
Earlier changes to the list (e.g. the years Cesar Chavez Day or Dr. Martin Luther King,
Jr. Day were added) are not modelled. Days the President or Governor appoint ad hoc
(6700(a)(19)) other than Thanksgiving Day cannot be known in advance and are not listed.
Diwali, which AB 268 (Stats. 2025, ch. 358) adds to section 6700, applies from 2026 on
the dates of the shipped ``diwali.csv`` (2001-2035; later years are an error, not a
guess). AB 268 may have renumbered the later paragraphs; the citations keep the 2023
numbering and cite Diwali as "Gov. Code 6700(a); AB 268".

The module is pure: it reads no clock, environment or randomness. Its only input is
the shipped tables ``lunar_new_year.csv`` and ``diwali.csv`` (see ``reference/data/SOURCES.md``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

from calexit.errors import InputError, Problem
from calexit.reference.datasets import shipped_path

LUNAR_NEW_YEAR_FILE = "lunar_new_year.csv"
DIWALI_FILE = "diwali.csv"
_DIWALI_SINCE = 2026  # AB 268 (Stats. 2025, ch. 358) took effect 1 January 2026
_ONE_DAY = timedelta(days=1)
_MONDAY, _THURSDAY, _FRIDAY, _SATURDAY, _SUNDAY = 0, 3, 4, 5, 6
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FORMER_TEXT = "Gov. Code 6700 (text before 2023)"
_AMENDED_IN = 2023  # Stats. 2022 (AB 2596, AB 1801, AB 1655) took effect 1 January 2023


@dataclass(frozen=True)
class Holiday:
    """One California holiday on one day.

    ``citation`` names the paragraph of Gov. Code 6700(a) (or section 6701 for a
    substitute day); ``partial`` marks Good Friday, a holiday only from noon to 3 p.m.
    """

    day: date
    name: str
    citation: str
    partial: bool = False


# --- date helpers --------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) given weekday (Monday = 0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    """The last given weekday (Monday = 0) of a month."""
    after = date(year + month // 12, month % 12 + 1, 1)
    last = after - _ONE_DAY
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter_sunday(year: int) -> date:
    """Easter Sunday of a Gregorian year, by the anonymous (Meeus/Jones/Butcher) algorithm.

    Needed for Good Friday, Gov. Code 6700(a)(18).
    """
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday_shift = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_shift) // 451
    month, day = divmod(h + weekday_shift - 7 * m + 114, 31)
    return date(year, month, day + 1)


# --- shipped date tables (Lunar New Year, Diwali) ----------------------------------------


def _table_row(file: str, line: int, cells: Mapping[str, str]) -> tuple[int, date] | Problem:
    year_text, date_text = (cells.get("year") or "").strip(), (cells.get("date") or "").strip()
    if not year_text.isdigit():
        return Problem("is not a year", file, line, 1, "year", year_text)
    try:
        day = parse_date(date_text, source=file, key="date")
    except InputError as error:
        return replace(error.problems[0], line=line, column=2)
    if day.year != int(year_text):
        return Problem("lies outside its year", file, line, 2, "date", date_text)
    return int(year_text), day


@cache
def _date_table(file: str) -> Mapping[int, date]:
    """A shipped ``year,date`` table, every bad row reported at once."""
    path = shipped_path(file)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [(n + 2, cells) for n, cells in enumerate(csv.DictReader(handle))]
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from error
    table: dict[int, date] = {}
    problems: list[Problem] = []
    for line, cells in rows:
        result = _table_row(file, line, cells)
        if isinstance(result, Problem):
            problems.append(result)
        else:
            table[result[0]] = result[1]
    if problems or not table:
        raise InputError(f"{file} has bad rows", problems)
    return table


def _from_table(file: str, holiday: str, year: int) -> date:
    table = _date_table(file)
    if year not in table:
        first, last = min(table), max(table)
        raise InputError(
            f"no {holiday} date is shipped for {year}; the table covers {first}-{last}"
        )
    return table[year]


def lunar_new_year(year: int) -> date:
    """First day of the Chinese lunisolar year, from the shipped table (Gov. Code 6700(a)(4)).

    Raises :class:`InputError` for a year the table does not cover.
    """
    return _from_table(LUNAR_NEW_YEAR_FILE, "Lunar New Year", year)


def diwali(year: int) -> date:
    """Diwali as observed in California (AB 268, Stats. 2025, ch. 358), from the shipped table.

    Raises :class:`InputError` for a year the table does not cover.
    """
    return _from_table(DIWALI_FILE, "Diwali", year)


# --- the list of Gov. Code 6700(a) ---------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """One paragraph of Gov. Code 6700(a) (numbered as in force from 2023)."""

    name: str
    paragraph: int
    when: Callable[[int], date]
    since: int = 0  # first year the paragraph applies
    substitute: bool = False  # named in Gov. Code 6701
    partial: bool = False
    also_cite: str = ""


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


_RULES = (
    _Rule("New Year's Day", 2, _fixed(1, 1), substitute=True),
    _Rule("Dr. Martin Luther King, Jr. Day", 3, lambda y: _nth_weekday(y, 1, _MONDAY, 3)),
    _Rule("Lunar New Year", 4, lunar_new_year, since=_AMENDED_IN),
    _Rule("Lincoln Day", 5, _fixed(2, 12), substitute=True),
    _Rule("Presidents' Day", 6, lambda y: _nth_weekday(y, 2, _MONDAY, 3)),
    _Rule("Cesar Chavez Day", 7, _fixed(3, 31), substitute=True),
    _Rule("Genocide Remembrance Day", 8, _fixed(4, 24), since=_AMENDED_IN),
    _Rule("Memorial Day", 9, lambda y: _last_weekday(y, 5, _MONDAY)),
    _Rule("Juneteenth", 10, _fixed(6, 19), since=_AMENDED_IN),
    _Rule("Independence Day", 11, _fixed(7, 4), substitute=True),
    _Rule("Labor Day", 12, lambda y: _nth_weekday(y, 9, _MONDAY, 1)),
    _Rule("Admission Day", 13, _fixed(9, 9), substitute=True),
    _Rule("Native American Day", 14, lambda y: _nth_weekday(y, 9, _FRIDAY, 4), since=2015),
    _Rule("Columbus Day", 15, lambda y: _nth_weekday(y, 10, _MONDAY, 2)),
    _Rule("Diwali", 0, diwali, since=_DIWALI_SINCE, also_cite="AB 268 (Stats. 2025, ch. 358)"),
    _Rule("Veterans Day", 16, _fixed(11, 11), substitute=True),
    _Rule("Christmas Day", 17, _fixed(12, 25), substitute=True),
    _Rule(
        "Good Friday (noon to 3 p.m.)",
        18,
        lambda y: easter_sunday(y) - timedelta(days=2),
        partial=True,
    ),
    _Rule(
        "Thanksgiving Day",
        19,
        lambda y: _nth_weekday(y, 11, _THURSDAY, 4),
        also_cite="5 U.S.C. 6103(a)",
    ),
)


def _citation(rule: _Rule, year: int) -> str:
    if rule.paragraph == 0:  # added after 2023; its paragraph number is not verified here
        base = "Gov. Code 6700(a)"
    else:
        base = f"Gov. Code 6700(a)({rule.paragraph})" if year >= _AMENDED_IN else _FORMER_TEXT
    return f"{base}; {rule.also_cite}" if rule.also_cite else base


def _substitute_day(day: date) -> date | None:
    """Gov. Code 6701: Sunday moves to the following Monday; a Saturday November 11 to Friday."""
    if day.weekday() == _SUNDAY:
        return day + _ONE_DAY
    if day.weekday() == _SATURDAY and (day.month, day.day) == (11, 11):
        return day - _ONE_DAY
    return None


def _holidays_of(rule: _Rule, year: int) -> list[Holiday]:
    if year < rule.since:
        return []
    day = rule.when(year)
    found = [Holiday(day, rule.name, _citation(rule, year), rule.partial)]
    substitute = _substitute_day(day) if rule.substitute else None
    if substitute is not None:
        found.append(Holiday(substitute, f"{rule.name} (observed)", "Gov. Code 6701"))
    return found


@cache
def california_holidays(year: int) -> tuple[Holiday, ...]:
    """The holidays of Gov. Code 6700(a) and 6701 in a year, sorted by day.

    Includes substitute ("observed") days and Good Friday (``partial=True``); leaves out
    "every Sunday" (6700(a)(1)). Raises :class:`InputError` from 2023 on for a year the
    Lunar New Year table does not cover.
    """
    found = [holiday for rule in _RULES for holiday in _holidays_of(rule, year)]
    return tuple(sorted(found, key=lambda h: (h.day, h.name)))


@cache
def _whole_day_holidays(year: int) -> frozenset[date]:
    return frozenset(h.day for h in california_holidays(year) if not h.partial)


# --- working days --------------------------------------------------------------------


def is_holiday(day: date) -> bool:
    """Whether the whole day is a holiday: a Sunday (Gov. Code 6700(a)(1)) or a listed day.

    Good Friday (noon to 3 p.m. only, 6700(a)(18)) does not count.
    """
    return day.weekday() == _SUNDAY or day in _whole_day_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Not a Saturday, Sunday or holiday (Elections Code 9030(b), 9030(d), 9031)."""
    return day.weekday() < _SATURDAY and day not in _whole_day_holidays(day.year)


def _check_count(n: int) -> None:
    if n < 0:
        raise InputError(f"a number of working days cannot be negative (got {n})")


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself never counts); ``start`` if n is 0.

    Counts as Elections Code 9030(b) does: "excluding Saturdays, Sundays, and holidays".
    """
    _check_count(n)
    day = start
    while n > 0:
        day = _step(day, _ONE_DAY)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """The number of working days in (start, end]; 0 when they are the same day."""
    if end < start:
        raise InputError(f"the end {end.isoformat()} is before the start {start.isoformat()}")
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        count += is_working_day(day)
    return count


def latest_start(deadline: date, n: int) -> date:
    """The latest day s with ``add_working_days(s, n) <= deadline``; ``deadline`` if n is 0.

    That is the day before the n-th working day counted back from ``deadline`` inclusive.
    """
    _check_count(n)
    day = deadline
    while n > 0:
        if is_working_day(day):
            n -= 1
        day = _step(day, -_ONE_DAY)
    return day


def _step(day: date, delta: timedelta) -> date:
    try:
        return day + delta
    except OverflowError as error:
        raise InputError(f"counting from {day.isoformat()} leaves years 1-9999") from error


# --- election days -------------------------------------------------------------------


def general_election_day(year: int) -> date:
    """The statewide general election: the first Tuesday after the first Monday in November
    of an even-numbered year (Elections Code 1200, 1201).
    """
    if year % 2:
        raise InputError(
            f"{year} is an odd year; statewide general elections are held in even years "
            "(Elections Code 1201)"
        )
    return _nth_weekday(year, 11, _MONDAY, 1) + _ONE_DAY


def days_before(election: date, days: int) -> date:
    """The day ``days`` calendar days before the election ("E-131" is ``days_before(e, 131)``)."""
    if days < 0:
        raise InputError(f"days before an election cannot be negative (got {days})")
    try:
        return election - timedelta(days=days)
    except OverflowError as error:
        raise InputError(f"{days} days before {election.isoformat()} is not a date") from error


def parse_date(text: str, *, source: str = "", key: str = "") -> date:
    """An ISO calendar date written yyyy-mm-dd (surrounding spaces allowed)."""
    candidate = text.strip()
    if _ISO_DATE.fullmatch(candidate):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            pass
    message = "expected an ISO date such as 2028-11-07"
    if not candidate:
        message = f"is empty; {message}"
    problem = Problem(message, source=source, key=key, value=text)
    raise InputError("not a date", [problem])
