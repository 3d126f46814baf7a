"""The scenario: every number the pathway model assumes, each with its source.

A scenario is a set of named parameters (``plebiscite.yes_share``,
``federal.support_democratic``, ...). Each has a value, an optional range for the
sensitivity table (``low``, ``high``), a source and a basis (``data``, ``poll``,
``historical``, ``law``, ``assumption``). The shipped default lives in
``calexit/pathway/data/default_scenario.toml``; a user's file overrides any of its
parameters, and outputs say which file each number came from.

This module holds the vocabulary and checks one parameter's fields; reading a file
(with line numbers for every problem) is :mod:`calexit.files.pathway_scenario`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum


class Kind(StrEnum):
    PROBABILITY = "probability"
    """A probability or a share: between 0 and 1."""
    SPREAD = "spread"
    """A standard deviation: at least 0."""
    COEFFICIENT = "coefficient"
    """A slope: between 0 and 5."""


class Basis(StrEnum):
    DATA = "data"
    POLL = "poll"
    HISTORICAL = "historical"
    LAW = "law"
    ASSUMPTION = "assumption"


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    kind: Kind
    meaning: str
    support: bool = False
    """A support parameter: raising it can only make a gate more likely to pass."""


_SPECS = (
    ParameterSpec(
        "road.petition_qualifies",
        Kind.PROBABILITY,
        "probability that the petition qualifies for the ballot",
        support=True,
    ),
    ParameterSpec(
        "road.commission_reports",
        Kind.PROBABILITY,
        "probability that the commission delivers its final report",
        support=True,
    ),
    ParameterSpec(
        "road.negotiation_agreed",
        Kind.PROBABILITY,
        "probability that a negotiated exit is agreed once the amendment is ratified",
        support=True,
    ),
    ParameterSpec(
        "plebiscite.yes_share",
        Kind.PROBABILITY,
        "expected statewide yes share of yes-plus-no votes",
        support=True,
    ),
    ParameterSpec(
        "plebiscite.yes_sd",
        Kind.SPREAD,
        "standard deviation of the statewide (shared) error in the yes share (log-odds)",
    ),
    ParameterSpec(
        "plebiscite.yes_regional_sd",
        Kind.SPREAD,
        "standard deviation of each region's own error in the yes share (log-odds)",
    ),
    ParameterSpec(
        "plebiscite.partisan_slope",
        Kind.COEFFICIENT,
        "how strongly a county's yes share follows its 2024 Harris share (log-odds per log-odds)",
    ),
    ParameterSpec(
        "plebiscite.turnout",
        Kind.PROBABILITY,
        "expected ballots cast per registered voter, statewide",
    ),
    ParameterSpec(
        "plebiscite.turnout_sd",
        Kind.SPREAD,
        "standard deviation of the statewide error in turnout (log-odds)",
    ),
    ParameterSpec(
        "plebiscite.turnout_regional_sd",
        Kind.SPREAD,
        "standard deviation of each region's own error in turnout (log-odds)",
    ),
    ParameterSpec(
        "federal.support_democratic",
        Kind.PROBABILITY,
        "probability that a Democratic legislator (or Democratic-leaning unit) consents",
        support=True,
    ),
    ParameterSpec(
        "federal.support_republican",
        Kind.PROBABILITY,
        "probability that a Republican legislator (or Republican-leaning unit) consents",
        support=True,
    ),
    ParameterSpec(
        "federal.national_sd",
        Kind.SPREAD,
        "standard deviation of the national swing shared by every federal unit (log-odds)",
    ),
    ParameterSpec(
        "federal.state_sd",
        Kind.SPREAD,
        "standard deviation of each state's own swing, shared by its units (log-odds)",
    ),
    ParameterSpec(
        "recognition.member_support",
        Kind.PROBABILITY,
        "probability that a UN member state votes to admit California",
        support=True,
    ),
    ParameterSpec(
        "recognition.permanent_member_support",
        Kind.PROBABILITY,
        "probability that each permanent member of the Security Council concurs",
        support=True,
    ),
    ParameterSpec(
        "recognition.sd",
        Kind.SPREAD,
        "standard deviation of the swing shared by all UN members (log-odds)",
    ),
)

COMPARATOR_FIELDS = (
    ParameterSpec("yes_share", Kind.PROBABILITY, "expected yes share of valid votes", True),
    ParameterSpec(
        "yes_sd", Kind.SPREAD, "standard deviation of the error in the yes share (log-odds)"
    ),
    ParameterSpec("turnout", Kind.PROBABILITY, "expected ballots cast per elector"),
    ParameterSpec(
        "turnout_sd", Kind.SPREAD, "standard deviation of the error in turnout (log-odds)"
    ),
)
"""Fields of ``[comparator.<pack>]``: a comparator's electorate is one unit."""

