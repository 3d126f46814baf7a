"""Reading returns files (CSV, NIST SP 1500-100 JSON) against the 58 shipped counties.

The example returns (``tests/data/vote/returns-2028-example.csv``) are synthetic, built
from the shipped county data (see ``docs/vote.md``); their statewide sums below were
added up independently (awk over the file), not by calexit.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from calexit.errors import InputError
from calexit.files.vote_returns import (
    nist_report,
    read_csv_returns,
    read_nist_returns,
    read_returns,
    write_nist_report,
)
from calexit.reference.datasets import counties
from calexit.rules.load import builtin_pack
from calexit.rules.model import Passage, RulePack
from calexit.vote.canvass import Outcome, canvass
from calexit.vote.returns import Counts, Returns

EXAMPLE = Path(__file__).parents[2] / "data" / "vote" / "returns-2028-example.csv"
GENERATED = datetime(2028, 12, 15, 17, 0, tzinfo=UTC)
YES_VOTES = "$.Election[0].Contest[0].ContestSelection[0].VoteCounts"


def rules(pack_id: str = "calexit-2028") -> RulePack:
    return builtin_pack(pack_id).rules


def passage(pack_id: str = "calexit-2028") -> Passage:
    found = rules(pack_id).passage
    assert found is not None
    return found


def example_rows() -> list[str]:
    """The documented recipe: 2% undervotes, 0.1% overvotes, the rest split 58/42."""
    rows = ["county,registered,ballots_cast,yes,no,undervotes,overvotes"]
    for c in counties():
        cast = c.ballots_cast_2024
        under, over = cast * 2 // 100, cast // 1000
        yes = (cast - under - over) * 58 // 100
        no = cast - under - over - yes
        rows.append(f"{c.name},{c.registered_voters},{cast},{yes},{no},{under},{over}")
    return rows


def problems(path: Path, **options: Any) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_returns(path, **options)
    return caught.value.lines()


# --- the example returns ---------------------------------------------------------------


def test_the_example_is_built_from_the_shipped_counties_by_the_documented_recipe() -> None:
    assert EXAMPLE.read_text(encoding="utf-8").splitlines() == example_rows()


def test_the_example_statewide_totals() -> None:
    returns = read_returns(EXAMPLE)
    assert len(returns.counties) == 58
    assert returns.statewide == Counts(
        registered=22_595_659,
        ballots_cast=16_140_044,
        yes=9_164_644,
        no=6_636_516,
        undervotes=322_771,
        overvotes=16_113,
    )


def test_the_example_passes_calexit_2028() -> None:
    result = canvass(read_returns(EXAMPLE), passage())
    participation, approval = result.conditions
    # 50% of 22,595,659 = 11,297,829.5 -> 11,297,830 ballots; 16,140,044 were cast.
    assert (participation.needed, participation.margin) == (11_297_830, 4_842_214)
    assert participation.percent == "71.42%"
    # yes + no = 15,801,160; 55% of it = 8,690,638 exactly; 9,164,644 said yes.
    assert (approval.denominator_count, approval.needed, approval.margin) == (
        15_801_160,
        8_690_638,
        474_006,
    )
    assert approval.percent == "57.99%"
    assert result.outcome is Outcome.PASSES


def test_the_example_passes_calexit_now_2026() -> None:
    # More than half of 15,801,160: 7,900,581 needed; 9,164,644 - 7,900,581 = 1,264,063.
    result = canvass(read_returns(EXAMPLE), passage("calexit-now-2026"))
    assert [(c.name, c.needed, c.margin) for c in result.conditions] == [
        ("approval", 7_900_581, 1_264_063)
    ]
    assert result.outcome is Outcome.PASSES


# --- bad CSV files ---------------------------------------------------------------------


def test_counties_left_out_are_each_named(tmp_path: Path) -> None:
    rows = [r for r in example_rows() if not r.startswith(("Alpine,", "Yuba,"))]
    path = tmp_path / "returns-56.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert problems(path) == [
        "returns-56.csv has bad returns; nothing is certified (2 problems):",
        "  returns-56.csv: county: missing county 'Alpine'",
        "  returns-56.csv: county: missing county 'Yuba'",
    ]


def test_a_county_outside_california_and_a_county_twice(tmp_path: Path) -> None:
    rows = example_rows()
    rows[2] = rows[2].replace("Alpine", "Washoe")  # line 3
    rows.append(rows[1].replace("Alameda", "ALAMEDA"))  # line 60
    path = tmp_path / "returns.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert problems(path) == [
        "returns.csv has bad returns; nothing is certified (3 problems):",
        "  returns.csv:3:1: county: is not a California county (value: 'Washoe')",
        "  returns.csv:60:1: county: appears twice (first on line 2) (value: 'ALAMEDA')",
        "  returns.csv: county: missing county 'Alpine'",
    ]


def test_unreadable_files(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    assert problems(missing) == [
        f"cannot read {missing} (1 problem):",
        f"  {missing}: No such file or directory",
    ]
    latin = tmp_path / "latin.csv"
    latin.write_bytes("county\nSan Luis Obispo\xe9\n".encode("latin-1"))
    assert problems(latin) == [
        "cannot read latin.csv (1 problem):",
        "  latin.csv: is not UTF-8 text (value: 'invalid continuation byte')",
    ]
    other = tmp_path / "returns.xlsx"
    assert problems(other) == [
        "cannot read returns from returns.xlsx (1 problem):",
        "  returns.xlsx: expected a .csv or a .json (NIST SP 1500-100) file",
    ]


# --- NIST SP 1500-100 ------------------------------------------------------------------


def example_report() -> dict[str, Any]:
    returns = read_returns(EXAMPLE)
    return nist_report(returns, canvass(returns, passage()), rules(), generated=GENERATED)


def write(tmp_path: Path, report: dict[str, Any], name: str = "report.json") -> Path:
    path = tmp_path / name
    write_nist_report(path, report)
    return path


def test_round_trip_export_then_read_gives_the_same_returns(tmp_path: Path) -> None:
    original = read_csv_returns(EXAMPLE)
    path = write(tmp_path, example_report())
    again = read_nist_returns(path)
    assert again == original
    assert again.counties == original.counties
    assert canvass(again, passage()) == canvass(original, passage())


def test_round_trip_keeps_any_county_order(tmp_path: Path) -> None:
    original = read_csv_returns(EXAMPLE)
    reordered = Returns(tuple(reversed(original.counties)))
    result = canvass(reordered, passage())
    path = write(tmp_path, nist_report(reordered, result, rules(), generated=GENERATED))
    assert read_nist_returns(path) == reordered


def test_the_report_is_a_certified_summary_with_the_state_and_58_counties() -> None:
    report = example_report()
    assert report["@type"] == "ElectionResults.ElectionReport"
    assert (report["Status"], report["Format"]) == ("certified", "summary-contest")
    assert report["GeneratedDate"] == "2028-12-15T17:00:00Z"
    assert report["Notes"] == (
        "Canvassed under rule pack calexit-2028 2028.1: the measure passes "
        "(participation 71.42%, approval 57.99%)."
    )
    units = report["GpUnit"]
    assert [u["Type"] for u in units] == ["state"] + ["county"] * 58
    assert units[1]["@id"] == "gpu-06001"
    assert units[1]["Name"]["Text"][0]["Content"] == "Alameda"
    assert units[0]["VotersRegistered"] == 22_595_659
    election = report["Election"][0]
    assert (election["StartDate"], election["Type"]) == ("2028-11-07", "general")
    contest = election["Contest"][0]
    assert contest["@type"] == "ElectionResults.BallotMeasureContest"
    assert contest["VoteVariation"] == "super-majority"
    assert contest["PassageThreshold"]["Text"][0]["Content"] == (
        "ballots-cast / registered-voters at-least 50%; yes-votes / yes-plus-no at-least 55%"
    )
    yes, no = contest["ContestSelection"]
    assert [s["Selection"]["Text"][0]["Content"] for s in (yes, no)] == ["Yes", "No"]
    assert yes["VoteCounts"][0] == {
        "@type": "ElectionResults.VoteCounts",
        "GpUnitId": "gpu-ca",
        "Type": "total",
        "Count": 9_164_644,
    }


def test_a_majority_pack_is_written_as_majority() -> None:
    returns = read_returns(EXAMPLE)
    result = canvass(returns, passage("calexit-now-2026"))
    report = nist_report(returns, result, rules("calexit-now-2026"), generated=GENERATED)
    assert report["Election"][0]["Contest"][0]["VoteVariation"] == "majority"
    assert report["Election"][0]["StartDate"] == "2026-11-03"


def test_bad_counts_are_located_by_json_path(tmp_path: Path) -> None:
    report = example_report()
    yes_votes = report["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"]
    yes_votes[1]["Count"] = -5  # Alameda
    yes_votes[2]["Count"] = 12.5  # Alpine
    report["GpUnit"][3]["VotersRegistered"] = "26488"  # Amador
    report["Election"][0]["BallotCounts"][4]["BallotsCast"] = 10**9  # Butte
    assert problems(write(tmp_path, report)) == [
        "report.json has bad returns; nothing is certified (5 problems):",
        f"  report.json: {YES_VOTES}[1].Count: Alameda: must not be negative (value: '-5')",
        f"  report.json: {YES_VOTES}[2].Count: Alpine: is not a whole number (value: '12.5')",
        "  report.json: $.GpUnit[3].VotersRegistered: Amador: is text, not a number"
        " (value: '26488')",
        "  report.json: $.Election[0].BallotCounts[4].BallotsCast: Butte: differs from "
        "VotersParticipated (96,106) at $.GpUnit[4] (value: '1000000000')",
        "  report.json: $.Election[0].BallotCounts[4].BallotsCast: Butte: exceeds registered "
        "(125,088) (value: '1000000000')",
    ]


def test_a_county_unit_removed_is_missing_and_its_counts_refer_to_nothing(
    tmp_path: Path,
) -> None:
    report = example_report()
    del report["GpUnit"][2]  # Alpine, gpu-06003
    assert problems(write(tmp_path, report)) == [
        "report.json has bad returns; nothing is certified (5 problems):",
        "  report.json: $.Election[0].BallotCounts[2].GpUnitId: refers to no GpUnit"
        " (value: 'gpu-06003')",
        "  report.json: $.Election[0].Contest[0].ContestSelection[0].VoteCounts[2].GpUnitId: "
        "refers to no GpUnit (value: 'gpu-06003')",
        "  report.json: $.Election[0].Contest[0].ContestSelection[1].VoteCounts[2].GpUnitId: "
        "refers to no GpUnit (value: 'gpu-06003')",
        "  report.json: $.Election[0].Contest[0].OtherCounts[2].GpUnitId: refers to no GpUnit"
        " (value: 'gpu-06003')",
        "  report.json: $.GpUnit: missing county 'Alpine'",
    ]


def test_names_outside_california_twice_and_missing_totals(tmp_path: Path) -> None:
    report = example_report()
    report["GpUnit"][2]["Name"] = "Alameda"  # Alpine's unit, named as a plain string
    report["GpUnit"][3]["Name"] = "Carson City"  # Amador's
    contest = report["Election"][0]["Contest"][0]
    del contest["ContestSelection"][1]["VoteCounts"][5]  # Calaveras has no "No" total
    assert problems(write(tmp_path, report)) == [
        "report.json has bad returns; nothing is certified (5 problems):",
        "  report.json: $.GpUnit[2].Name: Alameda: appears twice (first at $.GpUnit[1].Name)"
        " (value: 'Alameda')",
        "  report.json: $.GpUnit[3].Name: Carson City: is not a California county"
        " (value: 'Carson City')",
        "  report.json: $.Election[0].Contest[0].ContestSelection[1].VoteCounts: Calaveras: "
        "has no total for this county",
        "  report.json: $.GpUnit: missing county 'Alpine'",
        "  report.json: $.GpUnit: missing county 'Amador'",
    ]


def test_breakdowns_and_other_units_are_ignored(tmp_path: Path) -> None:
    report = example_report()
    contest = report["Election"][0]["Contest"][0]
    extra = {"@type": "ElectionResults.VoteCounts", "GpUnitId": "gpu-06001", "Count": 1}
    contest["ContestSelection"][0]["VoteCounts"] += [
        {**extra, "Type": "election-day"},
        {**extra, "Type": "total", "DeviceClass": {"@type": "ElectionResults.DeviceClass"}},
    ]
    report["GpUnit"].append(
        {"@type": "ElectionResults.ReportingUnit", "@id": "p-1", "Type": "precinct"}
    )
    assert read_returns(write(tmp_path, report)) == read_returns(EXAMPLE)


def test_a_second_total_for_a_county_is_refused(tmp_path: Path) -> None:
    report = example_report()
    votes = report["Election"][0]["Contest"][0]["ContestSelection"][0]["VoteCounts"]
    votes.append(dict(votes[1]))
    assert problems(write(tmp_path, report))[1:] == [
        f"  report.json: {YES_VOTES}[59]: repeats the total for GpUnit 'gpu-06001'",
    ]


def test_the_draft_v2_names_are_read_too(tmp_path: Path) -> None:
    report = example_report()
    contest = report["Election"][0]["Contest"][0]
    contest["BallotSelection"] = contest.pop("ContestSelection")
    for unit in report["GpUnit"]:
        unit["Name"] = unit["Name"]["Text"][0]["Content"]
    del report["Election"][0]["BallotCounts"]  # ballots cast from VotersParticipated
    assert read_returns(write(tmp_path, report)) == read_returns(EXAMPLE)


def test_shape_problems_stop_the_reading(tmp_path: Path) -> None:
    report = example_report()
    assert problems(write(tmp_path, {"@type": "ElectionResults.Election"})) == [
        "report.json is not a usable NIST election report (1 problem):",
        "  report.json: $.@type: expected ElectionResults.ElectionReport"
        " (value: 'ElectionResults.Election')",
    ]
    no_contest = copy.deepcopy(report)
    no_contest["Election"][0]["Contest"] = []
    assert problems(write(tmp_path, no_contest))[1:] == [
        "  report.json: $.Election: has no ElectionResults.BallotMeasureContest",
    ]
    maybe = copy.deepcopy(report)
    selection = maybe["Election"][0]["Contest"][0]["ContestSelection"][1]["Selection"]
    selection["Text"][0]["Content"] = "Maybe"
    assert problems(write(tmp_path, maybe))[1:] == [
        "  report.json: $.Election[0].Contest[0].ContestSelection[1].Selection: "
        'is neither "Yes" nor "No" (value: \'Maybe\')',
        '  report.json: $.Election[0].Contest[0].ContestSelection: has no "No" selection',
    ]


def test_two_contests_need_a_name(tmp_path: Path) -> None:
    report = example_report()
    contests = report["Election"][0]["Contest"]
    contests.append({**copy.deepcopy(contests[0]), "@id": "bmc-2", "Name": "Proposition 2"})
    path = write(tmp_path, report)
    assert problems(path)[1:] == [
        "  report.json: $.Election: has 2 ballot measure contests ('California Independence "
        "Plebiscite (initiative statute)', 'Proposition 2'); name one",
    ]
    assert read_returns(path, contest="bmc-2") == read_returns(EXAMPLE)
    assert problems(path, contest="Proposition 9")[1:] == [
        "  report.json: $.Election: has no ElectionResults.BallotMeasureContest named "
        "'Proposition 9'",
    ]


def test_invalid_json_is_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"@type": ', encoding="utf-8")
    assert problems(path) == [
        "broken.json is not JSON (1 problem):",
        "  broken.json:1:11: invalid JSON: Expecting value",
    ]


def test_the_written_file_is_indented_utf8_json(tmp_path: Path) -> None:
    path = write(tmp_path, example_report())
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "@type": "ElectionResults.ElectionReport",')
    assert json.loads(text) == example_report()
