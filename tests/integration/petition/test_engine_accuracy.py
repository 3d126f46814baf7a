"""Accuracy against the synthetic ground truth, and the exact pass against plain Splink."""

from __future__ import annotations

from pathlib import Path

from calexit.linkage.duckdb_engine import DuckDBEngine
from calexit.petition.matching.model import MatchSettings


def _run(folder: Path, *, exact_pass: bool) -> dict[str, tuple[str, str]]:
    engine = DuckDBEngine()
    try:
        engine.register_file("voters_raw", folder / "voters.parquet")
        engine.register_file("signatures_raw", folder / "signatures.parquet")
        engine.register_file("truth", folder / "truth.parquet")
        engine.verify(MatchSettings(), exact_pass=exact_pass)
        rows = engine.connection.execute(
            "select signature_id, t.expected_reason, d.reason "
            "from truth t join determinations d using (signature_id)"
        ).fetchall()
    finally:
        engine.close()
    return {str(s): (str(e), str(r)) for s, e, r in rows}


def _f1(pairs: dict[str, tuple[str, str]]) -> float:
    tp = sum(1 for e, r in pairs.values() if e == r == "VALID")
    fp = sum(1 for e, r in pairs.values() if e != "VALID" and r == "VALID")
    fn = sum(1 for e, r in pairs.values() if e == "VALID" and r != "VALID")
    return 2 * tp / (2 * tp + fp + fn)


def test_valid_or_not_matches_the_ground_truth(synthetic_petition: Path) -> None:
    pairs = _run(synthetic_petition, exact_pass=True)
    assert len(pairs) == 4_000
    assert _f1(pairs) >= 0.99
    for reason in (
        "DUPLICATE",
        "WRONG_COUNTY",
        "WITHDRAWN",
        "NO_ADDRESS",
        "SIGNATURE_MISMATCH",
        "REGISTERED_AFTER_SIGNING",
    ):
        cases = [r for e, r in pairs.values() if e == reason]
        assert sum(r == reason for r in cases) >= 0.95 * len(cases), reason


def test_plain_splink_reaches_the_same_kind_of_answer(synthetic_petition: Path) -> None:
    with_exact = _run(synthetic_petition, exact_pass=True)
    plain = _run(synthetic_petition, exact_pass=False)
    agree = sum(with_exact[s][1] == plain[s][1] for s in with_exact)
    assert agree >= 0.98 * len(with_exact)
    assert _f1(plain) >= 0.98
