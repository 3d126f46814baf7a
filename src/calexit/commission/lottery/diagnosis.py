"""Infeasible quotas, diagnosed: which quotas conflict, and the smallest relaxation.

Two mixed-integer programs over the groups of interchangeable people
(:mod:`~calexit.commission.lottery.groups`), both solved with HiGHS:

* **The smallest relaxation.** Every quota ``(f, v, lo, hi)`` gets elastic variables
  ``d, u >= 0``: the panel must have between ``lo - d`` and ``hi + u`` members with
  ``f = v``, where ``d`` and ``u`` may not exceed the quota's relaxation limit (0 keeps
  the bound fixed; no limit by default). The panel size and the household rule never
  move. Minimising ``sum (d + u)`` gives the proposal: the fewest seats' worth of change
  to the bounds that makes a valid panel exist (the elastic-programming approach to
  infeasibility analysis, Chinneck, *Feasibility and Infeasibility in Optimization*,
  2008, ch. 7). The quotas whose bounds move are reported with their new bounds.
* **A minimal conflicting set** (an irreducible infeasible subset, by Chinneck's deletion
  filter): starting from all quotas, drop each quota whose removal leaves the rest still
  unsatisfiable. What remains cannot be met together, but any one of them can be
  dropped to make the rest satisfiable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from calexit.commission.lottery import highs
from calexit.commission.lottery.groups import Group, counted_by, group_people, household_groups
from calexit.commission.lottery.panels import PanelFinder
from calexit.commission.model import Instance, Quota


@dataclass(frozen=True)
class Diagnosis:
    """Why no valid panel exists, and what would fix it."""

    panel_size: int
    conflict: tuple[Quota, ...]
    """A minimal set of quotas that cannot all be met (empty if the quotas are fine, or
    if the panel size and household rule alone cannot be met)."""
    proposal: tuple[Quota, ...] | None
    """Every quota with its proposed bounds; ``None`` if no relaxation within the limits
    makes a valid panel possible."""
    total: int
    """Seats' worth of relaxation in the proposal (sum of the moves of all bounds)."""
    reason: str = ""
    """Set when no relaxation of the quotas can help (too few people for the panel)."""

    @property
    def feasible(self) -> bool:
        return not self.conflict and not self.reason and self.total == 0

    @property
    def changes(self) -> tuple[tuple[Quota, Quota], ...]:
        """``(old, new)`` for each quota the proposal moves."""
        if self.proposal is None:
            return ()
        return tuple(
            (old, new) for old, new in zip(self.old, self.proposal, strict=True) if old != new
        )

    old: tuple[Quota, ...] = ()
    """The quotas as given."""

    def lines(self) -> list[str]:
        if self.feasible:
            return ["the quotas can be met"]
        lines: list[str] = []
        if self.reason:
            lines.append(self.reason)
        if self.conflict:
            lines.append(
                f"these quotas cannot all be met by a panel of {self.panel_size}: "
                + "; ".join(str(q) for q in self.conflict)
            )
        if self.proposal is None:
            if not self.reason:
                lines.append("no relaxation within the allowed limits makes a valid panel possible")
        else:
            moves = "; ".join(f"{old} -> [{new.min}, {new.max}]" for old, new in self.changes)
            lines.append(f"smallest relaxation ({self.total} in total): {moves}")
        return lines


def diagnose(instance: Instance, limits: Mapping[tuple[str, str], int] | None = None) -> Diagnosis:
    """Diagnose ``instance``'s quotas; ``limits`` caps how far each quota's min may drop
    and its max may rise (keyed by ``(feature, value)``; absent means unlimited)."""
    limits = limits or {}
    groups = group_people(instance)
    quotas = instance.quotas
    k = instance.panel_size
    if PanelFinder(instance, groups).any() is not None:
        return Diagnosis(k, (), tuple(quotas), 0, old=tuple(quotas))
    if PanelFinder(instance, groups, quotas=()).any() is None:
        reason = (
            f"no {k} people of the pool of {len(instance.people)} can sit together "
            "(the panel size or the household rule cannot be met, whatever the quotas)"
        )
        return Diagnosis(k, (), None, 0, reason=reason, old=tuple(quotas))
    conflict = _conflict(instance, groups, list(quotas))
    proposal = _relax(instance, groups, limits)
    total = (
        0
        if proposal is None
        else sum((q.min - p.min) + (p.max - q.max) for q, p in zip(quotas, proposal, strict=True))
    )
    return Diagnosis(k, tuple(conflict), proposal, total, old=tuple(quotas))


def _conflict(instance: Instance, groups: Sequence[Group], quotas: list[Quota]) -> list[Quota]:
    """Chinneck's deletion filter over the quotas."""
    kept = list(quotas)
    for quota in list(kept):
        trial = [q for q in kept if q is not quota]
        if PanelFinder(instance, groups, quotas=trial).any() is None:
            kept = trial
    return kept


def _relax(
    instance: Instance, groups: Sequence[Group], limits: Mapping[tuple[str, str], int]
) -> tuple[Quota, ...] | None:
    quotas = instance.quotas
    k = instance.panel_size
    n, q = len(groups), len(quotas)
    h = highs.quiet()
    sizes = [float(g.size) for g in groups]
    # columns: c_g (n), then d_r (q), then u_r (q)
    highs.add_columns(h, [0.0] * n, sizes, [0.0] * n)
    down = [float(min(limits.get(qt.key, k), qt.min)) for qt in quotas]
    up = [float(max(0, min(limits.get(qt.key, k), k - qt.max))) for qt in quotas]
    highs.add_columns(h, [0.0] * q, down, [1.0] * q)
    highs.add_columns(h, [0.0] * q, up, [1.0] * q)
    total = n + 2 * q
    h.changeColsIntegrality(
        total,
        np.arange(total, dtype=np.int32),
        np.full(total, highspy.HighsVarType.kInteger, dtype=np.uint8),
    )
    highs.add_row(h, float(k), float(k), list(range(n)), [1.0] * n)
    for r, quota in enumerate(quotas):
        counted = counted_by(instance, groups, quota)
        highs.add_row(
            h, float(quota.min), highs.INF, [*counted, n + r], [1.0] * len(counted) + [1.0]
        )
        highs.add_row(
            h, -highs.INF, float(quota.max), [*counted, n + q + r], [1.0] * len(counted) + [-1.0]
        )
    for home in household_groups(groups):
        highs.add_row(h, 0.0, 1.0, home, [1.0] * len(home))
    h.run()
    if not highs.optimal(h):
        if highs.infeasible(h):
            return None
        raise RuntimeError(f"HiGHS could not solve the relaxation model: {highs.status(h)}")
    values = highs.column_values(h)
    return tuple(
        Quota(
            quota.feature,
            quota.value,
            quota.min - round(values[n + r]),
            quota.max + round(values[n + q + r]),
        )
        for r, quota in enumerate(quotas)
    )
