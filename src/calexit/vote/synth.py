"""Synthetic election data for the vote stage: returns, a ballot manifest, CVRs, hand truth.

Built from the shipped county data at a scale (1.0: the 16.1 million ballots of November
2024): each county's registered voters and ballots, a Yes share around ``yes_share``
(varying by county with its 2024 presidential lean), 2% of ballots with no valid vote on
the measure; batches of at most ``batch_size`` cards; one CVR per card; and the "true"
paper records, equal to the CVRs except for a chosen share of errors. For tests, the demo
and benchmarks; it is not a forecast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from calexit.reference.records import County
from calexit.vote.audit import VoteCode
from calexit.vote.manifest import Batch, Manifest
from calexit.vote.returns import Counts, CountyReturn, Returns


@dataclass(frozen=True)
class SyntheticVote:
    returns: Returns
    manifest: Manifest
    cvrs: NDArray[np.int8]
    """One code per card, in manifest order (batch by batch, position by position)."""
    truth: NDArray[np.int8]
    """The paper ballots' codes, same order; differs from ``cvrs`` at the injected errors."""


def _county_codes(ballots: int, yes_share: float, rng: np.random.Generator) -> NDArray[np.int8]:
    other = round(ballots * 0.02)
    yes = round((ballots - other) * yes_share)
    codes = np.array(
        [VoteCode.YES] * yes + [VoteCode.NO] * (ballots - other - yes) + [VoteCode.OTHER] * other,
        dtype=np.int8,
    )
    rng.shuffle(codes)
    return codes


def _lean(county: County, counties: Sequence[County]) -> float:
    """The county's Harris share of the two-party vote, relative to the state's."""
    state = sum(c.harris_2024 for c in counties) / sum(
        c.harris_2024 + c.trump_2024 for c in counties
    )
    return county.harris_2024 / (county.harris_2024 + county.trump_2024) - state


def synthesize_vote(
    counties: Sequence[County],
    *,
    scale: float,
    yes_share: float,
    seed: int,
    batch_size: int = 250,
    error_rate: float = 0.0,
) -> SyntheticVote:
    """Returns, manifest, CVRs and paper truth for every county at ``scale``."""
    if not 0 < scale <= 1 or not 0 < yes_share < 1 or batch_size < 1 or not 0 <= error_rate < 1:
        raise ValueError(
            "scale in (0, 1], yes_share in (0, 1), batch_size >= 1, error_rate in [0, 1)"
        )
    rng = np.random.default_rng(seed)
    returns, batches, codes = [], [], []
    for county in counties:
        ballots = max(1, round(county.ballots_cast_2024 * scale))
        registered = max(ballots, round(county.registered_voters * scale))
        share = float(np.clip(yes_share + 0.5 * _lean(county, counties), 0.05, 0.95))
        county_codes = _county_codes(ballots, share, rng)
        yes = int((county_codes == VoteCode.YES).sum())
        no = int((county_codes == VoteCode.NO).sum())
        returns.append(
            CountyReturn(county.name, Counts(registered, ballots, yes, no, ballots - yes - no, 0))
        )
        for start in range(0, ballots, batch_size):
            batches.append(
                Batch(
                    county.name,
                    f"{county.fips}-{start // batch_size + 1:05d}",
                    min(batch_size, ballots - start),
                )
            )
        codes.append(county_codes)
    cvrs = np.concatenate(codes)
    truth = cvrs.copy()
    wrong = rng.random(cvrs.size) < error_rate
    truth[wrong] = np.where(cvrs[wrong] == VoteCode.YES, VoteCode.NO, VoteCode.OTHER)
    return SyntheticVote(
        Returns(tuple(returns), "synthetic"), Manifest(tuple(batches)), cvrs, truth
    )
