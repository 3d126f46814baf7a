"""The store: calexit's database of rule packs, reference data, stage runs and audits.

SQLAlchemy 2 models (:mod:`calexit.store.models`) and Alembic migrations
(``calexit/store/migrations``) over a SQLite file by default, or PostgreSQL when
``CALEXIT_DATABASE_URL`` names one. :func:`open_store` migrates to the newest
schema before it returns a :class:`Store`.
"""

from __future__ import annotations

from calexit.store.audits import AuditRecord, AuditRoundError, RoundRecord
from calexit.store.commission import (
    LotteryRecord,
    LotteryStateError,
    NominatorEntry,
    NomineeEntry,
    NomineeRecord,
    SeatRecord,
)
from calexit.store.database import DATABASE_URL_VARIABLE, database_url_from, open_store
from calexit.store.models import (
    AuditKind,
    AuditStatus,
    LotteryStatus,
    RoundStatus,
    RunStatus,
    SeatRole,
    Stage,
)
from calexit.store.portal import (
    ActionRecord,
    AgendaItemRecord,
    CommentRecord,
    DocumentRecord,
    MeetingRecord,
    ParagraphRecord,
    PortalStateError,
    PortalStore,
    ReportRecord,
    SearchHit,
    StaffActionRecord,
    UserRecord,
    VoteRecord,
)
from calexit.store.repository import PackRecord, RunRecord, Store

__all__ = [
    "DATABASE_URL_VARIABLE",
    "ActionRecord",
    "AgendaItemRecord",
    "AuditKind",
    "AuditRecord",
    "AuditRoundError",
    "AuditStatus",
    "CommentRecord",
    "DocumentRecord",
    "LotteryRecord",
    "LotteryStateError",
    "LotteryStatus",
    "MeetingRecord",
    "NominatorEntry",
    "NomineeEntry",
    "NomineeRecord",
    "PackRecord",
    "ParagraphRecord",
    "PortalStateError",
    "PortalStore",
    "ReportRecord",
    "RoundRecord",
    "RoundStatus",
    "RunRecord",
    "RunStatus",
    "SearchHit",
    "SeatRecord",
    "SeatRole",
    "StaffActionRecord",
    "Stage",
    "Store",
    "UserRecord",
    "VoteRecord",
    "database_url_from",
    "open_store",
]
