"""The DuckDB engine classifies each situation the Elections Code distinguishes."""

from __future__ import annotations

from pathlib import Path

from calexit.linkage.duckdb_engine import DuckDBEngine
from calexit.petition.matching.model import MatchSettings
from calexit.petition.schema import Reason


def test_every_reason_on_the_hand_made_fixture(
    fixture_files: tuple[Path, Path], expected_reasons: dict[str, str]
) -> None:
    voters, signatures = fixture_files
    engine = DuckDBEngine()
    try:
        engine.register_file("voters_raw", voters)
        engine.register_file("signatures_raw", signatures)
        run = engine.verify(MatchSettings(u_max_pairs=1e4))
        found = dict(
            engine.connection.execute("select signature_id, reason from determinations").fetchall()
        )
    finally:
        engine.close()
    assert found == expected_reasons
    assert set(found.values()) == {r.value for r in Reason}
    assert run.exact >= 7, "settled by the exact pass without Splink"


def test_exact_pass_can_be_switched_off(fixture_files: tuple[Path, Path]) -> None:
    voters, signatures = fixture_files
    engine = DuckDBEngine()
    try:
        engine.register_file("voters_raw", voters)
        engine.register_file("signatures_raw", signatures)
        run = engine.verify(MatchSettings(u_max_pairs=1e4), exact_pass=False)
    finally:
        engine.close()
    assert run.exact == 0
    assert run.residue == 10  # every line with an address goes to Splink
