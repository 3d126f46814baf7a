"""Infeasible quotas: the conflicting set, the smallest relaxation and its limits."""

from __future__ import annotations

import pytest

from calexit.commission.lottery import InfeasibleQuotasError, diagnose, find_distribution
from calexit.commission.lottery.panels import find_panel
from calexit.commission.model import Instance, Person, Quota


def _instance(quotas: tuple[Quota, ...], panel: int = 4) -> Instance:
    people = [
        Person(f"p{i}", {"gender": g, "age": a})
        for i, (g, a) in enumerate(
            [
                ("f", "young"),
                ("f", "old"),
                ("m", "young"),
                ("m", "old"),
                ("m", "old"),
                ("f", "young"),
            ]
        )
    ]
    return Instance(tuple(people), quotas, panel)


CROSSED = (
    Quota("gender", "f", 3, 4),  # at least 3 women ...
    Quota("gender", "m", 2, 4),  # ... and at least 2 men on a panel of 4
    Quota("age", "young", 0, 4),
    Quota("age", "old", 0, 4),
)


def test_feasible_quotas_have_an_empty_diagnosis() -> None:
    ok = _instance((Quota("gender", "f", 1, 3), Quota("gender", "m", 1, 3), *CROSSED[2:]))
    diagnosis = diagnose(ok)
    assert diagnosis.feasible
    assert diagnosis.total == 0
    assert diagnosis.lines() == ["the quotas can be met"]


def test_conflict_names_the_quotas_that_cannot_hold_together() -> None:
    diagnosis = diagnose(_instance(CROSSED))
    assert not diagnosis.feasible
    assert {q.key for q in diagnosis.conflict} == {("gender", "f"), ("gender", "m")}
    assert diagnosis.total == 1  # one seat's worth: drop a min by one
    assert diagnosis.proposal is not None
    relaxed = _instance(diagnosis.proposal)
    assert find_panel(relaxed) is not None
    assert len(diagnosis.changes) == 1


def test_limits_steer_the_relaxation() -> None:
    # Women's min may not move: the men's min must drop.
    diagnosis = diagnose(_instance(CROSSED), {("gender", "f"): 0})
    assert diagnosis.proposal is not None
    new = {q.key: q for q in diagnosis.proposal}
    assert new["gender", "f"].min == 3
    assert new["gender", "m"].min == 1
    assert find_panel(_instance(diagnosis.proposal)) is not None


def test_no_relaxation_within_limits_is_reported() -> None:
    diagnosis = diagnose(_instance(CROSSED), {("gender", "f"): 0, ("gender", "m"): 0})
    assert diagnosis.proposal is None
    assert any("no relaxation within the allowed limits" in line for line in diagnosis.lines())


def test_too_small_a_pool_is_not_a_quota_problem() -> None:
    diagnosis = diagnose(_instance(CROSSED[2:], panel=7))
    assert diagnosis.reason
    assert diagnosis.proposal is None
    assert diagnosis.conflict == ()


def test_find_distribution_raises_a_diagnosed_error() -> None:
    with pytest.raises(InfeasibleQuotasError) as caught:
        find_distribution(_instance(CROSSED), "leximin", relaxation_limits={("gender", "m"): 0})
    error = caught.value
    lines = error.lines()
    assert lines[0] == "no panel can meet the quotas"
    assert "gender=f [3, 4]" in " ".join(lines)
    assert error.diagnosis.proposal is not None
    assert {q.key: q for q in error.diagnosis.proposal}["gender", "f"].min == 2
