"""The public portal in the store: meetings, documents, reports, comments, budget, staff.

:class:`PortalStore` is composed of one mixin per concern, each in its own module:

* :mod:`calexit.store.portal_users`: staff accounts, sessions, the audit log;
* :mod:`calexit.store.portal_meetings`: meetings, notice and agenda, minutes, actions;
* :mod:`calexit.store.portal_documents`: versioned documents and full-text search;
* :mod:`calexit.store.portal_comments`: draft reports and moderated public comments;
* :mod:`calexit.store.portal_budget`: budget lines;
* :mod:`calexit.store.portal_public_record`: the hash chain of the public record and drift.

Every method that publishes something appends a link to the public record's hash chain
(:mod:`calexit.portal.chain`) in the same transaction, and every staff method writes a
row of the audit log there too (:mod:`calexit.store.portal_base`), so neither can be left
out by a caller. The records returned live in :mod:`calexit.store.portal_records`.
:class:`~calexit.store.repository.Store` inherits these methods.
"""

from __future__ import annotations

from calexit.store.portal_budget import PortalBudget
from calexit.store.portal_comments import PortalComments
from calexit.store.portal_documents import PortalDocuments
from calexit.store.portal_meetings import PortalMeetings
from calexit.store.portal_public_record import PortalRecord
from calexit.store.portal_records import (
    DOCUMENT_KINDS,
    REPORT_KINDS,
    VOTES,
    ActionRecord,
    AgendaItemRecord,
    CommentRecord,
    DocumentRecord,
    MeetingRecord,
    ParagraphRecord,
    PortalStateError,
    ReportRecord,
    SearchHit,
    StaffActionRecord,
    UserRecord,
    VoteRecord,
    first_meeting_day,
)
from calexit.store.portal_users import PortalUsers

__all__ = [
    "DOCUMENT_KINDS",
    "REPORT_KINDS",
    "VOTES",
    "ActionRecord",
    "AgendaItemRecord",
    "CommentRecord",
    "DocumentRecord",
    "MeetingRecord",
    "ParagraphRecord",
    "PortalStateError",
    "PortalStore",
    "ReportRecord",
    "SearchHit",
    "StaffActionRecord",
    "UserRecord",
    "VoteRecord",
    "first_meeting_day",
]


class PortalStore(
    PortalUsers, PortalMeetings, PortalDocuments, PortalComments, PortalBudget, PortalRecord
):
    """The portal methods of :class:`~calexit.store.repository.Store` (a mixin of mixins)."""
