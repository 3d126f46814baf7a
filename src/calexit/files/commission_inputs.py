"""Reading and writing the commission stage's files: nominees, nominators, quotas, pools.

Every reader reports every problem at once, each with file, line, column, key and value,
and returns nothing when there is one (a file with very many bad cells lists the first
:data:`MAX_PROBLEMS` and says how many there were). CSV files are UTF-8 (a byte-order
mark is allowed) with a header row; header names are matched without regard to case
or surrounding spaces, and columns a reader does not know are ignored.

* Nominee intake: :data:`~calexit.commission.nominees.NOMINEE_COLUMNS` (see
  :mod:`calexit.commission.nominees` for what each cell holds).
* Nominators: :data:`~calexit.commission.nominees.NOMINATOR_COLUMNS`; ``signed_on`` is
  ``YYYY-MM-DD``; each ``nominee_id`` must be a nominee of the intake.
* Quotas, CSV: ``feature,value,min,max``, the layout sortition tools share; the older
  header ``category,name,min,max`` (and ``category value`` for the value) is read too,
  and ``min_flex``/``max_flex`` columns are ignored. Quotas, TOML::

      panel_size = 20                     # optional
      [quotas.region]
      "Bay Area" = { min = 4, max = 5 }

* Pool: ``id`` and one column per quota feature, as other sortition tools write it;
  optionally ``household`` (an opaque key shared by people at one address) or
  ``address`` (the address as text). Columns no quota names are ignored (listed in
  :attr:`PoolFile.notes`). Cross-checks: every quota feature is a column, every value
  is named by a quota of its feature, ids are unique, the pool has at least as many
  people as seats and at least each quota's minimum of people with its value.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]

from calexit.commission.model import Instance, Person, Quota
from calexit.commission.nominees import (
    MAX_ID_LENGTH,
    NOMINATOR_COLUMNS,
    NOMINEE_COLUMNS,
    OPTIONAL_NOMINEE_COLUMNS,
    Nominee,
    address_key,
    age_band,
    canonical_sector,
    county_name,
    gender,
    parse_roles,
    party_registration,
    sort_roles,
)
from calexit.errors import InputError, Problem
from calexit.rules.positions import key_positions, locate

MAX_PROBLEMS = 200
QUOTA_FEATURE_HEADERS = ("feature", "category")
QUOTA_VALUE_HEADERS = ("value", "name", "category value", "category_value", "category-value")
HOUSEHOLD_HEADERS = ("household", "address")
_EXTRA = "\x00extra"
MAX_RESIDENCY_YEARS = 120


def _key(header: str) -> str:
    return " ".join(header.split()).casefold()


@dataclass
class _Collector:
    """Problems of one file, in reading order; counts past :data:`MAX_PROBLEMS`."""

    source: str
    header: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(
        self,
        message: str,
        line: int | None,
        column: str = "",
        value: str | None = None,
        *,
        key: str = "",
        position: int | None = None,
    ) -> None:
        """A problem in ``column`` (as written in the header), or about ``key`` when the
        column is absent; ``position`` (1-based) when the header names a column twice."""
        self.total += 1
        if len(self.problems) >= MAX_PROBLEMS:
            return
        index = position
        if index is None and column in self.header:
            index = self.header.index(column) + 1
        self.problems.append(Problem(message, self.source, line, index, column or key, value))

    def fail(self, summary: str) -> None:
        if self.total:
            raise InputError(summary, self.problems, total=self.total)


def _open(path: Path) -> Any:
    try:
        return path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        reason = error.strerror or "cannot be read"
        raise InputError(f"cannot read {path}", [Problem(reason, source=str(path))]) from None


def _csv_rows(
    path: Path, required: Sequence[str], optional: Sequence[str] = (), *, aliases: bool = False
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header (as written) and the rows as ``(line, {known column: stripped cell})``.

    Raises InputError when the file cannot be read, has no header, repeats a header or
    lacks a required column. Unless ``aliases``, known columns are ``required`` and
    ``optional`` and cells are keyed by their canonical name; with ``aliases`` every
    column is kept under its folded header name.
    """
    handle = _open(path)
    try:
        text = handle.read()
    except UnicodeDecodeError as error:
        problem = Problem("is not UTF-8 text", source=path.name, value=str(error.reason))
        raise InputError(f"cannot read {path.name}", [problem]) from None
    finally:
        handle.close()
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            f"{path.name} is empty", [Problem("has no header row", path.name, 1)]
        ) from None
    problems = _Collector(path.name, header)
    folded = [_key(h) for h in header]
    for index, name in enumerate(folded):
        if name and name in folded[:index]:
            problems.add(
                "appears twice in the header", 1, header[index], header[index], position=index + 1
            )
    for name in required:
        if _key(name) not in folded:
            problems.add("missing column", 1, key=name)
    problems.fail(f"{path.name} lacks required columns")
    wanted = {_key(n): n for n in (*required, *optional)}
    positions = {
        (folded[i] if aliases else wanted[folded[i]]): i
        for i in range(len(folded))
        if aliases or folded[i] in wanted
    }

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        width = len(header)
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            row = {
                name: (cells[i].strip() if i < len(cells) else "") for name, i in positions.items()
            }
            if len(cells) > width:
                row[_EXTRA] = str(len(cells))
            yield line, row

    return header, rows()


