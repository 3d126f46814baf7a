"""``calexit petition verify`` and ``verify-bundle``: the random sample and full count, checked."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from calexit import __version__
from calexit.cli.output import console, print_json, table
from calexit.cli.petition_cmd import JsonOption, PackOption, petition_rules, print_decision
from calexit.cli.store_cmd import DatabaseOption, connect
from calexit.errors import InputError, Problem
from calexit.files.petition_bundle import verify_bundle, write_bundle
from calexit.files.petition_inputs import check_signatures, check_voter_file
from calexit.linkage.duckdb_engine import DuckDBEngine
from calexit.linkage.verification import Verification, county_rows, summary, verify_petition
from calexit.petition.deadlines import petition_deadlines
from calexit.petition.matching.model import MatchSettings
from calexit.petition.sample import check_seed
from calexit.reference.calendar import parse_date
from calexit.rules.load import LoadedPack


def _print(result: Verification, bundle: Path) -> None:
    console.print(
        table(
            "Random sample by county (Elections Code 9030; 2 CCR 20530-20532)",
            ["county", "raw", "sample", "valid", "duplicates", "p %", "projected"],
            [
                [
                    c.county,
                    c.projection.raw,
                    c.projection.sample,
                    c.projection.valid,
                    c.projection.duplicates,
                    str(c.projection.p_percent),
                    c.projection.projected,
                ]
                for c in result.counties
            ],
        )
    )
    print_decision(result.decision)
    if result.full_count:
        full = result.full_count
        reached = (
            f"reached after {full.reached_requirement_after:,} examined"
            if full.reached_requirement_after
            else "never reached"
        )
        console.print(
            f"Full count: {full.valid:,} valid of {full.examined:,} examined "
            f"({full.duplicates:,} duplicates); the requirement was {reached}: "
            f"[bold]{'qualified' if full.qualified else 'failed'}[/bold]."
        )
    reasons: dict[str, int] = result.reasons or {}
    ordered = sorted(reasons.items(), key=lambda kv: -kv[1])
    console.print(
        table(
            "Determinations",
            ["reason", "signatures"],
            ordered,
        )
    )
    console.print(f"Audit bundle: {bundle}")


def verify(
    voters: Annotated[Path, typer.Option(help="Voter file (Parquet or CSV).", show_default=False)],
    signatures: Annotated[
        Path, typer.Option(help="Petition signatures (Parquet or CSV).", show_default=False)
    ],
    seed: Annotated[
        str, typer.Option(help="Public 20-digit seed for the random sample.", show_default=False)
    ],
    bundle: Annotated[
        Path, typer.Option(help="Folder for the audit bundle (must be empty).")
    ] = Path("calexit-output/petition-bundle"),
    full_count: Annotated[
        bool,
        typer.Option("--full-count", help="Examine every signature whatever the sample shows."),
    ] = False,
    threshold: Annotated[
        float, typer.Option(help="Match probability accepted as the same person.")
    ] = 0.9,
    filed: Annotated[
        str | None,
        typer.Option(help="Day the sections were filed (YYYY-MM-DD), to state the deadlines."),
    ] = None,
    pack: PackOption = "calexit-2028",
    database_url: DatabaseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Verify a petition: raw count, public random sample, projection, decision, full count."""
    loaded, rules = petition_rules(pack)
    check_seed(seed)
    deadlines = _deadlines(loaded, filed)
    if not 0 < threshold < 1:
        raise InputError(
            "bad option",
            [Problem("must lie between 0 and 1", key="--threshold", value=str(threshold))],
        )
    if bundle.exists() and (not bundle.is_dir() or any(bundle.iterdir())):
        raise InputError(
            "the bundle folder must be empty",
            [Problem("is not an empty folder", key="--bundle", value=str(bundle))],
        )
    settings = MatchSettings(threshold=threshold)
    started, now = time.perf_counter(), datetime.now(UTC)
    with Progress(console=console, transient=True, disable=as_json) as progress:
        task = progress.add_task("Checking the input files", total=None)
        check_voter_file(voters)
        check_signatures(signatures)
        engine = DuckDBEngine()
        try:
            result, _ = verify_petition(
                voters,
                signatures,
                rules,
                seed,
                settings,
                force_full_count=full_count,
                engine=engine,
                progress=lambda step: progress.update(task, description=f"Running: {step}"),
            )
            decision = {**summary(result), "deadlines": deadlines}
            write_bundle(
                bundle,
                connection=engine.connection,
                pack=loaded,
                inputs={"voters": voters, "signatures": signatures},
                counties=county_rows(result),
                decision=decision,
                model=result.linkage.model,
                settings=settings,
                full_count=result.full_count is not None,
            )
        finally:
            engine.close()
    _record(database_url, loaded, seed, now, decision, county_rows(result))
    if as_json:
        print_json(
            {
                **decision,
                "counties": county_rows(result),
                "bundle": str(bundle),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        return
    _print(result, bundle)
    if deadlines:
        console.print(
            table(
                "Deadlines for this filing",
                ["due", "step"],
                [[d["date"], d["title"]] for d in deadlines],
            )
        )


def _deadlines(loaded: LoadedPack, filed: str | None) -> list[dict[str, str]]:
    """The statutory deadlines for a filing day, from the calendar and the pack."""
    rules, election = loaded.rules.petition, loaded.rules.election
    if filed is None or rules is None or election is None:
        return []
    timeline = petition_deadlines(rules, election.date.value, parse_date(filed, key="--filed"))
    wanted = ("raw_count_due", "random_sample_due", "full_count_due", "qualification_deadline")
    return [
        {"key": m.key, "title": m.title, "date": m.day.isoformat(), "source": m.source}
        for m in timeline.milestones
        if m.key in wanted
    ]


def _record(
    database_url: str | None,
    loaded: LoadedPack,
    seed: str,
    now: datetime,
    decision: dict[str, Any],
    counties: list[dict[str, Any]],
) -> None:
    info = loaded.rules.pack
    with connect(database_url) as store:
        store.save_pack(info.id, info.version, info.title, loaded.text, now=now)
        run = store.start_run("petition", info.id, seed=seed, code_version=__version__, now=now)
        store.finish_run(
            run,
            status="succeeded",
            summary={**decision, "counties": counties},
            now=datetime.now(UTC),
        )


def verify_bundle_command(
    folder: Annotated[Path, typer.Argument(help="An audit bundle folder.")],
    as_json: JsonOption = False,
) -> None:
    """Re-derive a petition decision from its audit bundle; exit 1 if any check fails."""
    if not (folder / "manifest.json").is_file():
        raise InputError(
            "not an audit bundle",
            [Problem("has no manifest.json", key="FOLDER", value=str(folder))],
        )
    checks = verify_bundle(folder)
    if as_json:
        print_json({"ok": all(c.passed for c in checks), "checks": checks})
    else:
        console.print(
            table(
                f"Re-deriving {folder}",
                ["check", "result", "detail"],
                [[c.name, "pass" if c.passed else "FAIL", c.detail] for c in checks],
            )
        )
    if not all(c.passed for c in checks):
        raise typer.Exit(1)
