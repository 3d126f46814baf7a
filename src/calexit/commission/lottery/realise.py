"""From compositions back to panels of people, with every marginal exact.

Maximin and leximin work with compositions (how many members of each group of
interchangeable people sit on a panel, :mod:`~calexit.commission.lottery.groups`). A
composition with ``c`` of the ``n`` members of a group is turned into panels of people by
*systematic sampling* with one offset ``u``, uniform in ``[0, 1)`` and shared by every
group: member ``i`` (0-based, in pool order) of a group is chosen when the interval
``[u + i c / n, u + (i + 1) c / n)`` contains an integer. Exactly ``c`` members are chosen
and each with probability ``c / n``, so every member of a group gets the group's
probability. The chosen set only changes when ``u`` crosses a multiple of ``1 / n`` for some
group (of ``gcd(c, n) / n`` in fact), so the composition becomes finitely many panels,
one per stretch of ``u`` between consecutive breakpoints, weighted by the composition's
weight times the stretch's length.
Members of households of two or more are groups of one, so the household rule holds.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

from calexit.commission.lottery.groups import Composition, Group
from calexit.commission.model import Panel

WEIGHT_FLOOR = 1e-12
"""Compositions the LP gives less weight than this are dropped (solver noise)."""


def realise(
    groups: Sequence[Group], compositions: Sequence[Composition], weights: Sequence[float]
) -> tuple[tuple[Panel, ...], tuple[float, ...]]:
    """Panels of people and their weights (summing to 1) with the same per-group
    marginals as the distribution over compositions."""
    total = sum(w for w in weights if w > WEIGHT_FLOOR)
    merged: dict[Panel, float] = {}
    for composition, weight in zip(compositions, weights, strict=True):
        if weight <= WEIGHT_FLOOR:
            continue
        for panel, share in _pieces(groups, composition):
            merged[panel] = merged.get(panel, 0.0) + weight / total * float(share)
    ordered = sorted(merged, key=lambda panel: (-merged[panel], sorted(panel)))
    return tuple(ordered), tuple(merged[p] for p in ordered)


def _pieces(groups: Sequence[Group], composition: Composition) -> list[tuple[Panel, Fraction]]:
    """The panels of one composition and the share of ``[0, 1)`` each takes."""
    cuts = {Fraction(0), Fraction(1)}
    for group, c in zip(groups, composition, strict=True):
        if 0 < c < group.size:
            step = math.gcd(c, group.size)  # the crossings are the multiples of step / n
            cuts.update(Fraction(j * step, group.size) for j in range(1, group.size // step))
    points = sorted(cuts)
    pieces = []
    for left, right in itertools.pairwise(points):
        u = (left + right) / 2
        members: list[str] = []
        for group, c in zip(groups, composition, strict=True):
            n = group.size
            if c == n:
                members.extend(group.members)
            elif c > 0:
                # member i is chosen when floor(u + (i+1)c/n) > floor(u + ic/n)
                a, b = u.numerator, u.denominator
                previous = a * n // (b * n)
                for i, pid in enumerate(group.members):
                    following = (a * n + (i + 1) * c * b) // (b * n)
                    if following > previous:
                        members.append(pid)
                    previous = following
        pieces.append((frozenset(members), right - left))
    return pieces
