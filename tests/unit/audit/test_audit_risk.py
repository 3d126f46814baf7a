"""ALPHA and Kaplan-Markov: worked values, SHANGRLA's own unit cases, edge rules, defects.

Where SHANGRLA (commit 9d5db92, pbstark/SHANGRLA) misbehaves, the test says so and checks
the correct behaviour instead.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calexit.vote.audit import (
    AlphaMart,
    FixedEta,
    KaplanMarkov,
    OptimalComparison,
    ShrinkTrunc,
    alpha_mart,
    kaplan_markov,
    supermajority_assorter,
)
from calexit.vote.audit.estimators import EPS

U = 1 / 1.1  # supermajority assorter bound for f = 0.55


def test_alpha_fixed_eta_by_hand() -> None:
    """With replacement and fixed eta: T_j = prod (x eta/t + (u - x)(u - eta)/(u - t))/u."""
    p, history = alpha_mart([1.0, 0.0, 1.0, 0.5], N=math.inf, eta=0.75)
    expected_t = np.cumprod([1.5, 0.5, 1.5, 1.0])
    np.testing.assert_allclose(history, np.minimum(1, 1 / expected_t), rtol=1e-15)
    assert p == pytest.approx(1 / 1.5)


def test_shangrla_unit_cases_for_alpha() -> None:
    """SHANGRLA tests/core/test_NonnegMean.py::test_alpha_mart, same inputs, same claims."""
    halves = np.full(5, 0.5)
    assert alpha_mart(halves, N=10**6).p_value == pytest.approx(1.0)
    s1 = [1, 0, 1, 1, 0, 0, 1]
    test = AlphaMart(N=7, u=1.0, estimator=ShrinkTrunc(eta=0.75), t=3 / 7)
    h1 = test.measure(s1).p_history
    assert not np.isnan(h1).any()
    assert h1[-1] == 0.0  # the sample total 4 exceeds N t = 3: the null is false
    h2 = test.measure([1, 0, 1, 1, 0, 0, 0]).p_history
    np.testing.assert_array_equal(h1[:-1], h2[:-1])
    assert h2[-1] == 1.0


def test_edge_rules() -> None:
    test = AlphaMart(N=10, u=1.0, estimator=FixedEta(0.6))
    # the sample total 6 already exceeds N t = 5 at the 6th draw: mu_7 < 0, p = 0 from there
    history = test.measure([1, 1, 1, 1, 1, 1, 0]).p_history
    assert history[-1] == 0.0
    # after seven zeros the three cards left would have to average 5/3 > u: p_history 1
    history = test.measure(np.zeros(8)).p_history
    assert history[-1] == 1.0


def test_single_observation() -> None:
    """SHANGRLA's shrink_trunc raises IndexError on a one-card sample (sdj[1] = 1); not here."""
    p, history = AlphaMart(N=100, u=1.0, estimator=ShrinkTrunc(0.6, f=0.5)).measure([1.0])
    assert history.shape == (1,)
    assert 0 < p < 1


def test_no_bet_against_the_assertion() -> None:
    """SHANGRLA's shrink_trunc can return eta_j < mu_j; ALPHA needs eta_j >= mu_j.

    When mu_j + e_j exceeds u(1 - eps) - e_j, SHANGRLA's min(...) picks the upper bound,
    which can lie below mu_j: the martingale then bets that the mean is *below* the null
    and grows on No votes. SHANGRLA commit 9d5db92, N = 9, u = 1/1.1, eta = 0.66, d = 5,
    sample of five No votes: eta_5 = 0.88242 < mu_5 = 0.9 and p = 0.8481182111097073 (a
    Yes-assertion p-value below 1 from No votes only). calexit sets eta_j = mu_j there (no
    bet), so p = 1.
    """
    test = AlphaMart(N=9, u=U, estimator=ShrinkTrunc(0.66, d=5))
    assert test.measure(np.zeros(5)).p_value == 1.0


