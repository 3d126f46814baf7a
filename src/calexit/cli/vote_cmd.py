"""``calexit vote``: canvass the county returns under the measure's passage rules."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from calexit import __version__
from calexit.cli.output import console, print_json, table
from calexit.cli.store_cmd import DatabaseOption, connect
from calexit.errors import InputError, Problem
from calexit.files.vote_returns import nist_report, read_returns, write_nist_report
from calexit.rules.load import LoadedPack, resolve_pack
from calexit.rules.model import Passage, format_fraction
from calexit.vote.canvass import Canvass, ConditionResult, canvass, percent
from calexit.vote.returns import COUNT_FIELDS, Counts, Returns

app = typer.Typer(
    help="The plebiscite: canvass county returns under the measure's passage rules.",
    no_args_is_help=True,
)


def passage_rules(pack: str) -> tuple[LoadedPack, Passage]:
    loaded = resolve_pack(pack)
    if loaded.rules.passage is None:
        raise InputError(
            f"pack {loaded.rules.id} has no passage rules",
            [Problem("has no [passage] section", key="--pack", value=pack)],
        )
    return loaded, loaded.rules.passage


def _fraction(value: Any) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _counts_json(counts: Counts) -> dict[str, Any]:
    return {
        **{name: getattr(counts, name) for name in COUNT_FIELDS},
        "yes_plus_no": counts.yes_plus_no,
        "unaccounted": counts.unaccounted,
        "participation": _fraction(counts.participation),
        "participation_percent": percent(counts.participation),
        "yes_share": _fraction(counts.yes_share),
        "yes_share_percent": percent(counts.yes_share),
    }


def _condition_json(c: ConditionResult) -> dict[str, Any]:
    return {
        "name": c.name,
        "rule": c.describe(),
        "numerator": c.rule.numerator.value,
        "numerator_count": c.numerator_count,
        "denominator": c.rule.denominator.value,
        "denominator_count": c.denominator_count,
        "value": _fraction(c.value),
        "percent": c.percent,
        "comparison": c.rule.comparison.value,
        "threshold": format_fraction(c.rule.min),
        "needed": c.needed,
        "passed": c.passed,
        "margin": c.margin,
        "to_flip": c.to_flip,
        "source": c.rule.source,
    }


def canvass_json(
    result: Canvass, returns: Returns, pack: LoadedPack, exported: Path | None
) -> dict[str, Any]:
    """Everything the canvass found, as plain JSON values (fractions as "n/d" text)."""
    return {
        "pack": pack.rules.id,
        "pack_sha256": pack.sha256,
        "returns": returns.source,
        "outcome": result.outcome.value,
        "passed": result.passed,
        "statewide": _counts_json(result.statewide),
        "conditions": [_condition_json(c) for c in result.conditions],
        "counties": [{"county": r.county, **_counts_json(r.counts)} for r in result.counties],
        "exported_nist": None if exported is None else str(exported),
    }


def _county_rows(result: Canvass) -> list[list[object]]:
    rows: list[list[object]] = [
        [
            r.county,
            r.counts.registered,
            r.counts.ballots_cast,
            percent(r.counts.participation),
            r.counts.yes,
            r.counts.no,
            r.counts.undervotes,
            r.counts.overvotes,
            percent(r.counts.yes_share),
        ]
        for r in result.counties
    ]
    s = result.statewide
    rows.append(
        [
            "Statewide",
            s.registered,
            s.ballots_cast,
            percent(s.participation),
            s.yes,
            s.no,
            s.undervotes,
            s.overvotes,
            percent(s.yes_share),
        ]
    )
    return rows


def _margin_text(c: ConditionResult) -> str:
    if c.margin is None:
        return f"no {c.rule.denominator.value}: cannot pass"
    unit, same = c.rule.numerator.value, c.rule.denominator.value
    if c.margin >= 0:
        return f"{c.margin:+,}: {c.to_flip:,} fewer {unit} with the same {same} would fail it"
    return f"{c.margin:+,}: {c.to_flip:,} more {unit} with the same {same} would pass it"


def print_canvass(result: Canvass, pack: LoadedPack) -> None:
    columns = ["county", "registered", "ballots cast", "participation", "yes", "no"]
    columns += ["undervotes", "overvotes", "yes share"]
    console.print(table("County returns", columns, _county_rows(result)))
    conditions = [
        [
            c.name,
            c.describe(),
            f"{c.numerator_count:,} / {c.denominator_count:,}",
            f"{c.percent} ({_fraction(c.value) or 'n/a'})",
            "n/a" if c.needed is None else f"{c.needed:,}",
            "yes" if c.passed else "no",
            _margin_text(c),
        ]
        for c in result.conditions
    ]
    headers = ["condition", "rule", "count", "share (exact)", "needed", "passed", "margin"]
    console.print(table(f"Passage rules of {pack.rules.id}", headers, conditions))
    failed = [c.name for c in result.conditions if not c.passed]
    why = "every condition is met" if not failed else f"not met: {', '.join(failed)}"
    console.print(f"Outcome: [bold]{result.outcome.value.upper()}[/bold] ({why}).")


def _record(database_url: str | None, loaded: LoadedPack, summary: dict[str, Any]) -> None:
    """Keep the canvass in the store as a run of the vote stage."""
    now = datetime.now(UTC)
    info = loaded.rules.pack
    with connect(database_url) as store:
        store.save_pack(info.id, info.version, info.title, loaded.text, now=now)
        run = store.start_run("vote", info.id, seed=None, code_version=__version__, now=now)
        store.finish_run(run, status="succeeded", summary=summary, now=datetime.now(UTC))


@app.command("canvass")
def canvass_command(
    returns_file: Annotated[
        Path,
        typer.Argument(
            metavar="RETURNS", help="County returns: a .csv file or NIST SP 1500-100 .json."
        ),
    ],
    pack: Annotated[str, typer.Option("--pack", help="Rule pack id or file.")] = "calexit-2028",
    contest: Annotated[
        str | None,
        typer.Option(help="The ballot measure contest (Name or @id) in a NIST report."),
    ] = None,
    export_nist: Annotated[
        Path | None,
        typer.Option("--export-nist", help="Write the certified result as NIST JSON here."),
    ] = None,
    database_url: DatabaseOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Check every county's return, then apply the pack's passage rules exactly."""
    loaded, passage = passage_rules(pack)
    returns = read_returns(returns_file, contest=contest)
    result = canvass(returns, passage)
    _record(database_url, loaded, canvass_json(result, returns, loaded, export_nist))
    if export_nist is not None:
        report = nist_report(returns, result, loaded.rules, generated=datetime.now(UTC))
        write_nist_report(export_nist, report)
    if as_json:
        print_json(canvass_json(result, returns, loaded, export_nist))
        return
    print_canvass(result, loaded)
    if export_nist is not None:
        console.print(f"Certified result written to {export_nist} (NIST SP 1500-100 v2 JSON).")
