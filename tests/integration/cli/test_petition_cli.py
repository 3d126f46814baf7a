"""``calexit petition project | plan | verify | verify-bundle`` through Typer's test runner.

A user's mistake comes out as ``error: ...`` lines on standard error with exit code 2;
a bundle that does not re-derive exits 1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner, Result

from calexit.cli import output
from calexit.cli.main import app
from calexit.petition.plan import plan_raw_signatures
from calexit.petition.projection import project_valid_signatures
from calexit.reference.datasets import counties
from calexit.rules.load import builtin_pack

DATA = Path(__file__).resolve().parents[2] / "data" / "petition"
VOTERS, SIGNATURES = DATA / "voters.csv", DATA / "signatures.csv"
SEED = "12345678901234567890"
REQUIRED = 546_651  # Cal. Const. art. II, sec. 8(b); calexit-2028 pack
QUALIFY_LINE = 601_317  # Elections Code 9030(f): more than 110% of 546,651 (601,316.1)
FAIL_LINE = 519_319  # Elections Code 9030(g): 95% of 546,651 is 519,318.45

WIDE = {"COLUMNS": "400"}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # The shared console reads $COLUMNS once; pin its width so tables keep one line a row.
    monkeypatch.setattr(output.console, "_width", 400)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, ["petition", *args], env=WIDE)


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def assert_user_error(result: Result) -> list[str]:
    """Exit code 2, nothing on stdout, ``error: `` lines on stderr, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# --- project -------------------------------------------------------------------------------

EXAMPLE = ("--raw", "24034", "--sample", "722", "--valid", "516", "--duplicates", "2")


def test_project_reproduces_every_step_of_2_ccr_20540(runner: CliRunner) -> None:
    shown = ok_json(invoke(runner, "project", *EXAMPLE, "--json"))
    assert shown["decision"] is None  # one county decides nothing statewide
    (county,) = shown["counties"]
    # 2 CCR 20540: raw 24,034; sample 722; 516 valid (71.47%); 24,034 x .7147 = 17,177.099
    # -> 17,178; A = 33.2881; B = 33.2881 x 32.2881 = 1,074.8095; C = 2,149.619 -> 2,150;
    # 17,178 - 2,150 = 15,028.
    assert county == {
        "county": "county",
        "raw": 24_034,
        "sample": 722,
        "valid": 516,
        "duplicates": 2,
        "method": "random-sample",
        "p_percent": "71.47",
        "uncorrected": 17_178,
        "a": "33.2881",
        "b": "1074.8095",
        "c": 2_150,
        "projected": 15_028,
    }


def test_project_table_shows_the_steps(runner: CliRunner) -> None:
    result = invoke(runner, "project", *EXAMPLE)
    assert result.exit_code == 0, result.output
    for text in ("71.47%", "17,178", "33.2881", "1074.8095", "2,150", "15,028"):
        assert text in result.stdout, text
    assert "17,178 - 2,150" in result.stdout


# Three counties whose projections sum into the full-count band [519,319, 601,316].
COUNTIES = [
    ("Los Angeles", 500_000, 15_000, 10_500, 2),
    ("San Diego", 300_000, 9_000, 6_300, 1),
    ("Alpine", 300, 300, 210, 0),
]


def counties_csv(path: Path, rows: list[tuple[str, int, int, int, int]]) -> Path:
    return write_csv(
        path, ["county,raw,sample,valid,duplicates", *(",".join(map(str, r)) for r in rows)]
    )


def test_the_constructed_counties_land_in_the_full_count_band() -> None:
    projected = [project_valid_signatures(*r[1:]).projected for r in COUNTIES]
    # 350,000 - ceil(1,077.7756 x 2); 210,000 - ceil(1,077.7756); Alpine examined in full.
    assert projected == [347_844, 208_922, 210]
    assert FAIL_LINE <= sum(projected) == 556_976 < QUALIFY_LINE
    assert sum(r[1] for r in COUNTIES) == 800_300 >= REQUIRED


def test_project_counties_sums_and_decides(runner: CliRunner, tmp_path: Path) -> None:
    path = counties_csv(tmp_path / "counties.csv", COUNTIES)
    shown = ok_json(invoke(runner, "project", "--counties", str(path), "--json"))
    assert [c["county"] for c in shown["counties"]] == ["Los Angeles", "San Diego", "Alpine"]
    assert [c["projected"] for c in shown["counties"]] == [347_844, 208_922, 210]
    assert shown["counties"][2]["method"] == "full-examination"
    decision = shown["decision"]
    assert decision["outcome"] == "full-count"  # 95% <= projection <= 110% (9030(g), 9031)
    assert decision["required"] == REQUIRED
    assert decision["raw_total"] == 800_300
    assert decision["projected"] == 556_976 == sum(c["projected"] for c in shown["counties"])
    assert decision["qualify_line"] == QUALIFY_LINE
    assert decision["fail_line"] == FAIL_LINE
    assert decision["over_qualify_line"] == 556_976 - QUALIFY_LINE
    assert decision["over_fail_line"] == 556_976 - FAIL_LINE


