"""LEXIMIN: maximise the smallest selection probability, then the second smallest, ...

The algorithm of Flanigan et al., *Fair algorithms for selecting citizens' assemblies*
(Nature 596, 2021, Methods, "Leximin"). Each *stage* maximises the minimum probability
``z`` of the people not yet fixed, keeping every fixed person at least at their fixed
probability, by column generation over panels (:mod:`calexit.commission.lottery.master`).
At the stage optimum the dual variable ``y_g`` of a not-yet-fixed group is positive only
if its constraint ``pi_g >= z`` is tight in *every* optimal solution (complementary
slackness), so those groups cannot rise above ``z``: they are fixed at ``z``. At least
one group is fixed per stage, because the duals of the unfixed groups sum to one. When
every group is fixed, the last LP solution is the leximin distribution.

Groups of interchangeable people (:mod:`calexit.commission.lottery.groups`) stand in for
people: the leximin probabilities are unique, so everyone in a group has the same one.
Exact to solver tolerance (``PRICING_TOLERANCE`` per stage).
"""

from __future__ import annotations

from calexit.commission.lottery.master import MasterSolution
from calexit.commission.lottery.maximin import start
from calexit.commission.lottery.optimum import GroupOptimum, Progress
from calexit.commission.model import Instance

FIX_TOLERANCE = 1e-7
"""A group is fixed when its dual exceeds this."""
FIX_MARGIN = 1e-9
"""A fixed group is held at its stage value minus this, so that floating-point noise in
the last solution never makes the next stage infeasible."""


def leximin_optimum(
    instance: Instance, progress: Progress | None = None, *, seed: int = 0
) -> GroupOptimum:
    """The leximin distribution over compositions."""
    master = start(instance, progress, seed)
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
        duals = solution.duals
        unfixed = [g for g in range(len(groups)) if g not in master.fixed]
        tight = [g for g in unfixed if duals[g] > FIX_TOLERANCE]
        if not tight:  # pragma: no cover - duals of unfixed groups sum to one
            tight = [max(unfixed, key=lambda g: float(duals[g]))]
        for g in tight:
            master.fix(g, max(0.0, solution.z - FIX_MARGIN))
    if solution is None:  # pragma: no cover - an instance has at least one group
        raise ValueError("an empty pool")
    # The last stage's optimum meets every fixed probability: it is the leximin optimum.
    return master.optimum("leximin", solution, stages)
