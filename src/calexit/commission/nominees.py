"""Nominees to the commission: the intake record, its columns and the words its cells use.

Nominee intake (CSV, one row per nominee; :data:`NOMINEE_COLUMNS`)::

    nominee_id, first_name, middle_name, last_name, suffix, county, party, sector,
    gender, age_band, house_number, street, unit, city, zip, residency_years,
    declared_roles, family_roles

``middle_name``, ``suffix`` and ``unit`` may be left out of the header; every other
column is required. ``county`` is one of the 58 counties (the region follows from it);
``party`` is the party of registration (:data:`PARTY_NAMES`: ``Democratic``, ``DEM``,
``American Independent``, ``No party preference``, ...); ``sector`` one of the pack's
sectors; ``gender`` ``female``, ``male`` or ``nonbinary`` (``F``, ``M``, ``X``);
``age_band`` one of :data:`AGE_BANDS`; ``residency_years`` the whole years lived in
California. ``declared_roles`` lists the political roles the nominee declares, and
``family_roles`` those of immediate family members, as ``role:year`` or
``role:first-last`` separated by ``;`` (``lobbyist:2016-2019; public-office:2022``);
the roles are :class:`Role`, modelled on Gov. Code 8252(a)(2)(A)-(F).

Nominators (CSV, one row per nominator; :data:`NOMINATOR_COLUMNS`): the nominee they
nominate and the columns the petition stage's matcher reads from a signature line::

    nominator_id, nominee_id, county, signed_on, first_name, middle_name, last_name,
    house_number, street, unit, city, zip

Everything here is pure: parsing a cell returns a value or raises ``ValueError`` with a
message written for the person who filled in the file; the file readers add the place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from calexit.reference.datasets import counties

NOMINEE_COLUMNS: tuple[str, ...] = (
    "nominee_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "county",
    "party",
    "sector",
    "gender",
    "age_band",
    "house_number",
    "street",
    "unit",
    "city",
    "zip",
    "residency_years",
    "declared_roles",
    "family_roles",
)
OPTIONAL_NOMINEE_COLUMNS: tuple[str, ...] = ("middle_name", "suffix", "unit")
"""Columns an intake file may leave out (read as empty)."""

NOMINATOR_COLUMNS: tuple[str, ...] = (
    "nominator_id",
    "nominee_id",
    "county",
    "signed_on",
    "first_name",
    "middle_name",
    "last_name",
    "house_number",
    "street",
    "unit",
    "city",
    "zip",
)
MAX_ID_LENGTH = 64


class PartyGroup(StrEnum):
    """The party feature of the pool: the three largest registrations and the rest."""

    DEMOCRATIC = "Democratic"
    REPUBLICAN = "Republican"
    NO_PARTY_PREFERENCE = "No party preference"
    OTHER = "Other"


_REGISTRATIONS: dict[str, tuple[PartyGroup, tuple[str, ...]]] = {
    "Democratic": (PartyGroup.DEMOCRATIC, ("DEM", "Democrat", "Democratic Party")),
    "Republican": (PartyGroup.REPUBLICAN, ("REP", "GOP", "Republican Party")),
    "No party preference": (
        PartyGroup.NO_PARTY_PREFERENCE,
        ("NPP", "Decline to state", "DTS", "No party", "None"),
    ),
    "American Independent": (PartyGroup.OTHER, ("AIP", "American Independent Party")),
    "Green": (PartyGroup.OTHER, ("GRN", "Green Party")),
    "Libertarian": (PartyGroup.OTHER, ("LIB", "Libertarian Party")),
    "Peace and Freedom": (PartyGroup.OTHER, ("PF", "P&F", "Peace and Freedom Party")),
    "Other": (PartyGroup.OTHER, ("OTH", "Unknown")),
}
PARTY_NAMES: tuple[str, ...] = tuple(_REGISTRATIONS)
"""The registrations an intake file may name (each also by the codes in the docs above)."""


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@cache
def _party_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for name, (_, others) in _REGISTRATIONS.items():
        for alias in (name, *others):
            aliases[_fold(alias)] = name
    return aliases


def party_registration(text: str) -> str:
    """The registration named by ``text`` (``"dem"`` -> ``"Democratic"``)."""
    name = _party_aliases().get(_fold(text))
    if name is None:
        raise ValueError(f"is not a party registration (expected one of {', '.join(PARTY_NAMES)})")
    return name


def party_group(registration: str) -> PartyGroup:
    """The pool's party value for a registration (``American Independent`` -> ``Other``)."""
    return _REGISTRATIONS[party_registration(registration)][0]


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    NONBINARY = "nonbinary"


