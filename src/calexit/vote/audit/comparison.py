"""Card-level comparison audits: the overstatement assorter (Stark 2020, sec. 3.2).

In a comparison audit each sampled card's manual vote record (MVR) is compared with its
cast vote record (CVR). For an assorter A with upper bound u and reported assorter margin
v = 2 * mean_CVR(A) - 1, the overstatement of a card is omega = A(CVR) - A(MVR) and

    B(b) = (1 - omega / u) / (2 - v / u),

a value in [0, 2 / (2 - v/u)]. The mean of B exceeds 1/2 iff the mean of A over the true
votes exceeds 1/2, so the same risk functions apply, with upper bound 2 / (2 - v/u).

Phantoms (SHANGRLA commit 9d5db92, ``Assorter.overstatement`` in ``shangrla/core/Audit.py``):
a phantom *CVR* (a card in the manifest with no CVR) is assorted as 1/2, a non-vote, both in
the reported margin and in omega; a phantom *MVR* (a sampled card that cannot be found) is
assorted as 0, the worst case. A phantom card is thus charged omega = 1/2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calexit.vote.audit.assorters import Assorter
from calexit.vote.audit.codes import Tally, VoteCode, as_codes

__all__ = ["ComparisonAssorter", "ErrorRates", "comparison_assorter"]


@dataclass(frozen=True)
class ComparisonAssorter:
    """The overstatement assorter B for ``assorter`` A with reported margin v > 0."""

    assorter: Assorter
    reported_margin: float

    def __post_init__(self) -> None:
        v, u = self.reported_margin, self.assorter.upper_bound
        if not (0.0 < v <= 2.0 * u - 1.0):
            raise ValueError(
                f"the reported assorter margin v must be in (0, 2u - 1] = (0, {2 * u - 1:g}] "
                f"for a comparison audit to confirm the outcome, got {v}"
            )

    @property
    def upper_bound(self) -> float:
        """The bound on B: 2 / (2 - v/u) (SHANGRLA sets the test's u to this)."""
        return 2.0 / (2.0 - self.reported_margin / self.assorter.upper_bound)

    @property
    def no_error_value(self) -> float:
        """B for a card whose CVR is right: 1 / (2 - v/u)."""
        return self.value(0.0)

    def value(self, omega: float) -> float:
        """B for an overstatement omega (SHANGRLA's ``Assertion.make_overstatement``)."""
        u = self.assorter.upper_bound
        return (1.0 - omega / u) / (2.0 - self.reported_margin / u)

    def cvr_table(self) -> NDArray[np.float64]:
        """A(CVR) by code; a phantom CVR counts as a non-vote, 1/2."""
        table = self.assorter.table().copy()
        table[VoteCode.PHANTOM] = 0.5
        return table

    def mvr_table(self) -> NDArray[np.float64]:
        """A(MVR) by code; a phantom MVR (card not found) counts as 0."""
        table = self.assorter.table().copy()
        table[VoteCode.PHANTOM] = 0.0
        return table

    def overstatement(self, cvr: object, mvr: object) -> NDArray[np.float64]:
        """omega = A(CVR) - A(MVR) for paired arrays of codes."""
        return self.cvr_table()[as_codes(cvr)] - self.mvr_table()[as_codes(mvr)]

    def assort(self, cvr: object, mvr: object) -> NDArray[np.float64]:
        """B(b) for paired arrays of CVR and MVR codes."""
        u = self.assorter.upper_bound
        omega = self.overstatement(cvr, mvr)
        return (1.0 - omega / u) / (2.0 - self.reported_margin / u)


def comparison_assorter(assorter: Assorter, reported: Tally) -> ComparisonAssorter:
    """B for A with v computed from the reported CVR tally (phantom CVRs at 1/2)."""
    table = assorter.table().copy()
    table[VoteCode.PHANTOM] = 0.5
    mean = float(reported.counts() @ table / reported.cards)
    return ComparisonAssorter(assorter, 2.0 * mean - 1.0)


@dataclass(frozen=True)
class ErrorRates:
    """Rates (per card) of overstatements and understatements, for sample-size simulation.

    Following SHANGRLA's ``Assertion.find_sample_size`` (commit 9d5db92): a "1-vote"
    overstatement is omega = 1/2 (``make_overstatement(overs=1/2)``) and a "2-vote"
    overstatement is omega = u (B = 0); understatements are their negatives. For the
    supermajority assorter, o1 is e.g. a CVR undervote that is really No, o2 a CVR Yes that
    is really No, u1 a CVR No that is really an undervote, u2 a CVR No that is really Yes.
    """

    o1: float = 0.0
    o2: float = 0.0
    u1: float = 0.0
    u2: float = 0.0

    def __post_init__(self) -> None:
        rates = (self.o1, self.o2, self.u1, self.u2)
        if min(rates) < 0 or sum(rates) > 1:
            raise ValueError(f"error rates must be >= 0 and sum to at most 1, got {rates}")

    def omegas(self, u: float) -> tuple[float, float, float, float]:
        """omega for (o1, o2, u1, u2) given the assorter's upper bound u."""
        return (0.5, u, -0.5, -u)
