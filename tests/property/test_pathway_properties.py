"""Properties of the pathway Monte Carlo.

* Monotone: with the same seed (common random numbers), raising any support parameter
  never lowers the probability of any gate, stage or the whole road.
* Certain support passes every draw; impossible support fails every draw.
* A run is reproducible from its seed.
"""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from calexit.files.pathway_scenario import default_scenario
from calexit.pathway.explain import relevant_parameters
from calexit.pathway.model import road_inputs
from calexit.pathway.scenario import PARAMETERS, Scenario
from calexit.pathway.simulate import Inputs, simulate
from calexit.rules.load import builtin_pack

PACKS = ("calexit-2028", "calexit-now-2026", "scotland-2014", "quebec-1995")
DRAWS = 3_000


@cache
def _inputs(pack_id: str) -> Inputs:
    pack = builtin_pack(pack_id).rules
    return road_inputs(pack, tuple(builtin_pack(p).rules for p in pack.pack.road))


def _support(inputs: Inputs) -> list[str]:
    names = []
    for name in relevant_parameters(inputs):
        spec = PARAMETERS.get(name)
        supports = spec is not None and spec.support
        if supports or name.startswith("gates.") or name.endswith(".yes_share"):
            names.append(name)
    return names


def _all(scenario: Scenario, inputs: Inputs, value: float) -> Scenario:
    values = dict.fromkeys(_support(inputs), value)
    turnout = f"{inputs.plebiscite_group}.turnout"
    values[turnout] = 1.0  # everyone votes: participation thresholds cannot bind
    return scenario.with_values(values)


probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(
    pack=st.sampled_from(PACKS),
    data=st.data(),
    a=probability,
    b=probability,
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_probabilities_are_monotone_in_support(
    pack: str, data: st.DataObject, a: float, b: float, seed: int
) -> None:
    inputs = _inputs(pack)
    name = data.draw(st.sampled_from(_support(inputs)))
    low, high = sorted((a, b))
    base = default_scenario()
    at_low = simulate(inputs, base.with_value(name, low), draws=DRAWS, seed=seed)
    at_high = simulate(inputs, base.with_value(name, high), draws=DRAWS, seed=seed)
    assert at_low.road_passes.hits <= at_high.road_passes.hits
    for key, estimate in at_low.gates.items():
        assert estimate.hits <= at_high.gates[key].hits, key
    for lo, hi in zip(at_low.through, at_high.through, strict=True):
        assert lo.hits <= hi.hits


@settings(max_examples=12, deadline=None)
@given(pack=st.sampled_from(PACKS), seed=st.integers(min_value=0, max_value=2**32))
def test_certain_support_passes_and_impossible_support_fails(pack: str, seed: int) -> None:
    inputs = _inputs(pack)
    certain = simulate(inputs, _all(default_scenario(), inputs, 1.0), draws=DRAWS, seed=seed)
    impossible = simulate(inputs, _all(default_scenario(), inputs, 0.0), draws=DRAWS, seed=seed)
    assert certain.road_passes.hits == DRAWS
    assert all(e.hits == DRAWS for e in certain.gates.values())
    assert impossible.road_passes.hits == 0


@settings(max_examples=10, deadline=None)
@given(pack=st.sampled_from(PACKS), seed=st.integers(min_value=0, max_value=2**63))
def test_reproducible_from_the_seed(pack: str, seed: int) -> None:
    inputs = _inputs(pack)
    first = simulate(inputs, default_scenario(), draws=DRAWS, seed=seed)
    second = simulate(inputs, default_scenario(), draws=DRAWS, seed=seed)
    assert first.gates == second.gates
    assert first.through == second.through
    assert first.county_yes == second.county_yes
