"""Head counts of the road-after gates: the pack's threshold times the body size from the data.

Each test works the count out from the shipped data AND states the published literal, so
a change to either the data or the pack makes a test fail.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from calexit.reference.bodies import body_size, gate_count
from calexit.reference.datasets import states
from calexit.rules.load import builtin_pack
from calexit.rules.model import Chamber, Comparison, Gate


def _gate(pack_id: str, gate_id: str) -> Gate:
    gates = {g.id: g for g in builtin_pack(pack_id).rules.gates}
    return gates[gate_id]


def _count(pack_id: str, gate_id: str) -> tuple[int, int]:
    counted = gate_count(_gate(pack_id, gate_id))
    assert counted is not None
    return counted.needed, counted.size


HOUSE = sum(s.house_seats for s in states())
SENATE = sum(s.senators_d + s.senators_r for s in states())
US_STATES = sum(1 for s in states() if s.is_state)


def test_body_sizes_from_the_data() -> None:
    # Census 2020 apportionment (435 seats); two senators for each of 50 states.
    assert (HOUSE, SENATE, US_STATES) == (435, 100, 50)
    assert body_size(Chamber.US_HOUSE).size == HOUSE
    assert body_size(Chamber.US_SENATE).size == SENATE
    assert body_size(Chamber.CONGRESS).size == HOUSE + SENATE == 535
    assert body_size(Chamber.STATES).size == US_STATES
    assert body_size(Chamber.STATE_LEGISLATURES).size == US_STATES


def test_article_v_thresholds_are_two_thirds_and_three_quarters() -> None:
    # U.S. Const. art. V.
    assert _gate("article-v", "house-proposal").threshold == Fraction(2, 3)
    assert _gate("article-v", "senate-proposal").threshold == Fraction(2, 3)
    assert _gate("article-v", "convention-call").threshold == Fraction(2, 3)
    assert _gate("article-v", "ratification").threshold == Fraction(3, 4)


def test_house_proposal_needs_290_of_435() -> None:
    assert _count("article-v", "house-proposal") == (math.ceil(Fraction(2, 3) * HOUSE), HOUSE)
    assert _count("article-v", "house-proposal") == (290, 435)


def test_senate_proposal_needs_67_of_100() -> None:
    assert _count("article-v", "senate-proposal") == (math.ceil(Fraction(2, 3) * SENATE), SENATE)
    assert _count("article-v", "senate-proposal") == (67, 100)


def test_convention_call_needs_34_of_50() -> None:
    expected = (math.ceil(Fraction(2, 3) * US_STATES), US_STATES)
    assert _count("article-v", "convention-call") == expected
    assert _count("article-v", "convention-call") == (34, 50)


def test_ratification_needs_38_of_50() -> None:
    expected = (math.ceil(Fraction(3, 4) * US_STATES), US_STATES)
    assert _count("article-v", "ratification") == expected
    assert _count("article-v", "ratification") == (38, 50)


def test_security_council_needs_9_of_15() -> None:
    # UN Charter art. 23(1) (15 members) and art. 27(3) (nine affirmative votes).
    assert _gate("un-membership", "security-council").threshold == Fraction(3, 5)
    assert _count("un-membership", "security-council") == (math.ceil(Fraction(3, 5) * 15), 15)
    assert _count("un-membership", "security-council") == (9, 15)


def test_general_assembly_needs_129_of_193() -> None:
    # UN Charter art. 18(2): two thirds; 193 members since South Sudan (14 July 2011).
    expected = (math.ceil(Fraction(2, 3) * 193), 193)
    assert _count("un-membership", "general-assembly") == expected
    assert _count("un-membership", "general-assembly") == (129, 193)


def test_every_permanent_member_must_concur() -> None:
    # UN Charter art. 23(1): five permanent members; art. 27(3): their concurring votes.
    assert _count("un-membership", "permanent-members") == (5, 5)


def test_count_carries_its_size_source() -> None:
    counted = gate_count(_gate("article-v", "house-proposal"))
    assert counted is not None
    assert "states.csv" in counted.size_source
    assert counted.gate.id == "house-proposal"


@pytest.mark.parametrize("gate_id", ["section-30-order", "uk-parliament-act"])
def test_gate_without_chamber_has_no_count(gate_id: str) -> None:
    gate = _gate("scotland-2014", gate_id)
    assert gate.chamber is None
    assert gate_count(gate) is None


def test_more_than_comparison_needs_one_over_the_line() -> None:
    gate = _gate("article-v", "house-proposal").model_copy(
        update={"threshold": Fraction(1, 2), "comparison": Comparison.MORE_THAN}
    )
    counted = gate_count(gate)
    assert counted is not None
    # more than half of 435 (217.5) is 218; of an even body, e.g. the Senate, 51 of 100
    assert counted.needed == 218
    senate = _gate("article-v", "senate-proposal").model_copy(
        update={"threshold": Fraction(1, 2), "comparison": Comparison.MORE_THAN}
    )
    counted_senate = gate_count(senate)
    assert counted_senate is not None
    assert counted_senate.needed == 51
