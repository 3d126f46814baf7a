"""``calexit store``: create or upgrade the store and say what it holds."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from calexit.cli.output import console, print_json, table
from calexit.store import Store, open_store
from calexit.store.database import database_url_from, parse_url

DEFAULT_DATABASE_FILE = "calexit.sqlite3"

app = typer.Typer(
    help="The store: SQLite by default, PostgreSQL via CALEXIT_DATABASE_URL.", no_args_is_help=True
)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL of the store (default: $CALEXIT_DATABASE_URL, "
        "else sqlite:///calexit.sqlite3 in the working directory).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def resolve_database_url(database_url: str | None) -> str:
    """The command-line URL, else ``$CALEXIT_DATABASE_URL``, else ``calexit.sqlite3`` here."""
    if database_url:
        parse_url(database_url, origin="--database-url")
        return database_url
    return database_url_from(os.environ, Path.cwd() / DEFAULT_DATABASE_FILE)


def connect(database_url: str | None) -> Store:
    return open_store(resolve_database_url(database_url))


@app.command("upgrade")
def upgrade(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """Create the store, or migrate it to the newest schema."""
    with connect(database_url) as store:
        revision = store.schema_revision()
    if as_json:
        print_json({"schema_revision": revision})
        return
    console.print(f"store at schema revision {revision}")


@app.command("status")
def status(database_url: DatabaseOption = None, as_json: JsonOption = False) -> None:
    """What the store holds: schema revision, reference rows and recent stage runs."""
    with connect(database_url) as store:
        revision, counts, runs = store.schema_revision(), store.reference_counts(), store.runs()
    if as_json:
        print_json({"schema_revision": revision, "reference": counts, "runs": runs})
        return
    console.print(f"schema revision {revision}")
    console.print(table("Reference rows", ["table", "rows"], sorted(counts.items())))
    console.print(
        table(
            "Recent stage runs",
            ["id", "stage", "pack", "status", "started"],
            [[r.id, r.stage, r.pack_id, r.status, r.started_at.isoformat()] for r in runs],
        )
    )
