"""The whole road as dated milestones: petition, qualification, vote, audit, commission, reports.

Dates come from a pack's rules and the California calendar; dates the rules do not
fix (the filing day, the commission's first meeting) are inputs, marked as assumed
when a scenario supplies them. Given ``today``, each milestone is done, next or
ahead; nothing here reads the clock.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from calexit.petition.deadlines import latest_filing_dates, petition_deadlines
from calexit.reference.calendar import days_before
from calexit.rules.model import RulePack


class Status(StrEnum):
    DONE = "done"
    NEXT = "next"
    AHEAD = "ahead"
    UNDATED = "undated"


@dataclass(frozen=True)
class Step:
    stage: str
    title: str
    day: date | None
    source: str
    assumed: bool = False


@dataclass(frozen=True)
class TimelineEntry:
    step: Step
    status: Status
    days_left: int | None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def _petition_steps(pack: RulePack, filed: date | None) -> list[Step]:
    if pack.petition is None or pack.election is None:
        return []
    election = pack.election.date.value
    if filed is None:
        rules = pack.petition
        last_sample, last_full = latest_filing_dates(rules, election)
        deadline = days_before(election, rules.qualification_days_before_election.value)
        return [
            Step("petition", last_full.title, last_full.day, last_full.source),
            Step("petition", last_sample.title, last_sample.day, last_sample.source),
            Step(
                "petition",
                "Last day to qualify for the ballot (E-131)",
                deadline,
                rules.qualification_days_before_election.source,
            ),
        ]
    deadlines = petition_deadlines(pack.petition, election, filed)
    wanted = ("filed", "raw_count_due", "random_sample_due", "qualification_deadline")
    return [
        Step("petition", m.title, m.day, m.source, assumed=m.key == "filed")
        for m in deadlines.milestones
        if m.key in wanted
    ]


def _vote_steps(pack: RulePack) -> list[Step]:
    if pack.election is None:
        return []
    election = pack.election
    day = election.date.value
    steps = [Step("vote", f"Election day: {election.name}", day, election.date.source)]
    if election.county_canvass_days:
        rule = election.county_canvass_days
        steps.append(
            Step(
                "vote",
                "Counties complete the canvass",
                day + timedelta(days=rule.value),
                rule.source,
            )
        )
    if election.certification_days:
        rule = election.certification_days
        certified = day + timedelta(days=rule.value)
        steps.append(
            Step("vote", "Secretary of State certifies the result", certified, rule.source)
        )
        steps.append(
            Step(
                "audit",
                "Risk-limiting audit confirms the outcome before certification",
                certified,
                rule.source,
            )
        )
    return steps


def _commission_steps(pack: RulePack, first_meeting: date | None) -> list[Step]:
    commission = pack.commission
    if commission is None:
        return []
    source = commission.selection.source if commission.selection else commission.purpose.source
    steps = [
        Step(
            "commission",
            f"{commission.name}: first meeting",
            first_meeting,
            source,
            assumed=first_meeting is not None,
        )
    ]
    for label, rule in (
        ("Interim report due", commission.interim_report_months),
        ("Final report due", commission.final_report_months),
    ):
        if rule is not None:
            due = add_months(first_meeting, rule.value) if first_meeting else None
            steps.append(
                Step("reports", label, due, rule.source, assumed=first_meeting is not None)
            )
    return steps


def road_steps(
    pack: RulePack,
    *,
    filed: date | None = None,
    first_meeting: date | None = None,
    after: tuple[RulePack, ...] = (),
) -> list[Step]:
    """Every step of the pack's road, the later packs (``pack.road``) last and undated."""
    steps = [*_petition_steps(pack, filed), *_vote_steps(pack)]
    steps += _commission_steps(pack, first_meeting)
    for gate in pack.gates:
        steps.append(Step("road after", f"{gate.body} consents", None, gate.source))
    for later in after:
        steps.append(Step("road after", later.pack.title, None, later.pack.summary))
    return steps


def timeline(steps: list[Step], today: date) -> tuple[TimelineEntry, ...]:
    """Each step with its status on ``today``; the first dated step not yet past is next."""
    entries = []
    next_found = False
    for step in steps:
        if step.day is None:
            entries.append(TimelineEntry(step, Status.UNDATED, None))
            continue
        left = (step.day - today).days
        if left < 0:
            status = Status.DONE
        elif not next_found:
            status, next_found = Status.NEXT, True
        else:
            status = Status.AHEAD
        entries.append(TimelineEntry(step, status, left))
    return tuple(entries)
