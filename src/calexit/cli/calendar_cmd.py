"""``calexit calendar`` (the petition timeline) and ``calexit holidays`` (California holidays)."""

from __future__ import annotations

from typing import Annotated

import typer

from calexit.cli.output import console, print_json, table
from calexit.errors import InputError, Problem
from calexit.petition.deadlines import petition_deadlines
from calexit.reference.calendar import california_holidays, parse_date
from calexit.rules.load import resolve_pack

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def calendar(
    filed: Annotated[
        str,
        typer.Option(help="Day the petition sections are filed (YYYY-MM-DD).", show_default=False),
    ],
    pack: Annotated[str, typer.Option(help="Rule pack id or file.")] = "calexit-2028",
    summary_date: Annotated[
        str | None,
        typer.Option(
            help="Official summary date (YYYY-MM-DD), to check the 180-day circulation limit."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Every deadline of the petition timeline for a filing date, in working days."""
    loaded = resolve_pack(pack)
    rules = loaded.rules
    if rules.petition is None or rules.election is None:
        raise InputError(
            f"pack {rules.id} has no petition stage",
            [Problem("has no [petition] and [election] sections", key="--pack", value=pack)],
        )
    filed_day = parse_date(filed, key="--filed")
    summary = parse_date(summary_date, key="--summary-date") if summary_date else None
    deadlines = petition_deadlines(rules.petition, rules.election.date.value, filed_day, summary)
    if as_json:
        print_json(
            {
                "pack": rules.id,
                "election": deadlines.election,
                "filed": deadlines.filed,
                "random_sample_in_time": deadlines.random_sample_in_time,
                "full_count_in_time": deadlines.full_count_in_time,
                "milestones": [
                    {"key": m.key, "title": m.title, "date": m.day, "source": m.source}
                    for m in deadlines.milestones
                ],
            }
        )
        return
    console.print(
        table(
            f"Petition timeline — {rules.pack.title}, election {deadlines.election.isoformat()}",
            ["date", "step", "source"],
            [[m.day, m.title, m.source] for m in deadlines.milestones],
        )
    )
    sample = "in time" if deadlines.random_sample_in_time else "TOO LATE"
    full = "in time" if deadlines.full_count_in_time else "TOO LATE"
    console.print(f"Random sample result by E-131: {sample}. Full count by E-131: {full}.")


def holidays(
    year: Annotated[int, typer.Argument(help="Calendar year.")],
    as_json: JsonOption = False,
) -> None:
    """California holidays of a year (Gov. Code 6700 and 6701), with their citations."""
    found = california_holidays(year)
    if as_json:
        print_json(found)
        return
    console.print(
        table(
            f"California holidays {year}",
            ["date", "holiday", "whole day", "source"],
            [[h.day, h.name, not h.partial, h.citation] for h in found],
        )
    )
