"""Sample sizes: SHANGRLA's deterministic estimates, and the simulation engine.

The integers in ``SHANGRLA_POLLING`` and ``SHANGRLA_COMPARISON`` were computed by SHANGRLA
commit 9d5db92 (pbstark/SHANGRLA) in a throwaway script, on N = 1,000,000 cards with 2%
non-votes, f = 0.55 (and f = 1/2 for the 55% majority case):

* polling: ``NonnegMean(test=alpha_mart, estim=shrink_trunc, N, u=1/(2f), t=1/2,
  eta=<reported mean>).sample_size(x=Assertion.interleave_values(no, other, yes, big=u),
  alpha=0.05)``. (SHANGRLA's ``Assertion.find_sample_size`` cannot do this itself for a
  supermajority assertion: it looks up ``tally['ALL_OTHERS']`` and raises ``KeyError``.)
* comparison: ``Assertion.find_sample_size(rate_1, rate_2, reps=None)`` for the
  supermajority assertion of a CARD_COMPARISON contest, test ``alpha_mart`` with
  ``optimal_comparison``, ``test.u = 2/(2 - v/u)``, and the margin v set to the correct
  p/f - q. (SHANGRLA's ``Assertion.find_margin_from_tally`` computes q(p/f - 1) with p the
  Yes share of *cards*, which is wrong when there are non-votes: for 56% Yes it gives
  -0.00214 instead of 0.01782, and the sample-size estimate then refuses to run.)
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from calexit.vote.audit import (
    ErrorRates,
    SampleSizes,
    Tally,
    comparison_assorter,
    comparison_population,
    comparison_sample_size_deterministic,
    interleave,
    polling_sample_size_deterministic,
    simulate_audits,
    simulate_comparison_audits,
    simulate_polling_audits,
    supermajority_assorter,
)

MILLION = 1_000_000
SHANGRLA_POLLING = {(0.5, 0.55): 818, (0.55, 0.56): 28241, (0.55, 0.58): 2540,
                    (0.55, 0.60): 803, (0.55, 0.65): 173}  # fmt: skip
SHANGRLA_COMPARISON = {
    0.56: {(0, 0): 305, (0.001, 0): 386, (0.001, 0.0001): 1087, (0.005, 0.001): 81975},
    0.58: {(0, 0): 101, (0.001, 0): 128, (0.001, 0.0001): 370, (0.005, 0.001): 396},
    0.60: {(0, 0): 60, (0.001, 0): 76, (0.001, 0.0001): 230, (0.005, 0.001): 246},
    0.65: {(0, 0): 30, (0.001, 0): 37, (0.001, 0.0001): 120, (0.005, 0.001): 120},
}


def reported(share: float, cards: int = MILLION) -> Tally:
    yes, no = round(cards * 0.98 * share), round(cards * 0.98 * (1 - share))
    return Tally(yes=yes, no=no, other=cards - yes - no)


@pytest.mark.parametrize(("f", "share"), list(SHANGRLA_POLLING))
def test_polling_estimate_matches_shangrla(f: float, share: float) -> None:
    got = polling_sample_size_deterministic(reported(share), supermajority_assorter(f))
    assert got == SHANGRLA_POLLING[f, share]


@pytest.mark.parametrize("share", list(SHANGRLA_COMPARISON))
def test_comparison_estimate_matches_shangrla(share: float) -> None:
    assorter = supermajority_assorter(0.55)
    for (rate_1, rate_2), want in SHANGRLA_COMPARISON[share].items():
        got = comparison_sample_size_deterministic(
            reported(share), assorter, rate_1=rate_1, rate_2=rate_2
        )
        assert got == want, (share, rate_1, rate_2)


def test_interleave_matches_shangrla() -> None:
    """Outputs of SHANGRLA ``Assertion.interleave_values`` (commit 9d5db92)."""
    assert interleave(2, 4, 4).tolist() == [0.0, 1.0, 0.5, 1.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.5]
    assert interleave(3, 0, 5, big=0.9).tolist() == [0.0, 0.9, 0.9, 0.0, 0.9, 0.9, 0.0, 0.9]
    assert interleave(0, 2, 3, big=2.0).tolist() == [0.5, 2.0, 2.0, 0.5, 2.0]
    full = interleave(400, 30, 570)
    for length in (1, 7, 100, 999):
        np.testing.assert_array_equal(interleave(400, 30, 570, length=length), full[:length])
    assert np.count_nonzero(full == 0.0) == 400


class Recorder:
    """A risk function that never rejects and keeps every sample it is shown."""

    def __init__(self) -> None:
        self.seen: list[NDArray[np.float64]] = []

    def p_histories(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        self.seen.append(x.copy())
        return np.ones_like(x)


def test_blocks_draw_a_random_order_without_replacement() -> None:
    """Grown block by block (1, 2, 4, ...), every audit's draws are a permutation of the
    population, and every order is equally likely."""
    values, counts = np.array([0.0, 1.0, 0.5]), np.array([2, 3, 1])
    recorder = Recorder()
    sizes = simulate_audits(
        values, counts, recorder, np.random.default_rng(1), n_sims=6000, first_block=1
    )
    assert not sizes.confirmed.any()
    assert (sizes.sizes == 6).all()
    final = recorder.seen[-1]
    assert final.shape == (6000, 6)
    np.testing.assert_array_equal(np.sort(final, axis=1), np.tile([0, 0, 0.5, 1, 1, 1], (6000, 1)))
    # the first card is the 0.5 with probability 1/6, in each of the 6 positions alike
    position_of_half = np.argmax(final == 0.5, axis=1)
    frequencies = np.bincount(position_of_half, minlength=6) / 6000
    np.testing.assert_allclose(frequencies, 1 / 6, atol=0.02)


def test_no_error_comparison_simulation_is_the_deterministic_estimate() -> None:
    """With error-free CVRs every card has the same B, so every simulated audit stops at the
    SHANGRLA deterministic sample size."""
    tally = reported(0.58)
    sizes = simulate_comparison_audits(
        tally, supermajority_assorter(0.55), np.random.default_rng(0), n_sims=50
    )
    assert (sizes.sizes == SHANGRLA_COMPARISON[0.58][0, 0]).all()


def test_polling_simulation_is_reproducible_and_plausible() -> None:
    tally = reported(0.60, cards=200_000)
    assorter = supermajority_assorter(0.55)
    a = simulate_polling_audits(tally, assorter, np.random.default_rng(42), n_sims=300)
    b = simulate_polling_audits(tally, assorter, np.random.default_rng(42), n_sims=300)
    np.testing.assert_array_equal(a.sizes, b.sizes)
    assert a.confirmed.all()
    assert a.median < a.p90 < tally.cards
    # the deterministic (interleaved) estimate lies within the simulated distribution
    deterministic = polling_sample_size_deterministic(tally, assorter)
    assert a.quantile(0.2) < deterministic < a.quantile(0.95)


def test_comparison_population_counts() -> None:
    tally = reported(0.58)
    comparison = comparison_assorter(supermajority_assorter(0.55), tally)
    values, counts = comparison_population(comparison, tally.cards, ErrorRates(o1=0.001, u2=2e-4))
    assert counts.tolist() == [MILLION - 1200, 1000, 0, 0, 200]
    assert values[0] == pytest.approx(comparison.no_error_value)
    assert values[2] == pytest.approx(0.0, abs=1e-15)  # a 2-vote overstatement: B = 0


def test_sample_sizes_invariants() -> None:
    sizes = SampleSizes(np.array([3, 10, 10]), np.array([True, True, False]), limit=10, alpha=0.05)
    assert sizes.expected == pytest.approx(23 / 3)
    assert sizes.confirmed_rate == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="limit"):
        SampleSizes(np.array([11]), np.array([True]), limit=10, alpha=0.05)
    with pytest.raises(ValueError, match="error rates"):
        ErrorRates(o1=-0.1)
    with pytest.raises(ValueError, match="same number of cards"):
        simulate_polling_audits(
            Tally(yes=6, no=4),
            supermajority_assorter(0.55),
            np.random.default_rng(0),
            true=Tally(yes=5, no=4),
        )
