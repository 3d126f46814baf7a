"""Assorters for the measure's assertions (Stark 2020, "Sets of Half-Average Nulls Generate
Risk-Limiting Audits: SHANGRLA", sec. 2).

An *assorter* A maps each ballot card b to a value A(b) in [0, u]; the *assertion* is that
the mean of A over the N cards of the population exceeds 1/2. An audit confirms the outcome
by rejecting the complementary null hypothesis "mean(A) <= 1/2" at risk limit alpha for every
assertion the outcome rests on. Here a card is a :class:`~calexit.vote.audit.codes.VoteCode`
and an assorter is a lookup table over the codes, applied to whole arrays at once.

The measure passes when Yes takes more than a fraction f of the valid votes (sec. 2.3) and,
where the rules have one, when enough cards carry a valid vote on it (the participation
assertion below). Each reported outcome is audited with the assertion that says it:

* :func:`supermajority_assorter` (reported pass): ``yes / (yes + no) > f``;
* :func:`supermajority_failure_assorter` (reported failure): ``no / (yes + no) > 1 - f``;
* :func:`participation_assorter` (participation met): ``(yes + no) / N > t``;
* :func:`participation_failure_assorter` (participation missed): ``other / N > 1 - t``.

A phantom card (in the manifest, never found) gets the value 0, the least favourable to
every assertion (Banuelos and Stark 2012; SHANGRLA's ``Assorter.overstatement`` likewise
assorts a phantom manual vote record as 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calexit.vote.audit.codes import N_CODES, Tally, VoteCode, as_codes

__all__ = [
    "Assorter",
    "participation_assorter",
    "participation_failure_assorter",
    "participation_threshold",
    "supermajority_assorter",
    "supermajority_failure_assorter",
]


@dataclass(frozen=True)
class Assorter:
    """A SHANGRLA assorter over vote codes: ``values[code]`` is A(b) for a card b.

    ``upper_bound`` is u, an a-priori bound on every value (the risk functions need it).
    """

    name: str
    values: tuple[float, float, float, float]
    upper_bound: float

    def __post_init__(self) -> None:
        if len(self.values) != N_CODES:
            raise ValueError(f"an assorter needs one value per code ({N_CODES}), got {self.values}")
        if not (self.upper_bound > 0 and np.isfinite(self.upper_bound)):
            raise ValueError(f"upper bound u must be positive and finite, got {self.upper_bound}")
        if min(self.values) < 0 or max(self.values) > self.upper_bound:
            raise ValueError(f"assorter values {self.values} must lie in [0, u={self.upper_bound}]")

    def table(self) -> NDArray[np.float64]:
        """The values as an array indexed by code."""
        return np.asarray(self.values, dtype=np.float64)

    def assort(self, codes: object) -> NDArray[np.float64]:
        """A(b) for every card code in ``codes`` (any shape)."""
        return self.table()[as_codes(codes)]

    def mean(self, tally: Tally) -> float:
        """The assorter mean over a population with the given composition."""
        return float(tally.counts() @ self.table() / tally.cards)

    def margin(self, tally: Tally) -> float:
        """The assorter margin v = 2 mean - 1 (Stark 2020, sec. 3.2); v > 0 iff it holds."""
        return 2.0 * self.mean(tally) - 1.0

    def holds(self, tally: Tally) -> bool:
        """Does the assertion (mean > 1/2) hold for this composition?"""
        return self.margin(tally) > 0


def _check_share(name: str, value: float) -> None:
    if not (0.0 < value < 1.0):
        raise ValueError(f"{name} must be strictly between 0 and 1, got {value}")


def _values(no: float, yes: float, other: float) -> tuple[float, float, float, float]:
    out = [0.0] * N_CODES
    out[VoteCode.NO], out[VoteCode.YES], out[VoteCode.OTHER] = no, yes, other
    out[VoteCode.PHANTOM] = 0.0
    return (out[0], out[1], out[2], out[3])


def supermajority_assorter(f: float) -> Assorter:
    """Yes got more than a fraction f of the valid votes (Stark 2020, sec. 2.3).

    A(b) = 1/(2f) for a valid Yes, 0 for a valid No, 1/2 for a card with no valid vote;
    u = 1/(2f). With Y, V and N the Yes votes, valid votes and cards, the mean is
    Y/(2fN) + (N - V)/(2N), which exceeds 1/2 iff Y/V > f.
    """
    _check_share("f", f)
    u = 1.0 / (2.0 * f)
    return Assorter(f"yes share > {f:g}", _values(no=0.0, yes=u, other=0.5), u)


def supermajority_failure_assorter(f: float) -> Assorter:
    """No got more than 1 - f of the valid votes: the measure failed (same construction).

    A(b) = 1/(2(1 - f)) for a valid No, 0 for a valid Yes, 1/2 otherwise; u = 1/(2(1 - f)).
    Its mean exceeds 1/2 iff N_no/V > 1 - f, i.e. Yes did *not* reach f. (A tie at exactly f
    satisfies neither assertion and cannot be confirmed by either audit.)
    """
    _check_share("f", f)
    u = 1.0 / (2.0 * (1.0 - f))
    return Assorter(f"no share > {1.0 - f:g}", _values(no=u, yes=0.0, other=0.5), u)


def participation_assorter(t: float) -> Assorter:
    """More than a fraction t of the N cards carry a valid vote on the measure.

    A(b) = 1/(2t) if b has a valid vote (Yes or No), else 0; u = 1/(2t). The mean is
    V/(2tN), which exceeds 1/2 iff V/N > t. See :func:`participation_threshold` for t.
    """
    _check_share("t", t)
    u = 1.0 / (2.0 * t)
    return Assorter(f"valid-vote share > {t:g}", _values(no=u, yes=u, other=0.0), u)


def participation_failure_assorter(t: float) -> Assorter:
    """More than 1 - t of the cards carry no valid vote: participation fell short of t.

    A(b) = 1/(2(1 - t)) for a card without a valid vote, 0 for a valid vote or a phantom.
    """
    _check_share("t", t)
    u = 1.0 / (2.0 * (1.0 - t))
    return Assorter(f"no-vote share > {1.0 - t:g}", _values(no=0.0, yes=0.0, other=u), u)


def participation_threshold(registered: int, threshold: float, cards: int) -> float:
    """t = registered x threshold / cards: the share of manifest cards that must vote.

    ``threshold`` is the participation rule as a share of registered voters (e.g. 0.5).
    A result of 1 or more means this manifest cannot meet the rule, and
    :func:`participation_assorter` refuses it (``ValueError``).
    """
    if registered <= 0 or cards <= 0:
        raise ValueError(f"registered and cards must be positive: {registered}, {cards}")
    _check_share("threshold", threshold)
    return registered * threshold / cards
