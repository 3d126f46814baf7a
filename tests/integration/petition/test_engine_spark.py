"""Beyond one machine: the same linkage on Spark (local mode) reaches the same determinations.

Splink's Spark backend scores the residue with the model the DuckDB engine trained, after
the same SQL steps in Spark's dialect.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from calexit.linkage.duckdb_engine import DuckDBEngine
from calexit.linkage.spark_engine import SparkEngine, local_session
from calexit.petition.matching.model import MatchSettings

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[spark]')")
pytestmark = [pytest.mark.spark, pytest.mark.slow]


Rows = list[tuple[str, str, str | None]]


def _duckdb(voters: Path, signatures: Path, settings: MatchSettings) -> tuple[Rows, dict[str, Any]]:
    engine = DuckDBEngine()
    try:
        engine.register_file("voters_raw", voters)
        engine.register_file("signatures_raw", signatures)
        run = engine.verify(settings)
        rows = engine.connection.execute(
            "select signature_id, reason, voter_id from determinations order by signature_id"
        ).fetchall()
    finally:
        engine.close()
    return [(str(a), str(b), None if c is None else str(c)) for a, b, c in rows], run.model


def test_spark_reaches_the_same_determinations(
    fixture_files: tuple[Path, Path], expected_reasons: dict[str, str], tmp_path: Path
) -> None:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on this machine")
    voters, signatures = fixture_files
    settings = MatchSettings(u_max_pairs=1e4)
    on_duckdb, model = _duckdb(voters, signatures, settings)
    session = local_session(tmp_path / "spark")
    try:
        engine = SparkEngine(session)
        engine.register_file("voters_raw", voters)
        engine.register_file("signatures_raw", signatures)
        engine.verify(settings, model)
        on_spark = engine.determinations()
    finally:
        session.stop()
    assert on_spark == on_duckdb
    assert {s: r for s, r, _ in on_spark} == expected_reasons
