"""A synthetic nominee pool with its nominators, drawn from a voter file, and the truth.

Pure domain code: no files, no clock, no global randomness; the same spec and voter
table give the same output. Nominees and nominators are people of the given voter
table (a pyarrow table with the petition stage's voter columns; cancelled rows are
ignored), so the nominators can be checked against it with the petition stage's matcher.

Nominees (``spec.nominees``, a few thousand): drawn from the registered voters, older
adults and the capital region somewhat more often than their numbers; about 4% are the
partner of another nominee at the same dwelling (the household rule's case). Sector by
region (government and public administration twice as common around Sacramento, tribal
leaders in the rural north, the Sierra and the south), party from the registration (the
small parties split as in the 2025 registration), gender from the first name, age band
from the birth date, residency of five years or more.

Made ineligible on purpose, each reason on its own nominees (``ExpectedNominee``):
residency under five years (2%), a declared role inside the look-back (3%) or a family
member's (1%), too few valid nominators (4%), and the same person nominated twice
(0.5%: the later in intake order is the duplicate). Another 3% declare roles older than
the look-back and stay eligible.

Nominators: each nominee has a target number of distinct registered voters (103-130;
55-95 for the nominees meant to fall short), 70% from the nominee's region. On top of
those lines: unregistered people (4% of lines: half of them live with a registered voter
of the same surname), the same voter nominating the same nominee again (2%: counted
once), and on 5% of valid lines one typo in the first or last name (still the voter).
All lines: some capitals, abbreviated street suffixes, left-out middle names, cities and
ZIP codes; signed in the 60 days before nominations close (:data:`NOMINATIONS_CLOSE`).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from faker.providers.person.en_US import Provider as _FakerPerson
from nicknames import NickNamer
from numpy.random import Generator
from numpy.typing import NDArray

from calexit.commission.eligibility import DEFAULT_LOOKBACK_YEARS, Ineligibility
from calexit.commission.model import Quota
from calexit.commission.nominees import (
    NOMINATOR_COLUMNS,
    DeclaredRole,
    Gender,
    NominatorReason,
    Nominee,
    Role,
    age_band_of,
    party_registration,
    region_of,
)
from calexit.commission.quotas import default_quotas
from calexit.errors import InputError, Problem
from calexit.reference.datasets import regions
from calexit.rules.model import Commission

NOMINATIONS_CLOSE = date(2029, 3, 9)
"""When nominations close in the synthetic data (the date eligibility is decided on)."""
SIGNING_DAYS = 60
VALID_RANGE, FEW_RANGE = (103, 117), (55, 95)
HOME_REGION = 0.7
NOMINATOR_TRUTH_COLUMNS: tuple[str, ...] = ("nominator_id", "true_voter_id", "expected_reason")

SECTOR_WEIGHTS: dict[str, float] = {
    "government": 0.14,
    "law": 0.12,
    "public administration": 0.10,
    "business": 0.20,
    "civil rights": 0.10,
    "academia": 0.12,
    "tribal leader": 0.03,
    "community leader": 0.19,
}
SECTOR_TILT: dict[str, dict[str, float]] = {
    "Greater Sacramento": {"government": 2.0, "public administration": 2.0},
    "Bay Area": {"academia": 1.3, "business": 1.2, "tribal leader": 0.5},
    "Southern California": {"tribal leader": 0.5},
    "Northern California": {"tribal leader": 3.0},
    "Northern Sacramento Valley": {"tribal leader": 3.0},
    "Central Sierra": {"tribal leader": 3.0},
    "Inland Empire": {"tribal leader": 1.5},
    "Southern Border": {"tribal leader": 1.5},
}
REGION_TILT: dict[str, float] = {"Greater Sacramento": 1.5}
AGE_WEIGHT: dict[str, float] = {"18-29": 0.5, "30-44": 1.0, "45-64": 1.3, "65+": 0.9}
SMALL_PARTIES: tuple[tuple[str, float], ...] = (
    ("American Independent", 0.50),
    ("Libertarian", 0.15),
    ("Peace and Freedom", 0.08),
    ("Green", 0.06),
    ("Other", 0.21),
)
PARTY_CODES = {"DEM": "Democratic", "REP": "Republican", "NPP": "No party preference"}
NONBINARY = 0.015
STREET_ABBREVIATIONS = {
    "Street": "St",
    "Avenue": "Ave",
    "Drive": "Dr",
    "Road": "Rd",
    "Lane": "Ln",
    "Court": "Ct",
    "Place": "Pl",
    "Circle": "Cir",
    "Boulevard": "Blvd",
}
CAPITALS, ABBREVIATED, NO_MIDDLE, NO_CITY, NO_ZIP = 0.08, 0.30, 0.25, 0.05, 0.02


@dataclass(frozen=True)
class CommissionSynthSpec:
    """Options of one synthetic nominee pool; shares are of nominees or of nominator lines."""

    seed: int = 2029
    nominees: int = 3000
    couples: float = 0.04
    short_residency: float = 0.02
    conflict: float = 0.03
    family_conflict: float = 0.01
    old_roles: float = 0.03
    few_nominators: float = 0.04
    duplicate_nominees: float = 0.005
    unregistered: float = 0.04
    repeats: float = 0.02
    typos: float = 0.05
    as_of: date = NOMINATIONS_CLOSE

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        if self.nominees < 1:
            found.append(Problem("must be at least 1", key="nominees", value=str(self.nominees)))
        if self.seed < 0:
            found.append(Problem("must be zero or more", key="seed", value=str(self.seed)))
        shares = [f.name for f in fields(self) if isinstance(getattr(self, f.name), float)]
        for name in shares:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                found.append(Problem("must lie between 0 and 1", key=name, value=f"{value:g}"))
        per_nominee = (
            self.short_residency
            + self.conflict
            + self.family_conflict
            + self.old_roles
            + self.few_nominators
            + self.duplicate_nominees
            + self.couples
        )
        if per_nominee > 1.0:
            found.append(
                Problem("the shares of nominees add up to more than 1", value=f"{per_nominee:g}")
            )
        return found


@dataclass(frozen=True)
class ExpectedNominee:
    """What the eligibility check should find for a synthetic nominee."""

    valid_nominators: int
    reasons: tuple[Ineligibility, ...]


@dataclass(frozen=True)
class SyntheticCommission:
    spec: CommissionSynthSpec
    nominees: tuple[Nominee, ...]
    nominators: Any
    """pyarrow.Table with :data:`NOMINATOR_COLUMNS` (``signed_on`` a date)."""
    nominator_truth: Any
    """pyarrow.Table with :data:`NOMINATOR_TRUTH_COLUMNS`."""
    expected: Mapping[str, ExpectedNominee]
    quotas: tuple[Quota, ...]
    seats: int


_PERSON = (
    "county",
    "first_name",
    "middle_name",
    "last_name",
    "house_number",
    "street",
    "unit",
    "city",
    "zip",
)

_VOTER_FIELDS = (
    "voter_id",
    "county",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "house_number",
    "street",
    "unit",
    "city",
    "zip",
    "date_of_birth",
    "party",
)


@dataclass(frozen=True)
class _Voters:
    cells: dict[str, list[Any]]
    region: NDArray[np.int64]
    age: NDArray[np.int64]
    by_region: list[NDArray[np.int64]]
    by_address: dict[tuple[str, ...], list[int]]
    names: set[tuple[str, str, str]]
    people: list[tuple[str, ...]]
    """Each row's name and address, in the order of ``_PERSON``."""

    def __len__(self) -> int:
        return len(self.region)

    def address(self, row: int) -> tuple[str, ...]:
        c = self.cells
        return (c["county"][row], c["house_number"][row], c["street"][row], c["unit"][row])


