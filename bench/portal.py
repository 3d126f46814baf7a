"""Portal load benchmark: concurrent readers and commenters on loopback, per backend.

    python bench/portal.py [--backend sqlite postgresql] [--duration 60] [--clients 100]
                           [--think 1.0] [--comment-share 0.1] [--flooders 1]
                           [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each backend it fills a fresh store with ``calexit demo --no-serve`` (petition, vote
and its audit, the road, and the portal's meetings, documents, draft report, comments
and budget), serves it with ``calexit serve`` (uvicorn, one worker) in a subprocess,
and runs ``--clients`` concurrent clients for ``--duration`` seconds. Each client keeps
its own connection and cookies, first fetches a comment form (its CSRF token; this
ramp-up is not timed), then, all starting together, waits an exponentially distributed
think time (mean ``--think`` s; 0 for a closed loop without pauses) and reads a public page (home,
meetings, a meeting, an agenda item, documents, a document, a search, the commission,
petition, vote, budget, comments, a report, the record, open data) or, with probability
``--comment-share``, posts a pseudonymous comment on an agenda item or a report
paragraph with the form's CSRF token. Each client posts from its own address in
``X-Forwarded-For`` (uvicorn trusts that header from 127.0.0.1, so behind a proxy on the
host every reader has their own comment bucket); ``--flooders`` more clients post
comments without pause from the server's own address, so the flood limit refuses them.

It prints requests, throughput, p50/p95/p99 latency of pages and of comments, status
counts and the load average, then checks the database: every comment answered 303 is
stored exactly once (zero lost), nothing refused is stored, every refusal is a 4xx with
a message (429 with Retry-After for the flood limit), and no answer is a 5xx. The
PostgreSQL run uses a throwaway database ``calexit_bench_<pid>``, dropped afterwards.
Target: p95 at most 100 ms for pages.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import create_engine, text

from calexit.store import open_store

TARGET_P95_MS = 100.0
CALEXIT = Path(sys.executable).with_name("calexit")
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
REFUSAL = re.compile(r"too many comments from this address; try again in \d+ seconds")


@dataclass
class Sample:
    kind: str  # "page" or "comment"
    path: str
    status: int
    seconds: float


@dataclass
class Outcome:
    samples: list[Sample] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    refused: list[tuple[int, str, bool]] = field(default_factory=list)  # status, message, retry
    errors: Counter[str] = field(default_factory=Counter)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def backend_url(backend: str, postgres_url: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database for one run (a throwaway PostgreSQL database, or a file)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    name = f"calexit_bench_{os.getpid()}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def served(url: str, port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [str(CALEXIT), "serve", "--database-url", url, "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/about", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)


def discover(base: str) -> tuple[list[str], list[str]]:
    """The public pages to read and the comment targets, found from the portal's own links."""
    pages = ["/", "/meetings", "/documents", "/documents?q=trade", "/commission", "/petition"]
    pages += ["/vote", "/budget", "/comments", "/reports", "/record", "/open-data", "/about"]
    with httpx.Client(base_url=base) as client:
        found = " ".join(client.get(p).text for p in ["/meetings", "/documents", "/reports"])
        reports = sorted(set(re.findall(r'href="(/reports/\d+)"', found)))
        found += " ".join(client.get(p).text for p in reports)
        meetings = sorted(set(re.findall(r'href="(/meetings/\d+)"', found)))
        found += " ".join(client.get(p).text for p in meetings)
    documents = sorted(set(re.findall(r'href="(/documents/[a-z0-9-]+)"', found)))
    items = sorted(set(re.findall(r'href="(/items/\d+)"', found)))
    paragraphs = sorted(set(re.findall(r'href="(/paragraphs/\d+)"', found)))
    pages += meetings + documents + reports + items[:3] + paragraphs[:2]
    return pages, items + paragraphs


