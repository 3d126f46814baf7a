"""Interchangeable people: the symmetry every algorithm here exploits.

Two people with the same value of every quota feature, neither of whom shares a
household with anyone else in the pool, can be swapped in any panel without breaking a
quota or the household rule: the swap is a symmetry of the instance. A *group* is a
maximal set of such people; a person who shares a household is a group of one.

The leximin selection probabilities are unique (the leximin optimum over the convex set
of achievable probability vectors is a single point), so a symmetry cannot change them:
everyone in a group gets the same probability. Maximin has a symmetric optimum too (the
average of an optimum over all swaps is feasible and no worse). So the algorithms work
with *compositions*, one count per group (how many of its members sit on the panel),
instead of sets of people, and turn the result back into panels of people at the end
(:mod:`calexit.commission.lottery.realise`). A pool of 2,000 people with two features
has a handful of groups, not 2,000 variables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calexit.commission.model import Instance, Panel, Quota

Composition = tuple[int, ...]
"""How many members of each group (in :func:`group_people` order) sit on a panel."""


@dataclass(frozen=True)
class Group:
    """People who can stand in for one another; ``household`` is set only for a
    person whose household has two or more people in the pool (then ``size == 1``)."""

    profile: tuple[str | None, ...]
    """The value of each quota feature, in ``Instance.features`` order."""
    members: tuple[str, ...]
    household: str | None = None

    @property
    def size(self) -> int:
        return len(self.members)


def group_people(instance: Instance, *, singletons: bool = False) -> tuple[Group, ...]:
    """The groups of ``instance``, in order of each group's first member in the pool.

    With ``singletons`` every person is a group of one (for per-person objectives)."""
    features = instance.features
    shared = {pid for ids in instance.households().values() for pid in ids}
    by_profile: dict[tuple[str | None, ...], list[str]] = {}
    order: list[tuple[str | None, ...] | str] = []
    alone: dict[str, Group] = {}
    for person in instance.people:
        profile = tuple(person.features.get(f) for f in features)
        if singletons or person.id in shared:
            household = person.household if person.id in shared else None
            alone[person.id] = Group(profile, (person.id,), household)
            order.append(person.id)
        else:
            if profile not in by_profile:
                by_profile[profile] = []
                order.append(profile)
            by_profile[profile].append(person.id)
    groups: list[Group] = []
    for key in order:
        if isinstance(key, str):
            groups.append(alone[key])
        else:
            groups.append(Group(key, tuple(by_profile[key])))
    return tuple(groups)


def counted_by(instance: Instance, groups: Sequence[Group], quota: Quota) -> list[int]:
    """Indices of the groups whose members a quota counts."""
    column = instance.features.index(quota.feature)
    return [g for g, group in enumerate(groups) if group.profile[column] == quota.value]


def household_groups(groups: Sequence[Group]) -> list[list[int]]:
    """For each household of two or more people, the indices of its members' groups."""
    homes: dict[str, list[int]] = {}
    for g, group in enumerate(groups):
        if group.household is not None:
            homes.setdefault(group.household, []).append(g)
    return [indices for indices in homes.values() if len(indices) > 1]


def first_members(groups: Sequence[Group], composition: Composition) -> Panel:
    """A panel with this composition: the first ``count`` members of each group."""
    return frozenset(
        pid
        for group, count in zip(groups, composition, strict=True)
        for pid in group.members[:count]
    )


def composition_of(groups: Sequence[Group], panel: Panel) -> Composition:
    """How many members of each group ``panel`` has."""
    return tuple(sum(1 for pid in group.members if pid in panel) for group in groups)
