"""Rounding a distribution over panels to a uniform lottery of ``m`` panels.

Flanigan, Kehne and Procaccia (*Fair Sortition Made Transparent*, NeurIPS 2021) make the
draw observable by publishing ``m`` panels and drawing one index uniformly. The panel
weights ``w_P`` of the optimal distribution become integers ``x_P`` (how many of the
``m`` slots show panel ``P``) with ``sum x_P = m``; person ``i``'s probability becomes
``sum_{P ∋ i} x_P / m`` instead of ``p_i = sum_{P ∋ i} w_P``. Their rounding argument is
the Beck–Fiala theorem, and so is this module:

**Bound.** Every person's probability under the lottery differs from the optimum by
*less than* ``k / m`` (``k`` the panel size): ``|x-probability - p_i| < k / m``.

**Algorithm** (iterative rounding in the style of Beck and Fiala, 1981). Start from
``y_P = m w_P``; each ``x_P`` stays in ``[floor(y_P), ceil(y_P)]`` and is *floating* until
it is an integer. Keep as constraints the panel-count row ``sum x_P = m`` and the row of
every person who sits on more than ``k`` floating panels (but not on all of them, which
the count row already covers). A floating panel has ``k`` people, so there are fewer such
rows than floating panels minus one whenever more than ``k + 1`` panels float, and with at
most ``k + 1`` floating none is kept; either way the kept rows leave a direction ``v`` on
the floating panels that changes no kept row. Move ``x`` along ``+v`` or ``-v`` until
some coordinate reaches its floor or ceiling (it stops floating), and repeat. A person's
row stays exact while kept; once dropped, the person sits on at most ``k`` floating
panels, each of which moves by less than 1 before it stops, so their count moves by less
than ``k``. The count row is never dropped, so exactly ``m`` panels come out.

The direction's sign is drawn (from a generator seeded by ``seed``) with probabilities
that make each step a martingale, so over the seed every ``x_P`` has expectation ``y_P``
and the lottery's probabilities are exact *in expectation* (the randomised dependent
rounding the paper also discusses); the bound above holds for every seed. Everything is
deterministic given the distribution, ``m`` and ``seed``, so the list can be re-derived.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from calexit.commission.lottery.groups import Composition, Group, composition_of, group_people
from calexit.commission.model import Distribution, Instance, Panel, UniformLottery

SNAP = 1e-9
"""A coordinate this close to an integer is that integer."""
SYMMETRY_TOLERANCE = 1e-9
"""Members of a group whose probabilities differ by less than this count as equal."""
BATCH = 32
"""Extra floating panels per null-space computation beyond the kept rows."""


def rounding_bound(instance: Instance, m: int) -> float:
    """The guaranteed bound (strict) on how far :func:`round_lottery` moves anyone's
    selection probability: ``(k + 1) / m`` for panel size ``k`` (``k / m`` from the
    Beck–Fiala rounding, plus at most ``1 / m`` from spreading a group's seats over its
    interchangeable members)."""
    return (instance.panel_size + 1) / m


def round_lottery(
    instance: Instance, distribution: Distribution, m: int = 1000, *, seed: int = 0
) -> UniformLottery:
    """``m`` equally likely panels whose selection probabilities are each within
    :func:`rounding_bound` of ``distribution``'s (deterministic in ``seed``)."""
    if m < 1:
        raise ValueError("m must be positive")
    pairs = [
        (p, w) for p, w in zip(distribution.panels, distribution.weights, strict=True) if w > 0
    ]
    if not pairs:
        raise ValueError("an empty distribution")
    total = sum(w for _, w in pairs)
    people = distribution.people or tuple(p.id for p in instance.people)
    rng = np.random.default_rng(seed)
    k = instance.panel_size
    groups = group_people(instance)
    probabilities = distribution.probabilities()
    symmetric = all(
        max(probabilities.get(pid, 0.0) for pid in g.members)
        - min(probabilities.get(pid, 0.0) for pid in g.members)
        <= SYMMETRY_TOLERANCE
        for g in groups
    )
    listed: list[Panel] = []
    if symmetric:
        merged: dict[Composition, float] = {}
        for panel, weight in pairs:
            c = composition_of(groups, panel)
            merged[c] = merged.get(c, 0.0) + weight / total
        compositions = sorted(merged, reverse=True)
        sizes = np.array([g.size for g in groups], dtype=np.float64)
        rows = np.array(compositions, dtype=np.float64).T / sizes[:, None]
        y = m * np.array([merged[c] for c in compositions])
        counts = _iterative(rows, float(k), y, rng)
        listed = _spread(groups, compositions, counts)
    else:
        ids = sorted({pid for panel, _ in pairs for pid in panel})
        row_of = {pid: r for r, pid in enumerate(ids)}
        rows = np.zeros((len(ids), len(pairs)), dtype=np.float64)
        for j, (panel, _) in enumerate(pairs):
            rows[[row_of[pid] for pid in panel], j] = 1.0
        y = m * np.array([w / total for _, w in pairs])
        counts = _iterative(rows, float(k), y, rng)
        for (panel, _), count in zip(pairs, counts, strict=True):
            listed.extend([panel] * count)
    return UniformLottery(distribution.algorithm, tuple(listed), tuple(people))


def _spread(
    groups: Sequence[Group], compositions: Sequence[Composition], counts: Sequence[int]
) -> list[Panel]:
    """The panels of people for ``counts[j]`` copies of each composition: each group hands
    its seats to its members in turn (cyclically), so members' counts differ by at most 1."""
    pointer = [0] * len(groups)
    panels: list[Panel] = []
    for composition, count in zip(compositions, counts, strict=True):
        for _ in range(count):
            members: list[str] = []
            for g, (group, c) in enumerate(zip(groups, composition, strict=True)):
                for step in range(c):
                    members.append(group.members[(pointer[g] + step) % group.size])
                pointer[g] = (pointer[g] + c) % max(group.size, 1)
            panels.append(frozenset(members))
    return panels


