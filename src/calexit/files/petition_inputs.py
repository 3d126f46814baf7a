"""Reading and checking the petition stage's input files (voter file, signatures).

Parquet or CSV. Every problem is reported at once with file, line, column and value
(for Parquet, "line" is the 1-based row); nothing is written when any is found. Checks:
the required columns, dates that parse, counties that exist, ids that are unique,
booleans and numbers that parse. A file with very many bad cells reports the first
:data:`MAX_PROBLEMS` of them and says how many there were in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from calexit.errors import InputError, Problem
from calexit.petition.schema import SIGNATURE_COLUMNS, VOTER_COLUMNS
from calexit.reference.datasets import counties

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class ColumnCheck:
    column: str
    condition: str
    """SQL true for a bad cell, with ``{v}`` standing for the cell as text."""
    message: str


def _date(column: str, *, required: bool) -> ColumnCheck:
    empty = "{v} is null or trim({v}) = ''" if required else "false"
    return ColumnCheck(
        column,
        f"({empty}) or (trim(coalesce({{v}}, '')) <> '' and try_cast(trim({{v}}) as date) is null)",
        "is not a date (expected YYYY-MM-DD)",
    )


def _required(column: str) -> ColumnCheck:
    return ColumnCheck(column, "{v} is null or trim({v}) = ''", "is empty")


def _county(column: str) -> ColumnCheck:
    names = ", ".join("'" + c.name.upper().replace("'", "''") + "'" for c in counties())
    return ColumnCheck(
        column, f"upper(trim(coalesce({{v}}, ''))) not in ({names})", "is not a California county"
    )


def _boolean(column: str) -> ColumnCheck:
    return ColumnCheck(
        column,
        "trim(coalesce({v}, '')) <> '' and try_cast(trim({v}) as boolean) is null",
        "is not true or false",
    )


def _whole_number(column: str) -> ColumnCheck:
    return ColumnCheck(
        column, "try_cast(trim(coalesce({v}, '')) as bigint) is null", "is not a whole number"
    )


VOTER_CHECKS = (
    _required("voter_id"),
    _county("county"),
    _date("registered_on", required=True),
    _date("cancelled_on", required=False),
    _required("last_name"),
)
SIGNATURE_CHECKS = (
    _required("signature_id"),
    _county("county"),
    _date("signed_on", required=True),
    _whole_number("line"),
    _boolean("withdrawn"),
    _boolean("examiner_mismatch"),
)


def _source_sql(path: Path) -> str:
    literal = str(path).replace("'", "''")
    if path.suffix.lower() == ".parquet":
        return f"read_parquet('{literal}')"
    return f"read_csv('{literal}', all_varchar = true, header = true)"


def _columns(connection: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    return [row[0] for row in connection.execute(f"describe select * from {source}").fetchall()]


def check_file(
    path: Path, required: tuple[str, ...], checks: tuple[ColumnCheck, ...], unique: tuple[str, ...]
) -> int:
    """Check one input file; return its row count or raise InputError listing every problem."""
    if not path.is_file():
        raise InputError(f"cannot read {path}", [Problem("no such file", source=str(path))])
    connection = duckdb.connect()
    try:
        return _check(connection, path, required, checks, unique)
    except duckdb.Error as error:
        first = str(error).splitlines()[0]
        raise InputError(f"cannot read {path.name}", [Problem(first, source=path.name)]) from None
    finally:
        connection.close()


def _check(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    required: tuple[str, ...],
    checks: tuple[ColumnCheck, ...],
    unique: tuple[str, ...],
) -> int:
    source = _source_sql(path)
    header = _columns(connection, source)
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"{path.name} lacks required columns",
            [Problem("missing column", source=path.name, line=1, key=c) for c in missing],
        )
    offset = 1 if path.suffix.lower() != ".parquet" else 0
    connection.execute(
        f"create temp table input as select row_number() over () + {offset} "
        f"as line_no, * from {source}"
    )
    problems: list[Problem] = []
    total = 0
    what = "appears twice" if len(unique) == 1 else f"repeats another row's {', '.join(unique)}"
    for check in (*checks, ColumnCheck(unique[0], "", what)):
        rows, count = _bad_cells(connection, check, unique)
        total += count
        column = header.index(check.column) + 1
        problems += [
            Problem(
                check.message,
                source=path.name,
                line=int(line),
                column=column,
                key=check.column,
                value="" if value is None else str(value),
            )
            for line, value in rows
        ]
    if total:
        ordered = sorted(problems, key=lambda p: (p.line or 0, p.column or 0))
        raise InputError(f"{path.name} has bad rows", ordered[:MAX_PROBLEMS], total=total)
    return int(connection.execute("select count(*) from input").fetchall()[0][0])


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _bad_cells(
    connection: duckdb.DuckDBPyConnection, check: ColumnCheck, unique: tuple[str, ...]
) -> tuple[list[tuple[int, object]], int]:
    column = _quoted(check.column)
    if check.condition:
        where = check.condition.format(v=f"cast({column} as varchar)")
        query = f"select line_no, cast({column} as varchar) from input where {where}"
    else:
        keys = ", ".join(_quoted(c) for c in unique)
        query = (
            f"select line_no, cast({column} as varchar) from (select line_no, {column}, "
            f"row_number() over (partition by {keys} order by line_no) as seen "
            f"from input where {column} is not null) where seen > 1"
        )
    count = connection.execute(f"select count(*) from ({query})").fetchall()[0][0]
    rows = connection.execute(f"{query} order by line_no limit {MAX_PROBLEMS}").fetchall()
    return [(int(r[0]), r[1]) for r in rows], int(count)


def check_voter_file(path: Path) -> int:
    return check_file(path, VOTER_COLUMNS, VOTER_CHECKS, ("voter_id", "registered_on"))


def check_signatures(path: Path) -> int:
    return check_file(path, SIGNATURE_COLUMNS, SIGNATURE_CHECKS, ("signature_id",))
