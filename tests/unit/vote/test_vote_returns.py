"""Checking county returns: every problem at once, each with file:line:column: key.

A small list of counties stands in for the 58 (``check_returns`` takes the list); the
58 shipped counties are used in ``tests/integration/vote``.
"""

from __future__ import annotations

import pytest

from calexit.errors import InputError
from calexit.vote.returns import (
    COLUMNS,
    Cell,
    Counts,
    CountyReturn,
    DraftReturn,
    Located,
    Returns,
    check_returns,
    drafts_from_csv,
    returns_csv,
    whole_number,
)

COUNTIES = ("Alpine", "Modoc", "Sierra", "Trinity", "Mono", "Plumas", "Lassen")
HEADER = ",".join(COLUMNS)


def check(text: str, counties: tuple[str, ...] = COUNTIES) -> Returns:
    return check_returns(drafts_from_csv(text, "returns.csv"), counties, "returns.csv")


def problems(text: str, counties: tuple[str, ...] = COUNTIES) -> list[str]:
    with pytest.raises(InputError) as caught:
        check(text, counties)
    return caught.value.lines()


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


# --- the records -----------------------------------------------------------------------


def test_counts_sum_field_by_field() -> None:
    total = Counts(100, 80, 40, 30, 8, 2) + Counts(50, 20, 10, 5, 1, 0)
    assert total == Counts(150, 100, 50, 35, 9, 2)
    assert total.yes_plus_no == 85
    assert total.unaccounted == 100 - 85 - 9 - 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((-1, 0, 0, 0), "registered must be a whole number of 0 or more, got -1"),
        ((10, 5, True, 0), "yes must be a whole number of 0 or more, got True"),
        ((10, 5, 2.0, 0), "yes must be a whole number of 0 or more, got 2.0"),
        ((10, 11, 0, 0), "ballots_cast exceed registered"),
        ((10, 5, 3, 3), "yes + no + undervotes + overvotes exceed ballots_cast"),
        ((10, 5, 2, 2, 1, 1), "yes + no + undervotes + overvotes exceed ballots_cast"),
    ],
)
def test_counts_refuse_impossible_values(values: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("+", r"\+") + "$"):
        Counts(*values)  # type: ignore[arg-type]


def test_shares_are_exact_and_none_when_empty() -> None:
    counts = Counts(registered=3, ballots_cast=2, yes=1, no=1)
    assert str(counts.participation) == "2/3"
    assert str(counts.yes_share) == "1/2"
    assert Counts(0, 0, 0, 0).participation is None
    assert Counts(5, 5, 0, 0, 5).yes_share is None


def test_returns_refuse_a_county_twice() -> None:
    one = CountyReturn("Alpine", Counts(1, 1, 1, 0))
    with pytest.raises(ValueError, match="a county appears more than once"):
        Returns((one, one))


@pytest.mark.parametrize(
    ("raw", "typed", "expected"),
    [
        ("12", False, 12),
        (" 12 ", False, 12),
        ("+12", False, 12),
        ("0", False, 0),
        ("-5", False, "must not be negative"),
        ("12.5", False, "is not a whole number"),
        ("1,234", False, "is not a whole number"),
        ("1e3", False, "is not a whole number"),
        ("١٢", False, "is not a whole number"),
        ("", False, "is empty"),
        ("   ", False, "is empty"),
        (12, True, 12),
        (-1, True, "must not be negative"),
        (12.0, True, "is not a whole number"),
        (True, True, "is not a whole number"),
        ([1], True, "is not a whole number"),
        ("12", True, "is text, not a number"),
    ],
)
def test_whole_number(raw: object, typed: bool, expected: int | str) -> None:
    assert whole_number(raw, typed=typed) == expected


# --- good CSV --------------------------------------------------------------------------


def test_reads_names_whatever_their_case_and_spacing() -> None:
    text = csv_text(
        "  alpine ,100,60,30,20,8,2",
        "MODOC,200,100,50,40,0,0",
        "Sierra,10,5,1,1,0,0",
        "trinity,10,5,1,1,0,0",
        "Mono,10,5,1,1,0,0",
        "Plumas,10,5,1,1,0,0",
        "Lassen,10,5,1,1,0,0",
    )
    returns = check(text)
    assert [r.county for r in returns.counties] == [
        "Alpine",
        "Modoc",
        "Sierra",
        "Trinity",
        "Mono",
        "Plumas",
        "Lassen",
    ]
    assert returns.counties[0].counts == Counts(100, 60, 30, 20, 8, 2)
    assert returns.statewide == Counts(350, 185, 85, 65, 8, 2)
    assert returns.source == "returns.csv"


def test_header_case_other_columns_blank_lines_and_bom_are_fine() -> None:
    header = "\ufeffCounty, Registered ,fips,ballots_cast,YES,no,undervotes,overvotes"
    text = csv_text("Alpine,100,06003,60,30,20,8,2", "", "Modoc,10,06049,5,1,1,0,0", header=header)
    returns = check(text, ("Alpine", "Modoc"))
    assert returns.statewide == Counts(110, 65, 31, 21, 8, 2)


def test_fewer_votes_than_ballots_is_allowed_and_shown_as_unaccounted() -> None:
    returns = check(csv_text("Alpine,100,60,30,20,1,0"), ("Alpine",))
    assert returns.statewide.unaccounted == 9


