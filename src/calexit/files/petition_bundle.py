"""The petition audit bundle: everything a third party needs to re-derive the decision.

A folder holding the rule pack, the seed, the inputs' SHA-256, the sampled positions,
one determination per examined signature (pseudonymous: signature id, county, reason;
never the voter's identity), the county projections, the decision, the trained linkage
model and the code version. :func:`verify_bundle` re-draws the sample from the seed and
the raw counts, recounts the determinations, recomputes every projection and the
decision, and names each check that fails.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from pydantic import ValidationError

from calexit import __version__
from calexit.errors import InputError, Problem
from calexit.petition.matching.model import MatchSettings
from calexit.petition.projection import (
    CountyProjection,
    project_valid_signatures,
    statewide_projection,
)
from calexit.petition.qualify import decide_on_sample
from calexit.petition.sample import draw_sample, sample_size
from calexit.reference.datasets import county as county_named
from calexit.rules.load import LoadedPack, parse_pack
from calexit.rules.model import Petition

COUNTY_FIELDS = (
    "county",
    "fips",
    "raw",
    "sample",
    "valid",
    "duplicates",
    "method",
    "p_percent",
    "uncorrected",
    "a",
    "b",
    "c",
    "projected",
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_json(path: Path, value: Any) -> None:
    path.write_text(
        json.dumps(value, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8"
    )


def _copy_query(connection: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    literal = str(path).replace("'", "''")
    connection.execute(f"copy ({sql}) to '{literal}' (format parquet)")


def write_bundle(
    folder: Path,
    *,
    connection: duckdb.DuckDBPyConnection,
    pack: LoadedPack,
    inputs: dict[str, Path],
    counties: list[dict[str, Any]],
    decision: dict[str, Any],
    model: dict[str, Any],
    settings: MatchSettings,
    full_count: bool,
    rules: Petition | None = None,
) -> Path:
    """Write the bundle into ``folder`` (created; must be empty if it exists)."""
    if folder.exists() and any(folder.iterdir()):
        raise InputError(
            "the bundle folder must be empty",
            [Problem("is not empty", key="--bundle", value=str(folder))],
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.toml").write_text(pack.text, encoding="utf-8")
    applied = rules or pack.rules.petition
    if applied is None:
        raise InputError("the pack has no petition rules")
    _write_json(folder / "rules.json", applied.model_dump(mode="json"))
    _copy_query(
        connection,
        "select county, position from sampled order by county, position",
        folder / "sample.parquet",
    )
    _copy_query(
        connection,
        """
        select d.signature_id, d.county, i.position, d.reason, d.method, d.match_probability,
               exists (select 1 from sampled s where s.county = i.county
                       and s.position = i.position) as sampled
        from sample_determinations d join signatures_input i using (signature_id)
        order by d.county, i.position""",
        folder / "determinations.parquet",
    )
    if full_count:
        _copy_query(
            connection,
            """
            select d.signature_id, d.county, i.position, d.reason, d.method, d.match_probability
            from determinations d join signatures_input i using (signature_id)
            order by d.county, i.position""",
            folder / "full_count.parquet",
        )
    with (folder / "counties.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COUNTY_FIELDS)
        writer.writeheader()
        writer.writerows(counties)
    _write_json(folder / "decision.json", decision)
    _write_json(
        folder / "model.json",
        {"threshold": settings.threshold, "settings": vars(settings), "splink_model": model},
    )
    files = {p.name: sha256_of(p) for p in sorted(folder.iterdir()) if p.is_file()}
    _write_json(
        folder / "manifest.json",
        {
            "calexit_version": __version__,
            "pack": {
                "id": pack.rules.id,
                "version": pack.rules.pack.version,
                "sha256": pack.sha256,
            },
            "seed": decision["seed"],
            "inputs": {
                name: {"file": path.name, "sha256": sha256_of(path)}
                for name, path in inputs.items()
            },
            "files": files,
        },
    )
    return folder


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(
            f"cannot read {path.name}", [Problem(str(error), source=str(path))]
        ) from None


def _counties(folder: Path) -> list[dict[str, str]]:
    with (folder / "counties.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _check_files(folder: Path, manifest: dict[str, Any]) -> Check:
    bad = [
        name
        for name, digest in manifest["files"].items()
        if not (folder / name).is_file() or sha256_of(folder / name) != digest
    ]
    return Check("files match the manifest", not bad, ", ".join(bad) or "all SHA-256 agree")


def _check_sample(
    folder: Path,
    rows: list[dict[str, str]],
    seed: str,
    rules: Petition,
    connection: duckdb.DuckDBPyConnection,
) -> Check:
    literal = str(folder / "sample.parquet").replace("'", "''")
    stored = connection.execute(
        f"select county, position from read_parquet('{literal}')"
    ).fetchall()
    expected = set()
    for row in rows:
        raw = int(row["raw"])
        fips = county_named(row["county"]).fips
        expected |= {
            (row["county"], p) for p in draw_sample(raw, sample_size(raw, rules), seed, fips)
        }
    same = expected == {(str(c), int(p)) for c, p in stored}
    return Check(
        "the sample is re-drawn from the seed and raw counts",
        same,
        f"{len(expected)} positions re-drawn, {len(stored)} in the bundle",
    )


def _published(projection: CountyProjection) -> dict[str, str]:
    """A projection as counties.csv writes it (every step, not just the result)."""
    return {
        "sample": str(projection.sample),
        "valid": str(projection.valid),
        "duplicates": str(projection.duplicates),
        "method": projection.method.value,
        "p_percent": str(projection.p_percent),
        "uncorrected": str(projection.uncorrected),
        "a": str(projection.a),
        "b": str(projection.b),
        "c": str(projection.c),
        "projected": str(projection.projected),
    }


def _check_determinations(
    folder: Path, rows: list[dict[str, str]], connection: duckdb.DuckDBPyConnection
) -> Check:
    """Every sampled position has exactly one determination, and nothing else is sampled."""
    sample = str(folder / "sample.parquet").replace("'", "''")
    found = str(folder / "determinations.parquet").replace("'", "''")
    missing, extra = connection.execute(f"""
        with drawn as (select county, position from read_parquet('{sample}')),
             examined as (select county, position from read_parquet('{found}') where sampled)
        select (select count(*) from (select * from drawn except all select * from examined)),
               (select count(*) from (select * from examined except all select * from drawn))
        """).fetchall()[0]
    return Check(
        "each sampled signature has exactly one determination",
        missing == 0 and extra == 0,
        f"{missing} drawn without a determination, {extra} determined but not drawn",
    )


def _check_projection(
    folder: Path, rows: list[dict[str, str]], connection: duckdb.DuckDBPyConnection
) -> tuple[Check, int]:
    literal = str(folder / "determinations.parquet").replace("'", "''")
    tallies = {
        (str(c), str(r)): int(n)
        for c, r, n in connection.execute(
            f"select county, reason, count(*) from read_parquet('{literal}') where sampled "
            "group by all"
        ).fetchall()
    }
    mismatched, projections = [], []
    for row in rows:
        name = row["county"]
        projection = project_valid_signatures(
            int(row["raw"]),
            int(row["sample"]),
            tallies.get((name, "VALID"), 0),
            tallies.get((name, "DUPLICATE"), 0),
        )
        projections.append(projection)
        wrong = [k for k, v in _published(projection).items() if row.get(k) != v]
        if wrong:
            mismatched.append(f"{name} ({', '.join(wrong)})")
    check = Check(
        "each county's projection follows from its determinations",
        not mismatched,
        "; ".join(mismatched) or f"{len(rows)} counties recomputed, every step",
    )
    return check, max(0, statewide_projection(projections))


def _applied_rules(folder: Path, pack: LoadedPack) -> tuple[Petition, Check]:
    """The petition rules the run applied (``rules.json``), compared with the pack's."""
    try:
        rules = Petition.model_validate(_read_json(folder / "rules.json"))
    except ValidationError as error:
        raise InputError(
            "rules.json is not a petition rule set",
            [
                Problem(str(e["msg"]), source="rules.json", key=".".join(map(str, e["loc"])))
                for e in error.errors()
            ],
        ) from None
    own = pack.rules.petition
    changed = (
        []
        if own is None
        else [
            f"{name} {getattr(rules, name).value:,}"
            for name in type(rules).model_fields
            if getattr(rules, name) != getattr(own, name)
        ]
    )
    detail = (
        "the pack's own" if not changed else "the pack's, declared changes: " + ", ".join(changed)
    )
    return rules, Check("the rules applied are recorded", True, detail)


