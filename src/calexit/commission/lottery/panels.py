"""The panel finder: a mixed-integer program whose solutions are exactly the valid panels.

For groups ``g`` (:mod:`~calexit.commission.lottery.groups`) with ``n_g`` members the
variables are integers ``0 <= c_g <= n_g``, how many members of ``g`` sit on the panel;
with one group per person they are the binary ``x_i`` of the usual formulation
(Flanigan et al., *Fair algorithms for selecting citizens' assemblies*, Nature 596, 2021,
Methods). The constraints are

* ``sum_g c_g = k`` (the panel size);
* for each quota ``(f, v, lo, hi)``: ``lo <= sum_{g: value of f is v} c_g <= hi``;
* for each household of two or more people: at most one of them.

Given a weight per member of each group, :meth:`PanelFinder.best` maximises
``sum_g w_g c_g``. Column generation calls it many times with new weights, so the model
is built once and only its objective changes between calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from calexit.commission.lottery import highs
from calexit.commission.lottery.groups import (
    Composition,
    Group,
    counted_by,
    first_members,
    group_people,
    household_groups,
)
from calexit.commission.model import Instance, Panel, Quota

TIGHT_GAP = 1e-9
"""The relative MIP gap when a proof of optimality is needed."""


@dataclass(frozen=True)
class PanelConstraints:
    """The panel model's constraints as arrays: ``lower <= rows @ c <= upper`` and
    ``0 <= c <= sizes``. The first row is the panel size, then one row per quota, then one
    per household of two or more people."""

    rows: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    sizes: NDArray[np.float64]

    def satisfied_by(self, counts: NDArray[np.float64]) -> bool:
        """Whether the (integer) ``counts`` meet every row and bound exactly."""
        totals = self.rows @ counts
        return bool(
            (totals >= self.lower).all()
            and (totals <= self.upper).all()
            and (counts >= 0).all()
            and (counts <= self.sizes).all()
        )


@dataclass(frozen=True)
class Found:
    """A best composition for some weights, its objective value and HiGHS's proven upper
    bound on the best value (equal to ``value`` up to the optimality gap)."""

    composition: Composition
    value: float
    bound: float


class PanelFinder:
    """Finds valid panels of an instance, optionally with changed quota bounds."""

    def __init__(
        self,
        instance: Instance,
        groups: Sequence[Group] | None = None,
        *,
        quotas: Sequence[Quota] | None = None,
    ) -> None:
        self.instance = instance
        self.groups = tuple(groups) if groups is not None else group_people(instance)
        self.quotas = tuple(quotas) if quotas is not None else instance.quotas
        self._h = highs.quiet()
        h = self._h
        h.setOptionValue("mip_rel_gap", TIGHT_GAP)
        h.setOptionValue("mip_abs_gap", 1e-12)
        h.setOptionValue("presolve", "off")
        n = len(self.groups)
        sizes = [float(g.size) for g in self.groups]
        highs.add_columns(h, [0.0] * n, sizes, [0.0] * n)
        h.changeColsIntegrality(
            n,
            np.arange(n, dtype=np.int32),
            np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8),
        )
        k = float(instance.panel_size)
        highs.add_row(h, k, k, list(range(n)), [1.0] * n)
        self._counted = [counted_by(instance, self.groups, q) for q in self.quotas]
        for quota, counted in zip(self.quotas, self._counted, strict=True):
            highs.add_row(h, float(quota.min), float(quota.max), counted, [1.0] * len(counted))
        self._homes = household_groups(self.groups)
        for home in self._homes:
            highs.add_row(h, 0.0, 1.0, home, [1.0] * len(home))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.calls = 0
        # The same constraints as arrays, for the swap heuristic: rows are the quotas,
        # then the households; ``lower <= rows @ c <= upper``.
        matrix = np.zeros((len(self.quotas) + len(self._homes), n), dtype=np.int64)
        lower = np.zeros(matrix.shape[0], dtype=np.int64)
        upper = np.ones(matrix.shape[0], dtype=np.int64)
        for r, (quota, counted) in enumerate(zip(self.quotas, self._counted, strict=True)):
            matrix[r, counted] = 1
            lower[r], upper[r] = quota.min, quota.max
        for r, home in enumerate(self._homes, start=len(self.quotas)):
            matrix[r, home] = 1
        self._rows, self._lower, self._upper = matrix, lower, upper
        self._float_rows = matrix.astype(np.float64)
        self._sizes = np.array(sizes, dtype=np.int64)

    def constraints(self) -> PanelConstraints:
        """The constraints of the model, for the LP relaxation and its faces."""
        k = float(self.instance.panel_size)
        n = len(self.groups)
        return PanelConstraints(
            rows=np.vstack([np.ones((1, n)), self._float_rows]),
            lower=np.concatenate([[k], self._lower.astype(np.float64)]),
            upper=np.concatenate([[k], self._upper.astype(np.float64)]),
            sizes=self._sizes.astype(np.float64),
        )

    @classmethod
    def for_people(cls, instance: Instance) -> PanelFinder:
        """A finder with one group per person, for per-person weights."""
        return cls(instance, group_people(instance, singletons=True))

    def best(
        self, weights: Sequence[float] | NDArray[np.float64], *, gap: float = TIGHT_GAP
    ) -> Found | None:
        """The composition maximising ``sum_g weights[g] * c_g`` (to within the relative
        ``gap``); ``None`` if there is no valid panel at all."""
        n = len(self.groups)
        weights = [float(w) for w in weights]
        highs.set_costs(self._h, list(range(n)), weights)
        self._h.setOptionValue("mip_rel_gap", gap)
        self.calls += 1
        self._h.run()
        if not highs.optimal(self._h):
            if highs.infeasible(self._h):
                return None
            raise RuntimeError(f"HiGHS could not solve the panel model: {highs.status(self._h)}")
        composition = tuple(round(v) for v in highs.column_values(self._h))
        problems = self.check(composition)
        if problems:  # pragma: no cover - a solver tolerance bug, never seen
            raise RuntimeError(f"HiGHS returned an invalid panel: {'; '.join(problems)}")
        value = float(sum(w * c for w, c in zip(weights, composition, strict=True)))
        info = self._h.getInfo()
        bound = max(value, float(info.mip_dual_bound))
        return Found(composition, value, bound)

    def improve(
        self,
        weights: NDArray[np.float64],
        start: Composition,
        threshold: float,
        max_moves: int = 50,
    ) -> Composition | None:
        """A valid composition of weight above ``threshold`` reached from the valid
        ``start`` by moving one member at a time from one group to another (steepest
        ascent to a local optimum, every step valid), or ``None`` if the climb ends below
        it. A cheap heuristic: ``None`` proves nothing."""
        c = np.array(start, dtype=np.int64)
        rows, lower, upper = self._float_rows, self._lower, self._upper
        w = np.asarray(weights, dtype=np.float64)
        counts = self._rows @ c
        value = float(w @ c)
        for _ in range(max_moves):
            out = np.flatnonzero(c > 0)  # a member leaves one of these groups
            if out.size == 0:
                break
            # and joins one of these: only a heavier group can make a gain
            into = np.flatnonzero((c < self._sizes) & (w > w[out].min()))
            if into.size == 0:
                break
            gain = w[into][None, :] - w[out][:, None]
            gain[out[:, None] == into[None, :]] = -np.inf
            # A move breaks a row at its lower bound if it takes a member out of the row
            # and puts none back, and a row at its upper bound if the reverse.
            low = rows[counts <= lower]
            high = rows[counts >= upper]
            broken = low[:, out].T @ (1.0 - low[:, into]) + (1.0 - high[:, out]).T @ high[:, into]
            gain[broken > 0.5] = -np.inf
            best = int(np.argmax(gain))
            i, j = divmod(best, into.size)
            if not gain[i, j] > 1e-12:
                break
            a, b = out[i], into[j]
            c[a] -= 1
            c[b] += 1
            counts += self._rows[:, b] - self._rows[:, a]
            value = float(w @ c)
        return tuple(int(v) for v in c) if value > threshold else None

    def any(self) -> Composition | None:
        """Some valid composition, or ``None`` if the quotas cannot be met."""
        found = self.best([0.0] * len(self.groups))
        return None if found is None else found.composition

    def check(self, composition: Composition) -> list[str]:
        """Why ``composition`` is not valid (in exact integer arithmetic)."""
        problems: list[str] = []
        if len(composition) != len(self.groups):
            return [f"{len(composition)} counts for {len(self.groups)} groups"]
        for g, (group, c) in enumerate(zip(self.groups, composition, strict=True)):
            if not 0 <= c <= group.size:
                problems.append(f"group {g}: {c} of {group.size}")
        if sum(composition) != self.instance.panel_size:
            problems.append(f"{sum(composition)} members, not {self.instance.panel_size}")
        for quota, counted in zip(self.quotas, self._counted, strict=True):
            got = sum(composition[g] for g in counted)
            if not quota.min <= got <= quota.max:
                problems.append(f"{quota}: {got} members")
        problems.extend(
            f"household of groups {home}: more than one member"
            for home in self._homes
            if sum(composition[g] for g in home) > 1
        )
        return problems

    def panel(self, composition: Composition) -> Panel:
        """A panel of people with this composition."""
        return first_members(self.groups, composition)

    def best_panel(self, weights: Mapping[str, float]) -> Panel | None:
        """The valid panel maximising the total weight of its members (people missing from
        ``weights`` weigh 0). Within a group every member must have the same weight; build
        the finder with :meth:`for_people` for arbitrary weights."""
        per_group: list[float] = []
        for group in self.groups:
            values = {weights.get(pid, 0.0) for pid in group.members}
            if len(values) > 1:
                raise ValueError("weights differ within a group: use PanelFinder.for_people")
            per_group.append(values.pop())
        found = self.best(per_group)
        return None if found is None else self.panel(found.composition)


def find_panel(instance: Instance) -> Panel | None:
    """Any valid panel of ``instance``, or ``None`` if none exists."""
    finder = PanelFinder(instance)
    composition = finder.any()
    return None if composition is None else finder.panel(composition)


def best_panel(instance: Instance, weights: Mapping[str, float]) -> Panel | None:
    """The valid panel with the largest total weight, or ``None`` if none exists."""
    return PanelFinder.for_people(instance).best_panel(weights)
