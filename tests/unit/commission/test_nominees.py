"""The nominee record and the words its intake cells are read with."""

from __future__ import annotations

import pytest

from calexit.commission.nominees import (
    AGE_BANDS,
    NOMINEE_COLUMNS,
    DeclaredRole,
    Gender,
    Nominee,
    PartyGroup,
    Role,
    address_key,
    age_band,
    age_band_of,
    canonical_sector,
    county_name,
    format_roles,
    gender,
    parse_roles,
    party_group,
    party_registration,
    region_of,
)
from calexit.reference.datasets import counties, regions
from calexit.rules.load import builtin_pack

SECTORS = builtin_pack("calexit-2028").rules.commission.sectors.value  # type: ignore[union-attr]


def nominee(**changes: object) -> Nominee:
    values: dict[str, object] = {
        "id": "N1",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "county": "San Diego",
        "party": "American Independent",
        "sector": "academia",
        "gender": Gender.FEMALE,
        "age_band": "45-64",
        "house_number": "12",
        "street": "Harbor Street",
        "unit": "Apt 3",
        "city": "San Diego",
        "zip": "92101",
        "residency_years": 30,
        "roles": (DeclaredRole(Role.LOBBYIST, 2010, 2012),),
    }
    values.update(changes)
    return Nominee(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "registration", "group"),
    [
        ("Democratic", "Democratic", PartyGroup.DEMOCRATIC),
        (" dem ", "Democratic", PartyGroup.DEMOCRATIC),
        ("GOP", "Republican", PartyGroup.REPUBLICAN),
        ("NPP", "No party preference", PartyGroup.NO_PARTY_PREFERENCE),
        ("decline to  state", "No party preference", PartyGroup.NO_PARTY_PREFERENCE),
        ("AIP", "American Independent", PartyGroup.OTHER),
        ("peace and freedom party", "Peace and Freedom", PartyGroup.OTHER),
        ("OTH", "Other", PartyGroup.OTHER),
    ],
)
def test_party_registrations_and_their_pool_group(
    text: str, registration: str, group: PartyGroup
) -> None:
    assert party_registration(text) == registration
    assert party_group(text) is group


def test_an_unknown_party_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="is not a party registration") as caught:
        party_registration("Whig")
    assert "Democratic" in str(caught.value)
    assert "No party preference" in str(caught.value)


def test_gender_age_band_and_sector_vocabularies() -> None:
    assert gender("F") is Gender.FEMALE
    assert gender("non-binary") is Gender.NONBINARY
    assert gender("x") is Gender.NONBINARY
    with pytest.raises(ValueError, match="is not a gender"):
        gender("q")
    assert age_band(" 65+ ") == "65+"
    with pytest.raises(ValueError, match="is not an age band"):
        age_band("40-50")
    assert [age_band_of(a) for a in (18, 29, 30, 44, 45, 64, 65, 99)] == [
        "18-29",
        "18-29",
        "30-44",
        "30-44",
        "45-64",
        "45-64",
        "65+",
        "65+",
    ]
    assert set(AGE_BANDS) == {"18-29", "30-44", "45-64", "65+"}
    with pytest.raises(ValueError, match="adult"):
        age_band_of(17)
    assert canonical_sector("Civil  Rights", SECTORS) == "civil rights"
    with pytest.raises(ValueError, match="is not a sector of the rule pack"):
        canonical_sector("astrology", SECTORS)


def test_county_and_region() -> None:
    assert county_name(" san  diego ") == "San Diego"
    assert region_of("San Diego") == "Southern Border"
    assert region_of("alameda") == "Bay Area"
    assert {region_of(c) for c in ("Alpine", "Fresno", "Los Angeles")} <= set(regions())
    every = {c.name: region_of(c.name) for c in counties()}
    assert len(every) == 58  # California's 58 counties, each in one shipped region
    assert set(every.values()) == set(regions())
    with pytest.raises(ValueError, match="not a California county"):
        county_name("Atlantis")


def test_declared_roles_are_read_sorted_and_written_back() -> None:
    roles = parse_roles("lobbyist:2016-2019; Public Office:2022 ;;large_donor: 2020")
    assert roles == (
        DeclaredRole(Role.LOBBYIST, 2016, 2019),
        DeclaredRole(Role.LARGE_DONOR, 2020, 2020),
        DeclaredRole(Role.PUBLIC_OFFICE, 2022, 2022),
    )
    assert parse_roles(format_roles(roles)) == roles
    assert parse_roles("candidate:2018", family=True) == (
        DeclaredRole(Role.PUBLIC_OFFICE, 2018, 2018, family=True),
    )
    assert parse_roles("") == ()


def test_unreadable_roles_are_all_named() -> None:
    with pytest.raises(ValueError, match="cannot read") as caught:
        parse_roles("lobbyist:2019; astronaut:2020; party-office:2021-2019; lobbyist")
    message = str(caught.value)
    assert "'astronaut:2020'" in message
    assert "'party-office:2021-2019'" in message
    assert "'lobbyist'" in message
    assert "'lobbyist:2019'" not in message


def test_one_address_key_per_dwelling() -> None:
    key = address_key("12", "Harbor Street", "Apt 3", "San Diego", "92101")
    assert address_key("12", "harbor st.", "#3", "", "92101-1234") == key
    assert address_key("12", "HARBOR  ST", "Unit 3", "San Diego", "92101") == key
    assert address_key("12", "Harbor Street", "Apt 4", "San Diego", "92101") != key
    assert address_key("14", "Harbor Street", "Apt 3", "San Diego", "92101") != key
    assert nominee().address_key == key


def test_the_nominee_as_an_intake_row_and_a_store_record() -> None:
    ada = nominee(
        roles=(
            DeclaredRole(Role.LOBBYIST, 2010, 2012),
            DeclaredRole(Role.LARGE_DONOR, 2020, 2020, True),
        )
    )
    cells = ada.cells()
    assert tuple(cells) == NOMINEE_COLUMNS
    assert cells["declared_roles"] == "lobbyist:2010-2012"
    assert cells["family_roles"] == "large-donor:2020"
    assert cells["residency_years"] == "30"
    record = ada.record()
    assert record["region"] == "Southern Border"
    assert record["residency_years"] == 30
    assert record["family_roles"] == ["large-donor:2020"]
    assert ada.party_group is PartyGroup.OTHER
    assert ada.region == "Southern Border"
    assert ada.name == "Ada Lovelace"
