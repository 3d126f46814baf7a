"""The ``calexit`` command end to end, through Typer's test runner and one real subprocess.

A user's mistake (a CalexitError) must come out as ``error: ...`` lines on standard
error with exit code 2 and never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from calexit.cli import output
from calexit.cli.main import app
from calexit.rules.load import builtin_pack_ids

SHIPPED_PACKS = (
    "article-v",
    "calexit-2028",
    "calexit-now-2026",
    "quebec-1995",
    "scotland-2014",
    "un-membership",
)
PACKS = resources.files("calexit.rules") / "packs"

# Rich wraps tables at the terminal width; a wide one keeps each cell on one line.
WIDE = {"COLUMNS": "400"}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # The shared console reads $COLUMNS once, when it is created; if the test process
    # already had COLUMNS set, the env below would not widen it, so pin its width too.
    monkeypatch.setattr(output.console, "_width", 400)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args), env=WIDE)


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


def result_text(lines: list[str]) -> str:
    return "\n".join(lines)


# --- help and version ------------------------------------------------------------------


def test_help_lists_the_command_groups(runner: CliRunner) -> None:
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    for name in ("rules", "reference", "store", "calendar", "holidays", "demo"):
        assert f" {name} " in result.stdout, name


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = invoke(runner)
    assert "Usage" in result.output
    assert "demo" in result.output


def test_version_option(runner: CliRunner) -> None:
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("calexit ")


def test_installed_console_script_prints_the_version() -> None:
    script = Path(sys.executable).parent / ("calexit.exe" if sys.platform == "win32" else "calexit")
    assert script.exists(), f"console script not installed next to {sys.executable}"
    done = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("calexit ")
    assert done.stderr == ""


# --- rules -----------------------------------------------------------------------------


def test_rules_list_json_has_the_six_packs(runner: CliRunner) -> None:
    rows = ok_json(invoke(runner, "rules", "list", "--json"))
    assert [r["id"] for r in rows] == list(SHIPPED_PACKS)
    assert tuple(r["id"] for r in rows) == builtin_pack_ids()
    assert all(len(r["sha256"]) == 64 for r in rows)


def test_rules_show_article_v_gate_counts(runner: CliRunner) -> None:
    shown = ok_json(invoke(runner, "rules", "show", "article-v", "--json"))
    counts = {c["gate"]: (c["needed"], c["of"]) for c in shown["gate_counts"]}
    # U.S. Const. art. V on the 2020 apportionment: 290/435, 67/100, 34/50, 38/50.
    assert counts == {
        "house-proposal": (290, 435),
        "senate-proposal": (67, 100),
        "convention-call": (34, 50),
        "ratification": (38, 50),
    }
    assert shown["pack"]["id"] == "article-v"


def test_rules_show_calexit_2028_table(runner: CliRunner) -> None:
    result = invoke(runner, "rules", "show", "calexit-2028")
    assert result.exit_code == 0, result.output
    # Cal. Const. art. II, sec. 8(b): 5% of 10,933,018 = 546,651 signatures.
    assert "546,651" in result.stdout
    assert "Elections Code 9030(b)" in result.stdout


def test_rules_show_unknown_pack(runner: CliRunner) -> None:
    lines = assert_user_error(invoke(runner, "rules", "show", "no-such-pack"))
    assert lines == [
        "error: no rule pack named 'no-such-pack'; shipped packs: article-v, calexit-2028, "
        "calexit-now-2026, quebec-1995, scotland-2014, un-membership"
    ]


def test_rules_check_accepts_a_good_copy(runner: CliRunner, tmp_path: Path) -> None:
    copy = tmp_path / "article-v.toml"
    copy.write_text((PACKS / "article-v.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke(runner, "rules", "check", str(copy))
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout
    checked = ok_json(invoke(runner, "rules", "check", str(copy), "--json"))
    assert checked["ok"] is True
    assert checked["id"] == "article-v"


BAD_PACK = """\
[pack]
id = "bad-pack"
version = 3
title = "Bad"
kind = "referendum"
jurisdiction = "Nowhere"
summary = "A pack with four mistakes."
colour = "red"

[measure]
question = { value = "Leave?" }
binding = { value = false, source = "nowhere" }

