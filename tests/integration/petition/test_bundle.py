"""The petition audit bundle: written once, re-derived by :func:`verify_bundle`, tampered with.

The synthetic petition (about 45,000 voters, 4,000 signatures) is verified against the
calexit-2028 rules with the requirement scaled by 0.002 (546,651 -> 1,093), so that the
decision rests on the random sample (Elections Code 9030(d)-(g)) rather than failing on
the raw count (9030(b)-(c)). Each tampering test works on its own copy of the bundle.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from calexit.cli.demo_petition import scaled_rules
from calexit.errors import InputError
from calexit.files.petition_bundle import Check, verify_bundle, write_bundle
from calexit.linkage.duckdb_engine import DuckDBEngine
from calexit.linkage.verification import county_rows, summary, verify_petition
from calexit.petition.matching.model import MatchSettings
from calexit.petition.sample import draw_sample, sample_size
from calexit.reference.datasets import county as county_named
from calexit.rules.load import LoadedPack, builtin_pack
from calexit.rules.model import Petition

SEED = "12345678901234567890"
OTHER_SEED = "98765432109876543210"

FILES_CHECK = "files match the manifest"
SAMPLE_CHECK = "the sample is re-drawn from the seed and raw counts"
PROJECTION_CHECK = "each county's projection follows from its determinations"
DECISION_CHECK = "the decision follows from the projections"


@dataclass(frozen=True)
class Written:
    folder: Path
    pack: LoadedPack
    rules: Petition
    decision: dict[str, Any]
    counties: list[dict[str, Any]]
    inputs: dict[str, Path]


@pytest.fixture(scope="module")
def written(synthetic_petition: Path, tmp_path_factory: pytest.TempPathFactory) -> Written:
    pack = builtin_pack("calexit-2028")
    assert pack.rules.petition is not None
    scaled = scaled_rules(pack.rules.petition, 0.002)
    inputs = {
        "voters": synthetic_petition / "voters.parquet",
        "signatures": synthetic_petition / "signatures.parquet",
    }
    folder = tmp_path_factory.mktemp("bundle") / "bundle"
    engine = DuckDBEngine()
    try:
        result, _ = verify_petition(
            inputs["voters"], inputs["signatures"], scaled, SEED, MatchSettings(), engine=engine
        )
        write_bundle(
            folder,
            connection=engine.connection,
            pack=pack,
            inputs=inputs,
            counties=county_rows(result),
            decision=summary(result),
            model=result.linkage.model,
            settings=MatchSettings(),
            full_count=result.full_count is not None,
            rules=scaled,
        )
    finally:
        engine.close()
    return Written(folder, pack, scaled, summary(result), county_rows(result), inputs)


def copy_of(written: Written, tmp_path: Path) -> Path:
    return Path(shutil.copytree(written.folder, tmp_path / "bundle"))


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def failed(checks: list[Check]) -> list[str]:
    return [c.name for c in checks if not c.passed]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_of(folder: Path) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return value


def save_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def rehash(folder: Path, name: str) -> None:
    """Record ``name``'s new SHA-256 in the manifest, as a careful forger would."""
    manifest = manifest_of(folder)
    assert name in manifest["files"]
    manifest["files"][name] = sha256(folder / name)
    save_manifest(folder, manifest)


