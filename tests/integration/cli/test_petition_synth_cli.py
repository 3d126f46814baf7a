"""``petition synth`` end to end: files, manifest, JSON summary, and user errors as exit 2.

The command is registered on a small app of its own here, with the same error handling
as the real ``calexit`` group (a CalexitError becomes ``error: ...`` and exit code 2).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
import typer
from typer.testing import CliRunner, Result

from calexit.cli import output
from calexit.cli.main import _UserErrorsAsExitCode
from calexit.cli.petition_synth import synth
from calexit.petition.schema import SIGNATURE_COLUMNS, TRUTH_COLUMNS, VOTER_COLUMNS

TINY = ("--scale", "0.0005", "--signatures", "400", "--seed", "9")
FILES = {"voters": VOTER_COLUMNS, "signatures": SIGNATURE_COLUMNS, "truth": TRUTH_COLUMNS}

app = typer.Typer(cls=_UserErrorsAsExitCode, pretty_exceptions_enable=False)
app.command("synth")(synth)


@app.callback()
def _group() -> None:
    """A group, so that ``synth`` is a subcommand as under ``calexit petition``."""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(output.console, "_width", 400)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, ["synth", *args], env={"COLUMNS": "400"})


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_writes_three_parquet_files_and_a_manifest(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    manifest = ok_json(invoke(runner, *TINY, "--out", str(out), "--json"))
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "signatures.parquet",
        "truth.parquet",
        "voters.parquet",
    ]
    for name, columns in FILES.items():
        entry = manifest["files"][name]
        path = out / entry["path"]
        table = pq.read_table(path)
        assert table.column_names == list(columns)
        assert table.num_rows == entry["rows"] == manifest["rows"][name]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["bytes"] == path.stat().st_size
    assert manifest["rows"]["signatures"] == 400 == sum(manifest["reasons"].values())
    assert sum(c["signatures"] for c in manifest["counties"]) == 400
    assert len(manifest["counties"]) == 58
    assert (manifest["seed"], manifest["scale"], manifest["format"]) == (9, 0.0005, "parquet")
    assert manifest["filing_date"] == "2028-04-24"
    assert manifest["mix"]["not_registered"] == 0.40
    assert manifest["calexit_version"]


def test_same_seed_gives_byte_identical_files(runner: CliRunner, tmp_path: Path) -> None:
    first = ok_json(invoke(runner, *TINY, "--out", str(tmp_path / "a"), "--json"))
    second = ok_json(invoke(runner, *TINY, "--out", str(tmp_path / "b"), "--json"))
    assert first == second


def test_csv_format(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    manifest = ok_json(invoke(runner, *TINY, "--out", str(out), "--format", "csv", "--json"))
    truth = pa_csv.read_csv(out / "truth.csv")
    assert truth.column_names == list(TRUTH_COLUMNS)
    assert truth.num_rows == manifest["rows"]["truth"]
    header = (out / "voters.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(f'"{c}"' for c in VOTER_COLUMNS)


def test_summary_table_for_people(runner: CliRunner, tmp_path: Path) -> None:
    result = invoke(runner, *TINY, "--out", str(tmp_path / "t"))
    assert result.exit_code == 0, result.output
    for text in ("voters.parquet", "signatures.parquet", "truth.parquet", "NOT_REGISTERED"):
        assert text in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_bad_scale_is_a_user_error_naming_the_option(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "never"
    result = invoke(runner, "--scale", "0", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert "--scale" in result.stderr and "0" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_bad_validity_and_an_out_path_that_is_a_file(runner: CliRunner, tmp_path: Path) -> None:
    taken = tmp_path / "file.txt"
    taken.write_text("not a folder", encoding="utf-8")
    result = invoke(runner, "--validity", "1.5", "--scale", "3", "--out", str(taken))
    assert result.exit_code == 2, result.output
    for option in ("--validity", "--scale", "--out"):
        assert option in result.stderr
    assert taken.read_text(encoding="utf-8") == "not a folder"


def test_too_few_signatures_is_refused_by_the_option_itself(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = invoke(runner, "--signatures", "0", "--out", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "--signatures" in result.output