def test_project_counties_table(runner: CliRunner, tmp_path: Path) -> None:
    path = counties_csv(tmp_path / "counties.csv", COUNTIES)
    result = invoke(runner, "project", "--counties", str(path))
    assert result.exit_code == 0, result.output
    assert "347,844" in result.stdout
    assert "projected valid 556,976" in result.stdout
    assert "Decision: full-count" in result.stdout


def test_project_counties_reports_every_bad_cell(runner: CliRunner, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            "county,raw,sample,valid,duplicates",
            "Atlantis,420000,12600,8820,3",
            "San Diego,200000,6k,4200,1",
        ],
    )
    lines = assert_user_error(invoke(runner, "project", "--counties", str(path)))
    assert lines == [
        "error: bad.csv has bad rows (2 problems):",
        "  bad.csv:2:1: county: is not a California county (value: 'Atlantis')",
        "  bad.csv:3:3: sample: is not a whole number (value: '6k')",
    ]


def test_project_counties_missing_column(runner: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "short.csv", ["county,raw,sample,valid", "Alpine,300,300,210"])
    lines = assert_user_error(invoke(runner, "project", "--counties", str(path)))
    assert lines == [
        "error: short.csv lacks required columns (1 problem):",
        "  short.csv:1: duplicates: missing column",
    ]


def test_project_with_no_options(runner: CliRunner) -> None:
    lines = assert_user_error(invoke(runner, "project"))
    assert lines == [
        "error: give --raw, --sample and --valid (and --duplicates), or --counties FILE"
    ]


def test_project_impossible_counts(runner: CliRunner) -> None:
    lines = assert_user_error(
        invoke(runner, "project", "--raw", "100", "--sample", "500", "--valid", "10")
    )
    assert lines[0] == "error: these counts cannot come from a random sample (1 problem):"
    assert lines[1] == "  sample: exceeds the raw count 100 (value: '500')"


# --- plan ----------------------------------------------------------------------------------


def test_plan_json(runner: CliRunner) -> None:
    shown = ok_json(invoke(runner, "plan", "--json"))
    assert shown["target"] == REQUIRED
    assert 1.4 * REQUIRED <= shown["raw_needed"] <= 2.0 * REQUIRED
    rules = builtin_pack("calexit-2028").rules.petition
    assert rules is not None
    weights = np.array([c.registered_voters for c in counties()], dtype=float)
    direct = plan_raw_signatures(rules, weights, validity=0.70, duplicates=0.01)
    assert shown["raw_needed"] == direct.raw_needed
    assert [p["raw_total"] for p in shown["points"]] == [p.raw_total for p in direct.points]


def test_plan_with_a_target(runner: CliRunner) -> None:
    shown = ok_json(invoke(runner, "plan", "--target", "10000", "--draws", "200", "--json"))
    assert shown["target"] == 10_000
    assert shown["raw_needed"] > 11_000 / 0.70


def test_plan_rejects_a_validity_above_one(runner: CliRunner) -> None:
    lines = assert_user_error(invoke(runner, "plan", "--validity", "1.5"))
    assert lines == [
        "error: cannot plan with these options (1 problem):",
        "  --validity: must lie in (0, 1] (value: '1.5')",
    ]


def test_plan_lists_every_bad_option(runner: CliRunner) -> None:
    lines = assert_user_error(
        invoke(runner, "plan", "--validity", "0", "--confidence", "1", "--target", "-5")
    )
    assert lines[0] == "error: cannot plan with these options (3 problems):"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "--validity",
        "--confidence",
        "--target",
    ]


# --- verify and verify-bundle --------------------------------------------------------------


def verify_args(folder: Path, *, signatures: Path = SIGNATURES, seed: str = SEED) -> list[str]:
    return [
        "verify",
        "--voters",
        str(VOTERS),
        "--signatures",
        str(signatures),
        "--seed",
        seed,
        "--bundle",
        str(folder / "b"),
        "--database-url",
        f"sqlite:///{folder / 'p.sqlite3'}",
        "--json",
    ]


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("verify")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(output.console, "_width", 400)
        result = CliRunner().invoke(app, ["petition", *verify_args(folder)], env=WIDE)
    return folder, ok_json(result)


def test_verify_the_hand_made_fixture(verified: tuple[Path, Any]) -> None:
    folder, shown = verified
    # 11 signatures against 546,651 required: below 100% on the raw count (9030(c)).
    assert shown["outcome"] == "failed-raw-count"
    assert shown["raw_total"] == 11
    assert shown["required"] == REQUIRED
    assert shown["seed"] == SEED
    assert shown["bundle"] == str(folder / "b")
    # Alameda's 11 signatures are all examined (500 or fewer, 9030(d)): 3 valid.
    (alameda,) = shown["counties"]
    assert (alameda["county"], alameda["raw"], alameda["sample"]) == ("Alameda", 11, 11)
    assert alameda["method"] == "full-examination"
    assert alameda["valid"] == shown["projected"] == 3
    assert shown["reasons"]["VALID"] == 3
    assert sum(shown["reasons"].values()) == 11
    assert (folder / "b" / "manifest.json").is_file()
    assert (folder / "p.sqlite3").is_file()


