"""Deterministic counts beside the probabilities: what each federal gate needs, and how
the bodies that vote on it currently lean by the shipped data.

Needed counts come from the pack's threshold and the body's size in ``states.csv``
(:func:`calexit.reference.bodies.gate_count`). The lean is descriptive only: which
party's side each seat, senator, legislature or state stood on in 2024-2025. Neither
party has a position on California leaving; the lean says where support would have
to come from, not what it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from calexit.pathway.road import GateModel, Road
from calexit.reference.records import LegislatureControl, State

LEAN_SOURCE = (
    "states.csv: 2024 presidential result (FEC), senators by caucus (2025; independents who "
    "caucus with Democrats counted as D), legislature control (2025)"
)


@dataclass(frozen=True)
class GateTally:
    """A gate's head count and the current lean of the body that votes on it."""

    gate: str
    body: str
    needed: int
    size: int
    size_source: str
    lean: tuple[tuple[str, int], ...]
    lean_basis: str

    @property
    def lean_map(self) -> dict[str, int]:
        return dict(self.lean)


def _us_states(data: tuple[State, ...]) -> list[State]:
    return [s for s in data if s.is_state]


def _harris_won(state: State) -> bool:
    return state.harris_2024_pct > state.trump_2024_pct


def house_lean(data: tuple[State, ...]) -> tuple[tuple[str, int], ...]:
    """House seats apportioned to states Harris won and to states Trump won in 2024."""
    harris = sum(s.house_seats for s in _us_states(data) if _harris_won(s))
    trump = sum(s.house_seats for s in _us_states(data) if not _harris_won(s))
    return (("seats in states Harris won", harris), ("seats in states Trump won", trump))


def senate_lean(data: tuple[State, ...]) -> tuple[tuple[str, int], ...]:
    d = sum(s.senators_d for s in _us_states(data))
    r = sum(s.senators_r for s in _us_states(data))
    return (("Democratic caucus", d), ("Republican", r))


def legislature_lean(data: tuple[State, ...]) -> tuple[tuple[str, int], ...]:
    names = {
        LegislatureControl.DEMOCRATIC: "Democratic control",
        LegislatureControl.REPUBLICAN: "Republican control",
        LegislatureControl.SPLIT: "split control",
        LegislatureControl.NONPARTISAN: "nonpartisan",
    }
    return tuple(
        (label, sum(1 for s in _us_states(data) if s.legislature_control is control))
        for control, label in names.items()
    )


def state_lean(data: tuple[State, ...]) -> tuple[tuple[str, int], ...]:
    harris = sum(1 for s in _us_states(data) if _harris_won(s))
    return (("won by Harris", harris), ("won by Trump", len(_us_states(data)) - harris))


def gate_tallies(road: Road, data: tuple[State, ...]) -> tuple[GateTally, ...]:
    """Every gate with a head count, with the lean of its body where the data has one."""
    lean_of = {
        GateModel.US_HOUSE: (house_lean, "2024 presidential winner of each seat's state"),
        GateModel.US_SENATE: (senate_lean, "senators by caucus, 2025"),
        GateModel.STATES: (legislature_lean, "legislature control, 2025 (ratifying body)"),
        GateModel.STATE_LEGISLATURES: (legislature_lean, "legislature control, 2025"),
    }
    tallies: list[GateTally] = []
    for gate in road.gates:
        if gate.needed is None or gate.size is None:
            continue
        lean: tuple[tuple[str, int], ...] = ()
        basis = ""
        if gate.model in lean_of:
            function, basis = lean_of[gate.model]
            lean = function(data)
        elif gate.model is GateModel.CONGRESS:
            lean = house_lean(data) + senate_lean(data)
            basis = "House seats by 2024 winner of the state; senators by caucus, 2025"
        if gate.model is GateModel.STATES:
            lean += state_lean(data)
            basis += "; 2024 presidential winner of each state"
        tallies.append(
            GateTally(gate.key, gate.body, gate.needed, gate.size, gate.size_source, lean, basis)
        )
    return tuple(tallies)
