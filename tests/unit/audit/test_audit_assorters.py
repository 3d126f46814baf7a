"""Assorters for the measure (Stark 2020, "SHANGRLA", sec. 2.3) and ballot codes.

The defining property of an assorter: its mean over the cards exceeds 1/2 exactly when the
assertion it encodes holds, with every phantom card counted the way least favourable to it
(Banuelos and Stark 2012). It is checked here exhaustively on small tallies against exact
rational arithmetic.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest

from calexit.vote.audit import (
    Assorter,
    Tally,
    VoteCode,
    as_codes,
    participation_assorter,
    participation_failure_assorter,
    participation_threshold,
    supermajority_assorter,
    supermajority_failure_assorter,
)

TALLIES = [
    Tally(yes=y, no=n, other=o, phantom=p)
    for y, n, o, p in itertools.product(range(0, 13, 2), range(0, 13, 3), (0, 1, 5), (0, 2))
    if y + n + o + p > 0
]


def test_codes_are_int8_and_checked() -> None:
    codes = as_codes([VoteCode.NO, VoteCode.YES, VoteCode.OTHER, VoteCode.PHANTOM])
    assert codes.dtype == np.int8
    assert codes.tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="vote codes"):
        as_codes([0, 4])
    with pytest.raises(TypeError):
        as_codes([0.5])


def test_tally_counts_and_invariants() -> None:
    tally = Tally(yes=5, no=3, other=2, phantom=1)
    assert tally.cards == 11
    assert tally.valid == 8
    assert tally.counts()[VoteCode.YES] == 5
    assert Tally.from_codes(tally.codes()) == tally
    assert Tally.from_shares(1000, 0.58, 0.40) == Tally(yes=580, no=400, other=20)
    with pytest.raises(ValueError, match="negative"):
        Tally(yes=-1, no=2)
    with pytest.raises(ValueError, match="at least one card"):
        Tally(yes=0, no=0)
    with pytest.raises(TypeError):
        Tally(yes=1.5, no=2)  # type: ignore[arg-type]


def test_supermajority_values() -> None:
    a = supermajority_assorter(0.55)
    u = 1 / 1.1
    assert a.upper_bound == pytest.approx(u, rel=1e-15)
    codes = [VoteCode.YES, VoteCode.NO, VoteCode.OTHER, VoteCode.PHANTOM]
    np.testing.assert_array_equal(a.assort(codes), [u, 0.0, 0.5, 0.0])
    # 2-D blocks of codes are assorted element by element
    assert a.assort(np.array([[1, 0], [2, 3]], dtype=np.int8)).shape == (2, 2)


def _exact(x: float) -> Fraction:
    return Fraction(x).limit_denominator(1000)


@pytest.mark.parametrize("f", [0.5, 0.55, 2 / 3, 0.3])
def test_supermajority_mean_above_half_iff_yes_share_above_f(f: float) -> None:
    """Yes / (Yes + No) > f, a phantom counted as a No."""
    a = supermajority_assorter(f)
    for tally in TALLIES:
        if tally.valid + tally.phantom == 0:
            assert not a.holds(tally)
            continue
        share = Fraction(tally.yes, tally.valid + tally.phantom)
        if share == _exact(f):
            assert abs(a.margin(tally)) < 1e-12
        else:
            assert a.holds(tally) == (share > _exact(f)), tally


@pytest.mark.parametrize("f", [0.5, 0.55, 2 / 3])
def test_failure_assertion_is_the_no_share_above_one_minus_f(f: float) -> None:
    """No / (Yes + No) > 1 - f, a phantom counted as a Yes."""
    a = supermajority_failure_assorter(f)
    assert a.upper_bound == pytest.approx(1 / (2 * (1 - f)))
    for tally in TALLIES:
        if tally.valid + tally.phantom == 0:
            continue
        no_share = Fraction(tally.no, tally.valid + tally.phantom)
        if no_share != 1 - _exact(f):
            assert a.holds(tally) == (no_share > 1 - _exact(f)), tally


def test_a_tie_confirms_neither_outcome() -> None:
    tally = Tally(yes=55, no=45, other=7)
    assert not supermajority_assorter(0.55).holds(tally)
    assert not supermajority_failure_assorter(0.55).holds(tally)


@pytest.mark.parametrize("t", [0.3, 0.5, 0.8])
def test_participation_mean_above_half_iff_valid_share_above_t(t: float) -> None:
    """Valid votes / N > t (a phantom is no vote); for the failure, a phantom is a vote."""
    a = participation_assorter(t)
    b = participation_failure_assorter(t)
    for tally in TALLIES:
        share = Fraction(tally.valid, tally.cards)
        if share != _exact(t):
            assert a.holds(tally) == (share > _exact(t)), tally
        no_vote = Fraction(tally.other, tally.cards)
        if no_vote != 1 - _exact(t):
            assert b.holds(tally) == (no_vote > 1 - _exact(t)), tally


def test_phantoms_count_against_every_assertion() -> None:
    """Banuelos and Stark (2012): a missing card is given the least favourable value, 0."""
    for a in (
        supermajority_assorter(0.55),
        supermajority_failure_assorter(0.55),
        participation_assorter(0.5),
        participation_failure_assorter(0.5),
    ):
        assert a.assort([VoteCode.PHANTOM])[0] == 0.0


def test_participation_threshold() -> None:
    # 50% of 22,000,000 registered voters, 16,000,000 cards in the manifest
    t = participation_threshold(22_000_000, 0.5, 16_000_000)
    assert t == pytest.approx(0.6875)
    assert participation_assorter(t).upper_bound == pytest.approx(1 / 1.375)
    too_high = participation_threshold(22_000_000, 0.5, 10_000_000)
    with pytest.raises(ValueError, match="strictly between"):
        participation_assorter(too_high)


def test_assorter_invariants() -> None:
    with pytest.raises(ValueError, match=r"\[0, u"):
        Assorter("bad", (0.0, 2.0, 0.5, 0.0), 1.0)
    with pytest.raises(ValueError, match="positive"):
        Assorter("bad", (0.0, 0.0, 0.0, 0.0), 0.0)
    with pytest.raises(ValueError, match="strictly between"):
        supermajority_assorter(1.0)
