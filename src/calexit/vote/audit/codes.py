"""How one ballot card's vote on the measure is encoded, and tallies of such codes.

Every audit function works on arrays of ``int8`` codes, one per ballot card, so that
assorters apply to whole samples (or to a 2-D block of simulated samples) at once:

========== ===== ===================================================================
code       value meaning
========== ===== ===================================================================
``NO``     0     one valid vote, for No
``YES``    1     one valid vote, for Yes
``OTHER``  2     no valid vote on the measure: undervote, overvote, blank, spoiled
``PHANTOM`` 3    a card the manifest counts but that cannot be found or has no record
========== ===== ===================================================================

Phantoms follow Banuelos and Stark (2012), "Limiting Risk by Turning Manifest Phantoms
into Evil Zombies": a phantom is given the value least favourable to the assertion under
audit, so that missing cards can only make the audit more cautious.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

__all__ = ["N_CODES", "Tally", "VoteCode", "as_codes"]


class VoteCode(IntEnum):
    """The code of one ballot card (see the module docstring)."""

    NO = 0
    YES = 1
    OTHER = 2
    PHANTOM = 3


N_CODES = len(VoteCode)
"""How many codes there are; code ``k`` indexes row ``k`` of every lookup table."""


def as_codes(codes: object) -> NDArray[np.int8]:
    """Return ``codes`` as an ``int8`` array, checking every entry is a :class:`VoteCode`."""
    array = np.asarray(codes)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"vote codes must be integers, got dtype {array.dtype}")
    out = array.astype(np.int8, copy=False)
    if out.size and (int(out.min()) < 0 or int(out.max()) >= N_CODES):
        raise ValueError(f"vote codes must be in 0..{N_CODES - 1} (see VoteCode)")
    return out


@dataclass(frozen=True)
class Tally:
    """Counts of ballot cards by code: the reported (or true) composition of a population.

    ``N`` (:attr:`cards`) is the number of cards in the manifest, phantoms included: it is
    the population size N of the risk-measuring functions (Stark 2020).
    """

    yes: int
    no: int
    other: int = 0
    phantom: int = 0

    def __post_init__(self) -> None:
        for name in ("yes", "no", "other", "phantom"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise TypeError(f"Tally.{name} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"Tally.{name} must not be negative, got {value}")
        if self.cards == 0:
            raise ValueError("a Tally must count at least one card")

    @property
    def cards(self) -> int:
        """N: every card in the manifest, phantoms included."""
        return int(self.yes + self.no + self.other + self.phantom)

    @property
    def valid(self) -> int:
        """Cards with one valid vote on the measure (Yes or No)."""
        return int(self.yes + self.no)

    def counts(self) -> NDArray[np.int64]:
        """The counts indexed by code: ``counts()[VoteCode.YES] == yes``."""
        out = np.zeros(N_CODES, dtype=np.int64)
        out[VoteCode.NO] = self.no
        out[VoteCode.YES] = self.yes
        out[VoteCode.OTHER] = self.other
        out[VoteCode.PHANTOM] = self.phantom
        return out

    @classmethod
    def from_codes(cls, codes: object) -> Tally:
        """Count a 1-D array of codes."""
        counts = np.bincount(as_codes(codes).ravel(), minlength=N_CODES)
        return cls(
            yes=int(counts[VoteCode.YES]),
            no=int(counts[VoteCode.NO]),
            other=int(counts[VoteCode.OTHER]),
            phantom=int(counts[VoteCode.PHANTOM]),
        )

    @classmethod
    def from_shares(cls, cards: int, yes: float, no: float, phantom: int = 0) -> Tally:
        """A tally of ``cards`` cards with the given Yes and No shares (rest: other).

        Shares are of all cards; counts are rounded to the nearest integer.
        """
        if not (yes >= 0 and no >= 0 and yes + no <= 1):
            raise ValueError(f"shares must be in [0, 1] and sum to at most 1: {yes}, {no}")
        real = cards - phantom
        n_yes = round(real * yes)
        n_no = round(real * no)
        return cls(yes=n_yes, no=n_no, other=real - n_yes - n_no, phantom=phantom)

    def codes(self) -> NDArray[np.int8]:
        """All cards' codes in code order (NO..., YES..., OTHER..., PHANTOM...)."""
        return np.repeat(np.arange(N_CODES, dtype=np.int8), self.counts())