async def client_loop(
    number: int,
    base: str,
    pages: list[str],
    targets: list[str],
    window: list[float],
    ready: asyncio.Barrier,
    args: argparse.Namespace,
    outcome: Outcome,
    *,
    flooder: bool,
) -> None:
    """One client: fetch a comment form (the untimed ramp-up), then read and comment."""
    rng = random.Random(number)
    headers = {} if flooder else {"X-Forwarded-For": f"10.{number // 250}.{number % 250}.7"}
    sequence = 0
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends, so no request
    # races the server closing its connection.
    limits = httpx.Limits(max_connections=1, keepalive_expiry=3.0)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, timeout=30, limits=limits
    ) as client:
        found = CSRF.search((await client.get(rng.choice(targets))).text)
        token = found.group(1) if found else ""
        if await ready.wait() == 0:
            window[:] = [time.perf_counter(), time.perf_counter() + args.duration]
        await ready.wait()
        stop_at = window[1]
        while time.perf_counter() < stop_at:
            pause = 0.05 if flooder else rng.expovariate(1 / args.think) if args.think else 0
            await asyncio.sleep(min(pause, max(0.0, stop_at - time.perf_counter())))
            if time.perf_counter() >= stop_at:
                break
            comment = flooder or rng.random() < args.comment_share
            try:
                if comment:
                    target = rng.choice(targets)
                    sequence += 1
                    body = f"bench {os.getpid()} client {number} comment {sequence}: a view."
                    form = {"author": f"Reader {number}", "body": body, "csrf_token": token}
                    started = time.perf_counter()
                    answer = await client.post(f"{target}/comments", data=form)
                    seconds = time.perf_counter() - started
                    outcome.samples.append(Sample("comment", target, answer.status_code, seconds))
                    if answer.status_code == 303:
                        outcome.accepted.append(body)
                    else:
                        message = " ".join(re.sub(r"<[^>]+>", " ", answer.text).split())
                        said = REFUSAL.search(message)
                        message = said.group(0) if said else message
                        retry = "retry-after" in answer.headers
                        outcome.refused.append((answer.status_code, message, retry))
                else:
                    path = rng.choice(pages)
                    started = time.perf_counter()
                    answer = await client.get(path)
                    seconds = time.perf_counter() - started
                    outcome.samples.append(Sample("page", path, answer.status_code, seconds))
            except httpx.HTTPError as error:
                outcome.errors[type(error).__name__] += 1


async def run_load(
    base: str, pages: list[str], targets: list[str], args: argparse.Namespace
) -> tuple[Outcome, float]:
    """Every client fetches its form, then all start together for ``args.duration`` s."""
    outcome = Outcome()
    everyone = args.clients + args.flooders
    ready = asyncio.Barrier(everyone)
    window: list[float] = []
    await asyncio.gather(
        *(
            client_loop(
                n, base, pages, targets, window, ready, args, outcome, flooder=n >= args.clients
            )
            for n in range(everyone)
        )
    )
    return outcome, time.perf_counter() - window[0]


def percentiles(samples: list[Sample]) -> str:
    if not samples:
        return "none"
    ms = np.array([s.seconds for s in samples]) * 1000
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  max {ms.max():7.1f} ms"


def stored_bench_comments(url: str) -> Counter[str]:
    store = open_store(url)
    try:
        marker = f"bench {os.getpid()} client "
        return Counter(c.body for c in store.comments() if c.body.startswith(marker))
    finally:
        store.engine.dispose()


