"""County returns: the records, the CSV layout, and the checks made before any canvass.

A reader (CSV here, NIST SP 1500-100 JSON in :mod:`calexit.files.vote_returns`) turns each
county's return into a :class:`DraftReturn`: the raw values, each with where it was read
(file, line and column for CSV; a JSON path as ``key`` for JSON). :func:`check_returns`
then reports every problem at once and, only when there is none, gives :class:`Returns`:

* every count is a whole number of 0 or more;
* ``yes + no + undervotes + overvotes <= ballots_cast <= registered`` (yes + no above the
  ballots cast is reported as such); fewer votes than ballots is allowed and shown as
  "unaccounted" (ballots on which the measure was not counted);
* each expected county appears exactly once (each missing one is named), and no other.

Nothing here opens a file: :func:`drafts_from_csv` parses text already read.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from fractions import Fraction

from calexit.errors import InputError, Problem

COLUMNS = ("county", "registered", "ballots_cast", "yes", "no", "undervotes", "overvotes")
"""The CSV layout, in the spirit of the Secretary of State's Statement of Vote."""
COUNT_FIELDS = COLUMNS[1:]
_WHOLE = re.compile(r"^[+-]?[0-9]+$")


@dataclass(frozen=True)
class Counts:
    """Registered voters, ballots cast and the measure's votes, for one county or the state.

    Checked on construction: whole numbers of 0 or more, and
    ``yes + no + undervotes + overvotes <= ballots_cast <= registered``.
    """

    registered: int
    ballots_cast: int
    yes: int
    no: int
    undervotes: int = 0
    overvotes: int = 0

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{item.name} must be a whole number of 0 or more, got {value!r}")
        if self.accounted > self.ballots_cast:
            raise ValueError("yes + no + undervotes + overvotes exceed ballots_cast")
        if self.ballots_cast > self.registered:
            raise ValueError("ballots_cast exceed registered")

    @property
    def yes_plus_no(self) -> int:
        """Votes on the measure: yes-plus-no, votes-on-measure and valid-votes in a pack."""
        return self.yes + self.no

    @property
    def accounted(self) -> int:
        return self.yes + self.no + self.undervotes + self.overvotes

    @property
    def unaccounted(self) -> int:
        """Ballots cast on which the measure has neither a vote, an undervote nor an overvote."""
        return self.ballots_cast - self.accounted

    @property
    def participation(self) -> Fraction | None:
        """Ballots cast per registered voter; ``None`` with nobody registered."""
        return Fraction(self.ballots_cast, self.registered) if self.registered else None

    @property
    def yes_share(self) -> Fraction | None:
        """Yes votes per yes-plus-no; ``None`` without a vote on the measure."""
        return Fraction(self.yes, self.yes_plus_no) if self.yes_plus_no else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class CountyReturn:
    county: str
    counts: Counts


@dataclass(frozen=True)
class Returns:
    """Checked returns: each county once (see :func:`check_returns`)."""

    counties: tuple[CountyReturn, ...]
    source: str = field(default="", compare=False)
    """The file they were read from (not part of equality)."""

    def __post_init__(self) -> None:
        names = [r.county for r in self.counties]
        if len(set(names)) != len(names):
            raise ValueError("a county appears more than once")

    @property
    def statewide(self) -> Counts:
        return sum((r.counts for r in self.counties), Counts(0, 0, 0, 0))


@dataclass(frozen=True)
class Located:
    """Where a value was read: file, line and column (CSV), or a JSON path as ``key``."""

    source: str
    line: int | None = None
    column: int | None = None
    key: str = ""

    def problem(self, message: str, value: str | None = None) -> Problem:
        return Problem(message, self.source, self.line, self.column, self.key, value)

    def describe(self) -> str:
        return f"on line {self.line}" if self.line is not None else f"at {self.key}"


@dataclass(frozen=True)
class Cell:
    """One raw value (CSV text or a JSON value; ``None`` when absent) and where it was."""

    raw: object
    at: Located
    absent: str = "is missing"
    """The message when ``raw`` is ``None``."""
    typed: bool = False
    """A JSON value: a count must be a JSON integer, not text."""


@dataclass(frozen=True)
class DraftReturn:
    """One county's return as read, before any check."""

    county: Cell
    values: Mapping[str, Cell]
    """A cell for each of :data:`COUNT_FIELDS`."""
    label: str = ""
    """Put before each message when the location alone does not name the county (JSON)."""
    problems: tuple[Problem, ...] = field(default=())
    """Problems the reader found in this return's shape."""


def shown(raw: object) -> str | None:
    """A raw value as the user wrote it, for :attr:`Problem.value`."""
    if raw is None or isinstance(raw, str):
        return raw
    return json.dumps(raw)


def whole_number(raw: object, *, typed: bool = False) -> int | str:
    """The count in ``raw`` (CSV text, or a JSON value when ``typed``), or why it is not one."""
    if isinstance(raw, str) and typed:
        return "is text, not a number"
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return "is empty"
        if not _WHOLE.match(text):
            return "is not a whole number"
        value = int(text)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        return "is not a whole number"
    return "must not be negative" if value < 0 else value


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


