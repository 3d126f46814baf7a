"""What the store writes it reads back unchanged: reference data, rule packs and runs."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from calexit.errors import NotFoundError
from calexit.reference import datasets
from calexit.reference.records import County, Fact, JurisdictionType, LegislatureControl, State
from calexit.store import RunRecord, RunStatus, Stage, Store
from calexit.store.models import CountyRow, FactRow, RulePack, StateRow

PACK = "calexit-2028"
START = datetime(2028, 3, 1, 9, 30, tzinfo=UTC)


def _load(store: Store) -> None:
    store.load_reference(datasets.counties(), datasets.states(), datasets.facts())


def _save_pack(store: Store, text: str = 'title = "Calexit 2028"\n') -> None:
    store.save_pack(PACK, "1.0", "California Independence Plebiscite 2028", text)


def test_load_reference_is_idempotent(store: Store) -> None:
    _load(store)
    _load(store)
    assert store.reference_counts() == {
        "county": 58,
        "state": 51,
        "fact": len(datasets.facts()),
    }


def test_load_reference_replaces_rows_it_no_longer_gets(store: Store) -> None:
    _load(store)
    store.load_reference(datasets.counties()[:3], (), datasets.facts()[:1])
    assert store.reference_counts() == {"county": 3, "state": 0, "fact": 1}


def test_reference_totals_read_back_from_the_database(store: Store) -> None:
    _load(store)
    with store.session() as session:
        assert session.scalar(select(func.sum(CountyRow.registered_voters))) == 22_595_659
        assert session.scalar(select(func.sum(CountyRow.ballots_cast_2024))) == 16_140_044
        assert session.scalar(select(func.sum(StateRow.house_seats))) == 435
        senators = select(func.sum(StateRow.senators_d + StateRow.senators_r))
        assert session.scalar(senators) == 100
        assert session.scalar(select(func.sum(StateRow.electoral_votes))) == 538


def test_counties_read_back_as_the_same_records(store: Store) -> None:
    _load(store)
    with store.session() as session:
        rows = session.scalars(select(CountyRow).order_by(CountyRow.name)).all()
        read = tuple(
            County(
                name=r.name,
                fips=r.fips,
                region=r.region,
                esp_region_2006=r.esp_region_2006,
                eligible_voters=r.eligible_voters,
                registered_voters=r.registered_voters,
                ballots_cast_2024=r.ballots_cast_2024,
                harris_2024=r.harris_2024,
                trump_2024=r.trump_2024,
            )
            for r in rows
        )
    assert read == tuple(sorted(datasets.counties(), key=lambda c: c.name))


def test_states_read_back_as_the_same_records(store: Store) -> None:
    _load(store)
    with store.session() as session:
        rows = session.scalars(select(StateRow)).all()
        read = {
            r.abbr: State(
                name=r.name,
                abbr=r.abbr,
                jurisdiction_type=JurisdictionType(r.jurisdiction_type),
                population_2020=r.population_2020,
                house_seats=r.house_seats,
                electoral_votes=r.electoral_votes,
                trump_2024_pct=r.trump_2024_pct,
                harris_2024_pct=r.harris_2024_pct,
                legislature_control=LegislatureControl(r.legislature_control),
                governor_party=r.governor_party,
                senators_d=r.senators_d,
                senators_r=r.senators_r,
                notes=r.notes,
            )
            for r in rows
        }
    assert read == {s.abbr: s for s in datasets.states()}
    assert read["CA"].harris_2024_pct == Decimal("58.47")


def test_facts_read_back_with_gaps_and_bounds(store: Store) -> None:
    _load(store)
    with store.session() as session:
        rows = session.scalars(select(FactRow)).all()
        read = {r.key: Fact(r.key, r.value, r.unit, r.year, r.source, r.bound) for r in rows}
    assert read == {f.key: f for f in datasets.facts()}
    assert any(f.value is None for f in read.values())
    assert read["gdp_nominal"].value == Decimal("4.1")


def test_save_pack_upserts_and_changes_the_sha256_with_the_text(store: Store) -> None:
    _save_pack(store, "a = 1\n")
    first = store.pack(PACK)
    assert first.sha256 == hashlib.sha256(b"a = 1\n").hexdigest()
    store.save_pack(PACK, "1.1", "Retitled", "a = 2\n")
    second = store.pack(PACK)
    assert second.sha256 == hashlib.sha256(b"a = 2\n").hexdigest() != first.sha256
    assert (second.version, second.title, second.toml_text) == ("1.1", "Retitled", "a = 2\n")
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(RulePack)) == 1


def test_save_pack_keeps_the_time_given_in_utc(store: Store) -> None:
    pacific = timezone(timedelta(hours=-8))
    store.save_pack(PACK, "1.0", "t", "x", now=datetime(2028, 1, 2, 16, 0, tzinfo=pacific))
    assert store.pack(PACK).loaded_at == datetime(2028, 1, 3, 0, 0, tzinfo=UTC)
    assert store.pack(PACK).loaded_at.tzinfo is UTC


def test_save_pack_without_a_time_uses_the_database_clock(store: Store) -> None:
    _save_pack(store)
    assert store.pack(PACK).loaded_at.tzinfo is UTC


def test_an_unknown_pack_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match=r"^no rule pack 'nope' in the store$"):
        store.pack("nope")


def test_start_and_finish_run_round_trip(store: Store) -> None:
    _save_pack(store)
    run_id = store.start_run("petition", PACK, seed="2028", code_version="0.1.0", now=START)
    running = store.latest_run(Stage.PETITION)
    assert running == RunRecord(
        id=run_id,
        stage=Stage.PETITION,
        pack_id=PACK,
        status=RunStatus.RUNNING,
        started_at=START,
        finished_at=None,
        seed="2028",
        code_version="0.1.0",
        summary=None,
    )
    summary: dict[str, object] = {
        "signatures": {"valid": 874_641, "by_county": [["Alpine", 12], ["Yolo", 3]]},
        "qualified": True,
        "note": None,
        "rate": 0.5,
    }
    end = START + timedelta(hours=2, microseconds=5)
    store.finish_run(run_id, status="succeeded", summary=summary, now=end)
    finished = store.latest_run("petition")
    assert finished is not None
    assert (finished.status, finished.finished_at, finished.summary) == (
        RunStatus.SUCCEEDED,
        end,
        summary,
    )
    assert store.runs() == [finished]


def test_latest_run_and_runs_are_newest_first(store: Store) -> None:
    _save_pack(store)
    ids = [
        store.start_run(stage, PACK, seed=None, code_version="0.1.0", now=START + timedelta(i))
        for i, stage in enumerate(["vote", "audit", "vote", "pathway"])
    ]
    latest_vote = store.latest_run("vote")
    assert latest_vote is not None
    assert latest_vote.id == ids[2]
    assert store.latest_run("commission") is None
    assert [r.id for r in store.runs()] == ids[::-1]
    assert [r.id for r in store.runs(limit=2)] == ids[:1:-1]


def test_start_run_needs_a_saved_pack(store: Store) -> None:
    message = r"^no rule pack 'calexit-2028' in the store; save it first$"
    with pytest.raises(NotFoundError, match=message):
        store.start_run("vote", PACK, seed=None, code_version="0.1.0", now=START)
    assert store.runs() == []


def test_finish_run_refuses_unknown_finished_or_naive_runs(store: Store) -> None:
    _save_pack(store)
    with pytest.raises(NotFoundError, match=r"^no stage run with id 99 in the store$"):
        store.finish_run(99, status="failed", summary=None, now=START)
    run_id = store.start_run("audit", PACK, seed=None, code_version="0.1.0", now=START)
    with pytest.raises(ValueError, match="has no time zone"):
        store.finish_run(run_id, status="failed", summary=None, now=datetime(2028, 3, 1))
    with pytest.raises(ValueError, match="not 'running'"):
        store.finish_run(run_id, status="running", summary=None, now=START)
    store.finish_run(run_id, status="failed", summary={"error": "boom"}, now=START)
    with pytest.raises(ValueError, match=r"already finished \(failed\)"):
        store.finish_run(run_id, status="succeeded", summary=None, now=START)


def test_an_unknown_stage_is_refused(store: Store) -> None:
    _save_pack(store)
    with pytest.raises(ValueError, match="'referendum' is not a valid Stage"):
        store.start_run("referendum", PACK, seed=None, code_version="0.1.0", now=START)


def test_a_session_that_raises_rolls_back(store: Store) -> None:
    _load(store)

    def delete_then_fail() -> None:
        with store.session() as session:
            session.execute(delete(CountyRow))
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        delete_then_fail()
    assert store.reference_counts()["county"] == 58
