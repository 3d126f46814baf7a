"""Sample sizes (Elections Code 9030(d), 2 CCR 20521) and the public, reproducible draw."""

from __future__ import annotations

import pytest
from consistent_sampler import sampler

from calexit.errors import InputError
from calexit.petition.sample import check_seed, draw_sample, sample_size
from calexit.rules.load import builtin_pack

RULES = builtin_pack("calexit-2028").rules.petition
assert RULES is not None
SEED = "12345678901234567890"


@pytest.mark.parametrize(
    ("raw", "size"),
    [
        (0, 0),
        (1, 1),
        (500, 500),  # 500 or fewer: every signature
        (501, 500),  # more than 500: at least 500 ...
        (16_666, 500),  # 3% = 499.98 -> 500
        (16_667, 501),  # 3% = 500.01 -> 501, "whichever is greater"
        (24_034, 722),  # 2 CCR 20540's example: 3% of 24,034 = 721.02 -> 722
        (1_000_000, 30_000),
    ],
)
def test_sample_size(raw: int, size: int) -> None:
    assert sample_size(raw, RULES) == size


def test_draw_is_reproducible_distinct_and_of_legal_size() -> None:
    first = draw_sample(24_034, 722, SEED, "06001")
    assert first == draw_sample(24_034, 722, SEED, "06001")
    assert len(first) == 722 == len(set(first))
    assert all(1 <= position <= 24_034 for position in first)
    assert first != draw_sample(24_034, 722, SEED, "06003"), "each county draws independently"
    assert first != draw_sample(24_034, 722, "12345678901234567891", "06001")


def test_a_larger_sample_extends_the_smaller_one() -> None:
    assert draw_sample(5_000, 900, SEED, "06037")[:500] == draw_sample(5_000, 500, SEED, "06037")


def test_matches_the_consistent_sampler_given_the_documented_inputs() -> None:
    # Anyone can re-derive the draw: ids "1".."raw", seed "<seed>/<county FIPS>".
    expected = list(
        sampler([str(i) for i in range(1, 2_001)], f"{SEED}/06075", take=600, output="id")
    )
    assert [str(p) for p in draw_sample(2_000, 600, SEED, "06075")] == expected


def test_bad_seed_and_size() -> None:
    with pytest.raises(InputError) as caught:
        check_seed("1234")
    assert str(caught.value.problems[0]) == (
        "seed: expected 20 digits such as 12345678901234567890 (value: '1234')"
    )
    with pytest.raises(InputError, match="a sample must fit"):
        draw_sample(10, 11, SEED, "06001")
