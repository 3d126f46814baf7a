"""What maximin and leximin return before their compositions become panels of people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from calexit.commission.lottery.groups import Composition, Group

Progress = Callable[[str], None]
"""Receives one line of news at a time (the CLI shows it beside a progress bar)."""


@dataclass(frozen=True)
class GroupOptimum:
    """A distribution over compositions and each group's per-member probability."""

    algorithm: str
    groups: tuple[Group, ...]
    compositions: tuple[Composition, ...]
    weights: tuple[float, ...]
    probabilities: tuple[float, ...]
    """Per group: each member's selection probability."""
    stats: dict[str, int]
    """Counts of the work done: MIP solves, LP solves, columns, stages; for leximin also
    the route that found it (1, 2 or 3, see :mod:`~calexit.commission.lottery.leximin`)."""
