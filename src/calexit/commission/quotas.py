"""Default quotas for the commission, and the pseudonymous pool the lottery draws from.

The pack names the seats (``commission.members``: 20), the features to diversify on
(``commission.diversity``: region, party, sector) and the sectors. The default quotas:

* **region** (the ten shipped regions) and **party** (Democratic, Republican, No party
  preference, Other): each value's exact share of the seats, ``e = seats x share of
  registered voters``, rounded down for the minimum and up for the maximum: the quota
  rule of proportional apportionment, which keeps every group within one seat of its
  exact share. Region shares are the counties' registered voters (15-day report of
  21 October 2024, ``ca_counties.csv``); party shares are the statewide registration of
  10 February 2025 (``ca_facts.csv``), the latest with a party split.

  So every region is guaranteed its whole seats: the six regions with at least one
  seat's share of the voters get at least one member; the four with less (Central Coast,
  Northern California, Northern Sacramento Valley, Central Sierra: 5.5% of the voters,
  1.25 seats together) may have one member each and need not. Guaranteeing each of the
  ten regions a seat would hand those 5.5% of voters at least a fifth of the commission
  (3.6 times their share), taken from the regions where most Californians live.

  With 20 seats: Southern California 7-8, Bay Area 4-5, Inland Empire 2-3, San Joaquin
  Valley 1-2, Southern Border 1-2, Greater Sacramento 1-2, the four smaller regions 0-1;
  Democratic 9-10, Republican 5-6, No party preference 4-5, Other 1-2.

* **sector** (the pack's eight sectors): no population share exists, and the policy
  names each sector, so each has at least one member and none more than a fifth of the
  seats (1-4 of 20).

The default is feasible on the synthetic pool (``tests/unit/commission``) and is written
as ``quotas.csv`` by the synthetic data writer; a user's own quota file replaces it.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from calexit.commission.eligibility import Decision
from calexit.commission.model import Instance, Person, Quota
from calexit.commission.nominees import Nominee, PartyGroup
from calexit.errors import InputError, Problem
from calexit.reference.datasets import counties, fact, regions
from calexit.rules.model import Commission

FEATURES: tuple[str, ...] = ("region", "party", "sector", "gender", "age_band")
"""The features each person of the published pool carries."""
DEFAULT_DIVERSITY: tuple[str, ...] = ("region", "party", "sector")
SECTOR_SHARE_MAX = Fraction(1, 5)
REGION_SOURCE = "registered voters by county, 15-day report of 21 Oct 2024 (ca_counties.csv)"
PARTY_SOURCE = "statewide registration, report of 10 Feb 2025 (ca_facts.csv)"
SECTOR_SOURCE = "each sector the pack names: at least 1, at most a fifth of the seats"
_PARTY_FACTS = {
    PartyGroup.DEMOCRATIC: "registered_democratic_2025_02_10",
    PartyGroup.REPUBLICAN: "registered_republican_2025_02_10",
    PartyGroup.NO_PARTY_PREFERENCE: "registered_no_party_preference_2025_02_10",
    PartyGroup.OTHER: "registered_other_2025_02_10",
}


@dataclass(frozen=True)
class QuotaBasis:
    """A default quota with what it was computed from."""

    quota: Quota
    seats: Fraction | None
    """The exact share of the seats (``None`` for sectors, which have no share)."""
    source: str


def region_shares() -> dict[str, Fraction]:
    """Each shipped region's share of the registered voters."""
    voters = dict.fromkeys(regions(), 0)
    for county in counties():
        voters[county.region] += county.registered_voters
    total = sum(voters.values())
    return {region: Fraction(n, total) for region, n in voters.items()}


def party_shares() -> dict[str, Fraction]:
    """The four party groups' shares of the statewide registration."""
    counts = {group.value: int(fact(key).value or 0) for group, key in _PARTY_FACTS.items()}
    total = sum(counts.values())
    return {group: Fraction(n, total) for group, n in counts.items()}


def proportional_range(share: Fraction, seats: int) -> tuple[int, int]:
    """``(floor, ceil)`` of the exact number of seats ``share x seats``."""
    exact = share * seats
    return math.floor(exact), math.ceil(exact)


def panel_size(commission: Commission | None) -> int:
    """The number of seats the pack states; an InputError when it states none."""
    if commission is None or commission.members is None:
        raise InputError(
            "the rule pack does not say how many members the commission has",
            [Problem("required to draw a commission", key="commission.members")],
        )
    return commission.members.value


def _proportional(
    feature: str, shares: Mapping[str, Fraction], seats: int, source: str
) -> list[QuotaBasis]:
    rows = []
    for value, share in shares.items():
        low, high = proportional_range(share, seats)
        rows.append(QuotaBasis(Quota(feature, value, low, high), share * seats, source))
    return rows