_GENDERS = {
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "woman": Gender.FEMALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "man": Gender.MALE,
    "x": Gender.NONBINARY,
    "nonbinary": Gender.NONBINARY,
    "non-binary": Gender.NONBINARY,
}


def gender(text: str) -> Gender:
    found = _GENDERS.get(_fold(text))
    if found is None:
        raise ValueError("is not a gender (expected female, male or nonbinary; or F, M, X)")
    return found


AGE_BANDS: tuple[str, ...] = ("18-29", "30-44", "45-64", "65+")


def age_band_of(age: int) -> str:
    """The band of an age in whole years (18 or more)."""
    if age < 18:
        raise ValueError(f"a nominee must be an adult, not {age}")
    if age < 30:
        return "18-29"
    if age < 45:
        return "30-44"
    if age < 65:
        return "45-64"
    return "65+"


def age_band(text: str) -> str:
    value = "".join(text.split())
    if value not in AGE_BANDS:
        raise ValueError(f"is not an age band (expected one of {', '.join(AGE_BANDS)})")
    return value


def canonical_sector(text: str, sectors: Iterable[str]) -> str:
    """The pack's spelling of a sector named in any case (``"Civil Rights"``)."""
    allowed = tuple(sectors)
    for sector in allowed:
        if _fold(sector) == _fold(text):
            return sector
    raise ValueError(f"is not a sector of the rule pack (expected one of {', '.join(allowed)})")


@cache
def _regions() -> dict[str, str]:
    return {c.name.casefold(): c.region for c in counties()}


@cache
def _county_names() -> dict[str, str]:
    return {c.name.casefold(): c.name for c in counties()}


def county_name(text: str) -> str:
    """The shipped spelling of a county (``"san diego"`` -> ``"San Diego"``)."""
    name = _county_names().get(_fold(text))
    if name is None:
        raise ValueError("is not a California county")
    return name


def region_of(county: str) -> str:
    """The shipped region of a county."""
    return _regions()[county_name(county).casefold()]


class Role(StrEnum):
    """A political role that is a conflict of interest inside the look-back window.

    Modelled on the Citizens Redistricting Commission (Gov. Code 8252(a)(2)(A)-(F));
    :attr:`clause` names the subparagraph each one follows.
    """

    PUBLIC_OFFICE = "public-office"
    """Elected or appointed to, or a candidate for, federal or state office."""
    PARTY_OFFICE = "party-office"
    """Officer, employee or paid consultant of a political party, or a member of a
    party's central committee."""
    CAMPAIGN_STAFF = "campaign-staff"
    """Officer, employee or paid consultant of a candidate's campaign committee."""
    LEGISLATIVE_STAFF = "legislative-staff"
    """Paid congressional, legislative or Board of Equalization staff."""
    LOBBYIST = "lobbyist"
    """A registered federal, state or local lobbyist."""
    LARGE_DONOR = "large-donor"
    """Contributed $2,000 or more to a candidate in one year (the CRC's figure)."""

    @property
    def clause(self) -> str:
        return {
            Role.PUBLIC_OFFICE: "(A)",
            Role.PARTY_OFFICE: "(B), (C)",
            Role.CAMPAIGN_STAFF: "(B)",
            Role.LEGISLATIVE_STAFF: "(E)",
            Role.LOBBYIST: "(D)",
            Role.LARGE_DONOR: "(F)",
        }[self]

    @property
    def words(self) -> str:
        return self.value.replace("-", " ")