def _column(header: list[str], name: str) -> str:
    """The header as written for a canonical column name."""
    for written in header:
        if _key(written) == _key(name):
            return written
    return name


class _Cells:
    """Problems of a CSV file, located by canonical column name."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.collector = _Collector(path.name, header)
        self.header = header

    def bad(self, line: int, column: str, message: str, value: str) -> None:
        self.collector.add(message, line, _column(self.header, column), value)

    def extra(self, line: int, row: Mapping[str, str]) -> None:
        if _EXTRA in row:
            cells = row[_EXTRA]
            self.collector.add(
                f"has {cells} cells, more than the {len(self.header)} of the header", line
            )


# --- nominees ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NomineeFile:
    nominees: tuple[Nominee, ...]
    lines: Mapping[str, int]
    """Nominee id -> the line it is written on."""
    source: str


def _whole(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def _parse(cells: _Cells, line: int, column: str, text: str, parse: Any) -> Any:
    try:
        return parse(text)
    except ValueError as error:
        cells.bad(line, column, str(error), text)
        return None


def _nominee(
    cells: _Cells, line: int, row: Mapping[str, str], sectors: Sequence[str]
) -> Nominee | None:
    before = cells.collector.total
    cells.extra(line, row)
    for column in ("nominee_id", "first_name", "last_name", "street"):
        if not row[column]:
            cells.bad(line, column, "is empty", "")
    if len(row["nominee_id"]) > MAX_ID_LENGTH:
        cells.bad(
            line, "nominee_id", f"is longer than {MAX_ID_LENGTH} characters", row["nominee_id"]
        )
    if not row["city"] and not row["zip"]:
        cells.bad(line, "zip", "the address has neither a city nor a ZIP code", "")
    zip_code = row["zip"]
    if zip_code and not (zip_code[:5].isdigit() and len(zip_code) in (5, 10)):
        cells.bad(line, "zip", "is not a ZIP code (12345 or 12345-6789)", zip_code)
    county = _parse(cells, line, "county", row["county"], county_name)
    party = _parse(cells, line, "party", row["party"], party_registration)
    sector = _parse(cells, line, "sector", row["sector"], lambda t: canonical_sector(t, sectors))
    sex = _parse(cells, line, "gender", row["gender"], gender)
    band = _parse(cells, line, "age_band", row["age_band"], age_band)
    years = _whole(row["residency_years"])
    if years is None or years > MAX_RESIDENCY_YEARS:
        message = "is not a whole number of years" if years is None else "is more than a lifetime"
        cells.bad(line, "residency_years", message, row["residency_years"])
    own = _parse(cells, line, "declared_roles", row["declared_roles"], parse_roles)
    family = _parse(
        cells, line, "family_roles", row["family_roles"], lambda t: parse_roles(t, family=True)
    )
    if cells.collector.total > before:
        return None
    return Nominee(
        id=row["nominee_id"],
        first_name=row["first_name"],
        middle_name=row.get("middle_name", ""),
        last_name=row["last_name"],
        suffix=row.get("suffix", ""),
        county=county,
        party=party,
        sector=sector,
        gender=sex,
        age_band=band,
        house_number=row["house_number"],
        street=row["street"],
        unit=row.get("unit", ""),
        city=row["city"],
        zip=zip_code,
        residency_years=years or 0,
        roles=sort_roles((*own, *family)),
    )


def read_nominees(path: Path, sectors: Sequence[str]) -> NomineeFile:
    """The nominee intake; ``sectors`` are the pack's (``commission.sectors``)."""
    required = [c for c in NOMINEE_COLUMNS if c not in OPTIONAL_NOMINEE_COLUMNS]
    header, rows = _csv_rows(path, required, OPTIONAL_NOMINEE_COLUMNS)
    cells = _Cells(path, header)
    nominees: list[Nominee] = []
    lines: dict[str, int] = {}
    for line, row in rows:
        nominee_id = row["nominee_id"]
        if nominee_id and nominee_id in lines:
            cells.bad(line, "nominee_id", f"repeats the id on line {lines[nominee_id]}", nominee_id)
        lines.setdefault(nominee_id, line)
        nominee = _nominee(cells, line, row, sectors)
        if nominee is not None:
            nominees.append(nominee)
    cells.collector.fail(f"{path.name} has bad rows")
    if not nominees:
        raise InputError(f"{path.name} lists no nominees", [Problem("has no rows", path.name)])
    return NomineeFile(tuple(nominees), lines, path.name)