def default_quota_table(commission: Commission, seats: int | None = None) -> tuple[QuotaBasis, ...]:
    """The default quotas of the pack's diversity features, with their basis, for the
    pack's seats (``commission.members``) or ``seats``."""
    if seats is None:
        seats = panel_size(commission)
    elif seats < 1:
        raise InputError(
            "a commission needs at least one seat",
            [Problem("must be 1 or more", key="seats", value=str(seats))],
        )
    features = commission.diversity.value if commission.diversity else DEFAULT_DIVERSITY
    sectors = commission.sectors.value if commission.sectors else ()
    table: list[QuotaBasis] = []
    for feature in features:
        if feature == "region":
            table += _proportional("region", region_shares(), seats, REGION_SOURCE)
        elif feature == "party":
            table += _proportional("party", party_shares(), seats, PARTY_SOURCE)
        elif feature == "sector" and sectors:
            low = 1 if len(sectors) <= seats else 0
            high = max(low, math.floor(SECTOR_SHARE_MAX * seats))
            table += [
                QuotaBasis(Quota("sector", s, low, high), None, SECTOR_SOURCE) for s in sectors
            ]
    return tuple(table)


def default_quotas(commission: Commission, seats: int | None = None) -> tuple[Quota, ...]:
    return tuple(row.quota for row in default_quota_table(commission, seats))


def person_features(nominee: Nominee) -> dict[str, str]:
    """What the published pool says about a nominee: :data:`FEATURES`, nothing else."""
    return {
        "region": nominee.region,
        "party": nominee.party_group.value,
        "sector": nominee.sector,
        "gender": nominee.gender.value,
        "age_band": nominee.age_band,
    }


@dataclass(frozen=True)
class PublishedPool:
    """The pool as published: pseudonymous ids and features, and (kept in the store, never
    published) which nominee each id stands for."""

    instance: Instance
    nominee_ids: Mapping[str, str]
    """Published id -> nominee id."""

    def published_ids(self) -> dict[str, str]:
        """Nominee id -> published id."""
        return {nominee: published for published, nominee in self.nominee_ids.items()}


def _order_key(secret: str, nominee_id: str) -> str:
    return hmac.new(secret.encode(), nominee_id.encode(), hashlib.sha256).hexdigest()


def _uncovered(people: Iterable[Person], quotas: Sequence[Quota]) -> list[Problem]:
    named: dict[str, set[str]] = {}
    for quota in quotas:
        named.setdefault(quota.feature, set()).add(quota.value)
    found: dict[tuple[str, str], int] = {}
    for person in people:
        for feature, values in named.items():
            value = person.features.get(feature, "")
            if value not in values:
                found[(feature, value)] = found.get((feature, value), 0) + 1
    return [
        Problem(f"{n} eligible nominees have this value and no quota names it", key=f, value=v)
        for (f, v), n in sorted(found.items())
    ]


def pseudonymous_pool(
    nominees: Sequence[Nominee],
    decisions: Sequence[Decision],
    quotas: Sequence[Quota],
    seats: int,
    *,
    secret: str,
) -> PublishedPool:
    """The eligible nominees as a pseudonymous :class:`Instance`.

    Ids are ``P0001``, ``P0002``, ... in the order of an HMAC-SHA256 of the nominee id
    under ``secret`` (kept in the store), so neither the intake order nor the nominee id
    can be read from them. Nominees sharing a dwelling (:attr:`Nominee.address_key`) get
    one opaque household key (``H001``, ...); nobody else has one. Raises InputError
    when an eligible nominee has a value of a quota feature that no quota names.
    """
    eligible = {d.nominee_id for d in decisions if d.eligible}
    chosen = sorted(
        (n for n in nominees if n.id in eligible), key=lambda n: _order_key(secret, n.id)
    )
    width = max(4, len(str(len(chosen))))
    published = {n.id: f"P{i:0{width}d}" for i, n in enumerate(chosen, start=1)}
    homes: dict[str, list[str]] = {}
    for nominee in chosen:
        homes.setdefault(nominee.address_key, []).append(nominee.id)
    shared = [ids for ids in homes.values() if len(ids) > 1]
    digits = max(3, len(str(len(shared))))
    household = {
        member: f"H{i:0{digits}d}"
        for i, ids in enumerate(sorted(shared, key=lambda g: published[g[0]]), start=1)
        for member in ids
    }
    people = tuple(Person(published[n.id], person_features(n), household.get(n.id)) for n in chosen)
    problems = _uncovered(people, quotas)
    if problems:
        raise InputError("the quotas do not cover the eligible nominees", problems)
    return PublishedPool(
        Instance(people, tuple(quotas), seats), {published[n.id]: n.id for n in chosen}
    )
