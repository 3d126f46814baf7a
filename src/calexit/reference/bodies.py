"""Sizes of the voting bodies on the road after the vote, taken from the shipped data.

The U.S. figures are counted from ``states.csv`` (House seats of the 2020
apportionment, two senators per state, the 50 states); the United Nations
figures are fixed by the Charter and the current membership, cited below.
"""

from __future__ import annotations

from dataclasses import dataclass

from calexit.reference.datasets import states
from calexit.rules.model import Chamber, Gate


@dataclass(frozen=True)
class BodySize:
    chamber: Chamber
    size: int
    source: str


def _us_states() -> int:
    return sum(1 for state in states() if state.is_state)


def _house() -> int:
    return sum(state.house_seats for state in states())


def _senate() -> int:
    return sum(state.senators_d + state.senators_r for state in states())


def body_size(chamber: Chamber) -> BodySize:
    """How many members (or states) vote in ``chamber``."""
    data = "states.csv (2020 apportionment; 2025 Senate)"
    if chamber is Chamber.US_HOUSE:
        return BodySize(chamber, _house(), f"sum of House seats in {data}")
    if chamber is Chamber.US_SENATE:
        return BodySize(chamber, _senate(), f"two senators per state in {data}")
    if chamber is Chamber.CONGRESS:
        return BodySize(chamber, _house() + _senate(), f"House plus Senate in {data}")
    if chamber in (Chamber.STATES, Chamber.STATE_LEGISLATURES):
        return BodySize(chamber, _us_states(), f"states (not DC) in {data}")
    if chamber is Chamber.UN_SECURITY_COUNCIL:
        return BodySize(chamber, 15, "UN Charter art. 23(1) (as amended in 1965)")
    if chamber is Chamber.UN_PERMANENT_MEMBERS:
        return BodySize(chamber, 5, "UN Charter art. 23(1)")
    return BodySize(chamber, 193, "UN membership since the admission of South Sudan (14 July 2011)")


@dataclass(frozen=True)
class GateCount:
    """A gate's threshold turned into a head count for a body of known size."""

    gate: Gate
    size: int
    needed: int
    size_source: str


def gate_count(gate: Gate) -> GateCount | None:
    """How many of the body must agree when all vote (None where the size is not modelled)."""
    if gate.chamber is None:
        return None
    body = body_size(gate.chamber)
    needed = gate.comparison.smallest_passing(gate.threshold, body.size)
    return GateCount(gate=gate, size=body.size, needed=needed, size_source=body.source)
