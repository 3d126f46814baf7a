"""The default quotas (region, party, sector for 20 seats) and the pseudonymous pool."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import highspy
import numpy as np
import pytest

from calexit.commission.eligibility import Decision, Failure, Ineligibility
from calexit.commission.model import Instance, Quota
from calexit.commission.nominees import Gender, Nominee
from calexit.commission.quotas import (
    FEATURES,
    default_quota_table,
    default_quotas,
    party_shares,
    proportional_range,
    pseudonymous_pool,
    region_shares,
)
from calexit.commission.synth import CommissionSynthSpec, SyntheticCommission, synthesize_commission
from calexit.errors import InputError
from calexit.petition.synth import SynthSpec, synthesize_tables
from calexit.reference.datasets import regions
from calexit.rules.load import builtin_pack

COMMISSION = builtin_pack("calexit-2028").rules.commission
assert COMMISSION is not None

# The documented default for 20 seats: [floor, ceil] of each exact share; sectors 1-4.
EXPECTED = {
    ("region", "Bay Area"): (4, 5),
    ("region", "Central Sierra"): (0, 1),
    ("region", "Northern Sacramento Valley"): (0, 1),
    ("region", "Northern California"): (0, 1),
    ("region", "Greater Sacramento"): (1, 2),
    ("region", "San Joaquin Valley"): (1, 2),
    ("region", "Southern Border"): (1, 2),
    ("region", "Southern California"): (7, 8),
    ("region", "Central Coast"): (0, 1),
    ("region", "Inland Empire"): (2, 3),
    ("party", "Democratic"): (9, 10),
    ("party", "Republican"): (5, 6),
    ("party", "No party preference"): (4, 5),
    ("party", "Other"): (1, 2),
    **{
        ("sector", s): (1, 4)
        for s in (
            "government",
            "law",
            "public administration",
            "business",
            "civil rights",
            "academia",
            "tribal leader",
            "community leader",
        )
    },
}


def test_the_default_quota_table() -> None:
    quotas = default_quotas(COMMISSION)
    assert {q.key: (q.min, q.max) for q in quotas} == EXPECTED
    assert [q.feature for q in quotas][:1] == ["region"]
    assert {q.value for q in quotas if q.feature == "region"} == set(regions())


def test_every_proportional_range_holds_its_exact_share() -> None:
    for row in default_quota_table(COMMISSION):
        if row.quota.feature == "sector":
            assert row.seats is None
            continue
        assert row.seats is not None
        assert row.quota.min <= row.seats <= row.quota.max
        assert row.quota.max - row.quota.min <= 1
    for feature in ("region", "party", "sector"):
        quotas = [q for q in default_quotas(COMMISSION) if q.feature == feature]
        assert sum(q.min for q in quotas) <= 20 <= sum(q.max for q in quotas), feature


def test_shares_come_from_the_reference_data() -> None:
    assert sum(region_shares().values()) == 1
    assert sum(party_shares().values()) == 1
    # 10,367,321 Democratic of 22,900,896 registered (10 February 2025).
    assert party_shares()["Democratic"] == Fraction(10_367_321, 22_900_896)
    assert proportional_range(Fraction(1, 3), 20) == (6, 7)
    assert proportional_range(Fraction(1, 4), 20) == (5, 5)


def test_a_pack_without_a_commission_size_is_refused() -> None:
    thin = builtin_pack("calexit-now-2026").rules.commission
    assert thin is not None
    with pytest.raises(InputError, match="how many members") as caught:
        default_quotas(thin)
    assert caught.value.problems[0].key == "commission.members"


def _nominee(nominee_id: str, **changes: object) -> Nominee:
    values: dict[str, object] = {
        "id": nominee_id,
        "first_name": f"First{nominee_id}",
        "last_name": "Doe",
        "county": "Fresno",
        "party": "Republican",
        "sector": "law",
        "gender": Gender.MALE,
        "age_band": "30-44",
        "house_number": nominee_id,
        "street": "Elm Street",
        "city": "Fresno",
        "zip": "93701",
        "residency_years": 20,
    }
    values.update(changes)
    return Nominee(**values)  # type: ignore[arg-type]


def _eligible(nominee_id: str) -> Decision:
    return Decision(nominee_id, 120)


def test_the_published_pool_is_pseudonymous() -> None:
    nominees = [
        _nominee("N1"),
        _nominee("N2", first_name="Jane", house_number="N1"),  # lives with N1
        _nominee("N3", county="Alameda", party="GRN", sector="academia"),
        _nominee("N4"),
    ]
    decisions = [
        _eligible("N1"),
        _eligible("N2"),
        _eligible("N3"),
        Decision("N4", 3, (Failure(Ineligibility.NOMINATORS, "3"),)),
    ]
    pool = pseudonymous_pool(nominees, decisions, default_quotas(COMMISSION), 20, secret="s")
    people = pool.instance.people
    assert sorted(p.id for p in people) == ["P0001", "P0002", "P0003"]
    assert set(pool.nominee_ids.values()) == {"N1", "N2", "N3"}
    assert pool.published_ids()["N3"] in pool.nominee_ids
    for person in people:
        assert tuple(person.features) == FEATURES
        assert "Doe" not in repr(person) and "Elm" not in repr(person)
    by_nominee = {pool.nominee_ids[p.id]: p for p in people}
    assert by_nominee["N1"].household == by_nominee["N2"].household == "H001"
    assert by_nominee["N3"].household is None
    assert dict(by_nominee["N3"].features) == {
        "region": "Bay Area",
        "party": "Other",
        "sector": "academia",
        "gender": "male",
        "age_band": "30-44",
    }
    assert set(pool.instance.households()["H001"]) == {by_nominee["N1"].id, by_nominee["N2"].id}
    again = pseudonymous_pool(nominees, decisions, default_quotas(COMMISSION), 20, secret="s")
    assert again.nominee_ids == pool.nominee_ids
    orders = {
        tuple(
            pseudonymous_pool(
                nominees, decisions, default_quotas(COMMISSION), 20, secret=k
            ).nominee_ids.values()
        )
        for k in ("a", "b", "c", "d", "e", "f")
    }
    assert len(orders) > 1, "the secret decides the order of the published ids"


def test_a_value_no_quota_names_is_refused() -> None:
    quotas = [Quota("party", "Democratic", 0, 20), Quota("party", "Republican", 0, 20)]
    with pytest.raises(InputError, match="do not cover") as caught:
        pseudonymous_pool([_nominee("N1", party="NPP")], [_eligible("N1")], quotas, 1, secret="s")
    problem = caught.value.problems[0]
    assert (problem.key, problem.value) == ("party", "No party preference")


def _feasible_panel(instance: Instance) -> list[str] | None:
    """A panel meeting every quota and the household rule, or None (a small MIP)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n = len(instance.people)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * n)
    )
    index = {p.id: i for i, p in enumerate(instance.people)}

    def row(low: float, high: float, ids: list[str]) -> None:
        columns = np.array([index[i] for i in ids], dtype=np.int32)
        h.addRow(low, high, len(columns), columns, np.ones(len(columns)))

    row(instance.panel_size, instance.panel_size, list(index))
    for quota in instance.quotas:
        row(quota.min, quota.max, list(instance.members(quota)))
    for members in instance.households().values():
        row(0, 1, list(members))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    values = h.getSolution().col_value
    return [p.id for p, v in zip(instance.people, values, strict=True) if v > 0.5]


