"""Vectorised Monte Carlo of the road: every gate decided in every draw, with numpy.

The federal support model (all parameters in the scenario):

* A unit's probability of consenting mixes the two parties' probabilities by its
  partisan lean: a state's House delegation by the state's 2024 two-party Harris
  share ``h`` (``h p_D + (1 - h) p_R``); a senator by caucus; a legislature by the
  party that controls it (split and nonpartisan legislatures by ``h``).
* On the log-odds scale every unit shares a national swing ``Z_d ~ N(0, national_sd)``
  and the units of a state share the state's own swing ``S_{d,s}``, logistic with
  standard deviation ``state_sd``: votes are correlated, not independent coin flips.
* A delegation of ``n`` members splits in proportion to its probability, rounded
  (``floor(n q + 1/2)``); a legislature ratifies (or applies for a convention) when its
  probability is above one half, i.e. when a majority of its members consent.
* The United Nations: each member votes with probability ``sigmoid(logit(m) + U_d)``,
  ``U_d ~ N(0, sd)`` shared by all; the General Assembly and the ten elected members of
  the Security Council split in proportion; each permanent member concurs on its own
  draw with ``sigmoid(logit(p5) + U_d)``.
* Gates no data describe (petition, commission report, negotiated exit, a comparator's
  parliament) pass with the probability the scenario gives, drawn independently.

Every quantity moves in one direction with the support parameters and the random
numbers do not depend on the parameters, so with the same seed the estimates are
monotone in each support parameter (common random numbers). Draws are made in chunks
of :data:`CHUNK`; chunk ``i`` uses ``SeedSequence(seed, spawn_key=(i,))``, so a run is
reproducible from its seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from calexit.pathway.electorate import Electorate, PlebisciteModel, plebiscite_model
from calexit.pathway.estimate import Estimate
from calexit.pathway.road import GateModel, Road, Stage
from calexit.pathway.scenario import Scenario
from calexit.reference.bodies import body_size
from calexit.reference.records import LegislatureControl, State
from calexit.rules.model import Chamber, Comparison, Passage

CHUNK = 1 << 15
BINS = 1000
F32 = np.float32
Array32 = NDArray[np.float32]

_FEDERAL = {
    GateModel.US_HOUSE,
    GateModel.US_SENATE,
    GateModel.CONGRESS,
    GateModel.STATES,
    GateModel.STATE_LEGISLATURES,
}
_UN = {
    GateModel.UN_SECURITY_COUNCIL,
    GateModel.UN_PERMANENT_MEMBERS,
    GateModel.UN_GENERAL_ASSEMBLY,
}


@dataclass(frozen=True)
class Federal:
    """The 50 states' units (the District of Columbia has no vote on any gate)."""

    abbr: tuple[str, ...]
    names: tuple[str, ...]
    house: NDArray[np.float32]
    senators_d: NDArray[np.float32]
    senators_r: NDArray[np.float32]
    harris_two_party: NDArray[np.float64]
    control: tuple[LegislatureControl, ...]


def federal_units(data: tuple[State, ...]) -> Federal:
    us = [s for s in data if s.is_state]
    harris = np.array([float(s.harris_2024_pct) for s in us])
    trump = np.array([float(s.trump_2024_pct) for s in us])
    return Federal(
        tuple(s.abbr for s in us),
        tuple(s.name for s in us),
        np.array([s.house_seats for s in us], dtype=F32),
        np.array([s.senators_d for s in us], dtype=F32),
        np.array([s.senators_r for s in us], dtype=F32),
        harris / (harris + trump),
        tuple(s.legislature_control for s in us),
    )


@dataclass(frozen=True)
class Inputs:
    """What one run needs besides the scenario: the road, its vote and its data."""

    road: Road
    federal: Federal
    passage: Passage | None = None
    electorate: Electorate | None = None
    plebiscite_group: str = "plebiscite"
    """``plebiscite`` for California; ``comparator.<pack>`` for a comparator."""


@dataclass(frozen=True)
class Distribution:
    """A modelled quantity summarised from a histogram on [0, 1] (or 0..size counts)."""

    mean: float
    quantiles: tuple[tuple[float, float], ...]
    histogram: tuple[int, ...]

    def quantile(self, q: float) -> float:
        return dict(self.quantiles)[q]


