"""The planner's vectorised projection equals the Decimal reference (2 CCR 20530-20532).

:func:`calexit.petition.plan.project_vectorised` re-implements the regulation's steps in
int64 arithmetic (p in hundredths of a percent, A and B in ten-thousandths) so that the
planner can project thousands of simulated petitions at once. It must give exactly the
figure of :func:`calexit.petition.projection.project_valid_signatures`, roundings included.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from calexit.petition.plan import project_vectorised
from calexit.petition.projection import project_valid_signatures
from calexit.petition.sample import sample_size
from calexit.rules.load import builtin_pack
from calexit.rules.model import Petition


def _petition() -> Petition:
    rules = builtin_pack("calexit-2028").rules.petition
    assert rules is not None
    return rules


RULES = _petition()

MAX_RAW = 2_000_000


def vectorised(raw: int, sample: int, valid: int, duplicates: int) -> int:
    arrays = [np.array([v], dtype=np.int64) for v in (raw, sample, valid, duplicates)]
    result = project_vectorised(*arrays)
    assert result.dtype == np.int64
    assert result.shape == (1,)
    return int(result[0])


@st.composite
def counts(draw: st.DrawFn, *, legal_sample: bool) -> tuple[int, int, int, int]:
    """(raw, sample, valid, duplicates) with 1 <= sample <= raw and valid + dup <= sample.

    With ``legal_sample`` the sample is at least the size Elections Code 9030(d) and
    2 CCR 20521 require (every signature up to 500; else max(500, 3%)).
    """
    raw = draw(st.integers(1, MAX_RAW))
    smallest = sample_size(raw, RULES) if legal_sample else 1
    sample = draw(st.integers(smallest, raw))
    valid = draw(st.integers(0, sample))
    duplicates = draw(st.integers(0, sample - valid))
    return raw, sample, valid, duplicates


def test_worked_example_of_2_ccr_20540() -> None:
    # 2 CCR 20540: raw 24,034, sample 722, 516 valid, 2 duplicates -> 15,028 projected.
    assert vectorised(24_034, 722, 516, 2) == 15_028
    assert project_valid_signatures(24_034, 722, 516, 2).projected == 15_028


@settings(max_examples=400, deadline=None)
@given(case=counts(legal_sample=True))
@example(case=(24_034, 722, 516, 2))  # 2 CCR 20540
@example(case=(500, 500, 333, 4))  # 500 or fewer: every signature examined (9030(d))
@example(case=(501, 500, 250, 0))  # the smallest county that is sampled
@example(case=(MAX_RAW, 60_000, 60_000, 0))  # 3% of two million, all valid
@example(case=(MAX_RAW, 60_000, 0, 60_000))  # a sample of nothing but duplicates
def test_equals_the_reference_for_every_legal_sample(case: tuple[int, int, int, int]) -> None:
    assert vectorised(*case) == project_valid_signatures(*case).projected


@settings(max_examples=400, deadline=None)
@given(case=counts(legal_sample=False))
@example(case=(24_034, 722, 516, 2))  # 2 CCR 20540
@example(case=(214_748, 1, 0, 1))  # the largest A (raw / sample) that stays in int64
@example(case=(7, 3, 1, 1))  # A = 2.3333: B rounds at the fourth place
def test_equals_the_reference_around_the_int64_edge(case: tuple[int, int, int, int]) -> None:
    assert vectorised(*case) == project_valid_signatures(*case).projected


@settings(max_examples=400, deadline=None)
@given(case=counts(legal_sample=False))
@example(case=(214_749, 1, 0, 1))
@example(case=(MAX_RAW, 6, 3, 1))
def test_equals_the_reference_for_any_counts(case: tuple[int, int, int, int]) -> None:
    assert vectorised(*case) == project_valid_signatures(*case).projected


def test_arrays_are_projected_element_by_element() -> None:
    cases = [
        (24_034, 722, 516, 2),
        (480, 480, 333, 4),
        (10_007, 500, 262, 1),
        (1_001, 500, 250, 0),
        (100_000, 8_000, 3, 0),
    ]
    columns = [np.array(column, dtype=np.int64) for column in zip(*cases, strict=True)]
    assert project_vectorised(*columns).tolist() == [
        project_valid_signatures(*case).projected for case in cases
    ]