def nominee_ids(path: Path) -> set[str] | None:
    """The ids an intake file lists, however bad its other cells (``None`` when the file
    cannot be read or has no ``nominee_id`` column): to check nominator lines against."""
    try:
        _, rows = _csv_rows(path, ("nominee_id",))
        return {row["nominee_id"] for _, row in rows if row["nominee_id"]}
    except InputError:
        return None


def write_nominees(path: Path, nominees: Iterable[Nominee]) -> int:
    """The intake as CSV (:data:`NOMINEE_COLUMNS`); returns the number of rows."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=NOMINEE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for nominee in nominees:
            writer.writerow(nominee.cells())
            count += 1
    return count


# --- nominators --------------------------------------------------------------------------

NOMINATOR_SCHEMA = pa.schema(
    [
        pa.field("line", pa.int64(), nullable=False),
        *(
            pa.field(c, pa.date32() if c == "signed_on" else pa.string(), nullable=False)
            for c in NOMINATOR_COLUMNS
        ),
    ]
)
"""What :func:`read_nominators` returns: the file's line, then the columns, checked."""


@dataclass(frozen=True)
class NominatorFile:
    table: Any
    """A pyarrow.Table of :data:`NOMINATOR_SCHEMA`: counties in the shipped spelling."""
    source: str

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)


class _NominatorCells(_Cells):
    """Checks of nominator lines, with the county and date of each distinct text cached."""

    def __init__(self, path: Path, header: list[str], known: set[str] | None) -> None:
        super().__init__(path, header)
        self.known = known
        self.seen: dict[str, int] = {}
        self.counties: dict[str, str | None] = {}
        self.dates: dict[str, date | None] = {}

    def ids(self, line: int, nominator_id: str, nominee_id: str) -> None:
        if not nominator_id:
            self.bad(line, "nominator_id", "is empty", "")
        elif nominator_id in self.seen:
            where = self.seen[nominator_id]
            self.bad(line, "nominator_id", f"repeats the id on line {where}", nominator_id)
        else:
            self.seen[nominator_id] = line
        if not nominee_id:
            self.bad(line, "nominee_id", "is empty", "")
        elif self.known is not None and nominee_id not in self.known:
            self.bad(line, "nominee_id", "is not a nominee of the intake", nominee_id)

    def county(self, line: int, text: str) -> str:
        if text not in self.counties:
            try:
                self.counties[text] = county_name(text)
            except ValueError:
                self.counties[text] = None
        name = self.counties[text]
        if name is None:
            self.bad(line, "county", "is not a California county", text)
        return name or text

    def day(self, line: int, text: str) -> date | None:
        if text not in self.dates:
            try:
                self.dates[text] = date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                self.dates[text] = None
        if self.dates[text] is None:
            self.bad(line, "signed_on", "is not a date (expected YYYY-MM-DD)", text)
        return self.dates[text]