@dataclass(frozen=True)
class Result:
    road: Road
    scenario: Scenario
    draws: int
    seed: int
    gates: dict[str, Estimate]
    stages: tuple[Estimate, ...]
    through: tuple[Estimate, ...]
    road_passes: Estimate
    yes_share: Distribution | None = None
    turnout: Distribution | None = None
    county_yes: tuple[tuple[str, float], ...] = ()
    state_consents: tuple[tuple[str, float], ...] = ()
    pivotal: tuple[tuple[str, float], ...] = ()
    counts: dict[str, Distribution] = field(default_factory=dict)


QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _sigmoid(x: Array32) -> Array32:
    with np.errstate(over="ignore"):
        result: Array32 = np.divide(1, 1 + np.exp(-x, dtype=F32), dtype=F32)
    return result


def _sigmoid_inplace(x: Array32) -> Array32:
    """``1 / (1 + exp(-x))`` computed in ``x``'s own memory (the hot loop's arrays are large)."""
    with np.errstate(over="ignore"):
        np.negative(x, out=x)
        np.exp(x, out=x)
        x += F32(1)
        np.reciprocal(x, out=x)
    return x


def _logistic(rng: np.random.Generator, shape: tuple[int, int], sd: float) -> Array32:
    """Logistic noise with standard deviation ``sd`` (scale ``sd * sqrt(3) / pi``), from
    uniforms by the inverse CDF: several times cheaper than normal draws in bulk."""
    u = rng.random(shape, dtype=F32)
    np.maximum(u, F32(2**-25), out=u)
    x = u / (F32(1) - u)
    np.log(x, out=x)
    x *= F32(sd * math.sqrt(3) / math.pi)
    return x


def _logit(p: float) -> float:
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p / (1 - p))


def _logits(p: NDArray[np.float64]) -> NDArray[np.float32]:
    with np.errstate(divide="ignore"):
        return np.log(p / (1 - p)).astype(F32)


@dataclass(frozen=True)
class _Support:
    house: Array32
    senate_d: Array32
    senate_r: Array32
    legislature: Array32
    national_sd: float
    state_sd: float


def _support(federal: Federal, scenario: Scenario) -> _Support:
    p_d = scenario.value("federal.support_democratic")
    p_r = scenario.value("federal.support_republican")
    h = federal.harris_two_party
    mixed = h * p_d + (1 - h) * p_r
    party = {LegislatureControl.DEMOCRATIC: p_d, LegislatureControl.REPUBLICAN: p_r}
    legislature = np.array([party.get(c, m) for c, m in zip(federal.control, mixed, strict=True)])
    return _Support(
        _logits(mixed),
        np.full(len(h), _logit(p_d), dtype=F32),
        np.full(len(h), _logit(p_r), dtype=F32),
        _logits(legislature),
        scenario.value("federal.national_sd"),
        scenario.value("federal.state_sd"),
    )


def _split(members: Array32, logits: Array32, swing: Array32) -> NDArray[np.int32]:
    """Members consenting per draw: each state's delegation split in proportion, rounded."""
    share = _sigmoid_inplace(logits + swing)
    share *= members
    share += F32(0.5)
    np.floor(share, out=share)
    counts: NDArray[np.int32] = share.sum(axis=1).astype(np.int32)
    return counts


class _Accumulator:
    def __init__(self, inputs: Inputs) -> None:
        road = inputs.road
        self.gates = {g.key: 0 for g in road.gates}
        self.stages = [0] * len(road.stages)
        self.through = [0] * len(road.stages)
        self.road = 0
        self.yes = np.zeros(BINS, dtype=np.int64)
        self.turnout = np.zeros(BINS, dtype=np.int64)
        self.yes_sum = 0.0
        self.turnout_sum = 0.0
        n_units = inputs.electorate.size if inputs.electorate else 0
        self.county_yes = np.zeros(n_units, dtype=np.float64)
        self.consents = np.zeros(len(inputs.federal.abbr), dtype=np.int64)
        self.pivotal = np.zeros(len(inputs.federal.abbr), dtype=np.int64)
        self.counts: dict[str, NDArray[np.int64]] = {}

    def count(self, name: str, values: NDArray[np.int32], size: int) -> None:
        found = np.bincount(values, minlength=size + 1)[: size + 1]
        self.counts[name] = self.counts.get(name, np.zeros(size + 1, dtype=np.int64)) + found