def _iterative(
    rows: NDArray[np.float64], threshold: float, y: NDArray[np.float64], rng: np.random.Generator
) -> list[int]:
    """Integers ``x`` with ``sum x = sum y``, each ``x_j`` the floor or ceiling of ``y_j``,
    and every row's ``rows @ x`` within ``threshold`` of ``rows @ y`` when each column of
    ``rows`` sums to at most ``threshold`` (Beck–Fiala iterative rounding; see the module
    text)."""
    x = y.copy()
    low = np.floor(y + SNAP)
    high = np.where(np.abs(y - np.round(y)) <= SNAP, low, low + 1.0)
    x = np.where(high == low, low, x)
    target = round(float(y.sum()))
    while True:
        free = np.flatnonzero(high > low)
        if free.size == 0:
            break
        block = rows[:, free]
        weight = block.sum(axis=1)
        parallel = (block.max(axis=1) - block.min(axis=1) <= SNAP) & (weight > 0)
        kept = np.flatnonzero((weight > threshold + SNAP) & ~parallel)
        if kept.size == 0:
            # Only the count row is left: systematic rounding keeps it and moves each
            # floating coordinate by less than 1, which is all the bound needs.
            _systematic(x, low, high, free, float(rng.random()))
            continue
        size = min(free.size, kept.size + 1 + BATCH)
        chosen = free[:size]
        matrix = np.vstack([rows[np.ix_(kept, chosen)], np.ones((1, size))])
        basis = _null_space(matrix)
        if basis.shape[1] == 0:  # pragma: no cover - excluded by the counting argument
            raise RuntimeError("rounding found no free direction")
        while basis.shape[1] > 0:
            v = basis[:, 0]
            up, down = _steps(x[chosen], low[chosen], high[chosen], v)
            if up + down <= 0:
                basis = basis[:, 1:]
                continue
            step = up if rng.random() < down / (up + down) else -down
            x[chosen] += step * v
            done = _settle(x, low, high, chosen)
            if done.size == 0:  # pragma: no cover - a step always ends on a bound
                basis = basis[:, 1:]
                continue
            basis = _restrict(basis, np.isin(chosen, done))
    counts = [round(v) for v in x]
    if sum(counts) != target:  # pragma: no cover - the count row is kept exactly
        raise RuntimeError("rounding lost the panel count")
    return counts


def _systematic(
    x: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    free: NDArray[np.intp],
    offset: float,
) -> None:
    """Round the ``free`` coordinates (each between its floor and ceiling) keeping their
    sum: ``x_j`` becomes its floor plus the number of integers ``u + c`` in the stretch
    ``[S_{j-1}, S_j)`` of the running sum ``S`` of fractional parts (one random ``u``), so
    each moves by less than 1, up with probability equal to its fractional part."""
    fractions = x[free] - low[free]
    running = np.concatenate([[0.0], np.cumsum(fractions)])
    total = round(float(running[-1]))
    running *= total / running[-1] if running[-1] > 0 else 1.0
    hits = np.floor(running[1:] + offset + SNAP) - np.floor(running[:-1] + offset + SNAP)
    x[free] = low[free] + hits
    low[free] = high[free] = x[free]


def _null_space(rows: NDArray[np.float64]) -> NDArray[np.float64]:
    _, s, vt = np.linalg.svd(rows)
    tol = max(rows.shape) * (s[0] if s.size else 1.0) * 1e-12
    rank = int((s > tol).sum())
    return np.ascontiguousarray(vt[rank:].T)


def _steps(
    x: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    v: NDArray[np.float64],
) -> tuple[float, float]:
    """How far ``x`` can move along ``+v`` and ``-v`` before a coordinate hits a bound."""
    moving = (np.abs(v) > 1e-12) & (high > low)
    if not moving.any():
        return 0.0, 0.0
    v, x, low, high = v[moving], x[moving], low[moving], high[moving]
    up = np.where(v > 0, (high - x) / v, (low - x) / v)
    down = np.where(v > 0, (x - low) / v, (x - high) / v)
    return float(up.min()), float(down.min())


def _settle(
    x: NDArray[np.float64],
    low: NDArray[np.float64],
    high: NDArray[np.float64],
    chosen: NDArray[np.intp],
) -> NDArray[np.intp]:
    """Snap the coordinates of ``chosen`` that reached a bound; return them."""
    done = []
    for j in chosen:
        if high[j] == low[j]:
            continue
        if x[j] <= low[j] + SNAP:
            x[j] = high[j] = low[j]
            done.append(j)
        elif x[j] >= high[j] - SNAP:
            x[j] = low[j] = high[j]
            done.append(j)
    return np.array(done, dtype=np.intp)


def _restrict(basis: NDArray[np.float64], fixed: NDArray[np.bool_]) -> NDArray[np.float64]:
    """The part of the span of ``basis`` that is zero on the ``fixed`` coordinates."""
    if basis.shape[1] <= 1:
        return basis[:, :0]
    coefficients = _null_space(basis[fixed])
    if coefficients.shape[1] == 0:
        return basis[:, :0]
    restricted = basis @ coefficients
    q, _ = np.linalg.qr(restricted)
    q[fixed] = 0.0
    return q


def max_deviation(distribution: Distribution, lottery: UniformLottery) -> float:
    """The largest change of anyone's selection probability from ``distribution`` to
    ``lottery``."""
    before = distribution.probabilities()
    after = lottery.probabilities()
    return (
        max((abs(after.get(p, 0.0) - q) for p, q in before.items()), default=0.0)
        if before
        else math.nan
    )
