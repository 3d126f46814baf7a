"""The petition's statutory timeline, from the filing date and the pack's rules.

Elections Code 9030(b): the raw count is due eight working days after filing;
9030(c)-(d): the Secretary of State notifies the counties at once and the random
sample is due 30 working days later; 9031(b): a full count, when ordered, is due
60 working days after that order; Cal. Const. art. II, sec. 8(c): the measure must
qualify at least 131 days before the election (E-131). Each step here assumes the
Secretary of State acts on the day the previous step is due, so the dates are the
latest the law allows, not the Secretary of State's own suggested calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from calexit.errors import InputError, Problem
from calexit.reference.calendar import add_working_days, days_before, latest_start
from calexit.rules.model import Petition


@dataclass(frozen=True)
class Milestone:
    """One dated step, with the rule that sets it."""

    key: str
    title: str
    day: date
    source: str


@dataclass(frozen=True)
class PetitionDeadlines:
    filed: date
    election: date
    milestones: tuple[Milestone, ...]

    def day(self, key: str) -> date:
        for milestone in self.milestones:
            if milestone.key == key:
                return milestone.day
        raise KeyError(key)

    @property
    def random_sample_in_time(self) -> bool:
        return self.day("random_sample_due") <= self.day("qualification_deadline")

    @property
    def full_count_in_time(self) -> bool:
        return self.day("full_count_due") <= self.day("qualification_deadline")


def latest_filing_dates(rules: Petition, election: date) -> tuple[Milestone, Milestone]:
    """The last filing days that leave room for the random sample, and for a full count."""
    deadline = days_before(election, rules.qualification_days_before_election.value)
    raw, sample = rules.raw_count_working_days.value, rules.random_sample_working_days.value
    full = rules.full_count_working_days.value
    for_sample = latest_start(latest_start(deadline, sample), raw)
    for_full = latest_start(latest_start(latest_start(deadline, full), sample), raw)
    return (
        Milestone(
            "last_filing_for_random_sample",
            "Last day to file if the random sample decides",
            for_sample,
            f"{rules.raw_count_working_days.source}; {rules.random_sample_working_days.source}",
        ),
        Milestone(
            "last_filing_for_full_count",
            "Last day to file if a full count is needed",
            for_full,
            rules.full_count_working_days.source,
        ),
    )


def petition_deadlines(
    rules: Petition, election: date, filed: date, summary_date: date | None = None
) -> PetitionDeadlines:
    """Every deadline of the petition timeline for sections filed on ``filed``."""
    problems = []
    steps: list[Milestone] = []
    if summary_date is not None:
        last = summary_date + timedelta(days=rules.circulation_days.value)
        steps.append(
            Milestone(
                "circulation_ends",
                "Last day to file petitions",
                last,
                rules.circulation_days.source,
            )
        )
        if filed > last:
            problems.append(
                Problem(
                    f"is after the last day to file ({last.isoformat()})",
                    key="filed",
                    value=filed.isoformat(),
                )
            )
    if filed >= election:
        problems.append(
            Problem("must be before the election day", key="filed", value=filed.isoformat())
        )
    if problems:
        raise InputError("the petition cannot be filed on that date", problems)
    raw = add_working_days(filed, rules.raw_count_working_days.value)
    sample = add_working_days(raw, rules.random_sample_working_days.value)
    full = add_working_days(sample, rules.full_count_working_days.value)
    deadline = days_before(election, rules.qualification_days_before_election.value)
    steps += [
        Milestone("filed", "Petition sections filed with the counties", filed, "filing date given"),
        Milestone(
            "raw_count_due",
            "Counties report the raw count",
            raw,
            rules.raw_count_working_days.source,
        ),
        Milestone(
            "random_sample_due",
            "Counties certify the random sample",
            sample,
            rules.random_sample_working_days.source,
        ),
        Milestone(
            "full_count_due",
            "Counties finish a full count, if one is ordered",
            full,
            rules.full_count_working_days.source,
        ),
        *latest_filing_dates(rules, election),
        Milestone(
            "qualification_deadline",
            "Last day to qualify for the ballot (E-131)",
            deadline,
            rules.qualification_days_before_election.source,
        ),
    ]
    ordered = tuple(sorted(steps, key=lambda m: m.day))
    return PetitionDeadlines(filed=filed, election=election, milestones=ordered)
