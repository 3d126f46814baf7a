"""The shipped reference data reproduces the published totals; bad files report every problem.

The totals come from ``src/calexit/reference/data/SOURCES.md``, which names the public
source of each (Secretary of State, Census, FEC, congress-legislators).
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from calexit.errors import InputError, NotFoundError
from calexit.reference.datasets import (
    COUNTY_COLUMNS,
    counties,
    county,
    fact,
    facts,
    load_counties,
    regions,
    shipped_path,
    states,
)
from calexit.rules.load import builtin_pack, parse_pack

# --- counties ------------------------------------------------------------------------


def test_fifty_eight_counties() -> None:
    assert len(counties()) == 58
    assert len({c.name for c in counties()}) == 58
    assert len({c.fips for c in counties()}) == 58


def test_registered_voters_sum_to_the_sos_statewide_total() -> None:
    # SOS 15-day Report of Registration, 21 Oct 2024: 22,595,659 registered (SOURCES.md §1).
    assert sum(c.registered_voters for c in counties()) == 22_595_659


def test_ballots_cast_sum_to_the_sos_statewide_total() -> None:
    # SOS Statement of Vote, 5 Nov 2024: 16,140,044 total voters (SOURCES.md §1).
    assert sum(c.ballots_cast_2024 for c in counties()) == 16_140_044


def test_presidential_votes_sum_to_the_certified_totals() -> None:
    # SOS Statement of Vote 2024 and FEC official results: Harris 9,276,179, Trump 6,081,697.
    assert sum(c.harris_2024 for c in counties()) == 9_276_179
    assert sum(c.trump_2024 for c in counties()) == 6_081_697


def test_eligible_voters_sum() -> None:
    # SOURCES.md §1: sum of eligible_voters = 26,912,931 (SOS Statement of Vote).
    assert sum(c.eligible_voters for c in counties()) == 26_912_931


def test_county_totals_match_the_shipped_facts() -> None:
    assert fact("registered_voters_2024_10_21").value == sum(
        c.registered_voters for c in counties()
    )
    assert fact("ballots_cast_2024_general").value == sum(c.ballots_cast_2024 for c in counties())
    assert fact("president_2024_harris_votes").value == sum(c.harris_2024 for c in counties())
    assert fact("president_2024_trump_votes").value == sum(c.trump_2024 for c in counties())


def test_county_lookup_ignores_case_and_surrounding_spaces() -> None:
    found = county("  los angeles ")
    assert found.name == "Los Angeles"
    assert found.fips == "06037"  # Census FIPS: Los Angeles County is 037
    assert county("SAN   francisco").name == "San Francisco"


def test_unknown_county_raises_not_found_with_the_exact_message() -> None:
    with pytest.raises(NotFoundError) as raised:
        county("Atlantis")
    assert str(raised.value) == "'Atlantis' is not a California county"
    assert raised.value.lines() == ["'Atlantis' is not a California county"]


def test_ten_regions() -> None:
    # SOURCES.md "Region scheme": the nine 2006 ESP regions with Inland Empire split out.
    assert len(regions()) == 10
    assert "Inland Empire" in regions()
    inland = sorted(c.name for c in counties() if c.region == "Inland Empire")
    assert inland == ["Riverside", "San Bernardino"]
    assert len({c.esp_region_2006 for c in counties()}) == 9


# --- states --------------------------------------------------------------------------


def test_fifty_one_rows_fifty_states() -> None:
    assert len(states()) == 51
    assert sum(1 for s in states() if s.is_state) == 50
    assert states()[-1].abbr == "DC"
    assert not states()[-1].is_state


def test_house_seats_and_senators() -> None:
    # Census 2020 apportionment Table 1: 435 seats. congress-legislators (2025): 53 R,
    # 45 D + 2 independents counted as D (SOURCES.md §2).
    assert sum(s.house_seats for s in states()) == 435
    senators_d = sum(s.senators_d for s in states())
    senators_r = sum(s.senators_r for s in states())
    assert (senators_r, senators_d) == (53, 47)
    assert senators_d + senators_r == 100


def test_electoral_votes() -> None:
    # FEC, Official 2024 Presidential General Election Results: 538 electoral votes.
    assert sum(s.electoral_votes for s in states()) == 538


def test_california_row() -> None:
    california = next(s for s in states() if s.abbr == "CA")
    # Census 2020 apportionment: 52 seats; FEC 2024: 54 electoral votes.
    assert california.house_seats == 52
    assert california.electoral_votes == 54
    assert fact("us_house_seats").value == california.house_seats
    assert fact("electoral_votes").value == california.electoral_votes


# --- facts ---------------------------------------------------------------------------


def test_forty_two_facts() -> None:
    # SOURCES.md §3: 42 rows.
    assert len(facts()) == 42


def test_governor_2022_total() -> None:
    # SOS Statement of Vote, 8 Nov 2022: Newsom 6,470,104 + Dahle 4,462,914 = 10,933,018.
    total = fact("governor_2022_total_votes").value
    assert total == 10_933_018
    assert (
        fact("governor_2022_newsom_votes").value + fact("governor_2022_dahle_votes").value  # type: ignore[operator]
        == total
    )


def test_signature_thresholds_follow_from_the_governor_vote() -> None:
    # Cal. Const. art. II, sec. 8(b): 5% (statute) and 8% (constitutional amendment) of the
    # votes for Governor at the last gubernatorial election. The Secretary of State and
    # Ballotpedia publish 546,651 and 874,641 (SOURCES.md §3: "5% = 546,650.9 -> 546,651;
    # 8% = 874,641.4 -> 874,641"). So the published figures are rounded to the nearest
    # whole number. Rounding up would give 874,642 for 8%, not 874,641.
    total = fact("governor_2022_total_votes").value
    assert total is not None
    five, eight = total * Decimal("0.05"), total * Decimal("0.08")
    assert five == Decimal("546650.90")
    assert eight == Decimal("874641.44")
    assert math.ceil(five) == 546_651
    assert math.ceil(eight) == 874_642
    assert five.to_integral_value(ROUND_HALF_UP) == 546_651
    assert eight.to_integral_value(ROUND_HALF_UP) == 874_641
    assert fact("initiative_signatures_statute").value == 546_651
    assert fact("initiative_signatures_constitutional_amendment").value == 874_641


def test_calexit_2028_petition_uses_the_published_statute_threshold() -> None:
    petition = builtin_pack("calexit-2028").rules.petition
    assert petition is not None
    assert petition.gubernatorial_votes.value == fact("governor_2022_total_votes").value
    assert petition.required_signatures.value == fact("initiative_signatures_statute").value


def test_a_pack_with_the_published_constitutional_amendment_threshold_validates() -> None:
    text = builtin_pack("calexit-2028").text
    edited = text.replace(
        'signature_share = { value = "5%"', 'signature_share = { value = "8%"'
    ).replace("required_signatures = { value = 546651", "required_signatures = { value = 874641")
    assert edited.count("874641") == 1
    loaded = parse_pack(edited, "ica.toml")
    assert loaded.rules.petition is not None
    assert (
        loaded.rules.petition.required_signatures.value
        == fact("initiative_signatures_constitutional_amendment").value
    )


def test_unconfirmed_facts_have_no_value() -> None:
    unconfirmed = {f.key for f in facts() if not f.confirmed}
    assert unconfirmed == {
        "registered_democratic_2024_10_21",
        "registered_republican_2024_10_21",
        "registered_no_party_preference_2024_10_21",
        "state_budget_federal_funds_2025_26_enacted",
    }
    for key in unconfirmed:
        assert fact(key).value is None
        assert fact(key).source.startswith("NOT CONFIRMED")


def test_lower_bound_fact_keeps_its_bound() -> None:
    # CA Legislature AJR 11 (2015-16): "more than 30" installations.
    installations = fact("major_military_installations")
    assert installations.bound == ">"
    assert installations.value == 30


def test_unknown_fact_raises_not_found() -> None:
    with pytest.raises(NotFoundError, match="no shipped fact named 'no_such_fact'"):
        fact("no_such_fact")


# --- bad files -----------------------------------------------------------------------


def _edited_copy(tmp_path: Path, edit: Callable[[list[str]], list[str]]) -> Path:
    """A copy of the shipped county CSV under the same name, its lines changed by ``edit``."""
    shipped = shipped_path("ca_counties.csv")
    copy = tmp_path / "ca_counties.csv"
    shutil.copyfile(shipped, copy)
    lines = copy.read_text(encoding="utf-8").splitlines()
    copy.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return copy


def _set_cell(line: str, column: str, value: str) -> str:
    cells = line.split(",")
    cells[COUNTY_COLUMNS.index(column)] = value
    return ",".join(cells)


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    assert load_counties(_edited_copy(tmp_path, lambda lines: lines)) == counties()


def test_every_bad_cell_is_reported_with_file_line_column_key_and_value(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        # line 1 is the header, so lines[2] is file line 3 (Amador), lines[4] line 5 (Calaveras)
        lines[2] = _set_cell(lines[2], "registered_voters", "lots")
        lines[4] = _set_cell(lines[4], "fips", "")
        return lines

    with pytest.raises(InputError) as raised:
        load_counties(_edited_copy(tmp_path, edit))
    error = raised.value
    assert error.summary == "ca_counties.csv has bad rows"
    assert [str(p) for p in error.problems] == [
        "ca_counties.csv:3:6: registered_voters: is not a whole number (value: 'lots')",
        "ca_counties.csv:5:2: fips: is empty",
    ]
    bad_number, empty = error.problems
    assert (bad_number.line, bad_number.column, bad_number.key, bad_number.value) == (
        3,
        6,
        "registered_voters",
        "lots",
    )
    assert (empty.line, empty.column, empty.key, empty.value) == (5, 2, "fips", "")
    assert error.lines()[0] == "ca_counties.csv has bad rows (2 problems):"


def test_bad_value_is_shown_even_when_it_occurs_in_the_message(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        lines[1] = _set_cell(lines[1], "registered_voters", "no")
        return lines

    with pytest.raises(InputError) as raised:
        load_counties(_edited_copy(tmp_path, edit))
    assert [str(p) for p in raised.value.problems] == [
        "ca_counties.csv:2:6: registered_voters: is not a whole number (value: 'no')",
    ]


def test_missing_column_is_named(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        return [line.rsplit(",", 1)[0] for line in lines]  # drop the last column, trump_2024

    with pytest.raises(InputError) as raised:
        load_counties(_edited_copy(tmp_path, edit))
    assert raised.value.summary == "ca_counties.csv lacks required columns"
    assert [str(p) for p in raised.value.problems] == [
        "ca_counties.csv:1: trump_2024: missing column"
    ]


def test_duplicate_county_is_reported(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        return [*lines, lines[1]]  # Alameda again, as line 60

    with pytest.raises(InputError) as raised:
        load_counties(_edited_copy(tmp_path, edit))
    assert raised.value.summary == "ca_counties.csv has bad rows"
    assert [str(p) for p in raised.value.problems] == [
        "ca_counties.csv:60: county: appears twice (first on line 2) (value: 'Alameda')"
    ]


def test_duplicate_line_number_survives_a_blank_line(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        return [lines[0], "", *lines[1:], lines[1]]  # blank line 2; Alameda again on line 61

    with pytest.raises(InputError) as raised:
        load_counties(_edited_copy(tmp_path, edit))
    assert [str(p) for p in raised.value.problems] == [
        "ca_counties.csv:61: county: appears twice (first on line 3) (value: 'Alameda')"
    ]


def test_record_invariant_becomes_a_problem(tmp_path: Path) -> None:
    def edit(lines: list[str]) -> list[str]:
        # Alameda (line 2): registered 961,304 against eligible 1,000
        lines[1] = _set_cell(lines[1], "eligible_voters", "1000")
        return lines

    with pytest.raises(InputError) as raised:
        load_counties(_edited_copy(tmp_path, edit))
    assert [str(p) for p in raised.value.problems] == [
        "ca_counties.csv:2: county Alameda: registered voters exceed eligible voters"
    ]


def test_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_counties(tmp_path / "absent.csv")
