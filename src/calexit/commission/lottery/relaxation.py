"""LEXIMIN over the LP relaxation of the panel polytope: one small LP per stage.

A distribution over valid panels gives each group ``g`` the expected count
``E[c_g] = n_g * pi_g``, a point of the convex hull of the valid compositions. That hull
lies inside the *relaxation* ``{c : lower <= rows @ c <= upper, 0 <= c <= n}`` of the
panel model (:class:`~calexit.commission.lottery.panels.PanelConstraints`), so the
leximin point of the relaxation is lexicographically at least as good as the true
leximin. When it is also a mixture of valid panels
(:mod:`~calexit.commission.lottery.decomposition`) it *is* the leximin, found with LPs of
one variable per group instead of column generation over panels.

Each stage is the LP ``max z`` subject to the relaxation, ``c_g / n_g >= z`` for groups not
yet fixed and ``c_g / n_g >= f_g`` for fixed ones; the stage rule
(:mod:`~calexit.commission.lottery.fixing`) fixes groups until none is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from calexit.commission.lottery import highs
from calexit.commission.lottery.fixing import held_at, tight_groups
from calexit.commission.lottery.master import LP_TOLERANCE
from calexit.commission.lottery.panels import PanelConstraints


@dataclass(frozen=True)
class RelaxedLeximin:
    counts: NDArray[np.float64]
    """``E[c_g]`` per group at the relaxation's leximin point."""
    stages: int


def relaxation_model(constraints: PanelConstraints) -> highspy.Highs:
    """An LP over the relaxation, objective zero, for the caller to extend."""
    h = highs.quiet()
    h.setOptionValue("presolve", "off")
    h.setOptionValue("primal_feasibility_tolerance", LP_TOLERANCE)
    h.setOptionValue("dual_feasibility_tolerance", LP_TOLERANCE)
    h.changeObjectiveSense(highs.MAXIMIZE)
    n = len(constraints.sizes)
    highs.add_columns(h, [0.0] * n, list(constraints.sizes), [0.0] * n)
    for row, lower, upper in zip(
        constraints.rows, constraints.lower, constraints.upper, strict=True
    ):
        columns = [int(g) for g in np.flatnonzero(row)]
        highs.add_row(h, float(lower), float(upper), columns, [1.0] * len(columns))
    return h


def relaxed_leximin(constraints: PanelConstraints) -> RelaxedLeximin | None:
    """The leximin point of the relaxation, or ``None`` if the relaxation is empty."""
    h = relaxation_model(constraints)
    sizes = constraints.sizes
    n = len(sizes)
    highs.add_columns(h, [-highs.INF], [highs.INF], [1.0])  # column n: z
    first = h.getNumRow()
    for g in range(n):  # c_g / n_g - z >= 0
        highs.add_row(h, 0.0, highs.INF, [g, n], [1.0 / float(sizes[g]), -1.0])
    fixed: set[int] = set()
    stages = 0
    while len(fixed) < n:
        stages += 1
        h.run()
        if not highs.optimal(h):
            if highs.infeasible(h):
                return None
            raise RuntimeError(f"HiGHS could not solve the relaxation: {highs.status(h)}")
        solution = h.getSolution()
        z = float(solution.col_value[n])
        # HiGHS reports the duals of a maximisation with the opposite sign
        duals = -np.asarray(solution.row_dual[first:], dtype=np.float64)
        for g in tight_groups(duals, [g for g in range(n) if g not in fixed]):
            fixed.add(g)
            h.changeCoeff(first + g, n, 0.0)
            h.changeRowBounds(first + g, held_at(z), highs.INF)
    counts = np.asarray(h.getSolution().col_value[:n], dtype=np.float64)
    return RelaxedLeximin(counts=np.clip(counts, 0.0, sizes), stages=stages)
