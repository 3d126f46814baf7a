"""Planning the raw signatures to file: the random sample's chance to clear 110 percent.

Requirement: 546,651 valid signatures (Cal. Const. art. II, sec. 8(b), calexit-2028 pack);
eligible on the random sample above 110 percent of it (Elections Code 9030(f)); each
county samples max(500, 3%) of its signatures (9030(d)), projected per 2 CCR 20530-20532.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from numpy.typing import NDArray

from calexit.petition.plan import Plan, plan_raw_signatures, qualify_probability
from calexit.reference.datasets import counties
from calexit.rules.load import builtin_pack
from calexit.rules.model import Petition


def _petition() -> Petition:
    rules = builtin_pack("calexit-2028").rules.petition
    assert rules is not None
    return rules


RULES = _petition()
REQUIRED = 546_651  # Cal. Const. art. II, sec. 8(b): 5% of 10,933,018
QUALIFY_LINE = math.floor(REQUIRED * 11 / 10) + 1  # Elections Code 9030(f): above 110%


def weights() -> NDArray[np.float64]:
    return np.array([c.registered_voters for c in counties()], dtype=float)


@cache
def plan(validity: float, duplicates: float, seed: int = 2028) -> Plan:
    return plan_raw_signatures(
        RULES, weights(), validity=validity, duplicates=duplicates, seed=seed
    )


def test_the_pack_requires_546_651() -> None:
    assert RULES.required_signatures.value == REQUIRED
    assert QUALIFY_LINE == 601_317


def test_raw_needed_is_a_plausible_multiple_of_the_requirement() -> None:
    result = plan(0.70, 0.01)
    assert result.target == REQUIRED
    assert (result.validity, result.duplicates, result.confidence) == (0.70, 0.01, 0.95)
    assert 1.4 * REQUIRED <= result.raw_needed <= 2.0 * REQUIRED
    # At least the qualify line divided by the validity: nothing less can clear 110%.
    assert result.raw_needed >= QUALIFY_LINE / 0.70


def test_raw_needed_is_the_first_point_reaching_the_confidence() -> None:
    result = plan(0.70, 0.01)
    by_total = {p.raw_total: p for p in result.points}
    assert by_total[result.raw_needed].probability >= result.confidence
    below = [p for p in result.points if p.raw_total < result.raw_needed]
    assert below, "the search evaluated no total below the answer"
    assert all(p.probability < result.confidence for p in below)
    # The bisection stops within 1,000 signatures of the last total that fell short.
    assert result.raw_needed - max(p.raw_total for p in below) <= 1_000


def test_points_are_sorted_unique_and_probabilities() -> None:
    result = plan(0.70, 0.01)
    totals = [p.raw_total for p in result.points]
    assert totals == sorted(set(totals))
    assert all(0.0 <= p.probability <= 1.0 for p in result.points)
    assert all(p.median_projection >= 0 for p in result.points)


def test_lower_validity_needs_more_signatures() -> None:
    assert plan(0.65, 0.01).raw_needed > plan(0.70, 0.01).raw_needed > plan(0.75, 0.01).raw_needed


def test_more_duplicates_need_more_signatures() -> None:
    # Each duplicate found in the sample costs B = A x (A - 1) projected signatures (20531).
    assert plan(0.70, 0.03).raw_needed > plan(0.70, 0.01).raw_needed > plan(0.70, 0.0).raw_needed


def test_same_seed_same_plan() -> None:
    first = plan_raw_signatures(RULES, weights(), validity=0.7, duplicates=0.01, seed=7)
    again = plan_raw_signatures(RULES, weights(), validity=0.7, duplicates=0.01, seed=7)
    assert first == again


def test_weights_need_not_be_normalised() -> None:
    scaled = plan_raw_signatures(RULES, weights() / 1_000, validity=0.7, duplicates=0.01, seed=2028)
    assert scaled == plan(0.70, 0.01)


@pytest.mark.parametrize(
    ("validity", "duplicates", "confidence"),
    [
        (0.0, 0.01, 0.95),
        (1.5, 0.01, 0.95),
        (-0.2, 0.01, 0.95),
        (0.7, 1.0, 0.95),
        (0.7, -0.01, 0.95),
        (0.7, 0.01, 1.0),
        (0.7, 0.01, 0.0),
    ],
)
def test_bad_options_raise_value_error(
    validity: float, duplicates: float, confidence: float
) -> None:
    with pytest.raises(ValueError, match="validity in"):
        plan_raw_signatures(
            RULES, weights(), validity=validity, duplicates=duplicates, confidence=confidence
        )


def test_probability_rises_with_the_raw_total() -> None:
    result = plan(0.70, 0.01)
    chances = [p.probability for p in result.points]
    assert chances == sorted(chances)
    assert chances[0] < 0.5 < chances[-1]
    medians = [p.median_projection for p in result.points]
    assert medians == sorted(medians)


def test_qualify_probability_on_a_fixed_grid() -> None:
    shares = weights() / weights().sum()
    points = [
        qualify_probability(
            total, shares, RULES, 0.7, 0.01, 500, np.random.Generator(np.random.PCG64(1))
        )
        for total in range(800_000, 960_001, 20_000)
    ]
    chances = [p.probability for p in points]
    assert chances == sorted(chances)
    assert chances[0] == 0.0  # 800,000 x 70% = 560,000, far below the 601,317 line
    assert chances[-1] == 1.0
    assert [p.raw_total for p in points] == list(range(800_000, 960_001, 20_000))


def test_median_projection_follows_validity() -> None:
    # With no duplicates the projection is close to validity x raw (2 CCR 20530).
    shares = weights() / weights().sum()
    point = qualify_probability(
        1_000_000, shares, RULES, 0.7, 0.0, 500, np.random.Generator(np.random.PCG64(3))
    )
    assert abs(point.median_projection - 700_000) < 5_000
