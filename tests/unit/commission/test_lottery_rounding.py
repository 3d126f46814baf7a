"""The transparent rounding to m equally likely panels.

Reference: Flanigan, Kehne, Procaccia, "Fair Sortition Made Transparent", NeurIPS 2021:
a distribution over panels is rounded to an m-uniform lottery by Beck–Fiala style
dependent rounding; every selection probability moves by at most about k/m.
"""

from __future__ import annotations

import pytest

from calexit.commission.lottery import (
    find_distribution,
    gini,
    max_deviation,
    round_lottery,
    rounding_bound,
)
from calexit.commission.lottery.instances import alternate, synthetic


@pytest.mark.parametrize("m", [1000, 37])
def test_rounding_stays_within_the_bound(m: int) -> None:
    instance = synthetic(90, 10, 3, seed=5, households=0.2)
    distribution = find_distribution(instance, "leximin")
    lottery = round_lottery(instance, distribution, m)
    assert lottery.m == m
    assert max_deviation(distribution, lottery) < rounding_bound(instance, m)
    for chosen in set(lottery.panels):
        assert instance.violations(chosen) == []


def test_rounding_is_deterministic_in_its_seed() -> None:
    instance = synthetic(60, 8, 3, seed=9)
    distribution = find_distribution(instance, "leximin")
    assert round_lottery(instance, distribution, 50, seed=1) == round_lottery(
        instance, distribution, 50, seed=1
    )


def test_rounding_an_empirical_legacy_distribution() -> None:
    # Members of a group have different empirical probabilities: the person-level
    # rounding path, whose bound is k/m.
    instance = alternate(40, 4)
    distribution = find_distribution(instance, "legacy", runs=300, seed=2)
    lottery = round_lottery(instance, distribution, 100)
    assert lottery.m == 100
    assert max_deviation(distribution, lottery) < instance.panel_size / 100


def test_alternate_rounds_exactly() -> None:
    # 10% for all 200 people is 100 of 1000 panels each: the rounding loses nothing.
    instance = alternate(200, 20)
    lottery = round_lottery(instance, find_distribution(instance, "leximin"), 1000)
    assert all(p == pytest.approx(0.1, abs=1e-12) for p in lottery.probabilities().values())


def test_gini_of_known_vectors() -> None:
    assert gini([0.1] * 10) == pytest.approx(0.0)
    assert gini([0.0, 0.0, 0.0, 1.0]) == pytest.approx(0.75)
    assert gini([]) == 0.0


def test_gini_of_equal_probabilities_with_rounding_noise_is_not_negative() -> None:
    # 0.1 computed three ways, as a solver leaves it: the raw formula gives about -1e-17
    noisy = [0.1, 0.30000000000000004 - 0.2, 1.0 - 0.9] * 700
    assert gini(noisy) >= 0.0
    assert gini(noisy) == pytest.approx(0.0, abs=1e-12)
