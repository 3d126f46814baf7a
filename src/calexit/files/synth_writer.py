"""Write a synthetic petition run to disk: three Parquet (or CSV) files and ``manifest.json``.

Files are streamed batch by batch (``pyarrow.parquet.ParquetWriter`` or
``pyarrow.csv.CSVWriter``) under temporary ``.partial`` names and renamed when complete;
the manifest, written last, records the options, row counts, per-county signature
counts, the reason counts and the SHA-256 of every file. It has no timestamp, so the
same options give byte-identical output.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Any

import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from calexit import __version__
from calexit.errors import InputError, Problem
from calexit.petition.schema import Reason
from calexit.petition.synth import (
    FILING_DATE,
    SIGNATURE_SCHEMA,
    TRUTH_SCHEMA,
    VOTER_SCHEMA,
    CountyOutput,
    SynthSpec,
    circulation_days,
)

MANIFEST = "manifest.json"
TABLES = ("voters", "signatures", "truth")
_SCHEMAS = {"voters": VOTER_SCHEMA, "signatures": SIGNATURE_SCHEMA, "truth": TRUTH_SCHEMA}


class SynthFormat(StrEnum):
    PARQUET = "parquet"
    CSV = "csv"


class _Sink:
    """One output file, written under a temporary name until :meth:`finish`."""

    def __init__(self, path: Path, schema: Any, fmt: SynthFormat) -> None:
        self.path, self.rows = path, 0
        self.partial = path.with_name(f".{path.name}.partial")
        if fmt is SynthFormat.PARQUET:
            self.writer: Any = pq.ParquetWriter(self.partial, schema, compression="zstd")
        else:
            self.writer = pa_csv.CSVWriter(self.partial, schema)

    def write(self, batch: Any) -> None:
        if batch.num_rows:
            self.writer.write_batch(batch)
            self.rows += batch.num_rows

    def finish(self) -> dict[str, Any]:
        self.writer.close()
        self.partial.replace(self.path)
        return {
            "path": self.path.name,
            "rows": self.rows,
            "bytes": self.path.stat().st_size,
            "sha256": sha256(self.path),
        }

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        self.partial.unlink(missing_ok=True)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def prepare_out(out: Path, key: str = "out") -> None:
    """Create the output folder; raise InputError if ``out`` is a file or cannot be made."""
    if out.exists() and not out.is_dir():
        raise InputError(
            "cannot write the synthetic data there",
            [Problem("is an existing file, not a folder", key=key, value=str(out))],
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            "cannot write the synthetic data there",
            [Problem(f"cannot create the folder: {error.strerror}", key=key, value=str(out))],
        ) from error


def _county_entry(county: CountyOutput) -> dict[str, Any]:
    reasons = county.truth.column("expected_reason")
    valid = int(pc.sum(pc.equal(reasons, Reason.VALID.value)).as_py() or 0)
    return {
        "county": county.name,
        "fips": county.fips,
        "voter_rows": county.voter_rows,
        "signatures": county.signatures.num_rows,
        "valid": valid,
    }


def write_synth(
    outputs: Iterable[CountyOutput],
    spec: SynthSpec,
    out: Path,
    fmt: SynthFormat = SynthFormat.PARQUET,
    on_county: Callable[[CountyOutput], None] | None = None,
) -> dict[str, Any]:
    """Stream every county into ``out``; return the manifest (also written as JSON)."""
    prepare_out(out)
    sinks = {t: _Sink(out / f"{t}.{fmt.value}", _SCHEMAS[t], fmt) for t in TABLES}
    counties: list[dict[str, Any]] = []
    reasons: Counter[str] = Counter()
    try:
        for county in outputs:
            for batch in county.voters():
                sinks["voters"].write(batch)
            sinks["signatures"].write(county.signatures)
            sinks["truth"].write(county.truth)
            reasons.update(county.truth.column("expected_reason").to_pylist())
            counties.append(_county_entry(county))
            if on_county is not None:
                on_county(county)
            del county  # let the county's columns go before the next one is made
        files = {t: sinks[t].finish() for t in TABLES}
    except BaseException:
        for sink in sinks.values():
            sink.abandon()
        raise
    manifest = _manifest(spec, fmt, files, counties, reasons)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (out / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def _manifest(
    spec: SynthSpec,
    fmt: SynthFormat,
    files: dict[str, dict[str, Any]],
    counties: list[dict[str, Any]],
    reasons: Counter[str],
) -> dict[str, Any]:
    return {
        "calexit_version": __version__,
        "generator": "calexit.petition.synth",
        "seed": spec.seed,
        "scale": spec.scale,
        "signatures": spec.signature_count,
        "validity": spec.validity,
        "mix": asdict(spec.mix),
        "format": fmt.value,
        "filing_date": FILING_DATE.isoformat(),
        "circulation_days": circulation_days(),
        "rows": {t: files[t]["rows"] for t in TABLES},
        "reasons": {r.value: reasons.get(r.value, 0) for r in Reason},
        "files": files,
        "counties": counties,
    }
