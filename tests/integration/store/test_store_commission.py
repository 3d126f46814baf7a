"""The commission stage in the store: nominees, lotteries, seats and bundles, on both backends."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from calexit.errors import NotFoundError
from calexit.store import (
    LotteryStateError,
    LotteryStatus,
    NominatorEntry,
    NomineeEntry,
    SeatRole,
    Store,
)
from calexit.store.models import BundleFileRow

PACK = "calexit-2028"
NOW = datetime(2029, 2, 1, 17, 0, tzinfo=UTC)


def _nominee(i: int, *, eligible: bool = True) -> NomineeEntry:
    return NomineeEntry(
        id=f"N{i:04d}",
        county="Alameda",
        record={"first_name": "Ana", "last_name": f"Ruiz {i}", "address": "1 Main St"},
        eligible=eligible,
        reasons=[] if eligible else ["RESIDENCY: 3 years, fewer than 5"],
        valid_nominators=120 if eligible else 40,
    )


def _lottery(store: Store, *, files: dict[str, str] | None = None) -> int:
    store.save_pack(PACK, "1.0", "California Independence Plebiscite 2028", "x = 1\n")
    return store.create_lottery(
        PACK,
        algorithm="leximin",
        panel_size=2,
        m=4,
        pool_size=5,
        min_probability=0.25,
        commitment="ab" * 32,
        summary={"gini": 0.1, "seconds": 0.5},
        files=files if files is not None else {"panels.csv": "index,members\n0,a b\n"},
        now=NOW,
    )


def test_nominees_and_nominators_are_replaced_together(store: Store) -> None:
    nominators = [
        NominatorEntry("N0001", line, {"last_name": "Lee"}, f"V{line}", "VALID")
        for line in range(1, 4)
    ]
    store.replace_nominees([_nominee(1), _nominee(2, eligible=False)], nominators, now=NOW)
    stored = store.nominees()
    assert [(n.id, n.eligible, n.valid_nominators) for n in stored] == [
        ("N0001", True, 120),
        ("N0002", False, 40),
    ]
    assert stored[1].reasons == ["RESIDENCY: 3 years, fewer than 5"]
    assert stored[0].record["address"] == "1 Main St" and stored[0].imported_at == NOW
    assert store.nominator_counts() == {"N0001": 3}
    store.replace_nominees([_nominee(3)], [], now=NOW)
    assert [n.id for n in store.nominees()] == ["N0003"]
    assert store.nominator_counts() == {}


def test_a_lottery_is_published_then_drawn_and_seats_its_members(store: Store) -> None:
    lottery_id = _lottery(store)
    published = store.lottery(lottery_id)
    assert published.status is LotteryStatus.PUBLISHED
    assert (published.seed, published.drawn_index, published.drawn_at) == (None, None, None)
    assert store.seats(lottery_id) == []
    store.record_draw(
        lottery_id,
        seed="dice:123456",
        index=3,
        members=["a", "b"],
        alternates=["c", "d", "e"],
        files={"draw.json": "{}", "panels.csv": "index,members\n0,a b\n1,a c\n"},
        now=NOW + timedelta(days=7),
    )
    drawn = store.lottery(lottery_id)
    assert (drawn.status, drawn.seed, drawn.drawn_index) == (LotteryStatus.DRAWN, "dice:123456", 3)
    seats = store.seats(lottery_id)
    assert [(s.person_id, s.role, s.position) for s in seats] == [
        ("a", SeatRole.MEMBER, 1),
        ("b", SeatRole.MEMBER, 2),
        ("c", SeatRole.ALTERNATE, 1),
        ("d", SeatRole.ALTERNATE, 2),
        ("e", SeatRole.ALTERNATE, 3),
    ]
    files = store.bundle_files(lottery_id)
    assert list(files) == ["draw.json", "panels.csv"]
    assert files["panels.csv"].endswith("1,a c\n")
    # a page shows the first alternates and some files, without reading everything
    first = store.seats(lottery_id, alternates=1)
    assert [(s.person_id, s.role) for s in first] == [
        ("a", SeatRole.MEMBER),
        ("b", SeatRole.MEMBER),
        ("c", SeatRole.ALTERNATE),
    ]
    assert store.bundle_files(lottery_id, ["panels.csv", "absent.csv"]) == {
        "panels.csv": files["panels.csv"]
    }
    assert store.bundle_file_names(lottery_id) == ["draw.json", "panels.csv"]
    with pytest.raises(LotteryStateError, match="already drawn"):
        store.record_draw(
            lottery_id, seed="x", index=0, members=["a", "b"], alternates=[], files={}, now=NOW
        )


def test_a_vacancy_is_filled_by_a_waiting_alternate(store: Store) -> None:
    lottery_id = _lottery(store)
    with pytest.raises(LotteryStateError, match="not been drawn"):
        store.fill_vacancy(lottery_id, "a", "c", now=NOW)
    store.record_draw(
        lottery_id, seed="s", index=0, members=["a", "b"], alternates=["c", "d"], files={}, now=NOW
    )
    later = NOW + timedelta(days=30)
    store.fill_vacancy(lottery_id, "a", "d", now=later)
    sitting = [s for s in store.seats(lottery_id) if s.sitting]
    assert [(s.person_id, s.position, s.replaces) for s in sitting] == [
        ("b", 2, None),
        ("d", 3, "a"),
    ]
    with pytest.raises(LotteryStateError, match="not a sitting member"):
        store.fill_vacancy(lottery_id, "a", "c", now=later)
    with pytest.raises(LotteryStateError, match="not a waiting alternate"):
        store.fill_vacancy(lottery_id, "b", "d", now=later)


def test_bundle_files_keep_their_sha256(store: Store) -> None:
    text = "id,region\np1,Bay Area\n"
    lottery_id = _lottery(store, files={"pool.csv": text})
    assert store.bundle_files(lottery_id) == {"pool.csv": text}
    with store.session() as session:
        digest = session.scalars(select(BundleFileRow.sha256)).one()
    assert digest == hashlib.sha256(text.encode()).hexdigest()


def test_unknown_lotteries_and_packs_are_named(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no commission lottery with id 9"):
        store.lottery(9)
    with pytest.raises(NotFoundError, match="no rule pack"):
        store.create_lottery(
            "nope",
            algorithm="leximin",
            panel_size=1,
            m=1,
            pool_size=1,
            min_probability=1.0,
            commitment="0" * 64,
            summary={},
            files={},
            now=NOW,
        )
    assert store.latest_lottery() is None
    newer = _lottery(store)
    latest = store.latest_lottery()
    assert latest is not None and latest.id == newer