def read_nominators(path: Path, nominee_ids: Collection[str] | None = None) -> NominatorFile:
    """The nominator lines, checked: ids present and unique, a county, a date, and (when
    ``nominee_ids`` is given) a nominee of the intake. Names and addresses are not
    checked here: a line without an address, or of nobody registered, is a reason for
    that line in the voter-file check, not a fault of the file."""
    header, rows = _csv_rows(path, NOMINATOR_COLUMNS)
    cells = _NominatorCells(path, header, None if nominee_ids is None else set(nominee_ids))
    columns: dict[str, list[Any]] = {c: [] for c in ("line", *NOMINATOR_COLUMNS)}
    for line, row in rows:
        cells.extra(line, row)
        cells.ids(line, row["nominator_id"], row["nominee_id"])
        columns["line"].append(line)
        for column in NOMINATOR_COLUMNS:
            columns[column].append(row[column])
        columns["county"][-1] = cells.county(line, row["county"])
        columns["signed_on"][-1] = cells.day(line, row["signed_on"])
    cells.collector.fail(f"{path.name} has bad rows")
    table = pa.table(
        {c: pa.array(columns[c], type=NOMINATOR_SCHEMA.field(c).type) for c in columns}
    )
    return NominatorFile(table.cast(NOMINATOR_SCHEMA), path.name)


def write_nominators(path: Path, table: Any) -> int:
    """Nominator lines (a pyarrow table with :data:`NOMINATOR_COLUMNS`) as CSV."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(NOMINATOR_COLUMNS)
        for batch in table.select(list(NOMINATOR_COLUMNS)).to_batches():
            values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*values, strict=True):
                writer.writerow(["" if v is None else str(v) for v in row])
                count += 1
    return count


# --- quotas ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotaFile:
    quotas: tuple[Quota, ...]
    lines: Mapping[tuple[str, str], int]
    """(feature, value) -> the line the quota is written on."""
    source: str
    panel_size: int | None = None
    """The seats the file states (TOML ``panel_size``), if it does."""

    def line_of(self, quota: Quota) -> int | None:
        return self.lines.get(quota.key)


def read_quotas(path: Path, *, seats: int | None = None) -> QuotaFile:
    """Quotas from a ``.csv`` or a ``.toml`` file (by suffix); with ``seats``, also checks
    that no minimum exceeds the seats and that each feature's bounds can add up to them."""
    toml = path.suffix.lower() == ".toml"
    found = _read_quota_toml(path) if toml else _read_quota_csv(path)
    _check_seats(found, seats if seats is not None else found.panel_size)
    return found


def _pick(header: list[str], names: Sequence[str]) -> str | None:
    folded = [_key(h) for h in header]
    for name in names:
        if name in folded:
            return name
    return None


def _read_quota_csv(path: Path) -> QuotaFile:
    header, rows = _csv_rows(path, (), aliases=True)
    feature_column = _pick(header, QUOTA_FEATURE_HEADERS)
    value_column = _pick(header, QUOTA_VALUE_HEADERS)
    missing = [
        Problem("missing column", path.name, 1, key=name)
        for name, present in (
            (" or ".join(QUOTA_FEATURE_HEADERS), feature_column),
            (" or ".join(QUOTA_VALUE_HEADERS[:2]), value_column),
            ("min", _pick(header, ("min",))),
            ("max", _pick(header, ("max",))),
        )
        if present is None
    ]
    if missing or feature_column is None or value_column is None:
        raise InputError(f"{path.name} lacks required columns", missing)
    cells = _Cells(path, header)
    quotas: list[Quota] = []
    lines: dict[tuple[str, str], int] = {}
    for line, row in rows:
        cells.extra(line, row)
        feature, value = row[feature_column], row[value_column]
        bounds = _quota_bounds(cells, line, row["min"], row["max"])
        if not feature:
            cells.bad(line, feature_column, "is empty", "")
        if not value:
            cells.bad(line, value_column, "is empty", "")
        if feature and value and (feature, value) in lines:
            cells.bad(
                line, value_column, f"repeats the quota on line {lines[(feature, value)]}", value
            )
        if feature and value and bounds is not None and (feature, value) not in lines:
            quotas.append(Quota(feature, value, *bounds))
        lines.setdefault((feature, value), line)
    cells.collector.fail(f"{path.name} has bad quotas")
    if not quotas:
        raise InputError(f"{path.name} lists no quotas", [Problem("has no rows", path.name)])
    return QuotaFile(tuple(quotas), lines, path.name)


def _quota_bounds(cells: _Cells, line: int, low: str, high: str) -> tuple[int, int] | None:
    numbers = []
    for column, text in (("min", low), ("max", high)):
        number = _integer(text)
        if number is None:
            cells.bad(line, column, "is not a whole number", text)
        elif number < 0:
            cells.bad(line, column, "is negative", text)
        numbers.append(number)
    low_n, high_n = numbers
    if low_n is None or high_n is None or low_n < 0 or high_n < 0:
        return None
    if low_n > high_n:
        cells.bad(line, "max", f"is less than the min ({low_n})", high)
        return None
    return low_n, high_n


