"""Invariants of the petition sample and decision, over many generated cases."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from calexit.petition.projection import project_valid_signatures, statewide_projection
from calexit.petition.qualify import CountyProgress, decide_on_sample, tally_full_count
from calexit.petition.sample import draw_sample, sample_size
from calexit.rules.load import builtin_pack

RULES = builtin_pack("calexit-2028").rules.petition
assert RULES is not None
seeds = st.text(alphabet="0123456789", min_size=20, max_size=20)


@settings(max_examples=60, deadline=None)
@given(raw=st.integers(min_value=0, max_value=40_000), seed=seeds)
def test_sample_is_reproducible_legal_and_never_repeats(raw: int, seed: str) -> None:
    size = sample_size(raw, RULES)
    assert size == (raw if raw <= 500 else max(500, -(-3 * raw // 100)))
    drawn = draw_sample(raw, size, seed, "06001")
    assert drawn == draw_sample(raw, size, seed, "06001")
    assert len(set(drawn)) == len(drawn) == size
    assert all(1 <= p <= raw for p in drawn)


counties = st.lists(
    st.tuples(st.integers(501, 200_000), st.floats(0.0, 1.0), st.integers(0, 3)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(counties=counties, shuffle_seed=st.integers())
def test_decision_does_not_depend_on_county_order(
    counties: list[tuple[int, float, int]], shuffle_seed: int
) -> None:
    projections = []
    for raw, validity, duplicates in counties:
        size = sample_size(raw, RULES)
        valid = min(size - duplicates, int(size * validity))
        projections.append(project_valid_signatures(raw, size, max(valid, 0), duplicates))
    raw_total = sum(p.raw for p in projections)
    before = decide_on_sample(raw_total, max(0, statewide_projection(projections)), RULES)
    random.Random(shuffle_seed).shuffle(projections)
    after = decide_on_sample(raw_total, max(0, statewide_projection(projections)), RULES)
    assert before == after


@settings(max_examples=80, deadline=None)
@given(
    reports=st.lists(
        st.tuples(st.integers(0, 5_000), st.integers(0, 5_000), st.integers(0, 5_000)),
        min_size=1,
        max_size=20,
    ),
    shuffle_seed=st.integers(),
)
def test_full_count_tally_is_order_free(
    reports: list[tuple[int, int, int]], shuffle_seed: int
) -> None:
    progress = [
        CountyProgress(
            f"county {i}", raw=max(a, b, c), examined=sorted((a, b, c))[1], valid=min(a, b, c)
        )
        for i, (a, b, c) in enumerate(reports)
    ]
    first = tally_full_count(progress, RULES)
    random.Random(shuffle_seed).shuffle(progress)
    assert tally_full_count(progress, RULES) == first
