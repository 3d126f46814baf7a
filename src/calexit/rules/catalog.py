"""A pack flattened to rows (rule, value, source): for tables, JSON and ``docs/rules.md``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from pydantic import BaseModel

from calexit.rules.model import Gate, Outcome, Rule, RulePack, Threshold, format_fraction


@dataclass(frozen=True)
class RuleRow:
    key: str
    value: str
    source: str
    basis: str
    note: str = ""


def _text(value: object) -> str:
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _threshold_text(rule: Threshold) -> str:
    word = "at least" if rule.comparison.value == "at-least" else "more than"
    return f"{rule.numerator.value} / {rule.denominator.value} {word} {format_fraction(rule.min)}"


def _gate_text(gate: Gate) -> str:
    word = "at least" if gate.comparison.value == "at-least" else "more than"
    route = f" [route: {gate.route}]" if gate.route else ""
    return f"{gate.body}: {word} {format_fraction(gate.threshold)} of {gate.of.value}{route}"


def _outcome_text(outcome: Outcome) -> str:
    valid = outcome.yes_votes + outcome.no_votes
    yes = format_fraction(Fraction(round(Fraction(outcome.yes_votes * 10000, valid)), 10000))
    turnout = Fraction(round(Fraction(outcome.ballots_cast * 10000, outcome.electorate)), 10000)
    return (
        f"{outcome.date.isoformat()}: yes {outcome.yes_votes:,}, no {outcome.no_votes:,} "
        f"(yes {yes}); turnout {format_fraction(turnout)} of {outcome.electorate:,}"
    )


def _walk(model: BaseModel, prefix: str) -> Iterator[RuleRow]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Rule):
            yield RuleRow(key, _text(value.value), value.source, value.basis.value, value.note)
        elif isinstance(value, Threshold):
            yield RuleRow(key, _threshold_text(value), value.source, value.basis.value, value.note)
        elif isinstance(value, tuple) and value and isinstance(value[0], Rule):
            for index, item in enumerate(value):
                yield RuleRow(
                    f"{key}[{index}]", _text(item.value), item.source, item.basis.value, item.note
                )
        elif isinstance(value, BaseModel):
            yield from _walk(value, key)


def rule_rows(pack: RulePack) -> list[RuleRow]:
    """Every cited rule of the pack, in file order; gates and the outcome last."""
    rows: list[RuleRow] = []
    for section in ("measure", "petition", "election", "passage", "commission"):
        model = getattr(pack, section)
        if model is not None:
            rows.extend(_walk(model, section))
    for gate in pack.gates:
        rows.append(
            RuleRow(f"gates.{gate.id}", _gate_text(gate), gate.source, gate.basis.value, gate.note)
        )
    if pack.outcome is not None:
        outcome = pack.outcome
        rows.append(
            RuleRow(
                "outcome", _outcome_text(outcome), outcome.source, outcome.basis.value, outcome.note
            )
        )
    return rows
