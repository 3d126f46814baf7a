"""Ballot selection for the audit: the same ballots Arlo and Colorado's tool would draw."""

from __future__ import annotations

import consistent_sampler
import pytest

from calexit.errors import InputError
from calexit.vote.manifest import Batch, Manifest, check_audit_seed, draw_ballots

SEED = "12345678901234567890"
MANIFEST = Manifest(
    (Batch("Alameda", "B-001", 3), Batch("Alameda", "B-002", 4), Batch("Alpine", "1", 2))
)


def _as_arlo_draws(
    manifest: dict[tuple[str, str], list[int]], seed: str, size: int, num_sampled: int = 0
) -> list[tuple[str, tuple[tuple[str, str], int], int]]:
    """What Arlo's ``draw_sample`` (votingworks/arlo server/audit_math/sampler.py) returns:
    ids ``(batch_key, ballot_position)`` in manifest order, ``digits=18``, later rounds
    taking ``sample_size + num_sampled`` tickets and dropping the first ``num_sampled``.
    Built here on the same package, with the same arguments, without replacement."""
    ballots = [(batch, position) for batch, positions in manifest.items() for position in positions]
    return list(
        consistent_sampler.sampler(
            ballots,
            seed=seed,
            take=size + num_sampled,
            with_replacement=False,
            output="tuple",
            digits=18,
        )
    )[num_sampled:]


def test_the_ballot_list_is_the_one_arlo_draws() -> None:
    arlo_manifest = {
        ("Alameda", "B-001"): [1, 2, 3],
        ("Alameda", "B-002"): [1, 2, 3, 4],
        ("Alpine", "1"): [1, 2],
    }
    expected = _as_arlo_draws(arlo_manifest, SEED, 5)
    drawn = draw_ballots(MANIFEST, SEED, 5)
    assert [(d.ticket, ((d.county, d.batch), d.position)) for d in drawn] == [
        (ticket, ballot) for ticket, ballot, _ in expected
    ]
    later = draw_ballots(MANIFEST, SEED, 3, already=5)
    assert [((d.county, d.batch), d.position) for d in later] == [
        ballot for _, ballot, _ in _as_arlo_draws(arlo_manifest, SEED, 3, num_sampled=5)
    ]


def test_fixed_draw_for_a_published_seed() -> None:
    # Recorded once; any change to ids, seed handling or trimming changes these tickets.
    drawn = draw_ballots(MANIFEST, SEED, 3)
    assert [(d.ticket, d.county, d.batch, d.position) for d in drawn] == [
        ("0.055653220048051330", "Alameda", "B-001", 2),
        ("0.063867437233278919", "Alameda", "B-002", 3),
        ("0.071651175776705567", "Alameda", "B-002", 1),
    ]
    assert [d.order for d in draw_ballots(MANIFEST, SEED, 2, already=3)] == [4, 5]


def test_rounds_never_repeat_a_ballot_and_can_take_everything() -> None:
    first = draw_ballots(MANIFEST, SEED, 4)
    second = draw_ballots(MANIFEST, SEED, 5, already=4)
    ballots = [(d.county, d.batch, d.position) for d in first + second]
    assert len(ballots) == len(set(ballots)) == MANIFEST.total == 9


def test_bad_manifest_seed_and_size() -> None:
    with pytest.raises(InputError, match="appears once"):
        Manifest((Batch("Alpine", "1", 2), Batch("Alpine", "1", 3)))
    with pytest.raises(InputError, match="negative"):
        Batch("Alpine", "1", -1)
    with pytest.raises(InputError, match="20 decimal digits"):
        check_audit_seed("12")
    with pytest.raises(InputError, match="does not fit"):
        draw_ballots(MANIFEST, SEED, 10)
