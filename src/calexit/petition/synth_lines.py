"""One county's petition lines before noise: who signed, what they wrote, and when.

Lines are built kind by kind (see :class:`~calexit.petition.synth_spec.Kind`), then
sorted by signing day into sections of 20 to 100 lines. A line's name and address are
vocabulary indices and a slot; :mod:`calexit.petition.synth_noise` writes them out.
If a county lacks voters for the planned lines (only at absurd ratios of signatures to
voters), the lines short of a signer are signed by unregistered people instead.
"""

from __future__ import annotations

import numpy as np
from numpy.random import Generator
from numpy.typing import NDArray

from calexit.petition.schema import Reason
from calexit.petition.synth_county import CountyVoters
from calexit.petition.synth_people import Columns, draw_names, uniform_days
from calexit.petition.synth_places import MAX_HOUSE
from calexit.petition.synth_plan import FLAG_BASES, FLAGS, Plan
from calexit.petition.synth_spec import REASONS, Kind, window
from calexit.petition.synth_vocab import IntArray, unit_count, vocab

SIGNER = ("pid", "first", "mid", "last", "last2", "county", "street", "house", "unit", "signed")
FLAG_COLUMNS = ("kind", "pure", "mismatch", "withdrawn", "no_address")
ALSO_NO_ADDRESS = 0.15  # of withdrawn lines: the address was left empty too
SAME_DAY_REPEAT = 0.15  # of duplicates: signed again the same day, next in the section
SAME_STREET = 0.5  # of address mismatches: another number on the voter's own street
SECTION_SIZES = (20, 100)
_KIND_OF = {
    Reason.VALID: Kind.VOTER,
    Reason.NOT_REGISTERED: Kind.UNREGISTERED,
    Reason.WRONG_COUNTY: Kind.OTHER_COUNTY,
    Reason.ADDRESS_MISMATCH: Kind.OTHER_ADDRESS,
    Reason.REGISTERED_AFTER_SIGNING: Kind.LATE,
    Reason.DUPLICATE: Kind.REPEAT,
}


def planned_flags(rng: Generator, voters: CountyVoters) -> Columns:
    """One row per planned line: kind, whether it is a plain line, and its flags."""
    county = voters.plan
    kinds: list[IntArray] = []
    flags: list[IntArray] = []
    for reason, reason_kind in _KIND_OF.items():
        count = int(county.reasons[REASONS.index(reason)])
        kinds.append(np.full(count, reason_kind))
        flags.append(np.full(count, -1))
    for f in range(len(FLAGS)):
        for b, base in enumerate(FLAG_BASES):
            count = int(county.bases[f, b])
            kinds.append(np.full(count, base))
            flags.append(np.full(count, f))
    kind, flag = np.concatenate(kinds).astype(np.int8), np.concatenate(flags)
    withdrawn = flag == FLAGS.index(Reason.WITHDRAWN)
    extra = withdrawn & (rng.random(len(kind)) < ALSO_NO_ADDRESS)
    return Columns(
        {
            "kind": kind,
            "pure": flag < 0,
            "mismatch": np.where(flag == FLAGS.index(Reason.SIGNATURE_MISMATCH), 1, -1).astype(
                np.int8
            ),
            "withdrawn": withdrawn,
            "no_address": (flag == FLAGS.index(Reason.NO_ADDRESS)) | extra,
        }
    )


def _from_people(people: Columns, county: int, signed: IntArray, prefix: str = "") -> Columns:
    cols = {n: people[n] for n in ("pid", "first", "mid", "last", "last2")}
    for n in ("street", "house", "unit"):
        cols[n] = people[prefix + n]
    cols["county"] = np.full(len(people), county, dtype=np.int64)
    cols["signed"] = signed
    return Columns(cols)


def _window_days(rng: Generator, size: int, low: IntArray | None = None) -> IntArray:
    start, end = window()
    first = np.full(size, start) if low is None else np.maximum(low, start)
    return uniform_days(rng, first, np.full(size, end))


def _movers(rng: Generator, plan: Plan, county: int) -> Columns:
    """Movers of the circulation window signing here, at the address registered that day."""
    pool = plan.pool
    movers = pool.take(np.flatnonzero(pool["sign_county"] == county))
    start, _ = window()
    old = movers["sign_old"]
    before = uniform_days(rng, np.full(len(movers), start), movers["move"] - 1)
    after = _window_days(rng, len(movers), movers["move"])
    at_old = _from_people(movers, county, before, "old_")
    at_new = _from_people(movers, county, after)
    return Columns({n: np.where(old, at_old[n], at_new[n]) for n in SIGNER})