_ROLE_ALIASES: dict[str, Role] = {
    **{r.value: r for r in Role},
    "elected-office": Role.PUBLIC_OFFICE,
    "candidate": Role.PUBLIC_OFFICE,
    "appointed-office": Role.PUBLIC_OFFICE,
    "party-staff": Role.PARTY_OFFICE,
    "party-committee": Role.PARTY_OFFICE,
    "paid-campaign-staff": Role.CAMPAIGN_STAFF,
    "campaign-consultant": Role.CAMPAIGN_STAFF,
    "donor": Role.LARGE_DONOR,
    "large-political-donor": Role.LARGE_DONOR,
}
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
_ROLE_ENTRY = re.compile(r"^(?P<role>[^:]+):(?P<first>\d{4})(?:\s*-\s*(?P<last>\d{4}))?$")


@dataclass(frozen=True)
class DeclaredRole:
    """A role held from ``first`` to ``last`` (years, inclusive), by the nominee or, with
    ``family``, by a member of the nominee's immediate family."""

    role: Role
    first: int
    last: int
    family: bool = False

    @property
    def sort_key(self) -> tuple[bool, int, int, str]:
        """Own roles before the family's, each in order of time."""
        return (self.family, self.first, self.last, self.role.value)

    def __str__(self) -> str:
        years = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return f"{self.role.value}:{years}"

    def describe(self) -> str:
        years = f"in {self.first}" if self.first == self.last else f"{self.first}-{self.last}"
        who = "immediate family: " if self.family else ""
        return f"{who}{self.role.words} {years}"


def parse_roles(text: str, *, family: bool = False) -> tuple[DeclaredRole, ...]:
    """The roles listed in a ``declared_roles`` (or, with ``family``, ``family_roles``) cell.

    Raises ``ValueError`` naming every entry that cannot be read.
    """
    roles: list[DeclaredRole] = []
    bad: list[str] = []
    for raw in text.split(";"):
        entry = " ".join(raw.split())
        if not entry:
            continue
        match = _ROLE_ENTRY.match(entry.replace(": ", ":"))
        key = re.sub(r"[\s_]+", "-", match["role"].strip().casefold()) if match else ""
        role = _ROLE_ALIASES.get(key)
        if match is None or role is None:
            bad.append(entry)
            continue
        first = int(match["first"])
        last = int(match["last"] or first)
        if not EARLIEST_YEAR <= first <= last <= LATEST_YEAR:
            bad.append(entry)
            continue
        roles.append(DeclaredRole(role, first, last, family))
    if bad:
        allowed = ", ".join(r.value for r in Role)
        raise ValueError(
            f"cannot read {'; '.join(repr(b) for b in bad)}: write role:year or "
            f"role:first-last, separated by ';' (roles: {allowed})"
        )
    return sort_roles(roles)


def sort_roles(roles: Iterable[DeclaredRole]) -> tuple[DeclaredRole, ...]:
    return tuple(sorted(set(roles), key=lambda r: r.sort_key))


def format_roles(roles: Iterable[DeclaredRole]) -> str:
    return "; ".join(str(r) for r in sort_roles(roles))


_UNIT_WORDS = re.compile(r"^(APT|APARTMENT|UNIT|STE|SUITE|NO|NUMBER|#)\s*")
_STREET_WORDS = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "DRIVE": "DR",
    "ROAD": "RD",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "CIRCLE": "CIR",
    "BOULEVARD": "BLVD",
    "HIGHWAY": "HWY",
    "PARKWAY": "PKWY",
    "TERRACE": "TER",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
}


def _clean(text: str) -> str:
    return " ".join(re.sub(r"[^0-9A-Z# ]+", " ", text.upper()).split())


