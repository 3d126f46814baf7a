"""BRAVO (Lindeman, Stark and Yates 2012) and its relation to ALPHA (Stark 2023).

Sources of the numbers:

* The ASN of a 55%/45% two-way contest at risk limit 5% is computed from BRAVO's ASN
  approximation, ASN ~ (ln(1/alpha) + ln(2 s_w)/2) / (p_w ln(2 s_w) + p_l ln(2 - 2 s_w)),
  as stated in the BRAVO paper and on Stark's "Tools for Ballot-Polling Risk-Limiting
  Election Audits" page: 607.66. The check rests on that published formula and on
  simulation: the simulated mean agrees with 607.7 to within 1% (about 1,213 ballots is
  the simulated 90th percentile, not the ASN).
* The simulated BRAVO audits (with replacement) must average within 3% of that value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calexit.vote.audit import (
    Tally,
    VoteCode,
    bravo,
    bravo_asn,
    bravo_test,
    bravo_without_replacement,
    simulate_audits,
    supermajority_assorter,
)


def test_asn_formula_for_55_45() -> None:
    # ln(20) = 2.995732, ln(1.1)/2 = 0.047655; 0.55 ln 1.1 + 0.45 ln 0.9 = 0.005008686
    assert bravo_asn(0.55, 0.45, 0.05) == pytest.approx(607.6606, rel=1e-6)
    assert bravo_asn(0.55, 0.45, 0.10) == pytest.approx(469.2628, rel=1e-6)


@pytest.mark.slow
def test_simulated_asn_matches_the_formula() -> None:
    """20,000 BRAVO audits of 55/45, with replacement: mean sample 608 +- 3.5 (1 s.e.)."""
    assorter = supermajority_assorter(0.5)
    sizes = simulate_audits(
        assorter.table(),
        Tally(yes=55, no=45).counts(),
        bravo_test(0.55),
        np.random.default_rng(2012),
        n_sims=20_000,
        replace=True,
        max_draws=200_000,
    )
    assert sizes.confirmed.all()
    assert sizes.expected == pytest.approx(bravo_asn(0.55, 0.45, 0.05), rel=0.03)


def test_bravo_by_hand() -> None:
    codes = [VoteCode.YES, VoteCode.YES, VoteCode.NO, VoteCode.OTHER, VoteCode.YES]
    p, history = bravo(codes, s_w=0.6)
    t = np.cumprod([1.2, 1.2, 0.8, 1.0, 1.2])
    np.testing.assert_allclose(history, np.minimum(1, 1 / t), rtol=1e-14)
    assert p == pytest.approx(1 / 1.2**2)  # the largest T, after the second Yes


def test_wald_sprt_without_shangrlas_double_product() -> None:
    """Three Yes votes, s_w = 0.6: T = 1.2^3, p = 0.5787037.

    SHANGRLA commit 9d5db92 ``NonnegMean.wald_sprt`` applies ``np.cumprod`` twice (the terms
    are already cumulative products), so it returns 0.3348979766803841 for this sample: an
    anti-conservative p-value. calexit's BRAVO (and ALPHA with a fixed eta) give 1/1.2^3.
    """
    codes = [VoteCode.YES] * 3
    assert bravo(codes, s_w=0.6).p_value == pytest.approx(1.2**-3, rel=1e-14)
    x = supermajority_assorter(0.5).assort(codes)
    assert bravo_test(0.6).measure(x).p_value == pytest.approx(1.2**-3, rel=1e-14)


@pytest.mark.parametrize(("s_w", "f"), [(0.55, 0.5), (0.6, 0.55), (0.7, 2 / 3)])
def test_bravo_is_alpha_with_fixed_eta(s_w: float, f: float) -> None:
    """On the supermajority assorter, ALPHA with eta = s_w/(2f), N = inf is BRAVO."""
    rng = np.random.default_rng(3)
    codes = rng.choice(4, size=2000, p=[0.4, 0.5, 0.08, 0.02]).astype(np.int8)
    direct = bravo(codes, s_w=s_w, f=f)
    via_alpha = bravo_test(s_w, f).measure(supermajority_assorter(f).assort(codes))
    np.testing.assert_allclose(via_alpha.p_history, direct.p_history, rtol=1e-9)
    assert via_alpha.p_value == pytest.approx(direct.p_value, rel=1e-9)


def test_without_replacement_tends_to_bravo() -> None:
    assorter = supermajority_assorter(0.5)
    codes = np.tile(np.array([1, 1, 0, 1, 0, 1, 1, 0, 1, 0], dtype=np.int8), 30)
    x = assorter.assort(codes)
    wr = bravo(codes, s_w=0.55).p_value
    huge = bravo_without_replacement(10**13, eta=0.55).measure(x).p_value
    assert huge == pytest.approx(wr, rel=1e-6)
    small = bravo_without_replacement(400, eta=0.55).measure(x).p_value
    assert small < wr


def test_bravo_checks() -> None:
    with pytest.raises(ValueError, match="s_w"):
        bravo([VoteCode.YES], s_w=0.5)
    with pytest.raises(ValueError, match="p_l < p_w"):
        bravo_asn(0.45, 0.55)
    assert math.isfinite(bravo_asn(0.51, 0.49))