[election]
name = "Vote"
date = { value = 2030-01-01, source = "nowhere" }

[passage]
approval = { min = "110%", numerator = "yes-votes", denominator = "valid-votes", source = "x" }
"""


def test_rules_check_reports_every_problem_of_a_bad_pack(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_PACK, encoding="utf-8")
    lines = assert_user_error(invoke(runner, "rules", "check", str(bad)))
    assert lines[0] == "error: bad.toml is not a valid rule pack (4 problems):"
    problems = [line.strip() for line in lines[1:]]
    assert problems == [
        "bad.toml:3:1: pack.version: expected text, got the number 3",
        "bad.toml:8:1: pack.colour: unknown key",
        "bad.toml:11:1: measure.question.source: missing citation: every rule needs a source",
        "bad.toml:19:14: passage.approval.min: a share must lie between 0 and 1, got 110%",
    ]


def test_rules_check_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    lines = assert_user_error(invoke(runner, "rules", "check", str(tmp_path / "absent.toml")))
    assert len(lines) == 1
    assert "absent.toml" in lines[0]


# --- calendar and holidays ---------------------------------------------------------------


def test_calendar_json_has_the_milestones(runner: CliRunner) -> None:
    shown = ok_json(invoke(runner, "calendar", "--filed", "2028-03-01", "--json"))
    assert shown["pack"] == "calexit-2028"
    assert shown["election"] == "2028-11-07"
    days = {m["key"]: m["date"] for m in shown["milestones"]}
    assert days == {
        "last_filing_for_full_count": "2028-02-07",
        "filed": "2028-03-01",
        "raw_count_due": "2028-03-13",
        "random_sample_due": "2028-04-26",
        "last_filing_for_random_sample": "2028-05-04",
        "qualification_deadline": "2028-06-29",
        "full_count_due": "2028-07-24",
    }
    assert [m["date"] for m in shown["milestones"]] == sorted(days.values())
    assert shown["random_sample_in_time"] is True
    assert shown["full_count_in_time"] is False


def test_calendar_table(runner: CliRunner) -> None:
    result = invoke(runner, "calendar", "--filed", "2028-03-01")
    assert result.exit_code == 0, result.output
    assert "2028-04-26" in result.stdout
    assert "Random sample result by E-131: in time. Full count by E-131: TOO LATE." in (
        result.stdout
    )


def test_calendar_rejects_an_impossible_date(runner: CliRunner) -> None:
    lines = assert_user_error(invoke(runner, "calendar", "--filed", "2028-02-30"))
    assert "--filed" in result_text(lines)
    assert "'2028-02-30'" in result_text(lines)
    assert "expected an ISO date such as 2028-11-07" in result_text(lines)


def test_calendar_names_the_option_once(runner: CliRunner) -> None:
    lines = assert_user_error(invoke(runner, "calendar", "--filed", "2028-02-30"))
    assert result_text(lines).count("--filed") == 1


def test_calendar_after_the_circulation_limit(runner: CliRunner) -> None:
    # Elections Code 9014(b): 1 Sep 2027 + 180 days = 28 Feb 2028.
    lines = assert_user_error(
        invoke(runner, "calendar", "--filed", "2028-03-01", "--summary-date", "2027-09-01")
    )
    assert lines == [
        "error: the petition cannot be filed on that date (1 problem):",
        "  filed: is after the last day to file (2028-02-28) (value: '2028-03-01')",
    ]


def test_calendar_for_a_pack_without_a_petition(runner: CliRunner) -> None:
    lines = assert_user_error(
        invoke(runner, "calendar", "--filed", "2014-01-01", "--pack", "scotland-2014")
    )
    assert lines[0] == "error: pack scotland-2014 has no petition stage (1 problem):"


def test_holidays_2028_json(runner: CliRunner) -> None:
    found = ok_json(invoke(runner, "holidays", "2028", "--json"))
    # Gov. Code 6701: 11 Nov 2028 is a Saturday, so Friday 10 Nov is observed.
    assert {
        "day": "2028-11-10",
        "name": "Veterans Day (observed)",
        "citation": "Gov. Code 6701",
        "partial": False,
    } in found
    assert [h["day"] for h in found] == sorted(h["day"] for h in found)


# --- reference -------------------------------------------------------------------------


def test_reference_counties_json(runner: CliRunner) -> None:
    rows = ok_json(invoke(runner, "reference", "counties", "--json"))
    assert len(rows) == 58
    assert rows[0]["name"] == "Alameda"
    # SOS 15-day Report of Registration, 21 Oct 2024 (SOURCES.md).
    assert sum(r["registered_voters"] for r in rows) == 22_595_659


def test_reference_states_and_facts_json(runner: CliRunner) -> None:
    assert len(ok_json(invoke(runner, "reference", "states", "--json"))) == 51
    assert len(ok_json(invoke(runner, "reference", "facts", "--json"))) == 42


# --- demo and store ----------------------------------------------------------------------


def demo(runner: CliRunner, url: str) -> Any:
    output = url.removeprefix("sqlite:///").removesuffix(".sqlite3") + "-output"
    return ok_json(
        invoke(
            runner,
            "demo",
            "--database-url",
            url,
            "--today",
            "2026-11-22",
            "--output",
            output,
            "--nominees",
            "300",
            "--json",
        )
    )


def test_demo_from_an_empty_store(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    shown = demo(runner, url)
    assert shown["run"] == 1
    vote = shown["vote"]
    assert vote["outcome"] == "passes"
    assert vote["audit_status"] == "confirmed"
    assert vote["bundle_checks_passed"] is True
    petition = shown["petition"]
    assert petition["outcome"] == "eligible"
    assert petition["bundle_checks_passed"] is True
    assert petition["raw_total"] == 5_000
    assert petition["scaled_requirement"] == 2_733  # 546,651 x 0.005, said to be scaled
    summary = shown["summary"]
    assert summary["pack"] == "calexit-2028"
    assert summary["today"] == "2026-11-22"
    assert summary["store"] == {"county": 58, "state": 51, "fact": 42}
    nexts = [e for e in shown["timeline"] if e["status"] == "next"]
    assert len(nexts) == 1
    assert nexts[0]["step"]["title"] == "Last day to file if a full count is needed"
    assert nexts[0]["step"]["day"] == "2028-02-07"
    assert summary["next"] == ["Last day to file if a full count is needed"]
    assert (tmp_path / "d.sqlite3").is_file()


def test_demo_twice_then_store_status(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    assert demo(runner, url)["run"] == 1
    first = ok_json(invoke(runner, "store", "status", "--database-url", url, "--json"))["runs"]
    stages = sorted(r["stage"] for r in first)
    # each demo records a foundation run and one run per stage it carries out
    assert {"foundation", "petition", "vote", "pathway"} <= set(stages)
    assert len(stages) == len(set(stages))
    second = demo(runner, url)
    assert second["run"] == len(stages) + 1
    assert second["summary"]["store"] == {"county": 58, "state": 51, "fact": 42}
    status = ok_json(invoke(runner, "store", "status", "--database-url", url, "--json"))
    assert status["reference"] == {"county": 58, "state": 51, "fact": 42}
    assert sorted(r["id"] for r in status["runs"]) == list(range(1, 2 * len(stages) + 1))
    assert sorted(r["stage"] for r in status["runs"]) == sorted(stages * 2)
    assert {r["status"] for r in status["runs"]} == {"succeeded"}
    assert {r["pack_id"] for r in status["runs"]} == {"calexit-2028"}


def test_demo_table_output(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    result = invoke(
        runner,
        "demo",
        "--database-url",
        url,
        "--today",
        "2026-11-22",
        "--output",
        str(tmp_path / "out"),
        "--nominees",
        "300",
        "--no-serve",
    )
    assert result.exit_code == 0, result.output
    assert "Last day to file if a full count is needed" in result.stdout
    assert "(run 1)" in result.stdout


@pytest.mark.parametrize("command", [("store", "status"), ("demo",), ("store", "upgrade")])
def test_malformed_database_url(runner: CliRunner, command: tuple[str, ...]) -> None:
    lines = assert_user_error(invoke(runner, *command, "--database-url", "nonsense"))
    assert lines == [
        "error: --database-url='nonsense' is not a database URL; expected sqlite:///PATH or "
        "postgresql+psycopg://USER@HOST:PORT/DATABASE"
    ]
