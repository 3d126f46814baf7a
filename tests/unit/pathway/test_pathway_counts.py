"""Deterministic counts of the road: each gate's head count from the pack's threshold and
the body size counted in states.csv, and the current lean of each body by the shipped data.

U.S. Const. art. V: two thirds of both Houses (290 of 435, 67 of 100 with all voting),
a convention on the application of two thirds of the states (34 of 50), ratification by
three fourths (38 of 50). The test derives each count from the data and the pack, then
checks it against the published figure.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from calexit.pathway.counts import gate_tallies
from calexit.pathway.road import Road, build_road
from calexit.reference.datasets import states
from calexit.reference.records import LegislatureControl
from calexit.rules.load import builtin_pack
from calexit.rules.model import Comparison


def _road(pack_id: str) -> Road:
    pack = builtin_pack(pack_id).rules
    return build_road(pack, tuple(builtin_pack(p).rules for p in pack.pack.road))


US = [s for s in states() if s.is_state]
BODY = {
    "house-proposal": sum(s.house_seats for s in states()),
    "senate-proposal": sum(s.senators_d + s.senators_r for s in states()),
    "convention-call": len(US),
    "ratification": len(US),
}
PUBLISHED = {
    "house-proposal": (290, 435),
    "senate-proposal": (67, 100),
    "convention-call": (34, 50),
    "ratification": (38, 50),
}


@pytest.mark.parametrize("gate_id", sorted(BODY))
def test_article_v_counts_come_from_pack_and_data(gate_id: str) -> None:
    gate = next(g for g in builtin_pack("article-v").rules.gates if g.id == gate_id)
    size = BODY[gate_id]
    expected = gate.comparison.smallest_passing(gate.threshold, size)
    if gate.comparison is Comparison.AT_LEAST:
        assert expected == math.ceil(gate.threshold * size)
    tallies = {t.gate: t for t in gate_tallies(_road("calexit-2028"), states())}
    tally = tallies[f"article-v/{gate_id}"]
    assert (tally.needed, tally.size) == (expected, size)
    assert (tally.needed, tally.size) == PUBLISHED[gate_id]


def test_thresholds_are_read_from_the_pack() -> None:
    gates = {g.id: g.threshold for g in builtin_pack("article-v").rules.gates}
    assert gates["house-proposal"] == Fraction(2, 3)
    assert gates["ratification"] == Fraction(3, 4)


def test_lean_matches_the_shipped_data() -> None:
    tallies = {t.gate: t.lean_map for t in gate_tallies(_road("calexit-2028"), states())}
    senate = tallies["article-v/senate-proposal"]
    assert senate["Democratic caucus"] == sum(s.senators_d for s in US)
    assert senate["Republican"] == sum(s.senators_r for s in US)
    # SOURCES.md: 47 in the Democratic caucus (45 D + 2 I), 53 R.
    assert (senate["Democratic caucus"], senate["Republican"]) == (47, 53)
    legislatures = tallies["article-v/convention-call"]
    assert legislatures["Democratic control"] == sum(
        1 for s in US if s.legislature_control is LegislatureControl.DEMOCRATIC
    )
    # SOURCES.md: 18 D, 27 R, 4 split, 1 nonpartisan (Nebraska).
    assert [legislatures[k] for k in legislatures] == [18, 27, 4, 1]
    ratification = tallies["article-v/ratification"]
    # FEC 2024: Trump won 31 states, Harris 19 (and DC, which does not ratify).
    assert (ratification["won by Harris"], ratification["won by Trump"]) == (19, 31)
    house = tallies["article-v/house-proposal"]
    assert house["seats in states Harris won"] + house["seats in states Trump won"] == 435


def test_campaign_plan_counts_congress_as_one_body() -> None:
    tallies = {t.gate: t for t in gate_tallies(_road("calexit-now-2026"), states())}
    congress = tallies["calexit-now-2026/congress-majority"]
    # seed 003: 'a majority of representatives'; more than half of 435 + 100 = 535 is 268.
    assert (congress.needed, congress.size) == (math.floor(Fraction(535, 2)) + 1, 535)


def test_un_counts_are_listed() -> None:
    tallies = {t.gate: (t.needed, t.size) for t in gate_tallies(_road("calexit-2028"), states())}
    # UN Charter art. 18(2) and 27(3).
    assert tallies["un-membership/general-assembly"] == (129, 193)
    assert tallies["un-membership/security-council"] == (9, 15)
