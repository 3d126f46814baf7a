"""Simulated audits: how many cards a risk-limiting audit draws before it stops.

The population is categorical: ``counts[k]`` cards carry the assorter value ``values[k]``
(a few categories suffice: Yes, No, other, phantom for polling; no error and the error
kinds for comparison). Each simulated audit draws cards in random order until the risk
function's p-value is at most alpha (the audit confirms the outcome) or ``limit`` draws
are made (all N cards without replacement: a full hand count).

Draws are never materialised as N-card populations. Without replacement, the first B
draws of a random order contain a multivariate-hypergeometric number of cards of each
category, in uniformly random order; the next block is drawn the same way from what is
left. So each audit's sample grows block by block (sizes doubling), each block costing
O(B). The p-value histories of all audits still running are computed together, row by
row of a 2-D array (see :mod:`calexit.vote.audit.risk`), from the start of each sample:
risk functions depend on the whole prefix, and doubling keeps the total work within
twice that of the final sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calexit.vote.audit.risk import RiskFunction

__all__ = ["SampleSizes", "first_crossings", "simulate_audits"]

MAX_CELLS = 1 << 23
"""At most this many float64 values per chunk of p-value computation (64 MiB)."""


@dataclass(frozen=True, eq=False)
class SampleSizes:
    """The number of cards each simulated audit drew.

    ``sizes[i]`` is the draw at which audit i confirmed the outcome, or ``limit`` (N for
    sampling without replacement: a full hand count) if it never did; ``confirmed[i]``
    tells which.
    """

    sizes: NDArray[np.int64]
    confirmed: NDArray[np.bool_]
    limit: int
    alpha: float

    def __post_init__(self) -> None:
        if self.sizes.shape != self.confirmed.shape or self.sizes.ndim != 1:
            raise ValueError("sizes and confirmed must be 1-D arrays of the same length")
        if self.sizes.size == 0:
            raise ValueError("need at least one simulated audit")
        if self.sizes.min() < 1 or self.sizes.max() > self.limit:
            raise ValueError(f"sizes must lie in [1, limit={self.limit}]")

    @property
    def n_sims(self) -> int:
        """How many audits were simulated."""
        return int(self.sizes.size)

    @property
    def expected(self) -> float:
        """The mean number of cards drawn (a full count counted as ``limit``)."""
        return float(self.sizes.mean())

    @property
    def median(self) -> float:
        """The median number of cards drawn."""
        return self.quantile(0.5)

    @property
    def p90(self) -> float:
        """The 90th percentile of the number of cards drawn."""
        return self.quantile(0.9)

    @property
    def confirmed_rate(self) -> float:
        """The fraction of audits that confirmed the outcome within ``limit`` draws."""
        return float(self.confirmed.mean())

    def quantile(self, q: float) -> float:
        """The q-quantile of the number of cards drawn (numpy's default, linear)."""
        return float(np.quantile(self.sizes, q))


def first_crossings(x: NDArray[np.float64], risk: RiskFunction, alpha: float) -> NDArray[np.int64]:
    """For every row of x, the first draw (1-based) whose p-value is <= alpha, or 0."""
    n = x.shape[1]
    chunk = max(1, MAX_CELLS // max(n, 1))
    out = np.zeros(x.shape[0], dtype=np.int64)
    for start in range(0, x.shape[0], chunk):
        crossed = risk.p_histories(x[start : start + chunk]) <= alpha
        hit = crossed.any(axis=1)
        out[start : start + chunk] = np.where(hit, crossed.argmax(axis=1) + 1, 0)
    return out


def _block_without_replacement(
    rng: np.random.Generator, remaining: NDArray[np.int64], size: int
) -> tuple[NDArray[np.int8], NDArray[np.int64]]:
    """``size`` more draws for each row: (category indices in random order, their counts)."""
    rows = remaining.shape[0]
    if rows > 1 and bool((remaining == remaining[0]).all()):
        composition = rng.multivariate_hypergeometric(remaining[0], size, size=rows)
    else:
        composition = np.stack([rng.multivariate_hypergeometric(r, size) for r in remaining])
    bounds = np.cumsum(composition, axis=1)[:, :-1]
    position = np.arange(size)
    block = (position[np.newaxis, :, np.newaxis] >= bounds[:, np.newaxis, :]).sum(axis=2)
    ordered = rng.permuted(block.astype(np.int8), axis=1)
    return ordered, composition.astype(np.int64)


def _check_population(values: NDArray[np.float64], counts: NDArray[np.int64]) -> None:
    if values.ndim != 1 or values.shape != counts.shape or values.size == 0:
        raise ValueError("values and counts must be 1-D arrays of the same, non-zero length")
    if values.size > 127:
        raise ValueError("at most 127 categories")
    if counts.min() < 0 or counts.sum() == 0:
        raise ValueError("counts must be non-negative and not all zero")


class _Draws:
    """The growing samples of the audits still running: category indices, one row each."""

    def __init__(
        self, rng: np.random.Generator, counts: NDArray[np.int64], rows: int, replace: bool
    ) -> None:
        self.rng, self.counts, self.replace = rng, counts, replace
        self.remaining = np.tile(counts, (rows, 1))
        self.codes = np.zeros((rows, 0), dtype=np.int8)

    def extend_to(self, target: int) -> None:
        """Draw more cards for every row so that each has ``target``."""
        size = target - self.codes.shape[1]
        if self.replace:
            p = self.counts / self.counts.sum()
            block = self.rng.choice(p.size, size=(self.codes.shape[0], size), p=p).astype(np.int8)
        else:
            block, taken = _block_without_replacement(self.rng, self.remaining, size)
            self.remaining -= taken
        self.codes = np.concatenate([self.codes, block], axis=1)

    def keep(self, rows: NDArray[np.bool_]) -> None:
        """Drop the rows (audits) that have stopped."""
        self.codes, self.remaining = self.codes[rows], self.remaining[rows]


def _limits(population: int, replace: bool, max_draws: int | None) -> tuple[int, int]:
    """(the most draws any audit makes, the size recorded for an audit that never stops)."""
    if replace:
        if max_draws is None:
            raise ValueError("sampling with replacement needs max_draws")
        return max_draws, max_draws
    return (population if max_draws is None else min(max_draws, population)), population


def simulate_audits(
    values: object,
    counts: object,
    risk: RiskFunction,
    rng: np.random.Generator,
    *,
    alpha: float = 0.05,
    n_sims: int = 1000,
    replace: bool = False,
    max_draws: int | None = None,
    first_block: int = 1024,
) -> SampleSizes:
    """Simulate ``n_sims`` audits of the population ``counts`` x ``values``.

    Without replacement the limit is N = ``counts.sum()`` (or ``max_draws`` if smaller:
    an audit not done by then is counted as a full hand count of N); with replacement
    ``max_draws`` is required and is the limit.
    """
    vals = np.asarray(values, dtype=np.float64)
    cnts = np.asarray(counts, dtype=np.int64)
    _check_population(vals, cnts)
    if not (0 < alpha < 1 and n_sims >= 1 and first_block >= 1):
        raise ValueError(f"need 0 < alpha < 1, n_sims >= 1, first_block >= 1: {alpha}, {n_sims}")
    limit, full = _limits(int(cnts.sum()), replace, max_draws)
    sizes = np.full(n_sims, full, dtype=np.int64)
    confirmed = np.zeros(n_sims, dtype=np.bool_)
    active = np.arange(n_sims)
    draws = _Draws(rng, cnts, n_sims, replace)
    target = min(first_block, limit)
    while active.size:
        draws.extend_to(target)
        first = first_crossings(vals[draws.codes], risk, alpha)
        hit = first > 0
        sizes[active[hit]] = first[hit]
        confirmed[active[hit]] = True
        active = active[~hit]
        draws.keep(~hit)
        if target >= limit:
            break
        target = min(2 * target, limit)
    return SampleSizes(sizes=sizes, confirmed=confirmed, limit=full, alpha=alpha)
