"""The sensitivity table (tornado): the whole road re-run with one parameter at a time
moved to the low and the high end of its range, with the same seed (common random
numbers), so that the bars show the parameter's effect and not Monte Carlo noise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from calexit.pathway.estimate import Estimate
from calexit.pathway.explain import relevant_parameters
from calexit.pathway.scenario import Scenario
from calexit.pathway.simulate import Inputs, simulate


@dataclass(frozen=True)
class Bar:
    parameter: str
    value: float
    low: float
    high: float
    at_low: Estimate
    at_high: Estimate
    source: str

    @property
    def swing(self) -> float:
        return abs(self.at_high.p - self.at_low.p)


def tornado(
    inputs: Inputs,
    scenario: Scenario,
    *,
    draws: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[Estimate, tuple[Bar, ...]]:
    """The road's probability at the scenario, and one bar per parameter with a range,
    widest swing first."""
    base = simulate(inputs, scenario, draws=draws, seed=seed, progress=progress).road_passes
    bars: list[Bar] = []
    for name in relevant_parameters(inputs):
        parameter = scenario.parameters[name]
        if parameter.low is None or parameter.high is None or parameter.low == parameter.high:
            continue
        ends = []
        for end in (parameter.low, parameter.high):
            varied = scenario.with_value(name, end)
            ends.append(
                simulate(inputs, varied, draws=draws, seed=seed, progress=progress).road_passes
            )
        bars.append(
            Bar(
                name,
                parameter.value,
                parameter.low,
                parameter.high,
                ends[0],
                ends[1],
                parameter.source,
            )
        )
    bars.sort(key=lambda bar: (-bar.swing, bar.parameter))
    return base, tuple(bars)


def tornado_runs(inputs: Inputs, scenario: Scenario) -> int:
    """How many simulations :func:`tornado` makes (for a progress bar)."""
    ranged = [
        n
        for n in relevant_parameters(inputs)
        if scenario.parameters[n].low is not None
        and scenario.parameters[n].high is not None
        and scenario.parameters[n].low != scenario.parameters[n].high
    ]
    return 1 + 2 * len(ranged)
