"""Normalised names and addresses, as SQL expressions any of the linkage backends can run.

A petition line and a registration rarely agree letter for letter. Elections Code 105
tolerates an abbreviated or renamed street, a wrong or missing unit and a missing city
when the zip is there; initials for a first or middle name do not invalidate a line
(Elections Code 100.5 practice). So both sides are reduced to comparable forms:

- names: upper case, letters and spaces only, single spaces; suffixes (JR, SR, II, III)
  moved out of the last name;
- first names: the set of *forms* a name can take (itself, the names it is a nickname
  of, and its nicknames), from the ``nicknames`` data set (Old Dominion University's
  name-nickname list, Apache-2.0), so ``BOB`` meets ``ROBERT``;
- streets: upper case, punctuation dropped, suffix and directional words replaced by the
  USPS Publication 28 abbreviations (Appendix C1 suffixes, C2 unit words; directionals);
- house numbers: the leading digits; zips: the first five digits.

The expressions are written for DuckDB and for Spark SQL (``dialect``), which differ in
how a regular-expression replacement applies to every match.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Literal

Dialect = Literal["duckdb", "spark"]

# USPS Publication 28, Appendix C1: primary street suffix names and their abbreviations
# (the common ones; a word not listed is left as written).
STREET_SUFFIXES: dict[str, str] = {
    "ALLEY": "ALY",
    "AVENUE": "AVE",
    "AV": "AVE",
    "BOULEVARD": "BLVD",
    "BLVRD": "BLVD",
    "CIRCLE": "CIR",
    "CIRCL": "CIR",
    "COURT": "CT",
    "COVE": "CV",
    "CREEK": "CRK",
    "CRESCENT": "CRES",
    "CROSSING": "XING",
    "DRIVE": "DR",
    "DRV": "DR",
    "EXPRESSWAY": "EXPY",
    "FREEWAY": "FWY",
    "GARDENS": "GDNS",
    "GROVE": "GRV",
    "HEIGHTS": "HTS",
    "HIGHWAY": "HWY",
    "HILL": "HL",
    "HOLLOW": "HOLW",
    "JUNCTION": "JCT",
    "LANE": "LN",
    "LOOP": "LOOP",
    "MANOR": "MNR",
    "MEADOWS": "MDWS",
    "MOUNT": "MT",
    "MOUNTAIN": "MTN",
    "PARKWAY": "PKWY",
    "PARK": "PARK",
    "PASS": "PASS",
    "PATH": "PATH",
    "PIKE": "PIKE",
    "PLACE": "PL",
    "PLAZA": "PLZ",
    "POINT": "PT",
    "RANCH": "RNCH",
    "RIDGE": "RDG",
    "ROAD": "RD",
    "ROUTE": "RTE",
    "SQUARE": "SQ",
    "STREET": "ST",
    "STR": "ST",
    "TERRACE": "TER",
    "TRAIL": "TRL",
    "TURNPIKE": "TPKE",
    "VALLEY": "VLY",
    "VIEW": "VW",
    "VILLAGE": "VLG",
    "VISTA": "VIS",
    "WALK": "WALK",
    "WAY": "WAY",
    "BRANCH": "BR",
    "BRIDGE": "BRG",
    "BROOK": "BRK",
    "CANYON": "CYN",
    "CENTER": "CTR",
    "ESTATES": "EST",
    "FIELD": "FLD",
    "FOREST": "FRST",
    "HARBOR": "HBR",
    "ISLAND": "IS",
    "LAKE": "LK",
    "LANDING": "LNDG",
    "MILL": "ML",
    "ORCHARD": "ORCH",
    "RIVER": "RIV",
    "SHORE": "SHR",
    "SPRINGS": "SPGS",
    "STATION": "STA",
    "SUMMIT": "SMT",
    "TRACE": "TRCE",
    "UNION": "UN",
    "VIADUCT": "VIA",
}

# USPS Publication 28, section 233: directionals.
DIRECTIONALS: dict[str, str] = {
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
}

NAME_SUFFIXES: tuple[str, ...] = ("JR", "SR", "II", "III", "IV")


def _replace_all(expression: str, pattern: str, replacement: str, dialect: Dialect) -> str:
    pattern_sql = pattern.replace("'", "''")
    if dialect == "duckdb":
        return f"regexp_replace({expression}, '{pattern_sql}', '{replacement}', 'g')"
    return f"regexp_replace({expression}, '{pattern_sql}', '{replacement}')"


def clean_text(column: str, dialect: Dialect) -> str:
    """Upper case, letters/digits/spaces only, one space between words, trimmed; '' for null."""
    upper = f"upper(coalesce({column}, ''))"
    letters = _replace_all(upper, "[^A-Z0-9 ]", " ", dialect)
    return f"trim({_replace_all(letters, ' +', ' ', dialect)})"


def clean_name(column: str, dialect: Dialect) -> str:
    """A name: like :func:`clean_text` but apostrophes vanish (O'BRIEN -> OBRIEN)."""
    upper = f"upper(coalesce({column}, ''))"
    no_apostrophes = _replace_all(upper, "['`]", "", dialect)
    letters = _replace_all(no_apostrophes, "[^A-Z ]", " ", dialect)
    return f"trim({_replace_all(letters, ' +', ' ', dialect)})"


def last_name(column: str, dialect: Dialect) -> str:
    """The cleaned last name without a generational suffix."""
    suffixes = "|".join(NAME_SUFFIXES)
    return f"trim({_replace_all(clean_name(column, dialect), f' ({suffixes})$', '', dialect)})"


def _as_text(column: str, dialect: Dialect) -> str:
    return f"trim(coalesce(cast({column} as {'varchar' if dialect == 'duckdb' else 'string'}), ''))"


def house_number(column: str, dialect: Dialect) -> str:
    """The leading digits of a house number ('' when there are none)."""
    text = _as_text(column, dialect)
    if dialect == "duckdb":
        return f"coalesce(regexp_extract({text}, '^[0-9]+', 0), '')"
    return f"coalesce(regexp_extract({text}, '^([0-9]+)', 1), '')"


def zip5(column: str, dialect: Dialect) -> str:
    text = _as_text(column, dialect)
    if dialect == "duckdb":
        return f"coalesce(regexp_extract({text}, '^[0-9]{{5}}', 0), '')"
    return f"coalesce(regexp_extract({text}, '^([0-9]{{5}})', 1), '')"


def street_words() -> Iterator[tuple[str, str]]:
    """(word, abbreviation) pairs applied to streets: suffixes and directionals."""
    yield from STREET_SUFFIXES.items()
    yield from DIRECTIONALS.items()


def street(column: str, dialect: Dialect) -> str:
    """A cleaned street with USPS abbreviations and no unit designator or trailing unit."""
    expression = clean_text(column, dialect)
    expression = _replace_all(expression, " (APT|UNIT|STE|SUITE|NO|NUMBER) .*$", "", dialect)
    for word, short in street_words():
        if word != short:
            expression = _replace_all(expression, f"\\b{word}\\b", short, dialect)
    return expression


@cache
def first_name_forms() -> tuple[tuple[str, str], ...]:
    """(name, form) pairs: a name's forms are its nicknames and the names it is a nickname
    of (BOB -> ROBERT, ROBERT -> BOB).

    Source: the ``nicknames`` package's ``names.csv`` (name1 has_nickname name2).
    """
    data = resources.files("nicknames") / "names.csv"
    pairs: set[tuple[str, str]] = set()
    with data.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("relationship") != "has_nickname":
                continue
            canonical, nickname = row["name1"].upper(), row["name2"].upper()
            pairs.update({(nickname, canonical), (canonical, nickname)})
    return tuple(sorted(pairs))
