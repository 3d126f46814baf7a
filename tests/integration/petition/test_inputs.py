"""Checking the voter file and the signatures before anything runs: every problem at once.

Each problem names the file, the line (the 1-based row for Parquet), the column, the key
and the value, so that a clerk can go straight to the cell.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from calexit.errors import InputError
from calexit.files.petition_inputs import MAX_PROBLEMS, check_signatures, check_voter_file
from calexit.petition.schema import SIGNATURE_COLUMNS, VOTER_COLUMNS


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def edited(source: Path, target: Path, edits: dict[int, tuple[str, str]]) -> Path:
    """A copy of ``source`` with, on each 1-based line, one text replaced once."""
    rows = lines_of(source)
    for line, (old, new) in edits.items():
        assert old in rows[line - 1], (line, old)
        rows[line - 1] = rows[line - 1].replace(old, new, 1)
    return write(target, rows)


def problems(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_the_fixture_files_are_good(fixture_files: tuple[Path, Path]) -> None:
    voters, signatures = fixture_files
    assert check_voter_file(voters) == 8
    assert check_signatures(signatures) == 11


def test_good_copies_return_their_row_count(
    fixture_files: tuple[Path, Path], tmp_path: Path
) -> None:
    voters, signatures = fixture_files
    rows = lines_of(signatures)
    copy = write(tmp_path / "signatures.csv", [*rows, *(r.replace("s", "t", 1) for r in rows[1:])])
    assert check_signatures(copy) == 22
    assert check_voter_file(write(tmp_path / "voters.csv", lines_of(voters))) == 8


def test_every_voter_file_problem_at_once(fixture_files: tuple[Path, Path], tmp_path: Path) -> None:
    voters, _ = fixture_files
    bad = edited(
        voters,
        tmp_path / "voters.csv",
        {
            3: (",Alameda,", ",Atlantis,"),  # county is column 2
            4: ("2015-03-01", "2027-13-02"),  # registered_on is column 12; month 13
        },
    )
    rows = lines_of(bad)
    write(bad, [*rows, rows[1]])  # line 10 repeats line 2's voter_id and registered_on
    with pytest.raises(InputError) as error:
        check_voter_file(bad)
    assert error.value.summary == "voters.csv has bad rows"
    assert problems(error) == [
        "voters.csv:3:2: county: is not a California county (value: 'Atlantis')",
        "voters.csv:4:12: registered_on: is not a date (expected YYYY-MM-DD) (value: '2027-13-02')",
        "voters.csv:10:1: voter_id: repeats another row's voter_id, registered_on "
        "(value: 'CA000000001')",
    ]
    assert error.value.lines()[0] == "voters.csv has bad rows (3 problems):"


def test_a_voter_may_have_two_registrations(fixture_files: tuple[Path, Path]) -> None:
    # CA000000006 moved: a cancelled row at the old address and an active one at the new.
    voters, _ = fixture_files
    ids = [line.split(",")[0] for line in lines_of(voters)[1:]]
    assert ids.count("CA000000006") == 2
    assert check_voter_file(voters) == 8


def test_every_signature_problem_at_once(fixture_files: tuple[Path, Path], tmp_path: Path) -> None:
    _, signatures = fixture_files
    bad = edited(
        signatures,
        tmp_path / "signatures.csv",
        {
            2: ("s1,Alameda", "s1,Narnia"),  # county, column 2
            3: (",1,2,", ",1,two,"),  # line, column 4
            4: ("s3,", "s2,"),  # signature_id s2 again (first on line 3)
            5: ("s5,", ","),  # a blank signature_id
            6: ("2027-12-03", "2027-13-02"),  # signed_on, column 5
            7: (",false,", ",maybe,"),  # withdrawn, column 14
        },
    )
    with pytest.raises(InputError) as error:
        check_signatures(bad)
    assert problems(error) == [
        "signatures.csv:2:2: county: is not a California county (value: 'Narnia')",
        "signatures.csv:3:4: line: is not a whole number (value: 'two')",
        "signatures.csv:4:1: signature_id: appears twice (value: 's2')",
        "signatures.csv:5:1: signature_id: is empty",
        "signatures.csv:6:5: signed_on: is not a date (expected YYYY-MM-DD) (value: '2027-13-02')",
        "signatures.csv:7:14: withdrawn: is not true or false (value: 'maybe')",
    ]
    assert error.value.lines()[0] == "signatures.csv has bad rows (6 problems):"


def test_two_problems_on_one_line_come_in_column_order(
    fixture_files: tuple[Path, Path], tmp_path: Path
) -> None:
    _, signatures = fixture_files
    bad = edited(
        signatures,
        tmp_path / "s.csv",
        {8: ("s8,Alameda,2,1,", "s8,Nowhere,2,first,")},
    )
    with pytest.raises(InputError) as error:
        check_signatures(bad)
    assert problems(error) == [
        "s.csv:8:2: county: is not a California county (value: 'Nowhere')",
        "s.csv:8:4: line: is not a whole number (value: 'first')",
    ]


def test_missing_columns_are_all_named(fixture_files: tuple[Path, Path], tmp_path: Path) -> None:
    voters, signatures = fixture_files
    rows = lines_of(voters)
    header = rows[0].split(",")
    keep = [i for i, name in enumerate(header) if name not in ("last_name", "registered_on")]
    cut = [",".join(r.split(",")[i] for i in keep) for r in rows]
    with pytest.raises(InputError) as error:
        check_voter_file(write(tmp_path / "voters.csv", cut))
    assert error.value.summary == "voters.csv lacks required columns"
    assert problems(error) == [
        "voters.csv:1: last_name: missing column",
        "voters.csv:1: registered_on: missing column",
    ]
    rows = lines_of(signatures)
    renamed = write(tmp_path / "sig.csv", [rows[0].replace("signed_on", "date"), *rows[1:]])
    with pytest.raises(InputError) as error:
        check_signatures(renamed)
    assert problems(error) == ["sig.csv:1: signed_on: missing column"]


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        check_voter_file(tmp_path / "absent.csv")
    assert problems(error) == [f"{tmp_path / 'absent.csv'}: no such file"]


def to_parquet(csv: Path, parquet: Path) -> Path:
    connection = duckdb.connect()
    try:
        connection.execute(
            f"copy (select * from read_csv('{csv}', header = true, all_varchar = true)) "
            f"to '{parquet}' (format parquet)"
        )
    finally:
        connection.close()
    return parquet


def test_parquet_reports_the_one_based_row(
    fixture_files: tuple[Path, Path], tmp_path: Path
) -> None:
    voters, signatures = fixture_files
    # CSV line 4 holds the third data row; in Parquet that is row 3.
    bad_csv = edited(voters, tmp_path / "v.csv", {4: (",Alameda,", ",Gondor,")})
    bad = to_parquet(bad_csv, tmp_path / "voters.parquet")
    with pytest.raises(InputError) as error:
        check_voter_file(bad)
    assert problems(error) == [
        "voters.parquet:3:2: county: is not a California county (value: 'Gondor')"
    ]
    assert check_voter_file(to_parquet(voters, tmp_path / "good.parquet")) == 8
    assert check_signatures(to_parquet(signatures, tmp_path / "s.parquet")) == 11


def test_typed_parquet_columns_are_checked_as_text(
    fixture_files: tuple[Path, Path], tmp_path: Path
) -> None:
    # A Parquet file with real DATE, BIGINT and BOOLEAN columns passes as it is.
    _, signatures = fixture_files
    path = tmp_path / "typed.parquet"
    connection = duckdb.connect()
    try:
        connection.execute(
            f"copy (select * replace (cast(signed_on as date) as signed_on, "
            f"cast(line as bigint) as line, cast(withdrawn as boolean) as withdrawn) "
            f"from read_csv('{signatures}', header = true, all_varchar = true)) "
            f"to '{path}' (format parquet)"
        )
        described = connection.execute(f"describe select * from '{path}'").fetchall()
        types = {row[0]: row[1] for row in described}
    finally:
        connection.close()
    assert types["signed_on"] == "DATE"
    assert check_signatures(path) == 11


def test_line_numbers_stay_exact_in_a_large_file(tmp_path: Path) -> None:
    header = ",".join(SIGNATURE_COLUMNS)
    bad_lines = {2, 123_457, 199_999, 200_001}
    rows = [header]
    for line in range(2, 200_002):
        county = "Narnia" if line in bad_lines else "Alameda"
        rows.append(f"s{line},{county},1,{line},2027-12-01,Bob,,Smith,1,Oak St,,,94601,false,")
    with pytest.raises(InputError) as error:
        check_signatures(write(tmp_path / "big.csv", rows))
    assert [p.line for p in error.value.problems] == sorted(bad_lines)
    assert {p.column for p in error.value.problems} == {2}


def test_very_many_bad_cells_are_capped_and_counted(tmp_path: Path) -> None:
    header = ",".join(VOTER_COLUMNS)
    rows = [header]
    for i in range(MAX_PROBLEMS + 50):
        rows.append(f"CA{i:09d},Mordor,Ann,,Lee,,1,Main St,,Town,90001,2001-01-01,,1950-01-01,")
    with pytest.raises(InputError) as error:
        check_voter_file(write(tmp_path / "many.csv", rows))
    assert len(error.value.problems) == MAX_PROBLEMS
    assert error.value.total == MAX_PROBLEMS + 50
    assert error.value.lines()[0] == (
        f"many.csv has bad rows ({MAX_PROBLEMS + 50} problems; the first {MAX_PROBLEMS} are "
        "listed):"
    )
    assert [p.line for p in error.value.problems] == list(range(2, MAX_PROBLEMS + 2))


def test_the_cap_holds_across_columns(tmp_path: Path) -> None:
    header = ",".join(VOTER_COLUMNS)
    rows = [header]
    for i in range(2 * MAX_PROBLEMS):
        county, day = ("Mordor", "2001-01-01") if i < MAX_PROBLEMS else ("Alameda", "2001-13-01")
        rows.append(f"CA{i:09d},{county},Ann,,Lee,,1,Main St,,Town,90001,{day},,1950-01-01,")
    with pytest.raises(InputError) as error:
        check_voter_file(write(tmp_path / "many.csv", rows))
    assert len(error.value.problems) == MAX_PROBLEMS
    assert error.value.total == 2 * MAX_PROBLEMS
    # The first listed are the earliest lines, whichever column they are in.
    assert [p.line for p in error.value.problems] == list(range(2, MAX_PROBLEMS + 2))
