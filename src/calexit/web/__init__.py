"""The public portal: FastAPI with server-rendered Jinja2 pages, open data and a JSON API.

:func:`~calexit.web.app.create_app` builds the application over a store. Pages work
without JavaScript; every list is also CSV and JSON; ``/api/`` is described by
``/openapi.json``; staff sign in with argon2-hashed passwords to database-backed
sessions, and every form carries a CSRF token.
"""

from __future__ import annotations

from calexit.web.app import PortalSettings, create_app

__all__ = ["PortalSettings", "create_app"]