def _integer(text: str) -> int | None:
    body = text[1:] if text[:1] in "+-" else text
    return int(text) if body.isascii() and body.isdigit() else None


_ESCAPES = re.compile(r'\\["\\]')
"""``\\"`` and ``\\\\`` in strings: masked (same length) before looking for key positions,
whose scanner reads a quoted key only up to the first ``"``."""


def _read_quota_toml(path: Path) -> QuotaFile:
    handle = _open(path)
    try:
        text = handle.read()
    except UnicodeDecodeError as error:
        problem = Problem("is not UTF-8 text", source=path.name, value=str(error.reason))
        raise InputError(f"cannot read {path.name}", [problem]) from None
    finally:
        handle.close()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            f"{path.name} is not valid TOML", [Problem(f"invalid TOML: {error}", path.name)]
        ) from None
    positions = key_positions(_ESCAPES.sub("__", text))
    problems: list[Problem] = []

    def bad(keys: tuple[str | int, ...], message: str, value: object = None) -> None:
        where = locate(positions, keys)
        line, column = where if where else (None, None)
        shown = None if value is None else str(value)
        problems.append(Problem(message, path.name, line, column, ".".join(map(str, keys)), shown))

    for key in data:
        if key not in ("panel_size", "quotas"):
            bad((key,), "unknown key (expected panel_size and [quotas.<feature>] tables)")
    seats = data.get("panel_size")
    if seats is not None and (not isinstance(seats, int) or isinstance(seats, bool) or seats < 1):
        bad(("panel_size",), "must be a whole number of seats, 1 or more", seats)
        seats = None
    tables = data.get("quotas", {})
    quotas: list[Quota] = []
    lines: dict[tuple[str, str], int] = {}
    if not isinstance(tables, dict) or not tables:
        bad(("quotas",), "expected [quotas.<feature>] tables, one per feature")
        tables = {}
    for feature, values in tables.items():
        if not isinstance(values, dict):
            bad(("quotas", feature), 'expected a table of values: "value" = { min = 1, max = 2 }')
            continue
        for value, bounds in values.items():
            quota = _toml_quota(feature, value, bounds, bad)
            if quota is not None:
                quotas.append(quota)
                where = locate(positions, ("quotas", feature, value))
                lines[quota.key] = where[0] if where else 0
    if problems:
        raise InputError(f"{path.name} has bad quotas", problems)
    return QuotaFile(tuple(quotas), lines, path.name, seats)


def _toml_quota(feature: str, value: str, bounds: object, bad: Any) -> Quota | None:
    keys = ("quotas", feature, value)
    if not isinstance(bounds, dict):
        bad(keys, "expected { min = ..., max = ... }", bounds)
        return None
    numbers: dict[str, int] = {}
    for name in bounds:
        if name not in ("min", "max", "min_flex", "max_flex"):
            bad((*keys, name), "unknown key (expected min and max)")
    for name in ("min", "max"):
        number = bounds.get(name)
        if number is None:
            bad((*keys,), f"has no {name}")
        elif not isinstance(number, int) or isinstance(number, bool):
            bad((*keys, name), "is not a whole number", number)
        elif number < 0:
            bad((*keys, name), "is negative", number)
        else:
            numbers[name] = number
    if len(numbers) < 2:
        return None
    if numbers["min"] > numbers["max"]:
        bad((*keys, "max"), f"is less than the min ({numbers['min']})", numbers["max"])
        return None
    return Quota(feature, value, numbers["min"], numbers["max"])


def _check_seats(found: QuotaFile, seats: int | None) -> None:
    problems = seat_problems(found, seats)
    if problems:
        raise InputError(f"{found.source}: the quotas cannot fill {seats} seats", problems)


