"""Times in and out of the store: timezone-aware UTC on both backends.

SQLite keeps no offset, so the store converts every time to UTC on the way in
and marks UTC on the way out; PostgreSQL returns the session's zone, converted.
"""

from __future__ import annotations

from datetime import UTC, datetime


def to_utc(now: datetime) -> datetime:
    """``now`` in UTC; a naive time is refused, since its zone cannot be known."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"time {now.isoformat()} has no time zone; pass an aware datetime")
    return now.astimezone(UTC)


def from_db(value: datetime) -> datetime:
    """A time read back: SQLite returns naive UTC, PostgreSQL the session's zone."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