def _federal_chunk(
    inputs: Inputs,
    support: _Support,
    rng: np.random.Generator,
    m: int,
    acc: _Accumulator,
) -> dict[GateModel, NDArray[np.bool_]]:
    federal = inputs.federal
    n = len(federal.abbr)
    national = rng.standard_normal(m, dtype=F32) * F32(support.national_sd)
    swing = _logistic(rng, (m, n), support.state_sd)
    swing += national[:, None]
    models = {g.model for g in inputs.road.gates}
    needed = {g.model: g.needed or 0 for g in inputs.road.gates}
    out: dict[GateModel, NDArray[np.bool_]] = {}
    house = senate = None
    if models & {GateModel.US_HOUSE, GateModel.CONGRESS}:
        house = _split(federal.house, support.house, swing)
        acc.count("us-house", house, int(federal.house.sum()))
        out[GateModel.US_HOUSE] = house >= needed.get(GateModel.US_HOUSE, 0)
    if models & {GateModel.US_SENATE, GateModel.CONGRESS}:
        senate = _split(federal.senators_d, support.senate_d, swing)
        senate += _split(federal.senators_r, support.senate_r, swing)
        acc.count("us-senate", senate, int((federal.senators_d + federal.senators_r).sum()))
        out[GateModel.US_SENATE] = senate >= needed.get(GateModel.US_SENATE, 0)
    if house is not None and senate is not None:
        out[GateModel.CONGRESS] = house + senate >= needed.get(GateModel.CONGRESS, 0)
    if models & {GateModel.STATES, GateModel.STATE_LEGISLATURES}:
        consent = (support.legislature + swing) > 0
        states = np.count_nonzero(consent, axis=1).astype(np.int32)
        acc.count("states", states, n)
        out[GateModel.STATES] = states >= needed.get(GateModel.STATES, 0)
        out[GateModel.STATE_LEGISLATURES] = states >= needed.get(GateModel.STATE_LEGISLATURES, 0)
        acc.consents += np.count_nonzero(consent, axis=0)
        if GateModel.STATES in models:
            k = needed[GateModel.STATES]
            at = (states == k)[:, None] & consent
            short = (states == k - 1)[:, None] & ~consent
            acc.pivotal += np.count_nonzero(at | short, axis=0)
    return out


def _plebiscite_chunk(
    inputs: Inputs, model: PlebisciteModel, rng: np.random.Generator, m: int, acc: _Accumulator
) -> NDArray[np.bool_]:
    electorate, passage = inputs.electorate, inputs.passage
    assert electorate is not None and passage is not None  # checked by simulate()
    r = len(electorate.regions)
    region = electorate.region

    def draw(centre: NDArray[np.float64], sd: float, regional_sd: float) -> Array32:
        shared = rng.standard_normal(m, dtype=F32)
        shared *= F32(sd)
        local = rng.standard_normal((m, r), dtype=F32)
        local *= F32(regional_sd)
        x = local[:, region]
        x += centre.astype(F32)
        x += shared[:, None]
        return _sigmoid_inplace(x)

    yes = draw(model.yes_centre, model.yes_sd, model.yes_regional_sd)
    turnout = draw(model.turnout_centre, model.turnout_sd, model.turnout_regional_sd)
    registered = electorate.registered.astype(F32)
    total = np.einsum("ij,j->i", turnout, registered).astype(np.float64)
    turnout *= yes
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.einsum("ij,j->i", turnout, registered).astype(np.float64) / total
    participation = total / electorate.registered.sum()
    acc.yes += np.bincount(_bins(share), minlength=BINS)
    acc.turnout += np.bincount(_bins(participation), minlength=BINS)
    acc.yes_sum += float(np.nansum(share))
    acc.turnout_sum += float(participation.sum())
    acc.county_yes += yes.sum(axis=0, dtype=np.float64)
    passes = _meets(share, passage.approval.min, passage.approval.comparison)
    if passage.participation is not None:
        rule = passage.participation
        passes &= _meets(participation, rule.min, rule.comparison)
    return passes


def _bins(values: NDArray[np.float64]) -> NDArray[np.intp]:
    clean = np.nan_to_num(values, nan=0.0)
    return np.clip((clean * BINS).astype(np.intp), 0, BINS - 1)


