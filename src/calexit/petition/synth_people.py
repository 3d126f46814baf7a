"""Synthetic people: names, birth dates, registration dates and party, as numpy columns.

Names are vocabulary indices (see :mod:`calexit.petition.synth_vocab`): ``first`` and
``last`` index the first- and last-name lists, ``last2`` the second half of a hyphenated
surname (-1: none), ``mid`` a middle-name code (0 empty, 1..26 an initial, 27+ a full
first name). Dates are days since 1970-01-01.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calexit.petition.synth_spec import (
    FILING_DATE,
    FIRST_REGISTRATION,
    LAST_REGISTRATION,
    day,
    window,
)
from calexit.petition.synth_vocab import IntArray, Vocab, sample_cdf

ADULT_DAYS = 6575  # 18 years of 365 days plus the most leap days 18 years can hold (5)
# Age at filing of the registered population (a rough shape of California's adults).
AGE_BINS: tuple[tuple[float, float, float], ...] = (
    (18.4, 25.0, 0.11),
    (25.0, 35.0, 0.18),
    (35.0, 45.0, 0.17),
    (45.0, 55.0, 0.16),
    (55.0, 65.0, 0.16),
    (65.0, 75.0, 0.13),
    (75.0, 85.0, 0.07),
    (85.0, 100.0, 0.02),
)
MIDDLE_FULL, MIDDLE_INITIAL = 0.40, 0.30
HYPHENATED = 0.02
SUFFIX_MALE_ONLY = True


class Columns:
    """Equal-length numpy columns by name, with row selection and concatenation."""

    def __init__(self, columns: dict[str, NDArray[Any]]) -> None:
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of unequal length: {lengths}")
        self.data = columns

    def __len__(self) -> int:
        return len(next(iter(self.data.values()))) if self.data else 0

    def __getitem__(self, name: str) -> NDArray[Any]:
        return self.data[name]

    def __setitem__(self, name: str, values: NDArray[Any]) -> None:
        self.data[name] = values

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def take(self, rows: NDArray[Any]) -> Columns:
        return Columns({k: v[rows] for k, v in self.data.items()})

    def slice(self, start: int, stop: int) -> Columns:
        return Columns({k: v[start:stop] for k, v in self.data.items()})

    @staticmethod
    def concat(
        parts: Iterable[Columns],
        names: Iterable[str],
        types: dict[str, type[np.generic]] | None = None,
    ) -> Columns:
        """The rows of ``parts`` one after another (columns ``names``, cast to ``types``)."""
        chosen, types = list(parts), types or {}
        return Columns(
            {n: np.concatenate([p[n] for p in chosen], dtype=types.get(n)) for n in names}
        )


def uniform_days(rng: np.random.Generator, low: IntArray, high: IntArray) -> IntArray:
    """One day drawn uniformly from each inclusive range ``[low, high]``."""
    span = np.maximum(high - low + 1, 1)
    days: IntArray = low + np.floor(rng.random(len(low)) * span).astype(np.int64)
    return days


def draw_names(rng: np.random.Generator, size: int, words: Vocab) -> Columns:
    """Sex, first, middle, last (some hyphenated) names and suffix of ``size`` people."""
    male = rng.random(size) < 0.5
    first = np.where(
        male,
        sample_cdf(rng, words.first_cdf_male, size),
        sample_cdf(rng, words.first_cdf_female, size),
    )
    middle_name = np.where(
        male,
        sample_cdf(rng, words.first_cdf_male, size),
        sample_cdf(rng, words.first_cdf_female, size),
    )
    form = rng.random(size)
    mid = np.where(
        form < MIDDLE_FULL,
        27 + middle_name,
        np.where(form < MIDDLE_FULL + MIDDLE_INITIAL, 1 + words.first_initial[middle_name], 0),
    )
    last = sample_cdf(rng, words.last_cdf, size)
    second = sample_cdf(rng, words.last_cdf, size)
    last2 = np.where((rng.random(size) < HYPHENATED) & (second != last), second, -1)
    suffix = sample_cdf(rng, words.suffix_cdf, size)
    suffix = np.where(male, suffix, 0) if SUFFIX_MALE_ONLY else suffix
    return Columns(
        {
            "male": male,
            "first": first.astype(np.int32),
            "mid": mid.astype(np.int32),
            "last": last.astype(np.int32),
            "last2": last2.astype(np.int32),
            "suffix": suffix.astype(np.int8),
        }
    )


def draw_birth(rng: np.random.Generator, size: int) -> IntArray:
    """Dates of birth of adults: at least 18 years old on the last registration day."""
    weights = np.array([b[2] for b in AGE_BINS])
    bins = rng.choice(len(AGE_BINS), size=size, p=weights / weights.sum())
    low = np.array([b[0] for b in AGE_BINS])[bins]
    high = np.array([b[1] for b in AGE_BINS])[bins]
    age_days = np.round((low + rng.random(size) * (high - low)) * 365.25).astype(np.int64)
    dob: IntArray = day(FILING_DATE) - age_days
    return dob


def first_possible_registration(dob: IntArray) -> IntArray:
    first: IntArray = np.maximum(day(FIRST_REGISTRATION), dob + ADULT_DAYS)
    return first


def _skewed(rng: np.random.Generator, low: IntArray, high: IntArray) -> IntArray:
    """Days in ``[low, high]``, more of them recent (a Beta(1.6, 1) share of the span)."""
    span = np.maximum(high - low + 1, 1)
    drawn = low + np.floor(rng.beta(1.6, 1.0, len(low)) * span).astype(np.int64)
    days: IntArray = np.minimum(drawn, high)
    return days


def draw_registration(rng: np.random.Generator, dob: IntArray, last: int | None = None) -> IntArray:
    """Registration days from the 18th birthday (or 1975) to ``last`` (31 December 2027)."""
    low = first_possible_registration(dob)
    high = np.full(len(dob), day(LAST_REGISTRATION) if last is None else last)
    return _skewed(rng, low, np.maximum(high, low))


def draw_late_registration(rng: np.random.Generator, dob: IntArray) -> IntArray:
    """Registrations made during circulation (after its first day), for late registrants."""
    start, _ = window()
    low = np.maximum(first_possible_registration(dob), start + 1)
    return uniform_days(rng, low, np.full(len(dob), day(LAST_REGISTRATION)))


def draw_move(
    rng: np.random.Generator, dob: IntArray, in_window: NDArray[np.bool_]
) -> tuple[IntArray, IntArray]:
    """(first registration, move day) of movers; the move re-registers them that day.

    ``in_window`` movers move during circulation (its first day excluded), the others
    at least 30 days after registering and before circulation began.
    """
    start, _ = window()
    size = len(dob)
    low = first_possible_registration(dob)
    last = np.full(size, day(LAST_REGISTRATION))
    early = uniform_days(rng, low + 30, np.full(size, start - 1))
    late = uniform_days(rng, np.full(size, start + 1), last)
    use_late = in_window | (low + 30 > start - 1)
    move = np.where(use_late, np.maximum(late, low + 1), early)
    move = np.minimum(move, last)
    first = _skewed(rng, low, move - 1)
    return first, move


def draw_party(rng: np.random.Generator, cdf_rows: NDArray[np.float64]) -> NDArray[np.int8]:
    """A party code index per person; ``cdf_rows`` holds each person's cumulative shares."""
    drawn = (rng.random(len(cdf_rows))[:, None] >= cdf_rows).sum(axis=1)
    party: NDArray[np.int8] = np.minimum(drawn, cdf_rows.shape[1] - 1).astype(np.int8)
    return party
