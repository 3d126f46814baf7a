"""Properties of the canvass: county order never matters; margins mean what they say."""

from __future__ import annotations

from fractions import Fraction
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from calexit.rules.load import builtin_pack
from calexit.rules.model import Comparison, Quantity, Threshold
from calexit.vote.canvass import ConditionResult, canvass
from calexit.vote.returns import (
    Counts,
    CountyReturn,
    Returns,
    check_returns,
    drafts_from_csv,
    returns_csv,
)

PACKS = ("calexit-2028", "calexit-now-2026")
NAMES = ("Alpine", "Modoc", "Sierra", "Trinity", "Mono", "Plumas", "Lassen", "Inyo")


@st.composite
def counts(draw: st.DrawFn) -> Counts:
    registered = draw(st.integers(0, 10**7))
    cast = draw(st.integers(0, registered))
    yes = draw(st.integers(0, cast))
    no = draw(st.integers(0, cast - yes))
    under = draw(st.integers(0, cast - yes - no))
    over = draw(st.integers(0, cast - yes - no - under))
    return Counts(registered, cast, yes, no, under, over)


@st.composite
def returns(draw: st.DrawFn) -> Returns:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, unique=True))
    return Returns(tuple(CountyReturn(name, draw(counts())) for name in names))


@given(returns(), st.randoms(use_true_random=False), st.sampled_from(PACKS))
def test_county_order_does_not_change_the_canvass(
    original: Returns, rng: Random, pack: str
) -> None:
    passage = builtin_pack(pack).rules.passage
    assert passage is not None
    rows = list(original.counties)
    rng.shuffle(rows)
    assert canvass(Returns(tuple(rows)), passage) == canvass(original, passage)


@given(returns(), st.permutations(range(len(NAMES))))
def test_shuffled_csv_rows_give_the_same_canvass(original: Returns, order: list[int]) -> None:
    passage = builtin_pack("calexit-2028").rules.passage
    assert passage is not None
    header, *lines = returns_csv(original).splitlines()
    shuffled = [lines[i] for i in order if i < len(lines)]
    names = tuple(r.county for r in original.counties)
    read = check_returns(drafts_from_csv("\n".join([header, *shuffled]), "r.csv"), names, "r.csv")
    assert canvass(read, passage) == canvass(original, passage)


thresholds = st.builds(
    lambda n, d, comparison: Threshold(
        min=Fraction(n, d),
        comparison=comparison,
        numerator=Quantity.YES_VOTES,
        denominator=Quantity.YES_PLUS_NO,
        source="property",
    ),
    st.integers(0, 100),
    st.just(100),
    st.sampled_from(list(Comparison)),
)


@given(thresholds, st.integers(1, 10**6), st.data())
def test_margin_and_to_flip_mean_what_they_say(
    rule: Threshold, denominator: int, data: st.DataObject
) -> None:
    numerator = data.draw(st.integers(0, denominator))
    result = ConditionResult("approval", rule, numerator, denominator)
    assert result.margin is not None and result.needed is not None and result.to_flip
    assert result.passed == (result.margin >= 0)
    # ``needed`` is the smallest numerator that passes with the same denominator.
    assert rule.passes(result.needed, denominator)
    assert not rule.passes(result.needed - 1, denominator)
    # Moving ``to_flip`` units (yes <-> no switches) changes the outcome; one fewer does not.
    step = -result.to_flip if result.passed else result.to_flip
    assert rule.passes(numerator + step, denominator) != result.passed
    nearly = step + (1 if step < 0 else -1)
    assert rule.passes(numerator + nearly, denominator) == result.passed
