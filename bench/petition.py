"""Petition verification benchmark: full count, plain Splink side by side, random sample.

    python bench/petition.py [--scale 1.0] [--data DIR] [--skip-plain]

Generates (once) a synthetic voter file at ``--scale`` (22.6 million registrations at 1.0)
and a petition of ``1,000,000 x scale`` signatures with ground truth, then runs, each in a
fresh process so its peak memory is its own:

1. the full count with calexit's engine (candidate keys, exact SQL pass, Splink residue);
2. plain Splink over the whole job: every signature, every registration normalised, no
   exact pre-pass, the same model and decisions;
3. the random-sample path (raw counts, the public draw, ~3% examined, projection).

It prints wall time, peak resident memory, F1 for valid/invalid against the ground truth,
per-reason accuracy and the speed ratio. Targets (issue 3): full count <= 60 s and
<= 8 GB, F1 >= 0.995, >= 5x faster than plain Splink at equal or better F1, sample <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from pathlib import Path
from typing import Any

from calexit.files.synth_writer import write_synth
from calexit.linkage.duckdb_engine import DuckDBEngine
from calexit.linkage.verification import verify_petition
from calexit.petition.matching.model import MatchSettings
from calexit.petition.synth import SynthSpec, synthesize
from calexit.rules.load import builtin_pack

SEED = "12345678901234567890"


def _ensure_data(folder: Path, scale: float) -> None:
    if (folder / "manifest.json").is_file():
        return

    started = time.perf_counter()
    spec = SynthSpec(seed=7, scale=scale)
    write_synth(synthesize(spec), spec, folder)
    print(f"generated {folder} in {time.perf_counter() - started:.1f} s")


def _score(connection: Any) -> dict[str, Any]:
    connection.execute(
        "create or replace table scored as select t.expected_reason as truth, d.reason "
        "from truth t join determinations d using (signature_id)"
    )
    tp, fp, fn = connection.execute(
        "select count(*) filter (where truth = 'VALID' and reason = 'VALID'), "
        "count(*) filter (where truth <> 'VALID' and reason = 'VALID'), "
        "count(*) filter (where truth = 'VALID' and reason <> 'VALID') from scored"
    ).fetchall()[0]
    per_reason = {
        str(r): round(float(a), 4)
        for r, a in connection.execute(
            "select truth, avg(case when reason = truth then 1.0 else 0.0 end) "
            "from scored group by truth order by truth"
        ).fetchall()
    }
    return {"f1": 2 * tp / (2 * tp + fp + fn), "per_reason_accuracy": per_reason}


def _full_count(folder: str, exact_pass: bool, queue: Any) -> None:

    engine = DuckDBEngine()
    engine.register_file("voters_raw", Path(folder) / "voters.parquet")
    engine.register_file("signatures_raw", Path(folder) / "signatures.parquet")
    started = time.perf_counter()
    run = engine.verify(MatchSettings(), exact_pass=exact_pass)
    seconds = time.perf_counter() - started
    engine.register_file("truth", Path(folder) / "truth.parquet")
    result = {
        "seconds": seconds,
        "exact": run.exact,
        "residue": run.residue,
        **_score(engine.connection),
    }
    result["peak_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    queue.put(result)


def _sample(folder: str, queue: Any) -> None:

    rules = builtin_pack("calexit-2028").rules.petition
    assert rules is not None
    started = time.perf_counter()
    result, engine = verify_petition(
        Path(folder) / "voters.parquet",
        Path(folder) / "signatures.parquet",
        rules,
        SEED,
        MatchSettings(),
    )
    seconds = time.perf_counter() - started
    engine.close()
    queue.put(
        {
            "seconds": seconds,
            "outcome": result.decision.outcome.value,
            "projected": result.decision.projected,
            "examined": sum(c.projection.sample for c in result.counties),
            "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2,
        }
    )


def _in_child(target: Any, *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument(
        "--skip-plain", action="store_true", help="do not run plain Splink (it takes much longer)"
    )
    arguments = parser.parse_args()
    folder = arguments.data or Path("calexit-output") / f"bench-petition-{arguments.scale}"
    _ensure_data(folder, arguments.scale)
    manifest = json.loads((folder / "manifest.json").read_text())
    print(
        f"data: {folder} ({manifest['rows']['voters']:,} registrations, "
        f"{manifest['rows']['signatures']:,} signatures)"
    )
    results: dict[str, Any] = {"full_count": _in_child(_full_count, str(folder), True)}
    print("calexit full count:", json.dumps(results["full_count"], indent=1))
    results["sample"] = _in_child(_sample, str(folder))
    print("calexit random sample:", json.dumps(results["sample"], indent=1))
    if not arguments.skip_plain:
        results["plain_splink"] = _in_child(_full_count, str(folder), False)
        print("plain Splink full count:", json.dumps(results["plain_splink"], indent=1))
        ratio = results["plain_splink"]["seconds"] / results["full_count"]["seconds"]
        print(
            f"speed-up over plain Splink: {ratio:.1f}x "
            f"(F1 {results['full_count']['f1']:.4f} vs {results['plain_splink']['f1']:.4f})"
        )
    full = results["full_count"]
    print(
        f"targets: full count {full['seconds']:.1f} s (<= 60), {full['peak_gb']:.2f} GB "
        f"(<= 8), F1 {full['f1']:.4f} (>= 0.995); sample {results['sample']['seconds']:.1f} s "
        "(<= 10)"
    )


if __name__ == "__main__":
    main()
