"""The base of the portal mixins: their transaction, the chain append and the audit log.

Every method that publishes something appends a link to the public record's hash chain
(:mod:`calexit.portal.chain`) in the same transaction, and every staff method writes a
row of the audit log there too, so neither can be left out by a caller.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from calexit.portal.chain import Link, canonical_json, next_link
from calexit.store.models import (
    RecordLinkRow,
    StaffActionRow,
)
from calexit.store.portal_payloads import iso_utc
from calexit.store.times import to_utc


class PortalBase:
    """What every portal mixin shares: the transaction :class:`Store` provides."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover
        """One transaction; :meth:`calexit.store.repository.Store.session` provides it."""
        raise NotImplementedError


def append_link(session: Session, kind: str, ref: str, payload: Any, now: datetime) -> Link:
    """Append a link after the current head, in the caller's transaction.

    On PostgreSQL an advisory transaction lock serialises appenders; on SQLite the
    caller has already written in this transaction, so it holds the write lock.
    """
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(6011)"))
    head = session.scalar(select(RecordLinkRow).order_by(RecordLinkRow.seq.desc()).limit(1))
    link = next_link(None if head is None else link_of_row(head), kind, ref, iso_utc(now), payload)
    session.add(
        RecordLinkRow(
            seq=link.seq,
            kind=link.kind,
            ref=link.ref,
            published_at=link.published_at,
            payload=canonical_json(link.payload),
            prev=link.prev,
            hash=link.hash,
        )
    )
    session.flush()
    return link


def link_of_row(row: RecordLinkRow) -> Link:
    return Link(
        row.seq, row.kind, row.ref, row.published_at, json.loads(row.payload), row.prev, row.hash
    )


def log_action(
    session: Session, actor: str, action: str, target: str, detail: Mapping[str, Any], now: datetime
) -> None:
    session.add(
        StaffActionRow(
            at=to_utc(now),
            actor=actor,
            action=action,
            target=target,
            detail=json.loads(json.dumps(dict(detail), default=str)),
        )
    )
