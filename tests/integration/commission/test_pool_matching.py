"""Nominators checked against the voter file with the petition stage's matcher.

Each registered voter counts once per nominee (a repeat is a DUPLICATE), may nominate
several nominees, and counts wherever in California they are registered; someone not on
the voter file, or registered only after signing, does not count.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from calexit.commission.nominees import NOMINATOR_COLUMNS, NominatorReason
from calexit.linkage.nominators import NominatorCheck, check_nominators
from calexit.petition.synth import SynthSpec, synthesize_tables

SIGNED = date(2029, 2, 1)
FILLERS = 150
"""Ordinary valid lines, so that the probabilistic step has lines to train on."""


def _line(voter: dict[str, Any], nominee: str, number: int, **changes: Any) -> dict[str, Any]:
    row = {
        "nominator_id": f"L{number:04d}",
        "nominee_id": nominee,
        "county": voter["county"],
        "signed_on": SIGNED,
        **{c: voter[c] or "" for c in NOMINATOR_COLUMNS[4:]},
    }
    row.update(changes)
    return row


@pytest.fixture(scope="module")
def checked() -> tuple[NominatorCheck, dict[str, dict[str, Any]]]:
    voters = synthesize_tables(SynthSpec(seed=11, scale=0.001, signatures=100)).voters
    active = [
        v
        for v in voters.to_pylist()
        if v["cancelled_on"] is None and v["registered_on"] < SIGNED - timedelta(days=30)
    ]
    first, second, third = active[0], active[1], active[2]
    other_county = next(v["county"] for v in active if v["county"] != second["county"])
    late = dict(active[3])
    lines = [
        _line(first, "A", 1),
        _line(first, "A", 2),
        _line(first, "A", 3),  # the same voter three times for A: counted once
        _line(first, "B", 4),  # and once for B
        _line(second, "A", 5, county=other_county),  # registered in another county
        _line(
            third,
            "B",
            6,
            first_name="Zebulon",
            middle_name="",
            last_name="Quixotewright",
            house_number="99999",
            street="Nowhere Lane",
        ),
        _line(late, "B", 7, signed_on=late["registered_on"] - timedelta(days=10)),
    ]
    lines += [_line(v, "C", 100 + i) for i, v in enumerate(active[10 : 10 + FILLERS])]
    table = pa.table(
        {
            "line": pa.array([i + 2 for i in range(len(lines))], pa.int64()),
            **{
                c: pa.array(
                    [row[c] for row in lines], pa.date32() if c == "signed_on" else pa.string()
                )
                for c in NOMINATOR_COLUMNS
            },
        }
    )
    check = check_nominators(voters, table)
    by_line = {row["nominator_id"]: row for row in check.table.to_pylist()}
    return check, by_line


def test_a_voter_counts_once_per_nominee(
    checked: tuple[NominatorCheck, dict[str, dict[str, Any]]],
) -> None:
    _, lines = checked
    reasons = [lines[f"L{n:04d}"]["reason"] for n in (1, 2, 3)]
    assert reasons == ["VALID", "DUPLICATE", "DUPLICATE"]
    assert len({lines[f"L{n:04d}"]["voter_id"] for n in (1, 2, 3)}) == 1
    assert lines["L0004"]["reason"] == "VALID"  # the same voter for another nominee


def test_registered_in_another_county_counts(
    checked: tuple[NominatorCheck, dict[str, dict[str, Any]]],
) -> None:
    _, lines = checked
    assert lines["L0005"]["reason"] == "VALID"
    assert lines["L0005"]["voter_id"] is not None


def test_who_does_not_count_and_why(
    checked: tuple[NominatorCheck, dict[str, dict[str, Any]]],
) -> None:
    _, lines = checked
    assert lines["L0006"]["reason"] == "NOT_REGISTERED"
    assert lines["L0006"]["voter_id"] is None
    assert lines["L0007"]["reason"] == "REGISTERED_AFTER_NOMINATING"
    assert not NominatorReason(lines["L0007"]["reason"]).counts


def test_valid_counts_per_nominee(
    checked: tuple[NominatorCheck, dict[str, dict[str, Any]]],
) -> None:
    check, lines = checked
    assert check.valid["A"] == 2  # the first voter once, the second voter once
    assert check.valid["B"] == 1  # the first voter; not the unregistered, not the late one
    assert check.valid["C"] == sum(
        1 for r in lines.values() if r["nominee_id"] == "C" and r["reason"] == "VALID"
    )
    assert check.valid["C"] >= FILLERS - 3
    assert sum(check.reasons.values()) == 7 + FILLERS
    assert check.reasons["DUPLICATE"] == 2
