"""Write a point of the relaxation as a mixture of valid panels, walking down its faces.

Given expected counts ``c`` (:mod:`~calexit.commission.lottery.relaxation`), every
valid composition ``v`` of a mixture that averages to ``c`` lies on the smallest face of
the relaxation holding ``c``: the face where every bound and row tight at ``c`` is tight.
Each step finds a valid composition ``v`` on that face (an integral vertex of the face's
LP if there is one, else the face's MIP), takes the largest share ``lambda`` of ``v``
that leaves the rest ``(c - lambda v) / (1 - lambda)`` inside the relaxation, and goes on
with the rest, which sits on a smaller face. This is Carathéodory's constructive proof:
the face shrinks at every step, so the walk ends after at most one step per group, with a
valid composition as the rest.

The walk proves nothing when it stops early: a face may hold no valid composition even
though the relaxation's point is a mixture of valid panels, and the point may be no such
mixture at all. The caller then falls back to column generation, which is exact in every
case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from calexit.commission.lottery import highs
from calexit.commission.lottery.groups import Composition
from calexit.commission.lottery.panels import PanelConstraints
from calexit.commission.lottery.relaxation import relaxation_model

FACE_TOLERANCE = 1e-9
"""A bound or row within this of the point is tight: the face keeps it tight."""
LEFT_OVER = 5e-8
"""The walk ends when the share not yet written as panels is below this; the shares
found are then scaled to sum to one. (The rest is divided by the share left at every
step, so its rounding error grows as the share shrinks: on the synthetic 1,727/110
instance the face below a share of about 1.4e-9 held no valid composition.)"""
FACE_GAP = 1e-2
"""Relative MIP gap of the face MIP: any valid composition on the face will do, and its
objective (the point's own probabilities) only steers towards large steps."""


@dataclass(frozen=True)
class Decomposition:
    compositions: tuple[Composition, ...]
    weights: tuple[float, ...]
    complete: bool
    """Whether the weights sum to one (after scaling away at most ``LEFT_OVER``)."""
    mip_solves: int
    lp_solves: int


class FaceWalk:
    """The face LP and MIP, built once; every step only changes bounds and costs."""

    def __init__(self, constraints: PanelConstraints) -> None:
        self.constraints = constraints
        n = len(constraints.sizes)
        self._lp = relaxation_model(constraints)
        self._mip = relaxation_model(constraints)
        self._mip.changeColsIntegrality(
            n,
            np.arange(n, dtype=np.int32),
            np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8),
        )
        self._mip.setOptionValue("mip_rel_gap", FACE_GAP)
        self.lp_solves = 0
        self.mip_solves = 0

    def composition_on_face(self, point: NDArray[np.float64]) -> NDArray[np.float64] | None:
        """A valid composition on the smallest face holding ``point``, or ``None``."""
        con = self.constraints
        n = len(con.sizes)
        at_top = point >= con.sizes - FACE_TOLERANCE
        at_zero = point <= FACE_TOLERANCE
        col_lower = np.where(at_top, con.sizes, 0.0)
        col_upper = np.where(at_zero, 0.0, con.sizes)
        totals = con.rows @ point
        row_lower = np.where(totals >= con.upper - FACE_TOLERANCE, con.upper, con.lower)
        row_upper = np.where(totals <= con.lower + FACE_TOLERANCE, con.lower, con.upper)
        columns = np.arange(n, dtype=np.int32)
        rows = np.arange(len(con.lower), dtype=np.int32)
        costs = point / con.sizes
        for h in (self._lp, self._mip):
            h.changeColsBounds(n, columns, col_lower, col_upper)
            h.changeRowsBounds(len(rows), rows, row_lower, row_upper)  # type: ignore[attr-defined]
            h.changeColsCost(n, columns, costs)
        self.lp_solves += 1
        self._lp.run()
        if highs.optimal(self._lp):
            vertex = highs.column_values(self._lp)
            rounded = np.round(vertex)
            if np.abs(vertex - rounded).max() < FACE_TOLERANCE and con.satisfied_by(rounded):
                return rounded
        elif highs.infeasible(self._lp):
            return None
        self.mip_solves += 1
        self._mip.run()
        if not highs.optimal(self._mip):
            return None
        rounded = np.round(highs.column_values(self._mip))
        return rounded if con.satisfied_by(rounded) else None


def largest_share(
    constraints: PanelConstraints, point: NDArray[np.float64], v: NDArray[np.float64]
) -> float:
    """The largest ``lambda <= 1`` keeping ``(point - lambda v) / (1 - lambda)`` inside
    the relaxation: for each constraint ``a x >= b`` not tight at ``point``,
    ``lambda <= (a point - b) / (a v - b)`` wherever ``a v > b``."""
    con = constraints
    totals, at_v = con.rows @ point, con.rows @ v
    room = [
        (point, v, np.zeros_like(point)),  # c >= 0
        (-point, -v, -con.sizes),  # c <= n
        (totals, at_v, con.lower),  # rows >= lower
        (-totals, -at_v, -con.upper),  # rows <= upper
    ]
    share = 1.0
    for value, at, bound in room:
        pushing = at - bound > FACE_TOLERANCE
        if pushing.any():
            share = min(share, float(((value - bound)[pushing] / (at - bound)[pushing]).min()))
    return max(share, 0.0)


def decompose(
    constraints: PanelConstraints,
    counts: NDArray[np.float64],
    progress: Callable[[int], None] | None = None,
) -> Decomposition:
    """Valid compositions and weights averaging to ``counts`` (complete or not)."""
    walk = FaceWalk(constraints)
    point = np.array(counts, dtype=np.float64)
    left = 1.0
    found: list[tuple[Composition, float]] = []
    while left > LEFT_OVER:
        v = walk.composition_on_face(point)
        if v is None:
            break
        share = largest_share(constraints, point, v)
        if share <= 0.0:
            break
        found.append((tuple(int(x) for x in v), left * share))
        if progress is not None:
            progress(len(found))
        if share >= 1.0 - 1e-12:
            left = 0.0
            break
        point = np.clip((point - share * v) / (1.0 - share), 0.0, constraints.sizes)
        left *= 1.0 - share
    complete = left <= LEFT_OVER
    total = sum(w for _c, w in found)
    weights: dict[Composition, float] = {}
    for composition, weight in found:  # the same composition may come up twice
        weights[composition] = weights.get(composition, 0.0) + weight / (total if complete else 1.0)
    return Decomposition(
        compositions=tuple(weights),
        weights=tuple(weights.values()),
        complete=complete,
        mip_solves=walk.mip_solves,
        lp_solves=walk.lp_solves,
    )
