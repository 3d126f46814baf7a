"""The statewide plan of a synthetic run, drawn before any county is generated.

It fixes, from the seed alone: people per county, places, signature lines per county and
reason, and the *pool*: every person whose rows or signature cross a county line or who
moved (movers, and the voters who sign another county's petition section). Pool people
live alone at reserved addresses, so each county can be generated on its own afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.random import PCG64, Generator, SeedSequence

from calexit.petition.schema import Reason
from calexit.petition.synth_people import (
    Columns,
    draw_birth,
    draw_move,
    draw_names,
    draw_party,
    draw_registration,
)
from calexit.petition.synth_places import (
    MAX_HOUSE,
    Places,
    build_places,
    city_counts,
    city_names,
    zip_blocks,
)
from calexit.petition.synth_spec import REASONS, Kind, SynthSpec, window
from calexit.petition.synth_vocab import (
    PARTY_REGISTRATION_2025,
    FloatArray,
    IntArray,
    unit_count,
    vocab,
)
from calexit.reference.datasets import counties
from calexit.reference.records import County

MOVER_SHARE = 0.03  # people with an earlier, cancelled registration
CROSS_COUNTY_SHARE = 0.35  # of movers: the earlier registration is in another county
IN_WINDOW_SHARE = 0.20  # of movers: moved during circulation
MOVER_SIGNER_SHARE = 0.06  # of valid lines: signed by a mover who moved during circulation
UNIT_SHARE = 0.25
VALIDITY_SPREAD = 0.05
SIGNATURE_NOISE = 0.15  # log-normal sigma on each county's share of the signatures
FLAGS = (Reason.SIGNATURE_MISMATCH, Reason.WITHDRAWN, Reason.NO_ADDRESS)
FLAG_BASES = (Kind.VOTER, Kind.UNREGISTERED, Kind.OTHER_COUNTY, Kind.OTHER_ADDRESS)
FLAG_BASE_SHARES = (0.80, 0.10, 0.04, 0.06)
TAG_PLAN, TAG_PLACES, TAG_COUNTY = 0, 1, 2


def stream(seed: int, *tags: int) -> Generator:
    """An independent random stream for ``(seed, *tags)``."""
    return Generator(PCG64(SeedSequence([seed, *tags])))


@dataclass(frozen=True, eq=False)
class CountyPlan:
    index: int
    name: str
    fips: str
    persons: int  # active registrations: max(1, round(registered_voters * scale))
    natives: int  # of them, generated with the county (the rest are pool people)
    pid_offset: int
    lines: int
    reasons: IntArray  # planned lines per reason, REASONS order
    bases: IntArray  # [flag, base kind]: who signed the lines of each flag reason
    party_cdf: FloatArray


@dataclass(frozen=True, eq=False)
class Plan:
    spec: SynthSpec
    counties: tuple[CountyPlan, ...]
    places: tuple[Places, ...]
    pool: Columns
    id_mult: int
    id_add: int

    def voter_ids(self, pids: IntArray) -> IntArray:
        """The 9 digits of each person's statewide id (a bijection of 0..10**9-1)."""
        return (pids * self.id_mult + self.id_add) % 1_000_000_000


def persons_per_county(scale: float) -> list[int]:
    return [max(1, round(c.registered_voters * scale)) for c in counties()]


def _party_cdfs(all_counties: tuple[County, ...]) -> FloatArray:
    """Statewide party shares, Democratic and Republican tilted by each county's 2024 vote."""
    base = np.array(PARTY_REGISTRATION_2025, dtype=np.float64)
    ballots = sum(c.ballots_cast_2024 for c in all_counties)
    dem = sum(c.harris_2024 for c in all_counties) / ballots
    rep = sum(c.trump_2024 for c in all_counties) / ballots
    rows = []
    for c in all_counties:
        tilt = np.array(
            [c.harris_2024 / c.ballots_cast_2024 / dem, c.trump_2024 / c.ballots_cast_2024 / rep]
        )
        shares = base * np.concatenate([tilt, [1.0, 1.0]])
        rows.append(np.cumsum(shares / shares.sum()))
    return np.array(rows)


