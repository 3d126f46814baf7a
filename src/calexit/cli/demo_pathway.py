"""The demo's pathway stage: the default scenario's road for calexit-2028, with the two
comparators (Scotland 2014, Quebec 1995) through the same engine, and the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from calexit.cli.output import table
from calexit.cli.pathway_cmd import DEFAULT_SEED, run_pathway, write_figures
from calexit.files.pathway_results import write_json
from calexit.pathway.model import COMPARATORS

DEMO_PACK = "calexit-2028"


def run_pathway_stage(
    console: Console,
    out: Path,
    *,
    draws: int = 100_000,
    seed: int = DEFAULT_SEED,
    tornado_draws: int = 10_000,
) -> dict[str, Any]:
    """Run the default scenario, print the headline with its Monte Carlo error, write the
    figures (PNG and SVG) and the results (JSON) into ``out``; return a summary."""
    main = run_pathway(
        DEMO_PACK, None, draws=draws, seed=seed, tornado_draws=tornado_draws, show_progress=False
    )
    figures = write_figures(main, out)
    write_json(out / f"{DEMO_PACK}-pathway.json", main.json(figures))
    rows: list[list[object]] = []
    comparators: dict[str, Any] = {}
    for pack in COMPARATORS:
        run = run_pathway(pack, None, draws=draws, seed=seed, tornado_draws=0, show_progress=False)
        history = run.historical
        comparators[pack] = {
            "road": run.result.road_passes.text(),
            "probability": run.result.road_passes.rounded,
            "historical_passed": None if history is None else history.passed,
        }
        rows.append(
            [
                pack,
                "; then ".join(s.logic() for s in run.result.road.stages),
                run.result.road_passes.text(),
                "—" if history is None else ("yes" if history.passed else "no"),
            ]
        )
    result = main.result
    stages = [
        [s.kind.value, s.title, result.through[i].text()] for i, s in enumerate(result.road.stages)
    ]
    console.print(
        table(f"The road after the vote ({DEMO_PACK})", ["stage", "", "this far"], stages)
    )
    console.print(
        table("Comparators, same engine", ["pack", "road", "passes", "passed in fact"], rows)
    )
    console.print(
        f"Pathway: the whole road passes in {result.road_passes.text()} of draws under the "
        f"default scenario ({', '.join(result.scenario.files)}; {draws:,} draws, seed {seed}). "
        "A tool for reasoning, not a forecast: the federal support numbers are an upper-end "
        "reading of a 2021 poll; see `calexit pathway run` for every assumption."
    )
    console.print(f"Pathway figures: {len(figures)} files in {out}.")
    return {
        "pack": DEMO_PACK,
        "scenario": list(result.scenario.files),
        "draws": draws,
        "seed": seed,
        "road": main.json()["road"],
        "stages": {
            s.kind.value: result.through[i].rounded for i, s in enumerate(result.road.stages)
        },
        "comparators": comparators,
        "figures": [str(p) for p in figures],
    }