def seat_problems(found: QuotaFile, seats: int | None) -> list[Problem]:
    """Why the quotas cannot fill ``seats`` (none when ``seats`` is ``None``): a minimum
    above the seats, or a feature whose minimums add up to more or maximums to fewer."""
    if seats is None:
        return []
    problems: list[Problem] = []
    by_feature: dict[str, list[Quota]] = {}
    for quota in found.quotas:
        by_feature.setdefault(quota.feature, []).append(quota)
        if quota.min > seats:
            problems.append(
                Problem(
                    f"the minimum {quota.min} is more than the {seats} seats",
                    found.source,
                    found.line_of(quota),
                    key="min",
                    value=f"{quota.feature}={quota.value}",
                )
            )
    for feature, quotas in by_feature.items():
        low, high = sum(q.min for q in quotas), sum(q.max for q in quotas)
        line = found.line_of(quotas[0])
        if low > seats:
            problems.append(
                Problem(
                    f"the minimums of {feature} add up to {low}, more than the {seats} seats",
                    found.source,
                    line,
                    key="min",
                    value=feature,
                )
            )
        if high < seats:
            problems.append(
                Problem(
                    f"the maximums of {feature} add up to {high}, fewer than the {seats} seats",
                    found.source,
                    line,
                    key="max",
                    value=feature,
                )
            )
    return problems


