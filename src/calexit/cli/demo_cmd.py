"""``calexit demo``: the main job on the default scenario, from an empty store to a report.

It opens (or creates) the store, loads the rule pack and the reference data, runs each
stage that exists, records the run, and prints where the plebiscite stands.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress

from calexit import __version__
from calexit.cli.demo_commission import (
    DEMO_NOMINEES,
    CommissionDemo,
    print_commission_demo,
    run_commission_demo,
)
from calexit.cli.demo_pathway import run_pathway_stage
from calexit.cli.demo_petition import (
    DEMO_SEED,
    PetitionDemo,
    print_petition_demo,
    run_petition_demo,
)
from calexit.cli.demo_portal import fill_portal
from calexit.cli.demo_vote import VoteDemo, print_vote_demo, run_vote_demo
from calexit.cli.output import console, print_json, table
from calexit.cli.serve_cmd import serve_portal
from calexit.cli.store_cmd import DatabaseOption, JsonOption, connect, resolve_database_url
from calexit.linkage.verification import county_rows
from calexit.linkage.verification import summary as summary_of
from calexit.reference.bodies import gate_count
from calexit.reference.calendar import parse_date
from calexit.reference.datasets import counties, facts, states
from calexit.rules.load import LoadedPack, resolve_pack
from calexit.rules.model import format_fraction
from calexit.store import Store
from calexit.timeline import TimelineEntry, road_steps, timeline


@dataclass(frozen=True)
class DemoContext:
    store: Store
    pack: LoadedPack
    road: tuple[LoadedPack, ...]
    today: date
    filed: date | None
    first_meeting: date | None


def _optional_date(text: str | None, option: str) -> date | None:
    return parse_date(text, key=option) if text else None


def _thresholds(context: DemoContext) -> list[dict[str, Any]]:
    """The pack's decisive numbers, turned into counts on the shipped 2024 data."""
    rules = context.pack.rules
    registered = sum(c.registered_voters for c in counties())
    rows: list[dict[str, Any]] = []
    if rules.petition:
        p = rules.petition
        rows.append(
            {
                "rule": "valid signatures to qualify",
                "value": p.required_signatures.value,
                "source": p.required_signatures.source,
            }
        )
        rows.append(
            {
                "rule": "random sample qualifies above",
                "value": f"{format_fraction(p.qualify_above.value)} of the requirement",
                "source": p.qualify_above.source,
            }
        )
        rows.append(
            {
                "rule": "random sample fails below",
                "value": f"{format_fraction(p.fail_below.value)} of the requirement",
                "source": p.fail_below.source,
            }
        )
    if rules.passage and rules.passage.participation:
        t = rules.passage.participation
        rows.append(
            {
                "rule": f"participation ({t.numerator.value} / {t.denominator.value})",
                "value": f"{format_fraction(t.min)}: {t.needed(registered):,} ballots of "
                f"{registered:,} registered (Oct 2024)",
                "source": t.source,
            }
        )
    if rules.passage:
        t = rules.passage.approval
        rows.append(
            {
                "rule": f"approval ({t.numerator.value} / {t.denominator.value})",
                "value": f"{t.comparison.value} {format_fraction(t.min)}",
                "source": t.source,
            }
        )
    for later in context.road:
        for gate in later.rules.gates:
            count = gate_count(gate)
            if count:
                rows.append(
                    {
                        "rule": f"{later.rules.id}: {gate.body}",
                        "value": f"{count.needed} of {count.size}",
                        "source": gate.source,
                    }
                )
    return rows


def _load(context: DemoContext, now: datetime) -> int:
    store = context.store
    for loaded in (context.pack, *context.road):
        info = loaded.rules.pack
        store.save_pack(info.id, info.version, info.title, loaded.text, now=now)
    store.load_reference(counties(), states(), facts())
    return store.start_run(
        "foundation", context.pack.rules.id, seed=None, code_version=__version__, now=now
    )


def _print(
    context: DemoContext, entries: tuple[TimelineEntry, ...], thresholds: list[dict[str, Any]]
) -> None:
    rules = context.pack.rules
    console.print(f"[bold]{rules.pack.title}[/bold] — rule pack {rules.id} {rules.pack.version}")
    if rules.measure:
        console.print(f"Question: “{rules.measure.question.value}”")
    console.print(
        table(
            f"Where things stand on {context.today.isoformat()}",
            ["date", "status", "stage", "step", "days"],
            [
                [
                    e.step.day,
                    e.status.value,
                    e.step.stage,
                    e.step.title + (" (assumed)" if e.step.assumed else ""),
                    e.days_left,
                ]
                for e in entries
            ],
        )
    )
    console.print(
        table(
            "Thresholds",
            ["rule", "value", "source"],
            [[r["rule"], r["value"], r["source"]] for r in thresholds],
        )
    )


def _petition_stage(context: DemoContext, folder: Path) -> PetitionDemo | None:
    """Run the petition stage on synthetic data and record it as a stage run."""
    if context.pack.rules.petition is None:
        return None
    started = datetime.now(UTC)
    result = run_petition_demo(context.pack, folder)
    run = context.store.start_run(
        "petition", context.pack.rules.id, seed=DEMO_SEED, code_version=__version__, now=started
    )
    context.store.finish_run(
        run, status="succeeded", summary=_petition_json(result), now=datetime.now(UTC)
    )
    return result


def _commission_stage(
    context: DemoContext, output: Path, nominees: int, progress: Callable[[str], None]
) -> CommissionDemo | None:
    """Nominees drawn from the petition demo's voter file, intake, the lottery, the draw."""
    voters = output / "petition" / "synthetic" / "voters.parquet"
    return run_commission_demo(
        context.pack,
        context.store,
        voters,
        output / "commission",
        nominees=nominees,
        progress=progress,
    )


