"""A pack's road, its electorate and the federal data, ready to simulate; comparators.

Scotland 2014 and Quebec 1995 run through the same engine: their own passage rule
(a simple majority of valid votes, no turnout threshold) and consent gates, with an
electorate of one unit the size of the historical one. Their historical result is
also put through the passage rule exactly, as a check of the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from calexit.pathway.electorate import california_electorate, single_electorate
from calexit.pathway.road import build_road
from calexit.pathway.simulate import Inputs, federal_units
from calexit.reference.datasets import counties, states
from calexit.rules.model import RulePack, format_fraction

COMPARATORS = ("scotland-2014", "quebec-1995")


def road_inputs(pack: RulePack, after: tuple[RulePack, ...] = ()) -> Inputs:
    """Inputs for ``pack``'s road; ``after`` are the packs its ``road`` names."""
    road = build_road(pack, after)
    federal = federal_units(states())
    if pack.outcome is not None:
        electorate = single_electorate(pack.pack.jurisdiction, pack.outcome)
        return Inputs(road, federal, pack.passage, electorate, f"comparator.{pack.id}")
    if pack.passage is not None:
        return Inputs(road, federal, pack.passage, california_electorate(counties()))
    return Inputs(road, federal)


@dataclass(frozen=True)
class HistoricalCheck:
    pack: str
    yes_share: Fraction
    turnout: Fraction
    passed: bool
    rule: str
    source: str


def historical_check(pack: RulePack) -> HistoricalCheck | None:
    """The comparator's real result under its own passage rule, in exact arithmetic."""
    outcome, passage = pack.outcome, pack.passage
    if outcome is None or passage is None:
        return None
    valid = outcome.yes_votes + outcome.no_votes
    rule = passage.approval
    word = "at least" if rule.comparison.value == "at-least" else "more than"
    return HistoricalCheck(
        pack.id,
        Fraction(outcome.yes_votes, valid),
        Fraction(outcome.ballots_cast, outcome.electorate),
        rule.passes(outcome.yes_votes, valid),
        f"yes / valid votes {word} {format_fraction(rule.min)}",
        outcome.source,
    )
