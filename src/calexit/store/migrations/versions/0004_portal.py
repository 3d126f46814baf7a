"""The public portal: staff, sessions, meetings, agendas, actions and votes, documents,
reports, comments, budget lines, the staff audit log and the public record's hash chain.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Written from ``calexit.store.models`` (the portal tables at the end of the module); every
constraint is named exactly as the models' naming convention names it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _in(column: str, values: Sequence[str]) -> str:
    """SQL for ``column IN ('a', 'b')``, as the models' non-native enums write it."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    """Create the portal's tables."""
    op.create_table(
        "portal_audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_audit_log")),
    )
    op.create_table(
        "portal_budget_line",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("cents > 0", name=op.f("ck_portal_budget_line_cents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_budget_line")),
    )
    op.create_table(
        "portal_comment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moderator", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            _in(
                "status",
                (
                    "pending",
                    "accepted",
                    "rejected",
                ),
            ),
            name=op.f("ck_portal_comment_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_comment")),
    )
    op.create_index("ix_portal_comment_status", "portal_comment", ["status"], unique=False)
    op.create_index(
        "ix_portal_comment_target", "portal_comment", ["target_kind", "target_id"], unique=False
    )
    op.create_table(
        "portal_meeting",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("notice_posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.Column("recording_url", sa.String(length=500), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("minutes_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            _in(
                "kind",
                (
                    "regular",
                    "special",
                    "emergency",
                ),
            ),
            name=op.f("ck_portal_meeting_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_meeting")),
    )
    op.create_index("ix_portal_meeting_starts_at", "portal_meeting", ["starts_at"], unique=False)
    op.create_table(
        "portal_record",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref", sa.String(length=200), nullable=False),
        sa.Column("published_at", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_portal_record")),
        sa.UniqueConstraint("hash", name=op.f("uq_portal_record_hash")),
    )
    op.create_table(
        "portal_report",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_report")),
    )
    op.create_table(
        "portal_user",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _in(
                "role",
                (
                    "clerk",
                    "moderator",
                    "commissioner",
                    "admin",
                ),
            ),
            name=op.f("ck_portal_user_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_user")),
        sa.UniqueConstraint("username", name=op.f("uq_portal_user_username")),
    )
    op.create_table(
        "portal_agenda_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["portal_meeting.id"],
            name=op.f("fk_portal_agenda_item_meeting_id_portal_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_agenda_item")),
        sa.UniqueConstraint(
            "meeting_id", "position", name="uq_portal_agenda_item_meeting_id_position"
        ),
    )
    op.create_table(
        "portal_document",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["portal_meeting.id"],
            name=op.f("fk_portal_document_meeting_id_portal_meeting"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_document")),
        sa.UniqueConstraint("slug", name=op.f("uq_portal_document_slug")),
    )
    op.create_table(
        "portal_paragraph",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["portal_report.id"],
            name=op.f("fk_portal_paragraph_report_id_portal_report"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_paragraph")),
        sa.UniqueConstraint("report_id", "position", name="uq_portal_paragraph_report_id_position"),
    )
    op.create_table(
        "portal_session",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["portal_user.id"],
            name=op.f("fk_portal_session_user_id_portal_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_session")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_portal_session_token_sha256")),
    )
    op.create_table(
        "portal_action",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("motion", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["portal_agenda_item.id"],
            name=op.f("fk_portal_action_agenda_item_id_portal_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["portal_meeting.id"],
            name=op.f("fk_portal_action_meeting_id_portal_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_action")),
    )
    op.create_table(
        "portal_document_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["portal_document.id"],
            name=op.f("fk_portal_document_version_document_id_portal_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_document_version")),
        sa.UniqueConstraint(
            "document_id", "version", name="uq_portal_document_version_document_id_version"
        ),
    )
    op.create_table(
        "portal_vote",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=120), nullable=False),
        sa.Column("vote", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["portal_action.id"],
            name=op.f("fk_portal_vote_action_id_portal_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_vote")),
        sa.UniqueConstraint("action_id", "member", name="uq_portal_vote_action_id_member"),
    )


def downgrade() -> None:
    """Drop the portal's tables."""

    op.drop_table("portal_vote")
    op.drop_table("portal_document_version")
    op.drop_table("portal_action")
    op.drop_table("portal_session")
    op.drop_table("portal_paragraph")
    op.drop_table("portal_document")
    op.drop_table("portal_agenda_item")
    op.drop_table("portal_user")
    op.drop_table("portal_report")
    op.drop_table("portal_record")
    op.drop_index("ix_portal_meeting_starts_at", table_name="portal_meeting")
    op.drop_table("portal_meeting")
    op.drop_index("ix_portal_comment_target", table_name="portal_comment")
    op.drop_index("ix_portal_comment_status", table_name="portal_comment")
    op.drop_table("portal_comment")
    op.drop_table("portal_budget_line")
    op.drop_table("portal_audit_log")
