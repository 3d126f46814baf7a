"""Vocabularies for the synthetic petition data: names, nicknames, streets, units, parties.

Names are Faker's ``en_US`` weighted lists (``first_names_female``, ``first_names_male``,
``last_names``), sampled with numpy by their weights; Faker is never called per row.
Irish and Scottish surnames are shown as written (``Obrien`` -> ``O'Brien``, ``Mcdonald``
-> ``McDonald``). Nicknames come from the ``nicknames`` package (``name1 has_nickname
name2``). Everything here is built once per process and is read-only.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from faker.providers.address.en_US import Provider as _FakerAddress
from faker.providers.person.en_US import Provider as _FakerPerson
from nicknames import NickNamer
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# Full USPS street suffix words with their Publication 28 (Appendix C1) abbreviations,
# and how often each ends a street name here.
STREET_SUFFIXES: tuple[tuple[str, str, float], ...] = (
    ("Street", "St", 0.20),
    ("Avenue", "Ave", 0.17),
    ("Drive", "Dr", 0.12),
    ("Way", "Way", 0.10),
    ("Road", "Rd", 0.08),
    ("Lane", "Ln", 0.08),
    ("Court", "Ct", 0.08),
    ("Place", "Pl", 0.06),
    ("Circle", "Cir", 0.06),
    ("Boulevard", "Blvd", 0.05),
)

# Party registration statewide: California Secretary of State, Report of Registration,
# 10 February 2025: Democratic 10,367,321; Republican 5,776,356; No Party Preference
# 5,116,983; all other parties 1,640,236. Written as the codes below.
PARTIES: tuple[str, ...] = ("DEM", "REP", "NPP", "OTH")
PARTY_REGISTRATION_2025: tuple[int, ...] = (10_367_321, 5_776_356, 5_116_983, 1_640_236)

NAME_SUFFIXES: tuple[str, ...] = ("", "Jr", "Sr", "II", "III")
UNIT_DESIGNATORS: tuple[str, ...] = ("Apt ", "Unit ", "#")
_UNIT_LABELS: tuple[str, ...] = (
    *(str(n) for n in range(1, 301)),
    *(f"{n}{letter}" for n in range(1, 41) for letter in "ABCD"),
)
_IRISH = {"Obrien", "Oconnor", "Oneill", "Odonnell", "Oconnell", "Oneal"}


def _display_last(name: str) -> str:
    if name in _IRISH:
        return f"O'{name[1:].capitalize()}"
    if name.startswith("Mc") and len(name) > 2:
        return "Mc" + name[2:].capitalize()
    if name == "Macdonald":
        return "MacDonald"
    return name


def _cdf(weights: FloatArray) -> FloatArray:
    cdf = np.cumsum(weights / weights.sum())
    cdf[-1] = 1.0
    return cdf


def sample_cdf(rng: np.random.Generator, cdf: FloatArray, size: int) -> IntArray:
    """Indices drawn with the probabilities whose cumulative sums are ``cdf``."""
    drawn = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(drawn, len(cdf) - 1).astype(np.int64)


@dataclass(frozen=True, eq=False)
class Vocab:
    """Name and address vocabularies as arrays (``first`` holds both sexes, female first)."""

    first: tuple[str, ...]
    first_cdf_female: FloatArray
    first_cdf_male: FloatArray
    first_initial: IntArray  # index of each first name's initial in A..Z
    last: tuple[str, ...]
    last_cdf: FloatArray
    nick_offsets: IntArray  # nicknames of first[i] are nick_names[off[i]:off[i+1]]
    nick_names: tuple[str, ...]
    related: NDArray[np.bool_]  # same name, or linked by a nickname
    units: tuple[str, ...]  # "" then every designator x label
    suffix_cdf: FloatArray

    @property
    def middle(self) -> tuple[str, ...]:
        """Middle-name codes: 0 empty, 1..26 an initial, 27+ a full first name."""
        return ("", *string.ascii_uppercase, *self.first)

    def arrow(self, name: str) -> Any:
        """A vocabulary as a pyarrow string array (for ``take``)."""
        return _arrow(self, name)


@cache
def _arrow(vocab: Vocab, name: str) -> Any:
    values = vocab.middle if name == "middle" else getattr(vocab, name)
    return pa.array(values, type=pa.string())


def unit_count() -> int:
    return len(_UNIT_LABELS)


def _nick_table(first: tuple[str, ...]) -> tuple[IntArray, tuple[str, ...], NDArray[np.bool_]]:
    namer = NickNamer()
    offsets = [0]
    flat: list[str] = []
    families: list[set[str]] = []
    for name in first:
        key = name.lower()
        nicks = sorted(n for n in namer.nicknames_of(key) if n.isalpha() and n != key)
        flat.extend(n.capitalize() for n in nicks)
        offsets.append(len(flat))
        families.append({key, *nicks, *namer.canonicals_of(key)})
    size = len(first)
    related = np.eye(size, dtype=np.bool_)
    by_token: dict[str, list[int]] = {}
    for index, family in enumerate(families):
        for token in family:
            by_token.setdefault(token, []).append(index)
    for members in by_token.values():
        related[np.ix_(members, members)] = True
    return np.array(offsets, dtype=np.int64), tuple(flat), related


@cache
def vocab() -> Vocab:
    """The shared vocabularies, built once."""
    female = dict(_FakerPerson.first_names_female)
    male = dict(_FakerPerson.first_names_male)
    first = tuple(dict.fromkeys([*female, *male]))
    f_weights = np.array([female.get(n, 0.0) for n in first])
    m_weights = np.array([male.get(n, 0.0) for n in first])
    last_raw = dict(_FakerPerson.last_names)
    offsets, nicks, related = _nick_table(first)
    return Vocab(
        first=first,
        first_cdf_female=_cdf(f_weights),
        first_cdf_male=_cdf(m_weights),
        first_initial=np.array([ord(n[0]) - ord("A") for n in first], dtype=np.int64),
        last=tuple(_display_last(n) for n in last_raw),
        last_cdf=_cdf(np.array(list(last_raw.values()))),
        nick_offsets=offsets,
        nick_names=nicks,
        related=related,
        units=("", *(d + label for d in UNIT_DESIGNATORS for label in _UNIT_LABELS)),
        suffix_cdf=_cdf(np.array([0.98, 0.010, 0.004, 0.004, 0.002])),  # men only: 1% of all
    )


def city_name(rng: np.random.Generator, words: Vocab) -> str:
    """A city name in one of Faker's ``en_US`` city formats."""
    prefix = _FakerAddress.city_prefixes[int(rng.integers(len(_FakerAddress.city_prefixes)))]
    suffix = _FakerAddress.city_suffixes[int(rng.integers(len(_FakerAddress.city_suffixes)))]
    first = words.first[int(rng.integers(len(words.first)))]
    last = words.last[int(rng.integers(len(words.last)))].replace("'", "")
    form = int(rng.integers(4))
    if form == 0:
        return f"{prefix} {first}{suffix}"
    if form == 1:
        return f"{prefix} {first}"
    if form == 2:
        return f"{first}{suffix}"
    return f"{last}{suffix}"
