"""Sample-size estimates for the measure's audits: by simulation, and by SHANGRLA's
deterministic method.

*By simulation* (:func:`simulate_polling_audits`, :func:`simulate_comparison_audits`):
audits of a population consistent with the report (polling: the reported tally; comparison:
the reported tally with CVR errors at the given rates) are simulated, drawing without
replacement, and the distribution of the number of cards drawn is returned (its mean, 90th
percentile and every value), see :mod:`calexit.vote.audit.simulate`.

*Deterministically* (:func:`polling_sample_size_deterministic`,
:func:`comparison_sample_size_deterministic`): the method of SHANGRLA's
``Assertion.find_sample_size`` with ``reps=None`` (commit 9d5db92): build one population
list in a fixed order and report the first draw at which the risk function's p-value is at
most alpha (N if none). Polling: the values 0, 1/2 and u interleaved in proportion,
starting with a 0 (SHANGRLA ``Assertion.interleave_values``); comparison: every card at
the no-error value except every floor(1/r1)-th (from the first) at the 1-vote and every
floor(1/r2)-th at the 2-vote overstatement value. (SHANGRLA itself cannot run the polling
case for a supermajority assertion: it looks up the tally of its pseudo-loser
``ALL_OTHERS`` and raises ``KeyError``.)

Default risk functions, as SHANGRLA's examples use them: polling, ALPHA with the
:class:`ShrinkTrunc` estimator with prior eta = the reported assorter mean (d = 100, f = 0);
comparison, ALPHA with the :class:`OptimalComparison` estimator (p2 = 1e-5).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from calexit.vote.audit.assorters import Assorter
from calexit.vote.audit.codes import Tally
from calexit.vote.audit.comparison import ComparisonAssorter, ErrorRates, comparison_assorter
from calexit.vote.audit.estimators import OptimalComparison, ShrinkTrunc
from calexit.vote.audit.risk import AlphaMart, RiskFunction
from calexit.vote.audit.simulate import SampleSizes, first_crossings, simulate_audits

__all__ = [
    "comparison_population",
    "comparison_risk",
    "comparison_sample_size_deterministic",
    "interleave",
    "polling_risk",
    "polling_sample_size_deterministic",
    "simulate_comparison_audits",
    "simulate_polling_audits",
]

Array = NDArray[np.float64]


def polling_risk(reported: Tally, assorter: Assorter) -> AlphaMart:
    """ALPHA + ShrinkTrunc(eta = reported assorter mean) over the manifest's N cards."""
    eta = assorter.mean(reported)
    return AlphaMart(N=reported.cards, u=assorter.upper_bound, estimator=ShrinkTrunc(eta=eta))


def comparison_risk(comparison: ComparisonAssorter, cards: int) -> AlphaMart:
    """ALPHA + OptimalComparison over N cards, u = 2/(2 - v/u_A)."""
    return AlphaMart(N=cards, u=comparison.upper_bound, estimator=OptimalComparison())


def simulate_polling_audits(
    reported: Tally,
    assorter: Assorter,
    rng: np.random.Generator,
    *,
    true: Tally | None = None,
    risk: RiskFunction | None = None,
    alpha: float = 0.05,
    n_sims: int = 1000,
    max_draws: int | None = None,
    first_block: int = 1024,
) -> SampleSizes:
    """Simulated ballot-polling audits of the assertion, drawing without replacement.

    The cards are drawn from ``true`` (default: the reported tally itself); the risk
    function is set up from the report (default :func:`polling_risk`).
    """
    population = reported if true is None else true
    if population.cards != reported.cards:
        raise ValueError("the true and reported tallies must count the same number of cards")
    test = polling_risk(reported, assorter) if risk is None else risk
    return simulate_audits(
        assorter.table(),
        population.counts(),
        test,
        rng,
        alpha=alpha,
        n_sims=n_sims,
        max_draws=max_draws,
        first_block=first_block,
    )


def comparison_population(
    comparison: ComparisonAssorter, cards: int, errors: ErrorRates
) -> tuple[Array, NDArray[np.int64]]:
    """The overstatement-assorter values and their counts: (no error, o1, o2, u1, u2).

    Error counts are the rates times N, rounded to the nearest card.
    """
    u = comparison.assorter.upper_bound
    omegas = (0.0, *errors.omegas(u))
    values = np.array([comparison.value(w) for w in omegas], dtype=np.float64)
    wrong = [round(cards * r) for r in (errors.o1, errors.o2, errors.u1, errors.u2)]
    if sum(wrong) > cards:
        raise ValueError("the error rates add up to more cards than there are")
    return values, np.array([cards - sum(wrong), *wrong], dtype=np.int64)


