"""The road after the vote as a graph of gates, built from the rule packs.

A pack's road runs through stages in order: the petition, the plebiscite, the
commission's report, the pack's own consent gates, then each pack named in its
``road`` (the federal route of Article V, a negotiated exit, recognition by the
United Nations). A stage passes when every gate without a route passes and, if the
stage has routes, every gate of at least one route passes: the pack's rule that
"gates of the same route are all needed; different routes are alternatives".

Each gate keeps its rule (who votes, what threshold), its source, and how the
Monte Carlo decides it (:class:`GateModel`): from the shipped state data, from the
plebiscite model, or from a probability the scenario sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from calexit.reference.bodies import gate_count
from calexit.rules.model import Chamber, Gate, PackKind, RulePack, format_fraction


class StageKind(StrEnum):
    PETITION = "petition"
    PLEBISCITE = "plebiscite"
    COMMISSION = "commission"
    CONSENT = "consent"
    FEDERAL = "federal route"
    NEGOTIATION = "negotiation"
    RECOGNITION = "recognition"


class GateModel(StrEnum):
    """How the Monte Carlo decides a gate."""

    SCENARIO = "scenario probability"
    PLEBISCITE = "plebiscite model"
    US_HOUSE = "us-house"
    US_SENATE = "us-senate"
    CONGRESS = "congress"
    STATES = "states"
    STATE_LEGISLATURES = "state-legislatures"
    UN_SECURITY_COUNCIL = "un-security-council"
    UN_PERMANENT_MEMBERS = "un-permanent-members"
    UN_GENERAL_ASSEMBLY = "un-general-assembly"


_BY_CHAMBER = {
    Chamber.US_HOUSE: GateModel.US_HOUSE,
    Chamber.US_SENATE: GateModel.US_SENATE,
    Chamber.CONGRESS: GateModel.CONGRESS,
    Chamber.STATES: GateModel.STATES,
    Chamber.STATE_LEGISLATURES: GateModel.STATE_LEGISLATURES,
    Chamber.UN_SECURITY_COUNCIL: GateModel.UN_SECURITY_COUNCIL,
    Chamber.UN_PERMANENT_MEMBERS: GateModel.UN_PERMANENT_MEMBERS,
    Chamber.UN_GENERAL_ASSEMBLY: GateModel.UN_GENERAL_ASSEMBLY,
}

NEGOTIATION_SOURCE = (
    "seed 002 ('Peaceful, negotiated exit with U.S. support'; 'Negotiate treaties with the U.S. "
    "(e.g., trade, immigration, defense, water rights)'; federal property 'likely through "
    "negotiation or purchase'); no rule pack states this step's rule"
)


@dataclass(frozen=True)
class RoadGate:
    """One gate on the road: who must consent, by what rule, and how it is modelled."""

    key: str
    """``pack/gate``, unique on the road."""
    pack: str
    stage: StageKind
    body: str
    rule: str
    source: str
    model: GateModel
    route: str = ""
    needed: int | None = None
    size: int | None = None
    size_source: str = ""
    parameter: str = ""
    """The scenario parameter that gives this gate's probability (``SCENARIO`` gates)."""


@dataclass(frozen=True)
class Stage:
    kind: StageKind
    pack: str
    title: str
    gates: tuple[RoadGate, ...]

    @property
    def routes(self) -> tuple[str, ...]:
        """The named alternative routes of this stage, in file order."""
        return tuple(dict.fromkeys(g.route for g in self.gates if g.route))

    def logic(self) -> str:
        """The stage's pass rule in words: ``A and B and (C and D or E)``."""
        common = [g.key for g in self.gates if not g.route]
        alternatives = [
            " and ".join(g.key for g in self.gates if g.route == route) for route in self.routes
        ]
        parts = list(common)
        if len(alternatives) > 1:
            either = " or ".join(f"({a})" if " and " in a else a for a in alternatives)
            parts.append(f"({either})" if common else either)
        elif alternatives:
            parts.append(alternatives[0])
        return " and ".join(parts)


@dataclass(frozen=True)
class Road:
    pack: str
    title: str
    stages: tuple[Stage, ...]

    @property
    def gates(self) -> tuple[RoadGate, ...]:
        return tuple(g for s in self.stages for g in s.gates)

    def gate(self, key: str) -> RoadGate:
        for candidate in self.gates:
            if candidate.key == key:
                return candidate
        raise KeyError(key)


def gate_parameter(pack: str, gate: str) -> str:
    """The scenario parameter for a gate whose body calexit does not model from data."""
    return f"gates.{pack}.{gate}"