def _meets(
    values: NDArray[np.float64], threshold: object, comparison: Comparison
) -> NDArray[np.bool_]:
    """Modelled shares are continuous: a tie with the exact threshold has probability zero."""
    line = float(threshold)  # type: ignore[arg-type]
    passes: NDArray[np.bool_] = (
        values >= line if comparison is Comparison.AT_LEAST else values > line
    )
    return passes


def _un_chunk(
    inputs: Inputs, scenario: Scenario, rng: np.random.Generator, m: int, acc: _Accumulator
) -> dict[GateModel, NDArray[np.bool_]]:
    swing = rng.standard_normal(m, dtype=F32) * F32(scenario.value("recognition.sd"))
    p5_size = body_size(Chamber.UN_PERMANENT_MEMBERS).size
    council = body_size(Chamber.UN_SECURITY_COUNCIL).size
    assembly = body_size(Chamber.UN_GENERAL_ASSEMBLY).size
    p5_draw = rng.random((m, p5_size), dtype=F32)
    member = _sigmoid(F32(_logit(scenario.value("recognition.member_support"))) + swing)
    p5 = _sigmoid(F32(_logit(scenario.value("recognition.permanent_member_support"))) + swing)
    concurring = (p5_draw < p5[:, None]).sum(axis=1, dtype=np.int32)
    elected = np.floor(member * F32(council - p5_size) + F32(0.5)).astype(np.int32)
    votes = np.floor(member * F32(assembly) + F32(0.5)).astype(np.int32)
    acc.count("un-general-assembly", votes, assembly)
    needed = {g.model: g.needed or 0 for g in inputs.road.gates}
    return {
        GateModel.UN_SECURITY_COUNCIL: concurring + elected
        >= needed.get(GateModel.UN_SECURITY_COUNCIL, 0),
        GateModel.UN_PERMANENT_MEMBERS: concurring >= needed.get(GateModel.UN_PERMANENT_MEMBERS, 0),
        GateModel.UN_GENERAL_ASSEMBLY: votes >= needed.get(GateModel.UN_GENERAL_ASSEMBLY, 0),
    }


def _plebiscite_setup(inputs: Inputs, scenario: Scenario) -> PlebisciteModel | None:
    if not any(g.model is GateModel.PLEBISCITE for g in inputs.road.gates):
        return None
    if inputs.electorate is None or inputs.passage is None:
        raise ValueError(f"road {inputs.road.pack} has a vote but no electorate or passage rules")
    group = inputs.plebiscite_group
    regional = group == "plebiscite"
    return plebiscite_model(
        inputs.electorate,
        yes_share=scenario.value(f"{group}.yes_share"),
        turnout=scenario.value(f"{group}.turnout"),
        slope=scenario.value("plebiscite.partisan_slope") if regional else 0.0,
        yes_sd=scenario.value(f"{group}.yes_sd"),
        yes_regional_sd=scenario.value("plebiscite.yes_regional_sd") if regional else 0.0,
        turnout_sd=scenario.value(f"{group}.turnout_sd"),
        turnout_regional_sd=scenario.value("plebiscite.turnout_regional_sd") if regional else 0.0,
    )


def _chunk(
    inputs: Inputs,
    scenario: Scenario,
    setup: tuple[_Support, PlebisciteModel | None],
    rng: np.random.Generator,
    m: int,
    acc: _Accumulator,
) -> None:
    road = inputs.road
    models = {g.model for g in road.gates}
    decided: dict[GateModel, NDArray[np.bool_]] = {}
    if models & _FEDERAL:
        decided.update(_federal_chunk(inputs, setup[0], rng, m, acc))
    if setup[1] is not None:
        decided[GateModel.PLEBISCITE] = _plebiscite_chunk(inputs, setup[1], rng, m, acc)
    if models & _UN:
        decided.update(_un_chunk(inputs, scenario, rng, m, acc))
    scenario_gates = [g for g in road.gates if g.model is GateModel.SCENARIO]
    uniforms = rng.random((m, len(scenario_gates)))
    passed: dict[str, NDArray[np.bool_]] = {}
    for index, gate in enumerate(scenario_gates):
        passed[gate.key] = uniforms[:, index] < scenario.value(gate.parameter)
    for gate in road.gates:
        if gate.model is not GateModel.SCENARIO:
            passed[gate.key] = decided[gate.model]
        acc.gates[gate.key] += int(passed[gate.key].sum())
    alive = np.ones(m, dtype=np.bool_)
    for index, stage in enumerate(road.stages):
        ok = _stage_passes(stage, passed, m)
        alive &= ok
        acc.stages[index] += int(ok.sum())
        acc.through[index] += int(alive.sum())
    acc.road += int(alive.sum())