def _largest_remainder(total: int, weights: FloatArray) -> IntArray:
    exact = total * weights / weights.sum()
    whole: IntArray = np.floor(exact).astype(np.int64)
    rest = np.argsort(-(exact - whole), kind="stable")[: total - int(whole.sum())]
    whole[rest] += 1
    return whole


def _reasons(rng: Generator, lines: IntArray, spec: SynthSpec) -> tuple[IntArray, IntArray]:
    """Lines per county and reason, and the base kinds of the flag reasons' lines."""
    shares = spec.mix.vector()[:-1]
    # Each county's validity: uniform within +-0.05 of the statewide one (narrower near 0, 1).
    width = min(VALIDITY_SPREAD, spec.validity, 1.0 - spec.validity)
    validity = spec.validity + rng.uniform(-1.0, 1.0, len(lines)) * width
    valid = rng.binomial(lines, validity)
    invalid = np.array([rng.multinomial(n, shares / shares.sum()) for n in lines - valid])
    reasons = np.column_stack([invalid, valid]).astype(np.int64)
    bases = np.array(
        [
            [rng.multinomial(reasons[c, REASONS.index(f)], FLAG_BASE_SHARES) for f in FLAGS]
            for c in range(len(lines))
        ]
    ).astype(np.int64)
    return reasons, bases


def _other_county(rng: Generator, exclude: IntArray, p: FloatArray) -> IntArray:
    """A county drawn with probabilities ``p`` but never the one in ``exclude``."""
    drawn = rng.choice(len(p), size=len(exclude), p=p)
    again = rng.choice(len(p), size=len(exclude), p=p)
    drawn = np.where(drawn == exclude, again, drawn)
    shift = (exclude + 1 + rng.integers(0, len(p) - 1, len(exclude))) % len(p)
    return np.where(drawn == exclude, shift, drawn)


def _fit_homes(home: IntArray, section: IntArray, room: IntArray) -> IntArray:
    """Move out-of-county signers from counties without room for them to roomier ones."""
    home = home.copy()
    for county in np.flatnonzero(np.bincount(home, minlength=len(room)) > room):
        for person in np.flatnonzero(home == county)[max(room[county], 0) :]:
            free = room - np.bincount(home, minlength=len(room))
            free[section[person]] = np.iinfo(np.int64).min
            home[person] = int(np.argmax(free))
    return home


def _mover_signers(
    rng: Generator, pool: Columns, in_window: np.ndarray, valid: IntArray
) -> tuple[IntArray, np.ndarray]:
    """Movers of the circulation window who sign a valid line, and at which address."""
    at_old = rng.random(len(pool)) < 0.5
    county = np.where(at_old, pool["origin"], pool["home"])
    wanted = np.minimum(
        rng.binomial(valid, MOVER_SIGNER_SHARE),
        np.bincount(county[in_window], minlength=len(valid)),
    )
    candidates = rng.permutation(np.flatnonzero(in_window))
    by_county = candidates[np.argsort(county[candidates], kind="stable")]
    starts = np.searchsorted(county[by_county], np.arange(len(valid)))
    rank = np.arange(len(by_county)) - starts[county[by_county]]
    chosen = by_county[rank < wanted[county[by_county]]]
    sign = np.full(len(pool), -1, dtype=np.int64)
    sign[chosen] = county[chosen]
    return sign, at_old


def _addresses(rng: Generator, pool: Columns, places: tuple[Places, ...]) -> None:
    """Reserved addresses for pool people: the old one (movers) and the current one."""
    size = len(pool)
    for name in ("street", "house", "unit", "old_street", "old_house", "old_unit"):
        pool[name] = np.full(size, -1, dtype=np.int64)
    units = np.where(
        rng.random((2, size)) < UNIT_SHARE, rng.integers(1, 1 + 3 * unit_count(), (2, size)), 0
    )
    for county, place in enumerate(places):
        old = np.flatnonzero((pool["origin"] == county) & (pool["move"] >= 0))
        new = np.flatnonzero(pool["home"] == county)
        slots = rng.choice(place.slots, size=len(old) + len(new), replace=False)
        for rows, prefix, part in ((old, "old_", slots[: len(old)]), (new, "", slots[len(old) :])):
            pool[prefix + "street"][rows] = part // MAX_HOUSE
            pool[prefix + "house"][rows] = part % MAX_HOUSE + 1
        pool["old_unit"][old] = units[0][old]
        pool["unit"][new] = units[1][new]


