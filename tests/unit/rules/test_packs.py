"""The shipped rule packs: the numbers the issues and the law name, each with a citation."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pytest

from calexit.reference.datasets import fact
from calexit.rules.catalog import rule_rows
from calexit.rules.load import builtin_pack, builtin_pack_ids
from calexit.rules.model import Basis, Comparison, Quantity

SHIPPED = (
    "article-v",
    "calexit-2028",
    "calexit-now-2026",
    "quebec-1995",
    "scotland-2014",
    "un-membership",
)


def test_the_shipped_packs() -> None:
    assert builtin_pack_ids() == SHIPPED


@pytest.mark.parametrize("pack_id", SHIPPED)
def test_every_rule_carries_a_citation(pack_id: str) -> None:
    rows = rule_rows(builtin_pack(pack_id).rules)
    assert rows
    for row in rows:
        assert row.source.strip(), row.key
        assert row.basis in {b.value for b in Basis}


def test_calexit_2028_petition_numbers() -> None:
    petition = builtin_pack("calexit-2028").rules.petition
    assert petition is not None
    # Cal. Const. art. II sec. 8(b): 5% of the 10,933,018 votes for Governor in 2022.
    assert petition.gubernatorial_votes.value == 10_933_018
    assert petition.gubernatorial_votes.value == int(fact("governor_2022_total_votes").value or 0)
    assert petition.required_signatures.value == 546_651
    assert petition.required_signatures.value == math.ceil(Fraction(5, 100) * 10_933_018)
    assert petition.circulation_days.value == 180
    assert petition.raw_count_working_days.value == 8
    assert petition.random_sample_working_days.value == 30
    assert petition.full_count_working_days.value == 60
    assert petition.sample_minimum.value == 500
    assert petition.sample_share.value == Fraction(3, 100)
    assert petition.full_check_at_or_below.value == 500
    assert petition.qualify_above.value == Fraction(110, 100)
    assert petition.fail_below.value == Fraction(95, 100)
    assert petition.qualification_days_before_election.value == 131


def test_calexit_2028_vote_and_commission() -> None:
    rules = builtin_pack("calexit-2028").rules
    assert rules.election is not None
    assert rules.passage is not None
    assert rules.commission is not None
    assert rules.measure is not None
    assert rules.election.date.value == date(2028, 11, 7)
    participation = rules.passage.participation
    assert participation is not None
    assert participation.min == Fraction(1, 2)
    assert participation.comparison is Comparison.AT_LEAST
    assert participation.denominator is Quantity.REGISTERED_VOTERS
    approval = rules.passage.approval
    assert approval.min == Fraction(55, 100)
    assert approval.denominator is Quantity.YES_PLUS_NO
    # "At least" lets equality pass: 55 of 100 passes, 54 of 100 does not.
    assert approval.passes(55, 100)
    assert not approval.passes(54, 100)
    assert participation.needed(22_595_659) == 11_297_830
    commission = rules.commission
    assert commission.members
    assert commission.members.value == 20
    assert commission.nominators_min
    assert commission.nominators_min.value == 100
    assert commission.residency_years_min
    assert commission.residency_years_min.value == 5
    assert commission.interim_report_months
    assert commission.interim_report_months.value == 12
    assert commission.final_report_months
    assert commission.final_report_months.value == 24
    assert commission.interim_report_months.basis is Basis.RECOMMENDATION
    assert commission.one_time_cost_usd
    assert commission.one_time_cost_usd.value == 10_000_000
    assert commission.annual_budget_usd
    assert commission.annual_budget_usd.value == 2_000_000
    assert rules.measure.attorney_general_file is not None
    assert rules.measure.attorney_general_file.value == "24-0001A2"
    assert any("flag" in effect.value for effect in rules.measure.effects)


def test_calexit_now_2026_is_a_simple_majority_and_marks_campaign_claims() -> None:
    rules = builtin_pack("calexit-now-2026").rules
    assert rules.election is not None
    assert rules.passage is not None
    assert rules.election.date.value == date(2026, 11, 3)
    assert rules.passage.participation is None
    approval = rules.passage.approval
    assert approval.comparison is Comparison.MORE_THAN
    assert approval.min == Fraction(1, 2)
    assert approval.passes(501, 1000)
    assert not approval.passes(500, 1000)
    (gate,) = rules.gates
    assert gate.id == "congress-majority"
    assert gate.basis is Basis.REPORTED
    assert rules.measure is not None
    assert rules.measure.question.basis is Basis.REPORTED


def test_article_v_thresholds() -> None:
    gates = {g.id: g for g in builtin_pack("article-v").rules.gates}
    assert set(gates) == {"house-proposal", "senate-proposal", "convention-call", "ratification"}
    assert gates["house-proposal"].threshold == Fraction(2, 3)
    assert gates["house-proposal"].of is Quantity.PRESENT_AND_VOTING
    assert gates["ratification"].threshold == Fraction(3, 4)
    assert gates["convention-call"].threshold == Fraction(2, 3)
    assert gates["convention-call"].route == "convention"
    assert gates["ratification"].route == ""


@pytest.mark.parametrize(
    ("pack_id", "yes", "no", "yes_share_percent"),
    [
        # Chief Counting Officer, 19 Sept 2014: Yes 1,617,989, No 2,001,926 (44.7%).
        ("scotland-2014", 1_617_989, 2_001_926, Fraction(4470, 100)),
        # Directeur general des elections du Quebec: Oui 2,308,360, Non 2,362,648 (49.42%).
        ("quebec-1995", 2_308_360, 2_362_648, Fraction(4942, 100)),
    ],
)
def test_comparators_simple_majority_and_outcome(
    pack_id: str, yes: int, no: int, yes_share_percent: Fraction
) -> None:
    rules = builtin_pack(pack_id).rules
    assert rules.passage is not None
    assert rules.outcome is not None
    assert rules.passage.participation is None
    assert rules.passage.approval.comparison is Comparison.MORE_THAN
    assert rules.outcome.yes_votes == yes
    assert rules.outcome.no_votes == no
    share = Fraction(100 * yes, yes + no)
    assert abs(share - yes_share_percent) < Fraction(1, 100)
    assert not rules.passage.approval.passes(yes, yes + no)
    assert rules.gates, "a comparator names who had to consent"


def test_comparison_smallest_passing() -> None:
    assert Comparison.AT_LEAST.smallest_passing(Fraction(2, 3), 435) == 290
    assert Comparison.AT_LEAST.smallest_passing(Fraction(2, 3), 100) == 67
    assert Comparison.AT_LEAST.smallest_passing(Fraction(3, 4), 50) == 38
    assert Comparison.AT_LEAST.smallest_passing(Fraction(1, 2), 100) == 50
    assert Comparison.MORE_THAN.smallest_passing(Fraction(1, 2), 100) == 51
    assert Comparison.MORE_THAN.smallest_passing(Fraction(1, 2), 535) == 268
