"""The canvass on small, hand-computed returns: thresholds, equality, margins, outcome.

calexit-2028: participation = ballots cast / registered at least 50%; approval = yes /
(yes + no) at least 55%. calexit-now-2026: approval more than 1/2, nothing else.
margin = numerator - needed, needed = the smallest numerator that passes with the
denominator unchanged; to_flip = margin + 1 when passing, -margin when failing.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from calexit.errors import InputError
from calexit.rules.load import builtin_pack
from calexit.rules.model import Passage, Quantity
from calexit.vote.canvass import COUNTED, Outcome, canvass, percent
from calexit.vote.returns import Counts, CountyReturn, Returns


def passage_of(pack_id: str) -> Passage:
    passage = builtin_pack(pack_id).rules.passage
    assert passage is not None
    return passage


CALEXIT_2028 = passage_of("calexit-2028")
NOW_2026 = passage_of("calexit-now-2026")
SCOTLAND_2014 = passage_of("scotland-2014")


def one(counts: Counts) -> Returns:
    return Returns((CountyReturn("Alpine", counts),))


def test_exactly_55_percent_and_exactly_50_percent_participation_pass() -> None:
    # 500 of 1,000 registered voted: 50.00%; 275 of 500 said yes: 55.00%.
    result = canvass(one(Counts(1000, 500, 275, 225)), CALEXIT_2028)
    participation, approval = result.conditions
    assert (participation.name, approval.name) == ("participation", "approval")
    assert participation.value == Fraction(1, 2)
    assert (participation.needed, participation.margin, participation.passed) == (500, 0, True)
    assert approval.value == Fraction(55, 100)
    assert (approval.needed, approval.margin, approval.passed) == (275, 0, True)
    assert approval.percent == "55.00%"
    assert (participation.to_flip, approval.to_flip) == (1, 1)
    assert result.outcome is Outcome.PASSES


def test_one_yes_vote_switched_to_no_fails() -> None:
    # 274 / 500 = 54.80% < 55%: one short of the 275 needed.
    result = canvass(one(Counts(1000, 500, 274, 226)), CALEXIT_2028)
    approval = result.condition("approval")
    assert (approval.needed, approval.margin, approval.passed, approval.to_flip) == (
        275,
        -1,
        False,
        1,
    )
    assert approval.percent == "54.80%"
    assert result.outcome is Outcome.FAILS


def test_one_yes_vote_fewer_fails() -> None:
    # 274 / 499 = 54.909...%, shown 54.90%; 55% of 499 = 274.45, so 275 are needed.
    approval = canvass(one(Counts(1000, 500, 274, 225, 1)), CALEXIT_2028).condition("approval")
    assert (approval.needed, approval.margin, approval.passed) == (275, -1, False)
    assert approval.percent == "54.90%"


def test_one_ballot_short_of_half_fails_participation_alone() -> None:
    # 499 / 1,000 = 49.90%; approval 275 / 499 = 55.11% passes; the measure fails.
    result = canvass(one(Counts(1000, 499, 275, 224)), CALEXIT_2028)
    participation, approval = result.conditions
    assert (participation.needed, participation.margin, participation.passed) == (500, -1, False)
    assert approval.passed
    assert result.outcome is Outcome.FAILS


def test_odd_roll_rounds_the_half_up() -> None:
    # 50% of 1,001 = 500.5: 501 ballots are needed, 500 are one short.
    assert canvass(one(Counts(1001, 501, 300, 200)), CALEXIT_2028).conditions[0].margin == 0
    assert canvass(one(Counts(1001, 500, 300, 200)), CALEXIT_2028).conditions[0].margin == -1


def test_margins_by_hand() -> None:
    # participation: 130 / 200 = 65%; needed ceil(100) = 100; margin 30; 31 fewer fail.
    # approval: 70 / 120 = 58.33%; needed ceil(66) = 66; margin 4: 4 switches from yes to
    # no leave 66 / 120 = 55% (passes), a 5th leaves 65 / 120 = 54.17% (fails).
    result = canvass(one(Counts(200, 130, 70, 50, 8, 2)), CALEXIT_2028)
    participation, approval = result.conditions
    assert (participation.numerator_count, participation.denominator_count) == (130, 200)
    assert (participation.needed, participation.margin, participation.to_flip) == (100, 30, 31)
    assert participation.percent == "65.00%"
    assert (approval.numerator_count, approval.denominator_count) == (70, 120)
    assert (approval.needed, approval.margin, approval.to_flip) == (66, 4, 5)
    assert approval.percent == "58.33%"
    assert canvass(one(Counts(200, 130, 66, 54, 8, 2)), CALEXIT_2028).passed
    assert not canvass(one(Counts(200, 130, 65, 55, 8, 2)), CALEXIT_2028).passed


def test_failing_margin_counts_the_switches_needed() -> None:
    # 60 / 120 = 50%: 66 needed, margin -6; 6 switches from no to yes give exactly 55%.
    approval = canvass(one(Counts(200, 130, 60, 60)), CALEXIT_2028).condition("approval")
    assert (approval.margin, approval.to_flip) == (-6, 6)
    assert canvass(one(Counts(200, 130, 66, 54)), CALEXIT_2028).condition("approval").passed


def test_simple_majority_pack_has_no_participation_rule() -> None:
    # calexit-now-2026: more than 1/2 of yes + no. A tie fails: floor(60) + 1 = 61 needed.
    tie = canvass(one(Counts(1000, 120, 60, 60)), NOW_2026)
    assert [c.name for c in tie.conditions] == ["approval"]
    approval = tie.conditions[0]
    assert (approval.needed, approval.margin, approval.passed, approval.to_flip) == (
        61,
        -1,
        False,
        1,
    )
    # 12% turnout does not matter; 61 / 120 passes with no vote to spare.
    won = canvass(one(Counts(1000, 120, 61, 59)), NOW_2026)
    assert (won.outcome, won.conditions[0].margin) == (Outcome.PASSES, 0)
    # 121 votes: half is 60.5, so 61 are needed.
    assert canvass(one(Counts(1000, 121, 61, 60)), NOW_2026).conditions[0].needed == 61


def test_valid_votes_are_yes_plus_no() -> None:
    # Scotland 2014: more than 1/2 of valid votes; undervotes and overvotes are not valid.
    approval = canvass(one(Counts(100, 90, 41, 40, 5, 4)), SCOTLAND_2014).conditions[0]
    assert (approval.denominator_count, approval.needed, approval.passed) == (81, 41, True)


def test_an_electorate_rule_counts_registered_voters() -> None:
    # The 1979 Scottish rule, 40% of the electorate: 70 of 200 is 35%; 80 needed.
    passage = Passage.model_validate(
        {
            "approval": {
                "min": "40%",
                "numerator": "yes-votes",
                "denominator": "electorate",
                "source": "Scotland Act 1978, s. 85",
            }
        }
    )
    approval = canvass(one(Counts(200, 130, 70, 50)), passage).conditions[0]
    assert (approval.denominator_count, approval.needed, approval.margin) == (200, 80, -10)


def test_a_quantity_returns_do_not_count_is_refused() -> None:
    passage = Passage.model_validate(
        {
            "approval": {
                "min": "2/3",
                "numerator": "members",
                "denominator": "members-present-and-voting",
                "source": "test",
            }
        }
    )
    with pytest.raises(InputError) as caught:
        canvass(one(Counts(1, 1, 1, 0)), passage)
    assert caught.value.lines() == [
        "the pack's passage rules cannot be applied to county returns (2 problems):",
        "  passage.approval.numerator: county returns do not count members",
        "  passage.approval.denominator: county returns do not count members-present-and-voting",
    ]


def test_every_quantity_a_shipped_vote_pack_names_is_counted() -> None:
    for passage in (CALEXIT_2028, NOW_2026, SCOTLAND_2014):
        for rule in (passage.participation, passage.approval):
            if rule is not None:
                assert {rule.numerator, rule.denominator} <= set(COUNTED)
    assert COUNTED[Quantity.VOTES_ON_MEASURE](Counts(9, 9, 2, 3, 4)) == 5


def test_nobody_voting_on_the_measure_cannot_pass() -> None:
    result = canvass(one(Counts(10, 5, 0, 0, 5)), CALEXIT_2028)
    approval = result.condition("approval")
    assert (approval.value, approval.needed, approval.margin, approval.to_flip) == (
        None,
        None,
        None,
        None,
    )
    assert approval.percent == "n/a"
    assert not approval.passed
    assert result.outcome is Outcome.FAILS


def test_statewide_sums_and_county_table_in_name_order() -> None:
    returns = Returns(
        (
            CountyReturn("Modoc", Counts(200, 130, 70, 50, 8, 2)),
            CountyReturn("Alpine", Counts(1000, 500, 275, 225)),
        )
    )
    result = canvass(returns, CALEXIT_2028)
    assert result.statewide == Counts(1200, 630, 345, 275, 8, 2)
    assert [r.county for r in result.counties] == ["Alpine", "Modoc"]
    # 630 / 1,200 = 52.50%; 345 / 620 = 55.645...% -> 55.64%; ceil(341) = 341 needed.
    participation, approval = result.conditions
    assert (participation.percent, participation.needed, participation.margin) == (
        "52.50%",
        600,
        30,
    )
    assert (approval.percent, approval.needed, approval.margin) == ("55.64%", 341, 4)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(55, 100), "55.00%"),
        (Fraction(2, 3), "66.66%"),
        (Fraction(5_499_999, 10_000_000), "54.99%"),
        (Fraction(1), "100.00%"),
        (Fraction(0), "0.00%"),
        (Fraction(1, 10_000), "0.01%"),
        (None, "n/a"),
    ],
)
def test_percent_is_rounded_down_to_two_decimals(value: Fraction | None, text: str) -> None:
    assert percent(value) == text


def test_the_result_describes_its_rules() -> None:
    result = canvass(one(Counts(1000, 500, 275, 225)), CALEXIT_2028)
    assert [c.describe() for c in result.conditions] == [
        "ballots-cast / registered-voters at-least 50%",
        "yes-votes / yes-plus-no at-least 55%",
    ]
    assert result.conditions[0].rule.numerator is Quantity.BALLOTS_CAST
    with pytest.raises(KeyError):
        result.condition("turnout")
