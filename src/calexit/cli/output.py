"""Printing for the CLI: Rich tables for people, JSON for machines, one style for errors."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any

from pydantic import BaseModel
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from calexit.rules.model import format_fraction

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def spinner(as_json: bool) -> Progress:
    """A spinner with a line of news and the time elapsed, for work of unknown length;
    silent when the output is JSON."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json,
    )


def to_jsonable(value: Any) -> Any:
    """Turn records, models, fractions and dates into plain JSON values."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def print_json(value: Any) -> None:
    """Write ``value`` as indented JSON to standard output (no Rich markup)."""
    sys.stdout.write(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False) + "\n")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Table:
    """A Rich table; numbers are right-aligned and thousands-separated."""
    rows = [list(r) for r in rows]
    result = Table(title=title, title_justify="left", show_lines=False)
    for index, name in enumerate(columns):
        numeric = bool(rows) and all(isinstance(r[index], int | Decimal) for r in rows)
        result.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        result.add_row(*(_cell(v) for v in row))
    return result


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "—"
    return str(value)


def fail(lines: Iterable[str]) -> None:
    """Print an error's lines to standard error, the first prefixed with ``error:``."""
    for index, line in enumerate(lines):
        errors.print(("error: " if index == 0 else "") + line, markup=False, soft_wrap=True)