def write_quotas(path: Path, quotas: Iterable[Quota]) -> None:
    """Quotas as ``feature,value,min,max`` CSV."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["feature", "value", "min", "max"])
        for quota in quotas:
            writer.writerow([quota.feature, quota.value, quota.min, quota.max])


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_quotas_toml(path: Path, quotas: Iterable[Quota], seats: int | None = None) -> None:
    """Quotas as TOML (the layout :func:`read_quotas` reads)."""
    lines: list[str] = []
    if seats is not None:
        lines += [f"panel_size = {seats}", ""]
    current = None
    for quota in quotas:
        if quota.feature != current:
            if current is not None:
                lines.append("")
            lines.append(f"[quotas.{_toml_string(quota.feature)}]")
            current = quota.feature
        lines.append(f"{_toml_string(quota.value)} = {{ min = {quota.min}, max = {quota.max} }}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- pools -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolFile:
    instance: Instance
    ignored: tuple[str, ...]
    """Columns no quota names (not read)."""
    notes: tuple[str, ...]
    source: str = ""


def read_pool(
    path: Path,
    quotas: QuotaFile,
    seats: int,
    *,
    id_column: str = "id",
    household_columns: Sequence[str] | None = None,
) -> PoolFile:
    """A plain pool (``id`` and one column per feature) as an :class:`Instance`.

    ``household_columns`` names the columns whose values, together, say who shares an
    address; by default ``household`` or, failing that, ``address`` when present. Every
    problem (a missing column, an empty or repeated id, a value no quota names, a pool
    smaller than the seats or than a quota's minimum) is raised in one InputError.
    """
    pool, problems, total = _read_pool(path, quotas, seats, id_column, household_columns)
    if pool is None:
        raise InputError(f"{path.name} cannot be drawn from", problems, total=total)
    return pool


def read_selection(
    quota_path: Path,
    pool_path: Path,
    *,
    seats: int | None = None,
    id_column: str = "id",
    household_columns: Sequence[str] | None = None,
) -> tuple[QuotaFile, PoolFile]:
    """A quota file and a plain pool, checked against each other and against the seats
    (``seats``, else the quota file's ``panel_size``, else :data:`DEFAULT_SEATS`).

    A quota file with bad rows is refused on its own (the pool cannot be checked against
    it); otherwise the seat problems of the quotas and every problem of the pool come in
    one InputError.
    """
    quotas = read_quotas(quota_path)
    panel = seats if seats is not None else quotas.panel_size or DEFAULT_SEATS
    if panel < 1:
        problem = Problem("must be 1 or more", key="--seats", value=str(panel))
        raise InputError("bad number of seats", [problem])
    problems = seat_problems(quotas, panel)
    pool, found, total = _read_pool(pool_path, quotas, panel, id_column, household_columns)
    if problems or pool is None:
        everything = [*problems, *found]
        raise InputError(
            f"{quota_path.name} and {pool_path.name} cannot fill {panel} seats",
            everything[:MAX_PROBLEMS],
            total=len(problems) + total,
        )
    return quotas, pool


DEFAULT_SEATS = 20
"""Seats when neither the caller nor the quota file says (the commission's 20)."""


def _read_pool(
    path: Path,
    quotas: QuotaFile,
    seats: int,
    id_column: str,
    household_columns: Sequence[str] | None,
) -> tuple[PoolFile | None, list[Problem], int]:
    features = tuple(dict.fromkeys(q.feature for q in quotas.quotas))
    try:
        header, rows = _csv_rows(path, (id_column,), aliases=True)
    except InputError as error:
        return None, list(error.problems), error.total
    cells = _Cells(path, header)
    collector = cells.collector
    homes, present = _pool_columns(collector, header, quotas, features, household_columns)
    named = {f: {q.value for q in quotas.quotas if q.feature == f} for f in features}
    people: list[Person] = []
    seen: dict[str, int] = {}
    id_key = _key(id_column)
    for line, row in rows:
        cells.extra(line, row)
        person_id = row[id_key]
        if not person_id:
            cells.bad(line, id_column, "is empty", "")
        elif person_id in seen:
            cells.bad(line, id_column, f"repeats the id on line {seen[person_id]}", person_id)
        else:
            seen[person_id] = line
        values = {}
        for feature in present:
            value = row[_key(feature)]
            if value not in named[feature]:
                message = "is empty" if not value else f"no quota names {feature} {value!r}"
                cells.bad(line, feature, message, value)
            values[feature] = value
        household = _household(tuple(row.get(h, "") for h in homes), homes)
        people.append(Person(person_id, values, household))
    for problem in _pool_counts(path.name, people, quotas, seats):
        collector.total += 1
        if len(collector.problems) < MAX_PROBLEMS:
            collector.problems.append(problem)
    if collector.total:
        return None, collector.problems, collector.total
    ignored = tuple(
        h for h in header if _key(h) not in {id_key, *map(_key, features), *homes} and h.strip()
    )
    notes = (
        (f"{path.name}: columns no quota names are ignored: {', '.join(ignored)}",)
        if ignored
        else ()
    )
    instance = Instance(tuple(people), quotas.quotas, seats)
    return PoolFile(instance, ignored, notes, path.name), [], 0


def _pool_columns(
    collector: _Collector,
    header: list[str],
    quotas: QuotaFile,
    features: Sequence[str],
    household_columns: Sequence[str] | None,
) -> tuple[tuple[str, ...], list[str]]:
    """The household columns (folded) and the quota features the header has, in header
    order; a problem for each one missing."""
    folded = [_key(h) for h in header]
    if household_columns is None:
        chosen = next((h for h in HOUSEHOLD_HEADERS if h in folded), None)
        homes: tuple[str, ...] = (chosen,) if chosen else ()
    else:
        homes = tuple(_key(h) for h in household_columns)
    for feature in features:
        if _key(feature) not in folded:
            quota = next(q for q in quotas.quotas if q.feature == feature)
            collector.add(
                f"missing column: {quotas.source} line {quotas.line_of(quota)} has a quota on it",
                1,
                key=feature,
            )
    for home in homes:
        if home not in folded:
            collector.add("missing column (named as a household column)", 1, key=home)
    present = sorted(
        (f for f in features if _key(f) in folded), key=lambda f: folded.index(_key(f))
    )
    return homes, present


def _household(values: tuple[str, ...], homes: tuple[str, ...]) -> str | None:
    if not homes or not any(values):
        return None
    if homes == ("address",):
        return address_key("", values[0], "", "", "")
    return "\x1f".join(values)


def _pool_counts(
    source: str, people: Sequence[Person], quotas: QuotaFile, seats: int
) -> list[Problem]:
    """The pool against the seats. A minimum the pool cannot reach is not bad input but
    an infeasible quota: the lottery diagnoses it and proposes the smallest relaxation."""
    del quotas
    if len(people) < seats:
        return [Problem(f"the pool has {len(people)} people, fewer than the {seats} seats", source)]
    return []


def pool_counts(people: Iterable[Person]) -> dict[tuple[str, str], int]:
    """How many people have each (feature, value)."""
    counts: dict[tuple[str, str], int] = {}
    for person in people:
        for feature, value in person.features.items():
            counts[(feature, value)] = counts.get((feature, value), 0) + 1
    return counts


def write_pool(
    path: Path,
    instance: Instance,
    features: Sequence[str] | None = None,
    *,
    household: bool | None = None,
) -> None:
    """A pool as CSV: ``id``, the features, and ``household`` (``None``: when anyone has
    one). Written under a temporary name and renamed when complete."""
    names = list(features or dict.fromkeys(f for p in instance.people for f in p.features))
    with_home = any(p.household for p in instance.people) if household is None else household
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["id", *names, *(["household"] if with_home else [])])
            for person in instance.people:
                row = [person.id, *(person.features.get(f, "") for f in names)]
                writer.writerow(row + ([person.household or ""] if with_home else []))
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
