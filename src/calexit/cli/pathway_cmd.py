"""``calexit pathway``: what it would take after a yes vote, modelled on the shipped data.

``run`` simulates a pack's whole road under a scenario (Monte Carlo with numpy) and
prints each gate's probability with its Monte Carlo error, the deterministic counts,
the distribution of the vote, the states most often pivotal for ratification and a
sensitivity table; ``gates`` prints the road and its counts; ``viability`` prints the
commission's viability register. Every command takes ``--json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup

from calexit.cli.output import console, fail, print_json, table
from calexit.errors import CalexitError
from calexit.figures.pathway import (
    county_map_figure,
    funnel_figure,
    ratification_map_figure,
    save_figure,
    tornado_figure,
)
from calexit.files.pathway_results import (
    result_json,
    shipped_register,
    tally_json,
    write_json,
)
from calexit.files.pathway_scenario import read_scenario
from calexit.pathway.counts import GateTally, gate_tallies
from calexit.pathway.estimate import Estimate
from calexit.pathway.explain import assumptions
from calexit.pathway.model import HistoricalCheck, historical_check, road_inputs
from calexit.pathway.road import GateModel
from calexit.pathway.sensitivity import Bar, tornado, tornado_runs
from calexit.pathway.simulate import Distribution, Inputs, Result, simulate
from calexit.pathway.viability import Register
from calexit.reference.datasets import shipped_path, states
from calexit.rules.load import LoadedPack, builtin_pack, resolve_pack
from calexit.rules.model import format_fraction

USER_ERROR = 2
DEFAULT_SEED = 2028


class _UserErrorsAsExitCode(TyperGroup):
    """A CalexitError becomes one line per problem on standard error and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CalexitError as error:
            fail(error.lines())
            raise typer.Exit(USER_ERROR) from None


