"""LEGACY: the greedy stratified draw sortition organisers used before 2021, as a baseline.

As described by Flanigan et al. (*Fair algorithms for selecting citizens' assemblies*,
Nature 596, 2021, Methods, "Benchmark: LEGACY") and in the documentation of the
Sortition Foundation's ``stratification`` tool, the panel is filled one seat at a time:

1. among the feature values that still have pool members left and a maximum above 0,
   take the one whose *ratio* ``(min - selected) / remaining`` is largest (the most
   urgent unmet minimum relative to the people left who could meet it; ties go to the
   first quota in the instance's order);
2. pick a uniformly random remaining person with that value and seat them; the other
   members of their household leave the pool;
3. every value that has reached its maximum loses its remaining people;
4. if some value's unmet minimum now exceeds the people left with it, or the pool runs
   dry, the attempt fails and the whole draw starts again.

LEGACY draws a panel; it has no explicit distribution. Its selection probabilities are
estimated by running it many times with a seeded generator; the result is an empirical
distribution (each distinct panel weighted by how often it came up), reported as such.
Its unfairness is the reason leximin exists: on the Nature paper's Alternate instance it
seats the lone female conservative almost every time.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from calexit.commission.model import Instance, Panel

MAX_ATTEMPTS = 1000
"""Failed attempts in a row after which one draw gives up."""


class LegacyFailedError(Exception):
    """LEGACY failed :data:`MAX_ATTEMPTS` times in a row."""


class _Legacy:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.k = instance.panel_size
        self.quotas = instance.quotas
        index = {q.key: r for r, q in enumerate(self.quotas)}
        features = instance.features
        self.rows: list[list[int]] = []  # the quota rows each person counts towards
        for person in instance.people:
            rows = []
            for feature in features:
                key = (feature, person.features.get(feature, ""))
                if key in index:
                    rows.append(index[key])
            self.rows.append(rows)
        homes: dict[str, list[int]] = {}
        for i, person in enumerate(instance.people):
            if person.household is not None:
                homes.setdefault(person.household, []).append(i)
        self.home = [
            homes.get(p.household, []) if p.household is not None else [] for p in instance.people
        ]

    def attempt(self, rng: random.Random) -> Panel | None:  # noqa: PLR0912 - one pass of the greedy draw
        quotas = self.quotas
        members: list[list[int]] = [[] for _ in quotas]
        position: list[dict[int, int]] = [{} for _ in quotas]
        for i, rows in enumerate(self.rows):
            for r in rows:
                position[r][i] = len(members[r])
                members[r].append(i)
        alive = [True] * len(self.rows)
        selected = [0] * len(quotas)

        def remove(i: int) -> None:
            alive[i] = False
            for r in self.rows[i]:
                where = position[r].pop(i)
                last = members[r].pop()
                if last != i:
                    members[r][where] = last
                    position[r][last] = where

        for r, quota in enumerate(quotas):
            if quota.max == 0:
                for i in list(members[r]):
                    remove(i)
        panel: list[int] = []
        for _ in range(self.k):
            best, best_ratio = -1, -float("inf")
            for r, quota in enumerate(quotas):
                remaining = len(members[r])
                needed = quota.min - selected[r]
                if needed > remaining:
                    return None
                if remaining == 0 or quota.max == 0:
                    continue
                ratio = needed / remaining
                if ratio > best_ratio:
                    best, best_ratio = r, ratio
            if best < 0:
                return None
            person = members[best][rng.randrange(len(members[best]))]
            panel.append(person)
            remove(person)
            for other in self.home[person]:
                if alive[other]:
                    remove(other)
            for r in self.rows[person]:
                selected[r] += 1
                if selected[r] >= quotas[r].max:
                    for i in list(members[r]):
                        remove(i)
        chosen = frozenset(self.instance.people[i].id for i in panel)
        if self.instance.violations(chosen):
            return None
        return chosen


def legacy_draw(instance: Instance, rng: random.Random) -> Panel:
    """One LEGACY panel (restarting after failed attempts)."""
    machine = _Legacy(instance)
    for _ in range(MAX_ATTEMPTS):
        panel = machine.attempt(rng)
        if panel is not None:
            return panel
    raise LegacyFailedError(f"LEGACY failed {MAX_ATTEMPTS} times in a row")


def legacy_distribution(
    instance: Instance,
    runs: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> tuple[tuple[Panel, ...], tuple[float, ...]]:
    """The empirical distribution of ``runs`` LEGACY draws from ``random.Random(seed)``."""
    rng = random.Random(seed)
    machine = _Legacy(instance)
    counts: Counter[Panel] = Counter()
    for run in range(runs):
        for _ in range(MAX_ATTEMPTS):
            panel = machine.attempt(rng)
            if panel is not None:
                counts[panel] += 1
                break
        else:
            raise LegacyFailedError(f"LEGACY failed {MAX_ATTEMPTS} times in a row")
        if progress is not None and (run + 1) % 1000 == 0:
            progress(f"legacy: {run + 1} of {runs} draws")
    ordered = sorted(counts, key=lambda panel: (-counts[panel], sorted(panel)))
    return tuple(ordered), tuple(counts[p] / runs for p in ordered)
