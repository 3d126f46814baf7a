"""Screenshots of the portal's main pages for docs/screenshots/, over a demo-filled store.

    python bench/screenshots.py [--out docs/screenshots] [--chromium /usr/bin/chromium]

Fills a fresh SQLite store with ``calexit demo --no-serve``, serves it with
``calexit serve`` on a free loopback port, and has headless Chromium (driven by
Playwright, the system's browser: nothing is downloaded) save each page 1280 pixels
wide as PNG, the full page cut at ``--max-height`` pixels.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

CALEXIT = Path(sys.executable).with_name("calexit")
WIDTH = 1280


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/about", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the portal did not start")


def pages(base: str) -> list[tuple[str, str]]:
    """(file name, path) of the pages to show, the meeting and document found from links."""
    listing = httpx.get(f"{base}/meetings").text
    meetings = re.findall(r'href="/meetings/(\d+)"', listing)
    with_agenda = max(
        meetings,
        key=lambda m: httpx.get(f"{base}/meetings/{m}").text.count('href="/items/'),
    )
    documents = re.findall(r'href="(/documents/[a-z0-9-]+)"', httpx.get(f"{base}/documents").text)
    return [
        ("home", "/"),
        ("commission", "/commission"),
        ("meeting", f"/meetings/{with_agenda}"),
        ("vote", "/vote"),
        ("road", "/road"),
        ("budget", "/budget"),
        ("document", documents[0]),
        ("record", "/record"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--max-height", type=int, default=2000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="calexit-shots-") as temp:
        url = f"sqlite:///{Path(temp) / 'demo.sqlite3'}"
        subprocess.run(
            [
                str(CALEXIT),
                "demo",
                "--no-serve",
                "--json",
                "--database-url",
                url,
                "--output",
                str(Path(temp) / "demo"),
            ],
            capture_output=True,
            check=True,
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(CALEXIT), "serve", "--database-url", url, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(base, server)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=args.chromium,
                    args=["--no-sandbox", "--headless", "--disable-gpu"],
                )
                page = browser.new_page(viewport={"width": WIDTH, "height": 900})
                for name, path in pages(base):
                    page.goto(base + path, wait_until="networkidle")
                    height = int(page.evaluate("document.documentElement.scrollHeight"))
                    target = args.out / f"{name}.png"
                    clip = {"x": 0, "y": 0, "width": WIDTH, "height": min(height, args.max_height)}
                    page.screenshot(path=str(target), full_page=True, clip=clip)
                    print(f"{target}  {path}  (page {height} px tall)")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
