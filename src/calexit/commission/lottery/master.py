"""Column generation over panel compositions: the LP shared by maximin and leximin.

With groups ``g`` of sizes ``n_g`` and generated compositions ``P`` (column ``x_P``, the
probability of drawing a panel with composition ``P``), a member of ``g`` is selected
with probability ``pi_g(x) = sum_P x_P * c_g(P) / n_g``. The *restricted master* LP is

    maximise    z
    subject to  pi_g(x) - z >= 0             for each group not yet fixed
                pi_g(x)     >= f_g           for each fixed group (probability f_g)
                sum_P x_P = 1,   x >= 0,   z free

which is the leximin stage LP of Flanigan et al. (Nature 596, 2021, Methods,
"Leximin"); with no group fixed it is the maximin LP. (The paper solves its dual, where
the panels are constraints to be generated; the primal form here generates them as
columns, which is the same computation.)

Its dual has a variable ``y_g >= 0`` per group row and ``yhat`` for the convexity row;
the dual constraint of the free ``z`` says that the duals of the unfixed groups sum to
exactly 1. A composition not yet generated improves the LP exactly when its reduced cost
is negative, that is when ``sum_g (y_g / n_g) c_g > yhat``. Pricing is therefore the
panel finder with weights ``y_g / n_g``; when its proven bound is at most ``yhat`` (plus
``PRICING_TOLERANCE``) the restricted LP is optimal over all panels and its dual is
an optimal dual of the full stage LP.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import highspy
import numpy as np
from numpy.typing import NDArray

from calexit.commission.lottery import highs
from calexit.commission.lottery.groups import Composition, Group
from calexit.commission.lottery.optimum import GroupOptimum
from calexit.commission.lottery.panels import PanelFinder

PRICING_TOLERANCE = 1e-8
"""A composition enters when it beats ``yhat`` by more than this; the stage is optimal
when the pricing MIP proves that none beats it by more."""
LP_TOLERANCE = 1e-9
"""HiGHS's primal and dual feasibility tolerances for the master LP."""
LOOSE_GAP = 1e-3
"""Relative MIP gap of the pricing MIP solved in every round; the proof of optimality at
the end of a stage re-prices with the finder's tight gap."""


CLIMB_STARTS = 30
"""Columns in use (the heaviest first) from which the swap heuristic
(:meth:`PanelFinder.improve`) looks for more new columns in every round, beside the
pricing MIP's best one. The heuristic only supplies columns: every stage still ends with
the pricing MIP's proof that no composition beats ``yhat`` by more than
``PRICING_TOLERANCE``."""
PRUNE_AT = 4
"""Prune the master LP when it has more than this many columns per group ..."""
PRUNE_TO = 2
"""... down to this many per group (columns at weight zero, out of the basis)."""


@dataclass(frozen=True)
class MasterSolution:
    z: float
    """The minimum probability over groups not yet fixed."""
    duals: NDArray[np.float64]
    """``y_g`` per group."""
    yhat: float
    weights: NDArray[np.float64]
    """``x_P`` per generated composition, in generation order."""
    probabilities: NDArray[np.float64]
    """``pi_g(x)`` per group."""


