"""The Monte Carlo engine on the shipped data: comparators, reproducibility, bookkeeping."""

from __future__ import annotations

from fractions import Fraction

import pytest

from calexit.files.pathway_scenario import default_scenario
from calexit.pathway.model import historical_check, road_inputs
from calexit.pathway.simulate import Inputs, simulate
from calexit.rules.load import builtin_pack


def _inputs(pack_id: str) -> Inputs:
    pack = builtin_pack(pack_id).rules
    return road_inputs(pack, tuple(builtin_pack(p).rules for p in pack.pack.road))


def test_historical_results_fail_their_own_rules() -> None:
    scotland = historical_check(builtin_pack("scotland-2014").rules)
    quebec = historical_check(builtin_pack("quebec-1995").rules)
    assert scotland is not None and quebec is not None
    # Chief Counting Officer 2014: Yes 1,617,989, No 2,001,926; DGEQ 1995: 2,308,360 / 2,362,648.
    assert scotland.yes_share == Fraction(1_617_989, 1_617_989 + 2_001_926)
    assert not scotland.passed
    assert not quebec.passed
    assert quebec.yes_share < Fraction(1, 2) < quebec.yes_share + Fraction(1, 100)


def test_comparators_run_through_the_same_engine() -> None:
    scenario = default_scenario()
    for pack_id in ("scotland-2014", "quebec-1995"):
        result = simulate(_inputs(pack_id), scenario, draws=4_000, seed=3)
        assert result.yes_share is not None
        # centred on the historical share (44.7%, 49.42%)
        centre = scenario.value(f"comparator.{pack_id}.yes_share")
        assert abs(result.yes_share.mean - centre) < 0.01
        assert 0 < result.road_passes.p < 0.6


def test_same_seed_same_result_other_seed_differs() -> None:
    inputs, scenario = _inputs("calexit-2028"), default_scenario()
    a = simulate(inputs, scenario, draws=40_000, seed=11)
    b = simulate(inputs, scenario, draws=40_000, seed=11)
    c = simulate(inputs, scenario, draws=40_000, seed=12)
    assert a.gates == b.gates and a.road_passes == b.road_passes
    assert a.pivotal == b.pivotal
    assert a.gates != c.gates


def test_through_never_exceeds_each_stage() -> None:
    result = simulate(_inputs("calexit-2028"), default_scenario(), draws=20_000, seed=5)
    previous = result.draws
    for stage, through in zip(result.stages, result.through, strict=True):
        assert through.hits <= min(stage.hits, previous)
        previous = through.hits
    assert result.road_passes == result.through[-1]
    assert len(result.county_yes) == 58
    assert len(result.state_consents) == 50


def test_county_yes_share_follows_the_2024_vote() -> None:
    result = simulate(_inputs("calexit-2028"), default_scenario(), draws=5_000, seed=1)
    shares = dict(result.county_yes)
    # Statement of Vote 2024: San Francisco voted far more for Harris than Lassen.
    assert shares["San Francisco"] > 0.7 > shares["Lassen"]
    assert result.yes_share is not None
    assert result.yes_share.mean == pytest.approx(0.61, abs=0.01)
