"""The commission draw's audit bundle: committed, drawn, re-verified, and tampered with.

The lotteries are built by hand (three valid panels of a ten-person pool, listed 10 times,
or 334/333/333 times for the default m = 1000), so these tests do not depend on the
selection algorithms. Each tampering test works on its own copy and either leaves the
digests stale or re-signs the whole bundle as a forger would (commitment, draw record
and manifest); the verifier must still name the file and, where it can, the line.
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

from calexit.commission.draw import draw_alternates, draw_index
from calexit.commission.model import Instance, Person, Quota, UniformLottery
from calexit.commission.seed import SeedKind, SeedPlan, dice_seed, drand_seed
from calexit.errors import InputError
from calexit.files.commission_bundle import (
    COMMITTED_FILES,
    read_committed,
    record_draw,
    verify_draw,
    write_commitment,
)
from calexit.files.petition_bundle import Check

DICE = "316254" * 5
SIGNATURE_123 = (
    "b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d"
    "43765482e26cd02df835d3546d23c4b13e0dfc92"
)
"""quicknet round 123 (noislabs/drand-verify's test vector, from api3.drand.sh)."""
SIGNATURE_657413 = (
    "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be"
    "41076862b98fad56e91a6b85b89cd97b"
)

FILES = "files match the manifest"
COMMITTED = "the committed files are the ones announced"
READ = "the bundle can be read"
PANELS = "every listed panel meets the quotas and the household rule"
LOTTERY = "the lottery probabilities follow from the list"
OPTIMAL = "the optimal probabilities sum to the panel size; the list is within the bound"
SEED = "the seed is genuine and the one committed to"
PANEL = "the panel is re-derived from the seed"
ALTERNATES = "the alternates are re-derived from the seed"
VERSIONS = "the code versions are recorded"
DRAWN = "the draw is recorded"
ALL_DRAWN = [FILES, COMMITTED, READ, PANELS, LOTTERY, OPTIMAL, SEED, PANEL, ALTERNATES, VERSIONS]


def person(id_: str, region: str, party: str, household: str | None = None) -> Person:
    # "name" is personal data that is not a quota feature: it must never be published
    return Person(id_, {"region": region, "party": party, "name": f"Name of {id_}"}, household)


POOL = (
    person("P01", "North", "D", "12 Elm Street, Fresno"),
    person("P02", "South", "D", "12 Elm Street, Fresno"),
    person("P03", "North", "R"),
    person("P04", "South", "D"),
    person("P05", "North", "D"),
    person("P06", "South", "R", "9 Oak Avenue, Chico"),
    person("P07", "North", "D"),
    person("P08", "South", "D"),
    person("P09", "North", "R"),
    person("P10", "South", "D"),
)
INSTANCE = Instance(
    POOL,
    (
        Quota("region", "North", 2, 2),
        Quota("region", "South", 2, 2),
        Quota("party", "D", 1, 3),
        Quota("party", "R", 1, 3),
    ),
    4,
)
THREE = (
    frozenset({"P01", "P03", "P04", "P06"}),
    frozenset({"P03", "P07", "P08", "P10"}),
    frozenset({"P02", "P03", "P05", "P06"}),
)
IDS = tuple(p.id for p in POOL)
SMALL = UniformLottery("by hand", THREE * 10, IDS)
DEFAULT = UniformLottery("by hand", (THREE[0],) * 334 + (THREE[1],) * 333 + (THREE[2],) * 333, IDS)
OPTIMAL_SMALL = {p: round(q, 6) for p, q in SMALL.probabilities().items()}


def commit(folder: Path, lottery: UniformLottery, plan: SeedPlan) -> str:
    optimal = lottery.probabilities()
    return write_commitment(
        folder,
        instance=INSTANCE,
        lottery=lottery,
        optimal=optimal,
        seed_plan=plan,
        parameters={"m": lottery.m, "note": "built by hand"},
    )


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("commission") / "committed"
    return folder, commit(folder, SMALL, SeedPlan(SeedKind.DICE))


@pytest.fixture(scope="module")
def drawn(committed: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(shutil.copytree(committed[0], tmp_path_factory.mktemp("drawn") / "bundle"))
    record_draw(folder, dice_seed(DICE))
    return folder


@pytest.fixture(scope="module")
def beacon(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("beacon") / "bundle"
    commitment = commit(folder, DEFAULT, SeedPlan(SeedKind.DRAND_QUICKNET, 123))
    record_draw(folder, drand_seed(123, SIGNATURE_123))
    return folder, commitment


@pytest.fixture
def copy(drawn: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(drawn, tmp_path / "bundle"))


@pytest.fixture
def beacon_copy(beacon: tuple[Path, str], tmp_path: Path) -> Path:
    return Path(shutil.copytree(beacon[0], tmp_path / "bundle"))


# --- helpers


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rehash(folder: Path) -> None:
    """Fix every digest in manifest.json (a careless forger)."""
    manifest = read_json(folder / "manifest.json")
    manifest["files"] = {name: sha(folder / name) for name in manifest["files"]}
    write_json(folder / "manifest.json", manifest)


def resign(folder: Path) -> str:
    """Fix the commitment, the draw's record of it and the manifest (a thorough forger)."""
    commitment = read_json(folder / "commitment.json")
    commitment["files"] = {name: sha(folder / name) for name in COMMITTED_FILES}
    write_json(folder / "commitment.json", commitment)
    digest = sha(folder / "commitment.json")
    if (folder / "draw.json").exists():
        draw = read_json(folder / "draw.json")
        draw["commitment"] = digest
        write_json(folder / "draw.json", draw)
    manifest = read_json(folder / "manifest.json")
    manifest["commitment"] = digest
    write_json(folder / "manifest.json", manifest)
    rehash(folder)
    return digest


def edit_csv(path: Path, change: Callable[[list[list[str]]], object]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def by_name(checks: list[Check]) -> dict[str, tuple[bool, str]]:
    return {c.name: (c.passed, c.detail) for c in checks}


def failed(checks: list[Check]) -> list[str]:
    return [c.name for c in checks if not c.passed]


# --- the untouched bundles


def test_a_committed_bundle_checks_out_but_is_not_yet_drawn(committed: tuple[Path, str]) -> None:
    folder, commitment = committed
    assert sorted(p.name for p in folder.iterdir()) == [
        "algorithm.json",
        "commitment.json",
        "manifest.json",
        "panels.csv",
        "pool.csv",
        "probabilities.csv",
        "quotas.csv",
    ]
    assert commitment == sha(folder / "commitment.json")
    checks = verify_draw(folder, commitment)
    assert failed(checks) == [DRAWN]
    assert f"commitment {commitment}" in by_name(checks)[DRAWN][1]


def test_a_drawn_bundle_passes_every_check(drawn: Path, committed: tuple[Path, str]) -> None:
    checks = verify_draw(drawn, committed[1])
    assert [c.name for c in checks] == ALL_DRAWN
    assert failed(checks) == []
    assert by_name(checks)[COMMITTED][1] == f"commitment {committed[1]} (announced)"
    assert by_name(checks)[SEED][1] == "30 dice rolls"


def test_the_draw_record_is_the_domain_draw(drawn: Path) -> None:
    committed = read_committed(drawn)
    seed = dice_seed(DICE)
    index = draw_index(seed, 30)
    draw = read_json(drawn / "draw.json")
    assert draw["index"] == index
    assert draw["line"] == index + 2
    assert draw["panel"] == sorted(SMALL.panels[index])
    assert draw["seed"] == f"dice:{DICE}"
    assert draw["commitment"] == sha(drawn / "commitment.json")
    with (drawn / "alternates.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = draw_alternates(committed.instance, committed.lottery, SMALL.panels[index], seed)
    assert [r["id"] for r in rows] == list(expected)
    assert [r["rank"] for r in rows] == [str(n) for n in range(1, 7)]
    assert read_json(drawn / "manifest.json")["phase"] == "drawn"


def test_a_beacon_draw_over_a_thousand_panels_verifies(beacon: tuple[Path, str]) -> None:
    folder, commitment = beacon
    checks = verify_draw(folder, commitment)
    assert failed(checks) == []
    assert by_name(checks)[SEED][1] == "quicknet round 123, signature verified"
    assert by_name(checks)[PANEL][1] == "index 941 (panels.csv line 943)"
    seed = read_json(folder / "seed.json")
    assert seed["round_time"] == "2023-08-23T15:15:33+00:00"
    assert seed["randomness"] == hashlib.sha256(bytes.fromhex(SIGNATURE_123)).hexdigest()
    assert read_json(folder / "algorithm.json")["m"] == 1000


def test_the_published_files_hold_no_personal_data(drawn: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in drawn.iterdir())
    assert "Name of" not in text
    assert "Elm Street" not in text and "Oak Avenue" not in text
    with (drawn / "pool.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["id", "household", "region", "party"]
    # the shared household gets a label; people alone (P06 included) get none
    assert rows[1] == ["P01", "H1", "North", "D"]
    assert rows[2] == ["P02", "H1", "South", "D"]
    assert [r[1] for r in rows[3:]] == [""] * 8


def test_the_published_tables(drawn: Path) -> None:
    with (drawn / "probabilities.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    p03 = next(r for r in rows if r["id"] == "P03")
    assert p03 == {
        "id": "P03",
        "optimal_probability": "1.0",
        "lottery_probability": "1.0",
        "panels": "30",
    }
    assert (drawn / "quotas.csv").read_text(encoding="utf-8").splitlines()[:2] == [
        "feature,value,min,max",
        "region,North,2,2",
    ]
    assert (drawn / "panels.csv").read_text(encoding="utf-8").splitlines()[:2] == [
        "index,member_1,member_2,member_3,member_4",
        "0,P01,P03,P04,P06",
    ]
    algorithm = read_json(drawn / "algorithm.json")
    assert algorithm["draw"] == {
        "generator": "sha256-counter-rejection/1",
        "alternates": "weighted-by-panel-count/1",
    }
    assert algorithm["parameters"] == {"m": 30, "note": "built by hand"}


# --- writing and drawing refuse what they must


def test_the_commitment_needs_an_empty_folder_and_a_valid_lottery(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(InputError, match="must be empty"):
        commit(tmp_path / "used", SMALL, SeedPlan(SeedKind.DICE))
    bad = UniformLottery("by hand", (*THREE, frozenset({"P05", "P07", "P08", "P10"})), IDS)
    with pytest.raises(InputError, match="cannot be committed") as caught:
        commit(tmp_path / "bad", bad, SeedPlan(SeedKind.DICE))
    assert [p.key for p in caught.value.problems] == ["panel 3"]
    with pytest.raises(InputError, match="cannot be committed"):
        write_commitment(
            tmp_path / "stranger",
            instance=INSTANCE,
            lottery=SMALL,
            optimal={"P99": 0.5},
            seed_plan=SeedPlan(SeedKind.DICE),
        )


def test_a_bundle_is_drawn_once(copy: Path) -> None:
    with pytest.raises(InputError, match="not yet drawn"):
        record_draw(copy, dice_seed(DICE))


def test_only_the_announced_seed_is_drawn_with(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    commit(folder, SMALL, SeedPlan(SeedKind.DRAND_QUICKNET, 123))
    with pytest.raises(InputError, match="not the one the commitment announced"):
        record_draw(folder, drand_seed(657413, SIGNATURE_657413))
    with pytest.raises(InputError, match="not the one the commitment announced"):
        record_draw(folder, dice_seed(DICE))
    assert not (folder / "draw.json").exists()


def test_a_bundle_changed_after_the_commitment_is_not_drawn(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    commit(folder, SMALL, SeedPlan(SeedKind.DICE))
    edit_csv(folder / "panels.csv", lambda rows: rows.__setitem__(2, rows[3]))
    with pytest.raises(InputError, match="changed since the commitment") as caught:
        record_draw(folder, dice_seed(DICE))
    assert [p.source for p in caught.value.problems] == ["panels.csv"]


# --- tampering


def test_a_changed_file_is_named_by_its_digest(copy: Path) -> None:
    edit_csv(copy / "panels.csv", lambda rows: rows.__setitem__(5, [*rows[5][:-1], "P09"]))
    checks = by_name(verify_draw(copy))
    assert checks[FILES] == (False, "panels.csv (SHA-256 differs)")
    assert not checks[COMMITTED][0]
    assert "panels.csv: differs from the file committed to" in checks[COMMITTED][1]


def test_a_forged_panel_is_caught_by_line(copy: Path, committed: tuple[Path, str]) -> None:
    # panel 3 (line 5) becomes two North and two South, all D
    edit_csv(
        copy / "panels.csv", lambda rows: rows.__setitem__(4, ["3", "P05", "P07", "P08", "P10"])
    )
    resign(copy)
    checks = by_name(verify_draw(copy))
    assert checks[FILES][0] and checks[COMMITTED][0]  # a thorough forger fools the digests
    passed, detail = checks[PANELS]
    assert not passed
    assert detail == (
        "1 of 30 panels: panels.csv:5 (index 3): party=D [1, 3]: 4 members; "
        "party=R [1, 3]: 0 members"
    )
    # ... but not the commitment announced before the draw
    announced = by_name(verify_draw(copy, committed[1]))
    assert not announced[COMMITTED][0]
    assert f"is not the announced {committed[1]}" in announced[COMMITTED][1]


def test_a_forged_lottery_probability_is_caught_by_line(copy: Path) -> None:
    edit_csv(copy / "probabilities.csv", lambda rows: rows[4].__setitem__(2, "0.5"))
    resign(copy)
    checks = verify_draw(copy)
    assert failed(checks) == [LOTTERY]
    assert by_name(checks)[LOTTERY][1] == (
        "probabilities.csv:5 (P04): lottery_probability 0.5, the list gives 0.3333333333333333"
    )


def test_forged_optimal_probabilities_do_not_sum_to_the_panel_size(copy: Path) -> None:
    edit_csv(copy / "probabilities.csv", lambda rows: rows[4].__setitem__(1, "0.9"))
    resign(copy)
    checks = verify_draw(copy)
    assert failed(checks) == [OPTIMAL]
    assert "widest for P04" in by_name(checks)[OPTIMAL][1]


def test_a_forged_index_is_caught(copy: Path) -> None:
    draw = read_json(copy / "draw.json")
    real = draw["index"]
    draw["index"] = (real + 1) % 30
    write_json(copy / "draw.json", draw)
    rehash(copy)
    checks = verify_draw(copy)
    assert failed(checks) == [PANEL]
    assert by_name(checks)[PANEL][1] == f"draw.json: index is {(real + 1) % 30}, re-derived {real}"


def test_a_forged_panel_in_the_draw_record_is_caught(copy: Path) -> None:
    draw = read_json(copy / "draw.json")
    draw["panel"] = sorted(THREE[0]) if draw["panel"] != sorted(THREE[0]) else sorted(THREE[1])
    write_json(copy / "draw.json", draw)
    rehash(copy)
    assert failed(verify_draw(copy)) == [PANEL]


def test_reordered_alternates_are_caught_by_line(copy: Path) -> None:
    def swap(rows: list[list[str]]) -> None:
        rows[2][1], rows[3][1] = rows[3][1], rows[2][1]

    edit_csv(copy / "alternates.csv", swap)
    rehash(copy)
    checks = verify_draw(copy)
    assert failed(checks) == [ALTERNATES]
    detail = by_name(checks)[ALTERNATES][1]
    assert detail.startswith("alternates.csv:3: 2,")
    assert "; alternates.csv:4: 3," in detail


def test_a_dropped_alternate_is_caught(copy: Path) -> None:
    edit_csv(copy / "alternates.csv", lambda rows: rows.pop())
    rehash(copy)
    checks = verify_draw(copy)
    assert failed(checks) == [ALTERNATES]
    assert "5 alternates, re-derived 6" in by_name(checks)[ALTERNATES][1]


def test_a_corrupted_drand_signature_fails_the_seed_check(beacon_copy: Path) -> None:
    seed = read_json(beacon_copy / "seed.json")
    bad = seed["signature"][:10] + ("0" if seed["signature"][10] != "0" else "1")
    bad += seed["signature"][11:]
    seed["text"] = f"drand-quicknet:123:{bad}"
    write_json(beacon_copy / "seed.json", seed)
    rehash(beacon_copy)
    checks = verify_draw(beacon_copy)
    assert failed(checks) == [SEED]
    assert (
        "seed.json: signature: is not quicknet's signature of round 123" in by_name(checks)[SEED][1]
    )


def test_a_different_round_is_not_the_one_committed_to(beacon_copy: Path) -> None:
    seed = drand_seed(657413, SIGNATURE_657413)
    write_json(beacon_copy / "seed.json", seed.describe())
    rehash(beacon_copy)
    checks = by_name(verify_draw(beacon_copy))
    assert not checks[SEED][0]
    assert "the commitment announced drand-quicknet:123" in checks[SEED][1]
    assert "draw.json: seed is not the one in seed.json" in checks[SEED][1]


def test_an_edited_seed_description_is_caught(beacon_copy: Path) -> None:
    seed = read_json(beacon_copy / "seed.json")
    seed["round_time"] = "2030-01-01T00:00:00+00:00"
    write_json(beacon_copy / "seed.json", seed)
    rehash(beacon_copy)
    checks = verify_draw(beacon_copy)
    assert failed(checks) == [SEED]
    assert "seed.json: round_time is '2030-01-01T00:00:00+00:00'" in by_name(checks)[SEED][1]


def test_other_dice_than_those_drawn_with_are_caught(copy: Path) -> None:
    seed = dice_seed("6" * 30)
    write_json(copy / "seed.json", seed.describe())
    rehash(copy)
    checks = by_name(verify_draw(copy))
    assert not checks[SEED][0]
    assert "draw.json: seed is not the one in seed.json" in checks[SEED][1]


def test_a_changed_seed_plan_breaks_the_commitment(
    beacon_copy: Path, beacon: tuple[Path, str]
) -> None:
    commitment = read_json(beacon_copy / "commitment.json")
    commitment["seed_plan"] = "drand-quicknet:657413"
    write_json(beacon_copy / "commitment.json", commitment)
    rehash(beacon_copy)
    checks = by_name(verify_draw(beacon_copy))
    assert not checks[COMMITTED][0]
    assert "manifest.json: commitment" in checks[COMMITTED][1]
    assert "draw.json: commitment" in checks[COMMITTED][1]
    assert not checks[SEED][0]


def test_unreadable_files_give_located_problems(copy: Path) -> None:
    edit_csv(copy / "quotas.csv", lambda rows: rows[2].__setitem__(2, "two"))
    edit_csv(copy / "pool.csv", lambda rows: rows[3].__setitem__(0, "P01"))
    (copy / "algorithm.json").write_text('{"algorithm": "x",\n "m": }', encoding="utf-8")
    resign(copy)
    checks = verify_draw(copy)
    assert failed(checks) == [READ]
    detail = by_name(checks)[READ][1]
    assert "pool.csv:4:1: repeats the id on line 2 (value: 'P01')" in detail
    assert "quotas.csv:3:3: min: is not a whole number (value: 'two')" in detail
    assert "algorithm.json:2:7: is not JSON" in detail


def test_a_missing_file_is_named(copy: Path) -> None:
    (copy / "panels.csv").unlink()
    checks = by_name(verify_draw(copy))
    assert checks[FILES] == (False, "panels.csv (missing)")
    assert checks[READ] == (False, "panels.csv: is missing")


def test_a_file_left_out_of_the_manifest_is_named(copy: Path) -> None:
    manifest = read_json(copy / "manifest.json")
    del manifest["files"]["alternates.csv"]
    write_json(copy / "manifest.json", manifest)
    assert by_name(verify_draw(copy))[FILES] == (False, "alternates.csv (not listed)")


def test_a_folder_without_a_readable_manifest_is_not_a_bundle(copy: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a commission draw bundle") as caught:
        verify_draw(tmp_path / "nowhere")
    assert str(caught.value.problems[0]) == "manifest.json: is missing"
    (copy / "manifest.json").write_text("{\n  nope", encoding="utf-8")
    with pytest.raises(InputError, match="not a commission draw bundle") as caught:
        verify_draw(copy)
    assert caught.value.problems[0].line == 2


def test_the_bundle_reader_lists_every_problem(copy: Path) -> None:
    edit_csv(copy / "panels.csv", lambda rows: rows[3].__setitem__(0, "7"))
    edit_csv(copy / "probabilities.csv", lambda rows: rows.pop(2))
    with pytest.raises(InputError, match="cannot be read") as caught:
        read_committed(copy)
    assert [str(p) for p in caught.value.problems] == [
        "panels.csv:4:1: the index must be 2 (value: '7')",
        "probabilities.csv: id: has no row (value: 'P02')",
    ]