class Master:
    """The restricted master LP and the column generation loop around it."""

    def __init__(self, groups: Sequence[Group], finder: PanelFinder) -> None:
        self.groups = tuple(groups)
        self.finder = finder
        self.sizes = np.array([g.size for g in self.groups], dtype=np.float64)
        self.columns: list[Composition] = []
        self._known: set[Composition] = set()
        self.fixed: dict[int, float] = {}
        n = len(self.groups)
        self._counts = np.zeros((0, n), dtype=np.float64)
        h = self._h = highs.quiet()
        h.setOptionValue("primal_feasibility_tolerance", LP_TOLERANCE)
        h.setOptionValue("dual_feasibility_tolerance", LP_TOLERANCE)
        h.setOptionValue("presolve", "off")
        h.setOptionValue("simplex_strategy", 4)  # primal: new columns keep the basis feasible
        h.changeObjectiveSense(highs.MAXIMIZE)
        # column 0: z, free
        highs.add_columns(h, [-highs.INF], [highs.INF], [1.0])
        for _g in range(n):  # pi_g - z >= 0
            highs.add_row(h, 0.0, highs.INF, [0], [-1.0])
        highs.add_row(h, 1.0, 1.0, [], [])  # sum x = 1
        self.lp_solves = 0

    def add(self, composition: Composition) -> bool:
        """Add a composition as a column; ``False`` if it is already there."""
        if composition in self._known:
            return False
        self._known.add(composition)
        self.columns.append(composition)
        rows = [g for g, c in enumerate(composition) if c]
        values = [composition[g] / float(self.sizes[g]) for g in rows]
        n = len(self.groups)
        highs.add_column(self._h, 0.0, 0.0, highs.INF, [*rows, n], [*values, 1.0])
        return True

    def fix(self, group: int, probability: float) -> None:
        """From now on ``group`` keeps at least ``probability``."""
        self.fixed[group] = probability
        self._h.changeCoeff(group, 0, 0.0)
        self._h.changeRowBounds(group, probability, highs.INF)

    def aim(self, targets: NDArray[np.float64]) -> None:
        """Make the LP ``max z`` s.t. ``pi_g(x) >= z * targets[g]`` for every group: the
        largest share of the targets the columns reach (``z = 1`` when they reach them
        all). The duals then satisfy ``sum_g y_g * targets[g] = 1``; pricing is unchanged."""
        for g, target in enumerate(targets):
            self._h.changeCoeff(g, 0, -float(target))
            self._h.changeRowBounds(g, 0.0, highs.INF)

    def solve(self) -> MasterSolution:
        self.lp_solves += 1
        self._h.run()
        if not highs.optimal(self._h):
            # A rare simplex failure from a warm start: solve again from scratch.
            self._h.clearSolver()
            self._h.run()
            if not highs.optimal(self._h):
                raise RuntimeError(f"HiGHS could not solve the master LP: {highs.status(self._h)}")
        n = len(self.groups)
        values = highs.column_values(self._h)
        duals = highs.row_duals(self._h)
        x = np.clip(values[1:], 0.0, None)
        total = float(x.sum())
        if total > 0:
            x = x / total
        return MasterSolution(
            z=float(values[0]),
            # HiGHS reports the duals of a maximisation with the opposite sign
            duals=np.clip(-duals[:n], 0.0, None),
            yhat=float(duals[n]),
            weights=x,
            probabilities=self.probabilities(x),
        )

    def probabilities(self, weights: NDArray[np.float64]) -> NDArray[np.float64]:
        """``pi_g`` for column weights ``weights``."""
        if not self.columns:
            return np.zeros(len(self.groups))
        if self._counts.shape[0] != len(self.columns):
            new = np.array(self.columns[self._counts.shape[0] :], dtype=np.float64)
            self._counts = np.vstack([self._counts, new.reshape(-1, len(self.groups))])
        counts = self._counts
        return np.asarray((weights @ counts) / self.sizes, dtype=np.float64)

    def optimise(
        self, progress: Callable[[int], None] | None = None, enough: float | None = None
    ) -> MasterSolution:
        """Generate columns until no composition has a negative reduced cost, or until
        ``z`` reaches ``enough``.

        Every round solves the LP, then adds both the swap heuristic's columns and the
        loose pricing MIP's best one. The MIP's column, the steepest available, is what
        keeps the later rounds of a stage from tailing off: with the heuristic's columns
        alone the second stage of the synthetic 250/20 instance took 117 rounds, with
        both it takes about 30. The MIP runs on a second thread while the heuristic
        climbs (HiGHS releases the interpreter lock); the columns enter in the same order
        either way, so the result does not depend on the timing."""
        with ThreadPoolExecutor(max_workers=1) as pricing:
            return self._optimise(pricing, progress, enough)

    def _optimise(
        self,
        pricing: ThreadPoolExecutor,
        progress: Callable[[int], None] | None,
        enough: float | None,
    ) -> MasterSolution:
        while True:
            solution = self.solve()
            if progress is not None:
                progress(len(self.columns))
            if enough is not None and solution.z >= enough:
                return solution
            prices = solution.duals / self.sizes
            if len(self.columns) > PRUNE_AT * len(self.groups):
                dropped = self.prune(PRUNE_TO * len(self.groups))
                solution = replace(solution, weights=np.delete(solution.weights, dropped))
            priced_later = pricing.submit(self.finder.best, prices, gap=LOOSE_GAP)
            climbed = self._climb(solution, prices)
            found = priced_later.result()
            if found is None:  # pragma: no cover - the caller checked feasibility
                raise RuntimeError("the panel model became infeasible")
            priced = found.value > solution.yhat + PRICING_TOLERANCE and self.add(found.composition)
            if priced or climbed:
                continue
            if found.bound <= solution.yhat + PRICING_TOLERANCE:
                return solution
            found = self.finder.best(prices)
            if found is None:  # pragma: no cover
                raise RuntimeError("the panel model became infeasible")
            if found.value > solution.yhat + PRICING_TOLERANCE and self.add(found.composition):
                continue
            return solution

    def optimum(self, algorithm: str, solution: MasterSolution, stages: int) -> GroupOptimum:
        """``solution`` over the columns generated, with counts of the work done."""
        return GroupOptimum(
            algorithm=algorithm,
            groups=self.groups,
            compositions=tuple(self.columns),
            weights=tuple(float(w) for w in solution.weights),
            probabilities=tuple(float(p) for p in solution.probabilities),
            stats={
                "mip_solves": self.finder.calls,
                "lp_solves": self.lp_solves,
                "columns": len(self.columns),
                "stages": stages,
            },
        )

    def prune(self, keep: int) -> list[int]:
        """Drop columns out of the basis at weight zero, the most negative reduced costs
        first, until at most ``keep`` remain; pricing re-adds any that are needed. Returns
        the indices dropped."""
        if len(self.columns) <= keep:
            return []
        h = self._h
        status = h.getBasis().col_status
        duals = np.asarray(h.getSolution().col_dual, dtype=np.float64)
        values = highs.column_values(h)
        basic = highspy.HighsBasisStatus.kBasic
        candidates = [
            j for j in range(len(self.columns)) if status[j + 1] != basic and values[j + 1] <= 0.0
        ]
        # HiGHS reports reduced costs of a maximisation: most negative = least useful
        candidates.sort(key=lambda j: float(duals[j + 1]))
        drop = sorted(candidates[: len(self.columns) - keep])
        if not drop:
            return []
        h.deleteCols(len(drop), np.asarray([j + 1 for j in drop], dtype=np.int32))
        gone = set(drop)
        for j in drop:
            self._known.discard(self.columns[j])
        self.columns = [c for j, c in enumerate(self.columns) if j not in gone]
        self._counts = np.zeros((0, len(self.groups)), dtype=np.float64)  # rebuilt when needed
        return drop

    def _climb(self, solution: MasterSolution, prices: NDArray[np.float64]) -> bool:
        """Add columns of positive reduced cost found by the swap heuristic from the
        columns in use; ``True`` if any was added."""
        threshold = solution.yhat + PRICING_TOLERANCE
        added = 0
        for index in np.argsort(-solution.weights)[:CLIMB_STARTS]:
            if solution.weights[index] <= 0:
                break
            found = self.finder.improve(prices, self.columns[int(index)], threshold)
            if found is not None and self.add(found):
                added += 1
        return added > 0

    def seed(self, rng_seed: int = 0) -> None:
        """Initial columns that put every group on some panel, where a panel can hold it.

        While any group is on no column the master LP's optimum is ``z = 0`` and its
        duals point at one uncovered group at a time, so column generation would add
        them one by one. Instead each new column is a best panel when a member of an
        uncovered group weighs one over the group's size and everyone else (almost)
        nothing, ties broken by a small random weight from ``rng_seed``; when the best
        panel holds no uncovered group, the groups left cannot sit on any panel."""
        rng = np.random.default_rng(rng_seed)
        jitter = 0.01 * rng.random(len(self.groups))
        uncovered = np.ones(len(self.groups), dtype=bool)
        while uncovered.any():
            weights = np.where(uncovered, 1.0 - jitter, jitter * 1e-3)
            found = self.finder.best(weights / self.sizes, gap=LOOSE_GAP)
            if found is None:
                return
            held = np.array(found.composition) > 0
            if not (held & uncovered).any():
                return
            self.add(found.composition)
            uncovered &= ~held
