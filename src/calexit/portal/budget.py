"""The commission's budget: the appropriation, spending by category and the burn.

Amounts are whole cents (integers), never floats. The pack's figure (calexit-2028:
$2,000,000 a year, seed 004) is the default appropriation when none is recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class LineKind(StrEnum):
    APPROPRIATION = "appropriation"
    EXPENDITURE = "expenditure"


@dataclass(frozen=True)
class BudgetLine:
    day: date
    kind: LineKind
    category: str
    description: str
    cents: int

    def __post_init__(self) -> None:
        if self.cents <= 0:
            raise ValueError("a budget line's amount must be positive")


@dataclass(frozen=True)
class Burn:
    """Where the money stands on ``today``."""

    appropriated: int
    spent: int
    by_category: dict[str, int]
    months: list[tuple[str, int]]
    """(YYYY-MM, cumulative cents spent by the end of that month), in order."""
    monthly_rate: int
    """Average cents spent per month over the months with records."""
    runway_months: float | None
    """Months until the appropriation runs out at that rate (None if nothing spent)."""

    @property
    def remaining(self) -> int:
        return self.appropriated - self.spent

    @property
    def share_spent(self) -> float:
        return self.spent / self.appropriated if self.appropriated else 0.0


def burn(lines: Iterable[BudgetLine], *, default_appropriation: int = 0) -> Burn:
    """Totals, spending by category and the cumulative monthly series of expenditures."""
    appropriated = spent = 0
    by_category: dict[str, int] = defaultdict(int)
    per_month: dict[str, int] = defaultdict(int)
    for line in lines:
        if line.kind is LineKind.APPROPRIATION:
            appropriated += line.cents
            continue
        spent += line.cents
        by_category[line.category] += line.cents
        per_month[line.day.strftime("%Y-%m")] += line.cents
    if appropriated == 0:
        appropriated = default_appropriation
    months: list[tuple[str, int]] = []
    total = 0
    for month in sorted(per_month):
        total += per_month[month]
        months.append((month, total))
    rate = spent // len(months) if months else 0
    runway = (appropriated - spent) / rate if rate else None
    ordered = dict(sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0])))
    return Burn(appropriated, spent, ordered, months, rate, runway)


def dollars(cents: int) -> str:
    """``123456`` -> ``"$1,234.56"``."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}${whole:,}.{part:02d}"


def parse_dollars(text: str) -> int:
    """``"1,234.5"`` or ``"$1234.50"`` -> cents; :class:`ValueError` for anything else."""
    cleaned = text.strip().replace(",", "").removeprefix("$")
    whole, _, part = cleaned.partition(".")
    if not whole.isdigit() or (part and (not part.isdigit() or len(part) > 2)):
        raise ValueError(f"{text!r} is not an amount in dollars (like 1234.56)")
    return int(whole) * 100 + int(part.ljust(2, "0") or 0)
