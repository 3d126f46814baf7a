"""A live portal for the browser tests: uvicorn on a free loopback port, in a thread, over
a temporary SQLite store filled with the demo scenario, and Debian's Chromium driven by
Playwright for Python.

The browser tests need ``/usr/bin/chromium`` (Debian's ``chromium`` package) and
axe-core from the npm registry (``npm install --prefix .ci/node axe-core@4``); ``.ci/run``
installs both. Where either is missing they are skipped with the reason, unless
``CALEXIT_REQUIRE_BROWSER=1`` is set (as in CI), which turns the skip into a failure.
Playwright's own browser download is never used.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from calexit import __version__
from calexit.cli.demo_portal import fill_portal
from calexit.reference.datasets import shipped_path
from calexit.rules.load import resolve_pack
from calexit.store import Store, open_store
from calexit.web import PortalSettings, create_app
from calexit.web.security import hash_password

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CALEXIT_CHROMIUM", "/usr/bin/chromium"))
AXE_CANDIDATES = (
    Path(os.environ.get("CALEXIT_AXE_JS", REPO / ".ci/node/node_modules/axe-core/axe.min.js")),
    REPO / "node_modules/axe-core/axe.min.js",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOW = datetime(2029, 3, 1, 17, 0, tzinfo=UTC)
"""The portal's clock: a fixed moment, so notice periods and countdowns are exact."""
COMMISSIONERS = [
    "Commissioner Rivera",
    "Commissioner Chen",
    "Commissioner Okafor",
    "Commissioner Nakamura",
]
"""Seated members when no lottery is in the store: the active commissioner accounts."""


def _missing() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (Debian: apt-get install chromium)"
    if not any(path.is_file() for path in AXE_CANDIDATES):
        return "axe-core is absent (npm install --prefix .ci/node axe-core@4)"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "playwright (Python) is not installed"
    return ""


def _require_browser() -> None:
    reason = _missing()
    if reason:
        if os.environ.get("CALEXIT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (CALEXIT_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(f"browser tests need Chromium and axe-core: {reason}")


@pytest.fixture(scope="session")
def axe_source() -> str:
    _require_browser()
    path = next(p for p in AXE_CANDIDATES if p.is_file())
    return path.read_text(encoding="utf-8")


@dataclass
class LivePortal:
    """A running portal: its base URL, its store, and what the demo fill returned."""

    url: str
    store: Store
    filled: dict[str, Any]
    held_meeting: int
    """A meeting held the day before ``NOW`` whose minutes are not yet published."""


def _stage_runs(store: Store) -> None:
    """Petition and vote results with every county, so their pages draw the county map."""
    features = json.loads(shipped_path("ca_counties.geojson").read_text(encoding="utf-8"))
    names = sorted(str(f["properties"]["name"]) for f in features["features"])
    pack = resolve_pack("calexit-2028")
    info = pack.rules.pack
    store.save_pack(info.id, info.version, info.title, pack.text, now=NOW)
    petition = store.start_run(
        "petition", "calexit-2028", seed="browser", code_version=__version__, now=NOW
    )
    store.finish_run(
        petition,
        status="succeeded",
        summary={
            "outcome": "qualifies",
            "required": 874_641,
            "raw_total": 1_100_000,
            "projected": 960_000,
            "counties": [
                {"county": n, "raw": 1000 + 37 * i, "projected": 800 + 31 * i}
                for i, n in enumerate(names)
            ],
        },
        now=NOW,
    )
    vote = store.start_run(
        "vote", "calexit-2028", seed="browser", code_version=__version__, now=NOW
    )
    store.finish_run(
        vote,
        status="succeeded",
        summary={
            "outcome": "passes",
            "statewide": {"yes": 6_100_000, "no": 5_200_000},
            "audit_status": "confirmed",
            "counties": [
                {"county": n, "yes": 5000 + 91 * i, "no": 5000 + 53 * ((i * 7) % 58)}
                for i, n in enumerate(names)
            ],
        },
        now=NOW,
    )


def _serve(app: Any) -> tuple[str, Callable[[], None]]:
    """Serve ``app`` with uvicorn on a free loopback port in a thread; return URL and stop."""
    import uvicorn  # noqa: PLC0415

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the portal did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return f"http://127.0.0.1:{port}", stop


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePortal]:
    _require_browser()
    folder = tmp_path_factory.mktemp("browser-portal")
    with open_store(f"sqlite:///{folder / 'portal.sqlite3'}") as store:
        filled = fill_portal(store, NOW.date())
        for name in COMMISSIONERS[1:]:
            username = name.split()[-1].lower()
            store.add_user(
                username, name, "commissioner", hash_password(username * 3), actor="t", now=NOW
            )
        held = store.schedule_meeting(
            "Regional hearing, Fresno",
            "regular",
            NOW - timedelta(days=1),
            "Fresno City Hall",
            [("Water", "Testimony on the Colorado River compacts and groundwater in the valley.")],
            actor="clerk",
            now=NOW - timedelta(days=15),
        )
        _stage_runs(store)
        settings = PortalSettings(comment_burst=50, login_burst=50)
        url, stop = _serve(create_app(store=store, settings=settings, clock=lambda: NOW))
        try:
            yield LivePortal(url, store, filled, held)
        finally:
            stop()


@pytest.fixture(scope="session")
def browser(live_portal: LivePortal) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def context_factory(browser: Any) -> Iterator[Callable[..., Any]]:
    """New browser contexts (own cookies); all closed after the test."""
    opened: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()
