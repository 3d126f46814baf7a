"""The ``calexit`` command: one group per stage; prints results, never decides them.

A :class:`~calexit.errors.CalexitError` raised anywhere below is printed as one line per
problem on standard error and the command exits with code 2; there is no traceback for
a user's mistake.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from calexit import __version__
from calexit.cli import (
    audit_cmd,
    calendar_cmd,
    commission_cmd,
    commission_pool,
    demo_cmd,
    pathway_cmd,
    petition_cmd,
    petition_synth,
    petition_verify,
    record_cmd,
    reference_cmd,
    rules_cmd,
    serve_cmd,
    store_cmd,
    vote_cmd,
    vote_synth,
)
from calexit.cli.output import fail
from calexit.errors import CalexitError

USER_ERROR = 2


class _UserErrorsAsExitCode(TyperGroup):
    """Turn every CalexitError into a clean message and exit code 2."""

    def invoke(self, ctx: Any) -> Any:  # a typer Context; its class is internal to typer
        try:
            return super().invoke(ctx)
        except CalexitError as error:
            fail(error.lines())
            raise typer.Exit(USER_ERROR) from None


app = typer.Typer(
    name="calexit",
    cls=_UserErrorsAsExitCode,
    help="Run the California Independence Plebiscite from its rules as code: petition, vote, "
    "audit, commission and the road after.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(rules_cmd.app, name="rules")
app.add_typer(petition_cmd.app, name="petition")
petition_cmd.app.command("synth")(petition_synth.synth)
petition_cmd.app.command("verify")(petition_verify.verify)
petition_cmd.app.command("verify-bundle")(petition_verify.verify_bundle_command)
app.add_typer(vote_cmd.app, name="vote")
app.add_typer(audit_cmd.app, name="audit")
vote_cmd.app.command("synth")(vote_synth.synth)
audit_cmd.app.command("read-paper")(vote_synth.read_paper)
commission_pool.register(commission_cmd.app)
app.add_typer(commission_cmd.app, name="commission")
app.add_typer(pathway_cmd.app, name="pathway")
app.add_typer(reference_cmd.app, name="reference")
app.add_typer(store_cmd.app, name="store")
app.add_typer(record_cmd.app, name="record")
app.command("serve")(serve_cmd.serve)
app.command("calendar")(calendar_cmd.calendar)
app.command("holidays")(calendar_cmd.holidays)
app.command("demo")(demo_cmd.demo)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"calexit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """calexit: the California Independence Plebiscite, end to end."""


def run() -> None:
    """Console-script entry point."""
    app()
