"""Synthetic places: every county's cities, ZIP codes and streets.

An address is a *slot*: ``street * MAX_HOUSE + house_number - 1``. A street belongs to
one city and one ZIP code of its county, and no two streets of a county share both name
and city, so distinct slots are distinct addresses. Cities are unique statewide; ZIP
codes are disjoint blocks inside California's range 90001-96162, several per county.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from calexit.petition.synth_vocab import STREET_SUFFIXES, IntArray, Vocab, city_name
from calexit.reference.records import County

MAX_HOUSE = 19_999
ZIP_FIRST, ZIP_LAST = 90_001, 96_162
ZIPS_STATEWIDE = 1_800  # ZIP codes handed out in proportion to registration
PERSONS_PER_STREET = 80
REGIONS_SOUTH_TO_NORTH = (
    "Southern California",
    "Southern Border",
    "Inland Empire",
    "Central Coast",
    "San Joaquin Valley",
    "Central Sierra",
    "Bay Area",
    "Greater Sacramento",
    "Northern Sacramento Valley",
    "Northern California",
)


@dataclass(frozen=True, eq=False)
class Places:
    """One county's places; the street, city and ZIP columns are pyarrow string arrays."""

    streets: Any  # full suffix word ("Elm Street")
    streets_abbr: Any  # USPS abbreviation ("Elm St")
    street_city: IntArray
    street_zip: IntArray
    cities: Any
    zips: Any

    @property
    def slots(self) -> int:
        return len(self.street_city) * MAX_HOUSE


def city_counts(counties: tuple[County, ...]) -> list[int]:
    """3 cities for the smallest county up to 20 for the largest (log of registration)."""
    low = math.log10(min(c.registered_voters for c in counties))
    high = math.log10(max(c.registered_voters for c in counties))
    return [
        round(3 + 17 * (math.log10(c.registered_voters) - low) / (high - low)) for c in counties
    ]


def zip_blocks(counties: tuple[County, ...], cities: list[int]) -> list[range]:
    """Disjoint blocks of ZIP codes with equal gaps, south (900xx) to north (961xx)."""
    total = sum(c.registered_voters for c in counties)
    sizes = [
        max(n, round(ZIPS_STATEWIDE * c.registered_voters / total))
        for c, n in zip(counties, cities, strict=True)
    ]
    gap = (ZIP_LAST - ZIP_FIRST + 1 - sum(sizes)) // (len(sizes) + 1)
    order = sorted(range(len(counties)), key=lambda i: (_south_to_north(counties[i]), i))
    blocks: dict[int, range] = {}
    start = ZIP_FIRST + gap
    for i in order:
        blocks[i] = range(start, start + sizes[i])
        start += sizes[i] + gap
    return [blocks[i] for i in range(len(counties))]


def _south_to_north(county: County) -> int:
    return (
        REGIONS_SOUTH_TO_NORTH.index(county.region)
        if county.region in (REGIONS_SOUTH_TO_NORTH)
        else len(REGIONS_SOUTH_TO_NORTH)
    )


def city_names(rng: np.random.Generator, words: Vocab, counts: list[int]) -> list[list[str]]:
    """Faker-style city names, unique statewide."""
    seen: set[str] = set()
    result: list[list[str]] = []
    for count in counts:
        names: list[str] = []
        while len(names) < count:
            name = city_name(rng, words)
            if name not in seen:
                seen.add(name)
                names.append(name)
        result.append(names)
    return result


def build_places(
    rng: np.random.Generator, words: Vocab, persons: int, cities: list[str], zips: range
) -> Places:
    """Streets enough for ``persons`` people (about 80 per street), unique by name and city."""
    bases = pa.array(list(dict.fromkeys([*words.last, *words.first])), type=pa.string())
    n_cities = len(cities)
    wanted = max(4, math.ceil(persons / PERSONS_PER_STREET))
    count = min(wanted, len(bases) * n_cities)
    pairs = rng.choice(len(bases) * n_cities, size=count, replace=False)
    base, city = pairs // n_cities, pairs % n_cities
    weights = np.array([s[2] for s in STREET_SUFFIXES])
    suffix = rng.choice(len(STREET_SUFFIXES), size=count, p=weights / weights.sum())
    words_full = pa.array([s[0] for s in STREET_SUFFIXES]).take(pa.array(suffix))
    words_abbr = pa.array([s[1] for s in STREET_SUFFIXES]).take(pa.array(suffix))
    names = bases.take(pa.array(base))
    # Each city gets at least one ZIP code; a street gets one of its city's codes.
    zip_city = rng.permutation(np.arange(len(zips)) % n_cities)
    order = np.argsort(zip_city, kind="stable")
    per_city = np.bincount(zip_city, minlength=n_cities)
    first = np.concatenate([[0], np.cumsum(per_city)[:-1]])
    pick = first[city] + np.floor(rng.random(count) * per_city[city]).astype(np.int64)
    return Places(
        streets=pc.binary_join_element_wise(names, words_full, " "),
        streets_abbr=pc.binary_join_element_wise(names, words_abbr, " "),
        street_city=city.astype(np.int64),
        street_zip=order[pick].astype(np.int64),
        cities=pa.array(cities, type=pa.string()),
        zips=pa.array([f"{z:05d}" for z in zips], type=pa.string()),
    )
