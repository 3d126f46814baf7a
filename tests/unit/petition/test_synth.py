"""The synthetic voter file, petition and ground truth: shape, determinism and honesty.

Every test runs at a tiny scale (a few thousand signatures) and reads the tables back as
plain Python rows, so the checks are independent of how the generator computes them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest
from faker.providers.person.en_US import Provider as FakerPerson

from calexit.errors import InputError
from calexit.petition.schema import SIGNATURE_COLUMNS, TRUTH_COLUMNS, VOTER_COLUMNS, Reason
from calexit.petition.synth import (
    FILING_DATE,
    ReasonMix,
    SynthSpec,
    SynthTables,
    check_spec,
    persons_per_county,
    synthesize,
    synthesize_tables,
)
from calexit.reference.datasets import counties

SPEC = SynthSpec(seed=7, scale=0.001, signatures=5_000)
ABBREVIATIONS = {
    "st": "street", "ave": "avenue", "blvd": "boulevard", "dr": "drive", "ct": "court",
    "ln": "lane", "rd": "road", "pl": "place", "cir": "circle",
}  # fmt: skip
WINDOW_START = FILING_DATE - timedelta(days=180)

Row = dict[str, Any]


@pytest.fixture(scope="module")
def tables() -> SynthTables:
    return synthesize_tables(SPEC)


@pytest.fixture(scope="module")
def voters(tables: SynthTables) -> list[Row]:
    rows: list[Row] = tables.voters.to_pylist()
    return rows


@pytest.fixture(scope="module")
def lines(tables: SynthTables) -> list[Row]:
    """Signature lines joined with their ground truth."""
    truth = {t["signature_id"]: t for t in tables.truth.to_pylist()}
    rows: list[Row] = tables.signatures.to_pylist()
    return [{**row, **truth[row["signature_id"]]} for row in rows]


@pytest.fixture(scope="module")
def by_voter(voters: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in voters:
        grouped[row["voter_id"]].append(row)
    return grouped


def street(text: str) -> str:
    words = text.lower().split()
    if words:
        words[-1] = ABBREVIATIONS.get(words[-1], words[-1])
    return " ".join(words)


def same_address(line: Row, voter: Row) -> bool:
    """House number and street as registered, ignoring case, spacing and suffix spelling."""
    return line["house_number"] == voter["house_number"] and street(line["street"]) == street(
        voter["street"]
    )


def active(voter: Row, day: date) -> bool:
    cancelled = voter["cancelled_on"]
    return bool(voter["registered_on"] <= day and (cancelled is None or day < cancelled))


def reasons(lines: list[Row], reason: Reason) -> list[Row]:
    return [line for line in lines if line["expected_reason"] == reason.value]


# --- shape -------------------------------------------------------------------------------


def test_columns_and_types_are_the_schemas(tables: SynthTables) -> None:
    assert tables.voters.column_names == list(VOTER_COLUMNS)
    assert tables.signatures.column_names == list(SIGNATURE_COLUMNS)
    assert tables.truth.column_names == list(TRUTH_COLUMNS)
    types = {**dict(zip(tables.voters.column_names, tables.voters.schema.types, strict=True))}
    for name in ("registered_on", "cancelled_on", "date_of_birth"):
        assert types.pop(name) == pa.date32()
    assert set(types.values()) == {pa.string()}
    sig = dict(zip(tables.signatures.column_names, tables.signatures.schema.types, strict=True))
    assert sig.pop("signed_on") == pa.date32()
    assert sig.pop("section") == sig.pop("line") == pa.int32()
    assert sig.pop("withdrawn") == sig.pop("examiner_mismatch") == pa.bool_()
    assert set(sig.values()) == {pa.string()}
    assert set(tables.truth.schema.types) == {pa.string()}
    assert tables.signatures.column("withdrawn").null_count == 0


def test_same_seed_same_tables_other_seed_other_tables() -> None:
    spec = SynthSpec(seed=11, scale=0.0005, signatures=1_500)
    first, again = synthesize_tables(spec), synthesize_tables(spec)
    other = synthesize_tables(SynthSpec(seed=12, scale=0.0005, signatures=1_500))
    for name in ("voters", "signatures", "truth"):
        assert getattr(first, name).equals(getattr(again, name))
        assert not getattr(first, name).equals(getattr(other, name))


def test_batches_do_not_change_the_data() -> None:
    spec = SynthSpec(seed=11, scale=0.0005, signatures=1_500)
    small = SynthSpec(seed=11, scale=0.0005, signatures=1_500, batch_rows=97)
    assert synthesize_tables(spec).voters.equals(synthesize_tables(small).voters)
    la = next(c for c in synthesize(small) if c.name == "Los Angeles")
    assert max(b.num_rows for b in la.voters()) == 97


def test_active_rows_per_county_are_registration_times_scale(voters: list[Row]) -> None:
    active_rows = Counter(v["county"] for v in voters if v["cancelled_on"] is None)
    expected = persons_per_county(SPEC.scale)
    for county, count in zip(counties(), expected, strict=True):
        assert count == max(1, round(county.registered_voters * SPEC.scale))
        assert active_rows[county.name] == count, county.name


def test_movers_have_a_cancelled_row_ending_the_day_they_registered_again(
    by_voter: dict[str, list[Row]], voters: list[Row]
) -> None:
    assert all(re.fullmatch(r"CA\d{9}", v) for v in by_voter)
    moved = {k: rows for k, rows in by_voter.items() if len(rows) > 1}
    assert all(len(rows) == 2 for rows in moved.values())
    assert 0.02 < len(moved) / len(by_voter) < 0.04  # about 3% of people
    across = 0
    for rows in moved.values():
        old, new = sorted(rows, key=lambda r: r["registered_on"])
        assert new["cancelled_on"] is None
        assert old["cancelled_on"] == new["registered_on"] > old["registered_on"]
        assert (old["house_number"], old["street"]) != (new["house_number"], new["street"])
        assert (old["first_name"], old["last_name"]) == (new["first_name"], new["last_name"])
        across += old["county"] != new["county"]
    assert 0.2 < across / len(moved) < 0.5
    assert len(voters) == len(by_voter) + len(moved)


def test_voters_are_adults_registered_between_1975_and_2027(voters: list[Row]) -> None:
    for v in voters:
        assert date(1975, 1, 1) <= v["registered_on"] <= date(2027, 12, 31)
        born = v["date_of_birth"]
        leap_day = (born.month, born.day) == (2, 29)
        eighteen = date(born.year + 18, 3, 1) if leap_day else born.replace(year=born.year + 18)
        assert eighteen <= v["registered_on"]
    parties = Counter(v["party"] for v in voters)
    assert set(parties) == {"DEM", "REP", "NPP", "OTH"}
    assert 0.40 < parties["DEM"] / len(voters) < 0.52
    assert 0.20 < parties["REP"] / len(voters) < 0.30


def test_names_come_from_the_vocabularies(voters: list[Row], lines: list[Row]) -> None:
    firsts = {*FakerPerson.first_names_female, *FakerPerson.first_names_male}
    lasts = {n.lower() for n in FakerPerson.last_names}
    for v in voters:
        assert v["first_name"] in firsts
        assert v["middle_name"] == "" or v["middle_name"] in firsts or len(v["middle_name"]) == 1
        assert all(p.replace("'", "").lower() in lasts for p in v["last_name"].split("-"))
        assert v["suffix"] in {"", "Jr", "Sr", "II", "III"}
    suffixed = sum(v["suffix"] != "" for v in voters) / len(voters)
    assert 0.001 < suffixed < 0.02
    middles = Counter(
        "none" if not v["middle_name"] else "initial" if len(v["middle_name"]) == 1 else "full"
        for v in voters
    )
    assert middles["full"] > middles["initial"] > 0.2 * len(voters)
    for line in lines:
        for field in ("first_name", "middle_name", "last_name"):
            assert not re.search(r"\d", line[field])


def test_households_share_addresses_and_mostly_last_names(voters: list[Row]) -> None:
    homes: dict[tuple[str, ...], list[Row]] = defaultdict(list)
    for v in voters:
        homes[(v["county"], v["house_number"], v["street"], v["city"])].append(v)
    sizes = [len(rows) for rows in homes.values()]
    assert 1.5 < sum(sizes) / len(sizes) < 2.1
    assert max(sizes) <= 5
    shared = [len({r["last_name"] for r in rows}) == 1 for rows in homes.values() if len(rows) > 1]
    assert sum(shared) / len(shared) > 0.6
    assert all(len({r["unit"] for r in rows}) == 1 for rows in homes.values())
    with_unit = sum(rows[0]["unit"] != "" for rows in homes.values()) / len(homes)
    assert 0.2 < with_unit < 0.3


def test_zip_codes_are_californian_and_disjoint_between_counties(voters: list[Row]) -> None:
    owner: dict[str, str] = {}
    for v in voters:
        assert 90001 <= int(v["zip"]) <= 96162
        assert owner.setdefault(v["zip"], v["county"]) == v["county"]
    cities = Counter(v["county"] for v in {(v["county"], v["city"]): v for v in voters}.values())
    assert max(cities.values()) <= 20


# --- signatures and truth --------------------------------------------------------------


def test_ids_sections_and_dates(tables: SynthTables, lines: list[Row]) -> None:
    ids = [line["signature_id"] for line in lines]
    assert len(ids) == len(set(ids)) == SPEC.signatures
    fips = {c.name: c.fips for c in counties()}
    for line in lines:
        expected = f"{fips[line['county']]}-{line['section']:06d}-{line['line']:03d}"
        assert line["signature_id"] == expected
        assert 1 <= line["line"] <= 100
        assert WINDOW_START <= line["signed_on"] < FILING_DATE
    assert tables.truth.column("signature_id").to_pylist() == ids


def test_validity_and_the_reason_mix(lines: list[Row]) -> None:
    counts = Counter(line["expected_reason"] for line in lines)
    assert set(counts) == {r.value for r in Reason}
    assert 0.65 <= counts[Reason.VALID.value] / len(lines) <= 0.75
    invalid = len(lines) - counts[Reason.VALID.value]
    for reason, share in ReasonMix().shares().items():
        assert counts[reason.value] / invalid == pytest.approx(share, abs=0.03), reason


def test_validity_option_moves_the_valid_share() -> None:
    spec = SynthSpec(seed=3, scale=0.001, signatures=4_000, validity=0.5)
    truth = synthesize_tables(spec).truth.column("expected_reason").to_pylist()
    assert 0.45 <= truth.count("VALID") / len(truth) <= 0.55


def test_signatures_split_across_counties_like_registration(lines: list[Row]) -> None:
    per_county = Counter(line["county"] for line in lines)
    total = sum(c.registered_voters for c in counties())
    la = next(c for c in counties() if c.name == "Los Angeles")
    assert per_county["Los Angeles"] / len(lines) == pytest.approx(
        la.registered_voters / total, rel=0.3
    )


def test_valid_and_duplicate_lines_are_voters_registered_there_that_day(
    lines: list[Row], by_voter: dict[str, list[Row]]
) -> None:
    first_line: dict[str, tuple[str, int, int]] = {}
    for line in lines:
        if line["expected_reason"] not in ("VALID", "DUPLICATE"):
            continue
        rows = by_voter[line["true_voter_id"]]
        assert any(
            r["county"] == line["county"] and active(r, line["signed_on"]) and same_address(line, r)
            for r in rows
        ), line
        assert line["withdrawn"] is False and line["examiner_mismatch"] is not True
        assert line["house_number"] and line["street"]
        if line["expected_reason"] == "VALID":
            assert line["true_voter_id"] not in first_line, "a voter counts once"
            first_line[line["true_voter_id"]] = (line["county"], line["section"], line["line"])
    same_section = 0
    for line in reasons(lines, Reason.DUPLICATE):
        county, section, number = first_line[line["true_voter_id"]]
        assert county == line["county"]
        assert (section, number) < (line["section"], line["line"])
        same_section += section == line["section"]
    assert same_section > 0


def test_movers_sign_validly_at_the_old_and_at_the_new_address(
    lines: list[Row], by_voter: dict[str, list[Row]]
) -> None:
    seen: Counter[str] = Counter()
    for line in reasons(lines, Reason.VALID):
        rows = by_voter[line["true_voter_id"]]
        if len(rows) == 2:
            used = next(r for r in rows if same_address(line, r))
            seen["old" if used["cancelled_on"] else "new"] += 1
    assert seen["old"] > 0
    assert seen["new"] > 0


def test_late_registrants_wrong_county_and_wrong_address(
    lines: list[Row], by_voter: dict[str, list[Row]]
) -> None:
    for line in reasons(lines, Reason.REGISTERED_AFTER_SIGNING):
        rows = by_voter[line["true_voter_id"]]
        here = [r for r in rows if r["county"] == line["county"]]
        assert here and all(r["registered_on"] > line["signed_on"] for r in here)
        assert any(same_address(line, r) for r in here)
    for line in reasons(lines, Reason.WRONG_COUNTY):
        rows = by_voter[line["true_voter_id"]]
        assert all(r["county"] != line["county"] for r in rows)
        assert any(same_address(line, r) and active(r, line["signed_on"]) for r in rows)
    for line in reasons(lines, Reason.ADDRESS_MISMATCH):
        rows = by_voter[line["true_voter_id"]]
        assert any(r["county"] == line["county"] and active(r, line["signed_on"]) for r in rows)
        assert not any(same_address(line, r) for r in rows)
    same_street = [
        line
        for line in reasons(lines, Reason.ADDRESS_MISMATCH)
        if any(
            street(line["street"]) == street(r["street"]) for r in by_voter[line["true_voter_id"]]
        )
    ]
    assert len(same_street) > 0.3 * len(reasons(lines, Reason.ADDRESS_MISMATCH))


def test_unregistered_signers_are_nobody_at_their_address(
    lines: list[Row], voters: list[Row]
) -> None:
    at: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for v in voters:
        at[(v["county"], v["house_number"], street(v["street"]))].append(v)
    hard = 0
    unregistered = reasons(lines, Reason.NOT_REGISTERED)
    for line in unregistered:
        assert line["true_voter_id"] is None
        there = at.get((line["county"], line["house_number"], street(line["street"])), [])
        name = (line["first_name"].strip().lower(), line["last_name"].strip().lower())
        assert all(name != (v["first_name"].lower(), v["last_name"].lower()) for v in there)
        if any(v["last_name"].lower() == name[1] for v in there):
            hard += 1
    assert 0.3 < hard / len(unregistered) < 0.6


def test_flags_and_precedence(lines: list[Row]) -> None:
    for line in lines:
        reason = line["expected_reason"]
        assert (line["examiner_mismatch"] is True) == (reason == "SIGNATURE_MISMATCH")
        if reason == "WITHDRAWN":
            assert line["withdrawn"] is True
        if reason == "NO_ADDRESS":
            assert line["house_number"] == line["street"] == line["zip"] == ""
        if reason not in ("SIGNATURE_MISMATCH", "WITHDRAWN", "NO_ADDRESS"):
            assert not line["withdrawn"]
            assert line["house_number"] and line["street"]
    withdrawn = reasons(lines, Reason.WITHDRAWN)
    assert any(line["house_number"] == "" for line in withdrawn), "withdrawn beats no address"
    flagged = [
        *reasons(lines, Reason.WITHDRAWN),
        *reasons(lines, Reason.SIGNATURE_MISMATCH),
        *reasons(lines, Reason.NO_ADDRESS),
    ]
    assert any(line["true_voter_id"] is None for line in flagged), "unregistered, yet flagged"
    examined = Counter(line["examiner_mismatch"] for line in lines)
    assert examined[False] > 0 and examined[None] > examined[False]


def test_lines_carry_realistic_noise(lines: list[Row], by_voter: dict[str, list[Row]]) -> None:
    def share(test: Any) -> float:
        return sum(1 for line in lines if test(line)) / len(lines)

    assert 0.25 < share(lambda r: street(r["street"]) != r["street"].lower()) < 0.45
    assert 0.03 < share(lambda r: r["city"] == "" and r["zip"] != "") < 0.08
    assert 0.005 < share(lambda r: r["zip"] == "" and r["city"] != "") < 0.04
    assert share(lambda r: r["last_name"].isupper() and len(r["last_name"]) > 1) > 0.02
    nicknamed = 0
    for line in reasons(lines, Reason.VALID):
        voter = by_voter[line["true_voter_id"]][0]
        written = line["first_name"].strip().lower()
        nicknamed += written != voter["first_name"].lower() and len(written) > 1
    assert nicknamed > 0.05 * len(reasons(lines, Reason.VALID))


def test_bad_options_are_reported_together() -> None:
    with pytest.raises(InputError) as caught:
        check_spec(SynthSpec(scale=0, validity=1.5, seed=-1), {"scale": "--scale"})
    keys = {p.key for p in caught.value.problems}
    assert keys == {"--scale", "validity", "seed"}
    with pytest.raises(InputError, match="half"):
        list(synthesize(SynthSpec(scale=0.0001, signatures=5_000)))
    with pytest.raises(ValueError, match="sum to 1"):
        ReasonMix(not_registered=0.9)


def test_a_custom_mix() -> None:
    mix = ReasonMix(
        not_registered=0.5,
        address_mismatch=0.5,
        wrong_county=0,
        duplicate=0,
        registered_after_signing=0,
        no_address=0,
        withdrawn=0,
        signature_mismatch=0,
        hard_not_registered=1.0,
    )
    truth = synthesize_tables(SynthSpec(seed=5, scale=0.0005, signatures=800, mix=mix)).truth
    assert set(truth.column("expected_reason").to_pylist()) == {
        "VALID",
        "NOT_REGISTERED",
        "ADDRESS_MISMATCH",
    }