def test_shrink_trunc_formula() -> None:
    """ALPHA's truncated shrinkage formula, as SHANGRLA's test_shrink_trunc writes it."""
    x = np.array([[0, 0, 0, 0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]], dtype=float)
    t, u, d, n = 0.5, 1.0, 10.0, x.shape[1]
    for eta in (0.51, 0.55, 0.6):
        c = (eta - t) / 2
        for big_n in (n, math.inf):
            got = ShrinkTrunc(eta, d=d, c=c).etas(x, big_n, t, u)
            for row in range(2):
                for j in range(1, n + 1):
                    s = x[row, : j - 1].sum()
                    mu = (big_n * t - s) / (big_n - j + 1) if math.isfinite(big_n) else t
                    e = c / math.sqrt(d + j - 1)
                    want = min(
                        max((d * eta + s) / (d + j - 1), mu * (1 + EPS) + e), u * (1 - EPS) - e
                    )
                    assert got[row, j - 1] == pytest.approx(want, rel=1e-12)


def test_shrink_trunc_rejects_inconsistent_c() -> None:
    """SHANGRLA warns and resets c to (u - c)/2, which for u=1, t=1/2, c=0.3 is 0.35: still
    inconsistent (needs c <= (u - t)/2 = 0.25). calexit refuses."""
    with pytest.raises(ValueError, match="too large"):
        ShrinkTrunc(0.6, c=0.3).etas(np.ones((1, 3)), 100, 0.5, 1.0)
    with pytest.raises(ValueError, match=r"\(t, u\]"):
        ShrinkTrunc(0.5).etas(np.ones((1, 3)), 100, 0.5, 1.0)


def test_rows_equal_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    x = supermajority_assorter(0.55).assort(rng.choice(3, size=(20, 300), p=[0.4, 0.58, 0.02]))
    test = AlphaMart(N=5000, u=U, estimator=ShrinkTrunc(0.53))
    rows = test.p_histories(x)
    for i in range(x.shape[0]):
        np.testing.assert_array_equal(rows[i], test.measure(x[i]).p_history)
    np.testing.assert_array_equal(test.p_values(x), [test.measure(r).p_value for r in x])


def test_kaplan_markov_worked_values() -> None:
    """SHANGRLA tests/core/test_NonnegMean.py::test_kaplan_markov, same inputs and values."""
    assert kaplan_markov(np.ones(5)).p_value == pytest.approx(2**-5)
    s = np.array([1, 1, 1, 1, 1, 0])
    assert kaplan_markov(s, g=0.1).p_value == pytest.approx((1.1 / 0.6) ** -5)
    last = kaplan_markov(s, g=0.1, random_order=False).p_value
    assert last == pytest.approx((1.1 / 0.6) ** -5 * 0.6 / 0.1)
    with pytest.raises(ValueError, match=r"\[0, inf\]"):
        kaplan_markov(np.array([1.0, -1.0]))


def test_kaplan_kolmogorov_tends_to_kaplan_markov() -> None:
    x = np.array([0.6, 0.55, 0.7, 0.2, 0.65] * 20)
    wr = KaplanMarkov(g=0.1).measure(x).p_value
    wor = KaplanMarkov(g=0.1, N=10**12).measure(x).p_value
    assert wor == pytest.approx(wr, rel=1e-6)
    assert KaplanMarkov(g=0.1, N=200).measure(x).p_value < wr  # finite N helps


def test_optimal_comparison_eta() -> None:
    """eta = (1 - u(1 - p2))/(2 - 2u) + u(1 - p2) - 1/2 (SHANGRLA optimal_comparison)."""
    u = 1.0707727231356508
    want = (1 - u * (1 - 1e-5)) / (2 - 2 * u) + u * (1 - 1e-5) - 0.5
    assert OptimalComparison().eta(u) == pytest.approx(want, rel=1e-15)
    with pytest.raises(ValueError, match="u > 1"):
        OptimalComparison().eta(1.0)


def test_input_checks() -> None:
    test = AlphaMart(N=3, u=1.0, estimator=FixedEta(0.7))
    with pytest.raises(ValueError, match="larger than the population"):
        test.measure([1, 1, 1, 1])
    with pytest.raises(ValueError, match=r"\[0, 1.0\]"):
        test.measure([1.5])
    with pytest.raises(ValueError, match="non-empty"):
        test.measure([])
    with pytest.raises(ValueError, match="population size"):
        AlphaMart(N=2.5, u=1.0, estimator=FixedEta(0.7))
    with pytest.raises(ValueError, match="eta or estimator"):
        alpha_mart([1.0], N=3, eta=0.7, estimator=FixedEta(0.7))
