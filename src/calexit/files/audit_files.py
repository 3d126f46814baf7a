"""Files of the audit: ballot manifest, cast vote records, the retrieval list, hand results.

All CSV with a header. Every problem is reported at once with file, line, column and value.

* manifest: ``county,batch,ballots`` (one row per batch of paper ballots);
* CVRs: ``county,batch,position,vote`` (one row per card, as the scanner read it);
* retrieval list (written): ``order,county,batch,position,ticket``;
* hand results: ``county,batch,position,vote`` for exactly the cards of the round.

A vote is YES, NO, UNDERVOTE, OVERVOTE or BLANK (the last three: no valid vote on the
measure); in hand results NOT_FOUND marks a card that could not be found, which counts
against the reported outcome (a phantom, Stark 2020 sec. 3.4).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from calexit.errors import InputError, Problem
from calexit.reference.datasets import counties
from calexit.vote.audit import VoteCode
from calexit.vote.manifest import PHANTOM_COUNTY, Batch, DrawnBallot, Manifest

VOTES = {
    "YES": VoteCode.YES,
    "NO": VoteCode.NO,
    "UNDERVOTE": VoteCode.OTHER,
    "OVERVOTE": VoteCode.OTHER,
    "BLANK": VoteCode.OTHER,
}
FOUND_OR_NOT = {**VOTES, "NOT_FOUND": VoteCode.PHANTOM}
CardKey = tuple[str, str, int]


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {path}", [Problem(str(error.strerror), str(path))]) from None
    with handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(
                f"{path.name} lacks required columns",
                [Problem("missing column", path.name, 1, key=c) for c in missing],
            )
        for cells in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in cells.items() if k}, header


def _problem(
    path: Path, line: int, header: list[str], column: str, message: str, value: str
) -> Problem:
    return Problem(message, path.name, line, header.index(column) + 1, column, value)


def _county(path: Path, line: int, header: list[str], value: str, problems: list[Problem]) -> str:
    names = {c.name.casefold(): c.name for c in counties()}
    name = names.get(value.casefold())
    if name is None:
        problems.append(_problem(path, line, header, "county", "is not a California county", value))
        return value
    return name


def _whole(
    path: Path,
    line: int,
    header: list[str],
    column: str,
    value: str,
    problems: list[Problem],
    *,
    positive: bool = False,
) -> int:
    if not (value.isascii() and value.isdigit()) or (positive and int(value) == 0):
        message = "is not a positive whole number" if positive else "is not a whole number"
        problems.append(_problem(path, line, header, column, message, value))
        return 0
    return int(value)


def read_manifest(path: Path) -> Manifest:
    """The ballot manifest; every bad row reported."""
    problems: list[Problem] = []
    batches: list[Batch] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells, header in _rows(path, ("county", "batch", "ballots")):
        county = _county(path, line, header, cells["county"], problems)
        name = cells["batch"]
        ballots = _whole(path, line, header, "ballots", cells["ballots"], problems)
        if not name:
            problems.append(_problem(path, line, header, "batch", "is empty", name))
        if (county, name) in seen:
            problems.append(
                _problem(path, line, header, "batch", f"repeats line {seen[(county, name)]}", name)
            )
        seen.setdefault((county, name), line)
        batches.append(Batch(county, name, ballots))
    if problems:
        raise InputError(f"{path.name} has bad rows", problems)
    if not batches:
        raise InputError(f"{path.name} lists no batches")
    return Manifest(tuple(batches))


def _card_votes(
    path: Path, allowed: dict[str, VoteCode]
) -> tuple[dict[CardKey, VoteCode], list[Problem], dict[CardKey, tuple[int, list[str]]]]:
    """Votes by card, the problems found, and where each card was read (line, header)."""
    problems: list[Problem] = []
    votes: dict[CardKey, VoteCode] = {}
    where: dict[CardKey, tuple[int, list[str]]] = {}
    for line, cells, header in _rows(path, ("county", "batch", "position", "vote")):
        county = _county(path, line, header, cells["county"], problems)
        position = _whole(
            path, line, header, "position", cells["position"], problems, positive=True
        )
        vote = cells["vote"].upper()
        if vote not in allowed:
            problems.append(
                _problem(
                    path,
                    line,
                    header,
                    "vote",
                    f"must be one of {', '.join(allowed)}",
                    cells["vote"],
                )
            )
        key = (county, cells["batch"], position)
        if key in votes:
            problems.append(
                _problem(path, line, header, "position", "repeats a card", cells["position"])
            )
        votes[key] = allowed.get(vote, VoteCode.OTHER)
        where.setdefault(key, (line, header))
    return votes, problems, where


def read_cvr_votes(path: Path) -> dict[CardKey, VoteCode]:
    """Cast vote records as they are (already checked against the manifest at planning)."""
    votes, problems, _ = _card_votes(path, VOTES)
    if problems:
        raise InputError(f"{path.name} has bad rows", problems)
    return votes


def read_cvrs(path: Path, manifest: Manifest) -> dict[CardKey, VoteCode]:
    """Cast vote records, each for a card of the manifest."""
    votes, problems, where = _card_votes(path, VOTES)
    sizes = {(b.county, b.name): b.ballots for b in manifest.batches}
    known = {c.name for c in counties()}
    for (county, batch, position), (line, header) in where.items():
        if county in known and position > sizes.get((county, batch), 0):
            problems.append(
                _problem(
                    path,
                    line,
                    header,
                    "batch",
                    "is not a card of the manifest",
                    f"{county}/{batch}/{position}",
                )
            )
    if problems:
        raise InputError(f"{path.name} has bad rows", sorted(problems, key=lambda p: p.line or 0))
    return votes


def cvr_codes(cvrs: dict[CardKey, VoteCode], drawn: Sequence[DrawnBallot]) -> NDArray[np.int8]:
    """The drawn cards' CVRs in draw order; a card without a CVR is a phantom CVR."""
    return np.array(
        [cvrs.get((d.county, d.batch, d.position), VoteCode.PHANTOM) for d in drawn], dtype=np.int8
    )


def read_results(path: Path, drawn: Sequence[DrawnBallot]) -> NDArray[np.int8]:
    """Hand results for exactly the drawn cards, returned in draw order."""
    votes, problems, _ = _card_votes(path, FOUND_OR_NOT)
    wanted = {(d.county, d.batch, d.position) for d in drawn if d.county != PHANTOM_COUNTY}
    for key in sorted(set(votes) - wanted):
        problems.append(
            Problem(
                "was not drawn in this round", path.name, key="card", value="/".join(map(str, key))
            )
        )
    for key in sorted(wanted - set(votes)):
        problems.append(
            Problem("has no hand result", path.name, key="card", value="/".join(map(str, key)))
        )
    if problems:
        raise InputError(f"{path.name} does not match the round's retrieval list", problems)
    return np.array(
        [
            VoteCode.PHANTOM
            if d.county == PHANTOM_COUNTY
            else votes[(d.county, d.batch, d.position)]
            for d in drawn
        ],
        dtype=np.int8,
    )


def write_retrieval_list(path: Path, drawn: Sequence[DrawnBallot]) -> None:
    """The cards to pull, in draw order, with their tickets (anyone can re-derive them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order", "county", "batch", "position", "ticket"])
        for ballot in drawn:
            writer.writerow(
                [ballot.order, ballot.county, ballot.batch, ballot.position, ballot.ticket]
            )
