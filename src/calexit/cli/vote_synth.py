"""``calexit vote synth`` and ``calexit audit read-paper``: synthetic data to try the stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from calexit.cli.output import console, print_json
from calexit.cli.store_cmd import JsonOption
from calexit.errors import InputError, Problem
from calexit.files.vote_synth_writer import hand_results, write_vote
from calexit.reference.datasets import counties
from calexit.vote.synth import synthesize_vote


def synth(
    out: Annotated[Path, typer.Option(help="Folder for returns, manifest, CVRs and paper.")] = Path(
        "calexit-output/vote"
    ),
    scale: Annotated[
        float, typer.Option(help="Share of the 2024 ballots (1.0: 16.1 million).")
    ] = 0.005,
    yes_share: Annotated[float, typer.Option(help="Statewide Yes share of valid votes.")] = 0.58,
    error_rate: Annotated[float, typer.Option(help="Share of CVRs that misread the paper.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Generator seed.")] = 2028,
    as_json: JsonOption = False,
) -> None:
    """Synthetic returns, ballot manifest, CVRs and paper ballots from the county data."""
    checks = [
        ("--scale", scale, 0 < scale <= 1),
        ("--yes-share", yes_share, 0 < yes_share < 1),
        ("--error-rate", error_rate, 0 <= error_rate < 1),
    ]
    problems = [Problem("is out of range", key=k, value=str(v)) for k, v, ok in checks if not ok]
    if problems:
        raise InputError("cannot synthesise with these options", problems)
    vote = synthesize_vote(
        counties(), scale=scale, yes_share=yes_share, seed=seed, error_rate=error_rate
    )
    paths = write_vote(vote, out)
    shown = {"files": {k: str(v) for k, v in paths.items()}, "cards": vote.manifest.total}
    if as_json:
        print_json(shown)
        return
    console.print(
        f"{vote.manifest.total:,} cards in {len(vote.manifest.batches):,} batches; "
        f"files in {out} (synthetic, not a forecast)."
    )


def read_paper(
    paper: Annotated[
        Path, typer.Option(help="paper.csv from `calexit vote synth`.", show_default=False)
    ],
    retrieval_list: Annotated[
        Path, typer.Option(help="A round's retrieval list.", show_default=False)
    ],
    out: Annotated[Path, typer.Option(help="Hand results CSV to write.", show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Stand in for the hand count of synthetic ballots: read the listed cards off paper.csv."""
    for path, key in ((paper, "--paper"), (retrieval_list, "--retrieval-list")):
        if not path.is_file():
            raise InputError("no such file", [Problem("does not exist", key=key, value=str(path))])
    cards = hand_results(paper, retrieval_list, out)
    if as_json:
        print_json({"cards": cards, "results": str(out)})
        return
    console.print(f"{cards:,} cards read into {out}.")
