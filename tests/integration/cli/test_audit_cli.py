"""``calexit audit`` end to end on synthetic data from ``calexit vote synth``.

A comparison audit from plan to a verified bundle, a polling audit that escalates round
after round, the reported-failure case, and every user mistake as ``error: ...`` lines on
standard error with exit code 2. The store is a SQLite file per audit; the synthetic
election (1/500 of the 2024 ballots, about 32,000 cards, no CVR errors) is written once
per module.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from calexit.cli import output
from calexit.cli.main import app
from calexit.files.audit_files import read_manifest
from calexit.vote.manifest import draw_ballots
from calexit.vote.rla import MAX_ROUNDS

SEED = "12345678901234567890"
SYNTH = ("--scale", "0.002", "--error-rate", "0")
FAST = ("--simulations", "20")
WIDE = {"COLUMNS": "400"}


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=WIDE)


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


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Vote:
    """The four files of ``calexit vote synth``."""

    folder: Path
    synth: dict[str, Any]

    @property
    def returns(self) -> Path:
        return self.folder / "returns.csv"

    @property
    def manifest(self) -> Path:
        return self.folder / "manifest.csv"

    @property
    def cvrs(self) -> Path:
        return self.folder / "cvrs.csv"

    @property
    def paper(self) -> Path:
        return self.folder / "paper.csv"


def synthesise(folder: Path, *extra: str) -> Vote:
    shown = ok_json(cli("vote", "synth", *SYNTH, "--out", str(folder), *extra, "--json"))
    return Vote(folder, shown)


@pytest.fixture(scope="module")
def vote(tmp_path_factory: pytest.TempPathFactory) -> Vote:
    return synthesise(tmp_path_factory.mktemp("vote") / "synth")


@dataclass
class Audit:
    """One audit in its own store, driven through the CLI."""

    vote: Vote
    folder: Path
    steps: dict[str, Any] = field(default_factory=dict)

    @property
    def db(self) -> tuple[str, str]:
        return ("--database-url", f"sqlite:///{self.folder / 'audit.sqlite3'}")

    def plan(self, *extra: str) -> Result:
        v = self.vote
        args = ["--returns", str(v.returns), "--manifest", str(v.manifest), "--seed", SEED]
        return cli("audit", "plan", *args, *FAST, *self.db, *extra)

    def sample(self, number: int, *extra: str) -> Result:
        out = self.listing(number)
        return cli(
            "audit",
            "sample",
            "--manifest",
            str(self.vote.manifest),
            "--out",
            str(out),
            *self.db,
            *extra,
        )

    def listing(self, number: int) -> Path:
        return self.folder / f"round-{number}.csv"

    def results(self, number: int) -> Path:
        return self.folder / f"results-{number}.csv"

    def read_paper(self, number: int) -> Any:
        return ok_json(
            cli(
                "audit",
                "read-paper",
                "--paper",
                str(self.vote.paper),
                "--retrieval-list",
                str(self.listing(number)),
                "--out",
                str(self.results(number)),
                "--json",
            )
        )

    def record(self, path: Path, *extra: str) -> Result:
        return cli("audit", "record", str(path), *self.db, *extra)

    def status(self) -> Any:
        return ok_json(cli("audit", "status", *self.db, "--json"))


def new_audit(vote: Vote, folder: Path) -> Audit:
    folder.mkdir(parents=True, exist_ok=True)
    return Audit(vote, folder)


@pytest.fixture(scope="module")
def comparison(vote: Vote, tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """A comparison audit taken to a confirmed outcome and bundled, every step kept."""
    audit = new_audit(vote, tmp_path_factory.mktemp("comparison"))
    cvrs = ("--cvrs", str(vote.cvrs))
    steps = audit.steps
    steps["plan"] = ok_json(audit.plan(*cvrs, "--json"))
    steps["sample"] = ok_json(audit.sample(1, "--json"))
    steps["read_paper"] = audit.read_paper(1)
    steps["record"] = ok_json(audit.record(audit.results(1), *cvrs, "--json"))
    steps["status"] = audit.status()
    bundle = audit.folder / "bundle"
    steps["bundle"] = ok_json(
        cli(
            "audit",
            "bundle",
            "--returns",
            str(vote.returns),
            "--manifest",
            str(vote.manifest),
            *cvrs,
            "--out",
            str(bundle),
            *audit.db,
            "--json",
        )
    )
    steps["verify"] = cli("audit", "verify-bundle", str(bundle), "--json")
    return audit


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # Rich wraps at the console's width, read once; pin it so table rows stay on one line.
    monkeypatch.setattr(output.console, "_width", 400)
    return CliRunner()


# --- the synthetic election ---------------------------------------------------------------


def test_vote_synth_writes_returns_manifest_cvrs_and_paper(vote: Vote) -> None:
    assert sorted(p.name for p in vote.folder.iterdir()) == [
        "cvrs.csv",
        "manifest.csv",
        "paper.csv",
        "returns.csv",
    ]
    cards = vote.synth["cards"]
    assert sum(int(r["ballots"]) for r in csv_rows(vote.manifest)) == cards
    assert len(csv_rows(vote.cvrs)) == len(csv_rows(vote.paper)) == cards
    # --error-rate 0: the paper says what the scanners read.
    assert vote.cvrs.read_bytes() == vote.paper.read_bytes()
    assert sum(int(r["ballots_cast"]) for r in csv_rows(vote.returns)) == cards
    assert 30_000 < cards < 35_000  # 0.2% of the 16.1 million ballots of 2024


# --- a comparison audit, plan to bundle ---------------------------------------------------


def test_plan_gives_the_assertions_and_the_first_round(comparison: Audit) -> None:
    shown = comparison.steps["plan"]
    assert shown["audit"] == 1
    plan = shown["plan"]
    assert plan["kind"] == "comparison"
    assert plan["risk_limit"] == 0.05
    assert plan["reported_passes"] is True
    assert [(a["condition"], a["claim"], a["assorter"]) for a in plan["assertions"]] == [
        ("approval", "Yes share of valid votes above 55%", "yes share > 0.55")
    ]
    approval = plan["assertions"][0]
    assert approval["upper_bound"] == pytest.approx(1 / (2 * 0.55))
    assert approval["reported_margin"] > 0
    # Participation is counted in ballots cast: ballot accounting, not an assertion.
    accounting = plan["accounting"]
    assert accounting["holds"] is True
    assert accounting["agrees_with_report"] is True
    assert accounting["manifest_cards"] == comparison.vote.synth["cards"]
    assert accounting["needed"] == -(-accounting["registered"] // 2)
    assert shown["first_round"] >= 1
    # Round one: the 90th percentile of the simulated sample sizes, rounded up.
    assert shown["first_round"] == math.ceil(approval["p90"])
    reported = shown["reported"]
    assert reported["outcome"] == "passes"
    assert (
        reported["returns_sha256"]
        == hashlib.sha256(comparison.vote.returns.read_bytes()).hexdigest()
    )
    assert reported["cvrs_sha256"] == hashlib.sha256(comparison.vote.cvrs.read_bytes()).hexdigest()
    assert reported["statewide"]["ballots_cast"] == comparison.vote.synth["cards"]


def test_sample_writes_the_retrieval_list_of_the_seed(comparison: Audit) -> None:
    first_round = comparison.steps["plan"]["first_round"]
    shown = comparison.steps["sample"]
    listing = comparison.listing(1)
    assert shown == {
        "audit": 1,
        "round": 1,
        "cards": first_round,
        "drawn_in_all": first_round,
        "retrieval_list": str(listing),
    }
    rows = csv_rows(listing)
    assert list(rows[0]) == ["order", "county", "batch", "position", "ticket"]
    assert [int(r["order"]) for r in rows] == list(range(1, first_round + 1))
    assert [r["ticket"] for r in rows] == sorted(r["ticket"] for r in rows)
    # The list is the seed's: the same cards Arlo draws from this manifest and seed.
    again = draw_ballots(read_manifest(comparison.vote.manifest), SEED, first_round)
    assert [(r["county"], r["batch"], int(r["position"]), r["ticket"]) for r in rows] == [
        (b.county, b.batch, b.position, b.ticket) for b in again
    ]


def test_read_paper_answers_exactly_the_listed_cards(comparison: Audit) -> None:
    first_round = comparison.steps["plan"]["first_round"]
    assert comparison.steps["read_paper"] == {
        "cards": first_round,
        "results": str(comparison.results(1)),
    }
    listed = {(r["county"], r["batch"], r["position"]) for r in csv_rows(comparison.listing(1))}
    results = csv_rows(comparison.results(1))
    assert {(r["county"], r["batch"], r["position"]) for r in results} == listed
    assert {r["vote"] for r in results} <= {"YES", "NO", "UNDERVOTE"}


def test_record_confirms_the_outcome_in_one_round(comparison: Audit) -> None:
    shown = comparison.steps["record"]
    assert (shown["audit"], shown["round"], shown["status"]) == (1, 1, "confirmed")
    assert shown["cards"] == comparison.steps["plan"]["first_round"]
    assert list(shown["risks"]) == ["approval"]
    assert 0 < shown["risks"]["approval"] <= 0.05


def test_status_shows_the_one_recorded_round(comparison: Audit) -> None:
    shown = comparison.steps["status"]
    assert (shown["audit"], shown["kind"], shown["status"]) == (1, "comparison", "confirmed")
    assert shown["seed"] == SEED
    assert shown["risk_limit"] == "0.05000"
    assert shown["reported"] == comparison.steps["plan"]["reported"]
    cards = comparison.steps["plan"]["first_round"]
    assert shown["rounds"] == [
        {
            "round": 1,
            "cards": cards,
            "drawn": cards,
            "status": "recorded",
            "risks": comparison.steps["record"]["risks"],
        }
    ]


def test_status_table(comparison: Audit, runner: CliRunner) -> None:
    result = runner.invoke(app, ["audit", "status", *comparison.db], env=WIDE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Audit 1: comparison, risk limit 5%; reported outcome PASSES."
    assert any("Yes share of valid votes above 55%" in line for line in lines)
    assert lines[-1] == f"Status: confirmed; seed {SEED}."


def test_the_bundle_holds_the_audit_and_verifies(comparison: Audit) -> None:
    bundle = comparison.folder / "bundle"
    assert comparison.steps["bundle"] == {"audit": 1, "bundle": str(bundle), "rounds": 1}
    assert sorted(p.name for p in bundle.iterdir()) == [
        "audit.json",
        "cvrs.csv",
        "manifest.csv",
        "manifest.json",
        "pack.toml",
        "returns.csv",
        "rounds.json",
    ]
    verified = comparison.steps["verify"]
    assert verified.exit_code == 0, verified.output
    shown = json.loads(verified.stdout)
    assert shown["ok"] is True
    assert [(c["name"], c["passed"]) for c in shown["checks"]] == [
        ("files match the manifest", True),
        ("the returns give the reported outcome", True),
        ("every round's cards are re-drawn from the seed", True),
        ("every recorded risk is re-measured from the hand results", True),
        ("the status follows from the risks", True),
    ]
    audit = json.loads((bundle / "audit.json").read_text(encoding="utf-8"))
    assert (audit["seed"], audit["status"], audit["kind"]) == (SEED, "confirmed", "comparison")


def test_sample_after_the_audit_is_confirmed(comparison: Audit) -> None:
    lines = assert_user_error(comparison.sample(2))
    assert lines == ["error: audit 1 is finished (confirmed)"]


def test_record_after_the_audit_is_confirmed(comparison: Audit) -> None:
    result = comparison.record(comparison.results(1), "--cvrs", str(comparison.vote.cvrs))
    assert assert_user_error(result) == [
        "error: audit 1 has no drawn round waiting for results: run `calexit audit sample` first"
    ]


def test_bundle_into_a_folder_that_is_not_empty(comparison: Audit, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me\n", encoding="utf-8")
    v = comparison.vote
    result = cli(
        "audit",
        "bundle",
        "--returns",
        str(v.returns),
        "--manifest",
        str(v.manifest),
        "--cvrs",
        str(v.cvrs),
        "--out",
        str(busy),
        *comparison.db,
    )
    assert assert_user_error(result) == [
        "error: the bundle folder must be empty (1 problem):",
        f"  --out: is not empty (value: '{busy}')",
    ]
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]


# --- a polling audit, round after round ---------------------------------------------------


def _run_rounds(audit: Audit, first: int, statuses: list[str]) -> list[dict[str, Any]]:
    """Sample, read and record until the audit ends; round 1 draws ``first`` cards."""
    recorded: list[dict[str, Any]] = []
    for number in range(1, MAX_ROUNDS + 1):
        extra = ("--size", str(first)) if number == 1 else ()
        drawn = ok_json(audit.sample(number, *extra, "--json"))
        assert drawn["round"] == number
        audit.read_paper(number)
        shown = ok_json(audit.record(audit.results(number), "--json"))
        recorded.append(shown)
        statuses.append(shown["status"])
        if shown["status"] != "in-progress":
            break
    return recorded


def test_a_polling_audit_escalates_until_it_confirms(vote: Vote, tmp_path: Path) -> None:
    audit = new_audit(vote, tmp_path)
    plan = ok_json(audit.plan("--kind", "polling", "--json"))
    assert plan["plan"]["kind"] == "polling"
    assert plan["reported"]["cvrs_sha256"] is None
    first_round = plan["first_round"]
    assert first_round > 100  # polling needs far more cards than comparison
    statuses: list[str] = []
    # A deliberately small first round (100 cards) cannot confirm a 5-point margin.
    recorded = _run_rounds(audit, 100, statuses)
    assert statuses[0] == "in-progress"
    assert all(s == "in-progress" for s in statuses[:-1])
    assert statuses[-1] == "confirmed"
    cards = [r["cards"] for r in recorded]
    assert cards[0] == 100
    assert cards == sorted(set(cards))
    # Escalation: the plan's estimate, at least double what was drawn.
    for before, after in itertools.pairwise(cards):
        assert after == min(vote.synth["cards"], max(first_round, 2 * before))
    assert recorded[-1]["risks"]["approval"] <= 0.05
    assert all(r["risks"]["approval"] > 0.05 for r in recorded[:-1])
    shown = audit.status()
    assert shown["status"] == "confirmed"
    assert [(r["round"], r["cards"], r["status"]) for r in shown["rounds"]] == [
        (i + 1, c, "recorded") for i, c in enumerate(cards)
    ]
    # Later rounds keep the earlier cards: the retrieval lists continue one sequence.
    orders = [int(r["order"]) for n in range(1, len(cards) + 1) for r in csv_rows(audit.listing(n))]
    assert orders == list(range(1, cards[-1] + 1))
    # A polling audit's bundle has no CVRs, and re-checks as well.
    bundle = audit.folder / "bundle"
    v = audit.vote
    shown = ok_json(
        cli(
            "audit",
            "bundle",
            "--returns",
            str(v.returns),
            "--manifest",
            str(v.manifest),
            "--out",
            str(bundle),
            *audit.db,
            "--json",
        )
    )
    assert shown["rounds"] == len(cards)
    assert not (bundle / "cvrs.csv").exists()
    verified = cli("audit", "verify-bundle", str(bundle), "--json")
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["ok"] is True


def test_after_five_rounds_the_audit_goes_to_a_full_hand_count(vote: Vote, tmp_path: Path) -> None:
    audit = new_audit(vote, tmp_path)
    ok_json(audit.plan("--kind", "polling", "--json"))
    statuses = []
    for number in range(1, MAX_ROUNDS + 1):
        ok_json(audit.sample(number, "--size", str(10 * number), "--json"))
        audit.read_paper(number)
        statuses.append(ok_json(audit.record(audit.results(number), "--json"))["status"])
    assert statuses == ["in-progress"] * (MAX_ROUNDS - 1) + ["full-hand-count"]
    assert audit.status()["status"] == "full-hand-count"
    assert assert_user_error(audit.sample(MAX_ROUNDS + 1)) == [
        "error: audit 1 is finished (full-hand-count)"
    ]


def test_a_round_must_draw_more_cards_than_before(vote: Vote, tmp_path: Path) -> None:
    audit = new_audit(vote, tmp_path)
    ok_json(audit.plan("--kind", "polling", "--json"))
    ok_json(audit.sample(1, "--size", "30", "--json"))
    audit.read_paper(1)
    assert ok_json(audit.record(audit.results(1), "--json"))["status"] == "in-progress"
    assert assert_user_error(audit.sample(2, "--size", "30")) == [
        "error: the round must draw more cards (1 problem):",
        "  --size: must exceed the 30 already drawn (value: '30')",
    ]


# --- phantoms ---------------------------------------------------------------------------


def test_a_manifest_short_of_the_reported_ballots_gives_phantoms(
    vote: Vote, tmp_path: Path
) -> None:
    lines = vote.manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    short = tmp_path / "short-manifest.csv"
    short.write_text("".join(lines[:-1]), encoding="utf-8")
    missing = int(lines[-1].strip().split(",")[2])
    audit = new_audit(vote, tmp_path / "audit")
    v = vote
    plan = ok_json(
        cli(
            "audit",
            "plan",
            "--returns",
            str(v.returns),
            "--manifest",
            str(short),
            "--seed",
            SEED,
            "--kind",
            "polling",
            *FAST,
            *audit.db,
            "--json",
        )
    )["plan"]
    # Reported ballots the manifest lacks are phantoms: they count against the outcome.
    assert plan["reported"]["phantom"] == missing
    cards = v.synth["cards"] - missing
    assert sum(plan["reported"].values()) == v.synth["cards"]
    accounting = plan["accounting"]
    assert (accounting["manifest_cards"], accounting["reported_ballots"]) == (
        cards,
        v.synth["cards"],
    )
    assert accounting["agrees_with_report"] is False
    assert accounting["holds"] is True


def test_a_manifest_short_by_a_tenth_still_plans_a_round_it_can_draw(
    vote: Vote, tmp_path: Path
) -> None:
    lines = vote.manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for index, line in enumerate(lines[1:]) if index % 10 != 3]
    short = tmp_path / "short-manifest.csv"
    short.write_text(lines[0] + "".join(kept), encoding="utf-8")
    cards = sum(int(line.strip().split(",")[2]) for line in kept)
    audit = new_audit(vote, tmp_path / "audit")
    v = vote
    shown = ok_json(
        cli(
            "audit",
            "plan",
            "--returns",
            str(v.returns),
            "--manifest",
            str(short),
            "--seed",
            SEED,
            "--kind",
            "polling",
            *FAST,
            *audit.db,
            "--json",
        )
    )
    # N is the larger of the manifest's cards and the reported ballots; the reported
    # ballots the manifest lacks are phantoms in the sampling frame (Banuelos & Stark 2012).
    frame = max(cards, v.synth["cards"])
    assert sum(shown["plan"]["reported"].values()) == frame
    assert shown["plan"]["reported"]["phantom"] == v.synth["cards"] - cards
    assert shown["first_round"] <= frame
    ok_json(
        cli(
            "audit",
            "sample",
            "--manifest",
            str(short),
            *audit.db,
            "--out",
            str(audit.listing(1)),
            "--json",
        )
    )


def test_a_card_not_found_counts_against_the_outcome(planned: Audit) -> None:
    ok_json(planned.sample(1, "--json"))
    planned.read_paper(1)
    path = planned.results(1)
    rows = csv_rows(path)
    rows[0]["vote"] = "NOT_FOUND"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    shown = ok_json(planned.record(path, "--cvrs", str(planned.vote.cvrs), "--json"))
    # One missing card is a two-vote overstatement: the same cards no longer confirm.
    assert shown["status"] == "in-progress"
    assert shown["risks"]["approval"] > 0.5


# --- the reported outcome fails -----------------------------------------------------------


def test_a_reported_failure_is_audited_with_the_complement(tmp_path: Path) -> None:
    close = synthesise(tmp_path / "close", "--yes-share", "0.52")
    canvass = ok_json(cli("vote", "canvass", str(close.returns), "--json"))
    assert canvass["outcome"] == "fails"
    audit = new_audit(close, tmp_path / "audit")
    cvrs = ("--cvrs", str(close.cvrs))
    plan = ok_json(audit.plan(*cvrs, "--json"))
    assert plan["reported"]["outcome"] == "fails"
    assert plan["plan"]["reported_passes"] is False
    assert [(a["condition"], a["claim"], a["assorter"]) for a in plan["plan"]["assertions"]] == [
        ("approval", "No share of valid votes above 45%", "no share > 0.45")
    ]
    assert plan["plan"]["assertions"][0]["reported_margin"] > 0
    ok_json(audit.sample(1, "--json"))
    audit.read_paper(1)
    shown = ok_json(audit.record(audit.results(1), *cvrs, "--json"))
    assert shown["status"] == "confirmed"
    assert shown["risks"]["approval"] <= 0.05


def test_the_plan_table_of_a_reported_failure(tmp_path: Path, runner: CliRunner) -> None:
    close = synthesise(tmp_path / "close", "--yes-share", "0.52")
    audit = new_audit(close, tmp_path / "audit")
    result = runner.invoke(
        app,
        [
            "audit",
            "plan",
            "--returns",
            str(close.returns),
            "--manifest",
            str(close.manifest),
            "--seed",
            SEED,
            "--cvrs",
            str(close.cvrs),
            *FAST,
            *audit.db,
        ],
        env=WIDE,
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Audit 1: comparison, risk limit 5%; reported outcome FAILS."
    assert any("No share of valid votes above 45%" in line for line in lines)
    assert lines[-1].startswith("First round: ")


# --- user mistakes -----------------------------------------------------------------------


def test_plan_with_a_twelve_digit_seed(vote: Vote, tmp_path: Path) -> None:
    v = vote
    result = cli(
        "audit",
        "plan",
        "--returns",
        str(v.returns),
        "--manifest",
        str(v.manifest),
        "--seed",
        "123456789012",
        "--database-url",
        f"sqlite:///{tmp_path / 'a.sqlite3'}",
    )
    assert assert_user_error(result) == [
        "error: the audit seed must be 20 decimal digits (1 problem):",
        "  seed: expected 20 digits such as 12345678901234567890 (value: '123456789012')",
    ]


def test_plan_a_comparison_audit_without_cvrs(vote: Vote, tmp_path: Path) -> None:
    audit = new_audit(vote, tmp_path)
    assert assert_user_error(audit.plan("--kind", "comparison")) == [
        "error: a comparison audit needs cast vote records (1 problem):",
        "  --cvrs: is required for --kind comparison",
    ]


def test_commands_before_any_plan(vote: Vote, tmp_path: Path) -> None:
    audit = new_audit(vote, tmp_path)
    expected = ["error: no audit in the store yet: run `calexit audit plan` first"]
    assert assert_user_error(audit.sample(1)) == expected
    assert assert_user_error(cli("audit", "status", *audit.db)) == expected


@pytest.fixture
def planned(vote: Vote, tmp_path: Path) -> Audit:
    audit = new_audit(vote, tmp_path)
    ok_json(audit.plan("--cvrs", str(vote.cvrs), "--json"))
    return audit


def test_record_when_no_round_is_drawn(planned: Audit) -> None:
    result = planned.record(planned.vote.paper, "--cvrs", str(planned.vote.cvrs))
    assert assert_user_error(result) == [
        "error: audit 1 has no drawn round waiting for results: run `calexit audit sample` first"
    ]


def test_sample_with_a_different_manifest(planned: Audit) -> None:
    other = planned.folder / "other-manifest.csv"
    shutil.copyfile(planned.vote.manifest, other)
    with other.open("a", encoding="utf-8") as handle:
        handle.write("Alpine,06003-99999,1\n")
    result = cli("audit", "sample", "--manifest", str(other), *planned.db)
    assert assert_user_error(result) == [
        "error: other-manifest.csv is not the file the audit was planned with (1 problem):",
        f"  --manifest: has a different SHA-256 (value: '{other}')",
    ]
    assert planned.status()["rounds"] == []


def test_sample_twice_without_recording(planned: Audit) -> None:
    ok_json(planned.sample(1, "--json"))
    assert assert_user_error(planned.sample(2)) == [
        "error: round 1 of audit 1 is drawn but not recorded: run `calexit audit record` first"
    ]
    assert [r["status"] for r in planned.status()["rounds"]] == ["drawn"]


def test_record_results_that_do_not_match_the_round(planned: Audit) -> None:
    ok_json(planned.sample(1, "--json"))
    listed = csv_rows(planned.listing(1))
    drawn = {(r["county"], r["batch"], r["position"]) for r in listed}
    paper = csv_rows(planned.vote.paper)
    undrawn = next(r for r in paper if (r["county"], r["batch"], r["position"]) not in drawn)
    missing = listed[0]
    wanted = drawn - {(missing["county"], missing["batch"], missing["position"])}
    rows = [r for r in paper if (r["county"], r["batch"], r["position"]) in wanted] + [undrawn]
    bad = planned.folder / "bad-results.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["county", "batch", "position", "vote"])
        writer.writeheader()
        writer.writerows(rows)
    result = planned.record(bad, "--cvrs", str(planned.vote.cvrs))
    assert assert_user_error(result) == [
        "error: bad-results.csv does not match the round's retrieval list (2 problems):",
        "  bad-results.csv: card: was not drawn in this round (value: "
        f"'{undrawn['county']}/{undrawn['batch']}/{undrawn['position']}')",
        "  bad-results.csv: card: has no hand result (value: "
        f"'{missing['county']}/{missing['batch']}/{missing['position']}')",
    ]
    # Nothing was recorded: the round still waits for its results.
    assert [r["status"] for r in planned.status()["rounds"]] == ["drawn"]


def test_record_a_comparison_round_without_its_cvrs(planned: Audit) -> None:
    ok_json(planned.sample(1, "--json"))
    planned.read_paper(1)
    assert assert_user_error(planned.record(planned.results(1))) == [
        "error: a comparison audit needs its CVRs (1 problem):",
        "  --cvrs: is required",
    ]


def test_read_paper_without_the_paper(planned: Audit) -> None:
    ok_json(planned.sample(1, "--json"))
    absent = planned.folder / "absent.csv"
    result = cli(
        "audit",
        "read-paper",
        "--paper",
        str(absent),
        "--retrieval-list",
        str(planned.listing(1)),
        "--out",
        str(planned.results(1)),
    )
    assert assert_user_error(result) == [
        "error: no such file (1 problem):",
        f"  --paper: does not exist (value: '{absent}')",
    ]


def test_sample_more_cards_than_the_manifest_holds(planned: Audit) -> None:
    cards = planned.vote.synth["cards"]
    assert assert_user_error(planned.sample(1, "--size", str(cards + 1))) == [
        "error: the sample does not fit in the manifest (1 problem):",
        f"  size: must lie between 0 and {cards} (value: '{cards + 1}')",
    ]
    assert planned.status()["rounds"] == []


def test_bundle_a_comparison_audit_without_its_cvrs(comparison: Audit, tmp_path: Path) -> None:
    v = comparison.vote
    result = cli(
        "audit",
        "bundle",
        "--returns",
        str(v.returns),
        "--manifest",
        str(v.manifest),
        "--out",
        str(tmp_path / "bundle"),
        *comparison.db,
    )
    assert assert_user_error(result) == [
        "error: a comparison audit's bundle needs its CVRs (1 problem):",
        "  --cvrs: is required",
    ]
    assert not (tmp_path / "bundle").exists()


def test_plan_with_a_risk_limit_of_six_decimals(planned: Audit) -> None:
    result = planned.plan("--cvrs", str(planned.vote.cvrs), "--risk-limit", "0.123456")
    lines = assert_user_error(result)
    assert "--risk-limit" in "\n".join(lines)


def test_a_superscript_digit_in_the_manifest_is_a_user_error(vote: Vote, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("county,batch,ballots\nAlameda,06001-00001,\u00b2\n", encoding="utf-8")
    result = cli(
        "audit",
        "plan",
        "--returns",
        str(vote.returns),
        "--manifest",
        str(manifest),
        "--seed",
        SEED,
        "--kind",
        "polling",
        *FAST,
        "--database-url",
        f"sqlite:///{tmp_path / 'a.sqlite3'}",
    )
    assert assert_user_error(result) == [
        "error: manifest.csv has bad rows (1 problem):",
        "  manifest.csv:2:3: ballots: is not a whole number (value: '\u00b2')",
    ]