def _pool(
    rng: Generator, persons: IntArray, wrong: IntArray, valid: IntArray, cdfs: FloatArray
) -> Columns:
    """Movers (home: current county) and out-of-county signers (section: where they sign)."""
    p = persons / persons.sum()
    movers = rng.binomial(persons, MOVER_SHARE)
    home = np.repeat(np.arange(len(persons)), movers)
    cross = rng.random(len(home)) < CROSS_COUNTY_SHARE
    origin = np.where(cross, _other_county(rng, home, p), home)
    section = np.repeat(np.arange(len(persons)), wrong)
    stay_home = _fit_homes(_other_county(rng, section, p), section, persons - movers)
    size_m, size = len(home), len(home) + len(section)
    pool = draw_names(rng, size, vocab())
    pool["home"] = np.concatenate([home, stay_home])
    pool["origin"] = np.concatenate([origin, np.full(len(section), -1)])
    pool["wc_section"] = np.concatenate([np.full(size_m, -1), section])
    pool["dob"] = draw_birth(rng, size)
    pool["party"] = draw_party(rng, cdfs[pool["home"]])
    in_window = np.concatenate([rng.random(size_m) < IN_WINDOW_SHARE, np.zeros(size - size_m)])
    old_reg, move = draw_move(rng, pool["dob"], in_window.astype(np.bool_))
    is_mover = np.arange(size) < size_m
    # Out-of-county signers were registered at home before circulation began.
    settled = draw_registration(rng, pool["dob"], window()[0] - 1)
    pool["reg"] = np.where(is_mover, move, settled)
    pool["old_reg"] = np.where(is_mover, old_reg, -1)
    pool["move"] = np.where(is_mover, move, -1)
    pool["sign_county"], pool["sign_old"] = _mover_signers(
        rng, pool, in_window.astype(np.bool_), valid
    )
    return pool


def make_plan(spec: SynthSpec) -> Plan:
    """Everything decided statewide, from ``spec`` alone."""
    rng = stream(spec.seed, TAG_PLAN)
    all_counties = counties()
    persons = np.array(persons_per_county(spec.scale), dtype=np.int64)
    registered = np.array([c.registered_voters for c in all_counties], dtype=np.float64)
    weights = registered * np.exp(rng.normal(0.0, SIGNATURE_NOISE, len(registered)))
    lines = _largest_remainder(spec.signature_count, weights)
    reasons, bases = _reasons(rng, lines, spec)
    wrong = reasons[:, REASONS.index(Reason.WRONG_COUNTY)] + bases[:, :, 2].sum(axis=1)
    cdfs = _party_cdfs(all_counties)
    places = _places(spec, persons)
    pool = _pool(rng, persons, wrong, reasons[:, REASONS.index(Reason.VALID)], cdfs)
    _addresses(rng, pool, places)
    natives = persons - np.bincount(pool["home"], minlength=len(persons))
    offsets = np.concatenate([[0], np.cumsum(natives)[:-1]])
    pool["pid"] = int(natives.sum()) + np.arange(len(pool), dtype=np.int64)
    mult = int(rng.integers(100_000_000, 1_000_000_000)) | 1
    mult += 2 if mult % 5 == 0 else 0
    plans = tuple(
        CountyPlan(
            index=i,
            name=c.name,
            fips=c.fips,
            persons=int(persons[i]),
            natives=int(natives[i]),
            pid_offset=int(offsets[i]),
            lines=int(lines[i]),
            reasons=reasons[i],
            bases=bases[i],
            party_cdf=cdfs[i],
        )
        for i, c in enumerate(all_counties)
    )
    add = int(rng.integers(0, 1_000_000_000))
    return Plan(spec, plans, places, pool, mult, add)


def _places(spec: SynthSpec, persons: IntArray) -> tuple[Places, ...]:
    all_counties = counties()
    counts = city_counts(all_counties)
    names = city_names(stream(spec.seed, TAG_PLACES), vocab(), counts)
    blocks = zip_blocks(all_counties, counts)
    return tuple(
        build_places(
            stream(spec.seed, TAG_PLACES, i), vocab(), int(persons[i]), names[i], blocks[i]
        )
        for i in range(len(all_counties))
    )
