"""Leximin through the LP relaxation and the face walk, against column generation.

The leximin probabilities are unique (Flanigan et al., Nature 596, 2021, Methods), so the
two exact routes in :mod:`calexit.commission.lottery.leximin` must agree wherever the
relaxation route succeeds; where the relaxation's leximin is no mixture of valid panels,
the column generation must take over.
"""

from __future__ import annotations

import numpy as np
import pytest

from calexit.commission.lottery.decomposition import decompose
from calexit.commission.lottery.groups import group_people
from calexit.commission.lottery.instances import synthetic
from calexit.commission.lottery.leximin import column_generation, leximin_optimum
from calexit.commission.lottery.panels import PanelFinder
from calexit.commission.lottery.relaxation import relaxed_leximin
from calexit.commission.model import Instance, Person, Quota


def triangle() -> Instance:
    """Panel of 2 from people a, b, c, d where any two of a, b, c share a value allowed
    once. Every valid panel is d with one of a, b, c, so the leximin gives a, b and c one
    third each and d certainty; the relaxation would give everyone one half (the pairwise
    limits allow a = b = c = d = 1/2), which no mixture of panels reaches."""
    pairs = {"a": ("ab", "ac"), "b": ("ab", "bc"), "c": ("ac", "bc"), "d": ()}
    people = tuple(
        Person(pid, {f: ("yes" if f in mine else "no") for f in ("ab", "ac", "bc")})
        for pid, mine in pairs.items()
    )
    quotas = tuple(
        Quota(f, value, 0, top)
        for f in ("ab", "ac", "bc")
        for value, top in (("yes", 1), ("no", 2))
    )
    return Instance(people=people, quotas=quotas, panel_size=2)


@pytest.mark.parametrize(
    ("pool", "panel", "categories", "seed", "households", "route"),
    [
        (250, 20, 6, 1, 0.0, 1),  # the walk writes the relaxation's leximin as panels
        (60, 8, 3, 1, 0.0, 1),
        (120, 12, 4, 2, 0.0, 2),  # the walk stops early; column generation reaches it
        (90, 10, 4, 1, 0.4, 2),
    ],
)
def test_relaxation_routes_equal_stage_by_stage_column_generation(
    pool: int, panel: int, categories: int, seed: int, households: float, route: int
) -> None:
    instance = synthetic(pool, panel, categories, seed=seed, households=households)
    finder = PanelFinder(instance, group_people(instance))
    fast = leximin_optimum(instance)
    slow = column_generation(None, 0, finder)
    assert (fast.stats["route"], slow.stats["route"]) == (route, 3)
    assert np.allclose(fast.probabilities, slow.probabilities, atol=1e-7)
    assert sum(fast.weights) == pytest.approx(1.0, abs=1e-9)
    assert min(fast.weights) >= 0
    for composition in fast.compositions:
        assert finder.check(composition) == []


def test_face_walk_writes_the_relaxed_leximin_as_panels() -> None:
    instance = synthetic(250, 20, 6, seed=1)
    finder = PanelFinder(instance, group_people(instance))
    constraints = finder.constraints()
    relaxed = relaxed_leximin(constraints)
    assert relaxed is not None
    walk = decompose(constraints, relaxed.counts)
    assert walk.complete
    average = np.asarray(walk.weights) @ np.asarray(walk.compositions, dtype=np.float64)
    assert np.abs(average - relaxed.counts).max() < 1e-7
    assert min(walk.weights) > 0
    # at most one step per group and one to finish (Caratheodory)
    assert len(walk.compositions) <= len(finder.groups) + 1


def test_a_relaxation_no_panel_mixture_reaches_falls_back_to_stage_by_stage() -> None:
    instance = triangle()
    finder = PanelFinder(instance, group_people(instance))
    constraints = finder.constraints()
    relaxed = relaxed_leximin(constraints)
    assert relaxed is not None
    assert np.allclose(relaxed.counts / constraints.sizes, 0.5)
    assert not decompose(constraints, relaxed.counts).complete
    optimum = leximin_optimum(instance)
    by_member = {
        g.members[0]: p for g, p in zip(optimum.groups, optimum.probabilities, strict=True)
    }
    assert by_member == pytest.approx({"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 1.0}, abs=1e-7)
    assert optimum.stats["route"] == 3


def test_an_empty_relaxation_is_reported() -> None:
    instance = triangle()
    impossible = Instance(
        people=instance.people,
        quotas=(*instance.quotas[:1], Quota("ab", "no", 3, 3)),
        panel_size=2,
    )
    finder = PanelFinder(impossible, group_people(impossible))
    assert relaxed_leximin(finder.constraints()) is None
    with pytest.raises(ValueError, match="no valid panel"):
        leximin_optimum(impossible)


def test_quotas_only_the_relaxation_meets_are_reported() -> None:
    # Each pair of a, b, c exactly once: a = b = c = d = 1/2 meets that in the relaxation,
    # but whole people cannot (the three pair counts would sum to an odd 3 = 2(a + b + c)).
    instance = triangle()
    exact = Instance(
        people=instance.people,
        quotas=tuple(
            Quota(q.feature, q.value, 1, 1) if q.value == "yes" else q for q in instance.quotas
        ),
        panel_size=2,
    )
    finder = PanelFinder(exact, group_people(exact))
    assert relaxed_leximin(finder.constraints()) is not None
    with pytest.raises(ValueError, match="no valid panel"):
        leximin_optimum(exact)
