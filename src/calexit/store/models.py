"""SQLAlchemy 2 models of the store: rule packs, reference data, stage runs and audits.

The same models serve SQLite (the default, one file) and PostgreSQL (production).
Every constraint is named by :data:`NAMING_CONVENTION`, so Alembic migrations
refer to the same names on both backends.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Stage(StrEnum):
    """The stages of a plebiscite run, in the order they happen."""

    FOUNDATION = "foundation"
    PETITION = "petition"
    VOTE = "vote"
    AUDIT = "audit"
    COMMISSION = "commission"
    PATHWAY = "pathway"


class RunStatus(StrEnum):
    """Where a stage run stands."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class AuditKind(StrEnum):
    """How a risk-limiting audit compares ballots: against the tallies or against each CVR."""

    POLLING = "polling"
    COMPARISON = "comparison"


class AuditStatus(StrEnum):
    """Where a risk-limiting audit stands: planned, sampling, or finished either way."""

    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    CONFIRMED = "confirmed"
    FULL_HAND_COUNT = "full-hand-count"


class LotteryStatus(StrEnum):
    """Whether a commission lottery's panels are only published or also drawn from."""

    PUBLISHED = "published"
    DRAWN = "drawn"


class SeatRole(StrEnum):
    """A commission seat holder is a member; alternates wait, in order, for a vacancy."""

    MEMBER = "member"
    ALTERNATE = "alternate"


class RoundStatus(StrEnum):
    """Whether an audit round's ballots are only drawn or also examined and recorded."""

    DRAWN = "drawn"
    RECORDED = "recorded"


def _values(enum: type[StrEnum]) -> list[str]:
    """The stored strings of an enum: its values, not its member names."""
    return [member.value for member in enum]


def _enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR(16) plus a named CHECK constraint, on both backends."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=_values,
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint by convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class RulePack(Base):
    """A rule pack as loaded: its TOML text and the SHA-256 of that text."""

    __tablename__ = "rule_pack"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    toml_text: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CountyRow(Base):
    """One California county (see :class:`calexit.reference.records.County`)."""

    __tablename__ = "county"

    fips: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    region: Mapped[str] = mapped_column(String(64))
    esp_region_2006: Mapped[str] = mapped_column(String(64))
    eligible_voters: Mapped[int] = mapped_column(BigInteger)
    registered_voters: Mapped[int] = mapped_column(BigInteger)
    ballots_cast_2024: Mapped[int] = mapped_column(BigInteger)
    harris_2024: Mapped[int] = mapped_column(BigInteger)
    trump_2024: Mapped[int] = mapped_column(BigInteger)


class StateRow(Base):
    """One state or the District of Columbia (see :class:`calexit.reference.records.State`)."""

    __tablename__ = "state"

    abbr: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    jurisdiction_type: Mapped[str] = mapped_column(String(32))
    population_2020: Mapped[int] = mapped_column(BigInteger)
    house_seats: Mapped[int] = mapped_column(Integer)
    electoral_votes: Mapped[int] = mapped_column(Integer)
    trump_2024_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    harris_2024_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    legislature_control: Mapped[str] = mapped_column(String(16))
    governor_party: Mapped[str] = mapped_column(String(16))
    senators_d: Mapped[int] = mapped_column(Integer)
    senators_r: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text)


class FactRow(Base):
    """A published figure about California (see :class:`calexit.reference.records.Fact`)."""

    __tablename__ = "fact"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    bound: Mapped[str] = mapped_column(String(2))
    unit: Mapped[str] = mapped_column(Text)
    year: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)


