"""The portal through HTTP: public pages, comments, CSRF, roles, limits, feeds and the record."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from calexit.cli.demo_portal import fill_portal
from calexit.cli.record_cmd import app as record_app
from calexit.rules.load import resolve_pack
from calexit.store import Store, open_store
from calexit.web import PortalSettings, create_app
from calexit.web.security import hash_password

NOW = datetime(2029, 3, 1, 17, 0, tzinfo=UTC)
PASSWORDS = {
    "clerk": "clerk-password-1",
    "moderator": "moderator-pass-1",
    "commissioner": "commish-pass-1",
    "admin": "admin-password-1",
}


@pytest.fixture
def portal_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'portal.sqlite3'}") as store:
        for role, password in PASSWORDS.items():
            store.add_user(role, role.title(), role, hash_password(password), actor="test", now=NOW)
        yield store


@pytest.fixture
def client(portal_store: Store) -> Iterator[TestClient]:
    settings = PortalSettings(comment_burst=3, comment_per_second=0.0001, max_body_bytes=64 * 1024)
    app = create_app(store=portal_store, settings=settings, clock=lambda: NOW)
    with TestClient(app) as test_client:
        yield test_client


def token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, role: str) -> None:
    answer = client.post(
        "/staff/login",
        data={
            "username": role,
            "password": PASSWORDS[role],
            "csrf_token": token(client, "/staff/login"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


PUBLIC = [
    "/",
    "/petition",
    "/vote",
    "/commission",
    "/road",
    "/meetings",
    "/reports",
    "/comments",
    "/documents",
    "/budget",
    "/record",
    "/open-data",
    "/about",
    "/staff/login",
]


def _meeting(store: Store, days: int = 14) -> int:
    return store.schedule_meeting(
        "Regular meeting",
        "regular",
        NOW + timedelta(days=days),
        "Sacramento",
        [("Budget", "Quarterly report on expenditures")],
        actor="clerk",
        now=NOW,
    )


def test_every_public_page_answers_without_an_account(client: TestClient) -> None:
    for path in PUBLIC:
        page = client.get(path)
        assert page.status_code == 200, path
        assert '<html lang="en">' in page.text and '<main id="main">' in page.text
    assert "Not yet run" in client.get("/vote").text
    assert client.get("/meetings/99").status_code == 404
    assert client.get("/api/meetings/99").json()["error"] == "Not found"


def test_the_countdowns_name_each_report_once(client: TestClient, portal_store: Store) -> None:
    before = client.get("/").text
    assert "<strong>Interim report</strong>: 12 months after the first meeting" in before
    _meeting(portal_store, days=14)  # the first meeting: 2029-03-15
    page = client.get("/").text
    assert "Interim report: Interim report" not in page
    assert "Final report</strong>: Final report" not in page
    assert re.search(r"<strong>Interim report</strong>: due 2030-03-15, \d+ days left", page)
    assert re.search(r"<strong>Final report</strong>: due 2031-03-15, \d+ days left", page)
    (interim, _final) = client.get("/api/status").json()["countdowns"]
    assert interim["text"].startswith("Interim report: due 2030-03-15")  # the API keeps it


def test_turnout_and_shares_are_shown_as_percentages_and_kept_raw_in_open_data(
    client: TestClient, portal_store: Store
) -> None:
    pack = resolve_pack("calexit-2028")
    info = pack.rules.pack
    portal_store.save_pack(info.id, info.version, info.title, pack.text, now=NOW)
    run = portal_store.start_run("vote", info.id, seed=None, code_version="t", now=NOW)
    statewide = {"registered": 1000, "ballots_cast": 712, "yes": 400, "no": 300}
    counties = [
        {"county": "Alameda", "yes": 300, "no": 200, "registered": 704, "turnout": 0.7104},
        {"county": "Alpine", "yes": 100, "no": 100, "registered": 296, "turnout": 0.7162},
    ]
    portal_store.finish_run(
        run,
        status="succeeded",
        summary={"outcome": "passed", "statewide": statewide, "counties": counties},
        now=NOW,
    )
    page = client.get("/vote").text
    assert "<td>71.0%</td>" in page and "<td>71.6%</td>" in page
    assert "0.7104" not in page and "0.7162" not in page
    assert "<dt>turnout</dt><dd>71.2%</dd>" in page  # 712 of 1,000
    assert "<dt>yes share of yes and no votes</dt><dd>57.1%</dd>" in page  # 400 of 700
    assert client.get("/data/vote-counties.json").json()[0]["turnout"] == 0.7104
    assert "0.7104" in client.get("/data/vote-counties.csv").text
    assert client.get("/api/vote").json()["counties"][1]["turnout"] == 0.7162


def test_a_member_of_the_public_comments_on_an_item_under_a_pseudonym(
    client: TestClient, portal_store: Store
) -> None:
    meeting = _meeting(portal_store)
    item = portal_store.agenda(meeting)[0].id
    assert "Budget" in client.get(f"/meetings/{meeting}").text
    answer = client.post(
        f"/items/{item}/comments",
        data={
            "author": "Golden Bear",
            "body": "The commission wastes money.",
            "csrf_token": token(client, f"/items/{item}"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    (stored,) = portal_store.comments()
    assert (stored.author, stored.status.value) == ("Golden Bear", "pending")
    assert "1 awaiting moderation" in client.get(f"/items/{item}").text


def test_a_comment_without_the_csrf_token_is_refused(
    client: TestClient, portal_store: Store
) -> None:
    item = portal_store.agenda(_meeting(portal_store))[0].id
    client.get("/")
    answer = client.post(f"/items/{item}/comments", data={"body": "Hello there"})
    assert answer.status_code == 403 and "CSRF" in answer.text
    assert portal_store.comments() == []


def test_comment_floods_are_rate_limited_and_bad_input_is_explained(
    client: TestClient, portal_store: Store
) -> None:
    item = portal_store.agenda(_meeting(portal_store))[0].id
    csrf = token(client, f"/items/{item}")
    too_long = client.post(f"/items/{item}/comments", data={"body": "x" * 4001, "csrf_token": csrf})
    assert too_long.status_code == 400 and "longer than 4000 characters" in too_long.text
    statuses = [
        client.post(
            f"/items/{item}/comments",
            data={"body": f"Comment {n}", "csrf_token": csrf},
            follow_redirects=False,
        ).status_code
        for n in range(3)
    ]
    assert statuses == [303, 303, 429]
    assert len(portal_store.comments()) == 2
    huge = client.post(f"/items/{item}/comments", data={"body": "y" * 70_000, "csrf_token": csrf})
    assert huge.status_code == 413


def test_a_clerk_is_refused_a_late_notice_then_schedules_and_publishes_minutes(
    client: TestClient, portal_store: Store
) -> None:
    sign_in(client, "clerk")
    form = {
        "csrf_token": token(client, "/staff/meetings/new"),
        "title": "Hearing",
        "kind": "regular",
        "location": "Fresno",
        "title_1": "Water",
        "description_1": "Colorado River compacts",
    }
    late = client.post("/staff/meetings", data={**form, "starts_at": "2029-03-05T10:00"})
    assert late.status_code == 400 and "at least 10 days ahead" in late.text
    assert portal_store.meetings() == []
    made = client.post(
        "/staff/meetings", data={**form, "starts_at": "2029-03-20T10:00"}, follow_redirects=False
    )
    assert made.status_code == 303
    (meeting,) = portal_store.meetings()
    early = client.post(
        f"/staff/meetings/{meeting.id}/minutes",
        data={"csrf_token": form["csrf_token"], "minutes": "Held."},
    )
    assert early.status_code == 400 and "has not started" in early.text
    assert [a.action for a in portal_store.staff_actions()][:2] == ["schedule-meeting", "sign-in"]


def test_minutes_and_votes_appear_on_the_public_meeting_page(
    portal_store: Store, client: TestClient
) -> None:
    meeting = portal_store.schedule_meeting(
        "Past meeting",
        "regular",
        NOW - timedelta(days=2),
        "Sacramento",
        [("Budget", "Report")],
        actor="clerk",
        now=NOW - timedelta(days=20),
    )
    portal_store.add_user("c2", "Commissioner Two", "commissioner", "x", actor="t", now=NOW)
    sign_in(client, "clerk")
    csrf = token(client, f"/staff/meetings/{meeting}")
    assert (
        client.post(
            f"/staff/meetings/{meeting}/minutes",
            data={"csrf_token": csrf, "minutes": "All present."},
            follow_redirects=False,
        ).status_code
        == 303
    )
    voted = client.post(
        f"/staff/meetings/{meeting}/actions",
        data={
            "csrf_token": csrf,
            "motion": "Adopt the budget",
            "vote_1": "aye",
            "vote_2": "abstain",
        },
        follow_redirects=False,
    )
    assert voted.status_code == 303
    page = client.get(f"/meetings/{meeting}").text
    assert "All present." in page and "Adopt the budget — carried" in page and "abstain" in page


def test_only_a_moderator_moderates_and_rejections_stay_listed(
    client: TestClient, portal_store: Store
) -> None:
    item = portal_store.agenda(_meeting(portal_store))[0].id
    good = portal_store.submit_comment("agenda-item", item, "Critic", "You are all wrong.", now=NOW)
    spam = portal_store.submit_comment("agenda-item", item, "Seller", "Cheap watches", now=NOW)
    sign_in(client, "commissioner")
    csrf = token(client, "/staff/moderation")
    assert (
        client.post(
            f"/staff/comments/{good}/moderate", data={"csrf_token": csrf, "action": "accept"}
        ).status_code
        == 403
    )
    sign_in(client, "moderator")
    csrf = token(client, "/staff/moderation")
    assert (
        client.post(
            f"/staff/comments/{good}/moderate",
            data={"csrf_token": csrf, "action": "accept"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    refused = client.post(
        f"/staff/comments/{spam}/moderate",
        data={"csrf_token": csrf, "action": "reject", "category": "criticism", "reason": "rude"},
    )
    assert refused.status_code == 400 and "never a reason" in refused.text
    client.post(
        f"/staff/comments/{spam}/moderate",
        data={"csrf_token": csrf, "action": "reject", "category": "spam", "reason": "advertising"},
    )
    public = client.get("/comments").text
    assert (
        "You are all wrong." in public
        and "Rejected as <strong>spam</strong>: advertising" in public
    )
    assert "Cheap watches" not in public
    assert client.get("/api/comments").json()["counts"] == {
        "pending": 0,
        "accepted": 1,
        "rejected": 1,
    }


def test_staff_pages_need_the_right_role(client: TestClient) -> None:
    assert (
        client.get("/staff", follow_redirects=False).headers["location"].startswith("/staff/login")
    )
    sign_in(client, "moderator")
    assert client.get("/staff/users").status_code == 403
    assert client.get("/staff/meetings/new").status_code == 403
    wrong = client.post(
        "/staff/login",
        data={"username": "admin", "password": "nope", "csrf_token": token(client, "/staff/login")},
    )
    assert wrong.status_code == 401


def test_open_data_feeds_and_the_api(client: TestClient, portal_store: Store) -> None:
    _meeting(portal_store)
    portal_store.publish_document("trade", "Trade", "Tariffs & ports", actor="clerk", now=NOW)
    ics = client.get("/meetings.ics")
    assert ics.headers["content-type"].startswith("text/calendar") and "BEGIN:VEVENT" in ics.text
    assert '<feed xmlns="http://www.w3.org/2005/Atom">' in client.get("/documents.atom").text
    assert client.get("/data/meetings.csv").text.splitlines()[0].startswith("id,title,kind")
    assert client.get("/data/documents.json").json()[0]["slug"] == "trade"
    assert client.get("/data/nothing.csv").status_code == 404
    spec = client.get("/openapi.json").json()
    assert {"/api/status", "/api/meetings", "/api/record", "/api/documents/search"} <= set(
        spec["paths"]
    )
    assert (
        client.get("/api/documents/search", params={"q": "ports"}).json()["hits"][0]["document"][
            "slug"
        ]
        == "trade"
    )
    client.cookies.clear()
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert (
        "httponly" in headers["set-cookie"].lower()
        and "samesite=lax" in headers["set-cookie"].lower()
    )


def test_record_verify_passes_then_fails_after_a_direct_database_edit(
    client: TestClient, portal_store: Store, tmp_path: Path
) -> None:
    _meeting(portal_store)
    portal_store.publish_document("trade", "Trade", "Tariffs", actor="clerk", now=NOW)
    saved = tmp_path / "record.json"
    saved.write_text(client.get("/record.json").text, encoding="utf-8")
    runner = CliRunner()
    sound = runner.invoke(record_app, ["verify", str(saved), "--json"])
    assert sound.exit_code == 0 and json.loads(sound.stdout)["ok"] is True
    with portal_store.session() as session:
        session.execute(
            text(
                "UPDATE portal_record SET payload = replace(payload, 'Sacramento', 'Fresno') "
                "WHERE seq = 1"
            )
        )
    saved.write_text(client.get("/record.json").text, encoding="utf-8")
    broken = runner.invoke(record_app, ["verify", str(saved)])
    assert broken.exit_code == 1 and "link 1 (notice meeting/1) was altered" in broken.output
    assert "Broken" in client.get("/record").text


def test_the_demo_fill_gives_every_page_something_to_show(
    portal_store: Store, tmp_path: Path
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'demo.sqlite3'}") as store:
        summary = fill_portal(store, NOW.date())
        assert summary["filled"] and fill_portal(store, NOW.date())["filled"] is False
        assert store.verify_record().ok and store.record_drift() == []
        with TestClient(create_app(store=store, clock=lambda: NOW)) as demo:
            assert "Draft interim report" in demo.get("/meetings").text
            assert "Rejected as <strong>spam</strong>" in demo.get("/comments").text
            assert "<svg" in demo.get("/budget").text
            for path in PUBLIC:
                assert demo.get(path).status_code == 200, path
