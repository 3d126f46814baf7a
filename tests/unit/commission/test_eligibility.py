"""Eligibility: residency, nominators, conflicts of interest and duplicates, every failure told."""

from __future__ import annotations

from datetime import date

import pytest

from calexit.commission.eligibility import (
    ConflictPolicy,
    EligibilityRules,
    Ineligibility,
    decide,
    decide_all,
    reason_counts,
)
from calexit.commission.nominees import DeclaredRole, Gender, Nominee, Role
from calexit.rules.load import builtin_pack
from calexit.rules.model import Basis

CLOSE = date(2029, 3, 9)
RULES = EligibilityRules()


def nominee(nominee_id: str = "N1", **changes: object) -> Nominee:
    values: dict[str, object] = {
        "id": nominee_id,
        "first_name": "Grace",
        "last_name": "Hopper",
        "county": "Alameda",
        "party": "Democratic",
        "sector": "academia",
        "gender": Gender.FEMALE,
        "age_band": "65+",
        "house_number": "1",
        "street": "Main Street",
        "city": "Oakland",
        "zip": "94601",
        "residency_years": 40,
    }
    values.update(changes)
    return Nominee(**values)  # type: ignore[arg-type]


def test_the_calexit_packs_carry_the_conflict_look_back() -> None:
    for pack_id in ("calexit-2028", "calexit-now-2026"):
        commission = builtin_pack(pack_id).rules.commission
        assert commission is not None
        rule = commission.conflict_lookback_years
        assert rule is not None
        assert rule.value == 10
        assert rule.basis is Basis.RECOMMENDATION
        assert "8252(a)(2)" in rule.source


def test_rules_from_the_packs() -> None:
    full = EligibilityRules.from_commission(builtin_pack("calexit-2028").rules.commission)
    assert (full.nominators_min, full.residency_years_min) == (100, 5)
    assert full.conflicts.lookback_years == 10
    assert full.conflicts.family
    thin = EligibilityRules.from_commission(builtin_pack("calexit-now-2026").rules.commission)
    assert (thin.nominators_min, thin.residency_years_min) == (0, 0)
    none = EligibilityRules.from_commission(None)
    assert none.conflicts.lookback_years is None
    custom = EligibilityRules.from_commission(
        builtin_pack("calexit-2028").rules.commission, ConflictPolicy(5, family=False)
    )
    assert custom.conflicts == ConflictPolicy(5, family=False)


def test_an_eligible_nominee() -> None:
    decision = decide(nominee(), 100, RULES, CLOSE)
    assert decision.eligible
    assert decision.failures == ()
    assert decision.valid_nominators == 100


@pytest.mark.parametrize(("years", "eligible"), [(4, False), (5, True), (0, False), (60, True)])
def test_residency_boundary(years: int, eligible: bool) -> None:
    decision = decide(nominee(residency_years=years), 120, RULES, CLOSE)
    assert decision.eligible is eligible
    if not eligible:
        assert decision.reasons == (Ineligibility.RESIDENCY,)
        assert f"for {years} year" in decision.failures[0].text
        assert "at least 5" in decision.failures[0].text


@pytest.mark.parametrize(("count", "eligible"), [(99, False), (100, True), (0, False)])
def test_nominator_boundary(count: int, eligible: bool) -> None:
    decision = decide(nominee(), count, RULES, CLOSE)
    assert decision.eligible is eligible
    if not eligible:
        assert decision.reasons == (Ineligibility.NOMINATORS,)
        assert decision.texts() == [
            f"NOMINATORS: nominated by {count} registered voters; at least 100 are required"
        ]


@pytest.mark.parametrize(
    ("role", "conflict"),
    [
        (DeclaredRole(Role.LOBBYIST, 2015, 2019), True),  # 2019: inside a 10-year look-back
        (DeclaredRole(Role.LOBBYIST, 2010, 2018), False),
        (DeclaredRole(Role.PUBLIC_OFFICE, 2029, 2029), True),
        (DeclaredRole(Role.LARGE_DONOR, 2022, 2022, family=True), True),
    ],
)
def test_conflict_look_back(role: DeclaredRole, conflict: bool) -> None:
    decision = decide(nominee(roles=(role,)), 150, RULES, CLOSE)
    assert (Ineligibility.CONFLICT_OF_INTEREST in decision.reasons) is conflict
    if conflict:
        text = decision.failures[0].text
        assert role.role.words in text
        assert "10-year look-back (2019 on)" in text
        assert ("immediate family" in text) is role.family


def test_the_conflict_policy_is_configurable() -> None:
    family = (DeclaredRole(Role.LARGE_DONOR, 2022, 2022, family=True),)
    own = (DeclaredRole(Role.LOBBYIST, 2016, 2016),)
    assert decide(
        nominee(roles=family), 150, EligibilityRules(conflicts=ConflictPolicy(family=False)), CLOSE
    ).eligible
    short = EligibilityRules(conflicts=ConflictPolicy(lookback_years=5))
    assert decide(nominee(roles=own), 150, short, CLOSE).eligible
    longer = EligibilityRules(conflicts=ConflictPolicy(lookback_years=15))
    assert not decide(nominee(roles=own), 150, longer, CLOSE).eligible
    only_office = EligibilityRules(conflicts=ConflictPolicy(roles=frozenset({Role.PUBLIC_OFFICE})))
    assert decide(nominee(roles=own), 150, only_office, CLOSE).eligible
    off = EligibilityRules(conflicts=ConflictPolicy(lookback_years=None))
    assert decide(nominee(roles=own), 150, off, CLOSE).eligible
    with pytest.raises(ValueError, match="zero years or more"):
        ConflictPolicy(lookback_years=-1)


def test_every_failure_is_reported_in_order() -> None:
    bad = nominee(residency_years=2, roles=(DeclaredRole(Role.CAMPAIGN_STAFF, 2024, 2024),))
    decision = decide(bad, 12, RULES, CLOSE, duplicate_of="N0")
    assert decision.reasons == (
        Ineligibility.RESIDENCY,
        Ineligibility.NOMINATORS,
        Ineligibility.CONFLICT_OF_INTEREST,
        Ineligibility.DUPLICATE_NOMINEE,
    )
    assert decision.texts()[2] == (
        "CONFLICT_OF_INTEREST: campaign staff in 2024: within the 10-year look-back (2019 on)"
    )
    assert decision.texts()[3] == (
        "DUPLICATE_NOMINEE: the same person as nominee N0 (name and address)"
    )


def test_decide_all_finds_duplicates_and_missing_counts() -> None:
    first = nominee("N1")
    again = nominee("N2", street="Main St", sector="law")  # the same person and dwelling
    partner = nominee("N3", first_name="Alan")  # same dwelling, another person
    decisions = decide_all([first, again, partner], {"N1": 120, "N2": 130}, RULES, CLOSE)
    assert [d.nominee_id for d in decisions] == ["N1", "N2", "N3"]
    assert decisions[0].eligible
    assert decisions[1].reasons == (Ineligibility.DUPLICATE_NOMINEE,)
    assert "nominee N1" in decisions[1].failures[0].text
    assert decisions[2].reasons == (Ineligibility.NOMINATORS,)
    assert decisions[2].valid_nominators == 0
    assert reason_counts(decisions) == {
        "ELIGIBLE": 1,
        "INELIGIBLE": 2,
        "RESIDENCY": 0,
        "NOMINATORS": 1,
        "CONFLICT_OF_INTEREST": 0,
        "DUPLICATE_NOMINEE": 1,
    }
