"""Loaders for the shipped reference data: 58 counties, 51 states, California facts.

The CSV files live in ``calexit/reference/data`` with ``SOURCES.md`` beside them.
``load_*`` functions read any file of the same layout (a user may refresh the data)
and report every bad cell at once; the plain functions return the shipped data,
read once per process.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from calexit.errors import InputError, NotFoundError, Problem
from calexit.reference.records import (
    County,
    Fact,
    JurisdictionType,
    LegislatureControl,
    State,
)

T = TypeVar("T")

COUNTY_COLUMNS = (
    "county",
    "fips",
    "region",
    "esp_region_2006",
    "eligible_voters",
    "registered_voters",
    "ballots_cast_2024",
    "harris_2024",
    "trump_2024",
)
STATE_COLUMNS = (
    "state",
    "abbr",
    "jurisdiction_type",
    "population_2020_census",
    "house_seats_2020_apportionment",
    "electoral_votes",
    "trump_2024_pct",
    "harris_2024_pct",
    "legislature_control_2025",
    "governor_party_2025",
    "senators_d_2025",
    "senators_r_2025",
    "notes",
)
FACT_COLUMNS = ("key", "value", "unit", "year", "source")


def shipped_path(name: str) -> Path:
    """Path of a shipped data file (``ca_counties.csv``, ``ca_counties.geojson``, ...)."""
    return Path(str(resources.files("calexit.reference") / "data" / name))


class _Row:
    """One CSV row with typed accessors that record problems instead of raising."""

    def __init__(self, source: str, line: int, cells: Mapping[str, str], columns: tuple[str, ...]):
        self.source, self.line, self.cells = source, line, cells
        self.columns = columns
        self.problems: list[Problem] = []

    def _problem(self, column: str, message: str) -> None:
        self.problems.append(
            Problem(
                message,
                source=self.source,
                line=self.line,
                column=self.columns.index(column) + 1,
                key=column,
                value=self.cells.get(column, ""),
            )
        )

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.cells.get(column) or "").strip()
        if required and not value:
            self._problem(column, "is empty")
        return value

    def integer(self, column: str) -> int:
        value = self.text(column)
        try:
            return int(value)
        except ValueError:
            if value:
                self._problem(column, "is not a whole number")
            return 0

    def decimal(self, column: str) -> Decimal:
        value = self.text(column)
        try:
            return Decimal(value)
        except InvalidOperation:
            if value:
                self._problem(column, "is not a decimal number")
            return Decimal(0)

    def build(self, factory: Callable[[], T]) -> T | None:
        """Build the record if every cell parsed; turn its invariant errors into problems."""
        if self.problems:
            return None
        try:
            return factory()
        except ValueError as error:
            self.problems.append(Problem(str(error), source=self.source, line=self.line))
            return None


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[_Row]:
    source = path.name
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from error
    with handle:
        reader = csv.DictReader(handle)
        header = tuple(reader.fieldnames or ())
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(
                f"{source} lacks required columns",
                [Problem("missing column", source=source, line=1, key=c) for c in missing],
            )
        for cells in reader:
            yield _Row(source, reader.line_num, cells, header)


def _collect(
    path: Path, columns: tuple[str, ...], make: Callable[[_Row], T | None], key: Callable[[T], str]
) -> list[T]:
    """Records built from every row; every bad cell and repeated key reported at once."""
    records: list[T] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for row in _rows(path, columns):
        record = make(row)
        problems.extend(row.problems)
        if record is None:
            continue
        records.append(record)
        name = key(record)
        if name in first_line:
            problems.append(
                Problem(
                    f"appears twice (first on line {first_line[name]})",
                    source=path.name,
                    line=row.line,
                    key=columns[0],
                    value=name,
                )
            )
        first_line.setdefault(name, row.line)
    if problems:
        raise InputError(f"{path.name} has bad rows", problems)
    return records


def _county(row: _Row) -> County | None:
    values = {
        "name": row.text("county"),
        "fips": row.text("fips"),
        "region": row.text("region"),
        "esp_region_2006": row.text("esp_region_2006"),
        "eligible_voters": row.integer("eligible_voters"),
        "registered_voters": row.integer("registered_voters"),
        "ballots_cast_2024": row.integer("ballots_cast_2024"),
        "harris_2024": row.integer("harris_2024"),
        "trump_2024": row.integer("trump_2024"),
    }
    return row.build(lambda: County(**values))  # type: ignore[arg-type]


def _enum_value(row: _Row, column: str, allowed: tuple[str, ...]) -> str:
    value = row.text(column)
    if value and value not in allowed:
        row._problem(column, f"must be one of {', '.join(allowed)}")
    return value


def _state(row: _Row) -> State | None:
    kinds = tuple(k.value for k in JurisdictionType)
    controls = tuple(c.value for c in LegislatureControl)
    kind = _enum_value(row, "jurisdiction_type", kinds)
    control = _enum_value(row, "legislature_control_2025", controls)
    values = {
        "name": row.text("state"),
        "abbr": row.text("abbr"),
        "population_2020": row.integer("population_2020_census"),
        "house_seats": row.integer("house_seats_2020_apportionment"),
        "electoral_votes": row.integer("electoral_votes"),
        "trump_2024_pct": row.decimal("trump_2024_pct"),
        "harris_2024_pct": row.decimal("harris_2024_pct"),
        "governor_party": row.text("governor_party_2025"),
        "senators_d": row.integer("senators_d_2025"),
        "senators_r": row.integer("senators_r_2025"),
        "notes": row.text("notes", required=False),
    }
    return row.build(
        lambda: State(
            jurisdiction_type=JurisdictionType(kind),
            legislature_control=LegislatureControl(control),
            **values,  # type: ignore[arg-type]
        )
    )


def _fact(row: _Row) -> Fact | None:
    raw = row.text("value", required=False)
    bound = ">" if raw.startswith(">") else ""
    number = raw.removeprefix(">")
    value: Decimal | None = None
    if number:
        try:
            value = Decimal(number)
        except InvalidOperation:
            row._problem("value", "is not a decimal number")
    key, unit = row.text("key"), row.text("unit")
    year, source = row.text("year"), row.text("source")
    return row.build(lambda: Fact(key, value, unit, year, source, bound))


def load_counties(path: Path) -> tuple[County, ...]:
    return tuple(_collect(path, COUNTY_COLUMNS, _county, lambda c: c.name))


def load_states(path: Path) -> tuple[State, ...]:
    return tuple(_collect(path, STATE_COLUMNS, _state, lambda s: s.name))


def load_facts(path: Path) -> tuple[Fact, ...]:
    return tuple(_collect(path, FACT_COLUMNS, _fact, lambda f: f.key))


@cache
def counties() -> tuple[County, ...]:
    """The 58 shipped counties, in file (alphabetical) order."""
    return load_counties(shipped_path("ca_counties.csv"))


@cache
def states() -> tuple[State, ...]:
    """The 50 states and the District of Columbia (last)."""
    return load_states(shipped_path("states.csv"))


@cache
def facts() -> tuple[Fact, ...]:
    """Published figures about California, each with its source."""
    return load_facts(shipped_path("ca_facts.csv"))


def county(name: str) -> County:
    """The county of that name, matched without regard to case or surrounding spaces."""
    wanted = " ".join(name.split()).casefold()
    for candidate in counties():
        if candidate.name.casefold() == wanted:
            return candidate
    raise NotFoundError(f"{name!r} is not a California county")


def fact(key: str) -> Fact:
    for candidate in facts():
        if candidate.key == key:
            return candidate
    raise NotFoundError(f"no shipped fact named {key!r}")


def regions() -> tuple[str, ...]:
    """The ten regions of the shipped scheme, in order of first appearance."""
    return tuple(dict.fromkeys(c.region for c in counties()))