def test_the_nesting_bounds_themselves_are_allowed() -> None:
    # Every registered voter voted and every ballot has a yes, a no, an under- or overvote.
    returns = check(csv_text("Alpine,10,10,4,3,2,1", "Modoc,10,10,6,4,0,0"), ("Alpine", "Modoc"))
    assert returns.statewide == Counts(20, 20, 10, 7, 2, 1)
    assert returns.statewide.unaccounted == 0


def test_returns_csv_writes_the_layout_back() -> None:
    text = csv_text("Modoc,10,5,1,1,0,0", "Alpine,100,60,30,20,8,2")
    assert returns_csv(check(text, ("Alpine", "Modoc"))) == text


# --- bad CSV: every problem at once ----------------------------------------------------


def test_every_problem_is_reported_at_once_with_its_location() -> None:
    text = csv_text(
        "Alpine,100,-5,1,1,0,0",
        "Modoc,100,50,12.5,20,0,0",
        "Sierra,100,120,10,10,0,0",
        "Atlantis,100,50,10,10,0,0",
        "modoc,100,50,10,10,0,0",
        "Mono,100,50,30,30,0,0",
        "Plumas,100,50,20,20,6,5",
        ",100,50,10,10,0,0",
        "Trinity,100,,10,10,0,0",
    )
    assert problems(text) == [
        "returns.csv has bad returns; nothing is certified (10 problems):",
        "  returns.csv:2:3: ballots_cast: must not be negative (value: '-5')",
        "  returns.csv:3:4: yes: is not a whole number (value: '12.5')",
        "  returns.csv:4:3: ballots_cast: exceeds registered (100) (value: '120')",
        "  returns.csv:5:1: county: is not a California county (value: 'Atlantis')",
        "  returns.csv:6:1: county: appears twice (first on line 3) (value: 'modoc')",
        "  returns.csv:7:3: ballots_cast: is less than yes + no (60) (value: '50')",
        "  returns.csv:8:3: ballots_cast: is less than yes + no + undervotes + overvotes (51)"
        " (value: '50')",
        "  returns.csv:9:1: county: is empty",
        "  returns.csv:10:3: ballots_cast: is empty",
        "  returns.csv: county: missing county 'Lassen'",
    ]


def test_one_row_can_break_both_nesting_rules() -> None:
    assert problems(csv_text("Alpine,10,20,15,10,0,0"), ("Alpine",))[1:] == [
        "  returns.csv:2:3: ballots_cast: exceeds registered (10) (value: '20')",
        "  returns.csv:2:3: ballots_cast: is less than yes + no (25) (value: '20')",
    ]


def test_thousands_are_counted_with_separators_in_messages() -> None:
    assert problems(csv_text("Alpine,1000,2000,5,5,0,0"), ("Alpine",))[1:] == [
        "  returns.csv:2:3: ballots_cast: exceeds registered (1,000) (value: '2000')",
    ]


def test_each_missing_county_is_named() -> None:
    assert problems(csv_text("Modoc,10,5,1,1,0,0")) == [
        "returns.csv has bad returns; nothing is certified (6 problems):",
        *(
            f"  returns.csv: county: missing county {name!r}"
            for name in COUNTIES
            if name != "Modoc"
        ),
    ]


def test_missing_columns_are_listed() -> None:
    header = "county,registered,ballots_cast,yes,no"
    assert problems(csv_text("Alpine,1,1,1,0", header=header)) == [
        "returns.csv lacks the returns columns (2 problems):",
        "  returns.csv:1: undervotes: missing column",
        "  returns.csv:1: overvotes: missing column",
    ]


def test_an_empty_file_lacks_every_column() -> None:
    lines = problems("")
    assert lines[0] == "returns.csv lacks the returns columns (7 problems):"
    assert lines[1] == "  returns.csv:1: county: missing column"


def test_a_column_twice_in_the_header() -> None:
    assert problems(csv_text("Alpine,1,1,1,0,0,0,0", header=HEADER + ",yes")) == [
        "returns.csv lacks the returns columns (1 problem):",
        "  returns.csv:1:8: yes: appears twice in the header",
    ]


def test_short_and_long_rows() -> None:
    text = csv_text("Alpine,10,5,1,1,0,0,7", "Modoc,10,5")
    assert problems(text, ("Alpine", "Modoc"))[1:] == [
        "  returns.csv:2: has 8 cells but the header has 7",
        "  returns.csv:3:4: yes: is empty",
        "  returns.csv:3:5: no: is empty",
        "  returns.csv:3:6: undervotes: is empty",
        "  returns.csv:3:7: overvotes: is empty",
    ]


def test_json_drafts_carry_a_label_and_a_path() -> None:
    at = Located("r.json", key="$.GpUnit[1].VotersRegistered")
    draft = DraftReturn(
        Cell("Alpine", Located("r.json", key="$.GpUnit[1].Name")),
        {
            "registered": Cell("100", at, typed=True),
            "ballots_cast": Cell(None, Located("r.json", key="$.Election[0].BallotCounts"), "x"),
            **{k: Cell(0, at, typed=True) for k in ("yes", "no", "undervotes", "overvotes")},
        },
        label="Alpine",
    )
    with pytest.raises(InputError) as caught:
        check_returns([draft], ("Alpine",), "r.json", county_key="$.GpUnit")
    assert caught.value.lines()[1:] == [
        "  r.json: $.GpUnit[1].VotersRegistered: Alpine: is text, not a number (value: '100')",
        "  r.json: $.Election[0].BallotCounts: Alpine: x",
    ]
