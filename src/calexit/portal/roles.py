"""Staff roles and what each may do.

- **clerk**: meetings, notices, agendas, materials, minutes, actions and votes,
  documents and draft reports;
- **moderator**: the comment queue;
- **commissioner**: reads the staff pages (queue, audit log); votes are recorded by
  the clerk from the meeting, where they are cast in public (Gov. Code 11123);
- **admin**: users and the budget, and everything else.

There is deliberately no messaging between commissioners: a chain of private
communications among a majority about commission business would be a serial meeting,
which Bagley-Keene forbids (Gov. Code 11122.5(b)). Deliberation happens in meetings.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    MODERATOR = "moderator"
    COMMISSIONER = "commissioner"
    ADMIN = "admin"


class Permission(StrEnum):
    VIEW_STAFF = "view-staff"
    MANAGE_MEETINGS = "manage-meetings"
    MANAGE_DOCUMENTS = "manage-documents"
    MODERATE = "moderate"
    MANAGE_USERS = "manage-users"
    MANAGE_BUDGET = "manage-budget"
    VIEW_AUDIT_LOG = "view-audit-log"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: frozenset(
        {
            Permission.VIEW_STAFF,
            Permission.MANAGE_MEETINGS,
            Permission.MANAGE_DOCUMENTS,
            Permission.VIEW_AUDIT_LOG,
        }
    ),
    Role.MODERATOR: frozenset({Permission.VIEW_STAFF, Permission.MODERATE}),
    Role.COMMISSIONER: frozenset({Permission.VIEW_STAFF, Permission.VIEW_AUDIT_LOG}),
    Role.ADMIN: frozenset(Permission),
}


def can(role: Role | str, permission: Permission) -> bool:
    """Whether ``role`` holds ``permission``; an unknown role holds none."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