def address_key(house_number: str, street: str, unit: str, city: str, zip_code: str) -> str:
    """One text per dwelling: case, punctuation, street-word forms (``Street``/``St``) and
    unit designators (``Apt 4``/``#4``) do not matter; the ZIP code stands for the city."""
    words = [_STREET_WORDS.get(w, w) for w in _clean(street).split()]
    unit_text = _UNIT_WORDS.sub("", _clean(unit)).replace("#", "").strip()
    place = zip_code.strip()[:5] or _clean(city)
    return "|".join((_clean(house_number), " ".join(words), unit_text, place))


@dataclass(frozen=True)
class Nominee:
    """One nominee as taken in. Personal data: it stays in the store; only the pool's
    pseudonymous ids and features are published."""

    id: str
    first_name: str
    last_name: str
    county: str
    party: str
    """The registration, as :func:`party_registration` spells it."""
    sector: str
    gender: Gender
    age_band: str
    street: str
    city: str
    zip: str
    residency_years: int
    house_number: str = ""
    unit: str = ""
    middle_name: str = ""
    suffix: str = ""
    roles: tuple[DeclaredRole, ...] = ()

    @property
    def region(self) -> str:
        return region_of(self.county)

    @property
    def party_group(self) -> PartyGroup:
        return party_group(self.party)

    @property
    def address_key(self) -> str:
        return address_key(self.house_number, self.street, self.unit, self.city, self.zip)

    @property
    def person_key(self) -> tuple[str, str, str]:
        """Who this is, as far as the intake can tell: first and last name and dwelling."""
        return (_clean(self.first_name), _clean(self.last_name), self.address_key)

    @property
    def name(self) -> str:
        parts = (self.first_name, self.middle_name, self.last_name, self.suffix)
        return " ".join(p for p in parts if p)

    def cells(self) -> dict[str, str]:
        """The nominee as one intake row (:data:`NOMINEE_COLUMNS`)."""
        return {
            "nominee_id": self.id,
            "first_name": self.first_name,
            "middle_name": self.middle_name,
            "last_name": self.last_name,
            "suffix": self.suffix,
            "county": self.county,
            "party": self.party,
            "sector": self.sector,
            "gender": self.gender.value,
            "age_band": self.age_band,
            "house_number": self.house_number,
            "street": self.street,
            "unit": self.unit,
            "city": self.city,
            "zip": self.zip,
            "residency_years": str(self.residency_years),
            "declared_roles": format_roles(r for r in self.roles if not r.family),
            "family_roles": format_roles(r for r in self.roles if r.family),
        }

    def record(self) -> dict[str, Any]:
        """JSON-able fields for the store (the intake row, with the region it implies)."""
        record: dict[str, Any] = dict(self.cells())
        record["residency_years"] = self.residency_years
        record["region"] = self.region
        record["declared_roles"] = [str(r) for r in self.roles if not r.family]
        record["family_roles"] = [str(r) for r in self.roles if r.family]
        return record


class NominatorReason(StrEnum):
    """Why a nominator line counts for its nominee or not: one per line."""

    NO_ADDRESS = "NO_ADDRESS"
    """No residence address on the line."""
    NOT_REGISTERED = "NOT_REGISTERED"
    """No registration matches the nominator."""
    ADDRESS_MISMATCH = "ADDRESS_MISMATCH"
    """A voter of that name is registered in the county, but not at the address given."""
    REGISTERED_AFTER_NOMINATING = "REGISTERED_AFTER_NOMINATING"
    """The matching registration began after the nomination was signed."""
    DUPLICATE = "DUPLICATE"
    """The same registered voter already nominated this nominee: counted once."""
    VALID = "VALID"
    """A registered voter, counted for the nominee."""

    @property
    def counts(self) -> bool:
        return self is NominatorReason.VALID


def count_valid(reasons: Mapping[str, Iterable[NominatorReason]]) -> dict[str, int]:
    """Valid nominators per nominee, from each nominee's line reasons."""
    return {nominee: sum(r.counts for r in lines) for nominee, lines in reasons.items()}
