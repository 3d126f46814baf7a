"""Write a synthetic election (``calexit.vote.synth``) as the files the vote stage reads.

``returns.csv`` (the counties' returns), ``manifest.csv`` (county,batch,ballots),
``cvrs.csv`` and ``paper.csv`` (county,batch,position,vote: what the scanners recorded and
what the paper ballots say). ``hand_results`` answers a retrieval list from ``paper.csv``,
standing in for the people who pull and read the ballots.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from calexit.vote.audit import VoteCode
from calexit.vote.manifest import Manifest
from calexit.vote.returns import returns_csv
from calexit.vote.synth import SyntheticVote

NAMES = {
    VoteCode.YES: "YES",
    VoteCode.NO: "NO",
    VoteCode.OTHER: "UNDERVOTE",
    VoteCode.PHANTOM: "NOT_FOUND",
}


def _write_cards(path: Path, manifest: Manifest, codes: NDArray[np.int8]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["county", "batch", "position", "vote"])
        for ((county, batch), position), code in zip(manifest.ballot_ids(), codes, strict=True):
            writer.writerow([county, batch, position, NAMES[VoteCode(int(code))]])


def write_vote(vote: SyntheticVote, folder: Path) -> dict[str, Path]:
    """The four files in ``folder`` (created); their paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {name: folder / f"{name}.csv" for name in ("returns", "manifest", "cvrs", "paper")}
    paths["returns"].write_text(returns_csv(vote.returns), encoding="utf-8")
    with paths["manifest"].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["county", "batch", "ballots"])
        writer.writerows([b.county, b.name, b.ballots] for b in vote.manifest.batches)
    _write_cards(paths["cvrs"], vote.manifest, vote.cvrs)
    _write_cards(paths["paper"], vote.manifest, vote.truth)
    return paths


def hand_results(paper: Path, retrieval_list: Path, out: Path) -> int:
    """Read the listed cards off ``paper.csv`` into a hand-results file; cards written."""
    with retrieval_list.open(newline="", encoding="utf-8") as handle:
        wanted = {(r["county"], r["batch"], r["position"]) for r in csv.DictReader(handle)}
    rows: Iterable[dict[str, str]]
    with paper.open(newline="", encoding="utf-8") as handle:
        rows = [
            r for r in csv.DictReader(handle) if (r["county"], r["batch"], r["position"]) in wanted
        ]
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["county", "batch", "position", "vote"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
