"""The audit bundle re-checked, and tampered copies of it caught by the right check.

One comparison audit of synthetic data is run through the CLI in two rounds (a small
first round of 20 cards that cannot confirm, then the plan's estimate) and bundled;
each test tampers with its own copy of the bundle, re-fixing ``manifest.json``'s digest
where it says so, and :func:`verify_audit_bundle` must name the check (and the round)
that fails.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from calexit.cli.main import app
from calexit.errors import InputError
from calexit.files.audit_bundle import verify_audit_bundle
from calexit.files.petition_bundle import Check

SEED = "20281107123456789012"
FILES = "files match the manifest"
CANVASS = "the returns give the reported outcome"
DRAWS = "every round's cards are re-drawn from the seed"
RISKS = "every recorded risk is re-measured from the hand results"
STATUS = "the status follows from the risks"
COMPLETE = "the bundle holds every file"


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-round comparison audit, confirmed in round 2, bundled."""
    work = tmp_path_factory.mktemp("audit")
    vote = work / "vote"
    ok_json(cli("vote", "synth", "--scale", "0.002", "--out", str(vote), "--json"))
    db = ("--database-url", f"sqlite:///{work / 'audit.sqlite3'}")
    inputs = ("--returns", str(vote / "returns.csv"), "--manifest", str(vote / "manifest.csv"))
    cvrs = ("--cvrs", str(vote / "cvrs.csv"))
    ok_json(
        cli("audit", "plan", *inputs, *cvrs, "--seed", SEED, "--simulations", "20", *db, "--json")
    )
    statuses = []
    for number, size in ((1, ("--size", "20")), (2, ())):
        listing, results = work / f"round-{number}.csv", work / f"results-{number}.csv"
        manifest = ("--manifest", str(vote / "manifest.csv"))
        ok_json(cli("audit", "sample", *manifest, "--out", str(listing), *size, *db, "--json"))
        ok_json(
            cli(
                "audit",
                "read-paper",
                "--paper",
                str(vote / "paper.csv"),
                "--retrieval-list",
                str(listing),
                "--out",
                str(results),
                "--json",
            )
        )
        statuses.append(ok_json(cli("audit", "record", str(results), *cvrs, *db, "--json")))
    assert [s["status"] for s in statuses] == ["in-progress", "confirmed"]
    folder = work / "bundle"
    ok_json(cli("audit", "bundle", *inputs, *cvrs, "--out", str(folder), *db, "--json"))
    return folder


@pytest.fixture
def copy(bundle: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundle, tmp_path / "bundle"))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def edit_json(folder: Path, name: str, change: Callable[[Any], None], *, rehash: bool) -> None:
    """Change ``name`` in place; with ``rehash`` also fix its digest in manifest.json."""
    value = read_json(folder / name)
    change(value)
    write_json(folder / name, value)
    if rehash:
        fix_digest(folder, name)


def fix_digest(folder: Path, name: str) -> None:
    listed = read_json(folder / "manifest.json")
    listed["files"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    write_json(folder / "manifest.json", listed)


def by_name(checks: list[Check]) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.passed, c.detail) for c in checks}


def failed(checks: list[Check]) -> list[str]:
    return [c.name for c in checks if not c.passed]


def test_the_untouched_bundle_passes_every_check(bundle: Path) -> None:
    assert by_name(verify_audit_bundle(bundle)) == {
        FILES: (True, "all SHA-256 agree"),
        CANVASS: (True, "passes (reported passes)"),
        DRAWS: (True, "2 rounds re-drawn"),
        RISKS: (True, "all agree"),
        STATUS: (True, "confirmed (recorded confirmed)"),
    }
    rounds = read_json(bundle / "rounds.json")
    first = rounds[0]
    assert (first["round"], first["cards"], len(first["drawn"]), first["status"]) == (
        1,
        20,
        20,
        "recorded",
    )
    assert rounds[1]["cards"] > 20
    assert len(rounds[1]["results"]) == rounds[1]["cards"] - 20


def test_a_changed_risk_is_caught_and_its_round_named(copy: Path) -> None:
    def change(rounds: Any) -> None:
        rounds[1]["risks"]["approval"] = rounds[1]["risks"]["approval"] / 2

    edit_json(copy, "rounds.json", change, rehash=True)
    checks = verify_audit_bundle(copy)
    assert failed(checks) == [RISKS]
    assert by_name(checks)[RISKS] == (False, "rounds 2")


def test_a_changed_hand_result_is_caught(copy: Path) -> None:
    def change(rounds: Any) -> None:
        results = rounds[0]["results"]
        results[0] = 0 if results[0] != 0 else 1  # VoteCode: NO 0, YES 1

    edit_json(copy, "rounds.json", change, rehash=True)
    checks = by_name(verify_audit_bundle(copy))
    # Round 2's risk rests on round 1's cards too: both differ now.
    assert checks[RISKS] == (False, "rounds 1, 2")
    assert checks[FILES][0] is True


