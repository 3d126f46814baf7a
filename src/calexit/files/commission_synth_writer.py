"""Write a synthetic nominee pool to a folder: the intake, the nominators, the quotas, the truth.

Files (CSV, the layouts :mod:`calexit.files.commission_inputs` reads)::

    nominees.csv           the intake (NOMINEE_COLUMNS)
    nominators.csv         one line per nominator (NOMINATOR_COLUMNS)
    quotas.csv             the default quotas, feature,value,min,max
    nominees_truth.csv     nominee_id, valid_nominators, expected_reasons (';'-separated)
    nominators_truth.csv   nominator_id, true_voter_id, expected_reason
    manifest.json          the options, the date nominations close, row counts, SHA-256s

Each file is written under a temporary name and renamed when complete; the manifest,
written last, has no timestamp, so the same inputs give byte-identical output.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from calexit import __version__
from calexit.commission.synth import (
    CommissionSynthSpec,
    SyntheticCommission,
    synthesize_commission,
)
from calexit.errors import InputError, Problem
from calexit.files.commission_inputs import write_nominators, write_nominees, write_quotas
from calexit.files.synth_writer import prepare_out, sha256
from calexit.petition.schema import VOTER_COLUMNS
from calexit.rules.model import Commission

MANIFEST = "manifest.json"
FILES = (
    "nominees.csv",
    "nominators.csv",
    "quotas.csv",
    "nominees_truth.csv",
    "nominators_truth.csv",
)


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def _write_truth(synth: SyntheticCommission, nominees: Path, nominators: Path) -> None:
    with nominees.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["nominee_id", "valid_nominators", "expected_reasons"])
        for nominee in synth.nominees:
            expected = synth.expected[nominee.id]
            reasons = ";".join(r.value for r in expected.reasons)
            writer.writerow([nominee.id, expected.valid_nominators, reasons])
    truth = synth.nominator_truth
    columns = [truth.column(i).to_pylist() for i in range(truth.num_columns)]
    with nominators.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(truth.column_names)
        for row in zip(*columns, strict=True):
            writer.writerow(["" if v is None else v for v in row])


def write_commission_synth(synth: SyntheticCommission, out: Path) -> dict[str, Any]:
    """Write every file into ``out``; return the manifest (also written as JSON)."""
    prepare_out(out)
    paths = {name: out / name for name in FILES}
    partial = {name: _partial(path) for name, path in paths.items()}
    try:
        write_nominees(partial["nominees.csv"], synth.nominees)
        write_nominators(partial["nominators.csv"], synth.nominators)
        write_quotas(partial["quotas.csv"], synth.quotas)
        _write_truth(synth, partial["nominees_truth.csv"], partial["nominators_truth.csv"])
        for name in FILES:
            partial[name].replace(paths[name])
    except BaseException:
        for path in partial.values():
            path.unlink(missing_ok=True)
        raise
    manifest = _manifest(synth, paths)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (out / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def _manifest(synth: SyntheticCommission, paths: dict[str, Path]) -> dict[str, Any]:
    spec = asdict(synth.spec)
    spec["as_of"] = synth.spec.as_of.isoformat()
    reasons = Counter(r.value for e in synth.expected.values() for r in e.reasons)
    lines = Counter(synth.nominator_truth.column("expected_reason").to_pylist())
    return {
        "calexit_version": __version__,
        "generator": "calexit.commission.synth",
        "spec": spec,
        "nominations_close": synth.spec.as_of.isoformat(),
        "seats": synth.seats,
        "rows": {
            "nominees": len(synth.nominees),
            "nominators": synth.nominators.num_rows,
            "quotas": len(synth.quotas),
        },
        "expected": {
            "eligible": sum(1 for e in synth.expected.values() if not e.reasons),
            "reasons": dict(sorted(reasons.items())),
            "nominator_lines": dict(sorted(lines.items())),
        },
        "files": {
            name: {"rows": _rows(path), "sha256": sha256(path)} for name, path in paths.items()
        },
    }


def _rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def read_voter_table(path: Path) -> Any:
    """A voter file (Parquet or CSV with the petition stage's columns) as a pyarrow table."""
    if not path.is_file():
        raise InputError(f"cannot read {path}", [Problem("no such file", source=str(path))])
    if path.suffix.lower() == ".parquet":
        return pq.read_table(path)
    dates = ("registered_on", "cancelled_on", "date_of_birth")
    types = {c: pa.date32() if c in dates else pa.string() for c in VOTER_COLUMNS}
    options = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=False)
    return pa_csv.read_csv(path, convert_options=options)


def synthesize_to(
    out: Path, voters: Path, commission: Commission, spec: CommissionSynthSpec | None = None
) -> tuple[SyntheticCommission, dict[str, Any]]:
    """Synthesize a nominee pool from the voter file at ``voters`` and write it to ``out``."""
    synth = synthesize_commission(read_voter_table(voters), commission, spec)
    return synth, write_commission_synth(synth, out)
