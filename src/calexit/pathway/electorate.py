"""The plebiscite's electorate as units (California's 58 counties, or one unit for a
comparator) and the model of each unit's turnout and yes share.

For unit ``c`` in region ``r`` and draw ``d``::

    yes_c     = sigmoid(t_yes  + k * lean_c + E_d + R_{d,r})
    turnout_c = sigmoid(t_turn + tlean_c    + F_d + G_{d,r})

``lean_c`` is the county's 2024 Harris share of the two-party vote on the log-odds
scale, less the state's; ``tlean_c`` is its 2024 turnout, likewise. ``k`` is the
scenario's ``partisan_slope``. ``E`` and ``F`` are shared by every county (a
statewide polling or turnout error), ``R`` and ``G`` by the counties of a region
(the ten regions of ``ca_counties.csv``). ``t_yes`` and ``t_turn`` are solved so
that, with no error, the statewide yes share and turnout equal the scenario's
inputs. The spreads are standard deviations on the log-odds scale (near a share
``p`` a spread ``s`` moves the share by about ``s p (1 - p)``); they do not depend on
the centre, so a higher yes share can only make the vote more likely to pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calexit.reference.records import County
from calexit.rules.model import Outcome

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Electorate:
    names: tuple[str, ...]
    registered: FloatArray
    lean: FloatArray
    turnout_lean: FloatArray
    region: NDArray[np.intp]
    regions: tuple[str, ...]
    source: str

    @property
    def size(self) -> int:
        return len(self.names)


def _logit(p: float) -> float:
    if p <= 0:
        return -math.inf
    if p >= 1:
        return math.inf
    return math.log(p / (1 - p))


def california_electorate(counties: tuple[County, ...]) -> Electorate:
    """The 58 counties with their October 2024 registration and 2024 vote."""
    registered = np.array([c.registered_voters for c in counties], dtype=np.float64)
    harris = np.array([c.harris_2024 for c in counties], dtype=np.float64)
    trump = np.array([c.trump_2024 for c in counties], dtype=np.float64)
    ballots = np.array([c.ballots_cast_2024 for c in counties], dtype=np.float64)
    two_party = harris / (harris + trump)
    state = harris.sum() / (harris.sum() + trump.sum())
    lean = np.log(two_party / (1 - two_party)) - _logit(float(state))
    turnout = ballots / registered
    state_turnout = ballots.sum() / registered.sum()
    turnout_lean = np.log(turnout / (1 - turnout)) - _logit(float(state_turnout))
    regions = tuple(dict.fromkeys(c.region for c in counties))
    region = np.array([regions.index(c.region) for c in counties], dtype=np.intp)
    return Electorate(
        tuple(c.name for c in counties),
        registered,
        lean,
        turnout_lean,
        region,
        regions,
        "ca_counties.csv: registration of 21 Oct 2024; ballots and presidential vote of 5 Nov 2024",
    )


def single_electorate(name: str, outcome: Outcome) -> Electorate:
    """A comparator's electorate as one unit of its historical size."""
    zero = np.zeros(1, dtype=np.float64)
    return Electorate(
        (name,),
        np.array([outcome.electorate], dtype=np.float64),
        zero,
        zero,
        np.zeros(1, dtype=np.intp),
        (name,),
        outcome.source,
    )


def _solve(target: float, weights: FloatArray, offsets: FloatArray) -> float:
    """The ``t`` with ``sum(w * sigmoid(t + offsets)) / sum(w) == target`` (bisection)."""
    if target <= 0:
        return -math.inf
    if target >= 1:
        return math.inf

    def share(t: float) -> float:
        return float(np.dot(weights, 1 / (1 + np.exp(-(t + offsets)))) / weights.sum())

    low, high = -40.0, 40.0
    for _ in range(200):
        middle = (low + high) / 2
        if share(middle) < target:
            low = middle
        else:
            high = middle
        if high - low < 1e-13:
            break
    return (low + high) / 2


@dataclass(frozen=True)
class PlebisciteModel:
    """Per-unit centres (log-odds) and spreads for one scenario."""

    yes_centre: FloatArray
    turnout_centre: FloatArray
    yes_sd: float
    yes_regional_sd: float
    turnout_sd: float
    turnout_regional_sd: float


def plebiscite_model(
    electorate: Electorate,
    *,
    yes_share: float,
    turnout: float,
    slope: float,
    yes_sd: float,
    yes_regional_sd: float,
    turnout_sd: float,
    turnout_regional_sd: float,
) -> PlebisciteModel:
    turnout_offsets = electorate.turnout_lean
    t_turn = _solve(turnout, electorate.registered, turnout_offsets)
    with np.errstate(over="ignore"):
        expected_turnout = 1 / (1 + np.exp(-(t_turn + turnout_offsets)))
    weights = electorate.registered * np.nan_to_num(expected_turnout, nan=1.0)
    if weights.sum() <= 0:
        weights = electorate.registered
    yes_offsets = slope * electorate.lean
    t_yes = _solve(yes_share, weights, yes_offsets)
    return PlebisciteModel(
        yes_centre=t_yes + yes_offsets,
        turnout_centre=t_turn + turnout_offsets,
        yes_sd=yes_sd,
        yes_regional_sd=yes_regional_sd,
        turnout_sd=turnout_sd,
        turnout_regional_sd=turnout_regional_sd,
    )
