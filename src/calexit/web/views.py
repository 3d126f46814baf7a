"""What each page and API answer shows, built from the store once for both."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from calexit.files.pathway_results import REGISTER_NAME, shipped_register
from calexit.portal.budget import burn
from calexit.portal.chain import Link, verify_chain
from calexit.portal.deadlines import report_countdown
from calexit.portal.moderation import CommentStatus, TargetKind
from calexit.portal.notice import description_warnings, word_count
from calexit.store import (
    AgendaItemRecord,
    CommentRecord,
    DocumentRecord,
    MeetingRecord,
    ReportRecord,
    RunRecord,
    Stage,
)
from calexit.store.portal import first_meeting_day
from calexit.timeline import road_steps, timeline
from calexit.web.app import Portal
from calexit.web.schemas import (
    ActionOut,
    AgendaItemOut,
    BudgetLineOut,
    BudgetOut,
    CategoryOut,
    CommentOut,
    CommentsOut,
    CommissionOut,
    ComparatorOut,
    CountdownOut,
    DocumentOut,
    DocumentSummary,
    HurdleOut,
    LinkOut,
    MeetingOut,
    MeetingSummary,
    MemberOut,
    MonthOut,
    ParagraphOut,
    RecordOut,
    ReportOut,
    RoadOut,
    RoadStageOut,
    StageOut,
    StatusOut,
    TimelineStep,
    ViabilityAreaOut,
    ViabilityFigureOut,
    ViabilityOut,
    VoteOut,
)

VERIFY_DRAW = "calexit commission verify-draw BUNDLE_DIR"


def meeting_summary(meeting: MeetingRecord) -> MeetingSummary:
    lead = meeting.starts_at - meeting.notice_posted_at
    return MeetingSummary(
        id=meeting.id,
        title=meeting.title,
        kind=meeting.kind.value,
        starts_at=meeting.starts_at,
        location=meeting.location,
        notice_posted_at=meeting.notice_posted_at,
        notice_days_ahead=round(lead.total_seconds() / 86400, 2),
        findings=meeting.findings,
        has_minutes=meeting.minutes is not None,
        url=f"/meetings/{meeting.id}",
    )


def status(portal: Portal) -> StatusOut:
    today = portal.now().date()
    rules = portal.pack.rules
    meetings = portal.store.meetings()
    first = first_meeting_day(meetings)
    steps = road_steps(rules, first_meeting=first, after=tuple(r.rules for r in portal.road))
    countdowns = []
    if rules.commission is not None:
        for label, rule in (
            ("Interim report", rules.commission.interim_report_months),
            ("Final report", rules.commission.final_report_months),
        ):
            if rule is not None:
                c = report_countdown(label, rule.value, first, today, rule.source)
                countdowns.append(
                    CountdownOut(
                        label=label,
                        months=c.months,
                        due=c.due,
                        days_left=c.days_left,
                        overdue=c.overdue,
                        text=c.describe(),
                        source=c.source,
                    )
                )
    upcoming = [m for m in meetings if m.starts_at >= portal.now()]
    record_links, record_head = portal.store.record_head()
    return StatusOut(
        today=today,
        pack=rules.id,
        question=rules.measure.question.value if rules.measure else None,
        steps=[
            TimelineStep(
                stage=e.step.stage,
                title=e.step.title,
                day=e.step.day,
                status=e.status.value,
                days_left=e.days_left,
                source=e.step.source,
                assumed=e.step.assumed,
            )
            for e in timeline(steps, today)
        ],
        countdowns=countdowns,
        next_meeting=meeting_summary(upcoming[0]) if upcoming else None,
        record_links=record_links,
        record_head=record_head,
    )


def _accepted_counts(portal: Portal, kind: TargetKind) -> dict[int, int]:
    return portal.store.comments_per_target(kind, CommentStatus.ACCEPTED)


def agenda_item(item: AgendaItemRecord, accepted: int) -> AgendaItemOut:
    return AgendaItemOut(
        id=item.id,
        meeting_id=item.meeting_id,
        position=item.position,
        title=item.title,
        description=item.description,
        words=word_count(item.description),
        warnings=description_warnings(item.description),
        comments_accepted=accepted,
        url=f"/items/{item.id}",
    )


def document_summary(doc: DocumentRecord) -> DocumentSummary:
    return DocumentSummary(
        slug=doc.slug,
        title=doc.title,
        kind=doc.kind,
        version=doc.version,
        sha256=doc.sha256,
        published_at=doc.published_at,
        meeting_id=doc.meeting_id,
        url=f"/documents/{doc.slug}",
    )


def document_out(portal: Portal, doc: DocumentRecord) -> DocumentOut:
    versions = [d.version for d in portal.store.document_versions(doc.slug)]
    return DocumentOut(
        **document_summary(doc).model_dump(), body=doc.body, note=doc.note, versions=versions
    )


def meeting_out(portal: Portal, meeting_id: int) -> MeetingOut:
    store = portal.store
    meeting = store.meeting(meeting_id)
    counts = _accepted_counts(portal, TargetKind.AGENDA_ITEM)
    return MeetingOut(
        meeting=meeting_summary(meeting),
        agenda=[agenda_item(i, counts.get(i.id, 0)) for i in store.agenda(meeting_id)],
        materials=[document_summary(d) for d in store.documents(meeting_id=meeting_id)],
        minutes=meeting.minutes,
        minutes_published_at=meeting.minutes_published_at,
        recording_url=meeting.recording_url,
        actions=[
            ActionOut(
                id=a.id,
                agenda_item_id=a.agenda_item_id,
                motion=a.motion,
                result=a.result,
                recorded_at=a.recorded_at,
                votes=[VoteOut(member=v.member, vote=v.vote) for v in a.votes],
            )
            for a in store.actions(meeting_id)
        ],
    )


def comment_out(comment: CommentRecord) -> CommentOut:
    rejected = comment.status is CommentStatus.REJECTED
    return CommentOut(
        id=comment.id,
        target=f"{comment.target_kind.value}/{comment.target_id}",
        author=comment.author,
        body=None if rejected else comment.body,
        status=comment.status.value,
        category=comment.category,
        reason=comment.reason,
        submitted_at=comment.submitted_at,
        moderated_at=comment.moderated_at,
    )


def public_comments(
    portal: Portal, kind: TargetKind | None = None, target: int | None = None
) -> CommentsOut:
    """Accepted comments in full and rejected ones with their reason; pending ones counted."""
    shown = portal.store.comments(target_kind=kind, target_id=target, moderated_only=True)
    counts = portal.store.comment_counts(target_kind=kind, target_id=target)
    return CommentsOut(counts=counts, comments=[comment_out(c) for c in shown])


def report_out(portal: Portal, report: ReportRecord) -> ReportOut:
    counts = _accepted_counts(portal, TargetKind.PARAGRAPH)
    return ReportOut(
        id=report.id,
        kind=report.kind,
        title=report.title,
        status=report.status,
        published_at=report.published_at,
        paragraphs=[
            ParagraphOut(
                id=p.id,
                position=p.position,
                body=p.body,
                comments_accepted=counts.get(p.id, 0),
                url=f"/paragraphs/{p.id}",
            )
            for p in report.paragraphs
        ],
    )


def _not_run(stage: str) -> StageOut:
    return StageOut(
        stage=stage,
        ran=False,
        run_id=None,
        status=None,
        finished_at=None,
        outcome=None,
        headline=f"The {stage} stage has not been run yet.",
        figures={},
        counties=[],
        audit=None,
        bundle=None,
    )


def _run_basics(run: RunRecord) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "status": run.status.value,
        "finished_at": run.finished_at,
    }


def petition(portal: Portal) -> StageOut:
    run = portal.store.latest_run(Stage.PETITION)
    if run is None or run.summary is None:
        return _not_run("petition")
    s = run.summary
    outcome = s.get("outcome")
    figures: dict[str, Any] = {
        k: s[k]
        for k in ("required", "raw_total", "projected", "qualify_line", "fail_line", "seed")
        if k in s
    }
    if "scaled_requirement" in s:
        figures["scaled_requirement"] = s["scaled_requirement"]
    headline = f"Qualification decision: {outcome}." if outcome else "The petition run finished."
    counties = [dict(row) for row in s.get("counties", []) if isinstance(row, dict)]
    return StageOut(
        stage="petition",
        ran=True,
        outcome=outcome,
        headline=headline,
        figures=figures,
        counties=counties,
        audit={
            "full_count": s.get("full_count"),
            "reasons": s.get("reasons"),
            "bundle_checks_passed": s.get("bundle_checks_passed"),
        },
        bundle=s.get("bundle"),
        **_run_basics(run),
    )


def vote(portal: Portal) -> StageOut:
    run = portal.store.latest_run(Stage.VOTE)
    if run is None or run.summary is None:
        return _not_run("vote")
    s = run.summary
    audit_info: dict[str, Any] | None = None
    statewide: dict[str, Any] = dict(s.get("statewide") or {})
    audit_id = s.get("audit")
    if isinstance(audit_id, int):
        try:
            audit = portal.store.audit(audit_id)
        except Exception:
            audit = None
        if audit is not None:
            rounds = portal.store.rounds(audit_id)
            audit_info = {
                "id": audit.id,
                "kind": audit.kind.value,
                "risk_limit": str(audit.risk_limit),
                "seed": audit.seed,
                "status": audit.status.value,
                "rounds": [
                    {
                        "round": r.number,
                        "cards": r.sample_size,
                        "status": r.status.value,
                        "risks": r.risks,
                    }
                    for r in rounds
                ],
                "manifest_sha256": audit.manifest_sha256,
                "download": "/data/vote-audit.json",
            }
            statewide = statewide or dict(audit.reported.get("statewide") or {})
    elif s.get("audit_status"):
        audit_info = {"status": s.get("audit_status")}
    figures: dict[str, Any] = {
        k: v for k, v in statewide.items() if isinstance(v, int | float | str)
    }
    conditions = s.get("conditions")
    if isinstance(conditions, list):
        for c in conditions:
            if isinstance(c, dict) and "name" in c:
                figures[f"condition: {c['name']}"] = "passed" if c.get("passed") else "not met"
    outcome = s.get("outcome")
    conclusion = f" Audit: {audit_info['status']}." if audit_info else ""
    return StageOut(
        stage="vote",
        ran=True,
        outcome=outcome,
        headline=f"Outcome: {outcome}.{conclusion}" if outcome else "The vote run finished.",
        figures=figures,
        counties=[dict(row) for row in s.get("counties", []) if isinstance(row, dict)],
        audit=audit_info,
        bundle=s.get("bundle"),
        **_run_basics(run),
    )


@lru_cache(maxsize=4)
def _parsed_csv(text: str) -> tuple[dict[str, str], ...]:
    """A bundle file's rows, parsed once per content (a page asks for them on every view;
    callers only read them)."""
    return tuple(csv.DictReader(io.StringIO(text)))


def commission(
    portal: Portal, *, everyone: bool = True, alternates: int | None = None
) -> CommissionOut:
    """The draw, members and alternates (the first ``alternates`` of them, or all); with
    ``everyone``, every nominee's probability. The API and open data take everything; the
    page shows the first alternates and links to the rest rather than listing thousands."""
    store = portal.store
    lottery = store.latest_lottery()
    if lottery is None:
        return CommissionOut(
            drawn=False,
            lottery_id=None,
            algorithm=None,
            panel_size=None,
            panels=None,
            pool_size=None,
            min_probability=None,
            commitment=None,
            seed=None,
            drawn_index=None,
            members=[],
            alternates=[],
            probabilities=[],
            bundle_files=[],
            verify_command=VERIFY_DRAW,
        )
    names = store.bundle_file_names(lottery.id)
    files = store.bundle_files(lottery.id, ("pool.csv", "probabilities.csv"))
    pool = {row.get("id", ""): row for row in _parsed_csv(files.get("pool.csv", ""))}
    probabilities = _parsed_csv(files.get("probabilities.csv", ""))
    chance = {}
    for row in probabilities:
        try:
            chance[row.get("id", "")] = float(row.get("lottery_probability", "nan"))
        except ValueError:
            continue
    seats = (
        store.seats(lottery.id, alternates=alternates) if lottery.status.value == "drawn" else []
    )

    def member(seat: Any) -> MemberOut:
        features = {
            k: v
            for k, v in pool.get(seat.person_id, {}).items()
            if k not in ("id", "household") and v
        }
        return MemberOut(
            person_id=seat.person_id,
            role=seat.role.value,
            position=seat.position,
            features=features,
            probability=chance.get(seat.person_id),
            replaces=seat.replaces,
            sitting=seat.sitting,
        )

    return CommissionOut(
        drawn=lottery.status.value == "drawn",
        lottery_id=lottery.id,
        algorithm=lottery.algorithm,
        panel_size=lottery.panel_size,
        panels=lottery.m,
        pool_size=lottery.pool_size,
        min_probability=lottery.min_probability,
        commitment=lottery.commitment,
        seed=lottery.seed,
        drawn_index=lottery.drawn_index,
        members=[member(s) for s in seats if s.role.value == "member"],
        alternates=[
            member(seat)
            for seat in [seat for seat in seats if seat.role.value == "alternate"][:alternates]
        ],
        probabilities=[dict(r) for r in probabilities] if everyone else [],
        bundle_files=names,
        verify_command=VERIFY_DRAW,
    )


def budget(portal: Portal) -> BudgetOut:
    rules = portal.pack.rules.commission
    default = 0
    source = "no appropriation recorded"
    if rules is not None and rules.annual_budget_usd is not None:
        default = rules.annual_budget_usd.value * 100
        source = rules.annual_budget_usd.source
    lines = portal.store.budget_lines()
    result = burn(lines, default_appropriation=default)
    if any(line.kind.value == "appropriation" for line in lines):
        source = "appropriations recorded by the commission's staff"
    return BudgetOut(
        appropriated_cents=result.appropriated,
        spent_cents=result.spent,
        remaining_cents=result.remaining,
        share_spent=round(result.share_spent, 6),
        monthly_rate_cents=result.monthly_rate,
        runway_months=None if result.runway_months is None else round(result.runway_months, 1),
        by_category=[CategoryOut(category=k, cents=v) for k, v in result.by_category.items()],
        months=[MonthOut(month=m, cumulative_cents=c) for m, c in result.months],
        lines=[
            BudgetLineOut(
                day=x.day,
                kind=x.kind.value,
                category=x.category,
                description=x.description,
                cents=x.cents,
            )
            for x in lines
        ],
        source=source,
    )


def record(portal: Portal, links: Sequence[Link] | None = None) -> RecordOut:
    links = portal.store.record() if links is None else links
    check = verify_chain(links)
    return RecordOut(
        algorithm="sha256(canonical_json({seq, kind, ref, published_at, payload, prev}))",
        links=[LinkOut(**link.as_json()) for link in links],
        head=check.head if check.ok else "",
        ok=check.ok,
        broken_at=check.broken_at,
        reason=check.reason,
    )


PATHWAY_COMMAND = "calexit pathway run --pack calexit-2028 --scenario FILE"


def probability_text(value: object) -> str:
    """A stored probability as a percentage with no more digits than were stored.

    The run stores each probability already rounded to its Monte Carlo error (0.172,
    0.41); the percentage moves the decimal point and adds nothing (17.2%, 41%). Text
    is shown as it is.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    try:
        percent = (Decimal(str(value)) * 100).normalize()
    except InvalidOperation:
        return "—"
    return f"{percent:f}%"


