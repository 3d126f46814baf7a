"""BRAVO (Lindeman, Stark and Yates 2012, "BRAVO: Ballot-polling Risk-limiting Audits to
Verify Outcomes") for the measure's Yes/No contest, and its place inside ALPHA.

BRAVO is Wald's sequential probability ratio test of "the winner's share of the valid votes
is f" against "it is s_w", the reported share, sampling with replacement: the statistic T
starts at 1 and, for each ballot drawn, is multiplied by s_w / f for a vote for the winner,
by (1 - s_w)/(1 - f) for a vote for the loser, and by 1 for any other ballot (f = 1/2 for a
majority; the paper's super-majority variant uses f). The audit stops when T >= 1/alpha;
p = min(1, 1/max T).

On the supermajority assorter (u = 1/(2f), t = 1/2) this is exactly ALPHA with the fixed
alternative eta = s_w/(2f) and N = inf: the ALPHA factor is 2 eta = s_w/f for a Yes,
(u - eta)/(u - 1/2) = (1 - s_w)/(1 - f) for a No, and 1 for a non-vote (Stark 2023 makes
the same observation for plurality contests). Without replacement, SHANGRLA's analogue is
ALPHA with a fixed eta equal to the reported assorter mean, adjusted for the draws so far
(:func:`bravo_without_replacement`).
"""

from __future__ import annotations

import math

import numpy as np

from calexit.vote.audit.codes import VoteCode, as_codes
from calexit.vote.audit.estimators import FixedEta
from calexit.vote.audit.risk import AlphaMart, RiskMeasurement

__all__ = ["bravo", "bravo_asn", "bravo_test", "bravo_without_replacement"]


def _check(s_w: float, f: float) -> None:
    if not (0.0 < f < 1.0):
        raise ValueError(f"f must be strictly between 0 and 1, got {f}")
    if not (f < s_w < 1.0):
        raise ValueError(f"the reported winner share s_w must be in (f, 1) = ({f}, 1), got {s_w}")


def bravo(codes: object, s_w: float, f: float = 0.5) -> RiskMeasurement:
    """BRAVO's p-value for Yes winning more than f of the valid votes, from ballot codes.

    ``codes`` are the sampled ballots' :class:`VoteCode` in the order drawn (with
    replacement). A phantom ballot counts as a vote for the loser.
    """
    _check(s_w, f)
    drawn = as_codes(codes)
    if drawn.ndim != 1 or drawn.size == 0:
        raise ValueError("need a non-empty 1-D array of ballot codes")
    log_factor = np.zeros(len(VoteCode))
    log_factor[VoteCode.YES] = math.log(s_w / f)
    log_factor[VoteCode.NO] = log_factor[VoteCode.PHANTOM] = math.log((1 - s_w) / (1 - f))
    with np.errstate(over="ignore"):
        history = np.minimum(1.0, np.exp(-np.cumsum(log_factor[drawn])))
    return RiskMeasurement(float(history.min()), history)


def bravo_test(s_w: float, f: float = 0.5) -> AlphaMart:
    """BRAVO as an ALPHA risk function on supermajority-assorter values (with replacement)."""
    _check(s_w, f)
    return AlphaMart(N=math.inf, u=1 / (2 * f), estimator=FixedEta(s_w / (2 * f)))


def bravo_without_replacement(N: int, eta: float, f: float = 0.5) -> AlphaMart:  # noqa: N803
    """BRAVO without replacement: ALPHA with fixed eta = the reported assorter mean.

    ``eta`` is the reported mean of the supermajority assorter over all N cards; the
    alternative is adjusted draw by draw to (N eta - S_j)/(N - j + 1) (ALPHA, fixed alternative).
    """
    if not (0.0 < f < 1.0):
        raise ValueError(f"f must be strictly between 0 and 1, got {f}")
    return AlphaMart(N=N, u=1 / (2 * f), estimator=FixedEta(eta))


def bravo_asn(p_w: float, p_l: float, alpha: float = 0.05) -> float:
    """BRAVO's approximate average sample number for a majority contest (f = 1/2).

    ASN ~ (ln(1/alpha) + ln(2 s_w)/2) / (p_w ln(2 s_w) + p_l ln(2 - 2 s_w)), with p_w, p_l
    the winner's and loser's shares of all ballots and s_w = p_w/(p_w + p_l) (Lindeman, Stark
    and Yates 2012; the same formula is on Stark's ballot-polling tools page). Assumes the reported
    shares are right.
    """
    if not (0 < p_l < p_w and p_w + p_l <= 1):
        raise ValueError(f"need 0 < p_l < p_w and p_w + p_l <= 1, got {p_w}, {p_l}")
    if not (0 < alpha < 1):
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    s_w = p_w / (p_w + p_l)
    z_w, z_l = math.log(2 * s_w), math.log(2 - 2 * s_w)
    return (math.log(1 / alpha) + z_w / 2) / (p_w * z_w + p_l * z_l)
