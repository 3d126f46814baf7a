"""``vote canvass`` end to end: the tables, --json, --export-nist, and bad input as exit 2.

The sub-app is mounted as ``vote`` on a small app with the real group class, so a
CalexitError becomes ``error: ...`` lines and exit code 2 as under ``calexit``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from calexit.cli import output, vote_cmd
from calexit.cli.main import _UserErrorsAsExitCode
from calexit.files.vote_returns import read_returns

EXAMPLE = Path(__file__).parents[2] / "data" / "vote" / "returns-2028-example.csv"

app = typer.Typer(cls=_UserErrorsAsExitCode, pretty_exceptions_enable=False)
app.add_typer(vote_cmd.app, name="vote")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(output.console, "_width", 400)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, ["vote", "canvass", *args], env={"COLUMNS": "400"})


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return json.loads(result.stdout)


def user_error(result: Result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()


def test_the_tables_show_counties_totals_conditions_and_the_outcome(runner: CliRunner) -> None:
    result = invoke(runner, str(EXAMPLE))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    alameda = next(line for line in lines if "│ Alameda " in line)
    assert "961,304" in alameda and "71.05%" in alameda and "57.99%" in alameda
    statewide = next(line for line in lines if "│ Statewide " in line)
    assert "22,595,659" in statewide and "16,140,044" in statewide and "9,164,644" in statewide
    participation = next(line for line in lines if "│ participation " in line)
    assert "11,297,830" in participation
    assert "+4,842,214: 4,842,215 fewer ballots-cast with the same registered-voters" in (
        participation
    )
    approval = next(line for line in lines if "│ approval " in line)
    assert "57.99% (2291161/3950290)" in approval
    assert "+474,006: 474,007 fewer yes-votes with the same yes-plus-no would fail it" in (approval)
    assert lines[-1] == "Outcome: PASSES (every condition is met)."


def test_json_has_everything(runner: CliRunner) -> None:
    shown = ok_json(invoke(runner, str(EXAMPLE), "--json"))
    assert (shown["pack"], shown["outcome"], shown["passed"]) == ("calexit-2028", "passes", True)
    assert shown["returns"] == "returns-2028-example.csv"
    assert len(shown["pack_sha256"]) == 64
    assert shown["statewide"]["yes_plus_no"] == 15_801_160
    assert shown["statewide"]["unaccounted"] == 0
    assert [c["name"] for c in shown["conditions"]] == ["participation", "approval"]
    approval = shown["conditions"][1]
    assert approval == {
        "name": "approval",
        "rule": "yes-votes / yes-plus-no at-least 55%",
        "numerator": "yes-votes",
        "numerator_count": 9_164_644,
        "denominator": "yes-plus-no",
        "denominator_count": 15_801_160,
        "value": "2291161/3950290",
        "percent": "57.99%",
        "comparison": "at-least",
        "threshold": "55%",
        "needed": 8_690_638,
        "passed": True,
        "margin": 474_006,
        "to_flip": 474_007,
        "source": "seed 001: 'at least 55 percent of them would then have to say yes'",
    }
    assert len(shown["counties"]) == 58
    assert shown["counties"][1]["county"] == "Alpine"
    assert shown["counties"][1]["participation"] == "749/954"
    assert shown["exported_nist"] is None


def test_the_simple_majority_pack_has_one_condition(runner: CliRunner) -> None:
    shown = ok_json(invoke(runner, str(EXAMPLE), "--pack", "calexit-now-2026", "--json"))
    assert [(c["name"], c["needed"], c["margin"]) for c in shown["conditions"]] == [
        ("approval", 7_900_581, 1_264_063)
    ]


def test_a_failing_result(runner: CliRunner, tmp_path: Path) -> None:
    # Every county: 1,000 registered, 500 ballots, 274 yes, 226 no. Statewide 29,000 of
    # 58,000 voted: exactly 50%, which passes; 15,892 of 29,000 said yes (54.80%), and
    # 55% of 29,000 is 15,950: 58 short.
    names = [line.split(",")[0] for line in EXAMPLE.read_text(encoding="utf-8").splitlines()]
    rows = ["county,registered,ballots_cast,yes,no,undervotes,overvotes"]
    rows += [f"{name},1000,500,274,226,0,0" for name in names[1:]]
    path = tmp_path / "close.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = invoke(runner, str(path))
    assert result.exit_code == 0, result.output
    participation = next(line for line in result.stdout.splitlines() if "│ participation" in line)
    assert "50.00% (1/2)" in participation and "+0: 1 fewer ballots-cast" in participation
    assert "-58: 58 more yes-votes with the same yes-plus-no would pass it" in result.stdout
    assert result.stdout.splitlines()[-1] == "Outcome: FAILS (not met: approval)."


def test_export_nist_writes_a_report_that_reads_back(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "certified.json"
    shown = ok_json(invoke(runner, str(EXAMPLE), "--export-nist", str(target), "--json"))
    assert shown["exported_nist"] == str(target)
    report = json.loads(target.read_text(encoding="utf-8"))
    assert (report["@type"], report["Status"]) == ("ElectionResults.ElectionReport", "certified")
    assert read_returns(target) == read_returns(EXAMPLE)
    again = ok_json(invoke(runner, str(target), "--json"))
    assert again["conditions"] == shown["conditions"]
    assert again["returns"] == "certified.json"


def test_export_is_announced_in_the_table_output(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "certified.json"
    result = invoke(runner, str(EXAMPLE), "--export-nist", str(target))
    assert result.exit_code == 0, result.output
    assert f"Certified result written to {target}" in result.stdout
    assert target.exists()


def test_bad_csv_exits_2_with_every_problem_and_writes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    rows = EXAMPLE.read_text(encoding="utf-8").splitlines()
    rows[1] = "Alameda,961304,683069,-1,280865,13661,683"
    rows[3] = "Amador,26488,30000,12788,9250,455,22"
    del rows[5]  # Calaveras
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    target = tmp_path / "certified.json"
    assert user_error(invoke(runner, str(path), "--export-nist", str(target))) == [
        "error: bad.csv has bad returns; nothing is certified (3 problems):",
        "  bad.csv:2:4: yes: must not be negative (value: '-1')",
        "  bad.csv:4:3: ballots_cast: exceeds registered (26,488) (value: '30000')",
        "  bad.csv: county: missing county 'Calaveras'",
    ]
    assert not target.exists()


def test_a_pack_without_passage_rules_is_refused(runner: CliRunner) -> None:
    assert user_error(invoke(runner, str(EXAMPLE), "--pack", "article-v")) == [
        "error: pack article-v has no passage rules (1 problem):",
        "  --pack: has no [passage] section (value: 'article-v')",
    ]


def test_a_missing_file_is_a_user_error(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    assert user_error(invoke(runner, str(missing))) == [
        f"error: cannot read {missing} (1 problem):",
        f"  {missing}: No such file or directory",
    ]
