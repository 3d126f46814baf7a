"""Public comment and its moderation: open to all, pseudonyms welcome, criticism never hidden.

Anyone may comment on an agenda item or a paragraph of a draft report without signing
in; a name is optional and a pseudonym is accepted (Gov. Code 11124: no one may be
required to register or give their name to attend). A moderator may reject a comment
only for one of :class:`RejectReason` (spam, abuse, off-topic) and must write why.
Disagreement with, or criticism of, the commission is never a reason: there is no such
category, and a rejected comment stays listed, with its category and reason, and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from calexit.errors import InputError, Problem

AUTHOR_MAX = 80
BODY_MAX = 4000
BODY_MIN = 2
REASON_MIN = 5
REASON_MAX = 500
ANONYMOUS = "Anonymous"


class CommentStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RejectReason(StrEnum):
    """The only grounds for rejecting a comment; criticism is not among them."""

    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off-topic"


REASON_TEXT: dict[RejectReason, str] = {
    RejectReason.SPAM: "advertising, repeated or automated posting",
    RejectReason.ABUSE: "threats, harassment or personal data of others",
    RejectReason.OFF_TOPIC: "not about the item or paragraph it was posted on",
}


class TargetKind(StrEnum):
    """What a comment is about."""

    AGENDA_ITEM = "agenda-item"
    PARAGRAPH = "paragraph"


@dataclass(frozen=True)
class CommentDraft:
    """A comment as it will be stored: author (pseudonym or "Anonymous") and body."""

    author: str
    body: str


def _printable(text: str) -> bool:
    return all(ch.isprintable() or ch in "\n\r\t" for ch in text)


def check_comment(author: str, body: str) -> CommentDraft:
    """Validate a public comment; :class:`InputError` lists every problem at once."""
    author, body = author.strip(), body.strip()
    problems: list[Problem] = []
    if len(author) > AUTHOR_MAX:
        problems.append(Problem(f"the name is longer than {AUTHOR_MAX} characters", key="author"))
    if not _printable(author) or "\n" in author:
        problems.append(Problem("the name contains control characters", key="author"))
    if len(body) < BODY_MIN:
        problems.append(Problem("the comment is empty", key="body"))
    if len(body) > BODY_MAX:
        problems.append(
            Problem(f"the comment is longer than {BODY_MAX} characters ({len(body)})", key="body")
        )
    if not _printable(body):
        problems.append(Problem("the comment contains control characters", key="body"))
    if problems:
        raise InputError("the comment cannot be accepted", problems)
    return CommentDraft(author or ANONYMOUS, body)


@dataclass(frozen=True)
class Decision:
    """A moderator's decision: accept, or reject with a category and a written reason."""

    status: CommentStatus
    category: RejectReason | None
    reason: str


def decide(action: str, category: str = "", reason: str = "") -> Decision:
    """Turn a moderator's form into a :class:`Decision`, or :class:`InputError`.

    ``action`` is "accept" or "reject"; a rejection needs one of the categories and a
    reason of at least :data:`REASON_MIN` characters, which will be published.
    """
    reason = reason.strip()
    if action == "accept":
        return Decision(CommentStatus.ACCEPTED, None, "")
    if action != "reject":
        raise InputError(
            "unknown moderation action",
            [Problem("use accept or reject", key="action", value=action)],
        )
    problems: list[Problem] = []
    allowed = ", ".join(r.value for r in RejectReason)
    try:
        kind: RejectReason | None = RejectReason(category)
    except ValueError:
        kind = None
        problems.append(
            Problem(
                f"a comment may be rejected only as {allowed}; criticism of the commission "
                "is never a reason to reject",
                key="category",
                value=category,
            )
        )
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        problems.append(
            Problem(
                f"write the reason (published with the comment), {REASON_MIN} to "
                f"{REASON_MAX} characters",
                key="reason",
            )
        )
    if problems or kind is None:
        raise InputError("the comment cannot be rejected so", problems)
    return Decision(CommentStatus.REJECTED, kind, reason)
