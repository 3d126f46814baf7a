"""The leximin stage rule, shared by the column generation and the LP relaxation.

At a stage's optimum the dual ``y_g`` of a group not yet fixed is positive only if its
constraint ``pi_g >= z`` is tight in *every* optimal solution (complementary slackness),
so such a group cannot rise above ``z``: it is fixed at ``z``. The duals of the unfixed
groups sum to one, so every stage fixes at least one group (Flanigan et al., Nature 596,
2021, Methods, "Leximin").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

FIX_TOLERANCE = 1e-7
"""A group is fixed when its dual exceeds this."""
FIX_MARGIN = 1e-9
"""A fixed group is held at its stage value minus this, so that floating-point noise in
the last solution never makes the next stage infeasible."""


def tight_groups(duals: NDArray[np.float64], unfixed: Sequence[int]) -> list[int]:
    """The unfixed groups a stage fixes: those of positive dual (at least the largest)."""
    tight = [g for g in unfixed if duals[g] > FIX_TOLERANCE]
    if not tight:  # pragma: no cover - duals of unfixed groups sum to one
        tight = [max(unfixed, key=lambda g: float(duals[g]))]
    return tight


def held_at(z: float) -> float:
    """The probability a group fixed at stage value ``z`` is held at."""
    return max(0.0, z - FIX_MARGIN)
