"""The portal in a real browser (headless Chromium): the public comments without an account,
a clerk schedules a meeting and publishes minutes with votes, a moderator approves a
comment, and the public record's check passes, then fails after a direct database edit.

Bagley-Keene (Government Code 11120-11132): a regular meeting's notice is posted at least
10 days ahead (11125(a)); the public may comment without giving a name (11124); every
action is recorded with each member's vote (11123).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from calexit.cli.demo_portal import DEMO_USERS

pytestmark = pytest.mark.slow

Context = Callable[..., Any]


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/staff/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_USERS[username][2])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/staff")
    assert page.get_by_role("heading", level=1).inner_text() == "Staff"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_public_reads_an_agenda_and_comments_under_a_pseudonym(
    live_portal: Any, context_factory: Context, javascript: bool
) -> None:
    base, store = live_portal.url, live_portal.store
    page = context_factory(java_script_enabled=javascript).new_page()
    page.goto(f"{base}/meetings")
    page.get_by_role("link", name="Draft interim report").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Draft interim report"
    agenda = page.locator("ol.agenda").inner_text()
    assert "Review of the draft interim findings" in agenda and "Budget" in agenda
    page.get_by_role("link", name="Read and comment on item 2").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Budget"
    pseudonym = f"Sierra Hiker ({'js' if javascript else 'no-js'})"
    remark = f"Publish the travel receipts line by line, please ({pseudonym})."
    page.get_by_label("Name or pseudonym (optional)").fill(pseudonym)
    page.get_by_label("Your comment (up to 4,000 characters)").fill(remark)
    page.get_by_role("button", name="Send comment").click()
    page.wait_for_url(re.compile(r"/items/\d+\?submitted=1"))
    status = page.get_by_role("status").inner_text()
    assert "will be published after moderation" in status
    assert page.get_by_text(re.compile(r"[1-9]\d* awaiting moderation")).count() == 1
    assert remark not in page.locator("ol.comments").inner_text()  # not public until moderated
    (stored,) = [c for c in store.comments() if c.body == remark]
    assert (stored.author, stored.status.value) == (pseudonym, "pending")


def test_a_comment_with_errors_is_explained_and_kept_without_javascript(
    live_portal: Any, context_factory: Context
) -> None:
    page = context_factory(java_script_enabled=False).new_page()
    item = live_portal.store.agenda(live_portal.filled["meetings"][2])[0].id
    page.goto(f"{live_portal.url}/items/{item}")
    page.get_by_label("Name or pseudonym (optional)").fill("Bell\x07 Ringer")
    page.get_by_label("Your comment (up to 4,000 characters)").fill("A comment with a bell.")
    page.get_by_role("button", name="Send comment").click()
    alert = page.get_by_role("alert").inner_text()
    assert "control character" in alert.lower()
    assert page.get_by_label("Your comment (up to 4,000 characters)").input_value() == (
        "A comment with a bell."
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_clerk_is_refused_a_late_notice_then_schedules_a_meeting(
    live_portal: Any, context_factory: Context, javascript: bool
) -> None:
    base, store = live_portal.url, live_portal.store
    before = len(store.meetings())
    page = context_factory(java_script_enabled=javascript).new_page()
    _sign_in(page, base, "clerk")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Title", exact=True).fill("Hearing on trade")
    page.get_by_label("Kind of meeting").select_option("regular")
    page.get_by_label("Starts at (Pacific time)").fill("2029-03-05T10:00")  # 4 days ahead
    page.get_by_label("Location").fill("Port of Oakland, Oakland")
    page.get_by_label("Item 1 title").fill("Ports")
    page.get_by_label("Item 1 description").fill("Customs and tariff schedules at the ports.")
    page.get_by_role("button", name="Post notice and agenda").click()
    refusal = page.get_by_role("alert").inner_text()
    assert "at least 10 days ahead" in refusal and "Gov. Code 11125(a)" in refusal
    assert len(store.meetings()) == before  # nothing written
    page.go_back()
    page.get_by_label("Starts at (Pacific time)").fill("2029-03-20T10:00")  # 19 days ahead
    page.get_by_role("button", name="Post notice and agenda").click()
    page.wait_for_url(re.compile(r"/staff/meetings/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Manage: Hearing on trade"
    page.get_by_role("link", name="Public page").click()
    notice = page.locator("dl.figures").inner_text()
    assert "Port of Oakland" in notice and "regular meeting" in notice
    assert re.search(r"\(19(\.0)? days ahead\)", notice)
    assert "Customs and tariff schedules" in page.locator("ol.agenda").inner_text()
    assert len(store.meetings()) == before + 1


def test_a_clerk_publishes_minutes_with_each_members_vote(
    live_portal: Any, context_factory: Context
) -> None:
    base, held = live_portal.url, live_portal.held_meeting
    page = context_factory().new_page()
    _sign_in(page, base, "clerk")
    page.goto(f"{base}/staff/meetings/{held}")
    page.get_by_label("Minutes").fill(
        "Called to order at 10:00, all members present.\n\nTestimony from twelve speakers."
    )
    page.get_by_label("Recording link").fill("https://example.org/recordings/fresno")
    page.get_by_role("button", name="Publish minutes").click()
    page.wait_for_url(re.compile(rf"/meetings/{held}#minutes$"))
    assert "Testimony from twelve speakers." in page.locator(".minutes").inner_text()
    page.goto(f"{base}/staff/meetings/{held}")
    page.get_by_label("Motion").fill("Request a groundwater study")
    page.get_by_label("Agenda item").select_option(label="1. Water")
    votes = {
        "Commissioner Rivera": "aye",
        "Commissioner Chen": "aye",
        "Commissioner Okafor": "no",
        "Commissioner Nakamura": "abstain",
    }
    for member, vote in votes.items():
        page.get_by_label(member, exact=True).select_option(vote)
    page.get_by_role("button", name="Record action").click()
    page.wait_for_url(re.compile(rf"/meetings/{held}#actions$"))
    table = page.get_by_role("table", name=re.compile("Request a groundwater study"))
    rows = table.locator("tbody tr").all_inner_texts()
    shown = dict(row.split("\t") for row in rows)
    assert {m: shown[m] for m in votes} == votes
    assert "Request a groundwater study — carried" in table.locator("caption").inner_text()


def test_a_moderator_approves_a_comment_and_it_shows_publicly(
    live_portal: Any, context_factory: Context
) -> None:
    base, store = live_portal.url, live_portal.store
    item = store.agenda(live_portal.filled["meetings"][2])[1].id
    remark = "The commission's travel budget is far too high and nobody checks it."
    public = context_factory().new_page()
    public.goto(f"{base}/items/{item}")
    public.get_by_label("Name or pseudonym (optional)").fill("Skeptic in Chico")
    public.get_by_label("Your comment (up to 4,000 characters)").fill(remark)
    public.get_by_role("button", name="Send comment").click()
    assert remark not in public.locator("ol.comments").inner_text()
    (comment,) = [c for c in store.comments() if c.body == remark]

    staff = context_factory().new_page()
    _sign_in(staff, base, "moderator")
    staff.get_by_role("link", name="Moderation queue").click()
    queued = staff.locator("article.comment", has_text=remark)
    assert queued.count() == 1
    staff.get_by_role("button", name=f"Accept comment {comment.id}", exact=True).click()
    staff.wait_for_url(f"{base}/staff/moderation")
    assert staff.locator("article.comment", has_text=remark).count() == 0

    public.goto(f"{base}/items/{item}")
    published = public.locator(f"#comment-{comment.id}")
    assert remark in published.inner_text() and "Skeptic in Chico" in published.inner_text()
    public.goto(f"{base}/comments")
    assert remark in public.locator("main").inner_text()
    (approved,) = [c for c in store.comments() if c.id == comment.id]
    assert approved.status.value == "accepted"


def test_the_clerk_cannot_moderate_and_the_moderator_cannot_schedule(
    live_portal: Any, context_factory: Context
) -> None:
    base = live_portal.url
    page = context_factory().new_page()
    _sign_in(page, base, "moderator")
    refused = page.goto(f"{base}/staff/meetings/new")
    assert refused is not None and refused.status == 403
    assert "may not do this (manage-meetings)" in page.get_by_role("alert").inner_text()
    clerk = context_factory().new_page()
    _sign_in(clerk, base, "clerk")
    clerk.goto(f"{base}/staff/moderation")
    assert clerk.get_by_role("button", name=re.compile("^Accept comment")).count() == 0


def _calexit(*args: str) -> Any:
    """Run ``calexit ARGS`` (the installed command's Typer app) and return the result."""
    from calexit.cli.main import app  # noqa: PLC0415 - the whole CLI, imported when used

    return CliRunner().invoke(app, list(args))


def _verify(url: str) -> tuple[int, str]:
    result = _calexit("record", "verify", url, "--json")
    return result.exit_code, result.stdout


def test_the_record_check_passes_then_fails_after_a_direct_database_edit(
    live_portal: Any, context_factory: Context
) -> None:
    base, store = live_portal.url, live_portal.store
    code, out = _verify(f"{base}/record.json")
    sound = json.loads(out)
    assert code == 0 and sound["ok"] is True and sound["links"] == len(store.record())
    page = context_factory().new_page()
    page.goto(f"{base}/record")
    assert page.get_by_role("status").inner_text().startswith("Sound")

    (link,) = [r for r in store.record() if r.kind == "notice"][:1]
    with store.session() as session:
        original = session.execute(
            text("SELECT payload FROM portal_record WHERE seq = :seq"), {"seq": link.seq}
        ).scalar_one()
        session.execute(
            text("UPDATE portal_record SET payload = :p WHERE seq = :seq"),
            {"p": original.replace("State Capitol", "Old Capitol"), "seq": link.seq},
        )
    try:
        code, out = _verify(base)
        broken = json.loads(out)
        assert code == 1 and broken["ok"] is False and broken["broken_at"] == link.seq
        assert f"link {link.seq} (notice {link.ref}) was altered" in broken["reason"]
        plain = _calexit("record", "verify", f"{base}/record.json")
        assert plain.exit_code == 1 and f"link {link.seq} (notice" in plain.output
        page.goto(f"{base}/record")
        assert page.get_by_role("status").inner_text().startswith("Broken")
    finally:
        with store.session() as session:
            session.execute(
                text("UPDATE portal_record SET payload = :p WHERE seq = :seq"),
                {"p": original, "seq": link.seq},
            )
    assert _verify(base)[0] == 0
