"""The audit plan of the plebiscite: which assertions, when it is confirmed, when it escalates."""

from __future__ import annotations

import numpy as np
import pytest

from calexit.rules.load import builtin_pack
from calexit.rules.model import Passage, Quantity
from calexit.vote.audit import Tally, VoteCode
from calexit.vote.canvass import Canvass, canvass
from calexit.vote.returns import Counts, CountyReturn, Returns
from calexit.vote.rla import (
    AuditKind,
    AuditStatus,
    audit_status,
    measure_risks,
    next_round_size,
    plan_audit,
    plan_from_json,
    plan_to_json,
    reported_tally,
)

PASSAGE = builtin_pack("calexit-2028").rules.passage
assert PASSAGE is not None


def _canvass(
    registered: int, ballots: int, yes: int, no: int, passage: Passage = PASSAGE
) -> Canvass:
    counts = Counts(
        registered=registered, ballots_cast=ballots, yes=yes, no=no, undervotes=ballots - yes - no
    )
    return canvass(Returns((CountyReturn("Alameda", counts),)), passage)


def _plan(
    result: Canvass,
    kind: AuditKind = AuditKind.POLLING,
    cards: int | None = None,
    passage: Passage = PASSAGE,
):  # type: ignore[no-untyped-def]
    total = result.statewide.ballots_cast if cards is None else cards
    return plan_audit(result, passage, total, kind, 0.05, np.random.default_rng(7), n_sims=50)


def test_a_reported_pass_needs_the_supermajority_assertion_and_ballot_accounting() -> None:
    result = _canvass(registered=100_000, ballots=60_000, yes=34_000, no=24_000)
    assert result.passed
    plan = _plan(result)
    assert [a.condition for a in plan.assertions] == ["approval"]
    assert plan.assertions[0].claim == "Yes share of valid votes above 55%"
    assert plan.assertions[0].reported_margin > 0
    assert plan.accounting is not None
    assert plan.accounting.needed == 50_000  # at least 50% of 100,000 registered
    assert plan.accounting.holds
    assert plan.needs_all
    assert plan.initial_size() >= 1


def test_a_reported_failure_on_approval_audits_the_complement() -> None:
    result = _canvass(registered=100_000, ballots=60_000, yes=30_000, no=28_000)  # 51.7%
    assert not result.passed
    plan = _plan(result)
    assert [a.claim for a in plan.assertions] == ["No share of valid votes above 45%"]
    assert not plan.needs_all


def test_a_failure_on_turnout_alone_is_shown_by_the_manifest() -> None:
    result = _canvass(registered=100_000, ballots=40_000, yes=30_000, no=9_000)
    assert not result.passed
    plan = _plan(result)
    assert plan.assertions == ()  # approval passed; nothing to sample for
    assert plan.accounting is not None
    assert not plan.accounting.holds
    assert audit_status(plan, {}, drawn=0, rounds=0) is AuditStatus.CONFIRMED


def test_a_manifest_with_too_few_cards_contradicts_a_reported_pass() -> None:
    result = _canvass(registered=100_000, ballots=60_000, yes=34_000, no=24_000)
    plan = _plan(result, cards=49_999)
    assert plan.accounting is not None
    assert not plan.accounting.agrees_with_report
    assert audit_status(plan, {"approval": 0.0}, drawn=100, rounds=1) is AuditStatus.FULL_HAND_COUNT
    tally = reported_tally(result, 49_999)
    assert tally.phantom == 60_000 - 49_999  # reported ballots missing from the manifest


def test_participation_in_votes_on_the_measure_gets_an_assertion() -> None:
    rule = PASSAGE.participation
    assert rule is not None
    passage = PASSAGE.model_copy(
        update={"participation": rule.model_copy(update={"numerator": Quantity.VOTES_ON_MEASURE})}
    )
    result = _canvass(registered=100_000, ballots=70_000, yes=40_000, no=26_000, passage=passage)
    plan = _plan(result, passage=passage)
    assert [a.condition for a in plan.assertions] == ["approval", "participation"]


def _sample(yes: int, no: int, other: int, seed: int) -> np.ndarray:  # type: ignore[type-arg]
    codes = np.array(
        [VoteCode.YES] * yes + [VoteCode.NO] * no + [VoteCode.OTHER] * other, dtype=np.int8
    )
    np.random.default_rng(seed).shuffle(codes)
    return codes


def test_a_polling_sample_like_the_report_confirms_a_clear_win() -> None:
    result = _canvass(registered=1_000_000, ballots=700_000, yes=455_000, no=238_000)  # 65.7%
    plan = _plan(result)
    risks = measure_risks(plan, _sample(650, 340, 10, seed=1))
    assert risks["approval"] <= 0.05
    assert audit_status(plan, risks, drawn=1_000, rounds=1) is AuditStatus.CONFIRMED


def test_a_sample_against_the_report_does_not_confirm_and_escalates() -> None:
    result = _canvass(registered=1_000_000, ballots=700_000, yes=420_000, no=273_000)  # 60.6%
    plan = _plan(result)
    risks = measure_risks(plan, _sample(250, 250, 0, seed=2))
    assert risks["approval"] > 0.05
    assert audit_status(plan, risks, drawn=500, rounds=1) is AuditStatus.IN_PROGRESS
    assert next_round_size(plan, 500) >= 1_000
    assert audit_status(plan, risks, drawn=500, rounds=5) is AuditStatus.FULL_HAND_COUNT
    assert audit_status(plan, risks, drawn=700_000, rounds=2) is AuditStatus.FULL_HAND_COUNT


def test_a_comparison_audit_with_matching_records_confirms_quickly() -> None:
    result = _canvass(registered=1_000_000, ballots=700_000, yes=420_000, no=273_000)
    plan = _plan(result, kind=AuditKind.COMPARISON)
    cvr = _sample(360, 234, 6, seed=3)
    risks = measure_risks(plan, cvr, cvr)
    assert risks["approval"] <= 0.05
    with pytest.raises(ValueError, match="one CVR per manual record"):
        measure_risks(plan, cvr, None)


def test_not_found_cards_count_against_the_outcome() -> None:
    result = _canvass(registered=1_000_000, ballots=700_000, yes=455_000, no=238_000)
    plan = _plan(result)
    found = measure_risks(plan, _sample(100, 50, 0, seed=4))["approval"]
    lost = _sample(100, 50, 0, seed=4)
    lost[lost == VoteCode.YES] = VoteCode.PHANTOM
    assert measure_risks(plan, lost)["approval"] >= found


def test_the_plan_survives_the_store() -> None:
    result = _canvass(registered=100_000, ballots=60_000, yes=34_000, no=24_000)
    plan = _plan(result)
    assert plan_from_json(plan_to_json(plan)) == plan
    assert plan.reported == Tally(yes=34_000, no=24_000, other=2_000)


def test_votes_claimed_on_cards_that_do_not_exist_are_taken_from_the_winner() -> None:
    # 58,000 valid votes reported but only 50,000 cards in the manifest: N = 60,000 reported
    # ballots, 10,000 of them phantoms, and the 8,000 votes too many come off Yes.
    result = _canvass(registered=100_000, ballots=60_000, yes=34_000, no=24_000)
    tally = reported_tally(result, 50_000)
    assert tally == Tally(yes=26_000, no=24_000, other=0, phantom=10_000)
    assert tally.cards == 60_000