def simulate_comparison_audits(
    reported: Tally,
    assorter: Assorter,
    rng: np.random.Generator,
    *,
    errors: ErrorRates | None = None,
    risk: RiskFunction | None = None,
    alpha: float = 0.05,
    n_sims: int = 1000,
    max_draws: int | None = None,
    first_block: int = 1024,
) -> SampleSizes:
    """Simulated card-level comparison audits, CVRs as reported, errors at ``errors``."""
    comparison = comparison_assorter(assorter, reported)
    values, counts = comparison_population(comparison, reported.cards, errors or ErrorRates())
    test = comparison_risk(comparison, reported.cards) if risk is None else risk
    return simulate_audits(
        values,
        counts,
        test,
        rng,
        alpha=alpha,
        n_sims=n_sims,
        max_draws=max_draws,
        first_block=first_block,
    )


def interleave(
    n_small: int,
    n_med: int,
    n_big: int,
    *,
    small: float = 0.0,
    med: float = 0.5,
    big: float = 1.0,
    length: int | None = None,
) -> Array:
    """The first ``length`` values of SHANGRLA's interleaved population (all by default).

    The list starts with a small value (else a medium, else a big one); then each next
    value is taken from the category with the largest remaining fraction (n_c - i_c)/n_c,
    ties going to big, then small, then medium. That greedy rule is a merge of the three
    categories by that fraction, which is how it is computed here, in O(length log length).
    """
    counts = {"small": n_small, "med": n_med, "big": n_big}
    if min(counts.values()) < 0 or n_big == 0:
        raise ValueError(f"need non-negative counts and n_big > 0, got {counts}")
    total = n_small + n_med + n_big
    n = total if length is None else min(length, total)
    if n < 1:
        raise ValueError(f"length must be at least 1, got {length}")
    first = "small" if n_small else ("med" if n_med else "big")
    value = {"small": small, "med": med, "big": big}
    priority = {"big": 0, "small": 1, "med": 2}
    fractions, priorities, values = [], [], []
    for name, count in counts.items():
        start = 1 if name == first else 0
        stop = min(count, start + (n * count) // total + 3)
        i = np.arange(start, stop, dtype=np.float64)
        fractions.append((count - i) / count if count else i)
        priorities.append(np.full(i.size, priority[name]))
        values.append(np.full(i.size, value[name]))
    order = np.lexsort((np.concatenate(priorities), -np.concatenate(fractions)))
    merged = np.concatenate(values)[order][: n - 1]
    return np.concatenate([[value[first]], merged])


def _first_crossing(
    prefix: Callable[[int], Array], cards: int, risk: RiskFunction, alpha: float
) -> int:
    """The first draw whose p-value is <= alpha in the list ``prefix(cards)``, else N."""
    n = min(1024, cards)
    while True:
        crossing = int(first_crossings(prefix(n)[np.newaxis, :], risk, alpha)[0])
        if crossing:
            return crossing
        if n == cards:
            return cards
        n = min(2 * n, cards)


def polling_sample_size_deterministic(
    reported: Tally, assorter: Assorter, *, alpha: float = 0.05, risk: RiskFunction | None = None
) -> int:
    """SHANGRLA's deterministic polling estimate (the interleaved population)."""
    table = assorter.table()
    u = assorter.upper_bound
    counts = reported.counts()
    if not np.all(np.isin(table, (0.0, 0.5, u))):
        raise ValueError("the interleaved population needs assorter values in {0, 1/2, u}")
    n_small, n_med = int(counts[table == 0.0].sum()), int(counts[table == 0.5].sum())
    n_big = int(counts[table == u].sum())
    test = polling_risk(reported, assorter) if risk is None else risk

    def prefix(n: int) -> Array:
        return interleave(n_small, n_med, n_big, big=u, length=n)

    return _first_crossing(prefix, reported.cards, test, alpha)


def comparison_sample_size_deterministic(
    reported: Tally,
    assorter: Assorter,
    *,
    rate_1: float = 0.0,
    rate_2: float = 0.0,
    alpha: float = 0.05,
    risk: RiskFunction | None = None,
) -> int:
    """SHANGRLA's deterministic comparison estimate (errors at fixed strides)."""
    if not (0 <= rate_1 <= 1 and 0 <= rate_2 <= 1):
        raise ValueError(f"rates must be in [0, 1], got {rate_1}, {rate_2}")
    comparison = comparison_assorter(assorter, reported)
    test = comparison_risk(comparison, reported.cards) if risk is None else risk
    big, small = comparison.no_error_value, comparison.value(0.5)

    def prefix(n: int) -> Array:
        x = np.full(n, big)
        if rate_1:
            x[:: int(1 / rate_1)] = small
        if rate_2:
            x[:: int(1 / rate_2)] = 0.0
        return x

    return _first_crossing(prefix, reported.cards, test, alpha)
