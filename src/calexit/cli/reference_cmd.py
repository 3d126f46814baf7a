"""``calexit reference``: the shipped public data (counties, states, California facts)."""

from __future__ import annotations

from typing import Annotated

import typer

from calexit.cli.output import console, print_json, table
from calexit.reference.datasets import counties, facts, states

app = typer.Typer(
    help="Shipped public data: 58 counties, 50 states and DC, California facts.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command("counties")
def show_counties(as_json: JsonOption = False) -> None:
    """California's counties: region, registration (Oct 2024) and the 2024 vote."""
    rows = counties()
    if as_json:
        print_json(rows)
        return
    body = [[c.name, c.fips, c.region, c.registered_voters, c.ballots_cast_2024] for c in rows]
    body.append(
        [
            "Total",
            "",
            "",
            sum(c.registered_voters for c in rows),
            sum(c.ballots_cast_2024 for c in rows),
        ]
    )
    console.print(
        table(
            "Counties (SOS 15-day report, 21 Oct 2024; Statement of Vote 2024)",
            ["county", "FIPS", "region", "registered", "ballots 2024"],
            body,
        )
    )


@app.command("states")
def show_states(as_json: JsonOption = False) -> None:
    """The states and DC: House seats, senators, legislature control, 2024 result."""
    rows = states()
    if as_json:
        print_json(rows)
        return
    console.print(
        table(
            "States (2020 apportionment, 2024 presidential result, 2025 control)",
            ["state", "House", "Sen D", "Sen R", "legislature", "Trump %", "Harris %"],
            [
                [
                    s.abbr,
                    s.house_seats,
                    s.senators_d,
                    s.senators_r,
                    s.legislature_control.value,
                    s.trump_2024_pct,
                    s.harris_2024_pct,
                ]
                for s in rows
            ],
        )
    )


@app.command("facts")
def show_facts(as_json: JsonOption = False) -> None:
    """Published figures about California, each with unit, year and source."""
    rows = facts()
    if as_json:
        print_json(rows)
        return
    console.print(
        table(
            "California facts",
            ["key", "value", "unit", "year", "source"],
            [
                [
                    f.key,
                    f"{f.bound}{f.value}" if f.confirmed else "not confirmed",
                    f.unit,
                    f.year,
                    f.source,
                ]
                for f in rows
            ],
        )
    )
