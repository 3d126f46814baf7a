"""The sortition problem: a pool of people, quotas on their features, a panel size.

A *feature* is a category such as ``region`` or ``party``; each person has one *value*
per feature (``Bay Area``, ``Democratic``). A :class:`Quota` bounds how many panel
members may have one value of one feature. People who share a ``household`` (an
address key) may not sit on the same panel.

A *panel* is a set of person ids of the panel size that meets every quota and the
household rule. A :class:`Distribution` is a probability distribution over panels; a
person's *selection probability* is the total weight of the panels that include them.
A :class:`UniformLottery` is the special distribution that gives each of ``m`` listed
panels (repeats allowed) weight ``1/m``, so a public draw of one index picks the panel.

This module is pure data; the algorithms live in :mod:`calexit.commission.lottery`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Panel = frozenset[str]
"""A panel: the ids of its members."""


@dataclass(frozen=True)
class Person:
    """One member of the pool, pseudonymous: an id and the features quotas look at."""

    id: str
    features: Mapping[str, str]
    household: str | None = None
    """An opaque key shared by people at the same address; ``None`` if unknown or alone."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", MappingProxyType(dict(self.features)))


@dataclass(frozen=True)
class Quota:
    """At least ``min`` and at most ``max`` panel members have ``feature == value``."""

    feature: str
    value: str
    min: int
    max: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.feature, self.value)

    def __str__(self) -> str:
        return f"{self.feature}={self.value} [{self.min}, {self.max}]"


@dataclass(frozen=True)
class Instance:
    """A whole selection problem. Build it from checked input; it assumes consistency:
    unique ids, ``0 <= min <= max`` and every person's value of every quota feature named
    by a quota. The file readers report violations as located problems first."""

    people: tuple[Person, ...]
    quotas: tuple[Quota, ...]
    panel_size: int

    @property
    def features(self) -> tuple[str, ...]:
        """The quota features, in first-seen order."""
        return tuple(dict.fromkeys(q.feature for q in self.quotas))

    def members(self, quota: Quota) -> tuple[str, ...]:
        """Ids of the people a quota counts."""
        return tuple(p.id for p in self.people if p.features.get(quota.feature) == quota.value)

    def households(self) -> dict[str, tuple[str, ...]]:
        """Households of two or more people: key -> their ids."""
        groups: dict[str, list[str]] = {}
        for person in self.people:
            if person.household is not None:
                groups.setdefault(person.household, []).append(person.id)
        return {key: tuple(ids) for key, ids in groups.items() if len(ids) > 1}

    def violations(self, panel: Iterable[str]) -> list[str]:
        """Why ``panel`` is not a valid panel (empty if it is)."""
        ids = list(panel)
        problems: list[str] = []
        if len(ids) != self.panel_size:
            problems.append(f"{len(ids)} members, not {self.panel_size}")
        if len(set(ids)) != len(ids):
            problems.append("a person appears twice")
        by_id = {p.id: p for p in self.people}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            problems.append(f"not in the pool: {', '.join(sorted(unknown))}")
        chosen = [by_id[i] for i in ids if i in by_id]
        counts = Counter((f, p.features.get(f)) for p in chosen for f in self.features)
        for quota in self.quotas:
            n = counts[quota.key]
            if not quota.min <= n <= quota.max:
                problems.append(f"{quota}: {n} members")
        homes = Counter(p.household for p in chosen if p.household is not None)
        problems.extend(f"household {h!r}: {n} members" for h, n in homes.items() if n > 1)
        return problems


@dataclass(frozen=True)
class Distribution:
    """Weights over panels (summing to 1), as an algorithm found them."""

    algorithm: str
    panels: tuple[Panel, ...]
    weights: tuple[float, ...]
    people: tuple[str, ...] = field(default=())
    """Every person in the pool, so that people no panel includes show probability 0."""

    def probabilities(self) -> dict[str, float]:
        """Each person's selection probability: the weight of the panels including them."""
        result = dict.fromkeys(self.people, 0.0)
        for panel, weight in zip(self.panels, self.weights, strict=True):
            for person in panel:
                result[person] = result.get(person, 0.0) + weight
        return result


@dataclass(frozen=True)
class UniformLottery:
    """``m`` panels, each drawn with probability ``1/m`` (a panel may be listed twice)."""

    algorithm: str
    panels: tuple[Panel, ...]
    people: tuple[str, ...] = field(default=())

    @property
    def m(self) -> int:
        return len(self.panels)

    def probabilities(self) -> dict[str, float]:
        counts = Counter(person for panel in self.panels for person in panel)
        return {person: counts[person] / self.m for person in (*self.people, *counts)}