def read_counties(folder: Path) -> list[dict[str, str]]:
    with (folder / "counties.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_counties(folder: Path, rows: list[dict[str, str]]) -> None:
    with (folder / "counties.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def rewrite_determinations(folder: Path, update: str) -> int:
    """Run ``update`` (SQL on table d) over determinations.parquet; return rows changed."""
    path = folder / "determinations.parquet"
    connection = duckdb.connect()
    try:
        connection.execute(f"create table d as select * from read_parquet('{path}')")
        changed = connection.execute(update).fetchall()[0][0]
        path.unlink()
        connection.execute(f"copy (select * from d) to '{path}' (format parquet)")
    finally:
        connection.close()
    return int(changed)


# --- the bundle as written --------------------------------------------------------------


def test_the_decision_rests_on_the_random_sample(written: Written) -> None:
    # 546,651 x 0.002 = 1,093.3 -> 1,093 required; 4,000 filed clears the raw count.
    assert written.rules.required_signatures.value == 1_093
    assert written.decision["raw_total"] == 4_000
    assert written.decision["outcome"] != "failed-raw-count"
    assert written.decision["seed"] == SEED
    # At least one county is large enough to be sampled (more than 500, 9030(d)).
    assert any(row["method"] == "random-sample" for row in written.counties)


def test_verify_bundle_passes_every_check(written: Written) -> None:
    checks = verify_bundle(written.folder)
    assert [c.name for c in checks] == [
        FILES_CHECK,
        "the pack is the one recorded",
        "the rules applied are recorded",
        "the seed is the one recorded",
        SAMPLE_CHECK,
        "each sampled signature has exactly one determination",
        PROJECTION_CHECK,
        DECISION_CHECK,
    ]
    assert failed(checks) == []
    checked = by_name(checks)
    # The scaled requirement is declared, not hidden.
    assert "required_signatures 1,093" in checked["the rules applied are recorded"].detail
    assert checked[PROJECTION_CHECK].detail == (
        f"{len(written.counties)} counties recomputed, every step"
    )
    assert checked[DECISION_CHECK].detail == (
        f"{written.decision['outcome']}, projected {written.decision['projected']:,}"
    )


def test_the_manifest_lists_every_file_with_its_sha256(written: Written) -> None:
    manifest = manifest_of(written.folder)
    on_disk = {p.name for p in written.folder.iterdir() if p.is_file()}
    assert set(manifest["files"]) == on_disk - {"manifest.json"}
    assert {
        "pack.toml",
        "rules.json",
        "sample.parquet",
        "determinations.parquet",
        "counties.csv",
        "decision.json",
        "model.json",
    } <= set(manifest["files"])
    for name, digest in manifest["files"].items():
        assert digest == sha256(written.folder / name), name
    assert manifest["seed"] == SEED
    assert manifest["pack"]["id"] == "calexit-2028"
    assert manifest["pack"]["sha256"] == written.pack.sha256
    assert manifest["inputs"] == {
        name: {"file": path.name, "sha256": sha256(path)} for name, path in written.inputs.items()
    }


def test_determinations_hold_no_voter_identity(written: Written) -> None:
    path = written.folder / "determinations.parquet"
    connection = duckdb.connect()
    try:
        columns = [
            row[0] for row in connection.execute(f"describe select * from '{path}'").fetchall()
        ]
        sampled, rows = connection.execute(
            f"select count(*) filter (where sampled), count(*) from '{path}'"
        ).fetchall()[0]
    finally:
        connection.close()
    assert columns == [
        "signature_id",
        "county",
        "position",
        "reason",
        "method",
        "match_probability",
        "sampled",
    ]
    assert not {"voter_id", "true_voter_id", "first_name", "last_name", "street"} & set(columns)
    # Without a full count, only the sampled signatures were examined.
    assert sampled == rows == sum(int(r["sample"]) for r in written.counties)


def test_sample_positions_follow_from_the_seed(written: Written) -> None:
    path = written.folder / "sample.parquet"
    connection = duckdb.connect()
    try:
        stored = set(connection.execute(f"select county, position from '{path}'").fetchall())
    finally:
        connection.close()
    expected = set()
    for row in written.counties:
        raw = int(row["raw"])
        size = sample_size(raw, written.rules)
        assert size == int(row["sample"])
        expected |= {
            (row["county"], p)
            for p in draw_sample(raw, size, SEED, county_named(row["county"]).fips)
        }
    assert stored == expected


# --- tampering ----------------------------------------------------------------------------


def test_a_changed_county_projection_is_named(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    rows = read_counties(folder)
    target = next(r for r in rows if r["method"] == "random-sample")
    target["projected"] = str(int(target["projected"]) + 100)
    write_counties(folder, rows)
    rehash(folder, "counties.csv")
    checks = verify_bundle(folder)
    assert failed(checks) == [PROJECTION_CHECK]
    assert by_name(checks)[PROJECTION_CHECK].detail == f"{target['county']} (projected)"


def test_a_flipped_determination_breaks_the_projection(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    county = next(r["county"] for r in written.counties if r["method"] == "random-sample")
    changed = rewrite_determinations(
        folder,
        f"""update d set reason = 'NOT_REGISTERED'
            where signature_id = (select min(signature_id) from d
                                  where sampled and reason = 'VALID' and county = '{county}')""",
    )
    assert changed == 1
    rehash(folder, "determinations.parquet")
    checks = verify_bundle(folder)
    assert by_name(checks)[FILES_CHECK].passed
    assert not by_name(checks)[PROJECTION_CHECK].passed
    assert by_name(checks)[PROJECTION_CHECK].detail.startswith(f"{county} (valid, ")
    assert by_name(checks)[SAMPLE_CHECK].passed


def test_a_file_edited_behind_the_manifest_is_named(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    with (folder / "model.json").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    checks = verify_bundle(folder)
    assert failed(checks) == [FILES_CHECK]
    assert by_name(checks)[FILES_CHECK].detail == "model.json"


def test_a_deleted_file_is_named(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    (folder / "model.json").unlink()
    checks = verify_bundle(folder)
    assert failed(checks) == [FILES_CHECK]
    assert by_name(checks)[FILES_CHECK].detail == "model.json"


def test_a_changed_seed_fails_the_sample_check(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    manifest = manifest_of(folder)
    # The manifest lists the files written before it; it is not in its own list.
    assert "manifest.json" not in manifest["files"]
    manifest["seed"] = OTHER_SEED
    save_manifest(folder, manifest)
    checks = verify_bundle(folder)
    assert failed(checks) == ["the seed is the one recorded", SAMPLE_CHECK]


def test_a_changed_pack_is_caught(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    pack = folder / "pack.toml"
    pack.write_text(pack.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    rehash(folder, "pack.toml")
    checks = verify_bundle(folder)
    assert failed(checks) == ["the pack is the one recorded"]


def test_a_bundle_is_not_written_into_a_non_empty_folder(written: Written, tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me\n", encoding="utf-8")
    connection = duckdb.connect()
    try:
        with pytest.raises(InputError) as error:
            write_bundle(
                folder,
                connection=connection,
                pack=written.pack,
                inputs=written.inputs,
                counties=written.counties,
                decision=written.decision,
                model={},
                settings=MatchSettings(),
                full_count=False,
                rules=written.rules,
            )
    finally:
        connection.close()
    assert error.value.lines() == [
        "the bundle folder must be empty (1 problem):",
        f"  --bundle: is not empty (value: '{folder}')",
    ]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


# --- gaps ---------------------------------------------------------------------------------


def test_a_changed_published_valid_count_is_caught(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    rows = read_counties(folder)
    rows[0]["valid"] = str(int(rows[0]["valid"]) + 50)
    write_counties(folder, rows)
    rehash(folder, "counties.csv")
    checks = verify_bundle(folder)
    assert failed(checks) == [PROJECTION_CHECK]
    assert "valid" in by_name(checks)[PROJECTION_CHECK].detail


def test_a_missing_determination_is_caught(written: Written, tmp_path: Path) -> None:
    folder = copy_of(written, tmp_path)
    removed = rewrite_determinations(
        folder,
        """delete from d where signature_id = (select min(signature_id) from d
                                               where sampled and reason = 'NOT_REGISTERED')""",
    )
    assert removed == 1
    rehash(folder, "determinations.parquet")
    checks = verify_bundle(folder)
    assert failed(checks) == ["each sampled signature has exactly one determination"]
