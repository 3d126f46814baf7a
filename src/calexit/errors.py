"""The exceptions calexit raises on purpose.

Every error a user can cause is a :class:`CalexitError`; anything else is a bug.
The CLI prints a ``CalexitError`` as one line per problem and exits with code 2;
the web layer turns it into a 4xx answer with the same text.

::

    CalexitError                      a user can fix this; never shown as a traceback
     ├── InputError                   bad input: one or more Problems (file, line, column, value)
     │    └── RulePackError           a rule pack that does not validate
     ├── ConfigError                  a bad setting (environment variable, option)
     ├── NotFoundError                a named thing (pack, county, run) does not exist
     └── StoreError                   the store cannot be opened or migrated
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one piece of input, located as precisely as known.

    ``source`` names the file (or stream); ``line`` and ``column`` are 1-based;
    ``key`` is the field, column header or dotted TOML key; ``value`` is the
    offending text as written, when there is one.
    """

    message: str
    source: str = ""
    line: int | None = None
    column: int | None = None
    key: str = ""
    value: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [p for p in (where, self.key) if p]
        text = self.message
        if self.value and repr(self.value) not in text:
            text += f" (value: {self.value!r})"
        return ": ".join([*parts, text])


class CalexitError(Exception):
    """Base of every error a user can cause and fix."""

    def lines(self) -> list[str]:
        """The message as the lines the CLI prints."""
        return [str(self)]


class InputError(CalexitError):
    """Input that calexit cannot use; carries every problem found, not just the first."""

    def __init__(
        self, summary: str, problems: Iterable[Problem] = (), total: int | None = None
    ) -> None:
        self.summary = summary
        self.problems: Sequence[Problem] = tuple(problems)
        self.total = max(total or 0, len(self.problems))
        """How many problems there were; more than listed when a long list was cut."""
        super().__init__(summary)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        count = len(self.problems)
        if count == 0:
            return [self.summary]
        noun = "problem" if self.total == 1 else "problems"
        listed = f"; the first {count} are listed" if self.total > count else ""
        return [
            f"{self.summary} ({self.total} {noun}{listed}):",
            *(f"  {p}" for p in self.problems),
        ]


class RulePackError(InputError):
    """A rule pack (TOML) with syntax, type, citation or consistency problems."""


class ConfigError(CalexitError):
    """A setting that cannot be used, such as a malformed database URL."""


class NotFoundError(CalexitError):
    """A named thing does not exist (a pack id, a county name, a run)."""


class StoreError(CalexitError):
    """The store cannot be reached, created or migrated."""