@pytest.fixture(scope="module")
def default_pool() -> SyntheticCommission:
    voters = synthesize_tables(SynthSpec(seed=5, scale=0.002, signatures=100)).voters
    return synthesize_commission(voters, COMMISSION, CommissionSynthSpec(seed=5))


def test_the_default_is_feasible_on_the_synthetic_pool(default_pool: SyntheticCommission) -> None:
    synth = default_pool
    assert len(synth.nominees) == 3000
    decisions = [
        Decision(
            n.id,
            synth.expected[n.id].valid_nominators,
            tuple(Failure(r, r.value) for r in synth.expected[n.id].reasons),
        )
        for n in synth.nominees
    ]
    pool = pseudonymous_pool(synth.nominees, decisions, synth.quotas, synth.seats, secret="x")
    assert len(pool.instance.people) == sum(1 for d in decisions if d.eligible)
    assert pool.instance.households(), "couples at one address reach the pool"
    panel = _feasible_panel(pool.instance)
    assert panel is not None
    assert pool.instance.violations(panel) == []
    # every quota value is present in the pool, so none is a dead letter
    for quota in pool.instance.quotas:
        assert len(pool.instance.members(quota)) >= max(1, quota.min), quota


def test_an_impossible_quota_set_is_infeasible(default_pool: SyntheticCommission) -> None:
    """The check above can fail: the same pool with every region at least 3 cannot be met."""
    synth = default_pool
    decisions = [Decision(n.id, 120) for n in synth.nominees]
    quotas = [
        Quota(q.feature, q.value, max(q.min, 3), max(q.max, 3)) if q.feature == "region" else q
        for q in synth.quotas
    ]
    pool = pseudonymous_pool(synth.nominees, decisions, quotas, synth.seats, secret="x")
    assert _feasible_panel(pool.instance) is None
    assert date(2029, 3, 9) == synth.spec.as_of