def _statement(scenario: list[str]) -> str:
    files = f"the scenario file {', '.join(scenario)}" if scenario else "a scenario file"
    return (
        "A tool for reasoning, not a forecast: these are the chances that follow from the "
        f"assumptions in {files}, each with its source; change the file "
        "and the numbers change. Nothing is shown with more precision than the Monte Carlo "
        f"error supports. Every assumption: {PATHWAY_COMMAND}."
    )


def _mapping(value: object) -> dict[str, Any]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def road(portal: Portal) -> RoadOut:
    """The latest stored pathway run: the road's chance, each stage's, the comparators."""
    run = portal.store.latest_run(Stage.PATHWAY)
    if run is None or not isinstance(run.summary, dict):
        return RoadOut(
            ran=False,
            run_id=None,
            finished_at=None,
            pack=None,
            scenario=[],
            draws=None,
            seed=None,
            road=None,
            passing_draws=None,
            stages=[],
            comparators=[],
            statement=_statement([]),
        )
    s = run.summary
    scenario = [str(f) for f in s.get("scenario", []) if isinstance(f, str)]
    whole, stages, comparators = (_mapping(s.get(k)) for k in ("road", "stages", "comparators"))
    stage_rows = []
    for name, value in stages.items():
        stored = value if isinstance(value, int | float | str) else None
        stage_rows.append(
            RoadStageOut(stage=str(name), probability=stored, text=probability_text(value))
        )
    comparator_rows = []
    for pack, info in comparators.items():
        if not isinstance(info, dict):
            continue
        chance = info.get("probability")
        passed = info.get("historical_passed")
        comparator_rows.append(
            ComparatorOut(
                pack=str(pack),
                road=str(info.get("road") or probability_text(chance)),
                probability=chance if isinstance(chance, int | float) else None,
                historical_passed=passed if isinstance(passed, bool) else None,
            )
        )
    display = whole.get("display")
    return RoadOut(
        ran=True,
        run_id=run.id,
        finished_at=run.finished_at,
        pack=str(s.get("pack") or run.pack_id),
        scenario=scenario,
        draws=_int_or_none(s.get("draws")),
        seed=_int_or_none(s.get("seed")),
        road=str(display) if display is not None else None,
        passing_draws=_int_or_none(whole.get("passing_draws")),
        stages=stage_rows,
        comparators=comparator_rows,
        statement=_statement(scenario),
    )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@lru_cache(maxsize=1)
def viability() -> ViabilityOut:
    """The commission's viability register (shipped data: read once)."""
    register = shipped_register()
    return ViabilityOut(
        title=register.title,
        source=register.source,
        file=f"calexit/pathway/data/{REGISTER_NAME}",
        areas=[
            ViabilityAreaOut(
                id=a.id,
                title=a.title,
                questions=list(a.questions),
                figures=[
                    ViabilityFigureOut(
                        key=f.key,
                        label=f.label,
                        text=f.text,
                        value=_number(f.fact.value),
                        unit=f.fact.unit,
                        year=f.fact.year,
                        source=f.fact.source,
                    )
                    for f in a.figures
                ],
                status=a.status.value,
                source=a.source,
            )
            for a in register.areas
        ],
        hurdles=[
            HurdleOut(
                challenge=h.challenge,
                explanation=h.explanation,
                areas=list(h.areas),
                source=h.source,
            )
            for h in register.hurdles
        ],
    )