def _pack_gate(pack: RulePack, gate: Gate, stage: StageKind) -> RoadGate:
    word = "at least" if gate.comparison.value == "at-least" else "more than"
    rule = f"{word} {format_fraction(gate.threshold)} of {gate.of.value}"
    counted = gate_count(gate)
    model = _BY_CHAMBER[gate.chamber] if gate.chamber is not None else GateModel.SCENARIO
    parameter = gate_parameter(pack.id, gate.id) if model is GateModel.SCENARIO else ""
    if counted is not None:
        rule += f": {counted.needed:,} of {counted.size:,}"
    return RoadGate(
        key=f"{pack.id}/{gate.id}",
        pack=pack.id,
        stage=stage,
        body=gate.body,
        rule=rule,
        source=gate.source,
        model=model,
        route=gate.route,
        needed=None if counted is None else counted.needed,
        size=None if counted is None else counted.size,
        size_source="" if counted is None else counted.size_source,
        parameter=parameter,
    )


def _home_stages(pack: RulePack) -> list[Stage]:
    stages: list[Stage] = []
    if pack.petition is not None:
        p = pack.petition
        rule = (
            f"at least {p.required_signatures.value:,} valid signatures "
            f"({format_fraction(p.signature_share.value)} of "
            f"{p.gubernatorial_votes.value:,} votes for Governor)"
        )
        gate = RoadGate(
            f"{pack.id}/petition",
            pack.id,
            StageKind.PETITION,
            "Secretary of State (qualification)",
            rule,
            p.required_signatures.source,
            GateModel.SCENARIO,
            parameter="road.petition_qualifies",
        )
        stages.append(Stage(StageKind.PETITION, pack.id, "Petition qualifies", (gate,)))
    if pack.passage is not None:
        rules = [pack.passage.approval, pack.passage.participation]
        texts: list[str] = []
        for threshold in (r for r in rules if r is not None):
            word = "at least" if threshold.comparison.value == "at-least" else "more than"
            texts.append(
                f"{threshold.numerator.value} / {threshold.denominator.value} "
                f"{word} {format_fraction(threshold.min)}"
            )
        sources = "; ".join(r.source for r in rules if r is not None)
        gate = RoadGate(
            f"{pack.id}/plebiscite",
            pack.id,
            StageKind.PLEBISCITE,
            "Voters",
            " and ".join(texts),
            sources,
            GateModel.PLEBISCITE,
        )
        stages.append(Stage(StageKind.PLEBISCITE, pack.id, "The vote passes", (gate,)))
    if pack.commission is not None:
        c = pack.commission
        months = c.final_report_months
        due = f" within {months.value} months" if months else ""
        source = months.source if months else c.purpose.source
        gate = RoadGate(
            f"{pack.id}/commission-report",
            pack.id,
            StageKind.COMMISSION,
            c.name,
            f"reports on viability{due}",
            source,
            GateModel.SCENARIO,
            parameter="road.commission_reports",
        )
        stages.append(Stage(StageKind.COMMISSION, pack.id, "The commission reports", (gate,)))
    if pack.gates:
        gates = tuple(_pack_gate(pack, g, StageKind.CONSENT) for g in pack.gates)
        stages.append(Stage(StageKind.CONSENT, pack.id, pack.pack.title, gates))
    return stages


def build_road(pack: RulePack, after: tuple[RulePack, ...] = ()) -> Road:
    """The road of ``pack``, followed by ``after`` (the packs its ``road`` names, in order).

    A negotiated exit follows a federal amendment: the packs state no rule for it, so it
    is a single gate whose probability the scenario sets (source: seed 002).
    """
    stages = _home_stages(pack)
    for later in after:
        kind = PackKind(later.pack.kind)
        stage = (
            StageKind.RECOGNITION
            if kind is PackKind.INTERNATIONAL_ADMISSION
            else StageKind.FEDERAL
            if kind is PackKind.FEDERAL_AMENDMENT
            else StageKind.CONSENT
        )
        gates = tuple(_pack_gate(later, g, stage) for g in later.gates)
        stages.append(Stage(stage, later.id, later.pack.title, gates))
        if stage is StageKind.FEDERAL:
            gate = RoadGate(
                f"{pack.id}/negotiated-exit",
                pack.id,
                StageKind.NEGOTIATION,
                "The United States and California (treaty of separation)",
                "agreement on trade, immigration, defence, water rights, federal property and debt",
                NEGOTIATION_SOURCE,
                GateModel.SCENARIO,
                parameter="road.negotiation_agreed",
            )
            stages.append(Stage(StageKind.NEGOTIATION, pack.id, "A negotiated exit", (gate,)))
    return Road(pack.id, pack.pack.title, tuple(stages))
