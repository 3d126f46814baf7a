"""LEXIMIN: maximise the smallest selection probability, then the second smallest, ...

Three exact routes to the same, unique, optimum, tried in turn; groups of interchangeable people
(:mod:`calexit.commission.lottery.groups`) stand in for people, since everyone in a group
has the same leximin probability.

1. **The relaxation first.** The leximin point of the LP relaxation of the panel model
   (:mod:`~calexit.commission.lottery.relaxation`) takes one small LP per stage. It is
   lexicographically at least the true leximin, so any mixture of valid panels that
   gives every group its probability, to within ``DECOMPOSITION_TOLERANCE``, is the
   leximin distribution. The face walk
   (:mod:`~calexit.commission.lottery.decomposition`) looks for one.
2. **Column generation towards it**, when the walk stops early: ``max z`` such that every
   group gets at least ``z`` times its relaxation probability
   (:meth:`~calexit.commission.lottery.master.Master.aim`), from the walk's panels. It
   stops as soon as ``z`` reaches 1; if pricing proves that ``z`` cannot, the relaxation's
   point is no mixture of panels.
3. **Stage by stage otherwise**: the algorithm of Flanigan et al., *Fair algorithms for
   selecting citizens' assemblies* (Nature 596, 2021, Methods, "Leximin"). Each *stage*
   maximises the minimum probability ``z`` of the groups not yet fixed, keeping every
   fixed group at least at its fixed probability, by column generation over panels
   (:mod:`calexit.commission.lottery.master`), and fixes the groups the stage rule
   (:mod:`~calexit.commission.lottery.fixing`) names. When every group is fixed, the last
   LP solution is the leximin distribution, exact to solver tolerance
   (``PRICING_TOLERANCE`` per stage). The panels found so far start it off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from calexit.commission.lottery.decomposition import Decomposition, decompose
from calexit.commission.lottery.fixing import held_at, tight_groups
from calexit.commission.lottery.groups import Composition
from calexit.commission.lottery.master import Master, MasterSolution
from calexit.commission.lottery.maximin import finder_for, start
from calexit.commission.lottery.optimum import GroupOptimum, Progress
from calexit.commission.lottery.panels import PanelConstraints, PanelFinder
from calexit.commission.lottery.relaxation import RelaxedLeximin, relaxed_leximin
from calexit.commission.model import Instance

DECOMPOSITION_TOLERANCE = 5e-8
"""The largest difference per group between the relaxation's leximin probabilities and
the panel mixture's for the mixture to count as the leximin distribution. (A walk that
leaves less than ``LEFT_OVER`` of the probability, 5e-8, moves no probability by more.)"""
REACH_TOLERANCE = 1e-9
"""Column generation towards the relaxation's leximin stops once the mixture reaches
``1 - REACH_TOLERANCE`` of every group's probability."""


def leximin_optimum(
    instance: Instance, progress: Progress | None = None, *, seed: int = 0
) -> GroupOptimum:
    """The leximin distribution over compositions."""
    finder = finder_for(instance, progress)
    constraints = finder.constraints()
    relaxed = relaxed_leximin(constraints)
    if relaxed is None:
        raise ValueError("the instance has no valid panel")  # the caller diagnoses first

    def found(panels: int) -> None:
        if progress is not None:
            progress(f"leximin of the relaxation: {panels} panels found")

    walk = decompose(constraints, relaxed.counts, found)
    walked = by_walk(finder, constraints, relaxed, walk)
    if walked is not None:
        return walked
    master = start(finder, seed, walk.compositions, cover=False)
    aimed = by_aim(master, relaxed, walk, progress)
    if aimed is not None:
        return aimed
    return column_generation(progress, seed, finder, master.columns)


def by_walk(
    finder: PanelFinder,
    constraints: PanelConstraints,
    relaxed: RelaxedLeximin,
    walk: Decomposition,
) -> GroupOptimum | None:
    """Route 1: the walk's mixture, if it reaches the relaxation's leximin."""
    sizes = constraints.sizes
    if not walk.complete:
        return None
    counts = np.asarray(walk.compositions, dtype=np.float64)
    probabilities = (np.asarray(walk.weights) @ counts) / sizes
    if not reaches(probabilities, relaxed.counts / sizes):
        return None
    return GroupOptimum(
        algorithm="leximin",
        groups=finder.groups,
        compositions=walk.compositions,
        weights=walk.weights,
        probabilities=tuple(float(p) for p in probabilities),
        stats={
            "mip_solves": walk.mip_solves,
            "lp_solves": walk.lp_solves + relaxed.stages,
            "columns": len(walk.compositions),
            "stages": relaxed.stages,
            "route": 1,
        },
    )


def by_aim(
    master: Master, relaxed: RelaxedLeximin, walk: Decomposition, progress: Progress | None
) -> GroupOptimum | None:
    """Route 2: column generation aimed at the relaxation's leximin from the master's
    columns (the walk's panels), or ``None`` if pricing proves it out of reach (``master``
    keeps the columns)."""
    target = relaxed.counts / master.sizes
    master.aim(target)

    def report(columns: int) -> None:
        if progress is not None:
            progress(f"leximin of the relaxation: {columns} panels generated towards it")

    solution = master.optimise(report, enough=1.0 - REACH_TOLERANCE)
    if not reaches(solution.probabilities, target):
        return None
    optimum = master.optimum("leximin", solution, relaxed.stages)
    work = {
        "mip_solves": optimum.stats["mip_solves"] + walk.mip_solves,
        "lp_solves": optimum.stats["lp_solves"] + walk.lp_solves + relaxed.stages,
    }
    return replace(optimum, stats={**optimum.stats, **work, "route": 2})


def reaches(probabilities: NDArray[np.float64], target: NDArray[np.float64]) -> bool:
    """Whether a mixture's probabilities are the relaxation's, to within tolerance."""
    return float(np.abs(probabilities - target).max()) <= DECOMPOSITION_TOLERANCE


def column_generation(
    progress: Progress | None,
    seed: int,
    finder: PanelFinder,
    columns: Sequence[Composition] = (),
) -> GroupOptimum:
    """Route 3: leximin stage by stage, starting from ``columns`` as well."""
    master = start(finder, seed, columns)
    groups = master.groups
    people = sum(g.size for g in groups)
    stages = 0
    solution: MasterSolution | None = None
    while len(master.fixed) < len(groups):
        stages += 1
        fixed_people = sum(groups[g].size for g in master.fixed)

        def report(columns: int, stage: int = stages, done: int = fixed_people) -> None:
            if progress is not None:
                progress(
                    f"leximin stage {stage}: {done} of {people} probabilities fixed, "
                    f"{columns} panels generated"
                )

        solution = master.optimise(report)
        unfixed = [g for g in range(len(groups)) if g not in master.fixed]
        for g in tight_groups(solution.duals, unfixed):
            master.fix(g, held_at(solution.z))
    if solution is None:  # pragma: no cover - an instance has at least one group
        raise ValueError("an empty pool")
    # The last stage's optimum meets every fixed probability: it is the leximin optimum.
    optimum = master.optimum("leximin", solution, stages)
    return replace(optimum, stats={**optimum.stats, "route": 3})