def _stage_passes(stage: Stage, passed: dict[str, NDArray[np.bool_]], m: int) -> NDArray[np.bool_]:
    """Every gate without a route, and every gate of at least one route (if any)."""
    ok = np.ones(m, dtype=np.bool_)
    for gate in stage.gates:
        if not gate.route:
            ok &= passed[gate.key]
    if stage.routes:
        any_route = np.zeros(m, dtype=np.bool_)
        for route in stage.routes:
            this = np.ones(m, dtype=np.bool_)
            for gate in stage.gates:
                if gate.route == route:
                    this &= passed[gate.key]
            any_route |= this
        ok &= any_route
    return ok


def _distribution(histogram: NDArray[np.int64], total: float, draws: int) -> Distribution:
    cumulative = np.cumsum(histogram)
    size = len(histogram)
    quantiles = tuple(
        (q, float((np.searchsorted(cumulative, q * draws) + 0.5) / size)) for q in QUANTILES
    )
    return Distribution(total / draws, quantiles, tuple(int(x) for x in histogram))


def _count_distribution(histogram: NDArray[np.int64], draws: int) -> Distribution:
    values = np.arange(len(histogram))
    cumulative = np.cumsum(histogram)
    quantiles = tuple((q, float(np.searchsorted(cumulative, q * draws))) for q in QUANTILES)
    mean = float((values * histogram).sum() / draws)
    return Distribution(mean, quantiles, tuple(int(x) for x in histogram))


def simulate(
    inputs: Inputs,
    scenario: Scenario,
    *,
    draws: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> Result:
    """Run ``draws`` draws of the whole road; ``progress`` hears the draws done per chunk."""
    if draws <= 0:
        raise ValueError("draws must be positive")
    setup = (_support(inputs.federal, scenario), _plebiscite_setup(inputs, scenario))
    acc = _Accumulator(inputs)
    done = 0
    for index in range(math.ceil(draws / CHUNK)):
        m = min(CHUNK, draws - done)
        sequence = np.random.SeedSequence(seed, spawn_key=(index,))
        _chunk(inputs, scenario, setup, np.random.Generator(np.random.PCG64(sequence)), m, acc)
        done += m
        if progress is not None:
            progress(m)
    return _result(inputs, scenario, acc, draws, seed, setup[1] is not None)


def _result(
    inputs: Inputs, scenario: Scenario, acc: _Accumulator, draws: int, seed: int, voted: bool
) -> Result:
    federal = inputs.federal
    has_states = any(g.model is GateModel.STATES for g in inputs.road.gates)
    electorate = inputs.electorate
    return Result(
        road=inputs.road,
        scenario=scenario,
        draws=draws,
        seed=seed,
        gates={k: Estimate(v, draws) for k, v in acc.gates.items()},
        stages=tuple(Estimate(v, draws) for v in acc.stages),
        through=tuple(Estimate(v, draws) for v in acc.through),
        road_passes=Estimate(acc.road, draws),
        yes_share=_distribution(acc.yes, acc.yes_sum, draws) if voted else None,
        turnout=_distribution(acc.turnout, acc.turnout_sum, draws) if voted else None,
        county_yes=tuple(zip(electorate.names, (acc.county_yes / draws).tolist(), strict=True))
        if voted and electorate is not None
        else (),
        state_consents=tuple(zip(federal.abbr, (acc.consents / draws).tolist(), strict=True))
        if has_states
        else (),
        pivotal=tuple(
            sorted(
                zip(federal.abbr, (acc.pivotal / draws).tolist(), strict=True),
                key=lambda item: (-item[1], item[0]),
            )
        )
        if has_states
        else (),
        counts={k: _count_distribution(v, draws) for k, v in acc.counts.items()},
    )
