"""MAXIMIN: the distribution over panels that maximises the smallest selection probability.

One LP over all valid panels, ``max z`` s.t. every person's probability is at least
``z``, solved by column generation (Flanigan et al., Nature 596, 2021, Methods; the
LP and its pricing are in :mod:`calexit.commission.lottery.master`). Optimal to solver
tolerance: the last pricing MIP proves that no panel left out could raise ``z`` by more
than ``PRICING_TOLERANCE``. Maximin says nothing about anyone above the minimum; leximin
(:mod:`calexit.commission.lottery.leximin`) does.
"""

from __future__ import annotations

from collections.abc import Sequence

from calexit.commission.lottery.groups import Composition, group_people
from calexit.commission.lottery.master import Master
from calexit.commission.lottery.optimum import GroupOptimum, Progress
from calexit.commission.lottery.panels import PanelFinder
from calexit.commission.model import Instance


def finder_for(instance: Instance, progress: Progress | None) -> PanelFinder:
    """The panel finder over the instance's groups of equals, announced to ``progress``."""
    finder = PanelFinder(instance, group_people(instance))
    if progress is not None:
        progress(f"{len(instance.people)} people in {len(finder.groups)} groups of equals")
    return finder


def start(
    finder: PanelFinder,
    seed: int = 0,
    columns: Sequence[Composition] = (),
    *,
    cover: bool = True,
) -> Master:
    """A master LP with the covering start (:meth:`Master.seed`) and then ``columns``;
    without ``cover``, the covering start only if ``columns`` is empty. The instance must
    be feasible."""
    master = Master(finder.groups, finder)
    if cover:
        master.seed(seed)
    for composition in columns:
        master.add(composition)
    if not master.columns:
        master.seed(seed)
    if not master.columns:
        raise ValueError("the instance has no valid panel")  # the caller diagnoses first
    return master


def maximin_optimum(
    instance: Instance, progress: Progress | None = None, *, seed: int = 0
) -> GroupOptimum:
    """The maximin distribution over compositions."""
    master = start(finder_for(instance, progress), seed)

    def report(columns: int) -> None:
        if progress is not None:
            progress(f"maximin: {columns} panels generated")

    solution = master.optimise(report)
    return master.optimum("maximin", solution, 1)
