"""Estimators eta_j of the population mean for the ALPHA martingale (Stark 2023, "ALPHA:
Audit that Learns from Previously Hand-Audited Ballots").

ALPHA bets, before the j-th draw, as if the mean of the cards not yet drawn were eta_j;
any predictable eta_j in [0, u] gives a valid test, and good choices give small samples.
Every estimator here works on a 2-D array ``x`` whose rows are independent samples (one
simulated or real audit per row, draws in the order drawn) and returns eta of the same
shape; column j-1 holds eta_j, which uses only x_1..x_{j-1}.

Notation (as in ALPHA): N population size (``math.inf`` for sampling with replacement),
t the null mean, u the upper bound, S_j = x_1 + ... + x_{j-1} (S_1 = 0), and
mu_j = (N t - S_j) / (N - j + 1) the mean of the cards not yet drawn if the null holds.
"""

# N is the papers' population size; keeping the symbol beats renaming it.
# ruff: noqa: N803
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EPS",
    "Estimator",
    "FixedEta",
    "OptimalComparison",
    "ShrinkTrunc",
    "prior_sums",
    "remaining_means",
]

EPS = float(np.finfo(float).eps)
"""Machine epsilon, used as SHANGRLA uses it to keep eta_j strictly inside (mu_j, u)."""

Array = NDArray[np.float64]


def prior_sums(x: Array) -> Array:
    """S_j = x_1 + ... + x_{j-1} for every column j (row by row), S_1 = 0."""
    sums = np.zeros_like(x)
    np.cumsum(x[:, :-1], axis=1, out=sums[:, 1:])
    return sums


def remaining_means(prior: Array, N: float, mean: float) -> Array | float:
    """(N mean - S_j) / (N - j + 1): the mean left after j - 1 draws if the total is N mean.

    With ``N = inf`` (sampling with replacement) it is ``mean`` itself.
    """
    if math.isinf(N):
        return mean
    j = np.arange(1, prior.shape[1] + 1, dtype=np.float64)
    return (N * mean - prior) / (N - j + 1)


class Estimator(Protocol):
    """Gives eta_j for every draw of every row of ``x`` (see the module docstring)."""

    def etas(self, x: Array, N: float, t: float, u: float) -> Array: ...


@dataclass(frozen=True)
class FixedEta:
    """A fixed alternative: the population mean is eta (ALPHA; BRAVO's choice).

    Without replacement the remaining mean under the alternative is (N eta - S_j)/(N - j + 1),
    as SHANGRLA's ``NonnegMean.fixed_alternative_mean``. That value is clipped to [0, u]
    (SHANGRLA leaves it and warns; outside [0, u] the bet is no longer valid).
    """

    eta: float

    def __post_init__(self) -> None:
        if not (self.eta > 0 and math.isfinite(self.eta)):
            raise ValueError(f"eta must be positive and finite, got {self.eta}")

    def etas(self, x: Array, N: float, t: float, u: float) -> Array:
        eta = remaining_means(prior_sums(x), N, self.eta)
        clipped: Array = np.clip(np.broadcast_to(eta, x.shape), 0.0, u)
        return clipped


@dataclass(frozen=True)
class ShrinkTrunc:
    """The truncated shrinkage estimator (ALPHA; SHANGRLA ``shrink_trunc``).

    The sample mean is shrunk towards the prior eta with weight d, then towards u with
    weight f/sd_j, and truncated to stay above mu_j and below u::

        eta_j = min(u(1 - eps) - e_j, max(w_j, mu_j (1 + eps) + e_j)),
        w_j   = [(d eta + S_j)/(d + j - 1) + f u / sd_j] / (1 + f / sd_j),
        e_j   = c / sqrt(d + j - 1),

    with sd_1 = sd_2 = 1 and, for j > 2, sd_j = max(minsd, sd(x_1..x_{j-1})), the standard
    deviation with divisor j - 1 (as SHANGRLA's code computes it by Welford's method; its
    docstring says j - 2). c defaults to (eta - t)/2 - eps as in SHANGRLA.
    """

    eta: float
    d: float = 100.0
    f: float = 0.0
    minsd: float = 1e-6
    c: float | None = None

    def __post_init__(self) -> None:
        if not (self.eta > 0 and math.isfinite(self.eta)):
            raise ValueError(f"eta must be positive and finite, got {self.eta}")
        if not (self.d > 0 and self.f >= 0 and self.minsd > 0):
            raise ValueError(f"need d > 0, f >= 0, minsd > 0: {self.d}, {self.f}, {self.minsd}")
        if self.c is not None and not self.c > 0:
            raise ValueError(f"c must be positive, got {self.c}")

    def truncation(self, t: float, u: float) -> float:
        """c, checked against the constraint t + c <= u - c (else the bounds cross)."""
        if not (t < self.eta <= u):
            raise ValueError(f"eta must lie in (t, u] = ({t}, {u}], got {self.eta}")
        c = (self.eta - t) / 2 - EPS if self.c is None else self.c
        if u - c < t + c:
            raise ValueError(f"c = {c} is too large: need c <= (u - t)/2 = {(u - t) / 2}")
        return c

    def etas(self, x: Array, N: float, t: float, u: float) -> Array:
        c = self.truncation(t, u)
        prior = prior_sums(x)
        mu = remaining_means(prior, N, t)
        j = np.arange(1, x.shape[1] + 1, dtype=np.float64)
        weighted = (self.d * self.eta + prior) / (self.d + j - 1)
        if self.f > 0:
            sd = _lagged_sd(x, self.minsd)
            weighted = (weighted + u * self.f / sd) / (1 + self.f / sd)
        tol = c / np.sqrt(self.d + j - 1)
        return np.minimum(u * (1 - EPS) - tol, np.maximum(weighted, mu * (1 + EPS) + tol))


def _lagged_sd(x: Array, minsd: float) -> Array:
    """sd_j of ShrinkTrunc: 1 for j <= 2, else max(minsd, sd of x_1..x_{j-1}, divisor j-1)."""
    shifted = x - x[:, :1]  # variance is shift-invariant; this keeps constant runs at 0
    k = np.arange(1, x.shape[1] + 1, dtype=np.float64)
    s1 = np.cumsum(shifted, axis=1)
    s2 = np.cumsum(shifted * shifted, axis=1)
    var = np.maximum((s2 - s1 * s1 / k) / k, 0.0)
    sd = np.ones_like(x)
    sd[:, 2:] = np.maximum(np.sqrt(var[:, 1:-1]), minsd)
    return sd


@dataclass(frozen=True)
class OptimalComparison:
    """A constant eta for comparison audits (SHANGRLA ``optimal_comparison``, commit 9d5db92).

    With p2 the anticipated rate of 2-vote overstatements and u the overstatement
    assorter's bound, eta = (1 - u(1 - p2))/(2 - 2u) + u(1 - p2) - 1/2.
    """

    error_rate_2: float = 1e-5

    def __post_init__(self) -> None:
        if not (0.0 <= self.error_rate_2 < 1.0):
            raise ValueError(f"error_rate_2 must be in [0, 1), got {self.error_rate_2}")

    def eta(self, u: float) -> float:
        """The constant eta for upper bound u (> 1 for an overstatement assorter)."""
        if not u > 1.0:
            raise ValueError(f"optimal_comparison needs u > 1 (an overstatement assorter), got {u}")
        p2 = self.error_rate_2
        return (1 - u * (1 - p2)) / (2 - 2 * u) + u * (1 - p2) - 0.5

    def etas(self, x: Array, N: float, t: float, u: float) -> Array:
        return np.full_like(x, self.eta(u))
