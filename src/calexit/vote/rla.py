"""The risk-limiting audit of the plebiscite: which assertions, how many ballots, when to stop.

The measure counts only if two conditions hold (the pack's ``[passage]``): participation and
approval. A reported PASS is confirmed when every condition is; a reported FAIL when any
failing condition is (Stark 2020, SHANGRLA: an outcome rests on a set of assertions).

* Approval, "Yes at least f of the valid votes": the super-majority assorter (Stark 2020,
  sec. 2.3) tests Yes share > f; for a reported failure, No share > 1 - f. (Exact equality
  at f satisfies neither and cannot be confirmed: it goes to a full hand count.)
* Participation measured in ballots cast: confirmed by ballot accounting, comparing the
  ballot manifest's count of cards with the registration count (no sample can add ballots
  that were never cast). Measured in votes on the measure: the participation assorter.

Risk is measured with ALPHA (Stark 2023) by default: ShrinkTrunc for ballot polling,
the optimal-comparison bet for card-level comparison; the sample is drawn without
replacement, in rounds; a round that does not confirm leads to a larger one, and the last
resort is a full hand count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from calexit.rules.model import Passage, Quantity
from calexit.vote.audit import (
    AlphaMart,
    Assorter,
    Tally,
    comparison_assorter,
    comparison_risk,
    participation_assorter,
    participation_failure_assorter,
    participation_threshold,
    polling_risk,
    simulate_comparison_audits,
    simulate_polling_audits,
    supermajority_assorter,
    supermajority_failure_assorter,
)
from calexit.vote.canvass import Canvass

MAX_ROUNDS = 5
"""Rounds before the audit goes to a full hand count."""


class AuditKind(StrEnum):
    POLLING = "polling"
    COMPARISON = "comparison"


class AuditStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    CONFIRMED = "confirmed"
    FULL_HAND_COUNT = "full-hand-count"


@dataclass(frozen=True)
class AssertionPlan:
    """One assertion to test, with the sample sizes simulation expects it to need."""

    condition: str
    claim: str
    assorter: Assorter
    reported_margin: float
    expected: float
    p90: float


@dataclass(frozen=True)
class BallotAccounting:
    """Participation in ballots cast, checked against the manifest (no sampling needed)."""

    manifest_cards: int
    reported_ballots: int
    registered: int
    needed: int
    holds: bool
    agrees_with_report: bool


@dataclass(frozen=True)
class AuditPlan:
    kind: AuditKind
    risk_limit: float
    reported: Tally
    reported_passes: bool
    assertions: tuple[AssertionPlan, ...]
    accounting: BallotAccounting | None

    @property
    def needs_all(self) -> bool:
        """A pass needs every assertion; a failure needs any one of them."""
        return self.reported_passes

    def initial_size(self) -> int:
        """Cards for round one: the 90th percentile of the assertion that needs most."""
        sizes = [a.p90 for a in self.assertions] or [0.0]
        chosen = max(sizes) if self.needs_all else min(sizes)
        return max(1, min(self.reported.cards, math.ceil(chosen)))


def reported_tally(canvass: Canvass, manifest_cards: int) -> Tally:
    """The population of the audit: N = max(manifest cards, reported ballots) cards.

    Reported ballots the manifest lacks are phantoms: they join the sampling frame and
    count against the outcome when drawn (Stark 2020 sec. 3.4; Banuelos and Stark 2012).
    When the report claims more valid votes than the manifest has cards, the reported
    winning side is reduced by the excess, so the report is never credited with votes on
    cards that do not exist.
    """
    total = canvass.statewide
    yes, no = total.yes, total.no
    excess = max(0, yes + no - manifest_cards)
    if canvass.condition("approval").passed:
        take = min(excess, yes)
        yes, no = yes - take, no - (excess - take)
    else:
        take = min(excess, no)
        no, yes = no - take, yes - (excess - take)
    other = manifest_cards - yes - no
    phantom = max(0, total.ballots_cast - manifest_cards)
    return Tally(yes=yes, no=no, other=other, phantom=phantom)


def _approval_assorter(passage: Passage, passes: bool) -> tuple[str, Assorter]:
    f = float(passage.approval.min)
    if passes:
        return f"Yes share of valid votes above {f:.0%}", supermajority_assorter(f)
    return f"No share of valid votes above {1 - f:.0%}", supermajority_failure_assorter(f)


def _accounting(canvass: Canvass, passage: Passage, manifest_cards: int) -> BallotAccounting:
    rule = passage.participation
    assert rule is not None
    total = canvass.statewide
    needed = rule.needed(total.registered)
    holds = manifest_cards >= needed
    return BallotAccounting(
        manifest_cards,
        total.ballots_cast,
        total.registered,
        needed,
        holds,
        manifest_cards == total.ballots_cast,
    )


def _simulated(
    kind: AuditKind,
    tally: Tally,
    assorter: Assorter,
    risk_limit: float,
    rng: np.random.Generator,
    n_sims: int,
) -> tuple[float, float]:
    if not assorter.holds(tally):
        return float(tally.cards), float(tally.cards)
    if kind is AuditKind.POLLING:
        sizes = simulate_polling_audits(tally, assorter, rng, alpha=risk_limit, n_sims=n_sims)
    else:
        sizes = simulate_comparison_audits(tally, assorter, rng, alpha=risk_limit, n_sims=n_sims)
    return sizes.expected, sizes.p90


def _assertion(
    condition: str, claim: str, assorter: Assorter, plan_input: _PlanInput
) -> AssertionPlan:
    expected, p90 = _simulated(
        plan_input.kind,
        plan_input.tally,
        assorter,
        plan_input.risk_limit,
        plan_input.rng,
        plan_input.n_sims,
    )
    return AssertionPlan(
        condition, claim, assorter, assorter.margin(plan_input.tally), expected, p90
    )


@dataclass(frozen=True)
class _PlanInput:
    kind: AuditKind
    tally: Tally
    risk_limit: float
    rng: np.random.Generator
    n_sims: int


def plan_audit(
    canvass: Canvass,
    passage: Passage,
    manifest_cards: int,
    kind: AuditKind,
    risk_limit: float,
    rng: np.random.Generator,
    *,
    n_sims: int = 200,
) -> AuditPlan:
    """The assertions that together confirm the reported outcome, with sample sizes."""
    if not 0 < risk_limit < 1:
        raise ValueError(f"the risk limit must lie strictly between 0 and 1, got {risk_limit}")
    tally = reported_tally(canvass, manifest_cards)
    given = _PlanInput(kind, tally, risk_limit, rng, n_sims)
    passes = canvass.passed
    approval_passes = canvass.condition("approval").passed
    assertions: list[AssertionPlan] = []
    if passes or not approval_passes:
        claim, assorter = _approval_assorter(passage, approval_passes)
        assertions.append(_assertion("approval", claim, assorter, given))
    accounting = None
    rule = passage.participation
    if rule is not None and rule.numerator is Quantity.BALLOTS_CAST:
        accounting = _accounting(canvass, passage, manifest_cards)
    elif rule is not None:
        t = participation_threshold(canvass.statewide.registered, float(rule.min), tally.cards)
        holds = canvass.condition("participation").passed
        assorter = participation_assorter(t) if holds else participation_failure_assorter(t)
        assertions.append(_assertion("participation", assorter.name, assorter, given))
    return AuditPlan(kind, risk_limit, tally, passes, tuple(assertions), accounting)


def _risk(plan: AuditPlan, assertion: AssertionPlan) -> AlphaMart:
    if plan.kind is AuditKind.POLLING:
        return polling_risk(plan.reported, assertion.assorter)
    return comparison_risk(
        comparison_assorter(assertion.assorter, plan.reported), plan.reported.cards
    )


def measure_risks(
    plan: AuditPlan, mvr: NDArray[np.int8], cvr: NDArray[np.int8] | None = None
) -> dict[str, float]:
    """Each assertion's p-value for the audited cards, in draw order (codes: VoteCode).

    Polling audits use the manual records alone; comparison audits pair each manual
    record with the card's CVR (a missing card's MVR is a phantom)."""
    risks: dict[str, float] = {}
    for assertion in plan.assertions:
        if assertion.reported_margin <= 0:
            risks[assertion.condition] = 1.0
            continue
        if plan.kind is AuditKind.POLLING:
            values = assertion.assorter.assort(mvr)
        else:
            if cvr is None or len(cvr) != len(mvr):
                raise ValueError("a comparison audit needs one CVR per manual record")
            values = comparison_assorter(assertion.assorter, plan.reported).assort(cvr, mvr)
        risks[assertion.condition] = _risk(plan, assertion).measure(values).p_value
    return risks


def audit_status(
    plan: AuditPlan, risks: Mapping[str, float], drawn: int, rounds: int
) -> AuditStatus:
    """Confirmed, continue, or full hand count, after a round is recorded."""
    met = [risks.get(a.condition, 1.0) <= plan.risk_limit for a in plan.assertions]
    accounting = plan.accounting
    if plan.reported_passes:
        if accounting is not None and not accounting.holds:
            return AuditStatus.FULL_HAND_COUNT  # the manifest contradicts the reported turnout
        confirmed = all(met)
    else:
        shown_short = accounting is not None and not accounting.holds
        confirmed = shown_short or any(met)
    if confirmed:
        return AuditStatus.CONFIRMED
    if drawn >= plan.reported.cards or rounds >= MAX_ROUNDS:
        return AuditStatus.FULL_HAND_COUNT
    return AuditStatus.IN_PROGRESS


def next_round_size(plan: AuditPlan, drawn: int) -> int:
    """Cards after the next round: the plan's estimate, at least double what was drawn."""
    return min(plan.reported.cards, max(plan.initial_size(), 2 * drawn))


