"""The synthetic nominee pool: deterministic, a realistic mix, every reason present, true truth."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from calexit.commission.eligibility import EligibilityRules, Ineligibility, decide_all
from calexit.commission.nominees import NOMINATOR_COLUMNS, NominatorReason, PartyGroup
from calexit.commission.synth import (
    NOMINATOR_TRUTH_COLUMNS,
    CommissionSynthSpec,
    SyntheticCommission,
    synthesize_commission,
)
from calexit.errors import InputError
from calexit.petition.synth import SynthSpec, synthesize_tables
from calexit.rules.load import builtin_pack

COMMISSION = builtin_pack("calexit-2028").rules.commission
assert COMMISSION is not None
SPEC = CommissionSynthSpec(seed=17, nominees=1200)


@pytest.fixture(scope="module")
def voters() -> Any:
    return synthesize_tables(SynthSpec(seed=17, scale=0.002, signatures=100)).voters


@pytest.fixture(scope="module")
def synth(voters: Any) -> SyntheticCommission:
    return synthesize_commission(voters, COMMISSION, SPEC)


def test_the_same_seed_gives_the_same_pool(voters: Any, synth: SyntheticCommission) -> None:
    small = CommissionSynthSpec(seed=17, nominees=150)
    first = synthesize_commission(voters, COMMISSION, small)
    again = synthesize_commission(voters, COMMISSION, small)
    assert first.nominees == again.nominees
    assert first.nominators.equals(again.nominators)
    assert first.nominator_truth.equals(again.nominator_truth)
    other = synthesize_commission(voters, COMMISSION, CommissionSynthSpec(seed=18, nominees=150))
    assert other.nominees != first.nominees


def test_a_realistic_mix(synth: SyntheticCommission) -> None:
    nominees = synth.nominees
    assert len(nominees) == 1200
    assert len({n.id for n in nominees}) == 1200
    sectors = Counter(n.sector for n in nominees)
    assert set(sectors) == set(COMMISSION.sectors.value)  # type: ignore[union-attr]
    assert sectors["business"] > sectors["tribal leader"] > 0
    parties = Counter(n.party_group for n in nominees)
    assert set(parties) == set(PartyGroup)
    assert (
        parties[PartyGroup.DEMOCRATIC] > parties[PartyGroup.REPUBLICAN] > parties[PartyGroup.OTHER]
    )
    regions = Counter(n.region for n in nominees)
    assert regions.most_common(1)[0][0] == "Southern California"
    assert len(regions) >= 8
    assert {n.gender.value for n in nominees} == {"female", "male", "nonbinary"}
    assert Counter(n.age_band for n in nominees).most_common(1)[0][0] == "45-64"
    shared = Counter(n.address_key for n in nominees)
    couples = [
        key
        for key, count in shared.items()
        if count > 1 and len({n.first_name for n in nominees if n.address_key == key}) > 1
    ]
    assert len(couples) >= 20, "partners at one dwelling, for the household rule"


def test_every_ineligibility_is_made_on_purpose(synth: SyntheticCommission) -> None:
    reasons = Counter(r for e in synth.expected.values() for r in e.reasons)
    assert set(reasons) == set(Ineligibility)
    eligible = sum(1 for e in synth.expected.values() if not e.reasons)
    assert 0.8 * 1200 < eligible < 0.95 * 1200
    decisions = decide_all(
        synth.nominees,
        {k: e.valid_nominators for k, e in synth.expected.items()},
        EligibilityRules.from_commission(COMMISSION),
        synth.spec.as_of,
    )
    for decision in decisions:
        assert decision.reasons == synth.expected[decision.nominee_id].reasons
    old = [n for n in synth.nominees if n.roles and not synth.expected[n.id].reasons]
    assert old, "some declare roles older than the look-back and stay eligible"
    assert all(r.last < synth.spec.as_of.year - 10 for n in old for r in n.roles)


def test_the_nominator_lines_and_their_truth(synth: SyntheticCommission) -> None:
    lines, truth = synth.nominators, synth.nominator_truth
    assert tuple(lines.column_names) == NOMINATOR_COLUMNS
    assert tuple(truth.column_names) == NOMINATOR_TRUTH_COLUMNS
    assert lines.num_rows == truth.num_rows
    assert 105 <= lines.num_rows / 1200 <= 125, "about 110 nominators per nominee"
    ids = lines.column("nominator_id").to_pylist()
    assert len(set(ids)) == len(ids)
    reasons = Counter(truth.column("expected_reason").to_pylist())
    assert set(reasons) == {"VALID", "DUPLICATE", "NOT_REGISTERED"}
    assert reasons["NOT_REGISTERED"] > 0.02 * lines.num_rows
    assert reasons["DUPLICATE"] > 0.01 * lines.num_rows
    nominees = lines.column("nominee_id").to_pylist()
    voter = truth.column("true_voter_id").to_pylist()
    valid: dict[str, set[str]] = {}
    for nominee, voter_id, reason in zip(
        nominees, voter, truth.column("expected_reason").to_pylist(), strict=True
    ):
        assert (voter_id is None) == (reason == NominatorReason.NOT_REGISTERED.value)
        if reason == "VALID":
            assert voter_id not in valid.get(nominee, set())
            valid.setdefault(nominee, set()).add(voter_id)
    for nominee_id, expected in synth.expected.items():
        assert len(valid.get(nominee_id, set())) == expected.valid_nominators
        short = Ineligibility.NOMINATORS in expected.reasons
        assert (expected.valid_nominators < 100) is short
    days = lines.column("signed_on").to_pylist()
    assert max(days) < synth.spec.as_of


def test_typos_that_still_name_the_voter(voters: Any, synth: SyntheticCommission) -> None:
    by_id = {
        v: (f, last)
        for v, f, last in zip(
            voters.column("voter_id").to_pylist(),
            voters.column("first_name").to_pylist(),
            voters.column("last_name").to_pylist(),
            strict=True,
        )
    }
    changed = 0
    rows = zip(
        synth.nominator_truth.column("true_voter_id").to_pylist(),
        synth.nominators.column("first_name").to_pylist(),
        synth.nominators.column("last_name").to_pylist(),
        strict=True,
    )
    for voter_id, first, last in rows:
        if voter_id is None:
            continue
        true_first, true_last = by_id[voter_id]
        if (first.upper(), last.upper()) != (true_first.upper(), true_last.upper()):
            changed += 1
    assert 0.02 < changed / synth.nominators.num_rows < 0.08


def test_bad_options_and_too_small_a_voter_file(voters: Any) -> None:
    with pytest.raises(InputError, match="bad options") as caught:
        synthesize_commission(
            voters, COMMISSION, CommissionSynthSpec(nominees=0, typos=1.5, seed=-1)
        )
    assert {p.key for p in caught.value.problems} == {"nominees", "typos", "seed"}
    with pytest.raises(InputError, match="too small"):
        synthesize_commission(voters.slice(0, 500), COMMISSION, CommissionSynthSpec(nominees=400))
