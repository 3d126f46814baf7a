"""The Alembic migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from calexit.store import Store, open_store
from calexit.store.database import alembic_config, head_revision, migrations_directory
from calexit.store.models import Base, RunStatus, Stage, StageRunRow

TABLES = {
    "alembic_version",
    "rule_pack",
    "county",
    "state",
    "fact",
    "stage_run",
    "audit",
    "audit_round",
    "nominee",
    "nominator",
    "commission_lottery",
    "commission_seat",
    "commission_bundle_file",
    "portal_user",
    "portal_session",
    "portal_meeting",
    "portal_agenda_item",
    "portal_action",
    "portal_vote",
    "portal_document",
    "portal_document_version",
    "portal_report",
    "portal_paragraph",
    "portal_comment",
    "portal_budget_line",
    "portal_audit_log",
    "portal_record",
}


def _tables(store: Store) -> set[str]:
    return set(inspect(store.engine).get_table_names())


def _drift(store: Store, metadata: MetaData) -> list[object]:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_migrations_create_exactly_the_expected_tables(store: Store) -> None:
    assert _tables(store) == TABLES


def test_the_store_is_at_the_head_revision(store: Store) -> None:
    assert head_revision() == "0004"
    assert store.schema_revision() == head_revision()


def test_models_and_migrated_schema_do_not_drift(store: Store) -> None:
    assert _drift(store, Base.metadata) == []


def test_the_drift_check_sees_a_column_the_migrations_lack(store: Store) -> None:
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["county"].append_column(Column("extra", Integer))
    differences = _drift(store, metadata)
    assert len(differences) == 1
    assert differences[0][0] == "add_column"  # type: ignore[index]


def test_constraints_carry_the_conventional_names(store: Store) -> None:
    inspector = inspect(store.engine)
    assert inspector.get_pk_constraint("county")["name"] == "pk_county"
    assert [u["name"] for u in inspector.get_unique_constraints("state")] == ["uq_state_name"]
    assert [f["name"] for f in inspector.get_foreign_keys("stage_run")] == [
        "fk_stage_run_pack_id_rule_pack"
    ]
    checks = {c["name"] for c in inspector.get_check_constraints("stage_run")}
    assert checks == {"ck_stage_run_stage", "ck_stage_run_status"}
    indexes = {i["name"] for i in inspector.get_indexes("stage_run")}
    assert indexes == {"ix_stage_run_stage_started_at"}


def test_opening_the_same_database_twice_keeps_schema_and_rows(store_url: str) -> None:
    with open_store(store_url) as first:
        first.save_pack("calexit-2028", "1.0", "Calexit 2028", "x = 1\n")
    with open_store(store_url) as second:
        assert second.schema_revision() == head_revision()
        assert second.pack("calexit-2028").version == "1.0"
        with second.session() as session:
            versions = session.scalar(select(func.count()).select_from(text("alembic_version")))
        assert versions == 1


def test_foreign_keys_are_enforced(store: Store) -> None:
    orphan = StageRunRow(
        stage=Stage.VOTE,
        pack_id="no-such-pack",
        status=RunStatus.RUNNING,
        started_at=datetime(2028, 11, 7, tzinfo=UTC),
        code_version="0.1.0",
    )
    with pytest.raises(IntegrityError), store.session() as session:
        session.add(orphan)


def test_check_constraints_refuse_an_unknown_status(store: Store) -> None:
    store.save_pack("calexit-2028", "1.0", "Calexit 2028", "x = 1\n")
    insert = text(
        "INSERT INTO stage_run (stage, pack_id, status, started_at, code_version) "
        "VALUES ('vote', 'calexit-2028', 'paused', :now, '0.1.0')"
    )
    with pytest.raises(IntegrityError), store.session() as session:
        session.execute(insert, {"now": datetime(2028, 11, 7, tzinfo=UTC)})


def test_downgrade_to_base_and_upgrade_again(store: Store) -> None:
    with store.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert _tables(store) == {"alembic_version"}
    assert store.schema_revision() == ""
    with store.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert _tables(store) == TABLES


def test_the_command_line_setup_migrates_and_finds_no_drift(store_url: str) -> None:
    """What migrations/README tells a developer to run: alembic -c ... -x url=... upgrade."""
    ini = migrations_directory() / "alembic.ini"
    config = Config(str(ini), cmd_opts=argparse.Namespace(x=[f"url={store_url}"]))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    command.check(config)  # raises AutogenerateDiffsDetected on drift
    with open_store(store_url) as store:
        assert store.schema_revision() == head_revision()