def _age(born: date | None, as_of: date) -> int:
    if born is None:
        return 45
    return as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))


def _voters(table: Any, as_of: date) -> _Voters:
    missing = [c for c in _VOTER_FIELDS if c not in table.column_names]
    if missing:
        raise InputError(
            "the voter table lacks columns",
            [Problem("missing column", key=c) for c in missing],
        )
    if "cancelled_on" in table.column_names:
        active = pc.is_null(table.column("cancelled_on"))
        table = table.filter(active)
    cells = {c: table.column(c).to_pylist() for c in _VOTER_FIELDS}
    for column in _VOTER_FIELDS:
        if column != "date_of_birth":
            cells[column] = ["" if v is None else str(v) for v in cells[column]]
    known = {r: i for i, r in enumerate(regions())}
    region_by_county: dict[str, int] = {}
    region = np.empty(len(cells["county"]), dtype=np.int64)
    for i, county in enumerate(cells["county"]):
        if county not in region_by_county:
            region_by_county[county] = known[region_of(county)]
        region[i] = region_by_county[county]
    age = np.array([_age(b, as_of) for b in cells["date_of_birth"]], dtype=np.int64)
    by_address: dict[tuple[str, ...], list[int]] = {}
    people = list(zip(*(cells[k] for k in _PERSON), strict=True))
    voters = _Voters(cells, region, age, [], by_address, set(), people)
    for row in range(len(region)):
        by_address.setdefault(voters.address(row), []).append(row)
        voters.names.add(
            (cells["county"][row], cells["first_name"][row].upper(), _last(cells, row))
        )
    voters.by_region.extend(np.flatnonzero(region == r) for r in range(len(known)))
    return voters


