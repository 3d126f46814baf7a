"""Synthetic vote data: returns, ballot manifest, CVRs and paper truth that agree.

``synthesize_vote`` builds every county at a scale of its 2024 ballots: the returns
count exactly the CVRs, the manifest holds exactly the ballots in batches of at most
``batch_size`` cards, and the paper differs from the CVRs only at injected errors.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from calexit.reference.datasets import counties
from calexit.vote.audit import VoteCode
from calexit.vote.synth import SyntheticVote, synthesize_vote

SCALE = 0.002
COUNTIES = counties()


def synth(**kwargs: float) -> SyntheticVote:
    given: dict[str, float] = {"scale": SCALE, "yes_share": 0.58, "seed": 11, **kwargs}
    return synthesize_vote(
        COUNTIES,
        scale=given["scale"],
        yes_share=given["yes_share"],
        seed=int(given["seed"]),
        batch_size=int(given.get("batch_size", 250)),
        error_rate=given.get("error_rate", 0.0),
    )


@pytest.fixture(scope="module")
def vote() -> SyntheticVote:
    return synth()


def county_of_each_card(vote: SyntheticVote) -> list[str]:
    return [county for (county, _), _ in vote.manifest.ballot_ids()]


def test_the_same_seed_gives_the_same_election(vote: SyntheticVote) -> None:
    again = synth()
    assert again.returns == vote.returns
    assert again.manifest == vote.manifest
    assert np.array_equal(again.cvrs, vote.cvrs)
    assert np.array_equal(again.truth, vote.truth)
    other = synth(seed=12)
    assert other.manifest == vote.manifest
    assert not np.array_equal(other.cvrs, vote.cvrs)


@pytest.mark.parametrize("scale", [SCALE, 0.0001])
def test_each_county_casts_its_2024_ballots_at_scale(scale: float) -> None:
    vote = synth(scale=scale)
    assert [r.county for r in vote.returns.counties] == [c.name for c in COUNTIES]
    for county, reported in zip(COUNTIES, vote.returns.counties, strict=True):
        assert reported.counts.ballots_cast == max(1, round(county.ballots_cast_2024 * scale))
        assert reported.counts.registered >= reported.counts.ballots_cast
        assert reported.counts.overvotes == 0
    if scale == 0.0001:
        # Alpine cast 749 ballots in 2024: 0.0749 rounds to 0, raised to one ballot.
        alpine = next(r for r in vote.returns.counties if r.county == "Alpine")
        assert alpine.counts.ballots_cast == 1


def test_the_cvrs_of_each_county_add_up_to_its_returns(vote: SyntheticVote) -> None:
    tallies: dict[str, Counter[int]] = {}
    for county, code in zip(county_of_each_card(vote), vote.cvrs.tolist(), strict=True):
        tallies.setdefault(county, Counter())[code] += 1
    for reported in vote.returns.counties:
        counts, tally = reported.counts, tallies[reported.county]
        assert tally[VoteCode.YES] == counts.yes, reported.county
        assert tally[VoteCode.NO] == counts.no, reported.county
        assert tally[VoteCode.OTHER] == counts.undervotes, reported.county
        assert tally[VoteCode.PHANTOM] == 0
    statewide = vote.returns.statewide
    assert statewide.yes / (statewide.yes + statewide.no) == pytest.approx(0.58, abs=0.03)


def test_the_manifest_holds_exactly_the_ballots(vote: SyntheticVote) -> None:
    assert vote.manifest.total == vote.returns.statewide.ballots_cast == vote.cvrs.size
    assert vote.truth.size == vote.cvrs.size
    assert vote.manifest.by_county() == {
        r.county: r.counts.ballots_cast for r in vote.returns.counties
    }


@pytest.mark.parametrize("batch_size", [250, 37])
def test_batches_hold_at_most_batch_size_cards(batch_size: int) -> None:
    vote = synth(batch_size=batch_size)
    fips = {c.name: c.fips for c in COUNTIES}
    by_county: dict[str, list[int]] = {}
    for batch in vote.manifest.batches:
        assert 1 <= batch.ballots <= batch_size
        sizes = by_county.setdefault(batch.county, [])
        sizes.append(batch.ballots)
        assert batch.name == f"{fips[batch.county]}-{len(sizes):05d}"
    for county, sizes in by_county.items():
        # Every batch full but the county's last.
        assert all(size == batch_size for size in sizes[:-1]), county
        assert sum(sizes) == vote.manifest.by_county()[county]


def test_without_errors_the_paper_is_the_cvrs(vote: SyntheticVote) -> None:
    assert np.array_equal(vote.truth, vote.cvrs)


def test_errors_change_about_their_share_of_cards() -> None:
    clean, wrong = synth(), synth(error_rate=0.1)
    assert np.array_equal(wrong.cvrs, clean.cvrs)  # errors touch the paper, not the CVRs
    changed = wrong.truth != wrong.cvrs
    # 10% of cards are misread; a misread card with no valid vote stays without one,
    # so about 0.1 x 0.98 of the cards differ.
    assert changed.mean() == pytest.approx(0.1, abs=0.01)
    was, became = wrong.cvrs[changed], wrong.truth[changed]
    assert set(zip(was.tolist(), became.tolist(), strict=True)) == {
        (VoteCode.YES, VoteCode.NO),
        (VoteCode.NO, VoteCode.OTHER),
    }


@pytest.mark.parametrize(
    "bad",
    [
        {"scale": 0.0},
        {"scale": 1.5},
        {"scale": -0.1},
        {"yes_share": 0.0},
        {"yes_share": 1.0},
        {"batch_size": 0},
        {"error_rate": 1.0},
        {"error_rate": -0.01},
    ],
)
def test_bad_arguments_raise_value_error(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"scale in \(0, 1\], yes_share in \(0, 1\)"):
        synth(**bad)
