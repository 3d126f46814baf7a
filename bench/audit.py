"""Audit benchmark: cards needed to confirm a 55% super-majority on a 16-million-card manifest.

    python bench/audit.py [--cards 16000000] [--sims 1000] [--shangrla PATH]

For reported Yes shares of 56, 58, 60 and 65% of the valid votes (2% of cards without a
valid vote), f = 0.55 and risk limit 5%, it simulates ``--sims`` audits of each kind,
drawing without replacement from a population consistent with the report:

* ballot polling: ALPHA with SHANGRLA's ``shrink_trunc`` estimator (eta = reported mean);
* card-level comparison, error-free CVRs and CVRs with 1-vote overstatements at 0.1%
  (SHANGRLA's default ``error_rate_1``): ALPHA with ``optimal_comparison``.

It prints the mean, median and 90th percentile of the cards drawn, the time taken, and
beside the median SHANGRLA's deterministic estimate (``Assertion.find_sample_size`` with
``reps=None``) as computed by calexit's re-implementation, which tests/unit/audit checks
against SHANGRLA's own numbers. With ``--shangrla PATH`` (a checkout of pbstark/SHANGRLA,
used in place) SHANGRLA's estimates are also computed by SHANGRLA itself; for 16 million
cards that takes minutes (its interleaving is a Python loop).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from calexit.vote.audit import (
    ErrorRates,
    SampleSizes,
    Tally,
    comparison_sample_size_deterministic,
    polling_sample_size_deterministic,
    simulate_comparison_audits,
    simulate_polling_audits,
    supermajority_assorter,
)

F = 0.55
SHARES = (0.56, 0.58, 0.60, 0.65)
SEED = 20_260_101
KINDS: list[tuple[str, ErrorRates | None]] = [
    ("polling", None),
    ("comparison, no errors", ErrorRates()),
    ("comparison, o1 = 0.1%", ErrorRates(o1=0.001)),
]


def report(share: float, cards: int) -> Tally:
    yes, no = round(cards * 0.98 * share), round(cards * 0.98 * (1 - share))
    return Tally(yes=yes, no=no, other=cards - yes - no)


def shangrla_estimates(path: Path, tally: Tally) -> tuple[int, int, int]:
    """SHANGRLA's own (polling, comparison, comparison with o1 = 0.001) estimates."""
    sys.path.insert(0, str(path))
    from shangrla.core import Audit, NonnegMean  # type: ignore[import-not-found]  # noqa: PLC0415

    nm, u = NonnegMean.NonnegMean, 1 / (2 * F)
    eta = (tally.yes * u + tally.other * 0.5) / tally.cards
    population = Audit.Assertion.interleave_values(tally.no, tally.other, tally.yes, big=u)
    test = nm(test=nm.alpha_mart, estim=nm.shrink_trunc, N=tally.cards, u=u, eta=eta)
    polling = int(test.sample_size(x=population, alpha=0.05))
    contest = Audit.Contest(
        id="m", name="m", risk_limit=0.05, cards=tally.cards, share_to_win=F,
        choice_function=Audit.Contest.SOCIAL_CHOICE_FUNCTION.SUPERMAJORITY,
        candidates=["yes", "no"], winner=["yes"],
        audit_type=Audit.Audit.AUDIT_TYPE.CARD_COMPARISON,
    )  # fmt: skip
    made = Audit.Assertion.make_supermajority_assertion(
        contest=contest, share_to_win=F, winner="yes", loser=["no"],
        test=nm.alpha_mart, estim=nm.optimal_comparison,
    )  # fmt: skip
    a = made["yes v ALL_OTHERS"]
    a.margin = 2 * eta - 1
    a.test.u = 2 / (2 - a.margin / a.assorter.upper_bound)
    clean = int(a.find_sample_size(rate_1=0, rate_2=0, reps=None))
    with_errors = int(a.find_sample_size(rate_1=0.001, rate_2=0, reps=None))
    return polling, clean, with_errors


def line(kind: str, share: float, sizes: SampleSizes, took: float, estimate: int) -> str:
    return (
        f"{kind:<22} {share:>4.0%} {sizes.expected:>10,.0f} {sizes.median:>10,.0f} "
        f"{sizes.p90:>10,.0f} {estimate:>10,} {sizes.confirmed_rate:>9.1%} {took:>7.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=16_000_000)
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--shangrla", type=Path, help="a checkout of pbstark/SHANGRLA")
    args = parser.parse_args()
    assorter = supermajority_assorter(F)
    rng = np.random.default_rng(SEED)
    print(f"N = {args.cards:,} cards, f = {F}, risk limit 5%, {args.sims:,} simulated audits each")
    print(
        f"{'audit':<22} {'Yes':>4} {'mean':>10} {'median':>10} {'p90':>10} "
        f"{'SHANGRLA':>10} {'confirmed':>9} {'secs':>7}"
    )
    for share in SHARES:
        tally = report(share, args.cards)
        for kind, errors in KINDS:
            start = time.perf_counter()
            if errors is None:
                sizes = simulate_polling_audits(tally, assorter, rng, n_sims=args.sims)
                estimate = polling_sample_size_deterministic(tally, assorter)
            else:
                sizes = simulate_comparison_audits(
                    tally, assorter, rng, n_sims=args.sims, errors=errors
                )
                estimate = comparison_sample_size_deterministic(
                    tally, assorter, rate_1=errors.o1, rate_2=errors.o2
                )
            print(line(kind, share, sizes, time.perf_counter() - start, estimate), flush=True)
        if args.shangrla:
            own = shangrla_estimates(args.shangrla, tally)
            print(f"{'':<22} {share:>4.0%} SHANGRLA itself (polling, comparison x2): {own}")


if __name__ == "__main__":
    main()