class StageRunRow(Base):
    """One run of one stage against one rule pack, with its outcome as JSON."""

    __tablename__ = "stage_run"
    __table_args__ = (Index("ix_stage_run_stage_started_at", "stage", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    stage: Mapped[Stage] = mapped_column(_enum_column(Stage, "stage"))
    pack_id: Mapped[str] = mapped_column(String(64), ForeignKey("rule_pack.id"))
    status: Mapped[RunStatus] = mapped_column(_enum_column(RunStatus, "status"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    seed: Mapped[str | None] = mapped_column(String(255))
    code_version: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class AuditRow(Base):
    """A risk-limiting audit of the vote: its plan, the reported outcome and where it stands.

    ``reported`` (tallies and canvass summary) and ``assertions`` (each assertion's
    name, assorter parameters, reported mean and margin, estimated sample sizes)
    are JSON; ``manifest_sha256`` identifies the ballot manifest sampled from.
    """

    __tablename__ = "audit"
    __table_args__ = (CheckConstraint("risk_limit > 0 AND risk_limit < 1", name="risk_limit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pack_id: Mapped[str] = mapped_column(String(64), ForeignKey("rule_pack.id"))
    kind: Mapped[AuditKind] = mapped_column(_enum_column(AuditKind, "kind"))
    risk_limit: Mapped[Decimal] = mapped_column(Numeric(6, 5))
    seed: Mapped[str] = mapped_column(String(20))
    status: Mapped[AuditStatus] = mapped_column(_enum_column(AuditStatus, "status"))
    reported: Mapped[dict[str, Any]] = mapped_column(JSON)
    assertions: Mapped[Any] = mapped_column(JSON)
    manifest_total: Mapped[int] = mapped_column(BigInteger)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRoundRow(Base):
    """One round of an audit: the ballots drawn, then what the auditors found and the risks.

    ``sample_size`` is cumulative (every ballot drawn up to and including this round);
    ``drawn`` lists this round's ballots as ``[county, batch, position, ticket, order]``.
    ``results`` and ``risks`` stay NULL until the round is recorded. Deleting an
    audit deletes its rounds (ON DELETE CASCADE).
    """

    __tablename__ = "audit_round"
    __table_args__ = (
        UniqueConstraint("audit_id", "number", name="uq_audit_round_audit_id_number"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[int] = mapped_column(Integer, ForeignKey("audit.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    sample_size: Mapped[int] = mapped_column(BigInteger)
    drawn: Mapped[list[Any]] = mapped_column(JSON)
    results: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    risks: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    status: Mapped[RoundStatus] = mapped_column(_enum_column(RoundStatus, "status"))
    drawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NomineeRow(Base):
    """One nominee as taken in, with the eligibility decision. Personal data: never published.

    ``record`` holds the intake fields as given (name, address, county, party, sector,
    declared roles, ...); ``reasons`` lists every reason the nominee is not eligible
    (empty when eligible); ``valid_nominators`` counts distinct registered voters.
    """

    __tablename__ = "nominee"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    county: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    eligible: Mapped[bool] = mapped_column(Boolean)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    valid_nominators: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NominatorRow(Base):
    """One nominator line and what the voter-file check found. Personal data: never published.

    ``voter_id`` is the registration it matched (``None`` if none); ``reason`` why it
    counts or not. Deleting a nominee deletes their nominators (ON DELETE CASCADE).
    """

    __tablename__ = "nominator"
    __table_args__ = (Index("ix_nominator_nominee_id", "nominee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nominee_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("nominee.id", ondelete="CASCADE")
    )
    line: Mapped[int] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    voter_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))


class LotteryRow(Base):
    """A commission lottery: the published list of equally likely panels, then its draw.

    ``commitment`` is the SHA-256 announced before the seed is known; ``summary`` holds
    the figures (minimum probability, Gini coefficient, timings) as JSON; ``seed`` (the
    public seed's canonical text), ``drawn_index`` and ``drawn_at`` stay NULL until drawn.
    """

    __tablename__ = "commission_lottery"
    __table_args__ = (
        CheckConstraint("panel_size >= 1", name="panel_size"),
        CheckConstraint("m >= 1", name="m"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pack_id: Mapped[str] = mapped_column(String(64), ForeignKey("rule_pack.id"))
    algorithm: Mapped[str] = mapped_column(String(16))
    panel_size: Mapped[int] = mapped_column(Integer)
    m: Mapped[int] = mapped_column(Integer)
    pool_size: Mapped[int] = mapped_column(Integer)
    min_probability: Mapped[float] = mapped_column(Float)
    commitment: Mapped[str] = mapped_column(String(64))
    status: Mapped[LotteryStatus] = mapped_column(_enum_column(LotteryStatus, "status"))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[str | None] = mapped_column(Text)
    drawn_index: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SeatRow(Base):
    """A member or an alternate of a drawn lottery, in order.

    ``position`` numbers members 1..panel size and alternates 1..n in the published
    order. A member who leaves gets ``vacated_at``; the alternate who fills the seat
    becomes a member with ``replaces`` naming the leaver.
    """

    __tablename__ = "commission_seat"
    __table_args__ = (
        UniqueConstraint(
            "lottery_id", "role", "position", name="uq_commission_seat_lottery_id_role_position"
        ),
        CheckConstraint("position >= 1", name="position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lottery_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("commission_lottery.id", ondelete="CASCADE")
    )
    person_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[SeatRole] = mapped_column(_enum_column(SeatRole, "role"))
    position: Mapped[int] = mapped_column(Integer)
    replaces: Mapped[str | None] = mapped_column(String(64))
    seated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    vacated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BundleFileRow(Base):
    """One file of a lottery's public audit bundle, kept verbatim with its SHA-256."""

    __tablename__ = "commission_bundle_file"
    __table_args__ = (
        UniqueConstraint("lottery_id", "name", name="uq_commission_bundle_file_lottery_id_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lottery_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("commission_lottery.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text)


# -- the public portal (migration 0004) ---------------------------------------------------


class PortalRole(StrEnum):
    """A staff account's role (see :mod:`calexit.portal.roles`)."""

    CLERK = "clerk"
    MODERATOR = "moderator"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"


class MeetingKindColumn(StrEnum):
    """A meeting's kind under Bagley-Keene (see :mod:`calexit.portal.notice`)."""

    REGULAR = "regular"
    SPECIAL = "special"
    EMERGENCY = "emergency"


class CommentState(StrEnum):
    """Where a public comment stands (see :mod:`calexit.portal.moderation`)."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class PortalUserRow(Base):
    """A staff account; ``password_hash`` is an argon2id hash, never the password."""

    __tablename__ = "portal_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[PortalRole] = mapped_column(_enum_column(PortalRole, "role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PortalSessionRow(Base):
    """A signed-in staff session: the cookie's token is kept only as its SHA-256."""

    __tablename__ = "portal_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("portal_user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MeetingRow(Base):
    """A commission meeting: its notice (posted when scheduled), minutes and recording."""

    __tablename__ = "portal_meeting"
    __table_args__ = (Index("ix_portal_meeting_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[MeetingKindColumn] = mapped_column(_enum_column(MeetingKindColumn, "kind"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[str] = mapped_column(String(200))
    notice_posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    findings: Mapped[str | None] = mapped_column(Text)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    minutes: Mapped[str | None] = mapped_column(Text)
    minutes_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AgendaItemRow(Base):
    """One item of a meeting's agenda, with its brief description (Gov. Code 11125(b))."""

    __tablename__ = "portal_agenda_item"
    __table_args__ = (
        UniqueConstraint(
            "meeting_id", "position", name="uq_portal_agenda_item_meeting_id_position"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("portal_meeting.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ActionRow(Base):
    """An action taken at a meeting (a motion and its result)."""

    __tablename__ = "portal_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("portal_meeting.id", ondelete="CASCADE")
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("portal_agenda_item.id", ondelete="SET NULL")
    )
    motion: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MemberVoteRow(Base):
    """One member's vote or abstention on an action (Gov. Code 11123(b)(1)(D))."""

    __tablename__ = "portal_vote"
    __table_args__ = (
        UniqueConstraint("action_id", "member", name="uq_portal_vote_action_id_member"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("portal_action.id", ondelete="CASCADE")
    )
    member: Mapped[str] = mapped_column(String(120))
    vote: Mapped[str] = mapped_column(String(16))


class DocumentRow(Base):
    """A document the commission considers; its text lives in versions."""

    __tablename__ = "portal_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    meeting_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("portal_meeting.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DocumentVersionRow(Base):
    """One published version of a document: its text and the SHA-256 of that text."""

    __tablename__ = "portal_document_version"
    __table_args__ = (
        UniqueConstraint(
            "document_id", "version", name="uq_portal_document_version_document_id_version"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("portal_document.id", ondelete="CASCADE")
    )
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportRow(Base):
    """A draft (then adopted) report of the commission, published paragraph by paragraph."""

    __tablename__ = "portal_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ParagraphRow(Base):
    """One paragraph of a report, open to comment."""

    __tablename__ = "portal_paragraph"
    __table_args__ = (
        UniqueConstraint("report_id", "position", name="uq_portal_paragraph_report_id_position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("portal_report.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)


class CommentRow(Base):
    """A public comment on an agenda item or a report paragraph, and its moderation."""

    __tablename__ = "portal_comment"
    __table_args__ = (
        Index("ix_portal_comment_target", "target_kind", "target_id"),
        Index("ix_portal_comment_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentState] = mapped_column(_enum_column(CommentState, "status"))
    category: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderator: Mapped[str | None] = mapped_column(String(64))


class BudgetLineRow(Base):
    """An appropriation or an expenditure, in whole cents."""

    __tablename__ = "portal_budget_line"
    __table_args__ = (CheckConstraint("cents > 0", name="cents"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(300))
    cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StaffActionRow(Base):
    """The audit log: every staff action, who took it and when."""

    __tablename__ = "portal_audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class RecordLinkRow(Base):
    """One link of the public record's hash chain (see :mod:`calexit.portal.chain`).

    ``published_at`` is the ISO text that was hashed and ``payload`` the canonical JSON
    text, so the hash recomputes byte for byte on both backends.
    """

    __tablename__ = "portal_record"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