PARAMETERS: Mapping[str, ParameterSpec] = {s.name: s for s in _SPECS}
FIELDS = ("value", "low", "high", "source", "basis", "note")


def comparator_spec(pack: str, name: str) -> ParameterSpec | None:
    for spec in COMPARATOR_FIELDS:
        if spec.name == name:
            return replace(spec, name=f"comparator.{pack}.{name}")
    return None


def gate_spec(parameter: str, body: str) -> ParameterSpec:
    return ParameterSpec(parameter, Kind.PROBABILITY, f"probability that {body} consents", True)


@dataclass(frozen=True)
class Parameter:
    value: float
    source: str
    basis: Basis = Basis.ASSUMPTION
    low: float | None = None
    high: float | None = None
    note: str = ""
    origin: str = ""
    """The scenario file the value came from."""


def check_fields(spec: ParameterSpec, fields: Mapping[str, object]) -> list[tuple[str, str]]:
    """Every problem with one parameter's table, as ``(field, message)``; empty if it is good."""
    problems: list[tuple[str, str]] = []
    for name in fields:
        if name not in FIELDS:
            problems.append((name, f"unknown field; a parameter has {', '.join(FIELDS)}"))
    source = fields.get("source")
    if source is None:
        problems.append(("source", "missing source: every number needs one"))
    elif not isinstance(source, str) or not source.strip():
        problems.append(("source", "must be non-empty text"))
    basis = fields.get("basis", Basis.ASSUMPTION.value)
    if basis not in {b.value for b in Basis}:
        problems.append(("basis", f"must be one of {', '.join(b.value for b in Basis)}"))
    if "value" not in fields:
        problems.append(("value", "missing value"))
    numbers: dict[str, float] = {}
    for name in ("value", "low", "high"):
        if name not in fields:
            continue
        raw = fields[name]
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            problems.append((name, "must be a number"))
            continue
        numbers[name] = float(raw)
        problems.extend((name, m) for m in _bounds(spec, float(raw)))
    low, value, high = numbers.get("low"), numbers.get("value"), numbers.get("high")
    if low is not None and value is not None and low > value:
        problems.append(("low", "must not exceed value"))
    if high is not None and value is not None and high < value:
        problems.append(("high", "must not be below value"))
    return problems


def _bounds(spec: ParameterSpec, number: float) -> list[str]:
    if spec.kind is Kind.PROBABILITY and not 0 <= number <= 1:
        return [f"a probability must lie in [0, 1], got {number:g}"]
    if spec.kind is Kind.SPREAD and not 0 <= number <= 5:
        return [f"a standard deviation must lie in [0, 5], got {number:g}"]
    if spec.kind is Kind.COEFFICIENT and not 0 <= number <= 5:
        return [f"a slope must lie in [0, 5], got {number:g}"]
    return []


def parameter_from(fields: Mapping[str, object], origin: str) -> Parameter:
    """A parameter from a table that :func:`check_fields` accepted."""

    def number(name: str) -> float | None:
        raw = fields.get(name)
        return None if raw is None else float(raw)  # type: ignore[arg-type]

    value = number("value")
    return Parameter(
        value=0.0 if value is None else value,
        source=str(fields["source"]),
        basis=Basis(str(fields.get("basis", Basis.ASSUMPTION.value))),
        low=number("low"),
        high=number("high"),
        note=str(fields.get("note", "")),
        origin=origin,
    )


@dataclass(frozen=True)
class Scenario:
    """Named parameters with their sources; ``files`` lists the files read, in order."""

    name: str
    title: str
    parameters: Mapping[str, Parameter]
    files: tuple[str, ...] = ()
    summary: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def value(self, name: str) -> float:
        return self.parameters[name].value

    def get(self, name: str, default: float) -> float:
        parameter = self.parameters.get(name)
        return default if parameter is None else parameter.value

    def with_value(self, name: str, value: float) -> Scenario:
        """The same scenario with one parameter changed (for the sensitivity table)."""
        old = self.parameters[name]
        changed = dict(self.parameters)
        changed[name] = replace(old, value=value)
        return replace(self, parameters=changed)

    def with_values(self, values: Mapping[str, float]) -> Scenario:
        result = self
        for name, value in values.items():
            result = result.with_value(name, value)
        return result

    def overridden_by(self, other: Scenario) -> Scenario:
        """This scenario with ``other``'s parameters laid over it."""
        merged = {**self.parameters, **other.parameters}
        return Scenario(
            other.name,
            other.title,
            merged,
            (*self.files, *other.files),
            other.summary or self.summary,
            (*self.notes, *other.notes),
        )
