"""``calexit commission pool`` and ``quotas check|default`` through Typer's CliRunner.

The app is built here the way ``calexit.cli.main`` builds it: a root group that turns a
CalexitError into located lines and exit code 2, a ``commission`` group, and
:func:`calexit.cli.commission_pool.register`.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
import typer
from typer.testing import CliRunner, Result

from calexit.cli.commission_pool import register
from calexit.cli.main import _UserErrorsAsExitCode
from calexit.commission.quotas import FEATURES, default_quotas
from calexit.commission.synth import CommissionSynthSpec
from calexit.files import commission_inputs as ci
from calexit.files.commission_synth_writer import synthesize_to
from calexit.petition.synth import SynthSpec, synthesize_tables
from calexit.rules.load import builtin_pack
from calexit.rules.model import Commission
from calexit.store import open_store

_RULES = builtin_pack("calexit-2028").rules.commission
assert _RULES is not None
COMMISSION: Commission = _RULES
AS_OF = "2029-03-09"
assert COMMISSION.sectors is not None
SECTORS = COMMISSION.sectors.value


def app() -> typer.Typer:
    root = typer.Typer(cls=_UserErrorsAsExitCode)
    commission = typer.Typer()
    register(commission)
    root.add_typer(commission, name="commission")
    return root


def run(*args: str) -> Result:
    return CliRunner().invoke(app(), ["commission", *args])


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nominations")
    voters = synthesize_tables(SynthSpec(seed=5, scale=0.002, signatures=100)).voters
    pq.write_table(voters, folder / "voters.parquet")
    synthesize_to(
        folder / "synth",
        folder / "voters.parquet",
        COMMISSION,
        CommissionSynthSpec(seed=5, nominees=90),
    )
    return folder


@pytest.fixture(scope="module")
def pooled(data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    out = tmp_path_factory.mktemp("pooled")
    result = run(
        "pool",
        str(data / "synth" / "nominees.csv"),
        str(data / "synth" / "nominators.csv"),
        "--voters",
        str(data / "voters.parquet"),
        "--out",
        str(out / "pool.csv"),
        "--as-of",
        AS_OF,
        "--database-url",
        f"sqlite:///{out / 'store.sqlite3'}",
        "--json",
    )
    return out, result


def truth(data: Path) -> dict[str, list[str]]:
    with (data / "synth" / "nominees_truth.csv").open(encoding="utf-8") as handle:
        return {
            row["nominee_id"]: [r for r in row["expected_reasons"].split(";") if r]
            for row in csv.DictReader(handle)
        }


def test_the_pool_decides_as_the_synthetic_truth_says(
    data: Path, pooled: tuple[Path, Result]
) -> None:
    _, result = pooled
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    expected = truth(data)
    eligible = sum(1 for reasons in expected.values() if not reasons)
    assert summary["nominees"] == 90
    assert summary["eligible"] == eligible
    assert summary["rejected"] == 90 - eligible
    wanted = Counter(r for reasons in expected.values() for r in reasons)
    assert summary["reasons"] == {k: wanted.get(k, 0) for k in summary["reasons"]}
    rejected = {r["nominee_id"]: r["reasons"] for r in summary["rejections"]}
    for nominee, reasons in expected.items():
        found = [text.split(":")[0] for text in rejected.get(nominee, [])]
        assert found == reasons, nominee
    assert summary["pool"]["people"] == eligible


def test_the_pool_file_holds_no_personal_data(data: Path, pooled: tuple[Path, Result]) -> None:
    out, _ = pooled
    text = (out / "pool.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == ["id", *FEATURES, "household"]
    nominees = ci.read_nominees(data / "synth" / "nominees.csv", SECTORS).nominees
    for nominee in nominees:
        for personal in (nominee.id, nominee.last_name, nominee.street, nominee.zip):
            assert personal not in text, personal
    assert all(r["id"].startswith("P") for r in rows)
    # the plain-pool reader takes it unchanged, with the default quotas
    quotas = ci.QuotaFile(default_quotas(COMMISSION), {}, "default")
    pool = ci.read_pool(out / "pool.csv", quotas, 20)
    assert len(pool.instance.people) == len(rows)


def test_personal_data_lands_in_the_store(data: Path, pooled: tuple[Path, Result]) -> None:
    out, result = pooled
    summary = json.loads(result.output)
    with open_store(f"sqlite:///{out / 'store.sqlite3'}") as store:
        stored = store.nominees()
        counts = store.nominator_counts()
        runs = store.runs()
    assert len(stored) == 90
    by_id = {n.id: n for n in stored}
    nominees = ci.read_nominees(data / "synth" / "nominees.csv", SECTORS).nominees
    for nominee in nominees:
        record = by_id[nominee.id].record
        assert (record["first_name"], record["last_name"], record["street"]) == (
            nominee.first_name,
            nominee.last_name,
            nominee.street,
        )
        assert record["region"] == nominee.region
        assert (record["pool_id"] is not None) == by_id[nominee.id].eligible
    assert sum(counts.values()) == summary["nominator_lines"]
    pool_ids = {r["id"] for r in csv.DictReader((out / "pool.csv").open(encoding="utf-8"))}
    assert {n.record["pool_id"] for n in stored if n.eligible} == pool_ids
    assert runs[0].stage == "commission"


def test_the_summary_table(data: Path, tmp_path: Path) -> None:
    result = run(
        "pool",
        str(data / "synth" / "nominees.csv"),
        str(data / "synth" / "nominators.csv"),
        "--voters",
        str(data / "voters.parquet"),
        "--out",
        str(tmp_path / "pool.csv"),
        "--as-of",
        AS_OF,
    )
    assert result.exit_code == 0, result.output
    assert "nominees:" in result.output
    assert "NOMINATORS" in result.output and "NOT_REGISTERED" in result.output
    assert "names and addresses stay in the store" in result.output


def test_bad_nominations_are_all_located_and_nothing_is_written(data: Path, tmp_path: Path) -> None:
    header, *rows = (data / "synth" / "nominees.csv").read_text(encoding="utf-8").splitlines()
    cells = rows[0].split(",")
    cells[5] = "Atlantis"  # county
    nominees = tmp_path / "nominees.csv"
    nominees.write_text("\n".join([header, ",".join(cells), *rows[1:]]) + "\n", encoding="utf-8")
    head, *lines = (data / "synth" / "nominators.csv").read_text(encoding="utf-8").splitlines()
    line = lines[0].split(",")
    line[1] = "N99999"  # no such nominee
    line[3] = "yesterday"
    nominators = tmp_path / "nominators.csv"
    nominators.write_text("\n".join([head, ",".join(line), *lines[1:]]) + "\n", encoding="utf-8")
    database = tmp_path / "store.sqlite3"
    result = run(
        "pool",
        str(nominees),
        str(nominators),
        "--voters",
        str(tmp_path / "missing.parquet"),
        "--out",
        str(tmp_path / "pool.csv"),
        "--database-url",
        f"sqlite:///{database}",
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert (
        "nominees.csv:2:6: county: is not a California county (value: 'Atlantis')" in result.output
    )
    assert "nominators.csv:2:2: nominee_id: is not a nominee of the intake" in result.output
    assert "nominators.csv:2:4: signed_on: is not a date" in result.output
    assert "missing.parquet" in result.output
    assert not (tmp_path / "pool.csv").exists()
    assert not database.exists()


# --- quotas ----------------------------------------------------------------------------------


def test_quotas_default_writes_csv_and_toml(tmp_path: Path) -> None:
    result = run("quotas", "default", "--out", str(tmp_path / "q.csv"))
    assert result.exit_code == 0, result.output
    assert ci.read_quotas(tmp_path / "q.csv", seats=20).quotas == default_quotas(COMMISSION)
    assert "Default quotas of calexit-2028 for 20 seats" in result.output
    result = run("quotas", "default", "--seats", "30", "--out", str(tmp_path / "q.toml"), "--json")
    assert result.exit_code == 0, result.output
    read = ci.read_quotas(tmp_path / "q.toml")
    assert read.panel_size == 30
    assert read.quotas == default_quotas(COMMISSION, 30)
    shown = json.loads(result.output)
    assert [(q["feature"], q["value"], q["min"], q["max"]) for q in shown["quotas"]] == [
        (q.feature, q.value, q.min, q.max) for q in read.quotas
    ]


def test_quotas_check_counts_the_pool(pooled: tuple[Path, Result], tmp_path: Path) -> None:
    out, _ = pooled
    run("quotas", "default", "--out", str(tmp_path / "q.csv"))
    result = run(
        "quotas", "check", str(tmp_path / "q.csv"), "--pool", str(out / "pool.csv"), "--json"
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    people = list(csv.DictReader((out / "pool.csv").open(encoding="utf-8")))
    assert found["seats"] == 20
    assert found["pool"]["people"] == len(people)
    for row in found["rows"]:
        assert row["pool"] == sum(1 for p in people if p[row["feature"]] == row["value"])
    shown = run("quotas", "check", str(tmp_path / "q.csv"), "--pool", str(out / "pool.csv"))
    assert "in pool" in shown.output and "no problems found" in shown.output


QUOTAS = (
    "feature,value,min,max\n"
    "region,North,1,3\n"
    "region,South,-1,3\n"  # negative
    "party,D,3,1\n"  # crossed
    "party,R,1,two\n"  # not a number
)


def test_every_bad_quota_is_reported_at_once(tmp_path: Path) -> None:
    quotas = tmp_path / "q.csv"
    quotas.write_text(QUOTAS, encoding="utf-8")
    result = run("quotas", "check", str(quotas))
    assert result.exit_code == 2
    for where in (
        "q.csv:3:3: min: is negative (value: '-1')",
        "q.csv:4:4: max: is less than the min (3) (value: '1')",
        "q.csv:5:4: max: is not a whole number (value: 'two')",
    ):
        assert where in result.output
    missing = tmp_path / "m.csv"
    missing.write_text("feature,min\nregion,1\n", encoding="utf-8")
    result = run("quotas", "check", str(missing))
    assert result.exit_code == 2
    assert "m.csv:1: value or name: missing column" in result.output
    assert "m.csv:1: max: missing column" in result.output


def test_a_bad_pool_and_seat_sums_are_reported_together(tmp_path: Path) -> None:
    quotas = tmp_path / "q.csv"
    quotas.write_text(
        "feature,value,min,max\nregion,North,1,2\nregion,South,2,2\nparty,D,1,3\nparty,R,1,3\n",
        encoding="utf-8",
    )
    pool = tmp_path / "pool.csv"
    pool.write_text(
        "id,region\na,North\na,South\nb,East\nc,South\n",
        encoding="utf-8",
    )
    result = run("quotas", "check", str(quotas), "--pool", str(pool), "--seats", "2")
    assert result.exit_code == 2
    lines = result.output
    assert "the minimums of region add up to 3, more than the 2 seats" in lines
    assert "pool.csv:1: party: missing column" in lines
    assert "pool.csv:3:1: id: repeats the id on line 2 (value: 'a')" in lines
    assert "pool.csv:4:2: region: no quota names region 'East'" in lines
    assert "(4 problems)" in lines
