"""The 95/110 rule and the full count, with integer arithmetic at every threshold."""

from __future__ import annotations

import pytest

from calexit.errors import InputError
from calexit.petition.qualify import (
    CountyProgress,
    FullCountStatus,
    Outcome,
    decide_on_sample,
    tally_full_count,
)
from calexit.rules.load import builtin_pack
from calexit.rules.model import Petition, Rule

RULES = builtin_pack("calexit-2028").rules.petition
assert RULES is not None


def _with_required(required: int) -> Petition:
    """The pack's rules with a round requirement, so 95% and 110% are whole numbers."""
    assert RULES is not None
    votes = Rule[int](value=required * 20, source="test: 5% of this is the requirement")
    needed = Rule[int](value=required, source="test")
    return RULES.model_copy(update={"gubernatorial_votes": votes, "required_signatures": needed})


def test_lines_for_the_calexit_requirement() -> None:
    # 110% of 546,651 is 601,316.1 and 95% is 519,318.45 (Elections Code 9030, 9031(a)).
    decision = decide_on_sample(raw_total=800_000, projected=601_317, rules=RULES)
    assert decision.qualify_line == 601_317
    assert decision.fail_line == 519_319
    assert decision.outcome is Outcome.ELIGIBLE
    assert decide_on_sample(800_000, 601_316, RULES).outcome is Outcome.FULL_COUNT
    assert decide_on_sample(800_000, 519_319, RULES).outcome is Outcome.FULL_COUNT
    assert decide_on_sample(800_000, 519_318, RULES).outcome is Outcome.FAILED


@pytest.mark.parametrize(
    ("projected", "outcome"),
    [
        (1_101, Outcome.ELIGIBLE),
        (1_100, Outcome.FULL_COUNT),
        (1_000, Outcome.FULL_COUNT),
        (950, Outcome.FULL_COUNT),
        (949, Outcome.FAILED),
    ],
)
def test_exactly_95_and_exactly_110_percent_go_to_a_full_count(
    projected: int, outcome: Outcome
) -> None:
    rules = _with_required(1_000)
    assert decide_on_sample(raw_total=2_000, projected=projected, rules=rules).outcome is outcome


def test_raw_count_below_the_requirement_fails_before_sampling() -> None:
    # Elections Code 9030(b): under 100% on the raw count, no further action.
    decision = decide_on_sample(raw_total=546_650, projected=546_650, rules=RULES)
    assert decision.outcome is Outcome.FAILED_RAW_COUNT
    assert decide_on_sample(546_651, 546_651, RULES).outcome is Outcome.FULL_COUNT


def test_margins_are_signed_distances_to_the_lines() -> None:
    decision = decide_on_sample(800_000, 600_000, RULES)
    assert decision.over_qualify_line == 600_000 - 601_317
    assert decision.over_fail_line == 600_000 - 519_319
    assert decision.percent_of_required > 109


def test_full_count_stops_when_the_requirement_is_reached() -> None:
    rules = _with_required(1_000)
    reports = [
        CountyProgress("Alameda", raw=800, examined=700, valid=600),
        CountyProgress("Alpine", raw=500, examined=450, valid=400),
    ]
    tally = tally_full_count(reports, rules)
    assert tally.status is FullCountStatus.QUALIFIED
    assert tally.valid == 1_000 and tally.unexamined == 150


def test_full_count_stops_when_the_requirement_is_out_of_reach() -> None:
    rules = _with_required(1_000)
    reports = [
        CountyProgress("Alameda", raw=800, examined=790, valid=500),
        CountyProgress("Alpine", raw=500, examined=480, valid=300),
    ]
    tally = tally_full_count(reports, rules)
    assert tally.status is FullCountStatus.FAILED  # 800 valid + 30 unexamined < 1,000
    counting = tally_full_count([CountyProgress("Alameda", 2_000, 10, 9)], rules)
    assert counting.status is FullCountStatus.COUNTING
    assert counting.still_needed == 991


def test_bad_progress_reports() -> None:
    with pytest.raises(InputError, match="impossible full-count report from Alpine"):
        CountyProgress("Alpine", raw=10, examined=11, valid=1)
    with pytest.raises(InputError, match="each county reports once"):
        tally_full_count([CountyProgress("Alpine", 10, 1, 1)] * 2, RULES)