def _last(cells: Mapping[str, list[Any]], row: int) -> str:
    return str(cells["last_name"][row]).upper()


@cache
def _first_names() -> tuple[tuple[str, ...], NDArray[np.float64], frozenset[str], frozenset[str]]:
    female = dict(_FakerPerson.first_names_female)
    male = dict(_FakerPerson.first_names_male)
    names = tuple(dict.fromkeys([*female, *male]))
    weights = np.array([female.get(n, 0.0) + male.get(n, 0.0) for n in names])
    return names, weights / weights.sum(), frozenset(female), frozenset(male)


@cache
def _nick_namer() -> NickNamer:
    return NickNamer()


@cache
def _related(name: str) -> frozenset[str]:
    namer = _nick_namer()
    key = name.casefold()
    return frozenset({key, *namer.nicknames_of(key), *namer.canonicals_of(key)})


def _gender(rng: Generator, first: str) -> Gender:
    _, _, female, male = _first_names()
    if rng.random() < NONBINARY:
        return Gender.NONBINARY
    is_female, is_male = first in female, first in male
    if is_female != is_male:
        return Gender.FEMALE if is_female else Gender.MALE
    return Gender.FEMALE if rng.random() < 0.5 else Gender.MALE


def _pick(rng: Generator, options: list[str], weights: list[float]) -> str:
    p = np.array(weights, dtype=np.float64)
    return options[int(rng.choice(len(options), p=p / p.sum()))]


def _party(rng: Generator, code: str) -> str:
    if code in PARTY_CODES:
        return PARTY_CODES[code]
    try:
        name = party_registration(code)
    except ValueError:
        name = "Other"
    if name != "Other":
        return name
    return _pick(rng, [p for p, _ in SMALL_PARTIES], [w for _, w in SMALL_PARTIES])


def _sector(rng: Generator, region: str, sectors: tuple[str, ...]) -> str:
    tilt = SECTOR_TILT.get(region, {})
    weights = [SECTOR_WEIGHTS.get(s, 0.1) * tilt.get(s, 1.0) for s in sectors]
    return _pick(rng, list(sectors), weights)


@dataclass
class _Draft:
    """A nominee being made: the voter row it is, and what it was made to be."""

    row: int
    kind: str = "eligible"
    sector: str = ""
    party: str = ""
    gender: Gender = Gender.FEMALE
    residency: int = 0
    roles: tuple[DeclaredRole, ...] = ()
    copy_of: int = -1


def _draw_rows(rng: Generator, voters: _Voters, count: int, as_of: date) -> list[int]:
    names = regions()
    weights = np.array(
        [
            REGION_TILT.get(names[r], 1.0) * AGE_WEIGHT[age_band_of(max(18, int(a)))]
            for r, a in zip(voters.region, voters.age, strict=True)
        ]
    )
    weights[voters.age < 18] = 0.0
    chosen = rng.choice(len(voters), size=count, replace=False, p=weights / weights.sum())
    return [int(r) for r in chosen]


def _partners(rng: Generator, voters: _Voters, rows: list[int], count: int) -> list[int]:
    taken = set(rows)
    partners: list[int] = []
    for index in rng.permutation(len(rows)):
        if len(partners) >= count:
            break
        home = voters.by_address[voters.address(rows[int(index)])]
        others = [r for r in home if r not in taken and voters.age[r] >= 18]
        if others:
            partner = others[int(rng.integers(len(others)))]
            taken.add(partner)
            partners.append(partner)
    return partners


def _roles(
    rng: Generator, as_of: date, lookback: int, *, inside: bool, family: bool
) -> tuple[DeclaredRole, ...]:
    role = list(Role)[int(rng.integers(len(Role)))]
    first_inside = as_of.year - lookback
    if inside:
        last = int(rng.integers(first_inside, as_of.year + 1))
    else:
        last = first_inside - 1 - int(rng.integers(0, 12))
    first = last - int(rng.integers(0, 5))
    return (DeclaredRole(role, first, last, family),)


