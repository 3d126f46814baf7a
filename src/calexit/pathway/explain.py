"""What a run assumed, in words: the model's structural assumptions and the scenario's
parameters that are assumptions rather than data, each with its source."""

from __future__ import annotations

from calexit.pathway.road import GateModel
from calexit.pathway.scenario import Basis, Scenario
from calexit.pathway.simulate import Inputs

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


def relevant_parameters(inputs: Inputs) -> tuple[str, ...]:
    """The scenario parameters this road's gates read, in a stable order."""
    models = {g.model for g in inputs.road.gates}
    names = [g.parameter for g in inputs.road.gates if g.model is GateModel.SCENARIO]
    if GateModel.PLEBISCITE in models:
        group = inputs.plebiscite_group
        names += [f"{group}.{n}" for n in ("yes_share", "yes_sd", "turnout", "turnout_sd")]
        if group == "plebiscite":
            names += [
                "plebiscite.yes_regional_sd",
                "plebiscite.partisan_slope",
                "plebiscite.turnout_regional_sd",
            ]
    if models & _FEDERAL:
        names += [
            "federal.support_democratic",
            "federal.support_republican",
            "federal.national_sd",
            "federal.state_sd",
        ]
    if models & _UN:
        names += [
            "recognition.member_support",
            "recognition.permanent_member_support",
            "recognition.sd",
        ]
    return tuple(dict.fromkeys(names))


STRUCTURE = (
    "A tool for reasoning, not a forecast: every probability is conditional on the "
    "scenario's numbers, most of which are assumptions about events that have no precedent.",
    "A unit's chance of consenting mixes the parties' chances by its partisan lean (2024 "
    "presidential result, senators' caucus, legislature control in 2025, from states.csv).",
    "Every federal unit shares a national swing and each state's units share its own swing, "
    "so votes are correlated; a delegation splits in proportion to its chance, rounded.",
    "A state ratifies (or applies for a convention) when a majority of its legislators "
    "consent; states whose constitutions ask for more (Illinois: three fifths) are not "
    "modelled separately.",
    "The vote: county turnout and yes share follow the counties' 2024 turnout and Harris "
    "share around the statewide inputs, with a statewide and a regional error (ten regions).",
    "Gates no data describe (petition, commission report, negotiated exit, a comparator's "
    "parliament) pass with the scenario's probability, independently of the rest.",
    "Probabilities are shown rounded to their Monte Carlo standard error; a probability with "
    "no passing draw is shown as a bound (3 / draws, the rule of three).",
)


def assumptions(inputs: Inputs, scenario: Scenario) -> tuple[str, ...]:
    """Structural assumptions, then each assumed parameter of this road with its source."""
    lines = list(STRUCTURE)
    for name in relevant_parameters(inputs):
        parameter = scenario.parameters[name]
        if parameter.basis is Basis.ASSUMPTION:
            lines.append(f"{name} = {parameter.value:g} is an assumption: {parameter.source}")
    return tuple(lines)
