"""``calexit petition synth``: write a synthetic voter file, petition and ground truth.

The data come from :mod:`calexit.petition.synth`; :mod:`calexit.files.synth_writer`
writes them. Registered on the ``petition`` group as ``synth``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from calexit.cli.output import console, print_json, table
from calexit.errors import InputError, Problem
from calexit.files.synth_writer import SynthFormat, prepare_out, write_synth
from calexit.petition.synth import CountyOutput, SynthSpec, spec_problems, synthesize
from calexit.reference.datasets import counties

OPTION_NAMES = {
    "scale": "--scale",
    "seed": "--seed",
    "signatures": "--signatures",
    "validity": "--validity",
}


def _spec(scale: float, seed: int, signatures: int | None, validity: float, out: Path) -> SynthSpec:
    spec = SynthSpec(seed=seed, scale=scale, signatures=signatures, validity=validity)
    problems = spec_problems(spec, OPTION_NAMES)
    if out.exists() and not out.is_dir():
        problems.append(Problem("is an existing file, not a folder", key="--out", value=str(out)))
    if problems:
        raise InputError("bad options for petition synth", problems)
    return spec


def _summary(manifest: dict[str, Any], out: Path) -> None:
    files = manifest["files"]
    console.print(
        table(
            f"Synthetic petition data in {out} (seed {manifest['seed']}, "
            f"scale {manifest['scale']:g})",
            ("file", "rows", "bytes", "sha256"),
            [(f["path"], f["rows"], f["bytes"], f["sha256"][:16]) for f in files.values()],
        )
    )
    total = sum(manifest["reasons"].values()) or 1
    console.print(
        table(
            "Signatures by expected reason",
            ("reason", "signatures", "share"),
            [(r, n, f"{n / total:.1%}") for r, n in manifest["reasons"].items()],
        )
    )


def synth(
    scale: Annotated[
        float, typer.Option("--scale", help="Share of California's 22.6 million voters (0-2].")
    ] = 0.01,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed: the same seed, the same files.")
    ] = 2028,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the files and manifest.json.")
    ] = Path("calexit-output/synth"),
    signatures: Annotated[
        int | None,
        typer.Option(
            "--signatures", min=1, help="Signature lines [default: round(1,000,000 x scale)]."
        ),
    ] = None,
    validity: Annotated[
        float, typer.Option("--validity", help="Statewide share of valid signatures (0-1).")
    ] = 0.70,
    fmt: Annotated[
        SynthFormat, typer.Option("--format", help="File format.", case_sensitive=False)
    ] = SynthFormat.PARQUET,
    as_json: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Write a synthetic voter file, petition signatures and their ground truth."""
    spec = _spec(scale, seed, signatures, validity, out)
    prepare_out(out, key="--out")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=console, transient=True, disable=as_json
    ) as progress:
        task = progress.add_task("Counties", total=len(counties()))

        def advance(county: CountyOutput) -> None:
            progress.update(task, advance=1, description=county.name)

        manifest = write_synth(synthesize(spec), spec, out, fmt, on_county=advance)
    if as_json:
        print_json(manifest)
    else:
        _summary(manifest, out)