def test_verify_bundle_passes(runner: CliRunner, verified: tuple[Path, Any]) -> None:
    folder, _ = verified
    shown = ok_json(invoke(runner, "verify-bundle", str(folder / "b"), "--json"))
    assert shown["ok"] is True
    assert len(shown["checks"]) == 8
    assert all(c["passed"] for c in shown["checks"])
    result = invoke(runner, "verify-bundle", str(folder / "b"))
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "│" in line]
    assert len(rows) == 8
    assert all(" pass " in row for row in rows)
    assert "FAIL" not in result.stdout


def test_verify_bundle_on_a_tampered_copy(
    runner: CliRunner, verified: tuple[Path, Any], tmp_path: Path
) -> None:
    folder, _ = verified
    copy = Path(shutil.copytree(folder / "b", tmp_path / "b"))
    decision = json.loads((copy / "decision.json").read_text(encoding="utf-8"))
    decision["outcome"] = "eligible"
    (copy / "decision.json").write_text(json.dumps(decision), encoding="utf-8")
    result = invoke(runner, "verify-bundle", str(copy), "--json")
    assert result.exit_code == 1, result.output
    shown = json.loads(result.stdout)
    assert shown["ok"] is False
    assert [c["name"] for c in shown["checks"] if not c["passed"]] == [
        "files match the manifest",
        "the decision follows from the projections",
    ]
    table = invoke(runner, "verify-bundle", str(copy))
    assert table.exit_code == 1
    assert "FAIL" in table.stdout


def test_verify_bundle_on_a_folder_that_is_not_a_bundle(runner: CliRunner, tmp_path: Path) -> None:
    lines = assert_user_error(invoke(runner, "verify-bundle", str(tmp_path)))
    assert lines == [
        "error: not an audit bundle (1 problem):",
        f"  FOLDER: has no manifest.json (value: '{tmp_path}')",
    ]


def test_verify_bundle_with_a_missing_file(
    runner: CliRunner, verified: tuple[Path, Any], tmp_path: Path
) -> None:
    folder, _ = verified
    copy = Path(shutil.copytree(folder / "b", tmp_path / "b"))
    (copy / "counties.csv").unlink()
    result = invoke(runner, "verify-bundle", str(copy))
    assert isinstance(result.exception, SystemExit)
    assert result.exit_code in (1, 2)
    assert "counties.csv" in result.output


def test_verify_rejects_a_bad_seed(runner: CliRunner, tmp_path: Path) -> None:
    lines = assert_user_error(invoke(runner, *verify_args(tmp_path, seed="123")))
    assert lines == [
        "error: the seed must be 20 decimal digits (1 problem):",
        "  seed: expected 20 digits such as 12345678901234567890 (value: '123')",
    ]
    assert not (tmp_path / "b").exists()


def test_verify_refuses_a_non_empty_bundle_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old.txt").write_text("x\n", encoding="utf-8")
    lines = assert_user_error(invoke(runner, *verify_args(tmp_path)))
    assert lines == [
        "error: the bundle folder must be empty (1 problem):",
        f"  --bundle: is not an empty folder (value: '{tmp_path / 'b'}')",
    ]
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["old.txt"]


def test_verify_lists_bad_signature_cells(runner: CliRunner, tmp_path: Path) -> None:
    rows = SIGNATURES.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("s1,Alameda", "s1,Narnia")
    rows[3] = rows[3].replace(",1,3,", ",1,x,")
    bad = write_csv(tmp_path / "signatures.csv", rows)
    lines = assert_user_error(invoke(runner, *verify_args(tmp_path, signatures=bad)))
    assert lines == [
        "error: signatures.csv has bad rows (2 problems):",
        "  signatures.csv:2:2: county: is not a California county (value: 'Narnia')",
        "  signatures.csv:4:4: line: is not a whole number (value: 'x')",
    ]
    assert not (tmp_path / "b").exists()


def test_verify_states_the_deadlines_of_the_filing(runner: CliRunner, tmp_path: Path) -> None:
    # Elections Code 9030(b), 9030(d), 9031(b); Cal. Const. art. II sec. 8(c) (E-131).
    shown = ok_json(invoke(runner, *verify_args(tmp_path), "--filed", "2028-03-01"))
    assert {d["key"]: d["date"] for d in shown["deadlines"]} == {
        "raw_count_due": "2028-03-13",
        "random_sample_due": "2028-04-26",
        "qualification_deadline": "2028-06-29",
        "full_count_due": "2028-07-24",
    }
    stored = json.loads((tmp_path / "b" / "decision.json").read_text(encoding="utf-8"))
    assert stored["deadlines"] == shown["deadlines"]
