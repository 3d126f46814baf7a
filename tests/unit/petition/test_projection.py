"""2 CCR 20530-20532, step by step, against the regulation's own worked example (2 CCR 20540)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from calexit.errors import InputError
from calexit.petition.projection import Method, project_valid_signatures, statewide_projection


def test_reproduces_the_worked_example_of_2_ccr_20540() -> None:
    # 2 CCR 20540: raw 24,034; sample 722 (3%); 516 valid; 2 duplicates in the sample.
    result = project_valid_signatures(raw=24_034, sample=722, valid=516, duplicates=2)
    assert result.method is Method.RANDOM_SAMPLE
    assert result.p_percent == Decimal("71.47")  # step 1: 516 / 722 = 71.47%
    assert result.uncorrected == 17_178  # step 2: 24,034 x .7147 = 17,177.0990, round up
    assert result.a == Decimal("33.2881")  # step 3: 24,034 / 722
    assert result.b == Decimal("1074.8095")  # step 4: 33.2881 x 32.2881
    assert result.c == 2_150  # step 5: 1,074.8095 x 2 = 2,149.6190, round up
    assert result.projected == 15_028  # step 6: 17,178 - 2,150


def test_percentage_rounds_half_up_to_two_places() -> None:
    # 2 CCR 20530(c): "Compute as a percentage to two decimal places."
    assert project_valid_signatures(100_000, 3_000, 2_000, 0).p_percent == Decimal("66.67")
    assert project_valid_signatures(100_000, 8_000, 1, 0).p_percent == Decimal("0.01")  # 0.0125
    assert project_valid_signatures(100_000, 8_000, 3, 0).p_percent == Decimal("0.04")  # 0.0375


def test_uncorrected_count_rounds_up_even_when_exact_decimals_are_tiny() -> None:
    # 2 CCR 20530(d): "Round up to the nearest whole number."
    result = project_valid_signatures(raw=1_001, sample=500, valid=250, duplicates=0)
    assert result.p_percent == Decimal("50.00")
    assert result.uncorrected == 501  # 500.5 rounds up
    exact = project_valid_signatures(raw=1_000, sample=500, valid=250, duplicates=0)
    assert exact.uncorrected == 500  # a whole number stays as it is


def test_signature_value_and_duplicate_weight_to_four_places() -> None:
    # 2 CCR 20531: A = raw / sample to four places; B = A x (A - 1), four places.
    result = project_valid_signatures(raw=10_007, sample=500, valid=262, duplicates=1)
    assert result.a == Decimal("20.0140")
    assert result.b == Decimal("380.5462")  # 20.014 x 19.014 = 380.546196
    assert result.c == 381
    assert result.projected == 5_244 - 381


def test_no_duplicates_means_no_correction() -> None:
    result = project_valid_signatures(raw=50_000, sample=1_500, valid=1_100, duplicates=0)
    assert result.c == 0
    assert result.projected == result.uncorrected


def test_full_examination_is_exact() -> None:
    # Elections Code 9030(d): 500 or fewer signatures are all examined; nothing is projected.
    result = project_valid_signatures(raw=480, sample=480, valid=333, duplicates=4)
    assert result.method is Method.FULL_EXAMINATION
    assert result.projected == 333


def test_statewide_projection_is_the_sum_of_counties() -> None:
    counties = [
        project_valid_signatures(24_034, 722, 516, 2),
        project_valid_signatures(480, 480, 333, 0),
    ]
    assert statewide_projection(counties) == 15_028 + 333


def test_impossible_counts_are_all_reported() -> None:
    with pytest.raises(InputError) as caught:
        project_valid_signatures(raw=100, sample=700, valid=-1, duplicates=0)
    assert [str(p) for p in caught.value.problems] == [
        "valid: must not be negative (value: '-1')",
        "sample: exceeds the raw count 100 (value: '700')",
    ]
    with pytest.raises(InputError, match="valid plus duplicates exceed the sample of 500"):
        project_valid_signatures(raw=1_000, sample=500, valid=499, duplicates=2)