app = typer.Typer(
    cls=_UserErrorsAsExitCode,
    help="The road after the vote: gates, counts, Monte Carlo, viability register.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

PackOption = Annotated[str, typer.Option("--pack", help="Rule pack id or file.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@dataclass(frozen=True)
class PathwayRun:
    pack: LoadedPack
    inputs: Inputs
    result: Result
    base: Estimate | None
    bars: tuple[Bar, ...]
    tallies: tuple[GateTally, ...]
    historical: HistoricalCheck | None

    def json(self, figures: list[Path] | None = None) -> dict[str, Any]:
        data = result_json(self.result, self.inputs, self.tallies, self.bars)
        data["pack_sha256"] = self.pack.sha256
        data["historical"] = None if self.historical is None else _historical_json(self.historical)
        data["figures"] = [str(p) for p in figures or []]
        return data


def _historical_json(check: HistoricalCheck) -> dict[str, Any]:
    return {
        "yes_share": format_fraction(check.yes_share),
        "turnout": format_fraction(check.turnout),
        "rule": check.rule,
        "passed": check.passed,
        "source": check.source,
    }


def load_road(pack: str) -> tuple[LoadedPack, Inputs]:
    loaded = resolve_pack(pack)
    after = tuple(builtin_pack(p).rules for p in loaded.rules.pack.road)
    return loaded, road_inputs(loaded.rules, after)


def run_pathway(
    pack: str,
    scenario_file: Path | None,
    *,
    draws: int,
    seed: int,
    tornado_draws: int,
    show_progress: bool,
) -> PathwayRun:
    """Simulate the road and its sensitivity table, with a progress bar."""
    scenario = read_scenario(scenario_file)
    loaded, inputs = load_road(pack)
    runs = tornado_runs(inputs, scenario) if tornado_draws > 0 else 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=not show_progress) as bar:
        task = bar.add_task("Simulating the road", total=draws + runs * tornado_draws)
        advance = lambda done: bar.advance(task, done)  # noqa: E731
        result = simulate(inputs, scenario, draws=draws, seed=seed, progress=advance)
        base: Estimate | None = None
        bars: tuple[Bar, ...] = ()
        if runs:
            bar.update(task, description="Sensitivity table")
            base, bars = tornado(inputs, scenario, draws=tornado_draws, seed=seed, progress=advance)
    tallies = gate_tallies(inputs.road, states())
    return PathwayRun(loaded, inputs, result, base, bars, tallies, historical_check(loaded.rules))


def write_figures(run: PathwayRun, out: Path) -> list[Path]:
    """The funnel, the tornado, the county map and the ratification map (PNG and SVG)."""
    result = run.result
    stem = result.road.pack
    written = list(save_figure(funnel_figure(result), out, f"{stem}-funnel"))
    if run.base is not None and run.bars:
        figure = tornado_figure(result, run.base, run.bars)
        written += save_figure(figure, out, f"{stem}-tornado")
    if result.county_yes and len(result.county_yes) > 1:
        passage = run.inputs.passage
        threshold = float(passage.approval.min) if passage else None
        figure = county_map_figure(result, shipped_path("ca_counties.geojson"), threshold)
        written += save_figure(figure, out, f"{stem}-counties")
    if result.state_consents:
        needed = next((g.needed for g in result.road.gates if g.model is GateModel.STATES), None)
        written += save_figure(ratification_map_figure(result, needed), out, f"{stem}-states")
    return written


def _interval(distribution: Distribution, *, share: bool) -> str:
    low, mid, high = (distribution.quantile(q) for q in (0.05, 0.5, 0.95))
    if share:
        return f"median {100 * mid:.1f}% (90% of draws {100 * low:.1f}% to {100 * high:.1f}%)"
    return f"median {mid:,.0f} (90% of draws {low:,.0f} to {high:,.0f})"


def _tally_rows(tallies: tuple[GateTally, ...]) -> list[list[object]]:
    return [
        [
            t.gate,
            f"{t.needed:,} of {t.size:,}",
            "; ".join(f"{label} {count:,}" for label, count in t.lean) or "—",
            t.size_source,
        ]
        for t in tallies
    ]


def print_run(run: PathwayRun) -> None:
    result = run.result
    console.print(f"[bold]{result.road.title}[/bold] ({result.road.pack})")
    console.print(
        f"Scenario {result.scenario.name!r} from {', '.join(result.scenario.files)}; "
        f"{result.draws:,} draws, seed {result.seed}."
    )
    rows = []
    for i, stage in enumerate(result.road.stages):
        rows.append(
            [stage.kind.value, stage.logic(), result.stages[i].text(), result.through[i].text()]
        )
    console.print(table("The road", ["stage", "gates", "passes", "this far"], rows))
    gate_rows = [
        [g.key, g.body, g.rule, result.gates[g.key].text(), g.source] for g in result.road.gates
    ]
    console.print(table("Gates", ["gate", "body", "rule", "passes", "source"], gate_rows))
    if run.tallies:
        headers = ["gate", "needed", "current lean (shipped data)", "size from"]
        console.print(table("Deterministic counts", headers, _tally_rows(run.tallies)))
    _print_distributions(run)
    if run.bars and run.base is not None:
        bar_rows = [
            [b.parameter, f"{b.low:g} to {b.high:g}", b.at_low.text(), b.at_high.text()]
            for b in run.bars
        ]
        title = f"Sensitivity ({run.base.draws:,} draws each; at the scenario {run.base.text()})"
        console.print(table(title, ["parameter", "range", "at low", "at high"], bar_rows))
    console.print("Assumptions:")
    for line in assumptions(run.inputs, result.scenario):
        console.print(f"  - {line}", markup=False)
    console.print(f"[bold]The whole road passes: {result.road_passes.text()}[/bold]")


def _print_distributions(run: PathwayRun) -> None:
    result = run.result
    if result.yes_share is not None and result.turnout is not None:
        console.print(f"Yes share: {_interval(result.yes_share, share=True)}")
        console.print(f"Turnout of registered voters: {_interval(result.turnout, share=True)}")
    if run.historical is not None:
        h = run.historical
        outcome = "passed" if h.passed else "failed"
        console.print(
            f"Historical result: yes {format_fraction(h.yes_share)}, turnout "
            f"{format_fraction(h.turnout)}: {outcome} under '{h.rule}' ({h.source})."
        )
    labels = {"us-house": "House yes votes", "us-senate": "Senate yes votes"}
    labels |= {"states": "States ratifying", "un-general-assembly": "General Assembly yes votes"}
    for key, distribution in result.counts.items():
        console.print(f"{labels.get(key, key)}: {_interval(distribution, share=False)}")
    if result.pivotal:
        top = ", ".join(f"{s} {100 * p:.1f}%" for s, p in result.pivotal[:8])
        console.print(f"States most often pivotal for ratification (share of draws): {top}")


@app.command("run")
def run_command(
    pack: PackOption = "calexit-2028",
    scenario: Annotated[
        Path | None,
        typer.Option("--scenario", help="Scenario TOML; its parameters override the default's."),
    ] = None,
    draws: Annotated[int, typer.Option("--draws", min=1, help="Monte Carlo draws.")] = 100_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the draws.")] = DEFAULT_SEED,
    tornado_draws: Annotated[
        int,
        typer.Option("--tornado-draws", min=0, help="Draws per sensitivity run (0: no table)."),
    ] = 20_000,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the figures (PNG and SVG).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Simulate the whole road of a pack under a scenario."""
    run = run_pathway(
        pack,
        scenario,
        draws=draws,
        seed=seed,
        tornado_draws=tornado_draws,
        show_progress=not as_json,
    )
    figures = write_figures(run, out) if out is not None else []
    if out is not None:
        write_json(out / f"{run.result.road.pack}-pathway.json", run.json(figures))
    if as_json:
        print_json(run.json(figures))
        return
    print_run(run)
    if figures:
        console.print(f"Figures written to {out}: {len(figures)} files (PNG and SVG).")


@app.command("gates")
def gates_command(pack: PackOption = "calexit-2028", as_json: JsonOption = False) -> None:
    """The road's gates, each with its rule and source, and the deterministic counts."""
    loaded, inputs = load_road(pack)
    road = inputs.road
    tallies = gate_tallies(road, states())
    if as_json:
        print_json(
            {
                "pack": road.pack,
                "title": road.title,
                "pack_sha256": loaded.sha256,
                "stages": [
                    {
                        "stage": s.kind.value,
                        "pack": s.pack,
                        "title": s.title,
                        "logic": s.logic(),
                        "gates": [
                            {
                                "gate": g.key,
                                "body": g.body,
                                "rule": g.rule,
                                "route": g.route,
                                "needed": g.needed,
                                "of": g.size,
                                "model": g.model.value,
                                "source": g.source,
                            }
                            for g in s.gates
                        ],
                    }
                    for s in road.stages
                ],
                "deterministic_counts": [tally_json(t) for t in tallies],
            }
        )
        return
    rows = [
        [s.kind.value, g.key, g.body, g.rule, g.route or "—", g.source]
        for s in road.stages
        for g in s.gates
    ]
    console.print(
        table(
            f"The road of {road.pack}", ["stage", "gate", "body", "rule", "route", "source"], rows
        )
    )
    for stage in road.stages:
        console.print(f"{stage.kind.value} passes when: {stage.logic()}", markup=False)
    if tallies:
        headers = ["gate", "needed", "current lean (shipped data)", "size from"]
        console.print(table("Deterministic counts", headers, _tally_rows(tallies)))


def register_json(register: Register) -> dict[str, Any]:
    return {
        "title": register.title,
        "source": register.source,
        "areas": [
            {
                "id": a.id,
                "title": a.title,
                "status": a.status.value,
                "questions": list(a.questions),
                "figures": [
                    {
                        "fact": f.key,
                        "label": f.label,
                        "value": None if f.fact.value is None else str(f.fact.value),
                        "bound": f.fact.bound,
                        "unit": f.fact.unit,
                        "year": f.fact.year,
                        "source": f.fact.source,
                    }
                    for f in a.figures
                ],
                "source": a.source,
            }
            for a in register.areas
        ],
        "hurdles": [
            {
                "challenge": h.challenge,
                "explanation": h.explanation,
                "areas": list(h.areas),
                "source": h.source,
            }
            for h in register.hurdles
        ],
    }


@app.command("viability")
def viability_command(as_json: JsonOption = False) -> None:
    """The commission's viability register: study areas, questions, key figures, hurdles."""
    register = shipped_register()
    if as_json:
        print_json(register_json(register))
        return
    console.print(f"[bold]{register.title}[/bold]")
    console.print(f"Source: {register.source}", markup=False)
    rows = [
        [
            a.title,
            a.status.value,
            "\n".join(a.questions),
            "\n".join(f"{f.label}: {f.text}" for f in a.figures) or "—",
        ]
        for a in register.areas
    ]
    console.print(table("Study areas", ["area", "status", "questions", "key figures"], rows))
    hurdle_rows = [[h.challenge, h.explanation, ", ".join(h.areas)] for h in register.hurdles]
    console.print(
        table("Key hurdles (seed 002)", ["challenge", "explanation", "areas"], hurdle_rows)
    )
    console.print("Figures and their sources: `calexit pathway viability --json`.")
