"""The JSON shapes of the portal: what ``/api/`` returns and the pages render.

Every field is named for what it holds; times are ISO 8601 in UTC; money is whole
cents. These models make ``/openapi.json`` describe the API exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class TimelineStep(BaseModel):
    stage: str
    title: str
    day: date | None
    status: str = Field(description="done, next, ahead or undated")
    days_left: int | None
    source: str
    assumed: bool


class CountdownOut(BaseModel):
    label: str
    months: int
    due: date | None
    days_left: int | None
    overdue: bool
    text: str
    source: str


class MeetingSummary(BaseModel):
    id: int
    title: str
    kind: str
    starts_at: datetime
    location: str
    notice_posted_at: datetime
    notice_days_ahead: float
    findings: str | None
    has_minutes: bool
    url: str


class StatusOut(BaseModel):
    today: date
    pack: str
    question: str | None
    steps: list[TimelineStep]
    countdowns: list[CountdownOut]
    next_meeting: MeetingSummary | None
    record_links: int
    record_head: str


class AgendaItemOut(BaseModel):
    id: int
    meeting_id: int
    position: int
    title: str
    description: str
    words: int
    warnings: list[str]
    comments_accepted: int
    url: str


class VoteOut(BaseModel):
    member: str
    vote: str


class ActionOut(BaseModel):
    id: int
    agenda_item_id: int | None
    motion: str
    result: str
    recorded_at: datetime
    votes: list[VoteOut]


class DocumentSummary(BaseModel):
    slug: str
    title: str
    kind: str
    version: int
    sha256: str
    published_at: datetime
    meeting_id: int | None
    url: str


class DocumentOut(DocumentSummary):
    body: str
    note: str
    versions: list[int]


class SearchHitOut(BaseModel):
    document: DocumentSummary
    snippet: str


class SearchOut(BaseModel):
    query: str
    method: str = Field(description="sqlite-fts5, postgresql-tsvector or like")
    hits: list[SearchHitOut]


class MeetingOut(BaseModel):
    meeting: MeetingSummary
    agenda: list[AgendaItemOut]
    materials: list[DocumentSummary]
    minutes: str | None
    minutes_published_at: datetime | None
    recording_url: str | None
    actions: list[ActionOut]


class CommentOut(BaseModel):
    id: int
    target: str
    author: str
    body: str | None = Field(
        description="null for a rejected comment; its category and reason say why"
    )
    status: str
    category: str | None
    reason: str | None
    submitted_at: datetime
    moderated_at: datetime | None


class CommentsOut(BaseModel):
    counts: dict[str, int]
    comments: list[CommentOut]


class ParagraphOut(BaseModel):
    id: int
    position: int
    body: str
    comments_accepted: int
    url: str


class ReportOut(BaseModel):
    id: int
    kind: str
    title: str
    status: str
    published_at: datetime
    paragraphs: list[ParagraphOut]


class StageOut(BaseModel):
    stage: str
    ran: bool
    run_id: int | None
    status: str | None
    finished_at: datetime | None
    outcome: str | None
    headline: str
    figures: dict[str, Any]
    counties: list[dict[str, Any]]
    audit: dict[str, Any] | None
    bundle: str | None


class MemberOut(BaseModel):
    person_id: str
    role: str
    position: int
    features: dict[str, str]
    probability: float | None
    replaces: str | None
    sitting: bool


class CommissionOut(BaseModel):
    drawn: bool
    lottery_id: int | None
    algorithm: str | None
    panel_size: int | None
    panels: int | None
    pool_size: int | None
    min_probability: float | None
    commitment: str | None
    seed: str | None
    drawn_index: int | None
    members: list[MemberOut]
    alternates: list[MemberOut]
    probabilities: list[dict[str, Any]]
    bundle_files: list[str]
    verify_command: str


class CategoryOut(BaseModel):
    category: str
    cents: int


class MonthOut(BaseModel):
    month: str
    cumulative_cents: int


class BudgetLineOut(BaseModel):
    day: date
    kind: str
    category: str
    description: str
    cents: int


class BudgetOut(BaseModel):
    appropriated_cents: int
    spent_cents: int
    remaining_cents: int
    share_spent: float
    monthly_rate_cents: int
    runway_months: float | None
    by_category: list[CategoryOut]
    months: list[MonthOut]
    lines: list[BudgetLineOut]
    source: str


class LinkOut(BaseModel):
    seq: int
    kind: str
    ref: str
    published_at: str
    payload: Any
    prev: str
    hash: str


class RecordOut(BaseModel):
    algorithm: str
    links: list[LinkOut]
    head: str
    ok: bool
    broken_at: int | None
    reason: str


class RoadStageOut(BaseModel):
    stage: str
    probability: float | str | None = Field(
        description="the chance of getting this far, as stored by the run (already rounded "
        "to its Monte Carlo error)"
    )
    text: str = Field(description="the same as a percentage, with no added digits")


class ComparatorOut(BaseModel):
    pack: str
    road: str = Field(description="the whole road's chance with its Monte Carlo error")
    probability: float | None
    historical_passed: bool | None


class RoadOut(BaseModel):
    ran: bool
    run_id: int | None
    finished_at: datetime | None
    pack: str | None
    scenario: list[str]
    draws: int | None
    seed: int | None
    road: str | None = Field(description="the whole road's chance with its Monte Carlo error")
    passing_draws: int | None
    stages: list[RoadStageOut]
    comparators: list[ComparatorOut]
    statement: str


class ViabilityFigureOut(BaseModel):
    key: str
    label: str
    text: str
    value: float | None
    unit: str
    year: str
    source: str


class ViabilityAreaOut(BaseModel):
    id: str
    title: str
    questions: list[str]
    figures: list[ViabilityFigureOut]
    status: str
    source: str


class HurdleOut(BaseModel):
    challenge: str
    explanation: str
    areas: list[str]
    source: str


class ViabilityOut(BaseModel):
    title: str
    source: str
    file: str
    areas: list[ViabilityAreaOut]
    hurdles: list[HurdleOut]
