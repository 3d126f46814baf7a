"""The commission's report deadlines and the countdowns the portal shows.

The pack counts them from the commission's first meeting (calexit-2028: interim
findings within 12 months, final recommendations within 24; seed 004).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Countdown:
    """A report deadline seen from ``today``; ``days_left`` is negative once overdue."""

    label: str
    months: int
    due: date | None
    days_left: int | None
    source: str

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    def describe(self) -> str:
        if self.due is None or self.days_left is None:
            return f"{self.label}: {self.months} months after the first meeting (not yet held)"
        if self.days_left < 0:
            return f"{self.label}: due {self.due.isoformat()}, {-self.days_left} days overdue"
        if self.days_left == 0:
            return f"{self.label}: due today ({self.due.isoformat()})"
        return f"{self.label}: due {self.due.isoformat()}, {self.days_left} days left"


def report_countdown(
    label: str, months: int, first_meeting: date | None, today: date, source: str = ""
) -> Countdown:
    """The countdown to a report due ``months`` after ``first_meeting``."""
    if months < 0:
        raise ValueError("months must not be negative")
    if first_meeting is None:
        return Countdown(label, months, None, None, source)
    due = add_months(first_meeting, months)
    return Countdown(label, months, due, (due - today).days, source)
