"""The audit's CSV files: ballot manifest, CVRs, hand results and the retrieval list.

Every problem of a file is reported at once, each as ``file:line:column: key: message
(value: '...')`` where the row is known; hand results come back in draw order whatever
order they are written in, and NOT_FOUND is a phantom.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from calexit.errors import InputError
from calexit.files.audit_files import (
    cvr_codes,
    read_cvr_votes,
    read_cvrs,
    read_manifest,
    read_results,
    sha256_file,
    write_retrieval_list,
)
from calexit.vote.audit import VoteCode
from calexit.vote.manifest import Batch, DrawnBallot, Manifest, draw_ballots

SEED = "01234567890123456789"
MANIFEST = Manifest(
    (Batch("Alameda", "A-1", 4), Batch("Alameda", "A-2", 3), Batch("Alpine", "P-1", 2))
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in error.value.problems]


# --- the ballot manifest ------------------------------------------------------------------


def test_a_good_manifest(tmp_path: Path) -> None:
    path = write(
        tmp_path / "manifest.csv",
        "county,batch,ballots\nAlameda,A-1,4\n alameda , A-2 ,3\nALPINE,P-1,2\nAlpine,P-2,0\n",
    )
    manifest = read_manifest(path)
    assert manifest == Manifest((*MANIFEST.batches, Batch("Alpine", "P-2", 0)))
    assert manifest.total == 9
    assert manifest.by_county() == {"Alameda": 7, "Alpine": 2}


def test_every_problem_of_a_manifest_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "manifest.csv",
        "county,batch,ballots\n"
        "Alameda,A-1,4\n"
        "Atlantis,X-1,5\n"  # not a county
        "Alameda,A-2,ten\n"  # not a number
        "Alameda,,3\n"  # empty batch
        "alameda,A-1,2\n"  # the batch of line 2 again
        "Alpine,P-1,-2\n"  # a negative count
        "Alpine,P-2,1.5\n",  # not whole
    )
    with pytest.raises(InputError) as raised:
        read_manifest(path)
    assert raised.value.summary == "manifest.csv has bad rows"
    assert problems_of(raised) == [
        "manifest.csv:3:1: county: is not a California county (value: 'Atlantis')",
        "manifest.csv:4:3: ballots: is not a whole number (value: 'ten')",
        "manifest.csv:5:2: batch: is empty",
        "manifest.csv:6:2: batch: repeats line 2 (value: 'A-1')",
        "manifest.csv:7:3: ballots: is not a whole number (value: '-2')",
        "manifest.csv:8:3: ballots: is not a whole number (value: '1.5')",
    ]


def test_columns_are_located_by_the_header(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "ballots,county,batch\nmany,Alameda,A-1\n")
    with pytest.raises(InputError) as raised:
        read_manifest(path)
    assert problems_of(raised) == ["m.csv:2:1: ballots: is not a whole number (value: 'many')"]


def test_a_manifest_without_a_column_or_without_rows(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        read_manifest(write(tmp_path / "m.csv", "county,ballots\nAlameda,4\n"))
    assert raised.value.lines() == [
        "m.csv lacks required columns (1 problem):",
        "  m.csv:1: batch: missing column",
    ]
    with pytest.raises(InputError) as raised:
        read_manifest(write(tmp_path / "m.csv", "county,batch,ballots\n"))
    assert raised.value.lines() == ["m.csv lists no batches"]


def test_a_manifest_that_does_not_exist(tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    with pytest.raises(InputError) as raised:
        read_manifest(path)
    assert raised.value.lines() == [
        f"cannot read {path} (1 problem):",
        f"  {path}: No such file or directory",
    ]


def test_a_superscript_digit_is_not_a_whole_number(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "county,batch,ballots\nAlameda,A-1,\u00b2\n")
    with pytest.raises(InputError) as raised:
        read_manifest(path)
    assert problems_of(raised) == ["m.csv:2:3: ballots: is not a whole number (value: '\u00b2')"]


# --- cast vote records --------------------------------------------------------------------


def test_good_cvrs(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cvrs.csv",
        "county,batch,position,vote\n"
        "Alameda,A-1,1,YES\nAlameda,A-1,2,no\nAlameda,A-1,3,OVERVOTE\n"
        "Alameda,A-1,4,blank\nAlpine,P-1,2,UNDERVOTE\n",
    )
    assert read_cvrs(path, MANIFEST) == {
        ("Alameda", "A-1", 1): VoteCode.YES,
        ("Alameda", "A-1", 2): VoteCode.NO,
        ("Alameda", "A-1", 3): VoteCode.OTHER,
        ("Alameda", "A-1", 4): VoteCode.OTHER,
        ("Alpine", "P-1", 2): VoteCode.OTHER,
    }
    assert read_cvr_votes(path) == read_cvrs(path, MANIFEST)


def test_every_problem_of_the_cvrs_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cvrs.csv",
        "county,batch,position,vote\n"
        "Alameda,A-1,1,YES\n"
        "Alameda,A-1,2,MAYBE\n"  # not a vote
        "Alameda,A-1,1,NO\n"  # the card of line 2 again
        "Alameda,A-1,5,NO\n"  # batch A-1 holds 4 cards
        "Alpine,P-9,1,YES\n"  # no batch P-9
        "Alameda,A-2,0,NO\n"  # positions start at 1
        "Alameda,A-2,1,NOT_FOUND\n",  # only hand results may say so
    )
    with pytest.raises(InputError) as raised:
        read_cvrs(path, MANIFEST)
    assert raised.value.summary == "cvrs.csv has bad rows"
    assert problems_of(raised) == [
        "cvrs.csv:3:4: vote: must be one of YES, NO, UNDERVOTE, OVERVOTE, BLANK (value: 'MAYBE')",
        "cvrs.csv:4:3: position: repeats a card (value: '1')",
        "cvrs.csv:5:2: batch: is not a card of the manifest (value: 'Alameda/A-1/5')",
        "cvrs.csv:6:2: batch: is not a card of the manifest (value: 'Alpine/P-9/1')",
        "cvrs.csv:7:3: position: is not a positive whole number (value: '0')",
        "cvrs.csv:8:4: vote: must be one of YES, NO, UNDERVOTE, OVERVOTE, BLANK "
        "(value: 'NOT_FOUND')",
    ]


def test_a_cvr_with_a_bad_county(tmp_path: Path) -> None:
    path = write(tmp_path / "cvrs.csv", "county,batch,position,vote\nAtlantis,A-1,1,YES\n")
    with pytest.raises(InputError) as raised:
        read_cvrs(path, MANIFEST)
    assert problems_of(raised) == [
        "cvrs.csv:2:1: county: is not a California county (value: 'Atlantis')",
    ]


def test_a_cvr_for_a_card_not_in_the_manifest_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "cvrs.csv", "county,batch,position,vote\nAlameda,A-1,5,NO\n")
    with pytest.raises(InputError) as raised:
        read_cvrs(path, MANIFEST)
    (problem,) = raised.value.problems
    assert (problem.source, problem.line) == ("cvrs.csv", 2)
    assert problem.column is not None


def test_cvr_codes_in_draw_order_with_phantoms_for_missing_cvrs() -> None:
    drawn = [
        DrawnBallot("0.2", "Alpine", "P-1", 2, 1),
        DrawnBallot("0.3", "Alameda", "A-1", 1, 2),
        DrawnBallot("0.5", "Alameda", "A-2", 3, 3),
    ]
    cvrs = {("Alameda", "A-1", 1): VoteCode.YES, ("Alpine", "P-1", 2): VoteCode.NO}
    codes = cvr_codes(cvrs, drawn)
    assert codes.dtype == np.int8
    assert codes.tolist() == [VoteCode.NO, VoteCode.YES, VoteCode.PHANTOM]


# --- hand results and the retrieval list --------------------------------------------------


@pytest.fixture
def drawn() -> tuple[DrawnBallot, ...]:
    return draw_ballots(MANIFEST, SEED, 5)


def results_csv(path: Path, rows: list[tuple[DrawnBallot, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["county", "batch", "position", "vote"])
        writer.writerows([b.county, b.batch, b.position, vote] for b, vote in rows)
    return path


def test_results_come_back_in_draw_order(tmp_path: Path, drawn: tuple[DrawnBallot, ...]) -> None:
    votes = ["YES", "NO", "NOT_FOUND", "BLANK", "yes"]
    # Written backwards and in other case: the order of the draw is what counts.
    path = results_csv(tmp_path / "results.csv", list(zip(drawn, votes, strict=True))[::-1])
    codes = read_results(path, drawn)
    assert codes.dtype == np.int8
    assert codes.tolist() == [
        VoteCode.YES,
        VoteCode.NO,
        VoteCode.PHANTOM,  # a card nobody could find counts against the outcome
        VoteCode.OTHER,
        VoteCode.YES,
    ]


def test_results_for_other_cards_than_the_round(
    tmp_path: Path, drawn: tuple[DrawnBallot, ...]
) -> None:
    undrawn = next(
        DrawnBallot("", county, batch, position, 0)
        for (county, batch), position in MANIFEST.ballot_ids()
        if (county, batch, position) not in {(d.county, d.batch, d.position) for d in drawn}
    )
    rows = [(b, "YES") for b in drawn[1:]] + [(undrawn, "NO"), (drawn[2], "MAYBE")]
    path = results_csv(tmp_path / "results.csv", rows)
    with pytest.raises(InputError) as raised:
        read_results(path, drawn)
    first, extra = drawn[0], undrawn
    assert raised.value.summary == "results.csv does not match the round's retrieval list"
    assert problems_of(raised) == [
        "results.csv:7:4: vote: must be one of YES, NO, UNDERVOTE, OVERVOTE, BLANK, NOT_FOUND "
        "(value: 'MAYBE')",
        f"results.csv:7:3: position: repeats a card (value: '{drawn[2].position}')",
        "results.csv: card: was not drawn in this round "
        f"(value: '{extra.county}/{extra.batch}/{extra.position}')",
        "results.csv: card: has no hand result "
        f"(value: '{first.county}/{first.batch}/{first.position}')",
    ]


def test_the_retrieval_list(tmp_path: Path, drawn: tuple[DrawnBallot, ...]) -> None:
    path = tmp_path / "audit-1" / "round-1.csv"  # the folder is created
    write_retrieval_list(path, drawn)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["order", "county", "batch", "position", "ticket"]
    assert rows[1:] == [[str(b.order), b.county, b.batch, str(b.position), b.ticket] for b in drawn]
    assert [int(r[0]) for r in rows[1:]] == [1, 2, 3, 4, 5]
    assert len(sha256_file(path)) == 64


def test_a_later_round_continues_the_order(tmp_path: Path) -> None:
    later = draw_ballots(MANIFEST, SEED, 3, already=5)
    path = tmp_path / "round-2.csv"
    write_retrieval_list(path, later)
    with path.open(newline="", encoding="utf-8") as handle:
        assert [int(r["order"]) for r in csv.DictReader(handle)] == [6, 7, 8]
    every = draw_ballots(MANIFEST, SEED, 8)
    assert [(b.county, b.batch, b.position) for b in every[5:]] == [
        (b.county, b.batch, b.position) for b in later
    ]
