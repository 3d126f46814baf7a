"""The ballot manifest and the public selection of ballots for the audit.

A manifest lists every batch of paper ballots (county, batch, number of ballots); a ballot
is named by its batch and its 1-based position in the batch. Ballots are drawn with
Rivest's consistent sampler (the ``consistent-sampler`` package) from a public seed of 20
decimal digits, exactly as Arlo does (``server/audit_math/sampler.py``: the ids are
``((county, batch), position)`` tuples in manifest order, tickets trimmed to 18 digits):
for the same seed and manifest the list of ballots is the one Arlo and Colorado's tool
give. A later round continues the same sequence, so the ballots of earlier rounds stay
in the sample (sampling without replacement).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from consistent_sampler import sampler

from calexit.errors import InputError, Problem

_SEED = re.compile(r"^[0-9]{20}$")
PHANTOM_COUNTY = "PHANTOM"
PHANTOM_BATCH = "phantom"
"""Where phantom cards sit in the sampling frame; there is nothing to retrieve for them."""
TICKET_DIGITS = 18
"""Arlo's trimming of ticket numbers (``digits=18``)."""


@dataclass(frozen=True)
class Batch:
    county: str
    name: str
    ballots: int

    def __post_init__(self) -> None:
        if self.ballots < 0:
            raise InputError(
                "a batch cannot hold a negative number of ballots",
                [Problem("is negative", key=f"{self.county}/{self.name}", value=str(self.ballots))],
            )


BallotId = tuple[tuple[str, str], int]
"""((county, batch), position): the id the sampler hashes, as Arlo builds it."""


@dataclass(frozen=True)
class Manifest:
    batches: tuple[Batch, ...]

    def __post_init__(self) -> None:
        keys = [(b.county, b.name) for b in self.batches]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        if repeated:
            raise InputError(
                "each batch appears once in a ballot manifest",
                [Problem("appears twice", key=f"{c}/{n}") for c, n in repeated],
            )

    @property
    def total(self) -> int:
        return sum(batch.ballots for batch in self.batches)

    def by_county(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for batch in self.batches:
            counts[batch.county] = counts.get(batch.county, 0) + batch.ballots
        return counts

    def with_phantoms(self, phantoms: int) -> Manifest:
        """The sampling frame: the manifest plus a batch of ``phantoms`` phantom cards (reported
        ballots the manifest lacks; drawn like any card, counted against the outcome)."""
        if phantoms <= 0:
            return self
        return Manifest((*self.batches, Batch(PHANTOM_COUNTY, PHANTOM_BATCH, phantoms)))

    def ballot_ids(self) -> Iterator[BallotId]:
        for batch in self.batches:
            for position in range(1, batch.ballots + 1):
                yield (batch.county, batch.name), position


@dataclass(frozen=True)
class DrawnBallot:
    ticket: str
    county: str
    batch: str
    position: int
    order: int
    """1-based place in the draw (round after round)."""


def check_audit_seed(seed: str) -> str:
    text = seed.strip()
    if not _SEED.match(text):
        raise InputError(
            "the audit seed must be 20 decimal digits",
            [Problem("expected 20 digits such as 12345678901234567890", key="seed", value=seed)],
        )
    return text


def draw_ballots(
    manifest: Manifest, seed: str, size: int, already: int = 0
) -> tuple[DrawnBallot, ...]:
    """Ballots ``already + 1`` .. ``already + size`` of the seed's order over the manifest."""
    if size < 0 or already < 0 or already + size > manifest.total:
        raise InputError(
            "the sample does not fit in the manifest",
            [
                Problem(
                    f"must lie between 0 and {manifest.total - already}",
                    key="size",
                    value=str(size),
                )
            ],
        )
    tickets: Sequence[tuple[str, BallotId, int]] = list(
        sampler(
            list(manifest.ballot_ids()),
            seed=check_audit_seed(seed),
            take=already + size,
            with_replacement=False,
            output="tuple",
            digits=TICKET_DIGITS,
        )
    )[already:]
    return tuple(
        DrawnBallot(ticket, county, batch, position, already + index + 1)
        for index, (ticket, ((county, batch), position), _) in enumerate(tickets)
    )
