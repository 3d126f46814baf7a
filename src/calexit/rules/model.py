"""Frozen, typed models of a rule pack: every number with the source that states it.

A pack is a TOML file (``calexit/rules/packs/*.toml``) read only by
:mod:`calexit.rules.load`. Each rule is a small table::

    required_signatures = { value = 546651, source = "Cal. Const. art. II, sec. 8(b)" }

``basis`` says what kind of authority the source is: enacted law, the measure's own
text, a recommendation, a figure only reported by a campaign or the press, a
historical fact, or an estimate. Thresholds are written as exact fractions
("55%", "2/3") and held as :class:`fractions.Fraction`, never as floats.
"""

from __future__ import annotations

import math
import re
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Generic, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StrictBool,
    StrictInt,
    StrictStr,
    model_validator,
)

_FRACTION_TEXT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|/\s*(\d+))?\s*$")


def parse_fraction(value: object) -> Fraction:
    """Read "55%", "2/3", "0.55" or a whole number into an exact fraction.

    Floats are refused: a legal threshold written as a binary float is not exact.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise ValueError(f'expected a fraction such as "55%" or "2/3", got {value!r}')
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        raise ValueError(
            f'write thresholds as exact text such as "55%" or "11/20", not the float {value!r}'
        )
    if isinstance(value, str):
        match = _FRACTION_TEXT.match(value)
        if match:
            number, suffix, denominator = match.groups()
            if suffix is None:
                return Fraction(number)
            if suffix == "%":
                return Fraction(number) / 100
            if int(denominator) != 0:
                return Fraction(number) / int(denominator)
        raise ValueError(f'expected a fraction such as "55%" or "2/3", got {value!r}')
    raise ValueError(f'expected a fraction such as "55%" or "2/3", got {type(value).__name__}')


def _share_in_unit_interval(value: Fraction) -> Fraction:
    if not 0 <= value <= 1:
        raise ValueError(f"a share must lie between 0 and 1, got {format_fraction(value)}")
    return value


def _positive(value: Fraction) -> Fraction:
    if value <= 0:
        raise ValueError(f"a ratio must be above 0, got {format_fraction(value)}")
    return value


def format_fraction(value: Fraction) -> str:
    """Shortest exact text: "55%", "2/3", "110%"; used in messages and tables."""
    percent = value * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    if (percent * 100).denominator == 1:
        return f"{float(percent):.2f}%"
    return f"{value.numerator}/{value.denominator}"


_as_text = PlainSerializer(format_fraction, return_type=str)

Share = Annotated[
    Fraction, BeforeValidator(parse_fraction), AfterValidator(_share_in_unit_interval), _as_text
]
"""A proportion of votes, voters or members: an exact fraction in [0, 1]."""

Ratio = Annotated[Fraction, BeforeValidator(parse_fraction), AfterValidator(_positive), _as_text]
"""A positive multiple of a requirement (110% of the signatures needed, say)."""

Count = Annotated[StrictInt, Field(ge=0)]
Text = Annotated[StrictStr, Field(min_length=1)]


class Basis(StrEnum):
    """The kind of authority behind a rule's source."""

    LAW = "law"
    MEASURE = "measure"
    RECOMMENDATION = "recommendation"
    REPORTED = "reported"
    HISTORICAL = "historical"
    ESTIMATE = "estimate"


class Comparison(StrEnum):
    """How a count is compared with a threshold; "at-least" lets equality pass."""

    AT_LEAST = "at-least"
    MORE_THAN = "more-than"

    def passes(self, share: Fraction, threshold: Fraction) -> bool:
        return share >= threshold if self is Comparison.AT_LEAST else share > threshold

    def smallest_passing(self, threshold: Fraction, total: int) -> int:
        """The fewest of ``total`` that pass: 2/3 of 435 at least -> 290."""
        product = threshold * total
        if self is Comparison.AT_LEAST:
            return math.ceil(product)
        return math.floor(product) + 1


class Quantity(StrEnum):
    """What is counted on either side of a threshold."""

    BALLOTS_CAST = "ballots-cast"
    VOTES_ON_MEASURE = "votes-on-measure"
    YES_VOTES = "yes-votes"
    YES_PLUS_NO = "yes-plus-no"
    VALID_VOTES = "valid-votes"
    REGISTERED_VOTERS = "registered-voters"
    ELECTORATE = "electorate"
    PRESENT_AND_VOTING = "members-present-and-voting"
    MEMBERS = "members"
    STATES = "states"
    STATE_LEGISLATURES = "state-legislatures"
    PERMANENT_MEMBERS = "permanent-members"


class Chamber(StrEnum):
    """A voting body whose size comes from the reference data (see ``reference.bodies``)."""

    US_HOUSE = "us-house"
    US_SENATE = "us-senate"
    CONGRESS = "congress"
    STATES = "states"
    STATE_LEGISLATURES = "state-legislatures"
    UN_SECURITY_COUNCIL = "un-security-council"
    UN_PERMANENT_MEMBERS = "un-permanent-members"
    UN_GENERAL_ASSEMBLY = "un-general-assembly"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Cited(_Frozen):
    source: Text
    basis: Basis = Basis.LAW
    note: StrictStr = ""


T = TypeVar("T")


class Rule(_Cited, Generic[T]):
    """One value with its citation."""

    value: T


