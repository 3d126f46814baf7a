"""Display of Monte Carlo estimates: rounded to their standard error, bounds at 0 and 1."""

from __future__ import annotations

import pytest

from calexit.pathway.estimate import Estimate


def test_rounded_to_the_standard_error() -> None:
    estimate = Estimate(34_120, 100_000)  # se = 0.0015 -> one decimal of a percent
    assert estimate.decimals == 1
    assert estimate.text() == "34.1% ± 0.2"
    assert estimate.rounded == pytest.approx(0.341)


def test_more_draws_show_more_digits() -> None:
    assert Estimate(341_200, 1_000_000).decimals == 2  # se 0.047 points
    assert Estimate(341_200, 1_000_000).text() == "34.12% ± 0.05"
    assert Estimate(3_412, 10_000).text() == "34.1% ± 0.5"
    assert Estimate(341, 1_000).decimals == 0  # se 1.5 points
    assert Estimate(341, 1_000).text() == "34% ± 2"


def test_no_pass_is_shown_as_the_rule_of_three_bound() -> None:
    # Hanley and Lippman-Hand (1983): with none in n, the 95% upper bound is about 3/n.
    assert Estimate(0, 100_000).text() == "below 0.003% (no pass in 100,000 draws)"
    assert Estimate(100_000, 100_000).text().startswith("above 99.997%")


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="hits"):
        Estimate(5, 4)
