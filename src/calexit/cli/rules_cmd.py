"""``calexit rules``: list the shipped packs, show one, check a pack file of your own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from calexit.cli.output import console, print_json, table
from calexit.cli.rules_doc import rules_markdown
from calexit.reference.bodies import gate_count
from calexit.rules.catalog import rule_rows
from calexit.rules.load import builtin_pack, builtin_pack_ids, load_pack_file, resolve_pack

app = typer.Typer(
    help="The rules as code: shipped rule packs, each number with its source.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command("list")
def list_packs(as_json: JsonOption = False) -> None:
    """List the shipped rule packs."""
    packs = [builtin_pack(pack_id) for pack_id in builtin_pack_ids()]
    rows = [
        {
            "id": p.rules.id,
            "version": p.rules.pack.version,
            "kind": p.rules.pack.kind.value,
            "jurisdiction": p.rules.pack.jurisdiction,
            "title": p.rules.pack.title,
            "sha256": p.sha256,
        }
        for p in packs
    ]
    if as_json:
        print_json(rows)
        return
    console.print(
        table(
            "Rule packs",
            ["id", "version", "kind", "jurisdiction", "title"],
            [[r["id"], r["version"], r["kind"], r["jurisdiction"], r["title"]] for r in rows],
        )
    )


@app.command("show")
def show_pack(
    pack: Annotated[str, typer.Argument(help="A shipped pack id or the path of a pack file.")],
    as_json: JsonOption = False,
) -> None:
    """Show every rule of a pack: rule, value and source."""
    loaded = resolve_pack(pack)
    rows = rule_rows(loaded.rules)
    counts = [c for c in (gate_count(g) for g in loaded.rules.gates) if c is not None]
    if as_json:
        print_json(
            {
                "pack": loaded.rules.pack,
                "sha256": loaded.sha256,
                "rules": rows,
                "gate_counts": [
                    {
                        "gate": c.gate.id,
                        "needed": c.needed,
                        "of": c.size,
                        "size_source": c.size_source,
                    }
                    for c in counts
                ],
            }
        )
        return
    info = loaded.rules.pack
    console.print(f"[bold]{info.title}[/bold] ({info.id} {info.version})")
    console.print(info.summary)
    console.print(
        table(
            "Rules",
            ["rule", "value", "basis", "source"],
            [
                [r.key, r.value, r.basis, r.source + (f" — {r.note}" if r.note else "")]
                for r in rows
            ],
        )
    )
    if counts:
        console.print(
            table(
                "Votes needed when every member votes",
                ["gate", "needed", "of", "size from"],
                [[c.gate.id, c.needed, c.size, c.size_source] for c in counts],
            )
        )


@app.command("check")
def check_pack(
    file: Annotated[Path, typer.Argument(help="A rule pack TOML file.", show_default=False)],
    as_json: JsonOption = False,
) -> None:
    """Validate a pack file: every problem at once, with line and key; exit 2 if any."""
    loaded = load_pack_file(file)
    rows = rule_rows(loaded.rules)
    if as_json:
        print_json({"ok": True, "id": loaded.rules.id, "rules": len(rows), "sha256": loaded.sha256})
        return
    console.print(
        f"{file}: ok — pack {loaded.rules.id} {loaded.rules.pack.version}, {len(rows)} cited rules"
    )


@app.command("docs")
def rules_docs() -> None:
    """Print docs/rules.md: every threshold of every shipped pack with its source."""
    console.file.write(rules_markdown())
