"""Initial schema: rule packs, counties, states, facts and stage runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Written by hand from ``calexit.store.models``; every constraint is named exactly as
the models' naming convention names it, so later migrations can refer to it on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = ("foundation", "petition", "vote", "audit", "commission", "pathway")
STATUSES = ("running", "succeeded", "failed")


def _in(column: str, values: Sequence[str]) -> str:
    """SQL for ``column IN ('a', 'b')``, as the models' non-native enums write it."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Create the five tables."""
    op.create_table(
        "rule_pack",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("toml_text", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_pack")),
    )
    op.create_table(
        "county",
        sa.Column("fips", sa.String(5), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("region", sa.String(64), nullable=False),
        sa.Column("esp_region_2006", sa.String(64), nullable=False),
        sa.Column("eligible_voters", sa.BigInteger(), nullable=False),
        sa.Column("registered_voters", sa.BigInteger(), nullable=False),
        sa.Column("ballots_cast_2024", sa.BigInteger(), nullable=False),
        sa.Column("harris_2024", sa.BigInteger(), nullable=False),
        sa.Column("trump_2024", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("fips", name=op.f("pk_county")),
        sa.UniqueConstraint("name", name=op.f("uq_county_name")),
    )
    op.create_table(
        "state",
        sa.Column("abbr", sa.String(2), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("jurisdiction_type", sa.String(32), nullable=False),
        sa.Column("population_2020", sa.BigInteger(), nullable=False),
        sa.Column("house_seats", sa.Integer(), nullable=False),
        sa.Column("electoral_votes", sa.Integer(), nullable=False),
        sa.Column("trump_2024_pct", sa.Numeric(5, 2), nullable=False),
        sa.Column("harris_2024_pct", sa.Numeric(5, 2), nullable=False),
        sa.Column("legislature_control", sa.String(16), nullable=False),
        sa.Column("governor_party", sa.String(16), nullable=False),
        sa.Column("senators_d", sa.Integer(), nullable=False),
        sa.Column("senators_r", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("abbr", name=op.f("pk_state")),
        sa.UniqueConstraint("name", name=op.f("uq_state_name")),
    )
    op.create_table(
        "fact",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Numeric(20, 4), nullable=True),
        sa.Column("bound", sa.String(2), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("year", sa.String(32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_fact")),
    )
    _create_stage_run()


def _create_stage_run() -> None:
    """Create ``stage_run`` with its enum checks, foreign key and lookup index."""
    op.create_table(
        "stage_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seed", sa.String(255), nullable=True),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_run")),
        sa.CheckConstraint(_in("stage", STAGES), name=op.f("ck_stage_run_stage")),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f("ck_stage_run_status")),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["rule_pack.id"], name=op.f("fk_stage_run_pack_id_rule_pack")
        ),
    )
    op.create_index(
        "ix_stage_run_stage_started_at", "stage_run", ["stage", "started_at"], unique=False
    )


def downgrade() -> None:
    """Drop the five tables, dependents first."""
    op.drop_index("ix_stage_run_stage_started_at", table_name="stage_run")
    op.drop_table("stage_run")
    op.drop_table("fact")
    op.drop_table("state")
    op.drop_table("county")
    op.drop_table("rule_pack")