def _assign_kinds(rng: Generator, drafts: list[_Draft], spec: CommissionSynthSpec) -> None:
    kinds = (
        ("short_residency", spec.short_residency),
        ("conflict", spec.conflict),
        ("family_conflict", spec.family_conflict),
        ("old_roles", spec.old_roles),
        ("few_nominators", spec.few_nominators),
    )
    order = [int(i) for i in rng.permutation(len(drafts))]
    start = 0
    for kind, share in kinds:
        count = round(share * spec.nominees)
        for index in order[start : start + count]:
            drafts[index].kind = kind
        start += count


def _complete(
    rng: Generator,
    draft: _Draft,
    voters: _Voters,
    spec: CommissionSynthSpec,
    lookback: int,
    sectors: tuple[str, ...],
) -> None:
    cells, row = voters.cells, draft.row
    age = max(18, int(voters.age[row]))
    draft.sector = _sector(rng, regions()[int(voters.region[row])], sectors)
    draft.party = _party(rng, cells["party"][row])
    draft.gender = _gender(rng, cells["first_name"][row])
    if draft.kind == "short_residency":
        draft.residency = int(rng.integers(0, 5))
    else:
        draft.residency = int(rng.integers(5, age + 1))
    if draft.kind in ("conflict", "family_conflict", "old_roles"):
        draft.roles = _roles(
            rng,
            spec.as_of,
            lookback,
            inside=draft.kind != "old_roles",
            family=draft.kind == "family_conflict",
        )


def _nominee(draft: _Draft, voters: _Voters, nominee_id: str, as_of: date) -> Nominee:
    c, row = voters.cells, draft.row
    return Nominee(
        id=nominee_id,
        first_name=c["first_name"][row],
        middle_name=c["middle_name"][row],
        last_name=c["last_name"][row],
        suffix=c["suffix"][row],
        county=c["county"][row],
        party=draft.party,
        sector=draft.sector,
        gender=draft.gender,
        age_band=age_band_of(max(18, int(voters.age[row]))),
        house_number=c["house_number"][row],
        street=c["street"][row],
        unit=c["unit"][row],
        city=c["city"][row],
        zip=c["zip"][row],
        residency_years=draft.residency,
        roles=draft.roles,
    )


# --- nominator lines ---------------------------------------------------------------------


def _typo(rng: Generator, word: str) -> str:
    """One letter substituted, dropped or swapped with the next (never the first)."""
    if len(word) < 4:
        return word
    at = 1 + int(rng.integers(0, len(word) - 2))
    op = int(rng.integers(0, 3))
    if op == 0:
        letter = string.ascii_lowercase[int(rng.integers(26))]
        if letter == word[at].lower():
            letter = "e" if letter != "e" else "a"
        return word[:at] + letter + word[at + 1 :]
    if op == 1 or word[at] == word[at + 1]:
        return word[:at] + word[at + 1 :]
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _abbreviate(street: str) -> str:
    words = street.split(" ")
    if words and words[-1] in STREET_ABBREVIATIONS:
        words[-1] = STREET_ABBREVIATIONS[words[-1]]
    return " ".join(words)


def _person(voters: _Voters, row: int) -> list[str]:
    return list(voters.people[row])


def _supporters(rng: Generator, voters: _Voters, home: int, count: int, exclude: int) -> list[int]:
    """``count`` distinct voters, about 70% of them from region ``home``."""
    local = voters.by_region[home]
    wanted_local = min(round(count * HOME_REGION), max(0, len(local) - 1))
    picked: dict[int, None] = {}
    if wanted_local:
        draws = local[rng.integers(0, len(local), size=wanted_local * 2 + 8)]
        for row in draws:
            if len(picked) >= wanted_local:
                break
            if int(row) != exclude:
                picked.setdefault(int(row), None)
    attempts = 0
    while len(picked) < count and attempts < 50:
        attempts += 1
        for row in rng.integers(0, len(voters), size=(count - len(picked)) * 2 + 8):
            if len(picked) >= count:
                break
            if int(row) != exclude:
                picked.setdefault(int(row), None)
    return list(picked)


