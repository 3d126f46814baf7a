"""The canvass: a pack's passage rules applied to checked county returns, exactly.

Each condition of the pack's ``[passage]`` (participation, when there is one, then
approval) names the quantities it divides (``numerator`` / ``denominator``); they are
summed over the counties and compared with the threshold as exact fractions through
:meth:`Threshold.passes <calexit.rules.model.Threshold.passes>`: "at-least" lets
equality pass, "more-than" does not, and an empty denominator never passes. The measure
PASSES only when every condition passes.

Margins (``docs/vote.md`` has worked examples). With the denominator ``d`` held fixed,
``needed`` is the smallest numerator that passes (:meth:`Threshold.needed`:
``ceil(t * d)`` for at-least ``t``, ``floor(t * d) + 1`` for more-than ``t``) and::

    margin = numerator - needed

A condition passes exactly when ``margin >= 0``. For approval (yes-votes / yes-plus-no)
one unit is one voter switching between yes and no, which leaves yes + no unchanged: a
passing approval survives ``margin`` switches from yes to no and fails on one more; a
failing approval needs ``-margin`` switches from no to yes. For participation
(ballots-cast / registered-voters) one unit is one ballot more or fewer with the roll
unchanged. :attr:`ConditionResult.to_flip` is the fewest such units that change the
outcome: ``margin + 1`` when passing, ``-margin`` when failing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from calexit.errors import InputError, Problem
from calexit.rules.model import Passage, Quantity, Threshold, format_fraction
from calexit.vote.returns import Counts, CountyReturn, Returns

COUNTED: Mapping[Quantity, Callable[[Counts], int]] = {
    Quantity.REGISTERED_VOTERS: lambda c: c.registered,
    Quantity.ELECTORATE: lambda c: c.registered,
    Quantity.BALLOTS_CAST: lambda c: c.ballots_cast,
    Quantity.YES_VOTES: lambda c: c.yes,
    Quantity.YES_PLUS_NO: lambda c: c.yes_plus_no,
    Quantity.VOTES_ON_MEASURE: lambda c: c.yes_plus_no,
    Quantity.VALID_VOTES: lambda c: c.yes_plus_no,
}
"""What each quantity a passage rule may name counts in a return. The electorate is the
roll of registered voters; votes on the measure and valid votes are yes + no (undervotes
and overvotes are not votes on the measure)."""


class Outcome(StrEnum):
    PASSES = "passes"
    FAILS = "fails"


def percent(value: Fraction | None) -> str:
    """A share as a percent to two decimals, rounded down: "55.00%" is at least 55%."""
    if value is None:
        return "n/a"
    hundredths = math.floor(value * 10_000)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


@dataclass(frozen=True)
class ConditionResult:
    """One passage condition applied to the statewide totals."""

    name: str
    """``participation`` or ``approval``, as the pack's ``[passage]`` keys."""
    rule: Threshold
    numerator_count: int
    denominator_count: int

    @property
    def value(self) -> Fraction | None:
        """The exact share; ``None`` when the denominator is 0."""
        if self.denominator_count <= 0:
            return None
        return Fraction(self.numerator_count, self.denominator_count)

    @property
    def percent(self) -> str:
        return percent(self.value)

    @property
    def passed(self) -> bool:
        return self.rule.passes(self.numerator_count, self.denominator_count)

    @property
    def needed(self) -> int | None:
        """The smallest numerator that passes with this denominator; ``None`` when it is 0."""
        return self.rule.needed(self.denominator_count) if self.denominator_count > 0 else None

    @property
    def margin(self) -> int | None:
        """``numerator - needed``: 0 or more exactly when the condition passes."""
        needed = self.needed
        return None if needed is None else self.numerator_count - needed

    @property
    def to_flip(self) -> int | None:
        """The fewest units of the numerator (denominator fixed) that change the outcome."""
        margin = self.margin
        if margin is None:
            return None
        return margin + 1 if margin >= 0 else -margin

    def describe(self) -> str:
        """The rule in words: "ballots-cast / registered-voters at-least 50%"."""
        rule = self.rule
        return (
            f"{rule.numerator.value} / {rule.denominator.value} "
            f"{rule.comparison.value} {format_fraction(rule.min)}"
        )


@dataclass(frozen=True)
class Canvass:
    """The statewide totals, each condition, and the counties in name order."""

    statewide: Counts
    conditions: tuple[ConditionResult, ...]
    counties: tuple[CountyReturn, ...]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.conditions)

    @property
    def outcome(self) -> Outcome:
        return Outcome.PASSES if self.passed else Outcome.FAILS

    def condition(self, name: str) -> ConditionResult:
        for result in self.conditions:
            if result.name == name:
                return result
        raise KeyError(name)


def passage_conditions(passage: Passage) -> tuple[tuple[str, Threshold], ...]:
    """The pack's conditions in the order they are reported: participation, approval."""
    named = (("participation", passage.participation), ("approval", passage.approval))
    return tuple((name, rule) for name, rule in named if rule is not None)


def _check_quantities(conditions: tuple[tuple[str, Threshold], ...]) -> None:
    problems = [
        Problem(
            f"county returns do not count {getattr(rule, side).value}",
            key=f"passage.{name}.{side}",
        )
        for name, rule in conditions
        for side in ("numerator", "denominator")
        if getattr(rule, side) not in COUNTED
    ]
    if problems:
        raise InputError("the pack's passage rules cannot be applied to county returns", problems)


def canvass(returns: Returns, passage: Passage) -> Canvass:
    """Apply ``passage`` to the statewide sums of ``returns``; county order does not matter."""
    conditions = passage_conditions(passage)
    _check_quantities(conditions)
    statewide = returns.statewide
    results = tuple(
        ConditionResult(
            name,
            rule,
            COUNTED[rule.numerator](statewide),
            COUNTED[rule.denominator](statewide),
        )
        for name, rule in conditions
    )
    counties = tuple(sorted(returns.counties, key=lambda r: r.county))
    return Canvass(statewide, results, counties)
