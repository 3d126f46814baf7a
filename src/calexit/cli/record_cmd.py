"""``calexit record verify URL-or-FILE``: recompute the public record's hash chain.

The chain comes from a portal (``http(s)://HOST/record.json``, or the portal's base URL)
or from a file saved from it. Every link's SHA-256 is recomputed from its content and
the previous link's hash; the first link that does not hold is named and the command
exits with code 1.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Annotated, Any

import typer

from calexit.cli.output import console, fail, print_json
from calexit.cli.store_cmd import JsonOption
from calexit.errors import InputError, Problem
from calexit.portal.chain import link_from_json, verify_chain

app = typer.Typer(help="The tamper-evident public record.", no_args_is_help=True)


@app.callback()
def record() -> None:
    """The tamper-evident public record: check its hash chain."""


TIMEOUT_SECONDS = 30
MAX_BYTES = 200 * 1024 * 1024


def _fetch(source: str) -> tuple[Any, str]:
    if source.startswith(("http://", "https://")):
        url = (
            source if source.rstrip("/").endswith(".json") else source.rstrip("/") + "/record.json"
        )
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                text = response.read(MAX_BYTES + 1).decode("utf-8")
        except (urllib.error.URLError, OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "reason", error)
            raise InputError(f"cannot fetch the record from {url}: {reason}") from None
        where = url
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(
                f"cannot read {path}: {getattr(error, 'strerror', None) or error}"
            ) from None
        where = str(path)
    try:
        return json.loads(text), where
    except json.JSONDecodeError as error:
        raise InputError(
            "the record is not JSON",
            [Problem(error.msg, source=where, line=error.lineno, column=error.colno)],
        ) from None


@app.command("verify")
def verify(
    source: Annotated[
        str, typer.Argument(metavar="URL-or-FILE", help="A portal URL or a saved record.json.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Recompute every link of the record and name the first one that is broken."""
    data, where = _fetch(source)
    items = data.get("links") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputError(f"{where} holds no list of links (expected {{'links': [...]}})")
    links = []
    problems = []
    for index, item in enumerate(items, start=1):
        try:
            links.append(link_from_json(item if isinstance(item, dict) else {}))
        except ValueError as error:
            problems.append(Problem(str(error), source=where, key=f"links[{index - 1}]"))
    if problems:
        raise InputError("the record has malformed links", problems[:20], total=len(problems))
    check = verify_chain(links)
    claimed = data.get("head") if isinstance(data, dict) else None
    if as_json:
        print_json(
            {
                "source": where,
                "links": check.links,
                "ok": check.ok,
                "broken_at": check.broken_at,
                "reason": check.reason,
                "head": check.head,
            }
        )
    elif check.ok:
        console.print(f"{where}: {check.reason}; head {check.head}")
        if claimed and claimed != check.head:
            console.print(f"note: the portal states the head as {claimed}")
    if not check.ok:
        if not as_json:
            fail([f"{where}: {check.reason}"])
        raise typer.Exit(1)