REQUIRED_FILES = (
    "manifest.json",
    "decision.json",
    "pack.toml",
    "rules.json",
    "counties.csv",
    "sample.parquet",
    "determinations.parquet",
)


def verify_bundle(folder: Path) -> list[Check]:
    """Re-derive the decision in ``folder``; one Check per step.

    A bundle missing one of its files fails the first check and is not re-derived.
    """
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        return [Check("the bundle holds every file", False, "missing: " + ", ".join(missing))]
    manifest = _read_json(folder / "manifest.json")
    decision = _read_json(folder / "decision.json")
    pack = parse_pack((folder / "pack.toml").read_text(encoding="utf-8"), "pack.toml")
    rules, rules_check = _applied_rules(folder, pack)
    rows = _counties(folder)
    connection = duckdb.connect()
    try:
        checks = [
            _check_files(folder, manifest),
            Check(
                "the pack is the one recorded",
                pack.sha256 == manifest["pack"]["sha256"],
                pack.rules.id,
            ),
            rules_check,
            Check(
                "the seed is the one recorded",
                manifest["seed"] == decision.get("seed"),
                str(manifest["seed"]),
            ),
            _check_sample(folder, rows, manifest["seed"], rules, connection),
            _check_determinations(folder, rows, connection),
        ]
        projection_check, projected = _check_projection(folder, rows, connection)
    finally:
        connection.close()
    checks.append(projection_check)
    again = decide_on_sample(sum(int(r["raw"]) for r in rows), projected, rules)
    checks.append(
        Check(
            "the decision follows from the projections",
            again.outcome.value == decision["outcome"] and again.projected == decision["projected"],
            f"{again.outcome.value}, projected {again.projected:,}",
        )
    )
    return checks
