"""calexit's audit mathematics beside SHANGRLA's, and the audit's speed targets.

    python bench/audit_reference.py [--shangrla PATH] [--sims 1000] [--cards 16000000]

With ``--shangrla PATH`` (a checkout of https://github.com/pbstark/SHANGRLA; it is used in
place and never copied into this project) the same inputs go through SHANGRLA's
``NonnegMean`` and ``Assertion`` and through ``calexit.vote.audit``, and each number is
printed with both values and their ratio. SHANGRLA needs its own requirements in the
interpreter (numpy, scipy, cryptorandom, svgling, colorama). Without ``--shangrla`` only
calexit's numbers are printed.

The comparisons (reference commit 9d5db92):

1. ALPHA p-values of a 3,000-card polling sample, N = 100,000, f = 0.55 (and 1/2 for 55%),
   reported Yes 55/56/58/60/65% of valid votes, 2% non-votes: ``shrink_trunc`` with eta =
   the reported assorter mean, and ``fixed_alternative_mean``;
2. a card-level comparison audit of 9,950 CVRs + 50 phantoms, 600 cards sampled, with no
   error, 1-vote and 2-vote overstatements: Kaplan-Markov, Kaplan-Kolmogorov (g = 0.1) and
   ALPHA with ``optimal_comparison``;
3. SHANGRLA's deterministic sample-size estimates (``reps=None``) on N = 1,000,000;
4. two SHANGRLA defects, side by side: ``wald_sprt``'s double product and
   ``find_margin_from_tally``'s margin with non-votes.

Timing targets: one risk measurement over a 10,000-card sample <= 10 ms; 1,000 simulated
polling audits at 58% Yes on N = 16,000,000 cards <= 30 s.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calexit.vote.audit import (
    AlphaMart,
    FixedEta,
    OptimalComparison,
    ShrinkTrunc,
    Tally,
    VoteCode,
    bravo,
    comparison_assorter,
    comparison_sample_size_deterministic,
    kaplan_markov,
    polling_risk,
    polling_sample_size_deterministic,
    simulate_polling_audits,
    supermajority_assorter,
)

GOLDEN = 0.6180339887498949
POLLING = [(0.5, 0.55), (0.55, 0.56), (0.55, 0.58), (0.55, 0.60), (0.55, 0.65)]
RATES = [(0.0, 0.0), (0.001, 0.0), (0.001, 0.0001), (0.005, 0.001)]
CARDS = 10_000
ERRORS: dict[str, dict[int, tuple[str, str]]] = {
    "none": {},
    "1-vote": {115: ("other", "no")},
    "3x 1-vote": {115: ("other", "no"), 150: ("yes", "other"), 429: ("other", "no")},
    "2-vote": {77: ("yes", "no")},
    "mixed": {115: ("other", "no"), 77: ("yes", "no"), 307: ("no", "yes"), 309: ("no", "other")},
}
NAMES = {"yes": VoteCode.YES, "no": VoteCode.NO, "other": VoteCode.OTHER}
Numbers = dict[str, float]


def weyl_votes(n: int, yes: float, no: float) -> NDArray[np.str_]:
    """A deterministic, evenly spread sequence of votes with the given shares."""
    u = (np.arange(1, n + 1) * GOLDEN) % 1.0
    return np.where(u < yes, "yes", np.where(u < yes + no, "no", "other"))


def codes_of(votes: NDArray[np.str_]) -> NDArray[np.int8]:
    return np.array([NAMES[v] for v in votes], dtype=np.int8)


def polling_tally(share: float, cards: int) -> Tally:
    yes, no = round(cards * 0.98 * share), round(cards * 0.98 * (1 - share))
    return Tally(yes=yes, no=no, other=cards - yes - no)


def sample_positions() -> NDArray[np.int64]:
    return (np.arange(600) * 7919) % CARDS


# ---- calexit ---------------------------------------------------------------------------


def calexit_numbers() -> Numbers:
    out: Numbers = {}
    for f, share in POLLING:
        assorter, tally = supermajority_assorter(f), polling_tally(share, 100_000)
        x = assorter.assort(codes_of(weyl_votes(3000, 0.98 * share, 0.98 * (1 - share))))
        eta = assorter.mean(tally)
        for name, estimator in (("shrink_trunc", ShrinkTrunc(eta)), ("fixed", FixedEta(eta))):
            test = AlphaMart(N=tally.cards, u=assorter.upper_bound, estimator=estimator)
            out[f"polling {share:.0%} f={f} ALPHA {name} p"] = test.measure(x).p_value
    cvr_all = np.concatenate(
        [codes_of(weyl_votes(CARDS - 50, 0.60, 0.37)), np.full(50, VoteCode.PHANTOM, np.int8)]
    )
    comparison = comparison_assorter(supermajority_assorter(0.55), Tally.from_codes(cvr_all))
    out["comparison margin v"] = comparison.reported_margin
    for name, errors in ERRORS.items():
        cvr = cvr_all[sample_positions()]
        mvr = cvr.copy()
        for position, (_, found) in errors.items():
            mvr[position] = NAMES[found]
        x = comparison.assort(cvr, mvr)
        alpha = AlphaMart(N=CARDS, u=comparison.upper_bound, estimator=OptimalComparison())
        out[f"comparison {name}: Kaplan-Markov p"] = kaplan_markov(x, g=0.1).p_value
        out[f"comparison {name}: Kaplan-Kolmogorov p"] = kaplan_markov(x, N=CARDS, g=0.1).p_value
        out[f"comparison {name}: ALPHA p"] = alpha.measure(x).p_value
    for f, share in POLLING:
        size = polling_sample_size_deterministic(
            polling_tally(share, 1_000_000), supermajority_assorter(f)
        )
        out[f"sample size polling {share:.0%} f={f}"] = size
    for share in (0.56, 0.58, 0.60, 0.65):
        for r1, r2 in RATES:
            size = comparison_sample_size_deterministic(
                polling_tally(share, 1_000_000), supermajority_assorter(0.55), rate_1=r1, rate_2=r2
            )
            out[f"sample size comparison {share:.0%} o1={r1} o2={r2}"] = size
    out["defect: Wald SPRT p, 3 Yes, s_w=0.6"] = bravo([VoteCode.YES] * 3, s_w=0.6).p_value
    tally = polling_tally(0.56, 1_000_000)
    out["defect: margin from tally, 56% Yes"] = supermajority_assorter(0.55).margin(tally)
    return out


# ---- SHANGRLA --------------------------------------------------------------------------


class Shangrla:
    """SHANGRLA's classes, imported from a checkout, and the inputs built with them."""

    def __init__(self, path: Path) -> None:
        sys.path.insert(0, str(path))
        from shangrla.core import Audit, NonnegMean  # type: ignore[import-not-found]  # noqa: PLC0415

        self.CVR, self.Assertion = Audit.CVR, Audit.Assertion
        self.Audit, self.Contest = Audit.Audit, Audit.Contest
        self.NonnegMean = NonnegMean.NonnegMean

    def cvr(self, i: int, vote: str | None) -> Any:
        if vote is None:
            return self.CVR(id=str(i), votes={"m": {}}, phantom=True)
        return self.CVR(id=str(i), votes={"m": {} if vote == "other" else {vote: True}})

    def assertion(self, f: float, cards: int, audit_type: str, estim: Callable[..., Any]) -> Any:
        contest = self.Contest(
            id="m", name="m", risk_limit=0.05, cards=cards, share_to_win=f,
            choice_function=self.Contest.SOCIAL_CHOICE_FUNCTION.SUPERMAJORITY,
            candidates=["yes", "no"], winner=["yes"], audit_type=audit_type,
        )  # fmt: skip
        made = self.Assertion.make_supermajority_assertion(
            contest=contest, share_to_win=f, winner="yes", loser=["no"],
            test=self.NonnegMean.alpha_mart, estim=estim,
        )  # fmt: skip
        return made["yes v ALL_OTHERS"]

    def polling(self, out: Numbers) -> None:
        nm = self.NonnegMean
        for f, share in POLLING:
            tally, u = polling_tally(share, 100_000), 1 / (2 * f)
            eta = (tally.yes * u + tally.other * 0.5) / tally.cards
            a = self.assertion(f, tally.cards, self.Audit.AUDIT_TYPE.POLLING, nm.shrink_trunc)
            votes = weyl_votes(3000, 0.98 * share, 0.98 * (1 - share))
            x = np.array([a.assorter.assort(self.cvr(i, v)) for i, v in enumerate(votes)])
            for name, estim in (
                ("shrink_trunc", nm.shrink_trunc),
                ("fixed", nm.fixed_alternative_mean),
            ):
                test = nm(test=nm.alpha_mart, estim=estim, N=tally.cards, u=u, eta=eta)
                out[f"polling {share:.0%} f={f} ALPHA {name} p"] = float(test.alpha_mart(x)[0])

    def comparison(self, out: Numbers) -> None:
        nm = self.NonnegMean
        reported = [*weyl_votes(CARDS - 50, 0.60, 0.37), *([None] * 50)]
        cvrs = [self.cvr(i, v) for i, v in enumerate(reported)]
        audit_type = self.Audit.AUDIT_TYPE.CARD_COMPARISON
        a = self.assertion(0.55, CARDS, audit_type, nm.optimal_comparison)
        a.margin = 2 * a.assorter.mean(cvrs, use_style=True) - 1
        u_c = 2 / (2 - a.margin / a.assorter.upper_bound)
        out["comparison margin v"] = a.margin
        for name, errors in ERRORS.items():
            sample = [cvrs[i] for i in sample_positions()]
            mvrs = [
                self.CVR(id=c.id, votes={}, phantom=True)
                if c.phantom
                else self.cvr(0, reported[int(c.id)])
                for c in sample
            ]
            for position, (_, found) in errors.items():
                mvrs[position] = self.cvr(0, found)
            pairs = zip(mvrs, sample, strict=True)
            x = np.array([a.overstatement_assorter(m, c, use_style=True) for m, c in pairs])
            km = nm(test=nm.kaplan_markov, u=u_c, N=CARDS, g=0.1)
            kk = nm(test=nm.kaplan_kolmogorov, u=u_c, N=CARDS, g=0.1)
            am = nm(test=nm.alpha_mart, estim=nm.optimal_comparison, u=u_c, N=CARDS)
            out[f"comparison {name}: Kaplan-Markov p"] = float(km.kaplan_markov(x)[0])
            out[f"comparison {name}: Kaplan-Kolmogorov p"] = float(kk.kaplan_kolmogorov(x)[0])
            out[f"comparison {name}: ALPHA p"] = float(am.alpha_mart(x)[0])

    def sample_sizes(self, out: Numbers) -> None:
        nm = self.NonnegMean
        for f, share in POLLING:
            tally, u = polling_tally(share, 1_000_000), 1 / (2 * f)
            eta = (tally.yes * u + tally.other * 0.5) / tally.cards
            population = self.Assertion.interleave_values(tally.no, tally.other, tally.yes, big=u)
            test = nm(test=nm.alpha_mart, estim=nm.shrink_trunc, N=tally.cards, u=u, eta=eta)
            out[f"sample size polling {share:.0%} f={f}"] = test.sample_size(x=population)
        audit_type = self.Audit.AUDIT_TYPE.CARD_COMPARISON
        for share in (0.56, 0.58, 0.60, 0.65):
            tally = polling_tally(share, 1_000_000)
            a = self.assertion(0.55, tally.cards, audit_type, nm.optimal_comparison)
            # the correct margin p/f - q (SHANGRLA's find_margin_from_tally gets it wrong)
            a.margin = 2 * ((tally.yes / 1.1 + tally.other * 0.5) / tally.cards) - 1
            a.test.u = 2 / (2 - a.margin / a.assorter.upper_bound)
            for r1, r2 in RATES:
                size = a.find_sample_size(rate_1=r1, rate_2=r2, reps=None)
                out[f"sample size comparison {share:.0%} o1={r1} o2={r2}"] = size

    def defects(self, out: Numbers) -> None:
        nm = self.NonnegMean
        sprt = nm(test=nm.wald_sprt, N=np.inf, u=1, t=0.5, eta=0.6)
        out["defect: Wald SPRT p, 3 Yes, s_w=0.6"] = float(sprt.wald_sprt(np.ones(3))[0])
        tally = polling_tally(0.56, 1_000_000)
        a = self.assertion(0.55, tally.cards, self.Audit.AUDIT_TYPE.POLLING, nm.shrink_trunc)
        a.contest.tally = {"yes": tally.yes, "no": tally.no}
        a.find_margin_from_tally()
        out["defect: margin from tally, 56% Yes"] = a.margin


