"""The pool pipeline in-process (what the demo runs): synthetic nominees to an Instance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from calexit.cli.commission_pool import run_pool
from calexit.commission.model import Quota
from calexit.commission.quotas import FEATURES, default_quotas, pseudonymous_pool
from calexit.commission.synth import CommissionSynthSpec, SyntheticCommission, synthesize_commission
from calexit.errors import InputError
from calexit.petition.synth import SynthSpec, synthesize_tables
from calexit.rules.load import builtin_pack
from calexit.rules.model import Commission
from calexit.store import open_store

PACK = builtin_pack("calexit-2028")
_RULES = PACK.rules.commission
assert _RULES is not None
COMMISSION: Commission = _RULES


@pytest.fixture(scope="module")
def voters() -> Any:
    return synthesize_tables(SynthSpec(seed=23, scale=0.002, signatures=100)).voters


@pytest.fixture(scope="module")
def synth(voters: Any) -> SyntheticCommission:
    return synthesize_commission(voters, COMMISSION, CommissionSynthSpec(seed=23, nominees=80))


def test_the_pipeline_returns_the_instance_and_stores_everyone(
    voters: Any, synth: SyntheticCommission, tmp_path: Path
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}") as store:
        run = run_pool(
            PACK,
            synth.nominees,
            synth.nominators,
            voters,
            as_of=synth.spec.as_of,
            store=store,
            secret="demo",
        )
        stored = store.nominees()
    eligible = {n for n, e in synth.expected.items() if not e.reasons}
    assert {d.nominee_id for d in run.decisions if d.eligible} == eligible
    instance = run.instance
    assert len(instance.people) == len(eligible)
    assert instance.panel_size == 20
    assert instance.quotas == default_quotas(COMMISSION)
    assert all(set(p.features) == set(FEATURES) for p in instance.people)
    assert {n.id for n in stored} == {n.id for n in synth.nominees}
    assert {n.record["pool_id"] for n in stored if n.eligible} == {p.id for p in instance.people}
    summary = run.summary()
    assert summary["eligible"] == len(eligible)
    assert summary["nominator_lines"] == synth.nominators.num_rows
    # a fixed secret gives the same pseudonymous ids
    again = pseudonymous_pool(
        synth.nominees, run.decisions, default_quotas(COMMISSION), 20, secret="demo"
    )
    assert again.nominee_ids == run.pool.nominee_ids


def test_quotas_that_do_not_cover_the_pool_store_nothing(
    voters: Any, synth: SyntheticCommission, tmp_path: Path
) -> None:
    narrow = (Quota("region", "Bay Area", 0, 20),)
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}") as store:
        with pytest.raises(InputError, match="do not cover") as caught:
            run_pool(
                PACK,
                synth.nominees,
                synth.nominators,
                voters,
                as_of=synth.spec.as_of,
                quotas=narrow,
                store=store,
            )
        assert store.nominees() == []
    assert {p.key for p in caught.value.problems} == {"region"}


def test_lines_for_unknown_nominees_are_refused(voters: Any, synth: SyntheticCommission) -> None:
    with pytest.raises(InputError, match="not in the intake") as caught:
        run_pool(PACK, synth.nominees[1:], synth.nominators, voters, as_of=synth.spec.as_of)
    assert {p.value for p in caught.value.problems} == {synth.nominees[0].id}
