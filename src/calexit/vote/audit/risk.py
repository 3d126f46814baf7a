"""Risk-measuring functions: sequential p-values for the null "mean(x) <= t".

Each function takes the assorter values x_1, x_2, ... of a sample in the order drawn, for a
population of N values in [0, u] (``N = math.inf``: drawn with replacement; finite N:
without replacement), and returns the p-value and its history, p_history[j-1] being the
p-value after j draws. Optional stopping is allowed: the p-value is the smallest p_history
entry, valid by Ville's inequality.

* :class:`AlphaMart` — ALPHA (Stark 2023, "ALPHA: Audit that Learns from Previously
  Hand-Audited Ballots"): T_j = prod_{i<=j} (x_i eta_i/mu_i + (u - x_i)(u - eta_i)/
  (u - mu_i)) / u, with mu_i = (N t - S_i)/(N - i + 1), p = min(1, 1 / max_j T_j).
* :class:`KaplanMarkov` — Kaplan-Markov (Stark 2009, "Risk-limiting post-election audits:
  P-values from common probability inequalities"): p_j = prod_{i<=j} (t + g)/(x_i + g);
  for finite N, the Kaplan-Kolmogorov form, with mu_i in place of t (SHANGRLA
  ``kaplan_kolmogorov``).

Edge cases follow SHANGRLA (commit 9d5db92, ``NonnegMean.alpha_mart``): where mu_j < 0 the
sample already exceeds N t, so the null is false (T_j = inf, p = 0); where mu_j > u the
null is surely true (p_history 1); where mu_j is 0 or u (to 2 eps absolute, and 1e-6
relative for u) the draw is ignored (p_history 1); if the sample total exceeds N t, the last
entry is 0. A NaN that only SHANGRLA's arithmetic could leave is reported as 1.

One deliberate difference: ALPHA is valid for the composite null "mean <= t" when
eta_j >= mu_j (a bet that the remaining mean is at least the null's). SHANGRLA's
``shrink_trunc`` returns eta_j < mu_j when its truncation bounds cross (mu_j within
2c/sqrt(d + j - 1) of u), and its martingale then grows on small values. :class:`AlphaMart`
raises eta_j to mu_j there (no bet, factor 1). Elsewhere results equal SHANGRLA's to the bit.

Every class measures many samples at once: ``p_histories`` takes a 2-D array whose rows
are independent samples (simulated audits), which is what makes simulation fast.
"""

# N is the papers' population size; keeping the symbol beats renaming it.
# ruff: noqa: N803, N806
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

from calexit.vote.audit.estimators import (
    EPS,
    Estimator,
    FixedEta,
    ShrinkTrunc,
    prior_sums,
    remaining_means,
)

__all__ = [
    "AlphaMart",
    "KaplanMarkov",
    "RiskFunction",
    "RiskMeasurement",
    "alpha_mart",
    "kaplan_markov",
]

Array = NDArray[np.float64]


class RiskMeasurement(NamedTuple):
    """A p-value and its draw-by-draw history (unpacks as ``p_value, p_history``)."""

    p_value: float
    p_history: Array


class RiskFunction(Protocol):
    """Anything that turns rows of assorter values into rows of p-value histories."""

    def p_histories(self, x: Array) -> Array: ...


def _check_population(N: float) -> None:
    if not (math.isinf(N) and N > 0) and not (float(N).is_integer() and N >= 1):
        raise ValueError(f"population size N must be a positive integer or math.inf, got {N}")


def _as_rows(x: object, N: float, upper: float) -> Array:
    """x as a float 2-D array of rows, checked to lie in [0, upper] and fit in N."""
    rows = np.asarray(x, dtype=np.float64)
    if rows.ndim == 1:
        rows = rows[np.newaxis, :]
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError("need a non-empty sample (1-D) or rows of samples (2-D)")
    if rows.shape[1] > N:
        raise ValueError(f"sample of {rows.shape[1]} is larger than the population N = {N}")
    if not (rows.min() >= 0 and rows.max() <= upper * (1 + 1e-12)):
        raise ValueError(f"assorter values must lie in [0, {upper}]")
    return rows


def _close(a: Array | float, b: Array, rtol: float) -> NDArray[np.bool_]:
    """``np.isclose(a, b, rtol=rtol, atol=2 eps)`` for finite a, without its overhead."""
    closeness: NDArray[np.bool_] = np.abs(a - b) <= 2 * EPS + rtol * np.abs(b)
    return closeness


def _apply_edge_rules(terms: Array, mu: Array, u: float) -> None:
    """SHANGRLA's edge rules for ALPHA, in SHANGRLA's order (module docstring), in place."""
    terms[mu > u] = 0.0
    terms[_close(0.0, mu, 1e-5)] = 1.0
    terms[_close(u, mu, 1e-6)] = 1.0
    terms[_close(0.0, terms, 1e-5)] = 1.0
    terms[mu < 0] = np.inf


