"""One county's voters: households of natives plus the pool people whose rows are here.

Natives live in households of 1 to 5 (mean about 1.8) that share an address, and most
members share the first member's last name. The county's rows are sorted by voter id,
then registration date (a mover's cancelled row comes first).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from numpy.random import Generator
from numpy.typing import NDArray

from calexit.petition.schema import Reason
from calexit.petition.synth_people import (
    Columns,
    draw_birth,
    draw_late_registration,
    draw_names,
    draw_registration,
)
from calexit.petition.synth_places import MAX_HOUSE
from calexit.petition.synth_plan import UNIT_SHARE, CountyPlan, Plan
from calexit.petition.synth_spec import REASONS
from calexit.petition.synth_vocab import (
    NAME_SUFFIXES,
    PARTIES,
    IntArray,
    sample_cdf,
    unit_count,
    vocab,
)

HOUSEHOLD_SIZES = (0.50, 0.30, 0.11, 0.06, 0.03)  # 1..5 people, mean 1.82
SHARED_LAST_NAME = 0.85
# Voter rows are kept in compact types (they are only indexed and written out).
ROW_TYPES: dict[str, type[np.generic]] = {
    "pid": np.int64, "first": np.int16, "mid": np.int16, "last": np.int16, "last2": np.int16,
    "suffix": np.int8, "street": np.int32, "house": np.int32, "unit": np.int16,
    "reg": np.int32, "cancel": np.int32, "dob": np.int32, "party": np.int8,
}  # fmt: skip
ROW_COLUMNS = tuple(ROW_TYPES)


@dataclass(frozen=True, eq=False)
class CountyVoters:
    """A county's people as columns; ``natives`` and ``households`` feed the signatures."""

    plan: CountyPlan
    natives: Columns  # also "household" and "late" (registered during circulation)
    household_start: IntArray
    household_size: IntArray
    occupied: IntArray  # every slot with a voter row in the county, sorted
    vacant: IntArray  # slots with nobody registered, in random order
    rows: Columns  # every voter row of the county, in file order


def _households(rng: Generator, people: int) -> IntArray:
    if people == 0:
        return np.zeros(0, dtype=np.int64)
    sizes = rng.choice(len(HOUSEHOLD_SIZES), size=people, p=HOUSEHOLD_SIZES) + 1
    total = np.cumsum(sizes)
    count = int(np.searchsorted(total, people)) + 1
    sizes = sizes[:count]
    sizes[-1] -= int(total[count - 1]) - people
    return sizes.astype(np.int64)


def _reserved(plan: Plan, county: int) -> IntArray:
    pool = plan.pool
    old = (pool["origin"] == county) & (pool["move"] >= 0)
    new = pool["home"] == county
    return np.concatenate(
        [
            pool["old_street"][old] * MAX_HOUSE + pool["old_house"][old] - 1,
            pool["street"][new] * MAX_HOUSE + pool["house"][new] - 1,
        ]
    )


def _natives(rng: Generator, county: CountyPlan, sizes: IntArray) -> Columns:
    people = county.natives
    natives = draw_names(rng, people, vocab())
    household = np.repeat(np.arange(len(sizes)), sizes)
    head = (np.cumsum(sizes) - sizes)[household]
    shared = rng.random(people) < SHARED_LAST_NAME
    natives["last"] = np.where(shared, natives["last"][head], natives["last"])
    natives["last2"] = np.where(shared, natives["last2"][head], natives["last2"])
    natives["household"] = household.astype(np.int32)
    natives["pid"] = county.pid_offset + np.arange(people, dtype=np.int64)
    natives["dob"] = draw_birth(rng, people).astype(np.int32)
    natives["reg"] = draw_registration(rng, natives["dob"]).astype(np.int32)
    natives["cancel"] = np.full(people, -1, dtype=np.int32)
    natives["party"] = sample_cdf(rng, county.party_cdf, people).astype(np.int8)
    late_count = min(int(county.reasons[REASONS.index(Reason.REGISTERED_AFTER_SIGNING)]), people)
    late = rng.choice(people, size=late_count, replace=False)
    natives["reg"][late] = draw_late_registration(rng, natives["dob"][late])
    natives["late"] = np.zeros(people, dtype=np.bool_)
    natives["late"][late] = True
    return natives


