"""Meeting notice under the Bagley-Keene Open Meeting Act (Government Code 11120-11132).

- A **regular** meeting's notice and agenda are posted at least 10 days before the
  meeting (Gov. Code 11125(a)).
- A **special** meeting needs at least 48 hours' notice (Gov. Code 11125.4(a)).
- An **emergency** meeting (Gov. Code 11125.5) may be held without the usual notice,
  but only on a finding of an emergency situation (work stoppage, crippling disaster or
  other activity that severely impairs public health or safety); the findings are
  recorded and published with the meeting. The portal asks for at least one hour's
  notice, the period 11125.5(c) sets for notifying the media.
- Each agenda item carries "a brief general description", which "generally need not
  exceed 20 words" (Gov. Code 11125(b)): longer descriptions are warned about, and
  descriptions beyond :data:`DESCRIPTION_MAX_WORDS` words are refused.

Nothing here reads the clock: callers pass the time of posting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from calexit.errors import InputError, Problem

REGULAR_NOTICE = timedelta(days=10)
SPECIAL_NOTICE = timedelta(hours=48)
EMERGENCY_NOTICE = timedelta(hours=1)
DESCRIPTION_WORDS = 20
DESCRIPTION_MAX_WORDS = 60
FINDINGS_MIN_CHARS = 20


class MeetingKind(StrEnum):
    """The three kinds of meeting Bagley-Keene distinguishes by notice."""

    REGULAR = "regular"
    SPECIAL = "special"
    EMERGENCY = "emergency"


SOURCES: dict[MeetingKind, str] = {
    MeetingKind.REGULAR: "Gov. Code 11125(a): notice at least 10 days before the meeting",
    MeetingKind.SPECIAL: "Gov. Code 11125.4(a): notice at least 48 hours before the meeting",
    MeetingKind.EMERGENCY: "Gov. Code 11125.5: emergency meeting on recorded findings",
}


class NoticeError(InputError):
    """A notice posted too late, or an emergency meeting without findings."""


@dataclass(frozen=True)
class NoticeCheck:
    """A notice that may be posted: when the meeting is, the period and how much is left."""

    kind: MeetingKind
    posted_at: datetime
    starts_at: datetime
    required: timedelta
    source: str

    @property
    def lead(self) -> timedelta:
        """How long before the meeting the notice goes up."""
        return self.starts_at - self.posted_at

    @property
    def deadline(self) -> datetime:
        """The last moment the notice could have been posted."""
        return self.starts_at - self.required


def notice_period(kind: MeetingKind) -> timedelta:
    """The minimum time between posting the notice and the meeting."""
    return {
        MeetingKind.REGULAR: REGULAR_NOTICE,
        MeetingKind.SPECIAL: SPECIAL_NOTICE,
        MeetingKind.EMERGENCY: EMERGENCY_NOTICE,
    }[kind]


def _hours(period: timedelta) -> str:
    hours = period.total_seconds() / 3600
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} days"
    return f"{hours:.0f} hours" if hours >= 1 else f"{period.total_seconds() / 60:.0f} minutes"


def check_notice(
    kind: MeetingKind | str,
    *,
    posted_at: datetime,
    starts_at: datetime,
    findings: str = "",
) -> NoticeCheck:
    """Check a notice posted at ``posted_at`` for a meeting at ``starts_at``.

    Raises :class:`NoticeError` naming the statute when the notice is late, when the
    meeting is in the past, or when an emergency meeting comes without findings.
    """
    kind = MeetingKind(kind)
    required = notice_period(kind)
    problems: list[Problem] = []
    lead = starts_at - posted_at
    if lead < required:
        deadline = (starts_at - required).isoformat(timespec="minutes")
        given = "after the meeting started" if lead.total_seconds() < 0 else _hours(lead)
        problems.append(
            Problem(
                f"a {kind.value} meeting needs notice at least {_hours(required)} ahead "
                f"({SOURCES[kind]}); this notice would be posted {given} before it "
                f"(latest posting: {deadline})"
                if lead.total_seconds() >= 0
                else f"the meeting starts before the notice would be posted ({SOURCES[kind]})",
                key="starts_at",
                value=starts_at.isoformat(timespec="minutes"),
            )
        )
    if kind is MeetingKind.EMERGENCY and len(findings.strip()) < FINDINGS_MIN_CHARS:
        problems.append(
            Problem(
                "an emergency meeting needs written findings of the emergency situation "
                f"(Gov. Code 11125.5(a)-(b)), at least {FINDINGS_MIN_CHARS} characters",
                key="findings",
            )
        )
    if problems:
        raise NoticeError("the notice cannot be published", problems)
    return NoticeCheck(kind, posted_at, starts_at, required, SOURCES[kind])


def word_count(text: str) -> int:
    return len(text.split())


def description_warnings(description: str) -> list[str]:
    """Warnings for an agenda item description (Gov. Code 11125(b): about 20 words)."""
    words = word_count(description)
    if words > DESCRIPTION_WORDS:
        return [
            f"the description has {words} words; Gov. Code 11125(b) expects a brief "
            f"general description that generally need not exceed {DESCRIPTION_WORDS} words"
        ]
    return []


def check_description(description: str, *, key: str = "description") -> list[Problem]:
    """Problems with an agenda item description: empty, or far beyond 20 words."""
    words = word_count(description)
    if words == 0:
        return [Problem("an agenda item needs a brief general description", key=key)]
    if words > DESCRIPTION_MAX_WORDS:
        return [
            Problem(
                f"the description has {words} words; keep it brief (about "
                f"{DESCRIPTION_WORDS} words, Gov. Code 11125(b); at most "
                f"{DESCRIPTION_MAX_WORDS}) and put details in a material",
                key=key,
            )
        ]
    return []