def shangrla_numbers(path: Path) -> Numbers:
    reference = Shangrla(path)
    out: Numbers = {}
    reference.polling(out)
    reference.comparison(out)
    reference.sample_sizes(out)
    reference.defects(out)
    return out


# ---- report ----------------------------------------------------------------------------


def show(ours: Numbers, theirs: Numbers | None) -> None:
    width = max(len(k) for k in ours)
    if theirs is None:
        for key, value in ours.items():
            print(f"{key:<{width}}  {value:.12g}")
        return
    print(f"{'':<{width}}  {'calexit':>22}  {'SHANGRLA':>22}  ratio")
    for key, value in ours.items():
        other = theirs.get(key, math.nan)
        ratio = value / other if other else (1.0 if value == other else math.inf)
        print(f"{key:<{width}}  {value:>22.16g}  {other:>22.16g}  {ratio:.12f}")


def timings(sims: int, cards: int) -> None:
    assorter = supermajority_assorter(0.55)
    tally = Tally.from_shares(cards, 0.58, 0.42)
    test = polling_risk(tally, assorter)
    x = assorter.assort(np.random.default_rng(1).choice(2, 10_000, p=[0.42, 0.58]))
    test.measure(x)
    repeats = 200
    start = time.perf_counter()
    for _ in range(repeats):
        test.measure(x)
    one = (time.perf_counter() - start) / repeats
    print(f"one ALPHA risk measurement, 10,000 cards: {one * 1e3:.3f} ms (target <= 10 ms)")
    start = time.perf_counter()
    sizes = simulate_polling_audits(tally, assorter, np.random.default_rng(58), n_sims=sims)
    took = time.perf_counter() - start
    print(
        f"{sims:,} simulated polling audits, 58% Yes, f = 0.55, N = {cards:,}: {took:.2f} s "
        f"(target <= 30 s); cards drawn: mean {sizes.expected:,.0f}, median "
        f"{sizes.median:,.0f}, 90th percentile {sizes.p90:,.0f}, all confirmed "
        f"{bool(sizes.confirmed.all())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shangrla", type=Path, help="a checkout of pbstark/SHANGRLA")
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--cards", type=int, default=16_000_000)
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    ours = calexit_numbers()
    theirs = shangrla_numbers(args.shangrla) if args.shangrla else None
    show(ours, theirs)
    if theirs is not None:
        print("(the two 'defect:' rows differ on purpose; see tests/unit/audit)")
    if not args.skip_timing:
        timings(args.sims, args.cards)


if __name__ == "__main__":
    main()
