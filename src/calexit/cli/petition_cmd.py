"""``calexit petition``: verify signatures, check published projections, plan a campaign."""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.progress import Progress

from calexit.cli.output import console, print_json, table
from calexit.errors import InputError, Problem
from calexit.petition.plan import plan_raw_signatures
from calexit.petition.projection import (
    CountyProjection,
    project_valid_signatures,
    statewide_projection,
)
from calexit.petition.qualify import SampleDecision, decide_on_sample
from calexit.reference.datasets import counties
from calexit.rules.load import LoadedPack, resolve_pack
from calexit.rules.model import Petition, Rule

app = typer.Typer(
    help="The petition: verify signatures against the voter file and decide "
    "qualification as the Secretary of State does.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PackOption = Annotated[str, typer.Option("--pack", help="Rule pack id or file.")]


def petition_rules(pack: str) -> tuple[LoadedPack, Petition]:
    loaded = resolve_pack(pack)
    if loaded.rules.petition is None:
        raise InputError(
            f"pack {loaded.rules.id} has no petition rules",
            [Problem("has no [petition] section", key="--pack", value=pack)],
        )
    return loaded, loaded.rules.petition


def _projection_row(name: str, p: CountyProjection) -> dict[str, Any]:
    return {
        "county": name,
        **{k: (str(v) if not isinstance(v, int) else v) for k, v in asdict(p).items()},
    }


def _decision_json(decision: SampleDecision) -> dict[str, Any]:
    return {
        "outcome": decision.outcome.value,
        "required": decision.required,
        "raw_total": decision.raw_total,
        "projected": decision.projected,
        "percent_of_required": f"{float(decision.percent_of_required):.2f}",
        "qualify_line": decision.qualify_line,
        "fail_line": decision.fail_line,
        "over_qualify_line": decision.over_qualify_line,
        "over_fail_line": decision.over_fail_line,
    }


def print_decision(decision: SampleDecision) -> None:
    console.print(
        f"Statewide: raw {decision.raw_total:,}, projected valid {decision.projected:,} "
        f"({float(decision.percent_of_required):.2f}% of {decision.required:,} required). "
        f"Eligible above {decision.qualify_line - 1:,}, fails below {decision.fail_line:,}."
    )
    console.print(
        f"Decision: [bold]{decision.outcome.value}[/bold] "
        f"(margin to the 110% line: {decision.over_qualify_line:+,}; "
        f"to the 95% line: {decision.over_fail_line:+,})."
    )


def _read_county_counts(path: Path) -> list[tuple[str, int, int, int, int]]:
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as error:
        raise InputError(
            f"cannot read {path}", [Problem(str(error.strerror), source=str(path))]
        ) from None
    names = {c.name.casefold(): c.name for c in counties()}
    fields = ("county", "raw", "sample", "valid", "duplicates")
    rows, problems = [], []
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [f for f in fields if f not in header]
        if missing:
            raise InputError(
                f"{path.name} lacks required columns",
                [Problem("missing column", path.name, 1, key=f) for f in missing],
            )
        for cells in reader:
            line = reader.line_num
            name = names.get((cells["county"] or "").strip().casefold())
            if name is None:
                problems.append(
                    Problem(
                        "is not a California county",
                        path.name,
                        line,
                        header.index("county") + 1,
                        "county",
                        cells["county"],
                    )
                )
            numbers = []
            for field in fields[1:]:
                text = (cells[field] or "").strip()
                if not text.isdigit():
                    problems.append(
                        Problem(
                            "is not a whole number",
                            path.name,
                            line,
                            header.index(field) + 1,
                            field,
                            text,
                        )
                    )
                numbers.append(int(text) if text.isdigit() else 0)
            rows.append((name or "", *numbers))
    if problems:
        raise InputError(f"{path.name} has bad rows", problems)
    return rows  # type: ignore[return-value]


def _steps(p: CountyProjection) -> list[list[str]]:
    if p.method.value == "full-examination":
        return [["all", f"every one of {p.raw:,} signatures examined", f"{p.valid:,} valid"]]
    exact_c = p.b * p.duplicates
    return [
        [
            "1. p",
            f"valid / sample = {p.valid:,} / {p.sample:,}, to two decimals of a percent",
            f"{p.p_percent}%",
        ],
        ["2. raw x p", f"{p.raw:,} x {p.p_percent / 100}, rounded up", f"{p.uncorrected:,}"],
        ["3. A", f"raw / sample = {p.raw:,} / {p.sample:,}, to four decimals", str(p.a)],
        ["4. B", f"A x (A - 1) = {p.a} x {p.a - 1}, to four decimals", str(p.b)],
        ["5. C", f"B x duplicates = {p.b} x {p.duplicates} = {exact_c}, rounded up", f"{p.c:,}"],
        ["6. projected", f"{p.uncorrected:,} - {p.c:,}", f"{p.projected:,}"],
    ]


@app.command("project")
def project(
    raw: Annotated[int | None, typer.Option(help="Raw count of signatures filed.")] = None,
    sample: Annotated[int | None, typer.Option(help="Signatures in the random sample.")] = None,
    valid: Annotated[int | None, typer.Option(help="Valid signatures in the sample.")] = None,
    duplicates: Annotated[int | None, typer.Option(help="Duplicates found in the sample.")] = 0,
    counties_file: Annotated[
        Path | None,
        typer.Option(
            "--counties", help="CSV with county, raw, sample, valid, duplicates per county."
        ),
    ] = None,
    pack: PackOption = "calexit-2028",
    as_json: JsonOption = False,
) -> None:
    """Every step of 2 CCR 20530-20532 for one county, or the statewide sum and decision."""
    _, rules = petition_rules(pack)
    if counties_file is not None:
        results = [
            (name, project_valid_signatures(r, s, v, d))
            for name, r, s, v, d in _read_county_counts(counties_file)
        ]
    elif None in (raw, sample, valid):
        raise InputError("give --raw, --sample and --valid (and --duplicates), or --counties FILE")
    else:
        results = [
            ("county", project_valid_signatures(raw or 0, sample or 0, valid or 0, duplicates or 0))
        ]
    total_raw = sum(p.raw for _, p in results)
    decision = decide_on_sample(
        total_raw, max(0, statewide_projection([p for _, p in results])), rules
    )
    if as_json:
        print_json(
            {
                "counties": [_projection_row(n, p) for n, p in results],
                "decision": _decision_json(decision) if counties_file else None,
            }
        )
        return
    if counties_file is None:
        console.print(
            table(
                "Projection, step by step (2 CCR 20530-20532; example: 20540)",
                ["step", "computation", "result"],
                _steps(results[0][1]),
            )
        )
        return
    console.print(
        table(
            "Projection (2 CCR 20530-20532)",
            [
                "county",
                "raw",
                "sample",
                "valid",
                "dup",
                "p %",
                "raw x p",
                "A",
                "B",
                "C",
                "projected",
            ],
            [
                [
                    n,
                    p.raw,
                    p.sample,
                    p.valid,
                    p.duplicates,
                    str(p.p_percent),
                    p.uncorrected,
                    str(p.a),
                    str(p.b),
                    p.c,
                    p.projected,
                ]
                for n, p in results
            ],
        )
    )
    print_decision(decision)


@app.command("plan")
def plan(
    target: Annotated[
        int | None, typer.Option(help="Valid signatures required (default: the pack's).")
    ] = None,
    validity: Annotated[float, typer.Option(help="Expected share of valid signatures.")] = 0.70,
    duplicates: Annotated[float, typer.Option(help="Expected share of duplicates.")] = 0.01,
    confidence: Annotated[
        float, typer.Option(help="Wanted chance to qualify on the sample.")
    ] = 0.95,
    draws: Annotated[int, typer.Option(help="Simulated petitions per candidate total.")] = 2_000,
    seed: Annotated[int, typer.Option(help="Simulation seed.")] = 2028,
    pack: PackOption = "calexit-2028",
    as_json: JsonOption = False,
) -> None:
    """How many raw signatures to file to qualify on the random sample with 95% probability."""
    _, rules = petition_rules(pack)
    problems = [
        Problem(f"must lie in {span}", key=name, value=str(value))
        for name, value, ok, span in (
            ("--validity", validity, 0 < validity <= 1, "(0, 1]"),
            ("--duplicates", duplicates, 0 <= duplicates < 1, "[0, 1)"),
            ("--confidence", confidence, 0 < confidence < 1, "(0, 1)"),
            ("--draws", draws, draws >= 100, "[100, ...)"),
        )
        if not ok
    ]
    if target is not None and target <= 0:
        problems.append(Problem("must be positive", key="--target", value=str(target)))
    if problems:
        raise InputError("cannot plan with these options", problems)
    if target is not None:
        rules = rules.model_copy(
            update={
                "required_signatures": Rule[int](value=target, source="--target"),
                "gubernatorial_votes": Rule[int](
                    value=round(target / rules.signature_share.value), source="--target"
                ),
            }
        )
    weights = np.array([c.registered_voters for c in counties()], dtype=float)
    with Progress(console=console, transient=True, disable=as_json) as progress:
        progress.add_task("Simulating random samples", total=None)
        result = plan_raw_signatures(
            rules,
            weights,
            validity=validity,
            duplicates=duplicates,
            confidence=confidence,
            draws=draws,
            seed=seed,
        )
    if as_json:
        print_json(result)
        return
    console.print(
        table(
            "Chance to qualify on the random sample",
            ["raw filed", "chance", "median projection"],
            [[p.raw_total, f"{p.probability:.1%}", p.median_projection] for p in result.points],
        )
    )
    console.print(
        f"File at least [bold]{result.raw_needed:,}[/bold] raw signatures for a "
        f"{confidence:.0%} chance to be eligible without a full count "
        f"({result.raw_needed / result.target:.2f}x the {result.target:,} required)."
    )
