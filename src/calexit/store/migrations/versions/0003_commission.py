"""The commission stage: nominees, nominators, lotteries, seats and audit-bundle files.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Written by hand from ``calexit.store.models`` (``NomineeRow``, ``NominatorRow``,
``LotteryRow``, ``SeatRow``, ``BundleFileRow``); every constraint is named exactly as
the models' naming convention names it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOTTERY_STATUSES = ("published", "drawn")
ROLES = ("member", "alternate")


def _in(column: str, values: Sequence[str]) -> str:
    """SQL for ``column IN ('a', 'b')``, as the models' non-native enums write it."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Create the nominees and their nominators, then lotteries, seats and bundle files."""
    op.create_table(
        "nominee",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("county", sa.String(64), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("valid_nominators", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominee")),
    )
    op.create_table(
        "nominator",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("nominee_id", sa.String(64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("voter_id", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominator")),
        sa.ForeignKeyConstraint(
            ["nominee_id"],
            ["nominee.id"],
            name=op.f("fk_nominator_nominee_id_nominee"),
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_nominator_nominee_id", "nominator", ["nominee_id"])
    op.create_table(
        "commission_lottery",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("panel_size", sa.Integer(), nullable=False),
        sa.Column("m", sa.Integer(), nullable=False),
        sa.Column("pool_size", sa.Integer(), nullable=False),
        sa.Column("min_probability", sa.Float(), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("seed", sa.Text(), nullable=True),
        sa.Column("drawn_index", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_lottery")),
        sa.CheckConstraint("panel_size >= 1", name=op.f("ck_commission_lottery_panel_size")),
        sa.CheckConstraint("m >= 1", name=op.f("ck_commission_lottery_m")),
        sa.CheckConstraint(
            _in("status", LOTTERY_STATUSES), name=op.f("ck_commission_lottery_status")
        ),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["rule_pack.id"], name=op.f("fk_commission_lottery_pack_id_rule_pack")
        ),
    )
    op.create_table(
        "commission_seat",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lottery_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("replaces", sa.String(64), nullable=True),
        sa.Column("seated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vacated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_seat")),
        sa.UniqueConstraint(
            "lottery_id",
            "role",
            "position",
            name=op.f("uq_commission_seat_lottery_id_role_position"),
        ),
        sa.CheckConstraint("position >= 1", name=op.f("ck_commission_seat_position")),
        sa.CheckConstraint(_in("role", ROLES), name=op.f("ck_commission_seat_role")),
        sa.ForeignKeyConstraint(
            ["lottery_id"],
            ["commission_lottery.id"],
            name=op.f("fk_commission_seat_lottery_id_commission_lottery"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "commission_bundle_file",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lottery_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_bundle_file")),
        sa.UniqueConstraint(
            "lottery_id", "name", name=op.f("uq_commission_bundle_file_lottery_id_name")
        ),
        sa.ForeignKeyConstraint(
            ["lottery_id"],
            ["commission_lottery.id"],
            name=op.f("fk_commission_bundle_file_lottery_id_commission_lottery"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop every commission table, dependants first."""
    op.drop_table("commission_bundle_file")
    op.drop_table("commission_seat")
    op.drop_table("commission_lottery")
    op.drop_index("ix_nominator_nominee_id", table_name="nominator")
    op.drop_table("nominator")
    op.drop_table("nominee")
