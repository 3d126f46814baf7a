"""The commission's viability register: the study areas, their questions, the key
figures from the shipped facts (each with its source) and their status; and the table
of hurdles from seed 002.

The register is data (``calexit/pathway/data/viability.toml``); this module turns the
parsed document into records and links each figure to a shipped fact by key, so a
figure cannot drift from ``ca_facts.csv``. Every problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from calexit.errors import InputError, Problem
from calexit.reference.records import Fact


class Status(StrEnum):
    OPEN = "open"
    """Not yet studied: the commission has not met."""
    IN_STUDY = "in study"
    INTERIM = "interim report"
    FINAL = "final report"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    fact: Fact

    @property
    def text(self) -> str:
        if self.fact.value is None:
            return f"not confirmed ({self.fact.unit})"
        return f"{self.fact.bound}{self.fact.value:,} {self.fact.unit} ({self.fact.year})"


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    questions: tuple[str, ...]
    figures: tuple[Figure, ...]
    status: Status
    source: str


@dataclass(frozen=True)
class Hurdle:
    challenge: str
    explanation: str
    areas: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Register:
    title: str
    source: str
    areas: tuple[Area, ...]
    hurdles: tuple[Hurdle, ...]

    def area(self, area_id: str) -> Area:
        for candidate in self.areas:
            if candidate.id == area_id:
                return candidate
        raise KeyError(area_id)


def _text(table: Mapping[str, Any], key: str, where: str, problems: list[Problem]) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem("must be non-empty text", source=where, key=key))
        return ""
    return value


def _texts(
    table: Mapping[str, Any], key: str, where: str, problems: list[Problem]
) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(Problem("must be a list of non-empty texts", source=where, key=key))
        return ()
    return tuple(value)


def _area(
    table: Mapping[str, Any], where: str, facts: Mapping[str, Fact], problems: list[Problem]
) -> Area:
    figures = []
    for index, item in enumerate(table.get("figures", [])):
        key = item.get("fact", "") if isinstance(item, dict) else ""
        if key not in facts:
            problems.append(
                Problem("names no shipped fact", source=where, key=f"figures[{index}]", value=key)
            )
            continue
        label = item.get("label", key)
        figures.append(Figure(key, str(label), facts[key]))
    status_text = table.get("status", "")
    if status_text not in {s.value for s in Status}:
        problems.append(
            Problem(
                f"must be one of {', '.join(s.value for s in Status)}",
                source=where,
                key="status",
                value=str(status_text),
            )
        )
        status_text = Status.OPEN.value
    return Area(
        _text(table, "id", where, problems),
        _text(table, "title", where, problems),
        _texts(table, "questions", where, problems),
        tuple(figures),
        Status(status_text),
        _text(table, "source", where, problems),
    )


def parse_register(document: Mapping[str, Any], facts: Sequence[Fact], source: str) -> Register:
    """The register from a parsed TOML document; figures are looked up in ``facts``."""
    by_key = {f.key: f for f in facts}
    problems: list[Problem] = []
    head = document.get("register", {})
    areas = tuple(
        _area(t, f"{source} areas[{i}]", by_key, problems)
        for i, t in enumerate(document.get("areas", []))
    )
    hurdles = tuple(
        Hurdle(
            _text(t, "challenge", f"{source} hurdles[{i}]", problems),
            _text(t, "explanation", f"{source} hurdles[{i}]", problems),
            _texts(t, "areas", f"{source} hurdles[{i}]", problems),
            _text(t, "source", f"{source} hurdles[{i}]", problems),
        )
        for i, t in enumerate(document.get("hurdles", []))
    )
    ids = [a.id for a in areas]
    for hurdle in hurdles:
        for area in hurdle.areas:
            if area not in ids:
                problems.append(Problem("names no study area", source=source, key=area))
    if problems:
        raise InputError(f"{source}: the viability register has problems", problems)
    return Register(
        _text(head, "title", source, problems),
        _text(head, "source", source, problems),
        areas,
        hurdles,
    )