def test_a_changed_drawn_ballot_is_caught(copy: Path) -> None:
    def change(rounds: Any) -> None:
        ballot = rounds[0]["drawn"][3]  # [county, batch, position, ticket, order]
        ballot[2] = ballot[2] + 1 if ballot[2] > 1 else 2

    edit_json(copy, "rounds.json", change, rehash=True)
    checks = by_name(verify_audit_bundle(copy))
    assert checks[DRAWS] == (False, "rounds 1")
    assert checks[FILES] == (True, "all SHA-256 agree")


def test_a_changed_seed_is_caught(copy: Path) -> None:
    def change(audit: Any) -> None:
        audit["seed"] = "20281107123456789013"

    edit_json(copy, "audit.json", change, rehash=True)
    checks = by_name(verify_audit_bundle(copy))
    assert checks[DRAWS] == (False, "rounds 1, 2")
    assert checks[FILES][0] is True
    # The risks are measured from the recorded cards: they still agree.
    assert checks[RISKS] == (True, "all agree")


def test_a_changed_status_is_caught(copy: Path) -> None:
    def change(audit: Any) -> None:
        audit["status"] = "in-progress"

    edit_json(copy, "audit.json", change, rehash=True)
    checks = verify_audit_bundle(copy)
    assert failed(checks) == [STATUS]
    assert by_name(checks)[STATUS] == (False, "confirmed (recorded in-progress)")


def test_edited_returns_without_a_new_digest_are_caught(copy: Path) -> None:
    returns = copy / "returns.csv"
    with returns.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[1][1] = str(int(rows[1][1]) + 1)  # one more registered voter in Alameda
    with returns.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    checks = verify_audit_bundle(copy)
    assert failed(checks) == [FILES]
    assert by_name(checks)[FILES] == (False, "returns.csv")


def test_returns_that_flip_the_outcome_are_caught_even_with_a_new_digest(copy: Path) -> None:
    returns = copy / "returns.csv"
    with returns.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    yes, no = header.index("yes"), header.index("no")
    for row in rows[1:]:
        row[yes], row[no] = row[no], row[yes]
    with returns.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    fix_digest(copy, "returns.csv")
    checks = by_name(verify_audit_bundle(copy))
    assert checks[CANVASS] == (False, "fails (reported passes)")
    assert checks[FILES][0] is True


def test_a_deleted_rounds_file_is_caught(copy: Path) -> None:
    (copy / "rounds.json").unlink()
    assert by_name(verify_audit_bundle(copy)) == {
        FILES: (False, "rounds.json"),
        COMPLETE: (False, "missing: rounds.json"),
    }


def test_a_folder_without_manifest_json_is_not_a_bundle(copy: Path) -> None:
    (copy / "manifest.json").unlink()
    with pytest.raises(InputError) as raised:
        verify_audit_bundle(copy)
    assert raised.value.lines() == [
        "not an audit bundle (1 problem):",
        f"  FOLDER: has no manifest.json (value: '{copy}')",
    ]


def test_verify_bundle_exits_1_on_a_failed_check_and_2_on_no_bundle(
    copy: Path, tmp_path: Path
) -> None:
    edit_json(copy, "audit.json", lambda a: a.update(seed="20281107123456789013"), rehash=True)
    result = cli("audit", "verify-bundle", str(copy), "--json")
    assert result.exit_code == 1
    shown = json.loads(result.stdout)
    assert shown["ok"] is False
    assert [c["name"] for c in shown["checks"] if not c["passed"]] == [DRAWS]
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("audit", "verify-bundle", str(empty))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "error: not an audit bundle (1 problem):",
        f"  FOLDER: has no manifest.json (value: '{empty}')",
    ]


def test_a_bundle_written_mid_round_re_checks(tmp_path: Path) -> None:
    vote = tmp_path / "vote"
    ok_json(cli("vote", "synth", "--scale", "0.002", "--out", str(vote), "--json"))
    db = ("--database-url", f"sqlite:///{tmp_path / 'audit.sqlite3'}")
    inputs = ("--returns", str(vote / "returns.csv"), "--manifest", str(vote / "manifest.csv"))
    cvrs = ("--cvrs", str(vote / "cvrs.csv"))
    ok_json(
        cli("audit", "plan", *inputs, *cvrs, "--seed", SEED, "--simulations", "20", *db, "--json")
    )
    listing = ("--out", str(tmp_path / "round-1.csv"))
    ok_json(cli("audit", "sample", inputs[2], inputs[3], *listing, *db, "--json"))
    folder = tmp_path / "bundle"
    ok_json(cli("audit", "bundle", *inputs, *cvrs, "--out", str(folder), *db, "--json"))
    assert read_json(folder / "audit.json")["status"] == "in-progress"
    assert failed(verify_audit_bundle(folder)) == []
