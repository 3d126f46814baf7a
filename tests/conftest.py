"""Every test gets its own store: a command run without ``--database-url`` never writes a
``calexit.sqlite3`` into the working tree."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALEXIT_DATABASE_URL", f"sqlite:///{tmp_path / 'default.sqlite3'}")
