"""Risk-limiting audits survive in the store, round after round, on both backends."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from calexit.errors import CalexitError, NotFoundError
from calexit.store import (
    AuditKind,
    AuditRecord,
    AuditRoundError,
    AuditStatus,
    RoundStatus,
    Store,
)
from calexit.store import audits as audits_module
from calexit.store.database import alembic_config, head_revision
from calexit.store.models import AuditRoundRow

PACK = "calexit-2028"
SEED = "12345678901234567890"
MANIFEST_SHA256 = hashlib.sha256(b"county,batch,ballots\n").hexdigest()
PACIFIC = timezone(timedelta(hours=-8))
CREATED = datetime(2028, 11, 20, 9, 0, tzinfo=PACIFIC)
REPORTED: dict[str, Any] = {
    "tallies": {"yes": 9_120_345, "no": 6_010_222, "blank": 120_004},
    "canvass": {"ballots": 15_250_571, "counties": 58, "passes": True},
}
ASSERTIONS: list[dict[str, Any]] = [
    {
        "name": "supermajority",
        "assorter": {"threshold": "11/20", "upper_bound": 1.1111111111111112},
        "reported_mean": 0.5432,
        "margin": 0.0864,
        "sample_sizes": {"expected": 412, "p90": 655},
    },
    {"name": "participation", "assorter": {"threshold": "1/2"}, "sample_sizes": {"expected": 9}},
]


def _ballots(first: int, count: int) -> list[list[Any]]:
    return [
        ["Alameda", f"B{order:03d}", order * 7, f"{order}.1234", order]
        for order in range(first, first + count)
    ]


def _create(store: Store, *, now: datetime = CREATED, **changes: Any) -> int:
    store.save_pack(PACK, "1.0", "California Independence Plebiscite 2028", "x = 1\n")
    values: dict[str, Any] = {
        "pack_id": PACK,
        "kind": "comparison",
        "risk_limit": "0.05",
        "seed": SEED,
        "reported": REPORTED,
        "assertions": ASSERTIONS,
        "manifest_total": 15_250_571,
        "manifest_sha256": MANIFEST_SHA256,
    } | changes
    return store.create_audit(**values, now=now)


def _round_count(store: Store) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(AuditRoundRow)) or 0


def test_create_then_get_reads_back_the_plan_in_utc(store: Store) -> None:
    audit_id = _create(store)
    assert store.audit(audit_id) == AuditRecord(
        id=audit_id,
        pack_id=PACK,
        kind=AuditKind.COMPARISON,
        risk_limit=Decimal("0.05"),
        seed=SEED,
        status=AuditStatus.PLANNED,
        reported=REPORTED,
        assertions=ASSERTIONS,
        manifest_total=15_250_571,
        manifest_sha256=MANIFEST_SHA256,
        created_at=CREATED.astimezone(UTC),
        updated_at=CREATED.astimezone(UTC),
    )
    assert store.audit(audit_id).created_at.tzinfo is UTC
    assert store.rounds(audit_id) == []


def test_rounds_are_drawn_and_recorded_in_sequence(store: Store) -> None:
    audit_id = _create(store)
    first = CREATED + timedelta(hours=1)
    store.add_round(audit_id, 1, 20, _ballots(1, 20), now=first)
    assert store.audit(audit_id).status is AuditStatus.IN_PROGRESS
    store.record_round(
        audit_id,
        1,
        {"votes": ["yes"] * 20},
        {"supermajority": 0.21},
        "in-progress",
        now=first + timedelta(hours=2),
    )
    store.add_round(audit_id, 2, 50, _ballots(21, 30), now=first + timedelta(days=1))
    finished = first + timedelta(days=1, hours=3)
    store.record_round(
        audit_id,
        2,
        {"votes": ["no", "yes"]},
        {"supermajority": 0.04},
        AuditStatus.CONFIRMED,
        now=finished,
    )

    audit = store.audit(audit_id)
    assert (audit.status, audit.updated_at, audit.created_at) == (
        AuditStatus.CONFIRMED,
        finished.astimezone(UTC),
        CREATED.astimezone(UTC),
    )
    rounds = store.rounds(audit_id)
    assert [(r.number, r.sample_size, r.status) for r in rounds] == [
        (1, 20, RoundStatus.RECORDED),
        (2, 50, RoundStatus.RECORDED),
    ]
    assert rounds[1].drawn == _ballots(21, 30)
    assert rounds[1].results == {"votes": ["no", "yes"]}
    assert rounds[1].risks == {"supermajority": 0.04}
    assert rounds[1].drawn_at == (first + timedelta(days=1)).astimezone(UTC)
    assert rounds[1].recorded_at == finished.astimezone(UTC)


def test_a_drawn_round_has_no_results_yet(store: Store) -> None:
    audit_id = _create(store)
    round_id = store.add_round(audit_id, 1, 3, _ballots(1, 3), now=CREATED)
    (drawn,) = store.rounds(audit_id)
    assert (drawn.id, drawn.audit_id, drawn.status) == (round_id, audit_id, RoundStatus.DRAWN)
    assert (drawn.results, drawn.risks, drawn.recorded_at) == (None, None, None)


def test_a_round_out_of_sequence_is_refused_with_the_reason(store: Store) -> None:
    audit_id = _create(store)
    assert audit_id == 1

    def refused(number: int, sample_size: int = 99) -> str:
        with pytest.raises(AuditRoundError) as caught:
            store.add_round(audit_id, number, sample_size, _ballots(1, 1), now=CREATED)
        assert isinstance(caught.value, CalexitError)
        return str(caught.value)

    assert refused(2) == "round 2 of audit 1 cannot be drawn before round 1 is drawn"
    store.add_round(audit_id, 1, 10, _ballots(1, 10), now=CREATED)
    assert refused(2) == "round 2 of audit 1 cannot be drawn before round 1 is recorded"
    assert refused(1) == "round 1 of audit 1 was already drawn"
    store.record_round(audit_id, 1, [], {}, "in-progress", now=CREATED)
    assert refused(3) == "round 3 of audit 1 cannot be drawn before round 2 is drawn"
    assert refused(2, 9) == (
        "round 2 of audit 1 cannot have a cumulative sample of 9 ballots, "
        "fewer than the 10 drawn before it"
    )
    store.add_round(audit_id, 2, 30, _ballots(11, 20), now=CREATED)
    assert refused(3) == "round 3 of audit 1 cannot be drawn before round 2 is recorded"
    store.record_round(audit_id, 2, [], {}, "full-hand-count", now=CREATED)
    assert refused(3) == "round 3 of audit 1 cannot be drawn: the audit ended (full-hand-count)"
    assert [r.number for r in store.rounds(audit_id)] == [1, 2]


def test_a_round_drawn_meanwhile_by_another_process_is_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit_id = _create(store)
    store.add_round(audit_id, 1, 10, _ballots(1, 10), now=CREATED)
    monkeypatch.setattr(audits_module, "_last_round", lambda _session, _audit_id: None)
    with pytest.raises(AuditRoundError, match=r"^round 1 of audit 1 was already drawn$"):
        store.add_round(audit_id, 1, 10, _ballots(1, 10), now=CREATED)
    assert _round_count(store) == 1
    assert store.audit(audit_id).status is AuditStatus.IN_PROGRESS


def test_recording_needs_a_drawn_round_and_a_later_status(store: Store) -> None:
    audit_id = _create(store)
    with pytest.raises(NotFoundError, match=r"^no round 1 of audit 1 in the store$"):
        store.record_round(audit_id, 1, [], {}, "confirmed", now=CREATED)
    store.add_round(audit_id, 1, 10, _ballots(1, 10), now=CREATED)
    with pytest.raises(ValueError, match=r"no longer 'planned'"):
        store.record_round(audit_id, 1, [], {}, "planned", now=CREATED)
    with pytest.raises(ValueError, match=r"^the risks of round 1 of audit 1 must not be None$"):
        store.record_round(audit_id, 1, [], None, "confirmed", now=CREATED)
    with pytest.raises(ValueError, match="'finished' is not a valid AuditStatus"):
        store.record_round(audit_id, 1, [], {}, "finished", now=CREATED)
    store.record_round(audit_id, 1, [], {}, "confirmed", now=CREATED)
    with pytest.raises(AuditRoundError, match=r"^round 1 of audit 1 was already recorded$"):
        store.record_round(audit_id, 1, [], {}, "confirmed", now=CREATED)


def test_an_unknown_audit_is_not_found(store: Store) -> None:
    message = r"^no audit with id 99 in the store$"
    calls: list[Callable[[], object]] = [
        lambda: store.audit(99),
        lambda: store.rounds(99),
        lambda: store.delete_audit(99),
        lambda: store.add_round(99, 1, 1, _ballots(1, 1), now=CREATED),
        lambda: store.record_round(99, 1, [], {}, "confirmed", now=CREATED),
    ]
    for call in calls:
        with pytest.raises(NotFoundError, match=message):
            call()


def test_an_audit_needs_a_saved_pack(store: Store) -> None:
    with pytest.raises(NotFoundError, match=r"^no rule pack 'nope' in the store; save it first$"):
        store.create_audit("nope", "polling", "0.05", SEED, {}, [], 1, MANIFEST_SHA256, now=CREATED)


def test_deleting_an_audit_deletes_its_rounds(store: Store) -> None:
    kept, deleted = _create(store), _create(store)
    for audit_id in (kept, deleted):
        store.add_round(audit_id, 1, 2, _ballots(1, 2), now=CREATED)
    store.delete_audit(deleted)
    assert [a.id for a in store.audits()] == [kept]
    assert _round_count(store) == 1
    with store.session() as session:  # the database cascades, not the ORM
        session.execute(text("DELETE FROM audit WHERE id = :id"), {"id": kept})
    assert _round_count(store) == 0


def test_json_values_round_trip_nested(store: Store) -> None:
    plain: dict[str, Any] = {
        "a": [1, [2, [3, {"b": None}]], {"c": True, "d": False}],
        "big": 2**62 + 1,
        "float": 0.1 + 0.2,
        "tiny": 5e-324,
        "text": 'Ñandú · 加州 "quoted" \\ back',
    }
    nested: dict[Any, Any] = plain | {"tuple": (1, "two"), 7: "int key"}
    expected = plain | {"tuple": [1, "two"], "7": "int key"}  # tuples to lists, keys to str
    audit_id = _create(store, reported=nested, assertions={"by_name": nested})
    store.add_round(audit_id, 1, 1, [("Kern", "B1", 1, "0.5", 1)], now=CREATED)
    store.record_round(audit_id, 1, [nested], {"p": [0.5, 1e-9]}, "in-progress", now=CREATED)

    audit, (audited,) = store.audit(audit_id), store.rounds(audit_id)
    assert audit.reported == expected
    assert audit.assertions == {"by_name": expected}
    assert audited.drawn == [["Kern", "B1", 1, "0.5", 1]]
    assert audited.results == [expected]
    assert audited.risks == {"p": [0.5, 1e-9]}


@pytest.mark.parametrize("value", [Decimal("0.05"), Fraction(1, 20), float("nan")])
def test_values_json_cannot_hold_are_refused(store: Store, value: object) -> None:
    with pytest.raises(ValueError, match=r"^the assertions cannot be stored as JSON \("):
        _create(store, assertions=[{"p": value}])
    audit_id = _create(store)
    store.add_round(audit_id, 1, 1, _ballots(1, 1), now=CREATED)
    with pytest.raises(ValueError, match="pass Decimal and Fraction values as strings or floats"):
        store.record_round(audit_id, 1, [], {"p": value}, "confirmed", now=CREATED)
    assert store.rounds(audit_id)[0].status is RoundStatus.DRAWN


@pytest.mark.parametrize(
    ("given", "stored"),
    [("0.05", Decimal("0.05")), (Decimal("0.00001"), Decimal("0.00001")), (0.1, Decimal("0.1"))],
)
def test_risk_limits_read_back_exactly(store: Store, given: Any, stored: Decimal) -> None:
    assert store.audit(_create(store, risk_limit=given)).risk_limit == stored


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"risk_limit": "0"}, "risk limit '0' must lie strictly between 0 and 1"),
        ({"risk_limit": 1}, "risk limit 1 must lie strictly between 0 and 1"),
        ({"risk_limit": "NaN"}, "risk limit 'NaN' must lie strictly between 0 and 1"),
        ({"risk_limit": "five"}, "risk limit 'five' is not a number"),
        ({"risk_limit": "0.000001"}, "risk limit '0.000001' has more than 5 decimal places"),
        ({"seed": "1" * 21}, f"audit seed '{'1' * 21}' must have 1 to 20 characters"),
        ({"kind": "ballot-level"}, "'ballot-level' is not a valid AuditKind"),
        ({"manifest_total": -1}, "a ballot manifest cannot hold -1 ballots"),
        ({"manifest_sha256": "ABC"}, "manifest SHA-256 'ABC' is not 64 lowercase hex digits"),
    ],
)
def test_values_the_store_cannot_keep_are_refused(
    store: Store, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        _create(store, **changes)
    assert store.audits() == []


def test_malformed_rounds_and_naive_times_are_refused(store: Store) -> None:
    audit_id = _create(store)
    with pytest.raises(ValueError, match=r"^drawn ballot 1 is \['Kern', 1\], not \[county, "):
        store.add_round(audit_id, 1, 2, [*_ballots(1, 1), ["Kern", 1]], now=CREATED)
    with pytest.raises(ValueError, match=r"^audit rounds are numbered from 1, not 0$"):
        store.add_round(audit_id, 0, 1, _ballots(1, 1), now=CREATED)
    with pytest.raises(ValueError, match="has no time zone"):
        store.add_round(audit_id, 1, 1, _ballots(1, 1), now=datetime(2028, 11, 20))
    with pytest.raises(ValueError, match="has no time zone"):
        _create(store, now=datetime(2028, 11, 20))
    assert store.rounds(audit_id) == []


def test_latest_audit_and_audits_are_newest_first(store: Store) -> None:
    assert store.latest_audit() is None
    assert store.audits() == []
    older = _create(store, kind=AuditKind.POLLING)
    newer = _create(store, now=CREATED + timedelta(days=1))
    latest = store.latest_audit()
    assert latest is not None and (latest.id, latest.kind) == (newer, AuditKind.COMPARISON)
    assert [a.id for a in store.audits()] == [newer, older]


def test_the_audit_tables_carry_conventional_names(store: Store) -> None:
    assert store.schema_revision() == head_revision()
    inspector = inspect(store.engine)
    assert inspector.get_pk_constraint("audit_round")["name"] == "pk_audit_round"
    assert [u["name"] for u in inspector.get_unique_constraints("audit_round")] == [
        "uq_audit_round_audit_id_number"
    ]
    (fk,) = inspector.get_foreign_keys("audit_round")
    assert (fk["name"], fk["options"].get("ondelete")) == (
        "fk_audit_round_audit_id_audit",
        "CASCADE",
    )
    assert [f["name"] for f in inspector.get_foreign_keys("audit")] == [
        "fk_audit_pack_id_rule_pack"
    ]
    assert {c["name"] for c in inspector.get_check_constraints("audit")} == {
        "ck_audit_kind",
        "ck_audit_status",
        "ck_audit_risk_limit",
    }
    assert {c["name"] for c in inspector.get_check_constraints("audit_round")} == {
        "ck_audit_round_status",
        "ck_audit_round_number",
    }


def test_check_constraints_guard_the_audit_tables(store: Store) -> None:
    audit_id = _create(store)
    bad = text(
        "INSERT INTO audit_round (audit_id, number, sample_size, drawn, status, drawn_at) "
        "VALUES (:audit_id, :number, 1, '[]', :status, :now)"
    )
    for number, status in ((1, "paused"), (0, "drawn")):
        values = {"audit_id": audit_id, "number": number, "status": status, "now": CREATED}
        with pytest.raises(IntegrityError), store.session() as session:
            session.execute(bad, values)
    with pytest.raises(IntegrityError), store.session() as session:
        session.execute(text("UPDATE audit SET risk_limit = 1.5"))


def test_downgrading_to_0001_drops_both_audit_tables(store: Store) -> None:
    _create(store)
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0001")
    tables = set(inspect(store.engine).get_table_names())
    assert {"audit", "audit_round"}.isdisjoint(tables) and "stage_run" in tables
    assert store.schema_revision() == "0001"
    with store.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert store.audits() == []