def _pool_rows(plan: Plan, county: int) -> Columns:
    pool = plan.pool
    old = pool.take(np.flatnonzero((pool["origin"] == county) & (pool["move"] >= 0)))
    new = pool.take(np.flatnonzero(pool["home"] == county))
    for name in ("street", "house", "unit"):
        old[name] = old["old_" + name]
    old["reg"], old["cancel"] = old["old_reg"], old["move"]
    new["cancel"] = np.full(len(new), -1, dtype=np.int64)
    return Columns.concat([old, new], ROW_COLUMNS)


def county_voters(rng: Generator, plan: Plan, county: CountyPlan) -> CountyVoters:
    """Generate the county's natives and gather its pool rows."""
    sizes = _households(rng, county.natives)
    natives = _natives(rng, county, sizes)
    reserved = _reserved(plan, county.index)
    wanted = len(sizes) + county.lines + 16
    slots = rng.choice(plan.places[county.index].slots, size=wanted + len(reserved), replace=False)
    slots = slots[~np.isin(slots, reserved)][:wanted]
    home = slots[: len(sizes)]
    units = np.where(
        rng.random(len(sizes)) < UNIT_SHARE, rng.integers(1, 1 + 3 * unit_count(), len(sizes)), 0
    )
    natives["street"] = (home // MAX_HOUSE).astype(np.int32)[natives["household"]]
    natives["house"] = (home % MAX_HOUSE + 1).astype(np.int32)[natives["household"]]
    natives["unit"] = units.astype(np.int16)[natives["household"]]
    rows = Columns.concat([natives, _pool_rows(plan, county.index)], ROW_COLUMNS, ROW_TYPES)
    order = np.lexsort((rows["reg"], plan.voter_ids(rows["pid"])))
    return CountyVoters(
        plan=county,
        natives=natives,
        household_start=np.cumsum(sizes) - sizes,
        household_size=sizes,
        occupied=np.sort(np.concatenate([home, reserved])),
        vacant=slots[len(sizes) :],
        rows=rows.take(order),
    )


def voter_id_array(plan: Plan, pids: IntArray) -> Any:
    digits = pc.cast(pa.array(plan.voter_ids(pids)), pa.string())
    return pc.binary_join_element_wise("CA", pc.utf8_lpad(digits, 9, "0"), "")


def last_name_array(last: IntArray, last2: IntArray) -> Any:
    """Last names, ``First-Second`` for hyphenated ones."""
    words = vocab()
    first = words.arrow("last").take(pa.array(last))
    second = words.arrow("last").take(pa.array(np.maximum(last2, 0)))
    second = pc.if_else(pa.array(last2 >= 0), second, pa.scalar(None, pa.string()))
    return pc.binary_join_element_wise(first, second, "-", null_handling="skip")


def dates(days: IntArray, missing: NDArray[np.bool_] | None = None) -> Any:
    """Days since 1970 as Arrow ``date32``, null where ``missing``."""
    return pa.array(days.astype(np.int32), mask=missing).cast(pa.date32())


def voter_batch(plan: Plan, county: CountyPlan, rows: Columns, schema: Any) -> Any:
    """Voter rows as a RecordBatch of ``schema`` (the columns of ``VOTER_COLUMNS``)."""
    words, place = vocab(), plan.places[county.index]
    street = pa.array(rows["street"])
    arrays = [
        voter_id_array(plan, rows["pid"]),
        pa.repeat(pa.scalar(county.name, pa.string()), len(rows)),
        words.arrow("first").take(pa.array(rows["first"])),
        words.arrow("middle").take(pa.array(rows["mid"])),
        last_name_array(rows["last"], rows["last2"]),
        pa.array(NAME_SUFFIXES, type=pa.string()).take(pa.array(rows["suffix"])),
        pc.cast(pa.array(rows["house"]), pa.string()),
        place.streets.take(street),
        words.arrow("units").take(pa.array(rows["unit"])),
        place.cities.take(pa.array(place.street_city[rows["street"]])),
        place.zips.take(pa.array(place.street_zip[rows["street"]])),
        dates(rows["reg"]),
        dates(rows["cancel"], rows["cancel"] < 0),
        dates(rows["dob"]),
        pa.array(PARTIES, type=pa.string()).take(pa.array(rows["party"])),
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def voter_batches(plan: Plan, voters: CountyVoters, schema: Any, batch_rows: int) -> Iterator[Any]:
    """The county's voter rows in batches of at most ``batch_rows``."""
    for start in range(0, len(voters.rows), batch_rows):
        chunk = voters.rows.slice(start, start + batch_rows)
        yield voter_batch(plan, voters.plan, chunk, schema)