def _occupied(voters: CountyVoters, slot: IntArray) -> NDArray[np.bool_]:
    """Whether anybody is registered at each slot (``voters.occupied`` is sorted)."""
    if not len(voters.occupied):
        return np.zeros(len(slot), dtype=np.bool_)
    at = np.minimum(np.searchsorted(voters.occupied, slot), len(voters.occupied) - 1)
    found: NDArray[np.bool_] = voters.occupied[at] == slot
    return found


def _other_address(rng: Generator, voters: CountyVoters, people: Columns) -> Columns:
    """Addresses where nobody is registered: often the signer's own street, else anywhere."""
    size = len(people)
    vacant = voters.vacant[rng.permutation(len(voters.vacant))[:size]]
    vacant = np.resize(vacant, size) if size else vacant
    slot = np.where(
        rng.random(size) < SAME_STREET,
        people["street"].astype(np.int64) * MAX_HOUSE + rng.integers(0, MAX_HOUSE, size),
        vacant,
    )
    for _ in range(20):
        taken = _occupied(voters, slot)
        if not taken.any():
            break
        street = people["street"][taken].astype(np.int64)
        slot[taken] = street * MAX_HOUSE + rng.integers(0, MAX_HOUSE, taken.sum())
    slot = np.where(_occupied(voters, slot), vacant, slot)
    return _slot_address(rng, slot, 0.2)


