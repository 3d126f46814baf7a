"""The entry point: a distribution over valid panels by the algorithm asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from calexit.commission.lottery.diagnosis import Diagnosis, diagnose
from calexit.commission.lottery.legacy import LegacyFailedError, legacy_distribution
from calexit.commission.lottery.leximin import leximin_optimum
from calexit.commission.lottery.maximin import maximin_optimum
from calexit.commission.lottery.panels import PanelFinder
from calexit.commission.lottery.realise import realise
from calexit.commission.model import Distribution, Instance
from calexit.errors import CalexitError

ALGORITHMS = ("leximin", "maximin", "legacy")
DEFAULT_LEGACY_RUNS = 10_000
"""LEGACY draws behind its empirical distribution."""


class InfeasibleQuotasError(CalexitError):
    """No panel meets the quotas, the panel size and the household rule together."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        self.diagnosis = diagnosis
        super().__init__("; ".join(self.lines()))

    def lines(self) -> list[str]:
        return ["no panel can meet the quotas", *self.diagnosis.lines()]


def find_distribution(
    instance: Instance,
    algorithm: str = "leximin",
    *,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    runs: int = DEFAULT_LEGACY_RUNS,
    relaxation_limits: Mapping[tuple[str, str], int] | None = None,
) -> Distribution:
    """A distribution over valid panels of ``instance`` (panels of person ids, weights
    summing to 1, ``people`` = the whole pool).

    ``seed`` seeds the column-generation start (leximin, maximin; the optimum does not
    depend on it up to solver tolerance) and LEGACY's ``runs`` draws. Raises
    :class:`InfeasibleQuotasError`, diagnosed with ``relaxation_limits``, when no valid
    panel exists."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; one of {', '.join(ALGORITHMS)}")
    people = tuple(p.id for p in instance.people)
    if PanelFinder(instance).any() is None:
        raise InfeasibleQuotasError(diagnose(instance, relaxation_limits))
    if algorithm == "legacy":
        try:
            panels, weights = legacy_distribution(instance, runs, seed, progress)
        except LegacyFailedError as error:  # pragma: no cover - rare: LEGACY keeps dead-ending
            raise RuntimeError(str(error)) from error
        return Distribution("legacy", panels, weights, people)
    optimum = (leximin_optimum if algorithm == "leximin" else maximin_optimum)(
        instance, progress, seed=seed
    )
    panels, weights = realise(optimum.groups, optimum.compositions, optimum.weights)
    return Distribution(algorithm, panels, weights, people)


def gini(probabilities: Sequence[float]) -> float:
    """The Gini coefficient of selection probabilities: 0 when everyone has the same
    chance, approaching 1 when a few people have it all (mean absolute difference over
    twice the mean)."""
    values = sorted(float(p) for p in probabilities)
    n = len(values)
    total = sum(values)
    if n == 0 or total <= 0:
        return 0.0
    weighted = sum((2 * (i + 1) - n - 1) * v for i, v in enumerate(values))
    # never below 0: equal probabilities can leave a rounding error of either sign
    return max(0.0, weighted / (n * total))
