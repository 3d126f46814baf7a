"""``calexit commission select | draw | verify-draw | vacancy | show`` end to end.

The sub-app is mounted as ``commission`` on a small app with the real group class, so a
CalexitError becomes ``error: ...`` lines and exit code 2 as under ``calexit``.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from calexit.cli import commission_cmd, output
from calexit.cli.main import _UserErrorsAsExitCode
from calexit.cli.store_cmd import connect

app = typer.Typer(cls=_UserErrorsAsExitCode, pretty_exceptions_enable=False)
app.add_typer(commission_cmd.app, name="commission")

DICE = "dice:" + "".join(str(int(d) % 6 + 1) for d in "3141592653589793238462643383279502884197")
"""40 rolls of a d6 (digits of pi mapped into 1-6)."""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(output.console, "_width", 400)
    return CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, ["commission", *args], env={"COLUMNS": "400"})


def ok_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def write_rows(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    """24 people, panel of 6: region N/S (2..4 each), sector a/b/c (1..3 each); two couples."""
    rows = []
    for n in range(24):
        region = "N" if n % 3 else "S"
        sector = "abc"[n % 3] if n < 20 else "a"
        household = {0: "h1", 1: "h1", 5: "h2", 6: "h2"}.get(n, "")
        rows.append([f"p{n:02d}", region, sector, household])
    pool = write_rows(tmp_path / "pool.csv", ["id", "region", "sector", "household"], rows)
    quotas = write_rows(
        tmp_path / "quotas.csv",
        ["feature", "value", "min", "max"],
        [
            ["region", "N", 2, 4],
            ["region", "S", 2, 4],
            ["sector", "a", 1, 3],
            ["sector", "b", 1, 3],
            ["sector", "c", 1, 3],
        ],
    )
    return pool, quotas


def meets_quotas(panel: list[dict[str, str]]) -> None:
    regions = Counter(p["region"] for p in panel)
    sectors = Counter(p["sector"] for p in panel)
    assert all(2 <= regions[v] <= 4 for v in "NS"), regions
    assert all(1 <= sectors[v] <= 3 for v in "abc"), sectors


def test_select_with_a_seed_publishes_draws_and_stores(
    runner: CliRunner, small: tuple[Path, Path], tmp_path: Path
) -> None:
    pool, quotas = small
    bundle = tmp_path / "bundle"
    found = ok_json(
        invoke(
            runner, "select", str(pool), "--quotas", str(quotas), "--seats", "6",
            "--m", "200", "--seed", DICE, "--bundle", str(bundle), "--json",
        )
    )  # fmt: skip
    people = found["people"]
    assert len(people) == 24
    assert sum(p["probability"] for p in people) == pytest.approx(6, abs=1e-6)
    assert sum(p["lottery_probability"] for p in people) == pytest.approx(6)
    # the list's probabilities are multiples of 1/m and within the bound of the optimum
    for person in people:
        assert person["lottery_probability"] * 200 == pytest.approx(
            round(person["lottery_probability"] * 200)
        )
        assert (
            abs(person["lottery_probability"] - person["probability"])
            <= found["rounding_bound"] + 1e-9
        )
    panel = found["draw"]["panel"]
    assert len(panel) == 6
    meets_quotas(panel)
    ids = {p["id"] for p in panel}
    assert not {"p00", "p01"} <= ids and not {"p05", "p06"} <= ids  # household rule
    assert len(found["draw"]["alternates"]) == 18
    with connect(None) as store:
        lottery = store.lottery(found["lottery"])
        assert lottery.status.value == "drawn"
        assert lottery.commitment == found["commitment"]
        seated = {s.person_id for s in store.seats(lottery.id) if s.sitting}
        assert seated == ids
        assert "panels.csv" in store.bundle_files(lottery.id)
    verified = invoke(runner, "verify-draw", str(bundle), "--commitment", found["commitment"])
    assert verified.exit_code == 0, verified.output
    assert "The draw is verified." in verified.stdout


def test_two_step_ceremony_then_vacancy(
    runner: CliRunner, small: tuple[Path, Path], tmp_path: Path
) -> None:
    pool, quotas = small
    bundle = tmp_path / "bundle"
    published = ok_json(
        invoke(
            runner, "select", str(pool), "--quotas", str(quotas), "--seats", "6",
            "--m", "100", "--seed-plan", "dice", "--bundle", str(bundle), "--json",
        )
    )  # fmt: skip
    assert published["draw"] is None
    not_yet = invoke(runner, "verify-draw", str(bundle))
    assert not_yet.exit_code == 1  # an undrawn bundle does not verify as drawn
    drawn = ok_json(invoke(runner, "draw", str(bundle), "--seed", DICE, "--json"))
    assert drawn["lottery"] == published["lottery"]
    meets_quotas(drawn["panel"])
    assert invoke(runner, "verify-draw", str(bundle)).exit_code == 0
    again = invoke(runner, "draw", str(bundle), "--seed", DICE)
    assert again.exit_code == 2
    assert "already drawn" in again.stderr or "not yet drawn" in again.stderr

    shown = ok_json(invoke(runner, "show", "--json"))
    members = [s for s in shown["seats"] if s["role"] == "member"]
    assert len(members) == 6
    leaving = members[0]["id"]
    filled = ok_json(invoke(runner, "vacancy", "--member", leaving, "--json"))
    assert filled["replacement"] in drawn["alternates"]
    after = ok_json(invoke(runner, "show", "--json"))
    sitting = [s for s in after["seats"] if s["role"] == "member" and s["sitting"]]
    assert leaving not in {s["id"] for s in sitting}
    assert len(sitting) == 6
    meets_quotas(sitting)
    newcomer = next(s for s in sitting if s["id"] == filled["replacement"])
    assert newcomer["replaces"] == leaving


def test_tampered_bundle_fails_verification(
    runner: CliRunner, small: tuple[Path, Path], tmp_path: Path
) -> None:
    pool, quotas = small
    bundle = tmp_path / "bundle"
    ok_json(
        invoke(
            runner, "select", str(pool), "--quotas", str(quotas), "--seats", "6",
            "--m", "50", "--seed", DICE, "--bundle", str(bundle), "--json",
        )
    )  # fmt: skip
    draw = json.loads((bundle / "draw.json").read_text())
    draw["index"] = (draw["index"] + 1) % 50
    (bundle / "draw.json").write_text(json.dumps(draw))
    result = invoke(runner, "verify-draw", str(bundle))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout


def test_bad_pool_lists_every_problem_and_selects_nothing(
    runner: CliRunner, small: tuple[Path, Path], tmp_path: Path
) -> None:
    _, quotas = small
    pool = write_rows(
        tmp_path / "bad.csv",
        ["id", "region", "sector"],
        [["x1", "N", "a"], ["x1", "N", "b"], ["x3", "West", "c"], ["x4", "S", "zz"]]
        + [[f"y{n}", "S", "abc"[n % 3]] for n in range(10)],
    )
    bundle = tmp_path / "bundle"
    result = invoke(
        runner, "select", str(pool), "--quotas", str(quotas), "--seats", "6",
        "--seed", DICE, "--bundle", str(bundle),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    err = result.stderr
    assert "bad.csv:3:1" in err and "x1" in err  # the repeated id, with line and column
    assert "bad.csv:4:2" in err and "West" in err
    assert "bad.csv:5:3" in err and "zz" in err
    assert not bundle.exists()
    with connect(None) as store:
        assert store.lotteries() == []


def test_a_seed_other_than_the_plan_is_refused(
    runner: CliRunner, small: tuple[Path, Path], tmp_path: Path
) -> None:
    pool, quotas = small
    bundle = tmp_path / "bundle"
    result = invoke(
        runner, "select", str(pool), "--quotas", str(quotas), "--seats", "6",
        "--seed-plan", "drand-quicknet:123", "--seed", DICE, "--bundle", str(bundle),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--seed" in result.stderr
    assert not bundle.exists()


def test_a_full_bundle_folder_is_refused(
    runner: CliRunner, small: tuple[Path, Path], tmp_path: Path
) -> None:
    pool, quotas = small
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "keep.txt").write_text("mine")
    result = invoke(
        runner, "select", str(pool), "--quotas", str(quotas), "--seats", "6",
        "--bundle", str(bundle),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "new or empty" in result.stderr
    assert sorted(p.name for p in bundle.iterdir()) == ["keep.txt"]


def test_unknown_algorithm_is_a_user_error(runner: CliRunner, small: tuple[Path, Path]) -> None:
    pool, quotas = small
    result = invoke(runner, "select", str(pool), "--quotas", str(quotas), "--algorithm", "magic")
    assert result.exit_code == 2
    assert "magic" in result.stderr


def test_a_pool_from_another_sortition_tool_runs_unchanged(
    runner: CliRunner, tmp_path: Path
) -> None:
    """Alternate(200, 20) of Flanigan et al., Nature 596 (2021), supplementary information,
    as the plain pool and quota CSVs the Sortition Foundation's tools read: the leximin
    minimum probability is exactly 10%."""
    rows = [[f"mc{n}", "male", "conservative"] for n in range(100)]
    rows += [[f"fl{n}", "female", "liberal"] for n in range(99)]
    rows += [["fc0", "female", "conservative"]]
    pool = write_rows(tmp_path / "people.csv", ["id", "gender", "politics"], rows)
    quotas = write_rows(
        tmp_path / "categories.csv",
        ["feature", "value", "min", "max"],
        [
            ["gender", "male", 9, 20],
            ["gender", "female", 9, 20],
            ["politics", "conservative", 9, 20],
            ["politics", "liberal", 9, 20],
        ],
    )
    found = ok_json(
        invoke(
            runner, "select", str(pool), "--quotas", str(quotas), "--seats", "20",
            "--seed", DICE, "--bundle", str(tmp_path / "b"), "--json",
        )
    )  # fmt: skip
    probabilities = [p["probability"] for p in found["people"]]
    assert min(probabilities) == pytest.approx(0.1, abs=1e-6)
    assert found["summary"]["optimal"]["min"] == pytest.approx(0.1, abs=1e-6)


@pytest.fixture
def infeasible(tmp_path: Path) -> tuple[Path, Path]:
    """Panel of 6 from 10 N and 2 S people; the quotas want at least 4 S and at most 3 N."""
    rows = [[f"n{k}", "N", "ab"[k % 2]] for k in range(10)]
    rows += [[f"s{k}", "S", "ab"[k % 2]] for k in range(2)]
    pool = write_rows(tmp_path / "pool.csv", ["id", "region", "sector"], rows)
    quotas = write_rows(
        tmp_path / "quotas.csv",
        ["feature", "value", "min", "max"],
        [
            ["region", "N", 0, 3],
            ["region", "S", 4, 6],
            ["sector", "a", 1, 5],
            ["sector", "b", 1, 5],
        ],
    )
    return pool, quotas


def test_infeasible_quotas_are_diagnosed_with_the_smallest_relaxation(
    runner: CliRunner, infeasible: tuple[Path, Path], tmp_path: Path
) -> None:
    pool, quotas = infeasible
    bundle = tmp_path / "bundle"
    result = invoke(
        runner, "select", str(pool), "--quotas", str(quotas), "--seats", "6",
        "--seed", DICE, "--bundle", str(bundle),
    )  # fmt: skip
    assert result.exit_code == 2
    err = result.stderr
    assert "no panel can meet the quotas" in err
    assert "cannot all be met" in err and "region=S" in err
    # only 2 S exist, so S's minimum must fall by 2 and N's maximum rise by 1: 3 seats' worth
    assert "smallest relaxation (3 in total)" in err
    assert "region=S [4, 6] -> [2, 6]" in err and "region=N [0, 3] -> [0, 4]" in err
    assert not bundle.exists()
    checked = invoke(runner, "quotas", "check", str(quotas), "--pool", str(pool), "--seats", "6")
    assert checked.exit_code == 2
    assert "smallest relaxation (3 in total)" in checked.stderr


def test_relaxation_limits_bound_the_proposal(
    runner: CliRunner, infeasible: tuple[Path, Path]
) -> None:
    pool, quotas = infeasible
    base = ["quotas", "check", str(quotas), "--pool", str(pool), "--seats", "6"]
    fixed_n = invoke(runner, *base, "--relax-limit", "region=N:0")
    assert fixed_n.exit_code == 2
    # N's maximum may not move, so the S minimum cannot be made up elsewhere within 6 seats
    assert "no relaxation within the allowed limits" in fixed_n.stderr
    roomy = invoke(runner, *base, "--relax-limit", "*:0", "--relax-limit", "region:5")
    assert roomy.exit_code == 2
    assert "smallest relaxation (3 in total)" in roomy.stderr
    bad = invoke(runner, *base, "--relax-limit", "region=West:2", "--relax-limit", "oops")
    assert bad.exit_code == 2
    assert "region=West:2" in bad.stderr and "oops" in bad.stderr