class _Checker:
    def __init__(self, counties: Sequence[str]) -> None:
        self.known = {_fold(name): name for name in counties}
        self.seen: dict[str, Located] = {}
        self.problems: list[Problem] = []

    def add(self, draft: DraftReturn, cell: Cell, message: str) -> None:
        text = f"{draft.label}: {message}" if draft.label else message
        self.problems.append(cell.at.problem(text, shown(cell.raw)))

    def county(self, draft: DraftReturn) -> str | None:
        cell = draft.county
        if not isinstance(cell.raw, str) or not cell.raw.strip():
            reason = cell.absent if cell.raw is None else "is empty"
            self.add(draft, cell, reason if isinstance(cell.raw, str | None) else "is not text")
            return None
        name = self.known.get(_fold(cell.raw))
        if name is None:
            self.add(draft, cell, "is not a California county")
        elif name in self.seen:
            self.add(draft, cell, f"appears twice (first {self.seen[name].describe()})")
            return None
        else:
            self.seen[name] = cell.at
        return name

    def counts(self, draft: DraftReturn) -> Counts | None:
        values: dict[str, int] = {}
        for name in COUNT_FIELDS:
            cell = draft.values[name]
            parsed = cell.absent if cell.raw is None else whole_number(cell.raw, typed=cell.typed)
            if isinstance(parsed, str):
                self.add(draft, cell, parsed)
            else:
                values[name] = parsed
        if len(values) < len(COUNT_FIELDS):
            return None
        reasons = nesting_problems(values)
        for reason in reasons:
            self.add(draft, draft.values["ballots_cast"], reason)
        return None if reasons else Counts(**values)


def nesting_problems(values: Mapping[str, int]) -> list[str]:
    """Why these counts cannot be one county's return, said of its ``ballots_cast``."""
    cast, registered = values["ballots_cast"], values["registered"]
    votes = values["yes"] + values["no"]
    accounted = votes + values["undervotes"] + values["overvotes"]
    reasons = []
    if cast > registered:
        reasons.append(f"exceeds registered ({registered:,})")
    if votes > cast:
        reasons.append(f"is less than yes + no ({votes:,})")
    elif accounted > cast:
        reasons.append(f"is less than yes + no + undervotes + overvotes ({accounted:,})")
    return reasons


def check_returns(
    drafts: Iterable[DraftReturn],
    counties: Sequence[str],
    source: str,
    *,
    found: Iterable[Problem] = (),
    county_key: str = "county",
) -> Returns:
    """Checked returns for exactly ``counties``, or InputError listing every problem.

    County names match without regard to case or spacing and come out as written in
    ``counties``. ``found`` are problems the reader already found (listed first);
    ``county_key`` is the key given to each missing county's problem.
    """
    checker = _Checker(counties)
    checker.problems.extend(found)
    returns = []
    for draft in drafts:
        checker.problems.extend(draft.problems)
        name = checker.county(draft)
        counts = checker.counts(draft)
        if name is not None and counts is not None:
            returns.append(CountyReturn(name, counts))
    for name in counties:
        if name not in checker.seen:
            checker.problems.append(
                Problem(f"missing county {name!r}", source, key=county_key, value=name)
            )
    if checker.problems:
        raise InputError(f"{source} has bad returns; nothing is certified", checker.problems)
    return Returns(tuple(returns), source)


def drafts_from_csv(text: str, source: str) -> list[DraftReturn]:
    """Parse CSV text in the :data:`COLUMNS` layout (a header line, then one county a line).

    Header names are matched without regard to case or surrounding spaces; other columns
    are ignored; blank lines are skipped. Raises InputError when a column is missing.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = [name.strip().casefold() for name in next(reader, [])]
    problems = [Problem("missing column", source, 1, key=c) for c in COLUMNS if c not in header]
    problems += [
        Problem("appears twice in the header", source, 1, _second(header, c) + 1, c)
        for c in COLUMNS
        if header.count(c) > 1
    ]
    if problems:
        raise InputError(f"{source} lacks the returns columns", problems)
    return [
        _csv_draft(cells, header, reader.line_num, source)
        for cells in reader
        if any(cell.strip() for cell in cells)
    ]


def _second(header: list[str], column: str) -> int:
    return header.index(column, header.index(column) + 1)


def _csv_draft(cells: list[str], header: list[str], line: int, source: str) -> DraftReturn:
    def cell(column: str) -> Cell:
        index = header.index(column)
        raw = cells[index] if index < len(cells) else ""
        return Cell(raw, Located(source, line, index + 1, column))

    problems: tuple[Problem, ...] = ()
    if len(cells) > len(header):
        message = f"has {len(cells)} cells but the header has {len(header)}"
        problems = (Problem(message, source, line),)
    return DraftReturn(cell("county"), {c: cell(c) for c in COUNT_FIELDS}, problems=problems)


def returns_csv(returns: Returns) -> str:
    """The returns as CSV text in the :data:`COLUMNS` layout, counties in their order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in returns.counties:
        writer.writerow([r.county, *(getattr(r.counts, f) for f in COUNT_FIELDS)])
    return out.getvalue()