def _unregistered(rng: Generator, voters: _Voters, home: int) -> list[str]:
    """Someone not on the voter file: half live with a registered voter of the same surname."""
    names, weights, _, _ = _first_names()
    local = voters.by_region[home] if len(voters.by_region[home]) else np.arange(len(voters))
    address_row = int(local[int(rng.integers(len(local)))])
    person = _person(voters, address_row)
    housemates = voters.by_address[voters.address(address_row)]
    taken: set[str] = set()
    for mate in housemates:
        taken |= _related(voters.cells["first_name"][mate])
    initials = {voters.cells["first_name"][m][:1].upper() for m in housemates}
    same_surname = rng.random() < 0.5
    cumulative = np.cumsum(weights)
    for _ in range(100):
        first = names[min(int(np.searchsorted(cumulative, rng.random())), len(names) - 1)]
        last = person[3]
        if not same_surname:
            last = voters.cells["last_name"][int(rng.integers(len(voters)))]
        clash = (person[0], first.upper(), last.upper()) in voters.names
        if first.casefold() not in taken and first[:1].upper() not in initials and not clash:
            break
    person[1], person[2], person[3] = first, "", last
    return person


_TEXT_COLUMNS = NOMINATOR_COLUMNS[4:]
_EPOCH = date(1970, 1, 1)


