"""calexit's risk functions and overstatement assorter against SHANGRLA.

Every number marked "SHANGRLA" below was computed by SHANGRLA commit 9d5db92
(pbstark/SHANGRLA, ``shangrla/core/NonnegMean.py`` and ``shangrla/core/Audit.py``), run in a
throwaway script outside this project on exactly the inputs built here:

* polling: ``NonnegMean(test=alpha_mart, estim=shrink_trunc | fixed_alternative_mean, N, u,
  t=1/2, eta=<reported assorter mean>, [d, f])``, the sample values assorted by
  ``Assertion.make_supermajority_assertion(...).assorter.assort`` on CVR objects;
* comparison: values from ``Assertion.overstatement_assorter(mvr, cvr, use_style=True)`` on
  CVR/MVR objects (phantom CVRs made as ``CVR(votes={'m': {}}, phantom=True)``, their MVRs
  phantom), the margin from ``2 * assorter.mean(cvrs) - 1``; p-values from
  ``kaplan_markov`` and ``kaplan_kolmogorov`` (g = 0.1) and ``alpha_mart`` with
  ``optimal_comparison``.

calexit agrees to the last bit on all of them; the tests allow 1e-9 relative.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from calexit.vote.audit import (
    AlphaMart,
    FixedEta,
    OptimalComparison,
    ShrinkTrunc,
    Tally,
    VoteCode,
    comparison_assorter,
    kaplan_markov,
    supermajority_assorter,
)

REL = 1e-9
GOLDEN = 0.6180339887498949
HISTORY_AT = (0, 9, 99, 999, 2999)


def weyl_codes(n: int, yes: float, no: float) -> NDArray[np.int8]:
    """A deterministic, evenly spread sequence of codes with the given Yes and No shares."""
    u = (np.arange(1, n + 1) * GOLDEN) % 1.0
    codes = np.where(u < yes, VoteCode.YES, np.where(u < yes + no, VoteCode.NO, VoteCode.OTHER))
    return codes.astype(np.int8)


# (f, reported yes share of valid votes, Yes, No, other of N = 100,000 cards,
#  SHANGRLA p and p_history at draws 1, 10, 100, 1000, 3000, for three estimators:
#  shrink_trunc (d=100, f=0), shrink_trunc (d=20, f=0.3), fixed_alternative_mean)
POLLING = [
    (0.5, 0.55, 53900, 44100, 2000,
     (1.408654626996216e-06, [1.0, 1.0, 1.0, 0.023062479562979202, 1.4137593897729136e-06]),
     (0.991453880014983, [1.0, 1.0, 1.0, 1.0, 1.0]),
     (2.5725638174132124e-07,
      [1.0, 1.0, 0.8099953078133494, 0.007042904917140563, 2.5725638174132124e-07])),
    (0.55, 0.56, 54880, 43120, 2000,
     (1.0, [1.0, 1.0, 1.0, 1.0, 1.0]),
     (1.0, [1.0, 1.0, 1.0, 1.0, 1.0]),
     (0.5286075962898726, [1.0, 1.0, 1.0, 0.8120309461916788, 0.5286075962898726])),
    (0.55, 0.58, 56840, 41160, 2000,
     (0.01957883381118259, [1.0, 1.0, 1.0, 0.4976455459590679, 0.01957883381118259]),
     (1.0, [1.0, 1.0, 1.0, 1.0, 1.0]),
     (0.0035799832592604735,
      [1.0, 0.9586856148934506, 0.8775185370227775, 0.15258994071085555,
       0.0035799832592604735])),
    (0.55, 0.60, 58800, 39200, 2000,
     (1.3327110054149339e-06,
      [1.0, 0.9969882856586264, 1.0, 0.021232792613619152, 1.3510404421373136e-06]),
     (1.0, [1.0, 1.0, 1.0, 1.0, 1.0]),
     (2.4248641013230834e-07,
      [1.0, 0.9503534458272127, 0.7997829411889599, 0.0064749880481201,
       2.450809061304067e-07])),
    (0.55, 0.65, 63700, 34300, 2000,
     (2.6771642230447418e-27,
      [0.8487654320987655, 0.6896360912185049, 0.2112977547030136, 2.9418681190035363e-09,
       2.6771642230447418e-27]),
     (0.5589591201183987, [0.7542194092827006, 1.0, 1.0, 1.0, 1.0]),
     (4.964156764726287e-28,
      [0.8487654320987655, 0.6629889919645175, 0.14963670458780245, 9.097909006082528e-10,
       4.964156764726287e-28])),
]  # fmt: skip


@pytest.mark.parametrize(("f", "share", "yes", "no", "other", "st", "st_f", "fixed"), POLLING)
def test_alpha_polling_matches_shangrla(
    f: float,
    share: float,
    yes: int,
    no: int,
    other: int,
    st: tuple[float, list[float]],
    st_f: tuple[float, list[float]],
    fixed: tuple[float, list[float]],
) -> None:
    assorter = supermajority_assorter(f)
    reported = Tally(yes=yes, no=no, other=other)
    eta = assorter.mean(reported)
    x = assorter.assort(weyl_codes(3000, 0.98 * share, 0.98 * (1 - share)))
    for estimator, (p_ref, history_ref) in (
        (ShrinkTrunc(eta), st),
        (ShrinkTrunc(eta, d=20, f=0.3), st_f),
        (FixedEta(eta), fixed),
    ):
        test = AlphaMart(N=reported.cards, u=assorter.upper_bound, estimator=estimator)
        p, history = test.measure(x)
        assert p == pytest.approx(p_ref, rel=REL, abs=0)
        assert [history[i] for i in HISTORY_AT] == pytest.approx(history_ref, rel=REL, abs=0)


# --- comparison audit: 9,950 CVRs + 50 phantom CVRs, f = 0.55, 600 cards sampled ---------
CARDS = 10_000
SHANGRLA_MARGIN = 0.1201727272727271
SHANGRLA_U = 1.0707727231356508
SHANGRLA_VALUES = {  # B for no error, a phantom card, and the errors placed below
    "no error": 0.535386361567825,
    "phantom (omega = 1/2)": 0.240923862705521,
    "yes -> other (omega = u - 1/2)": 0.294462498862304,
    "yes -> no (omega = u)": 0.0,
    "no -> other (omega = -1/2)": 0.829848860430129,
    "no -> yes (omega = -u)": 1.070772723135651,
}
# name: (errors placed {sample position: (CVR vote, MVR vote)}, sum of B,
#        SHANGRLA Kaplan-Markov p, Kaplan-Kolmogorov p, ALPHA(optimal_comparison) p,
#        ALPHA p_history at draws 1, 10, 100, 600)
COMPARISON = {
    "none": ({}, 320.3484294441083, 7.57109268368911e-15, 2.6060394525041058e-15,
             4.6611418899441694e-18,
             [0.9339143391433915, 0.5045823440410118, 0.0010360641666402274,
              4.6611418899441694e-18]),
    "one_1vote": ({115: ("other", "no")}, 320.05396694524603, 1.411039108616814e-14,
                  4.978341764526884e-15, 1.066784082758345e-17,
                  [0.9339143391433915, 0.5045823440410118, 0.0010360641666402274,
                   1.066784082758345e-17]),
    "few_1vote": ({115: ("other", "no"), 150: ("yes", "other"), 429: ("other", "no")},
                  319.5185805836782, 4.2359585915148784e-14, 1.536323948228333e-14,
                  4.454143486439875e-17,
                  [0.9339143391433915, 0.5045823440410118, 0.0010360641666402274,
                   4.454143486439875e-17]),
    "one_2vote": ({77: ("yes", "no")}, 319.8130430825405, 4.810569033382012e-14,
                  1.7378128009938073e-14, 3.4993619191001075e-14,
                  [0.9339143391433915, 0.5045823440410118, 1.0, 3.4993619191001075e-14]),
    "mixed": ({115: ("other", "no"), 77: ("yes", "no"), 307: ("no", "yes"),
               309: ("no", "other")},
              320.3484294441083, 3.324817086773148e-14, 1.1800981750035796e-14,
              2.455836258645787e-14,
              [0.9339143391433915, 0.5045823440410118, 1.0, 2.455836258645787e-14]),
}  # fmt: skip
NAMES = {"yes": VoteCode.YES, "no": VoteCode.NO, "other": VoteCode.OTHER}


def _cvrs() -> NDArray[np.int8]:
    phantoms = np.full(50, VoteCode.PHANTOM, dtype=np.int8)
    return np.concatenate([weyl_codes(CARDS - 50, 0.60, 0.37), phantoms])


def _sample(errors: dict[int, tuple[str, str]]) -> tuple[NDArray[np.int8], NDArray[np.int8]]:
    cvr = _cvrs()[(np.arange(600) * 7919) % CARDS]
    mvr = cvr.copy()  # a phantom CVR's card is never found: its MVR is a phantom too
    for position, (reported, found) in errors.items():
        assert cvr[position] == NAMES[reported]
        mvr[position] = NAMES[found]
    return cvr, mvr


def test_comparison_margin_and_values_match_shangrla() -> None:
    comparison = comparison_assorter(supermajority_assorter(0.55), Tally.from_codes(_cvrs()))
    assert comparison.reported_margin == pytest.approx(SHANGRLA_MARGIN, rel=REL)
    assert comparison.upper_bound == pytest.approx(SHANGRLA_U, rel=REL)
    u = comparison.assorter.upper_bound
    ours = [comparison.value(w) for w in (0.0, 0.5, u - 0.5, u, -0.5, -u)]
    assert ours == pytest.approx(list(SHANGRLA_VALUES.values()), rel=REL, abs=1e-15)
    cvr, mvr = _sample({})
    assert int((cvr == VoteCode.PHANTOM).sum()) == 3  # three phantoms in the sample
    assert set(np.round(comparison.assort(cvr, mvr), 15)) == {
        SHANGRLA_VALUES["no error"],
        SHANGRLA_VALUES["phantom (omega = 1/2)"],
    }


@pytest.mark.parametrize("name", list(COMPARISON))
def test_comparison_p_values_match_shangrla(name: str) -> None:
    errors, total, km, kk, alpha, history_ref = COMPARISON[name]
    comparison = comparison_assorter(supermajority_assorter(0.55), Tally.from_codes(_cvrs()))
    x = comparison.assort(*_sample(errors))
    assert x.sum() == pytest.approx(total, rel=REL)
    assert kaplan_markov(x, t=0.5, g=0.1).p_value == pytest.approx(km, rel=REL)
    assert kaplan_markov(x, N=CARDS, t=0.5, g=0.1).p_value == pytest.approx(kk, rel=REL)
    test = AlphaMart(N=CARDS, u=comparison.upper_bound, estimator=OptimalComparison())
    p, history = test.measure(x)
    assert p == pytest.approx(alpha, rel=REL)
    assert [history[i] for i in (0, 9, 99, 599)] == pytest.approx(history_ref, rel=REL)