class Threshold(_Cited):
    """``numerator / denominator`` must be ``at-least`` (or ``more-than``) ``min``."""

    min: Share
    comparison: Comparison = Comparison.AT_LEAST
    numerator: Quantity
    denominator: Quantity

    def passes(self, numerator: int, denominator: int) -> bool:
        """Exact comparison; an empty denominator never passes."""
        if denominator <= 0:
            return False
        return self.comparison.passes(Fraction(numerator, denominator), self.min)

    def needed(self, denominator: int) -> int:
        """The smallest numerator that passes for this denominator."""
        return self.comparison.smallest_passing(self.min, denominator)


class PackKind(StrEnum):
    INITIATIVE_STATUTE = "initiative-statute"
    INITIATIVE_CONSTITUTIONAL_AMENDMENT = "initiative-constitutional-amendment"
    FEDERAL_AMENDMENT = "federal-amendment"
    INTERNATIONAL_ADMISSION = "international-admission"
    REFERENDUM = "referendum"


class PackInfo(_Frozen):
    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    version: Text
    title: Text
    kind: PackKind
    jurisdiction: Text
    summary: Text
    road: tuple[Text, ...] = ()
    """Ids of the packs that follow this one on the road (federal route, recognition)."""


class Measure(_Frozen):
    question: Rule[Text]
    binding: Rule[StrictBool]
    attorney_general_file: Rule[Text] | None = None
    effects: tuple[Rule[Text], ...] = ()


class Petition(_Frozen):
    """How the initiative qualifies (Elections Code 9030-9031; 2 CCR 20520-20540)."""

    gubernatorial_votes: Rule[Count]
    signature_share: Rule[Share]
    required_signatures: Rule[Count]
    circulation_days: Rule[Count]
    raw_count_working_days: Rule[Count]
    random_sample_working_days: Rule[Count]
    full_count_working_days: Rule[Count]
    sample_minimum: Rule[Count]
    sample_share: Rule[Share]
    full_check_at_or_below: Rule[Count]
    raw_count_min: Rule[Ratio]
    qualify_above: Rule[Ratio]
    fail_below: Rule[Ratio]
    qualification_days_before_election: Rule[Count]

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        # The Secretary of State publishes the share rounded to the nearest whole signature:
        # 5% of 10,933,018 = 546,650.9 -> 546,651; 8% = 874,641.44 -> 874,641.
        exact = self.signature_share.value * self.gubernatorial_votes.value
        needed = math.floor(exact + Fraction(1, 2))
        if self.required_signatures.value != needed:
            raise ValueError(
                f"required_signatures is {self.required_signatures.value} but "
                f"{format_fraction(self.signature_share.value)} of "
                f"{self.gubernatorial_votes.value} is {needed}"
            )
        if self.fail_below.value > self.qualify_above.value:
            raise ValueError("fail_below must not exceed qualify_above")
        return self


class Election(_Frozen):
    date: Rule[date]
    name: Text
    county_canvass_days: Rule[Count] | None = None
    certification_days: Rule[Count] | None = None


class Passage(_Frozen):
    """What the vote must show for the measure to count."""

    approval: Threshold
    participation: Threshold | None = None


class Commission(_Frozen):
    name: Text
    purpose: Rule[Text]
    members: Rule[Count] | None = None
    selection: Rule[Text] | None = None
    nominators_min: Rule[Count] | None = None
    residency_years_min: Rule[Count] | None = None
    sectors: Rule[tuple[Text, ...]] | None = None
    diversity: Rule[tuple[Text, ...]] | None = None
    conflict_lookback_years: Rule[Count] | None = None
    """Years before a nomination in which a declared political role (office, party office,
    campaign staff, lobbying, large donations) makes a nominee ineligible."""
    interim_report_months: Rule[Count] | None = None
    final_report_months: Rule[Count] | None = None
    one_time_cost_usd: Rule[Count] | None = None
    annual_budget_usd: Rule[Count] | None = None

    @model_validator(mode="after")
    def _reports_in_order(self) -> Self:
        interim, final = self.interim_report_months, self.final_report_months
        if interim and final and interim.value > final.value:
            raise ValueError("interim_report_months must not exceed final_report_months")
        return self


class Gate(_Cited):
    """One body that must consent on the road after the vote."""

    id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    body: Text
    threshold: Share
    comparison: Comparison = Comparison.AT_LEAST
    of: Quantity
    chamber: Chamber | None = None
    """The body whose size the threshold applies to, when calexit knows it."""
    route: StrictStr = ""
    """Gates of the same route are all needed; different routes are alternatives."""


class Outcome(_Cited):
    """A historical result, for comparators."""

    date: date
    yes_votes: Count
    no_votes: Count
    electorate: Count
    ballots_cast: Count

    @model_validator(mode="after")
    def _counts_nest(self) -> Self:
        if not self.yes_votes + self.no_votes <= self.ballots_cast <= self.electorate:
            raise ValueError("outcome counts must satisfy yes + no <= ballots cast <= electorate")
        return self


class RulePack(_Frozen):
    """A whole pack. Sections a pack does not use are absent (``None``)."""

    pack: PackInfo
    measure: Measure | None = None
    petition: Petition | None = None
    election: Election | None = None
    passage: Passage | None = None
    commission: Commission | None = None
    gates: tuple[Gate, ...] = ()
    outcome: Outcome | None = None

    @property
    def id(self) -> str:
        return self.pack.id

    @model_validator(mode="after")
    def _unique_gates(self) -> Self:
        ids = [gate.id for gate in self.gates]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"gate ids must be unique; repeated: {', '.join(duplicates)}")
        return self
