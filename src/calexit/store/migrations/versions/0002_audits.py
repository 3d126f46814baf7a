"""Risk-limiting audits of the vote: the audit and its rounds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

Written by hand from ``calexit.store.models`` (``AuditRow``, ``AuditRoundRow``);
every constraint is named exactly as the models' naming convention names it. The
unique constraint on (audit_id, number) carries its name explicitly in the models,
since the convention names a unique constraint after its first column only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("polling", "comparison")
AUDIT_STATUSES = ("planned", "in-progress", "confirmed", "full-hand-count")
ROUND_STATUSES = ("drawn", "recorded")


def _in(column: str, values: Sequence[str]) -> str:
    """SQL for ``column IN ('a', 'b')``, as the models' non-native enums write it."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Create ``audit``, then ``audit_round``, which refers to it."""
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("risk_limit", sa.Numeric(6, 5), nullable=False),
        sa.Column("seed", sa.String(20), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reported", sa.JSON(), nullable=False),
        sa.Column("assertions", sa.JSON(), nullable=False),
        sa.Column("manifest_total", sa.BigInteger(), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
        sa.CheckConstraint("risk_limit > 0 AND risk_limit < 1", name=op.f("ck_audit_risk_limit")),
        sa.CheckConstraint(_in("kind", KINDS), name=op.f("ck_audit_kind")),
        sa.CheckConstraint(_in("status", AUDIT_STATUSES), name=op.f("ck_audit_status")),
        sa.ForeignKeyConstraint(
            ["pack_id"], ["rule_pack.id"], name=op.f("fk_audit_pack_id_rule_pack")
        ),
    )
    op.create_table(
        "audit_round",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sample_size", sa.BigInteger(), nullable=False),
        sa.Column("drawn", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("risks", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_round")),
        sa.UniqueConstraint("audit_id", "number", name=op.f("uq_audit_round_audit_id_number")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_audit_round_number")),
        sa.CheckConstraint(_in("status", ROUND_STATUSES), name=op.f("ck_audit_round_status")),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audit.id"],
            name=op.f("fk_audit_round_audit_id_audit"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop both tables, the rounds first."""
    op.drop_table("audit_round")
    op.drop_table("audit")