class _Lines:
    """Nominator lines (columns of :data:`NOMINATOR_COLUMNS`), and the truth about each."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {c: [] for c in NOMINATOR_COLUMNS}
        self.truth: dict[str, list[str | None]] = {c: [] for c in NOMINATOR_TRUTH_COLUMNS}

    def add(
        self,
        line_id: str,
        nominee_id: str,
        signed_on: int,
        person: list[str],
        noise: list[float],
        truth: tuple[str | None, NominatorReason],
    ) -> None:
        """One line, with the everyday noise of a filled-in form (``noise``: 4 uniforms);
        ``signed_on`` in days since 1970-01-01."""
        county, first, middle, last, house, street, unit, city, zip_code = person
        if noise[0] < NO_MIDDLE:
            middle = ""
        if noise[1] < ABBREVIATED:
            street = _abbreviate(street)
        if noise[2] < NO_CITY:
            city = ""
        elif noise[2] < NO_CITY + NO_ZIP:
            zip_code = ""
        texts: tuple[str, ...] = (first, middle, last, house, street, unit, city, zip_code)
        if noise[3] < CAPITALS:
            texts = tuple(v.upper() for v in texts)
        columns = self.columns
        columns["nominator_id"].append(line_id)
        columns["nominee_id"].append(nominee_id)
        columns["county"].append(county)
        columns["signed_on"].append(signed_on)
        for name, text in zip(_TEXT_COLUMNS, texts, strict=True):
            columns[name].append(text)
        self.truth["nominator_id"].append(line_id)
        self.truth["true_voter_id"].append(truth[0])
        self.truth["expected_reason"].append(truth[1].value)

    def tables(self) -> tuple[Any, Any]:
        lines = pa.table(
            {
                name: (
                    pa.array(np.asarray(values, dtype=np.int32), type=pa.int32()).cast(pa.date32())
                    if name == "signed_on"
                    else pa.array(values, type=pa.string())
                )
                for name, values in self.columns.items()
            }
        )
        facts = pa.table(
            {name: pa.array(values, type=pa.string()) for name, values in self.truth.items()}
        )
        return lines, facts


def _nominator_lines(
    rng: Generator,
    voters: _Voters,
    nominees: list[tuple[Nominee, _Draft]],
    spec: CommissionSynthSpec,
) -> tuple[_Lines, dict[str, int]]:
    lines = _Lines()
    valid: dict[str, int] = {}
    region_index = {r: i for i, r in enumerate(regions())}
    first_day = (spec.as_of - timedelta(days=SIGNING_DAYS) - _EPOCH).days
    days = [first_day + d for d in range(SIGNING_DAYS)]
    voter_ids = voters.cells["voter_id"]
    for nominee, draft in nominees:
        low, high = FEW_RANGE if draft.kind == "few_nominators" else VALID_RANGE
        home = region_index[nominee.region]
        rows = _supporters(rng, voters, home, int(rng.integers(low, high + 1)), draft.row)
        valid[nominee.id] = len(rows)
        repeats = rng.integers(0, len(rows), round(len(rows) * spec.repeats))
        plan = rows + [rows[int(i)] for i in repeats]
        plan += [-1] * round(len(rows) * spec.unregistered)
        order = rng.permutation(len(plan))
        noise = rng.random((len(plan), 6)).tolist()
        signed = rng.integers(0, SIGNING_DAYS, len(plan)).tolist()
        seen: set[int] = set()
        for number, index in enumerate(order):
            row = plan[int(index)]
            line_id = f"{nominee.id}-{number + 1:03d}"
            if row < 0:
                person = _unregistered(rng, voters, home)
                truth: tuple[str | None, NominatorReason] = (None, NominatorReason.NOT_REGISTERED)
            else:
                person = _person(voters, row)
                reason = NominatorReason.DUPLICATE if row in seen else NominatorReason.VALID
                seen.add(row)
                truth = (voter_ids[row], reason)
                if noise[number][4] < spec.typos:
                    at = 1 if noise[number][5] < 0.5 else 3  # first or last name
                    person[at] = _typo(rng, person[at])
            lines.add(line_id, nominee.id, days[signed[number]], person, noise[number], truth)
    return lines, valid


def synthesize_commission(
    voters: Any, commission: Commission, spec: CommissionSynthSpec | None = None
) -> SyntheticCommission:
    """Nominees, nominator lines, the truth and the default quotas, from a voter table."""
    spec = spec or CommissionSynthSpec()
    problems = spec.problems()
    if problems:
        raise InputError("bad options for the synthetic nominee pool", problems)
    rng = np.random.default_rng(np.random.SeedSequence([spec.seed, 4]))
    people = _voters(voters, spec.as_of)
    duplicates = round(spec.duplicate_nominees * spec.nominees)
    couples = round(spec.couples * spec.nominees)
    base = spec.nominees - duplicates - couples
    adults = int((people.age >= 18).sum())
    if base + couples > adults // 2:
        raise InputError(
            "the voter table is too small for this many nominees",
            [
                Problem(
                    f"at most {adults // 2} with {adults} voters",
                    key="nominees",
                    value=str(spec.nominees),
                )
            ],
        )
    rows = _draw_rows(rng, people, base, spec.as_of)
    rows += _partners(rng, people, rows, couples)
    drafts = [_Draft(row) for row in rows]
    _assign_kinds(rng, drafts, spec)
    lookback = commission.conflict_lookback_years
    years = lookback.value if lookback else DEFAULT_LOOKBACK_YEARS
    sectors = commission.sectors.value if commission.sectors else tuple(SECTOR_WEIGHTS)
    for draft in drafts:
        _complete(rng, draft, people, spec, years, sectors)
    for index in rng.choice(len(drafts), size=duplicates, replace=False):
        original = drafts[int(index)]
        drafts.append(_Draft(**{**vars(original), "copy_of": int(index)}))
    order = [int(i) for i in rng.permutation(len(drafts))]
    width = max(5, len(str(len(drafts))))
    made = [
        (_nominee(drafts[i], people, f"N{n:0{width}d}", spec.as_of), drafts[i])
        for n, i in enumerate(order, start=1)
    ]
    lines, valid = _nominator_lines(rng, people, made, spec)
    expected = _expected(made, valid, commission)
    nominators, truth = lines.tables()
    seats = commission.members.value if commission.members else 20
    return SyntheticCommission(
        spec,
        tuple(n for n, _ in made),
        nominators,
        truth,
        expected,
        default_quotas(commission),
        seats,
    )


def _expected(
    made: list[tuple[Nominee, _Draft]], valid: Mapping[str, int], commission: Commission
) -> dict[str, ExpectedNominee]:
    minimum = commission.nominators_min.value if commission.nominators_min else 0
    residency = commission.residency_years_min.value if commission.residency_years_min else 0
    seen: set[tuple[str, str, str]] = set()
    expected: dict[str, ExpectedNominee] = {}
    for nominee, draft in made:
        reasons: list[Ineligibility] = []
        if draft.residency < residency:
            reasons.append(Ineligibility.RESIDENCY)
        if valid[nominee.id] < minimum:
            reasons.append(Ineligibility.NOMINATORS)
        if draft.kind in ("conflict", "family_conflict"):
            reasons.append(Ineligibility.CONFLICT_OF_INTEREST)
        if nominee.person_key in seen:
            reasons.append(Ineligibility.DUPLICATE_NOMINEE)
        seen.add(nominee.person_key)
        expected[nominee.id] = ExpectedNominee(valid[nominee.id], tuple(reasons))
    return expected