def plan_to_json(plan: AuditPlan) -> dict[str, object]:
    """Plain values for the store and the audit bundle (floats, ints, strings)."""
    return {
        "kind": plan.kind.value,
        "risk_limit": plan.risk_limit,
        "reported": {
            "yes": plan.reported.yes,
            "no": plan.reported.no,
            "other": plan.reported.other,
            "phantom": plan.reported.phantom,
        },
        "reported_passes": plan.reported_passes,
        "assertions": [
            {
                "condition": a.condition,
                "claim": a.claim,
                "assorter": a.assorter.name,
                "values": list(a.assorter.values),
                "upper_bound": a.assorter.upper_bound,
                "reported_margin": a.reported_margin,
                "expected": a.expected,
                "p90": a.p90,
            }
            for a in plan.assertions
        ],
        "accounting": None if plan.accounting is None else vars(plan.accounting),
    }


def plan_from_json(data: Mapping[str, object]) -> AuditPlan:
    """The plan back from :func:`plan_to_json`."""
    reported = data["reported"]
    assert isinstance(reported, dict)
    rows = data["assertions"]
    assert isinstance(rows, list)
    assertions = tuple(
        AssertionPlan(
            row["condition"],
            row["claim"],
            Assorter(row["assorter"], tuple(row["values"]), row["upper_bound"]),
            row["reported_margin"],
            row["expected"],
            row["p90"],
        )
        for row in rows
    )
    accounting = data["accounting"]
    return AuditPlan(
        AuditKind(str(data["kind"])),
        float(str(data["risk_limit"])),
        Tally(**reported),
        bool(data["reported_passes"]),
        assertions,
        None if accounting is None else BallotAccounting(**accounting),  # type: ignore[arg-type]
    )