def bench(backend: str, args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="calexit-bench-") as temp:
        folder = Path(temp)
        with backend_url(backend, args.postgres_url, folder) as url:
            filled = time.perf_counter()
            demo = subprocess.run(
                [
                    str(CALEXIT),
                    "demo",
                    "--no-serve",
                    "--json",
                    "--database-url",
                    url,
                    "--output",
                    str(folder / "demo"),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            portal = json.loads(demo.stdout)["portal"]
            print(
                f"\n== {backend}: filled by `calexit demo --no-serve` in "
                f"{time.perf_counter() - filled:.1f} s ({portal['record_links']} record links)"
            )
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with served(url, port, folder / "serve.log"):
                pages, targets = discover(base)
                with httpx.Client(base_url=base) as warm:
                    for page in pages + targets:
                        warm.get(page)
                load_before = os.getloadavg()
                outcome, elapsed = asyncio.run(run_load(base, pages, targets, args))
                load_after = os.getloadavg()
            stored = stored_bench_comments(url)
    return report(backend, args, pages, outcome, elapsed, stored, load_before, load_after)


def report(
    backend: str,
    args: argparse.Namespace,
    pages: list[str],
    outcome: Outcome,
    elapsed: float,
    stored: Counter[str],
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> bool:
    page_samples = [s for s in outcome.samples if s.kind == "page"]
    comment_samples = [s for s in outcome.samples if s.kind == "comment"]
    total = len(outcome.samples)
    print(
        f"{args.clients} clients (think {args.think} s, comments {args.comment_share:.0%}) "
        f"+ {args.flooders} flooder(s), {elapsed:.1f} s, {len(pages)} distinct pages"
    )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"({os.cpu_count()} cores)"
    )
    print(
        f"requests {total:,}  throughput {total / elapsed:,.1f} req/s  "
        f"(pages {len(page_samples) / elapsed:,.1f}/s, comments "
        f"{len(comment_samples) / elapsed:,.1f}/s)"
    )
    print(f"pages    {len(page_samples):7,}  {percentiles(page_samples)}")
    print(f"comments {len(comment_samples):7,}  {percentiles(comment_samples)}")
    print(f"page statuses    {dict(sorted(Counter(s.status for s in page_samples).items()))}")
    print(f"comment statuses {dict(sorted(Counter(s.status for s in comment_samples).items()))}")
    if outcome.errors:
        print(f"transport errors {dict(outcome.errors)}")
    slowest = Counter[str]()
    by_path: dict[str, list[float]] = {}
    for sample in page_samples:
        by_path.setdefault(sample.path, []).append(sample.seconds)
    for path, seconds in by_path.items():
        slowest[path] = int(np.percentile(np.array(seconds) * 1000, 95))
    print("slowest pages (p95 ms): " + ", ".join(f"{p} {ms}" for p, ms in slowest.most_common(4)))
    accepted = Counter(outcome.accepted)
    lost = sum((accepted - stored).values())
    extra = sum((stored - accepted).values())
    unclear = [r for r in outcome.refused if not (400 <= r[0] < 500 and len(r[1]) > 20)]
    limited = [r for r in outcome.refused if r[0] == 429]
    no_retry = [r for r in limited if not r[2]]
    print(
        f"comments accepted {len(outcome.accepted):,}, in the database {sum(stored.values()):,}:"
        f" lost {lost}, stored but not accepted {extra}; refused {len(outcome.refused):,} "
        f"({len(limited):,} with 429, {len(no_retry)} without Retry-After, "
        f"{len(unclear)} without a clear 4xx message)"
    )
    if limited:
        print(f"a refusal reads: {limited[0][1][:160]!r}")
    p95 = float(np.percentile([s.seconds for s in page_samples], 95) * 1000) if page_samples else 0
    five = sum(1 for s in outcome.samples if s.status >= 500)
    ok = lost == 0 and extra == 0 and not unclear and not no_retry and five == 0
    ok = ok and not outcome.errors
    print(
        f"pages p95 {p95:.1f} ms: {'within' if p95 <= TARGET_P95_MS else 'OVER'} the "
        f"{TARGET_P95_MS:.0f} ms target; 5xx {five}; checks {'passed' if ok else 'FAILED'}"
    )
    return ok and p95 <= TARGET_P95_MS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--backend", nargs="+", choices=["sqlite", "postgresql"], default=["postgresql", "sqlite"]
    )
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause in seconds")
    parser.add_argument("--comment-share", type=float, default=0.1)
    parser.add_argument("--flooders", type=int, default=1)
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(
        f"calexit portal load: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )
    results = [bench(backend, args) for backend in args.backend]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
