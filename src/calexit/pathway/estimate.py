"""Monte Carlo estimates shown no more precisely than their standard error supports.

A probability estimated as ``k`` passes in ``n`` draws has standard error
``sqrt(p (1 - p) / n)``; it is displayed rounded to the decimal place of the first
significant digit of that error. When no draw (or every draw) passes, the error is
not informative and the display gives the one-sided 95% bound ``3 / n`` instead (the
"rule of three": Hanley and Lippman-Hand, "If nothing goes wrong, is everything all
right?", JAMA 249 (1983) 1743-1745).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    hits: int
    draws: int

    def __post_init__(self) -> None:
        if self.draws <= 0 or not 0 <= self.hits <= self.draws:
            raise ValueError("an estimate needs 0 <= hits <= draws and draws > 0")

    @property
    def p(self) -> float:
        return self.hits / self.draws

    @property
    def se(self) -> float:
        return math.sqrt(self.p * (1 - self.p) / self.draws)

    @property
    def decimals(self) -> int:
        """Decimal places of the percentage that the standard error supports."""
        se_percent = 100 * self.se
        if se_percent <= 0:
            return max(0, math.ceil(-math.log10(300 / self.draws)))
        return max(0, -math.floor(math.log10(se_percent)))

    @property
    def rounded(self) -> float:
        """The probability rounded as displayed (a fraction, not a percentage)."""
        if self.hits == 0:
            return 0.0
        if self.hits == self.draws:
            return 1.0
        return round(self.p, self.decimals + 2)

    @property
    def rounded_se(self) -> float:
        """The standard error rounded up to the displayed decimal place (a fraction)."""
        scale = float(10**self.decimals)
        steps = float(math.ceil(100 * self.se * scale))
        return round(steps / scale / 100, self.decimals + 2)

    def text(self) -> str:
        n, d = self.draws, self.decimals
        if self.hits == 0:
            return f"below {300 / n:.{d}f}% (no pass in {n:,} draws)"
        if self.hits == n:
            return f"above {100 - 300 / n:.{d}f}% (every one of {n:,} draws passed)"
        return f"{100 * self.rounded:.{d}f}% ± {100 * self.rounded_se:.{d}f}"


def percent(share: float) -> str:
    """A share as a percentage with two significant digits after any leading zeros."""
    value = 100 * share
    if value == 0:
        return "0%"
    digits = max(0, 1 - math.floor(math.log10(abs(value))))
    return f"{value:.{digits}f}%"