@dataclass(frozen=True)
class AlphaMart:
    """ALPHA for a population of N values in [0, u], null mean t, alternative ``estimator``."""

    N: float
    u: float
    estimator: Estimator
    t: float = 0.5

    def __post_init__(self) -> None:
        _check_population(self.N)
        if not (0 < self.t < self.u and math.isfinite(self.u)):
            raise ValueError(f"need 0 < t < u < inf, got t={self.t}, u={self.u}")

    def terms(self, x: Array) -> Array:
        """T_j for every row, after SHANGRLA's edge rules (see the module docstring)."""
        x = _as_rows(x, self.N, self.u)
        N, t, u = self.N, self.t, self.u
        mu = np.broadcast_to(remaining_means(prior_sums(x), N, t), x.shape)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            eta = np.maximum(self.estimator.etas(x, N, t, u), mu)
            terms = np.cumprod((x * eta / mu + (u - x) * (u - eta) / (u - mu)) / u, axis=1)
        _apply_edge_rules(terms, mu, u)
        if not math.isinf(N):
            terms[x.sum(axis=1) > N * t, -1] = np.inf
        return terms

    def p_histories(self, x: Array) -> Array:
        """min(1, 1/T_j) for every row and draw."""
        with np.errstate(divide="ignore"):
            history = np.minimum(1.0, 1.0 / self.terms(x))
        return np.where(np.isnan(history), 1.0, history)

    def p_values(self, x: Array) -> Array:
        """min(1, 1 / max_j T_j) for every row."""
        terms = self.terms(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.minimum(1.0, 1.0 / np.max(terms, axis=1))
        return np.where(np.isnan(p), 1.0, p)

    def measure(self, x: object) -> RiskMeasurement:
        """The p-value and history of one sample (1-D)."""
        terms = self.terms(_one_row(x))
        with np.errstate(divide="ignore", invalid="ignore"):
            p = float(np.minimum(1.0, 1.0 / np.max(terms)))
            history = np.minimum(1.0, 1.0 / terms[0])
        history = np.where(np.isnan(history), 1.0, history)
        return RiskMeasurement(1.0 if math.isnan(p) else p, history)


@dataclass(frozen=True)
class KaplanMarkov:
    """Kaplan-Markov (N = inf) or Kaplan-Kolmogorov (finite N) with padding g >= 0."""

    t: float = 0.5
    g: float = 0.0
    N: float = math.inf
    random_order: bool = True

    def __post_init__(self) -> None:
        _check_population(self.N)
        if not (self.t > 0 and self.g >= 0):
            raise ValueError(f"need t > 0 and g >= 0, got t={self.t}, g={self.g}")

    def p_histories(self, x: Array) -> Array:
        """The running p-values of every row (before optional stopping)."""
        x = _as_rows(x, self.N, math.inf)
        t, g = self.t, self.g
        history: Array
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if math.isinf(self.N):
                history = np.minimum(np.cumprod((t + g) / (x + g), axis=1), 1.0)
                return history
            mu = remaining_means(prior_sums(x + g), self.N, t + g)
            terms = np.cumprod((x + g) / mu, axis=1)
            terms[np.broadcast_to(mu, x.shape) < 0] = np.inf
            history = np.minimum(1.0 / terms, 1.0)
        return history

    def measure(self, x: object) -> RiskMeasurement:
        """The p-value (the minimum, or the last entry if not ``random_order``) and history."""
        history = self.p_histories(_one_row(x))[0]
        p = float(np.min(history)) if self.random_order else float(history[-1])
        return RiskMeasurement(min(1.0, p), history)


def _one_row(x: object) -> Array:
    row = np.asarray(x, dtype=np.float64)
    if row.ndim != 1:
        raise ValueError("measure() takes one sample (a 1-D array); use p_histories for rows")
    return row[np.newaxis, :]


def alpha_mart(
    x: object,
    N: float,
    t: float = 0.5,
    u: float = 1.0,
    eta: float | None = None,
    estimator: Estimator | None = None,
) -> RiskMeasurement:
    """ALPHA p-value of one sample (Stark 2023).

    Give either a fixed ``eta`` (:class:`FixedEta`) or an ``estimator``; by default the
    :class:`ShrinkTrunc` estimator with prior eta = t + (u - t)/2 (SHANGRLA's default eta).
    """
    if eta is not None and estimator is not None:
        raise ValueError("give eta or estimator, not both")
    if estimator is None:
        estimator = FixedEta(eta) if eta is not None else ShrinkTrunc(eta=t + (u - t) / 2)
    return AlphaMart(N=N, u=u, estimator=estimator, t=t).measure(x)


def kaplan_markov(
    x: object, N: float = math.inf, t: float = 0.5, g: float = 0.0, random_order: bool = True
) -> RiskMeasurement:
    """Kaplan-Markov p-value of one sample (Stark 2009; SHANGRLA ``kaplan_markov``).

    SHANGRLA's ``kaplan_markov`` ignores N (it is the with-replacement bound); with a finite
    N this uses the without-replacement form, SHANGRLA's ``kaplan_kolmogorov``.
    """
    return KaplanMarkov(t=t, g=g, N=N, random_order=random_order).measure(x)
