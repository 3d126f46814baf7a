"""The statewide decision: raw count, random sample (95/110), and the full count.

Elections Code 9030(b)-(c): below 100 percent of the requirement on the raw count the
petition fails. 9030(f)-(g), 9031(a): on the random sample, a statewide projection above
110 percent of the requirement makes the measure eligible; below 95 percent it fails;
from 95 to 110 percent, both ends included, every signature is examined. During a full
count (9031), the counties report progress and the count stops as soon as the valid
signatures reach the requirement, or as soon as they no longer can.

All comparisons are exact: ``projected > 110% x required`` is ``100 x projected > 110 x
required`` in integers, never a float.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from calexit.errors import InputError, Problem
from calexit.rules.model import Petition


class Outcome(StrEnum):
    FAILED_RAW_COUNT = "failed-raw-count"
    ELIGIBLE = "eligible"
    FULL_COUNT = "full-count"
    FAILED = "failed"


@dataclass(frozen=True)
class SampleDecision:
    """What the random sample decides, with the margins that explain it."""

    required: int
    raw_total: int
    projected: int
    outcome: Outcome
    qualify_line: int
    """Smallest projection that makes the measure eligible without a full count."""
    fail_line: int
    """Smallest projection that avoids failing (below it, the petition fails)."""

    @property
    def percent_of_required(self) -> Fraction:
        return Fraction(100 * self.projected, self.required)

    @property
    def over_qualify_line(self) -> int:
        """Projected signatures beyond the eligibility line (negative: how many short)."""
        return self.projected - self.qualify_line

    @property
    def over_fail_line(self) -> int:
        """Projected signatures beyond the failure line (negative: how many short)."""
        return self.projected - self.fail_line


def _smallest_above(share: Fraction, required: int) -> int:
    """The smallest whole count strictly above ``share x required``."""
    return math.floor(share * required) + 1


def decide_on_sample(raw_total: int, projected: int, rules: Petition) -> SampleDecision:
    """Apply the raw-count check, then the 95/110 rule, to statewide totals."""
    required = rules.required_signatures.value
    if raw_total < 0 or projected < 0:
        raise InputError(
            "statewide totals cannot be negative",
            [
                Problem("is negative", key=k, value=str(v))
                for k, v in (("raw", raw_total), ("projected", projected))
                if v < 0
            ],
        )
    qualify_line = _smallest_above(rules.qualify_above.value, required)
    fail_line = math.ceil(rules.fail_below.value * required)
    if raw_total < math.ceil(rules.raw_count_min.value * required):
        outcome = Outcome.FAILED_RAW_COUNT
    elif projected >= qualify_line:
        outcome = Outcome.ELIGIBLE
    elif projected < fail_line:
        outcome = Outcome.FAILED
    else:
        outcome = Outcome.FULL_COUNT
    return SampleDecision(required, raw_total, projected, outcome, qualify_line, fail_line)


@dataclass(frozen=True)
class CountyProgress:
    """A county's running full-count report: how many examined so far, how many valid."""

    county: str
    raw: int
    examined: int
    valid: int

    def __post_init__(self) -> None:
        if not 0 <= self.valid <= self.examined <= self.raw:
            raise InputError(
                f"impossible full-count report from {self.county}",
                [
                    Problem(
                        "need 0 <= valid <= examined <= raw",
                        key=self.county,
                        value=f"valid {self.valid}, examined {self.examined}, raw {self.raw}",
                    )
                ],
            )


class FullCountStatus(StrEnum):
    QUALIFIED = "qualified"
    FAILED = "failed"
    COUNTING = "counting"


@dataclass(frozen=True)
class FullCountTally:
    required: int
    valid: int
    unexamined: int
    status: FullCountStatus

    @property
    def still_needed(self) -> int:
        return max(0, self.required - self.valid)


def tally_full_count(reports: Sequence[CountyProgress], rules: Petition) -> FullCountTally:
    """Where the full count stands: qualified once valid signatures reach the requirement,
    failed once the unexamined signatures could no longer make up the shortfall."""
    required = rules.required_signatures.value
    counties = [r.county for r in reports]
    repeated = sorted({c for c in counties if counties.count(c) > 1})
    if repeated:
        raise InputError(
            "each county reports once per tally",
            [Problem("reported twice", key=c, value=c) for c in repeated],
        )
    valid = sum(r.valid for r in reports)
    unexamined = sum(r.raw - r.examined for r in reports)
    if valid >= required:
        status = FullCountStatus.QUALIFIED
    elif valid + unexamined < required:
        status = FullCountStatus.FAILED
    else:
        status = FullCountStatus.COUNTING
    return FullCountTally(required, valid, unexamined, status)
