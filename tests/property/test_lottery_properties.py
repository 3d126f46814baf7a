"""Properties of the selection algorithms on small random instances.

The properties are those of Flanigan et al., "Fair algorithms for selecting citizens'
assemblies" (Nature 596, 2021): every panel in the support is valid, the marginals are
the reported probabilities, and the leximin minimum is the maximin optimum; and of
Flanigan, Kehne, Procaccia, "Fair Sortition Made Transparent" (NeurIPS 2021): the
rounded lottery stays within the rounding bound.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calexit.commission.lottery import (
    InfeasibleQuotasError,
    diagnose,
    find_distribution,
    max_deviation,
    round_lottery,
    rounding_bound,
)
from calexit.commission.lottery.panels import find_panel
from calexit.commission.model import Instance, Person, Quota

FEATURES = {"a": ("a0", "a1", "a2"), "b": ("b0", "b1")}


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    size = draw(st.integers(4, 14))
    people = []
    for i in range(size):
        features = {f: draw(st.sampled_from(values)) for f, values in FEATURES.items()}
        household = draw(st.sampled_from([None, None, None, "h0", "h1"]))
        people.append(Person(f"p{i:02d}", features, household))
    panel = draw(st.integers(1, min(5, size)))
    quotas = []
    for feature, values in FEATURES.items():
        for value in values:
            low = draw(st.integers(0, min(2, panel)))
            high = draw(st.integers(low, panel))
            quotas.append(Quota(feature, value, low, high))
    return Instance(tuple(people), tuple(quotas), panel)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(instances())
def test_support_is_valid_and_marginals_add_up(instance: Instance) -> None:
    for algorithm in ("leximin", "maximin"):
        try:
            distribution = find_distribution(instance, algorithm)
        except InfeasibleQuotasError:
            assert find_panel(instance) is None
            return
        assert abs(sum(distribution.weights) - 1.0) < 1e-9
        for chosen in distribution.panels:
            assert instance.violations(chosen) == []
        probabilities = distribution.probabilities()
        assert set(probabilities) == {p.id for p in instance.people}
        assert abs(sum(probabilities.values()) - instance.panel_size) < 1e-6


@SETTINGS
@given(instances())
def test_leximin_minimum_is_never_below_maximin(instance: Instance) -> None:
    if find_panel(instance) is None:
        return
    leximin = find_distribution(instance, "leximin").probabilities()
    maximin = find_distribution(instance, "maximin").probabilities()
    assert min(leximin.values()) >= min(maximin.values()) - 1e-7
    # leximin is also the better vector in the leximin order, up to tolerance
    for a, b in zip(sorted(leximin.values()), sorted(maximin.values()), strict=True):
        if abs(a - b) > 1e-6:
            assert a > b
            break


@SETTINGS
@given(instances(), st.integers(1, 300), st.integers(0, 3))
def test_rounded_lottery_stays_within_the_bound(instance: Instance, m: int, seed: int) -> None:
    if find_panel(instance) is None:
        return
    distribution = find_distribution(instance, "leximin")
    lottery = round_lottery(instance, distribution, m, seed=seed)
    assert lottery.m == m
    assert max_deviation(distribution, lottery) < rounding_bound(instance, m)
    for chosen in set(lottery.panels):
        assert instance.violations(chosen) == []


@SETTINGS
@given(instances(), st.data())
def test_diagnosis_proposes_a_feasible_relaxation_within_limits(
    instance: Instance, data: st.DataObject
) -> None:
    if find_panel(instance) is not None:
        assert diagnose(instance).feasible
        return
    keys = [q.key for q in instance.quotas]
    limits = {key: data.draw(st.integers(0, 2)) for key in keys if data.draw(st.booleans())}
    diagnosis = diagnose(instance, limits)
    if diagnosis.reason:
        assert find_panel(Instance(instance.people, (), instance.panel_size)) is None
        return
    assert find_panel(Instance(instance.people, diagnosis.conflict, instance.panel_size)) is None
    if diagnosis.proposal is None:
        return
    relaxed = Instance(instance.people, diagnosis.proposal, instance.panel_size)
    assert find_panel(relaxed) is not None
    for old, new in zip(instance.quotas, diagnosis.proposal, strict=True):
        assert new.min <= old.min and new.max >= old.max
        limit = limits.get(old.key)
        if limit is not None:
            assert old.min - new.min <= limit and new.max - old.max <= limit
    assert diagnosis.total == sum(
        (o.min - n.min) + (n.max - o.max)
        for o, n in zip(instance.quotas, diagnosis.proposal, strict=True)
    )
    # smallest: no proposal with a smaller total exists among single-seat moves of the
    # conflicting quotas when the total is 1 (cheap spot check)
    if diagnosis.total > 1:
        for quota, (dlow, dhigh) in itertools.product(diagnosis.conflict, [(1, 0), (0, 1)]):
            if limits.get(quota.key, 9) < 1:
                continue
            moved = tuple(
                Quota(q.feature, q.value, max(0, q.min - dlow), q.max + dhigh) if q is quota else q
                for q in instance.quotas
            )
            assert find_panel(Instance(instance.people, moved, instance.panel_size)) is None