def _slot_address(rng: Generator, slot: IntArray, unit_share: float) -> Columns:
    size = len(slot)
    unit = np.where(rng.random(size) < unit_share, rng.integers(1, 1 + 3 * unit_count(), size), 0)
    return Columns({"street": slot // MAX_HOUSE, "house": slot % MAX_HOUSE + 1, "unit": unit})


def _unregistered(rng: Generator, voters: CountyVoters, size: int, hard_share: float) -> Columns:
    """People on no roll: half of them live with a voter and share that voter's surname."""
    words = vocab()
    people = draw_names(rng, size, words)
    households = len(voters.household_size)
    hard = (rng.random(size) < hard_share) & (households > 0)
    home = rng.integers(0, max(households, 1), size)
    start, sizes = voters.household_start[home], voters.household_size[home]
    member = start + np.floor(rng.random(size) * sizes).astype(np.int64)
    natives = voters.natives
    for _ in range(50):
        clash = np.zeros(size, dtype=np.bool_)
        for offset in range(5):
            inside = hard & (offset < sizes)
            other = natives["first"][np.where(inside, start + offset, 0)] if households else 0
            clash |= inside & words.related[people["first"], other]
        if not clash.any():
            break
        redrawn = draw_names(rng, int(clash.sum()), words)
        people["first"][clash] = redrawn["first"]
    hard &= ~clash
    slot = voters.vacant[rng.integers(0, len(voters.vacant), size)]
    address = _slot_address(rng, slot, 0.15)
    cols = {n: people[n] for n in ("first", "mid", "last", "last2")}
    if households:
        for n in ("last", "last2"):
            cols[n] = np.where(hard, natives[n][member], people[n])
        for n in ("street", "house", "unit"):
            address[n] = np.where(hard, natives[n][member], address[n])
    cols.update(address.data)
    cols["pid"] = np.full(size, -1, dtype=np.int64)
    cols["county"] = np.full(size, voters.plan.index, dtype=np.int64)
    cols["signed"] = _window_days(rng, size)
    return Columns(cols)


def _to_unregistered(flags: Columns, candidates: IntArray, excess: int) -> None:
    if excess > 0:
        flags["kind"][candidates[len(candidates) - excess :]] = Kind.UNREGISTERED


def _fit_to_people(flags: Columns, voters: CountyVoters, movers: int, stayers: int) -> None:
    """Give the lines that no one in the county can sign to unregistered people."""
    kind = flags["kind"]
    free = int((~voters.natives["late"]).sum())
    voter_rows = np.flatnonzero(kind == Kind.VOTER)
    native_rows = np.concatenate([voter_rows[movers:], np.flatnonzero(kind == Kind.OTHER_ADDRESS)])
    _to_unregistered(flags, native_rows, len(native_rows) - free)
    late_rows = np.flatnonzero(kind == Kind.LATE)
    _to_unregistered(flags, late_rows, len(late_rows) - int(voters.natives["late"].sum()))
    other_rows = np.flatnonzero(kind == Kind.OTHER_COUNTY)
    _to_unregistered(flags, other_rows, len(other_rows) - stayers)
    anchors = int((flags["pure"] & (kind == Kind.VOTER)).sum()) - movers
    repeat_rows = np.flatnonzero(kind == Kind.REPEAT)
    _to_unregistered(flags, repeat_rows, len(repeat_rows) - anchors)


def _repeats(
    rng: Generator, signers: Columns, ties: np.ndarray, anchors: range, size: int
) -> Columns:
    """Second lines of voters whose first (plain, valid) line is one of ``anchors``.

    Movers' lines are not among them: a mover's second line would fall after the move.
    """
    chosen = rng.choice(len(anchors), size=size, replace=False) if size else np.zeros(0, np.int64)
    anchor = anchors.start + chosen
    lines = signers.take(anchor)
    _, end = window()
    same_day = (rng.random(size) < SAME_DAY_REPEAT) | (lines["signed"] >= end)
    later = uniform_days(rng, lines["signed"] + 1, np.full(size, end))
    lines["signed"] = np.where(same_day, lines["signed"], later)
    lines["tie"] = np.where(same_day, ties[anchor] + 1e-9, rng.random(size) * 0.5)
    return lines


def _signers(rng: Generator, plan: Plan, voters: CountyVoters, flags: Columns) -> Columns:
    """Signer columns for ``flags`` (sorted by kind, plain lines first within a kind)."""
    index, kind = voters.plan.index, flags["kind"]
    natives, pool = voters.natives, plan.pool
    counts = np.bincount(kind, minlength=len(Kind))
    free = rng.permutation(np.flatnonzero(~natives["late"]))
    late = rng.permutation(np.flatnonzero(natives["late"]))
    movers = _movers(rng, plan, index)
    own = natives.take(free[: counts[Kind.VOTER] - len(movers)])
    voter = Columns.concat(
        [movers, _from_people(own, index, _window_days(rng, len(own), own["reg"]))], SIGNER
    )
    voter["tie"] = rng.random(len(voter)) * 0.5
    stayers = pool.take(np.flatnonzero(pool["wc_section"] == index))
    other = _from_people(stayers, 0, _window_days(rng, len(stayers)))
    other["county"] = stayers["home"]
    unregistered = _unregistered(
        rng, voters, int(counts[Kind.UNREGISTERED]), plan.spec.mix.hard_not_registered
    )
    wrong = natives.take(free[len(own) : len(own) + counts[Kind.OTHER_ADDRESS]])
    moved = _from_people(wrong, index, _window_days(rng, len(wrong), wrong["reg"]))
    moved.data.update(_other_address(rng, voters, wrong).data)
    start, _ = window()
    recent = natives.take(late[: counts[Kind.LATE]])
    early = _from_people(
        recent, index, uniform_days(rng, np.full(len(recent), start), recent["reg"] - 1)
    )
    pure = int((flags["pure"] & (kind == Kind.VOTER)).sum())
    anchors = range(len(movers), pure)
    repeats = _repeats(rng, voter, voter["tie"], anchors, int(counts[Kind.REPEAT]))
    groups = [voter, unregistered, other.take(np.arange(counts[Kind.OTHER_COUNTY])), moved, early]
    for group in groups[1:]:
        group["tie"] = rng.random(len(group)) * 0.5
    return Columns.concat([*groups, repeats], (*SIGNER, "tie"))


def county_lines(rng: Generator, plan: Plan, voters: CountyVoters) -> Columns:
    """Every line of the county's petition sections, in section and line order."""
    flags = planned_flags(rng, voters)
    flags = flags.take(np.lexsort((~flags["pure"], flags["kind"])))
    index = voters.plan.index
    movers = int((plan.pool["sign_county"] == index).sum())
    stayers = int((plan.pool["wc_section"] == index).sum())
    _fit_to_people(flags, voters, movers, stayers)
    flags = flags.take(np.lexsort((~flags["pure"], flags["kind"])))
    signers = _signers(rng, plan, voters, flags)
    lines = Columns({**flags.data, **signers.data})
    examined = (lines["pid"] >= 0) & (lines["mismatch"] < 0) & (rng.random(len(lines)) < 0.1)
    lines["mismatch"] = np.where(examined, 0, lines["mismatch"]).astype(np.int8)
    lines = lines.take(np.lexsort((lines["tie"], lines["signed"])))
    sizes = rng.integers(SECTION_SIZES[0], SECTION_SIZES[1] + 1, len(lines) + 1)
    ends = np.cumsum(sizes)
    section = np.searchsorted(ends, np.arange(len(lines)), side="right")
    starts = np.concatenate([[0], ends])
    lines["section"] = section + 1
    lines["line"] = np.arange(len(lines)) - starts[section] + 1
    return lines
