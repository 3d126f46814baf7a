"""Staff accounts, signed-in sessions and the audit log of staff actions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from calexit.errors import InputError, NotFoundError, Problem
from calexit.portal.roles import Role
from calexit.store.models import (
    PortalRole,
    PortalSessionRow,
    PortalUserRow,
    StaffActionRow,
)
from calexit.store.portal_base import PortalBase, log_action
from calexit.store.portal_payloads import sha256_hex
from calexit.store.portal_records import StaffActionRecord, UserRecord
from calexit.store.times import from_db, to_utc


class PortalUsers(PortalBase):
    """Staff accounts and sessions; the audit log."""

    # -- staff accounts and sessions ------------------------------------------------

    def add_user(
        self,
        username: str,
        display_name: str,
        role: Role | str,
        password_hash: str,
        *,
        actor: str,
        now: datetime,
    ) -> int:
        """Create a staff account (the caller hashes the password); return its id."""
        row = PortalUserRow(
            username=username,
            display_name=display_name,
            role=PortalRole(Role(role).value),
            password_hash=password_hash,
            active=True,
            created_at=to_utc(now),
        )
        try:
            with self.session() as session:
                session.add(row)
                session.flush()
                log_action(
                    session, actor, "add-user", f"user/{username}", {"role": row.role.value}, now
                )
                return row.id
        except IntegrityError:
            raise InputError(
                "the account cannot be created",
                [Problem("that username is taken", key="username", value=username)],
            ) from None

    def set_user_active(self, username: str, active: bool, *, actor: str, now: datetime) -> None:
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            if row is None:
                raise NotFoundError(f"no staff account {username!r}")
            row.active = active
            if not active:
                session.execute(delete(PortalSessionRow).where(PortalSessionRow.user_id == row.id))
            log_action(
                session, actor, "set-user-active", f"user/{username}", {"active": active}, now
            )

    def user(self, username: str) -> UserRecord | None:
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            return None if row is None else _user(row)

    def users(self) -> list[UserRecord]:
        with self.session() as session:
            return [
                _user(r)
                for r in session.scalars(select(PortalUserRow).order_by(PortalUserRow.username))
            ]

    def set_password_hash(self, username: str, password_hash: str) -> None:
        """Replace a password hash (argon2 rehash on login when parameters change)."""
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            if row is not None:
                row.password_hash = password_hash

    def open_session(
        self, username: str, token: str, *, now: datetime, lifetime: timedelta
    ) -> None:
        """Record a signed-in session; only the token's SHA-256 is kept."""
        with self.session() as session:
            row = session.scalar(select(PortalUserRow).where(PortalUserRow.username == username))
            if row is None:
                raise NotFoundError(f"no staff account {username!r}")
            session.add(
                PortalSessionRow(
                    token_sha256=sha256_hex(token),
                    user_id=row.id,
                    created_at=to_utc(now),
                    expires_at=to_utc(now + lifetime),
                )
            )
            log_action(session, username, "sign-in", f"user/{username}", {}, now)

    def session_user(self, token: str, *, now: datetime) -> UserRecord | None:
        """The active user of an unexpired session, or ``None``."""
        query = (
            select(PortalUserRow, PortalSessionRow.expires_at)
            .join(PortalSessionRow, PortalSessionRow.user_id == PortalUserRow.id)
            .where(PortalSessionRow.token_sha256 == sha256_hex(token))
        )
        with self.session() as session:
            found = session.execute(query).first()
            if found is None:
                return None
            row, expires = found
            if from_db(expires) <= to_utc(now) or not row.active:
                return None
            return _user(row)

    def close_session(self, token: str, *, actor: str, now: datetime) -> None:
        with self.session() as session:
            session.execute(
                delete(PortalSessionRow).where(PortalSessionRow.token_sha256 == sha256_hex(token))
            )
            log_action(session, actor, "sign-out", f"user/{actor}", {}, now)

    def staff_actions(self, limit: int = 200) -> list[StaffActionRecord]:
        """The audit log, newest first."""
        query = select(StaffActionRow).order_by(StaffActionRow.id.desc()).limit(limit)
        with self.session() as session:
            return [
                StaffActionRecord(r.id, from_db(r.at), r.actor, r.action, r.target, dict(r.detail))
                for r in session.scalars(query)
            ]


def _user(row: PortalUserRow) -> UserRecord:
    return UserRecord(
        row.id, row.username, row.display_name, Role(row.role.value), row.password_hash, row.active
    )
