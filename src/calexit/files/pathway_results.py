"""Pathway files: the shipped viability register, and a run's results as JSON.

Results are plain JSON: every probability as displayed (rounded to its Monte Carlo
standard error) beside the exact counts of passing draws, the scenario's files and
parameters with their sources, and the assumptions. Files are written whole or not
at all (a temporary file renamed into place).
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from calexit.errors import InputError, Problem
from calexit.pathway.counts import GateTally
from calexit.pathway.estimate import Estimate
from calexit.pathway.explain import assumptions, relevant_parameters
from calexit.pathway.sensitivity import Bar
from calexit.pathway.simulate import Distribution, Inputs, Result
from calexit.pathway.viability import Register, parse_register
from calexit.reference.datasets import facts

REGISTER_NAME = "viability.toml"


def shipped_register() -> Register:
    """The commission's viability register, its figures linked to the shipped facts."""
    path = Path(str(resources.files("calexit.pathway") / "data" / REGISTER_NAME))
    source = f"calexit/pathway/data/{REGISTER_NAME}"
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"cannot read {source}", [Problem(str(error), source)]) from None
    return parse_register(document, facts(), source)


def estimate_json(estimate: Estimate) -> dict[str, Any]:
    return {
        "probability": estimate.rounded,
        "standard_error": estimate.rounded_se,
        "display": estimate.text(),
        "passing_draws": estimate.hits,
        "draws": estimate.draws,
    }


def distribution_json(distribution: Distribution, *, share: bool) -> dict[str, Any]:
    digits = 3 if share else 1
    return {
        "mean": round(distribution.mean, digits),
        "quantiles": {f"{q:g}": round(v, digits) for q, v in distribution.quantiles},
    }


def tally_json(tally: GateTally) -> dict[str, Any]:
    return {
        "gate": tally.gate,
        "body": tally.body,
        "needed": tally.needed,
        "of": tally.size,
        "size_source": tally.size_source,
        "lean": tally.lean_map,
        "lean_basis": tally.lean_basis,
    }


def bar_json(bar: Bar) -> dict[str, Any]:
    return {
        "parameter": bar.parameter,
        "value": bar.value,
        "low": bar.low,
        "high": bar.high,
        "at_low": estimate_json(bar.at_low),
        "at_high": estimate_json(bar.at_high),
        "source": bar.source,
    }


def result_json(
    result: Result,
    inputs: Inputs,
    tallies: tuple[GateTally, ...],
    bars: tuple[Bar, ...] = (),
) -> dict[str, Any]:
    """A run as plain JSON values."""
    road = result.road
    scenario = result.scenario
    stages = [
        {
            "stage": stage.kind.value,
            "pack": stage.pack,
            "title": stage.title,
            "logic": stage.logic(),
            "passes": estimate_json(result.stages[i]),
            "through": estimate_json(result.through[i]),
            "gates": [
                {
                    "gate": g.key,
                    "body": g.body,
                    "rule": g.rule,
                    "source": g.source,
                    "route": g.route,
                    "model": g.model.value,
                    "parameter": g.parameter or None,
                    "passes": estimate_json(result.gates[g.key]),
                }
                for g in stage.gates
            ],
        }
        for i, stage in enumerate(road.stages)
    ]
    used = [g.parameter for g in road.gates if g.parameter]
    names = list(dict.fromkeys([*used, *relevant_parameters(inputs)]))
    return {
        "pack": road.pack,
        "title": road.title,
        "scenario": {
            "name": scenario.name,
            "files": list(scenario.files),
            "parameters": {
                n: {
                    "value": scenario.parameters[n].value,
                    "low": scenario.parameters[n].low,
                    "high": scenario.parameters[n].high,
                    "basis": scenario.parameters[n].basis.value,
                    "source": scenario.parameters[n].source,
                    "file": scenario.parameters[n].origin,
                }
                for n in names
            },
        },
        "draws": result.draws,
        "seed": result.seed,
        "road": estimate_json(result.road_passes),
        "stages": stages,
        "deterministic_counts": [tally_json(t) for t in tallies],
        "yes_share": None
        if result.yes_share is None
        else distribution_json(result.yes_share, share=True),
        "turnout": None
        if result.turnout is None
        else distribution_json(result.turnout, share=True),
        "bodies": {k: distribution_json(v, share=False) for k, v in result.counts.items()},
        "pivotal_states": [
            {"state": s, "share_of_draws": round(p, 3)} for s, p in result.pivotal[:10]
        ],
        "sensitivity": [bar_json(b) for b in bars],
        "assumptions": list(assumptions(inputs, scenario)),
    }


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2, ensure_ascii=False)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
