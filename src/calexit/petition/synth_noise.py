"""How people really fill in a petition line: the noise, and the line written out as text.

Independent of the line's reason: a nickname for the first name (5%), a first or middle
name cut to an initial (3%), one typo in the first or last name (4%), case and
punctuation (10%: all capitals, all lower case, stray spaces, dropped apostrophes and
hyphens), the street suffix abbreviated as in USPS Publication 28 (35%), the unit left out
or written differently (6% of lines with a unit), the city left out with the ZIP code
present (5%), the ZIP code left out (2%). None of these changes what a line counts as.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
from numpy.random import Generator
from numpy.typing import NDArray

from calexit.petition.synth_county import dates
from calexit.petition.synth_people import Columns
from calexit.petition.synth_plan import Plan
from calexit.petition.synth_vocab import UNIT_DESIGNATORS, unit_count, vocab

Text = NDArray[np.object_]
NICKNAME, INITIAL, TYPO, CASE = 0.05, 0.03, 0.04, 0.10
ABBREVIATED, UNIT_NOISE, NO_CITY, NO_ZIP = 0.35, 0.06, 0.05, 0.02
KEEP_CITY_WITHOUT_ADDRESS = 0.3


def _text(values: Any) -> Text:
    return np.asarray(values, dtype=object)


def _typo(word: str, op: int, where: float, letter: str) -> str:
    """One letter substituted, dropped or swapped with the next."""
    if len(word) < 3:
        return word
    at = 1 + int(where * (len(word) - 2))  # never the first letter
    if op == 0:
        letter = letter if letter != word[at].lower() else ("e" if letter != "e" else "a")
        return word[:at] + letter + word[at + 1 :]
    if op == 1:
        return word[:at] + word[at + 1 :]
    if at + 1 >= len(word) or word[at] == word[at + 1]:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _nicknames(rng: Generator, first: NDArray[np.int64]) -> Text:
    words = vocab()
    names = _text(words.first)[first]
    start, stop = words.nick_offsets[first], words.nick_offsets[first + 1]
    use = (rng.random(len(first)) < NICKNAME) & (stop > start)
    pick = start + np.floor(rng.random(len(first)) * (stop - start)).astype(np.int64)
    if use.any():
        names[use] = _text(words.nick_names)[pick[use]]
    return names


def _names(rng: Generator, lines: Columns) -> tuple[Text, Text, Text]:
    words = vocab()
    size = len(lines)
    first = _nicknames(rng, lines["first"])
    middle = _text(words.middle)[lines["mid"]]
    last = _text(words.last)[lines["last"]]
    second = lines["last2"] >= 0
    last[second] = last[second] + "-" + _text(words.last)[lines["last2"][second]]
    initial, which = rng.random(size) < INITIAL, rng.random(size) < 0.5
    for rows, column in ((initial & which, first), (initial & ~which, middle)):
        chosen = rows & np.array([len(v) > 1 for v in column], dtype=np.bool_)
        column[chosen] = [v[0] for v in column[chosen]]
    typo = np.flatnonzero(rng.random(size) < TYPO)
    op, where = rng.integers(0, 3, len(typo)), rng.random(len(typo))
    letter = rng.choice(list(string.ascii_lowercase), len(typo))
    on_last = rng.random(len(typo)) < 0.5
    for i, row in enumerate(typo):
        column = last if on_last[i] else first
        column[row] = _typo(column[row], int(op[i]), float(where[i]), str(letter[i]))
    return first, middle, last


def _unit_text(rng: Generator, unit: NDArray[np.int64]) -> Text:
    """Units, 6% of them dropped, written with another designator or another number."""
    labels = unit_count()
    noisy = (unit > 0) & (rng.random(len(unit)) < UNIT_NOISE)
    how = rng.random(len(unit))
    designator, label = (unit - 1) // labels, (unit - 1) % labels
    other_designator = (designator + rng.integers(1, len(UNIT_DESIGNATORS), len(unit))) % 3
    other_label = (label + rng.integers(1, labels, len(unit))) % labels
    changed = np.where(
        how < 0.5,
        0,
        np.where(
            how < 0.75, 1 + other_designator * labels + label, 1 + designator * labels + other_label
        ),
    )
    return _text(vocab().units)[np.where(noisy, changed, unit)]


def _addresses(rng: Generator, plan: Plan, lines: Columns) -> dict[str, Text]:
    size = len(lines)
    street, city, zips = (np.empty(size, dtype=object) for _ in range(3))
    short = rng.random(size) < ABBREVIATED
    for county in np.unique(lines["county"]):
        rows = np.flatnonzero(lines["county"] == county)
        place, s = plan.places[county], lines["street"][rows]
        full = _text(place.streets.take(pa.array(s)).to_pylist())
        abbr = _text(place.streets_abbr.take(pa.array(s)).to_pylist())
        street[rows] = np.where(short[rows], abbr, full)
        city[rows] = _text(place.cities.to_pylist())[place.street_city[s]]
        zips[rows] = _text(place.zips.to_pylist())[place.street_zip[s]]
    house = _text([str(h) for h in lines["house"]])
    unit = _unit_text(rng, lines["unit"])
    drop = rng.random(size)
    city[drop < NO_CITY] = ""
    zips[(drop >= NO_CITY) & (drop < NO_CITY + NO_ZIP)] = ""
    blank = lines["no_address"]
    for column in (house, street, unit, zips):
        column[blank] = ""
    city[blank & (rng.random(size) >= KEEP_CITY_WITHOUT_ADDRESS)] = ""
    return {"house_number": house, "street": street, "unit": unit, "city": city, "zip": zips}


def _case(rng: Generator, fields: dict[str, Text]) -> None:
    """Capitals, lower case, stray spaces or dropped punctuation on 10% of lines."""
    size = len(fields["first_name"])
    style = np.where(rng.random(size) < CASE, rng.integers(1, 5, size), 0)
    upper, lower, spaced, bare = (np.flatnonzero(style == k) for k in range(1, 5))
    for name, column in fields.items():
        column[upper] = [v.upper() for v in column[upper]]
        if name.endswith("_name"):
            column[lower] = [v.lower() for v in column[lower]]
            column[bare] = [v.replace("'", "").replace("-", " ") for v in column[bare]]
    fields["last_name"][spaced] = [v + " " for v in fields["last_name"][spaced]]
    fields["street"][spaced] = [v.replace(" ", "  ", 1) for v in fields["street"][spaced]]


def signature_batch(
    rng: Generator, plan: Plan, lines: Columns, name: str, fips: str, schema: Any
) -> Any:
    """The county's lines as a RecordBatch of ``schema`` (``SIGNATURE_COLUMNS``)."""
    first, middle, last = _names(rng, lines)
    fields = {"first_name": first, "middle_name": middle, "last_name": last}
    fields.update(_addresses(rng, plan, lines))
    _case(rng, fields)
    section, line = lines["section"], lines["line"]
    ids = [f"{fips}-{s:06d}-{n:03d}" for s, n in zip(section, line, strict=True)]
    mismatch = lines["mismatch"]
    arrays = {
        "signature_id": pa.array(ids, type=pa.string()),
        "county": pa.repeat(pa.scalar(name, pa.string()), len(lines)),
        "section": pa.array(section.astype(np.int32)),
        "line": pa.array(line.astype(np.int32)),
        "signed_on": dates(lines["signed"]),
        **{k: pa.array(v, type=pa.string()) for k, v in fields.items()},
        "withdrawn": pa.array(lines["withdrawn"], type=pa.bool_()),
        "examiner_mismatch": pa.array(mismatch == 1, mask=mismatch < 0, type=pa.bool_()),
    }
    return pa.RecordBatch.from_arrays([arrays[n] for n in schema.names], schema=schema)
