"""The commission stage's files: nominees, nominators, quotas (CSV and TOML) and plain pools.

Bad input lists every problem with file, line, column and value, and nothing is returned.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pytest

from calexit.commission.model import Quota
from calexit.commission.nominees import NOMINEE_COLUMNS, DeclaredRole, Gender, Role
from calexit.commission.synth import CommissionSynthSpec, synthesize_commission
from calexit.errors import InputError, Problem
from calexit.files import commission_inputs as ci
from calexit.files.commission_synth_writer import FILES, MANIFEST, synthesize_to
from calexit.files.synth_writer import write_synth
from calexit.petition.synth import SynthSpec, synthesize, synthesize_tables
from calexit.rules.load import builtin_pack

COMMISSION = builtin_pack("calexit-2028").rules.commission
assert COMMISSION is not None
SECTORS = COMMISSION.sectors.value  # type: ignore[union-attr]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def located(error: InputError) -> list[tuple[int | None, int | None, str, str | None]]:
    return [(p.line, p.column, p.key, p.value) for p in error.problems]


HEADER = ",".join(NOMINEE_COLUMNS)
GOOD_ROW = (
    "N1,Ada,B,Lovelace,,San Diego,DEM,academia,F,45-64,12,Harbor Street,Apt 3,San Diego,"
    "92101,30,lobbyist:2010-2012,large-donor:2021"
)


def test_read_a_nominee_intake(tmp_path: Path) -> None:
    path = write(tmp_path / "nominees.csv", f"\ufeff{HEADER}\n{GOOD_ROW}\n")
    read = ci.read_nominees(path, SECTORS)
    (ada,) = read.nominees
    assert read.lines == {"N1": 2}
    assert ada.party == "Democratic"
    assert ada.gender is Gender.FEMALE
    assert ada.region == "Southern Border"
    assert ada.roles == (
        DeclaredRole(Role.LOBBYIST, 2010, 2012),
        DeclaredRole(Role.LARGE_DONOR, 2021, 2021, family=True),
    )
    again = tmp_path / "again.csv"
    ci.write_nominees(again, read.nominees)
    assert ci.read_nominees(again, SECTORS).nominees == read.nominees


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    columns = [c for c in NOMINEE_COLUMNS if c not in ("middle_name", "suffix", "unit")]
    row = "N1,Ada,Lovelace,Alameda,REP,law,M,30-44,1,Oak St,Oakland,94601,8,,"
    (nominee,) = ci.read_nominees(
        write(tmp_path / "n.csv", ",".join(columns) + "\n" + row + "\n"), SECTORS
    ).nominees
    assert (nominee.middle_name, nominee.unit, nominee.roles) == ("", "", ())


def test_missing_columns_are_all_listed(tmp_path: Path) -> None:
    path = write(tmp_path / "n.csv", "nominee_id,first_name,last_name,first_name\nN1,A,B,C\n")
    with pytest.raises(InputError, match="lacks required columns") as caught:
        ci.read_nominees(path, SECTORS)
    problems = located(caught.value)
    assert (1, 4, "first_name", "first_name") in problems  # a repeated header
    missing = {p.key for p in caught.value.problems if p.message == "missing column"}
    assert missing == {
        "county",
        "party",
        "sector",
        "gender",
        "age_band",
        "house_number",
        "street",
        "city",
        "zip",
        "residency_years",
        "declared_roles",
        "family_roles",
    }


def test_every_bad_nominee_cell_is_located(tmp_path: Path) -> None:
    rows = [
        GOOD_ROW,
        # line 3: a repeated id, a county, party, sector, gender, age band and residency
        "N1,Bo,,Li,,Atlantis,Whig,astrology,q,12-17,1,Main St,,Fresno,93701,many,,",
        # line 4: an empty name, no city or zip, roles that cannot be read
        "N3,,,Li,,Fresno,NPP,law,M,65+,1,Main St,,,,9,lobbyist:20x;astronaut:2020,",
        # line 5: more cells than the header
        GOOD_ROW.replace("N1,", "N4,") + ",extra",
    ]
    path = write(tmp_path / "n.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError, match=re.escape("n.csv has bad rows")) as caught:
        ci.read_nominees(path, SECTORS)
    column = {name: i + 1 for i, name in enumerate(NOMINEE_COLUMNS)}
    problems = located(caught.value)
    for key, value in [
        ("nominee_id", "N1"),
        ("county", "Atlantis"),
        ("party", "Whig"),
        ("sector", "astrology"),
        ("gender", "q"),
        ("age_band", "12-17"),
        ("residency_years", "many"),
    ]:
        assert (3, column[key], key, value) in problems, key
    assert (4, column["first_name"], "first_name", "") in problems
    assert (4, column["zip"], "zip", "") in problems
    assert (
        4,
        column["declared_roles"],
        "declared_roles",
        "lobbyist:20x;astronaut:2020",
    ) in problems
    assert (5, None, "", None) in problems
    assert len(problems) == 11
    assert str(caught.value.problems[0]).startswith(
        "n.csv:3:1: nominee_id: repeats the id on line 2"
    )


NOMINATOR_HEADER = (
    "nominator_id,nominee_id,county,signed_on,first_name,middle_name,last_name,"
    "house_number,street,unit,city,zip"
)


def test_read_nominators(tmp_path: Path) -> None:
    text = (
        NOMINATOR_HEADER + ",note\n"
        "M1,N1,san diego,2029-01-05,Ada,,Lovelace,12,Harbor St,,,92101,x\n"
        "M2,N1,Alameda,2029-01-06,Bo,,Li,,,,,,\n"
    )
    read = ci.read_nominators(write(tmp_path / "m.csv", text), {"N1"})
    assert read.rows == 2
    assert read.table.schema.equals(ci.NOMINATOR_SCHEMA)
    assert read.table.column("line").to_pylist() == [2, 3]
    assert read.table.column("county").to_pylist() == ["San Diego", "Alameda"]
    assert read.table.column("signed_on").to_pylist()[0] == date(2029, 1, 5)


def test_bad_nominator_lines(tmp_path: Path) -> None:
    text = (
        NOMINATOR_HEADER + "\n"
        "M1,N1,Alameda,2029-01-05,A,,B,1,Main St,,,94601\n"
        "M1,N9,Atlantis,5 Jan 2029,A,,B,1,Main St,,,94601\n"
        ",,Alameda,2029-02-30,A,,B,1,Main St,,,94601\n"
    )
    with pytest.raises(InputError, match="bad rows") as caught:
        ci.read_nominators(write(tmp_path / "m.csv", text), {"N1"})
    assert located(caught.value) == [
        (3, 1, "nominator_id", "M1"),
        (3, 2, "nominee_id", "N9"),
        (3, 3, "county", "Atlantis"),
        (3, 4, "signed_on", "5 Jan 2029"),
        (4, 1, "nominator_id", ""),
        (4, 2, "nominee_id", ""),
        (4, 4, "signed_on", "2029-02-30"),
    ]
    assert "repeats the id on line 2" in caught.value.problems[0].message
    assert caught.value.problems[1].message == "is not a nominee of the intake"


def test_a_long_list_of_problems_is_cut_and_counted(tmp_path: Path) -> None:
    rows = "".join(f"M{i},N1,Nowhere,2029-01-05,A,,B,1,Main St,,,94601\n" for i in range(300))
    with pytest.raises(InputError) as caught:
        ci.read_nominators(write(tmp_path / "m.csv", NOMINATOR_HEADER + "\n" + rows))
    assert len(caught.value.problems) == ci.MAX_PROBLEMS
    assert caught.value.total == 300
    assert "the first 200 are listed" in caught.value.lines()[0]


# --- quotas ------------------------------------------------------------------------------


def test_quota_csv_and_the_sortition_header_variants(tmp_path: Path) -> None:
    plain = write(
        tmp_path / "q.csv", "feature,value,min,max\nregion,Bay Area,4,5\nparty,Other,1,2\n"
    )
    assert ci.read_quotas(plain).quotas == (
        Quota("region", "Bay Area", 4, 5),
        Quota("party", "Other", 1, 2),
    )
    old = write(
        tmp_path / "old.csv",
        "category,name,min,max,min_flex,max_flex\nregion,Bay Area,4,5,0,20\nparty,Other,1,2,0,20\n",
    )
    assert ci.read_quotas(old).quotas == ci.read_quotas(plain).quotas
    spaced = write(tmp_path / "s.csv", " Feature ,Category Value,MIN,Max\nregion,Bay Area,4,5\n")
    found = ci.read_quotas(spaced)
    assert found.quotas == (Quota("region", "Bay Area", 4, 5),)
    assert found.line_of(found.quotas[0]) == 2


def test_every_bad_quota_is_located(tmp_path: Path) -> None:
    text = (
        "feature,value,min,max\n"
        "region,Bay Area,-1,5\n"  # negative
        "region,Central Coast,3,1\n"  # crossed
        "party,Other,one,2.5\n"  # not whole numbers
        ",Green,0,1\n"  # no feature
        "region,Bay Area,1,2\n"  # repeated
    )
    with pytest.raises(InputError, match="bad quotas") as caught:
        ci.read_quotas(write(tmp_path / "q.csv", text))
    assert located(caught.value) == [
        (2, 3, "min", "-1"),
        (3, 4, "max", "1"),
        (4, 3, "min", "one"),
        (4, 4, "max", "2.5"),
        (5, 1, "feature", ""),
        (6, 2, "value", "Bay Area"),
    ]
    messages = [p.message for p in caught.value.problems]
    assert messages[:2] == ["is negative", "is less than the min (3)"]
    assert messages[-1] == "repeats the quota on line 2"


def test_quotas_that_cannot_fill_the_seats(tmp_path: Path) -> None:
    text = "feature,value,min,max\nregion,A,12,25\nregion,B,10,10\nparty,D,1,3\nparty,R,1,3\n"
    with pytest.raises(InputError, match="cannot fill 20 seats") as caught:
        ci.read_quotas(write(tmp_path / "q.csv", text), seats=20)
    assert [(p.line, p.key, p.value, p.message) for p in caught.value.problems] == [
        (2, "min", "region", "the minimums of region add up to 22, more than the 20 seats"),
        (4, "max", "party", "the maximums of party add up to 6, fewer than the 20 seats"),
    ]
    alone = write(tmp_path / "alone.csv", "feature,value,min,max\nregion,A,21,22\n")
    with pytest.raises(InputError) as caught:
        ci.read_quotas(alone, seats=20)
    assert caught.value.problems[0].message == "the minimum 21 is more than the 20 seats"
    assert caught.value.problems[0].value == "region=A"
    assert ci.read_quotas(alone).quotas == (Quota("region", "A", 21, 22),)


def test_quota_toml_round_trip_and_problems(tmp_path: Path) -> None:
    quotas = (Quota("region", "Bay Area", 4, 5), Quota("party", 'The "Other"', 4, 5))
    path = tmp_path / "q.toml"
    ci.write_quotas_toml(path, quotas, seats=5)
    read = ci.read_quotas(path)
    assert read.quotas == quotas
    assert read.panel_size == 5
    assert read.line_of(quotas[0]) == 4
    bad = write(
        tmp_path / "bad.toml",
        'panel_size = "twenty"\n'
        "colour = 1\n"
        "[quotas.region]\n"
        '"Bay Area" = { min = -1, max = 5 }\n'
        '"Central Coast" = { min = 3, max = 1 }\n'
        '"Inland Empire" = { min = 1 }\n'
        '"Southern Border" = { min = 1, max = 2, share = 3 }\n',
    )
    with pytest.raises(InputError, match="bad quotas") as caught:
        ci.read_quotas(bad)
    assert [(p.line, p.key) for p in caught.value.problems] == [
        (2, "colour"),
        (1, "panel_size"),
        (4, "quotas.region.Bay Area.min"),
        (5, "quotas.region.Central Coast.max"),
        (6, "quotas.region.Inland Empire"),
        (7, "quotas.region.Southern Border.share"),
    ]
    broken = write(tmp_path / "broken.toml", "[quotas.region\n")
    with pytest.raises(InputError, match="not valid TOML"):
        ci.read_quotas(broken)


# --- pools -------------------------------------------------------------------------------

QUOTAS = "feature,value,min,max\nregion,North,1,2\nregion,South,1,2\nparty,D,1,2\nparty,R,1,2\n"


def test_read_a_plain_pool(tmp_path: Path) -> None:
    quotas = ci.read_quotas(write(tmp_path / "q.csv", QUOTAS), seats=2)
    pool = write(
        tmp_path / "pool.csv",
        "id,region,party,age,household\na,North,D,40,h1\nb,South,R,50,h1\nc,South,D,60,\n",
    )
    read = ci.read_pool(pool, quotas, 2)
    people = {p.id: p for p in read.instance.people}
    assert dict(people["a"].features) == {"region": "North", "party": "D"}
    assert people["a"].household == people["b"].household is not None
    assert people["c"].household is None
    assert read.ignored == ("age",)
    assert read.notes == ("pool.csv: columns no quota names are ignored: age",)
    assert read.instance.panel_size == 2
    out = tmp_path / "written.csv"
    ci.write_pool(out, read.instance)
    assert ci.read_pool(out, quotas, 2).instance == read.instance


def test_a_pool_with_an_address_column(tmp_path: Path) -> None:
    quotas = ci.read_quotas(write(tmp_path / "q.csv", QUOTAS))
    pool = write(
        tmp_path / "pool.csv",
        "id,region,party,address\n"
        "a,North,D,1 Main Street\nb,South,R,1 main st.\nc,South,D,2 Main St\n",
    )
    people = {p.id: p for p in ci.read_pool(pool, quotas, 2).instance.people}
    assert people["a"].household == people["b"].household
    assert people["c"].household != people["a"].household


def test_every_bad_pool_row_is_located(tmp_path: Path) -> None:
    quotas = ci.read_quotas(write(tmp_path / "q.csv", QUOTAS))
    pool = write(
        tmp_path / "pool.csv",
        "id,party,region\na,D,North\na,R,South\nb,Green,East\n,D,\n",
    )
    with pytest.raises(InputError, match=re.escape("pool.csv cannot be drawn from")) as caught:
        ci.read_pool(pool, quotas, 2)
    assert located(caught.value) == [
        (3, 1, "id", "a"),
        (4, 2, "party", "Green"),
        (4, 3, "region", "East"),
        (5, 1, "id", ""),
        (5, 3, "region", ""),
    ]
    assert caught.value.problems[1].message == "no quota names party 'Green'"
    assert str(caught.value.problems[2]) == "pool.csv:4:3: region: no quota names region 'East'"


def test_a_quota_feature_missing_from_the_pool(tmp_path: Path) -> None:
    quotas = ci.read_quotas(write(tmp_path / "q.csv", QUOTAS))
    pool = write(tmp_path / "pool.csv", "id,region\na,North\nb,South\n")
    with pytest.raises(InputError, match="cannot be drawn from") as caught:
        ci.read_pool(pool, quotas, 2)
    assert caught.value.problems == (
        Problem("missing column: q.csv line 4 has a quota on it", "pool.csv", 1, None, "party"),
    )


def test_a_pool_that_cannot_meet_the_quotas(tmp_path: Path) -> None:
    quotas = ci.read_quotas(write(tmp_path / "q.csv", QUOTAS))
    pool = write(tmp_path / "pool.csv", "id,region,party\na,North,D\n")
    with pytest.raises(InputError, match="cannot be drawn from") as caught:
        ci.read_pool(pool, quotas, 2)
    assert [(p.source, p.line, p.key) for p in caught.value.problems] == [("pool.csv", None, "")]
    assert caught.value.problems[0].message == "the pool has 1 people, fewer than the 2 seats"


def test_a_minimum_the_pool_cannot_reach_is_left_to_the_diagnosis(tmp_path: Path) -> None:
    """Not bad input: an infeasible quota, which the lottery diagnoses with a relaxation."""
    quotas = ci.read_quotas(write(tmp_path / "q.csv", QUOTAS))
    pool = write(tmp_path / "pool.csv", "id,region,party\na,North,D\nb,North,R\n")
    found = ci.read_pool(pool, quotas, 2)
    assert len(found.instance.people) == 2


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        ci.read_quotas(tmp_path / "absent.csv")
    (tmp_path / "latin.csv").write_bytes(
        "feature,value,min,max\nregion,S\xe3o,1,2\n".encode("latin-1")
    )
    with pytest.raises(InputError, match=re.escape("cannot read latin.csv")):
        ci.read_quotas(tmp_path / "latin.csv")
    with pytest.raises(InputError, match="is empty"):
        ci.read_nominees(write(tmp_path / "empty.csv", ""), SECTORS)


# --- the synthetic files -----------------------------------------------------------------


def test_the_synthetic_files_round_trip(tmp_path: Path) -> None:
    spec = SynthSpec(seed=3, scale=0.002, signatures=100)
    write_synth(synthesize(spec), spec, tmp_path / "petition")
    small = CommissionSynthSpec(seed=3, nominees=120)
    synth, manifest = synthesize_to(
        tmp_path / "a", tmp_path / "petition" / "voters.parquet", COMMISSION, small
    )
    assert {p.name for p in (tmp_path / "a").iterdir()} == {*FILES, MANIFEST}
    assert manifest["rows"]["nominees"] == 120
    assert manifest["files"]["nominators.csv"]["rows"] == synth.nominators.num_rows
    assert manifest["nominations_close"] == "2029-03-09"
    assert json.loads((tmp_path / "a" / MANIFEST).read_text()) == manifest
    nominees = ci.read_nominees(tmp_path / "a" / "nominees.csv", SECTORS)
    assert nominees.nominees == synth.nominees
    nominators = ci.read_nominators(tmp_path / "a" / "nominators.csv", nominees.lines.keys())
    read_back = nominators.table.drop(["line"])
    assert read_back.to_pylist() == synth.nominators.to_pylist()
    quotas = ci.read_quotas(tmp_path / "a" / "quotas.csv", seats=20)
    assert quotas.quotas == synth.quotas
    # the same voter file and options give byte-identical files
    voters_csv = tmp_path / "voters.csv"
    tables = synthesize_tables(spec)
    pa_csv.write_csv(tables.voters, voters_csv)
    again, _ = synthesize_to(tmp_path / "b", voters_csv, COMMISSION, small)
    assert again.nominees == synth.nominees
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert synthesize_commission(tables.voters, COMMISSION, small).nominees == synth.nominees