def _pathway_stage(context: DemoContext, folder: Path) -> tuple[dict[str, Any], str]:
    """Run the road's Monte Carlo on the default scenario, write its figures, record the
    run; return its summary and what it printed (shown after the progress bar)."""
    started = datetime.now(UTC)
    buffer = io.StringIO()
    summary = run_pathway_stage(Console(file=buffer, width=console.width, highlight=False), folder)
    run = context.store.start_run(
        "pathway", context.pack.rules.id, seed=None, code_version=__version__, now=started
    )
    context.store.finish_run(run, status="succeeded", summary=summary, now=datetime.now(UTC))
    return summary, buffer.getvalue()


def _vote_json(vote: VoteDemo) -> dict[str, Any]:
    return {
        "outcome": vote.canvass.outcome.value,
        "conditions": {
            c.name: {"percent": c.percent, "margin": c.margin, "passed": c.passed}
            for c in vote.canvass.conditions
        },
        "audit_rounds": [
            {"cards": cards, "risks": risks, "status": status.value}
            for cards, risks, status in vote.rounds
        ],
        "audit_status": vote.rounds[-1][2].value if vote.rounds else None,
        "bundle": str(vote.bundle),
        "bundle_checks_passed": vote.bundle_ok,
    }


def _petition_json(petition: PetitionDemo) -> dict[str, Any]:
    return {
        **summary_of(petition.result),
        "scaled_requirement": petition.scaled_requirement,
        "bundle": str(petition.bundle),
        "bundle_checks_passed": petition.checks_passed,
        "counties": county_rows(petition.result),
    }


def demo(
    database_url: DatabaseOption = None,
    pack: Annotated[str, typer.Option(help="Rule pack id or file.")] = "calexit-2028",
    today: Annotated[
        str | None,
        typer.Option(help="Report as of this day (YYYY-MM-DD); default: the current date."),
    ] = None,
    filed: Annotated[
        str | None, typer.Option(help="Assume the petition is filed on this day (YYYY-MM-DD).")
    ] = None,
    first_meeting: Annotated[
        str | None, typer.Option(help="Assume the commission first meets on this day (YYYY-MM-DD).")
    ] = None,
    output: Annotated[
        Path, typer.Option(help="Folder for the demo's files (replaced on each run).")
    ] = Path("calexit-output/demo"),
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Then serve the portal at http://127.0.0.1:8000 (not with --json).",
        ),
    ] = True,
    port: Annotated[int, typer.Option(help="Port for the portal.", min=1, max=65535)] = 8000,
    nominees: Annotated[
        int, typer.Option(help="Synthetic commission nominees (a few thousand by default).", min=50)
    ] = DEMO_NOMINEES,
    as_json: JsonOption = False,
) -> None:
    """Run every stage on the default scenario, print where things stand, serve the portal."""
    now = datetime.now(UTC)
    loaded = resolve_pack(pack)
    road = tuple(resolve_pack(later) for later in loaded.rules.pack.road)
    day = _optional_date(today, "--today") or now.date()
    with (
        connect(database_url) as store,
        Progress(console=console, transient=True, disable=as_json) as progress,
    ):
        context = DemoContext(
            store,
            loaded,
            road,
            day,
            _optional_date(filed, "--filed"),
            _optional_date(first_meeting, "--first-meeting"),
        )
        task = progress.add_task("Loading rules and reference data", total=7)
        run_id = _load(context, now)
        progress.update(task, advance=1, description="Building the timeline")
        steps = road_steps(
            loaded.rules,
            filed=context.filed,
            first_meeting=context.first_meeting,
            after=tuple(r.rules for r in road),
        )
        entries = timeline(steps, day)
        thresholds = _thresholds(context)
        summary = {
            "today": day.isoformat(),
            "pack": loaded.rules.id,
            "pack_sha256": loaded.sha256,
            "next": [e.step.title for e in entries if e.status.value == "next"],
            "store": store.reference_counts(),
        }
        store.finish_run(run_id, status="succeeded", summary=summary, now=datetime.now(UTC))
        progress.update(task, advance=1, description="Petition: synthesising and verifying")
        petition = _petition_stage(context, output / "petition")
        progress.update(task, advance=1, description="Vote: canvass and risk-limiting audit")
        vote = (
            run_vote_demo(loaded, store, output / "vote")
            if loaded.rules.passage is not None
            else None
        )
        progress.update(task, advance=1, description="Commission: nominees, lottery, draw")
        commission = _commission_stage(
            context,
            output,
            nominees,
            lambda news: progress.update(task, description=f"Commission: {news}"),
        )
        progress.update(task, advance=1, description="Pathway: Monte Carlo of the road after")
        pathway, pathway_text = _pathway_stage(context, output / "pathway")
        progress.update(task, advance=1, description="Portal: meetings, documents, the record")
        portal = fill_portal(store, day)
        progress.update(task, advance=1)
    if as_json:
        print_json(
            {
                "run": run_id,
                "summary": summary,
                "timeline": entries,
                "thresholds": thresholds,
                "petition": petition and {**_petition_json(petition)},
                "vote": vote and _vote_json(vote),
                "commission": commission and commission.summary(),
                "pathway": pathway,
                "portal": portal,
            }
        )
        return
    _print(context, entries, thresholds)
    if petition:
        print_petition_demo(petition)
    if vote:
        print_vote_demo(vote)
    if commission:
        print_commission_demo(commission)
    console.out(pathway_text, end="", highlight=False)
    console.print(f"Stored in {store.where} (run {run_id}).")
    if serve:
        serve_portal(resolve_database_url(database_url), host="127.0.0.1", port=port)
