"""Typed records for the shipped reference data (counties, states, California facts).

Each record checks its own invariants; the loaders in :mod:`calexit.reference.data`
build them from the CSV files documented in ``reference/data/SOURCES.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class LegislatureControl(StrEnum):
    """Which party controls both chambers of a state legislature (2025)."""

    DEMOCRATIC = "D"
    REPUBLICAN = "R"
    SPLIT = "split"
    NONPARTISAN = "nonpartisan"
    NOT_APPLICABLE = "n/a"


class JurisdictionType(StrEnum):
    STATE = "state"
    FEDERAL_DISTRICT = "federal district"


@dataclass(frozen=True)
class County:
    """One of California's 58 counties, with its October 2024 registration and 2024 vote.

    Sources: Secretary of State, 15-day Report of Registration (21 Oct 2024) and
    Statement of Vote (5 Nov 2024); see ``SOURCES.md``.
    """

    name: str
    fips: str
    region: str
    esp_region_2006: str
    eligible_voters: int
    registered_voters: int
    ballots_cast_2024: int
    harris_2024: int
    trump_2024: int

    def __post_init__(self) -> None:
        if len(self.fips) != 5 or not self.fips.startswith("06") or not self.fips.isdigit():
            raise ValueError(f"county {self.name}: FIPS {self.fips!r} is not a California code")
        if not 0 < self.registered_voters <= self.eligible_voters:
            raise ValueError(f"county {self.name}: registered voters exceed eligible voters")
        if not 0 < self.ballots_cast_2024 <= self.registered_voters:
            raise ValueError(f"county {self.name}: ballots cast exceed registered voters")
        if self.harris_2024 + self.trump_2024 > self.ballots_cast_2024:
            raise ValueError(f"county {self.name}: presidential votes exceed ballots cast")

    @property
    def turnout_2024(self) -> Decimal:
        """Ballots cast per registered voter in 2024, as an exact decimal fraction."""
        return Decimal(self.ballots_cast_2024) / Decimal(self.registered_voters)


@dataclass(frozen=True)
class State:
    """A state (or the District of Columbia) with the figures the federal gates need.

    Sources: Census 2020 apportionment, FEC 2024 official results, the
    congress-legislators data set and legislature-control sources in ``SOURCES.md``.
    """

    name: str
    abbr: str
    jurisdiction_type: JurisdictionType
    population_2020: int
    house_seats: int
    electoral_votes: int
    trump_2024_pct: Decimal
    harris_2024_pct: Decimal
    legislature_control: LegislatureControl
    governor_party: str
    senators_d: int
    senators_r: int
    notes: str

    def __post_init__(self) -> None:
        if len(self.abbr) != 2 or not self.abbr.isupper():
            raise ValueError(f"state {self.name}: abbreviation {self.abbr!r} is not two capitals")
        if self.is_state and self.senators_d + self.senators_r != 2:
            raise ValueError(f"state {self.name}: a state has exactly two senators")
        if self.electoral_votes != self.house_seats + self.senators_d + self.senators_r and (
            self.is_state
        ):
            raise ValueError(f"state {self.name}: electoral votes must equal House seats plus two")

    @property
    def is_state(self) -> bool:
        return self.jurisdiction_type is JurisdictionType.STATE


@dataclass(frozen=True)
class Fact:
    """A published figure about California, with its unit, year and source.

    ``value`` is ``None`` where the source could not be confirmed; such a fact is
    shipped so the gap is visible, never filled in by estimate.
    ``bound`` is ``">"`` when the source states a lower bound (for example ">30").
    """

    key: str
    value: Decimal | None
    unit: str
    year: str
    source: str
    bound: str = ""

    @property
    def confirmed(self) -> bool:
        return self.value is not None
