"""The portal's guards through HTTP: who may do what (every staff action against every
role), CSRF on every kind of form, and input limits (oversize bodies, overlong fields).

Roles as the portal issue states them: the clerk runs meetings, agendas, minutes and
documents; the moderator the comment queue; a commissioner reads; the admin does all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from calexit.store import Store, open_store
from calexit.web import PortalSettings, create_app
from calexit.web.security import hash_password

NOW = datetime(2029, 3, 1, 17, 0, tzinfo=UTC)
ROLES = ["clerk", "moderator", "commissioner", "admin"]
PASSWORD = "a-long-test-password"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once, share it


@pytest.fixture
def portal_store(tmp_path: Path, password_hash: str) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path / 'portal.sqlite3'}") as store:
        for role in ROLES:
            store.add_user(role, role.title(), role, password_hash, actor="t", now=NOW)
        store.add_user("spare", "Spare", "clerk", password_hash, actor="t", now=NOW)
        yield store


@pytest.fixture
def client(portal_store: Store) -> Iterator[TestClient]:
    settings = PortalSettings(max_body_bytes=32 * 1024, comment_burst=100, login_burst=100)
    with TestClient(create_app(store=portal_store, settings=settings, clock=lambda: NOW)) as c:
        yield c


def _token(client: TestClient, path: str = "/staff/login") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, f"no form token on {path}"
    return found.group(1)


def _sign_in(client: TestClient, username: str) -> None:
    answer = client.post(
        "/staff/login",
        data={"username": username, "password": PASSWORD, "csrf_token": _token(client)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def _world(store: Store) -> dict[str, int]:
    """An upcoming meeting, a meeting held yesterday, and a pending comment."""
    upcoming = store.schedule_meeting(
        "Upcoming",
        "regular",
        NOW + timedelta(days=14),
        "Sacramento",
        [("Budget", "Quarterly report on expenditures")],
        actor="clerk",
        now=NOW,
    )
    held = store.schedule_meeting(
        "Held",
        "regular",
        NOW - timedelta(days=1),
        "Fresno",
        [("Water", "Groundwater testimony")],
        actor="clerk",
        now=NOW - timedelta(days=15),
    )
    item = store.agenda(upcoming)[0].id
    comment = store.submit_comment("agenda-item", item, "Reader", "A fair question.", now=NOW)
    return {"upcoming": upcoming, "held": held, "comment": comment}


Form = dict[str, str]
# (method, path template, form, roles allowed); the forms are valid, so an allowed role
# gets its 303 and the test sees the permission, not a validation error.
ACTIONS: list[tuple[str, str, Callable[[str], Form], set[str]]] = [
    (
        "POST",
        "/staff/meetings",
        lambda r: {
            "title": f"Hearing ({r})",
            "kind": "regular",
            "starts_at": "2029-04-02T10:00",
            "location": "Fresno",
            "title_1": "Water",
            "description_1": "Groundwater",
        },
        {"clerk", "admin"},
    ),
    (
        "POST",
        "/staff/meetings/{upcoming}/items",
        lambda r: {"title": f"Item ({r})", "description": "A short description."},
        {"clerk", "admin"},
    ),
    (
        "POST",
        "/staff/meetings/{held}/minutes",
        lambda r: {"minutes": f"Minutes ({r})."},
        {"clerk", "admin"},
    ),
    (
        "POST",
        "/staff/meetings/{held}/actions",
        lambda r: {"motion": f"Motion ({r})"},
        {"clerk", "admin"},
    ),
    (
        "POST",
        "/staff/meetings/{upcoming}/materials",
        lambda r: {"slug": f"material-{r}", "title": "Material", "body": "Text."},
        {"clerk", "admin"},
    ),
    (
        "POST",
        "/staff/documents",
        lambda r: {"slug": f"doc-{r}", "title": "Doc", "body": "Text."},
        {"clerk", "admin"},
    ),
    (
        "POST",
        "/staff/reports",
        lambda r: {"kind": "interim", "title": f"Draft ({r})", "body": "One.\n\nTwo."},
        {"clerk", "admin"},
    ),
    (
        "POST",
        "/staff/comments/{comment}/moderate",
        lambda r: {"action": "accept"},
        {"moderator", "admin"},
    ),
    (
        "POST",
        "/staff/users",
        lambda r: {
            "username": f"new-{r}",
            "display_name": "New",
            "role": "clerk",
            "password": "twelve-chars-at-least",
        },
        {"admin"},
    ),
    ("POST", "/staff/users/spare/active", lambda r: {"active": "yes"}, {"admin"}),
    (
        "POST",
        "/staff/budget",
        lambda r: {
            "day": "2029-02-01",
            "kind": "expenditure",
            "category": "staff",
            "amount": "10.00",
        },
        {"admin"},
    ),
    ("POST", "/staff/record/publish-results", lambda r: {}, {"admin"}),
    ("GET", "/staff", lambda r: {}, set(ROLES)),
    ("GET", "/staff/moderation", lambda r: {}, set(ROLES)),
    ("GET", "/staff/meetings/new", lambda r: {}, {"clerk", "admin"}),
    ("GET", "/staff/meetings/{held}", lambda r: {}, {"clerk", "admin"}),
    ("GET", "/staff/documents", lambda r: {}, {"clerk", "admin"}),
    ("GET", "/staff/reports", lambda r: {}, {"clerk", "admin"}),
    ("GET", "/staff/users", lambda r: {}, {"admin"}),
    ("GET", "/staff/budget", lambda r: {}, {"admin"}),
    ("GET", "/staff/audit-log", lambda r: {}, {"clerk", "commissioner", "admin"}),
]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_each_role_may_do_its_own_work_and_nothing_else(
    client: TestClient, portal_store: Store, role: str
) -> None:
    ids = _world(portal_store)
    if role != "anonymous":
        _sign_in(client, role)
    csrf = _token(client)
    for method, template, form, allowed in ACTIONS:
        path = template.format(**ids)
        before = len(portal_store.staff_actions(limit=10_000))
        if method == "GET":
            answer = client.get(path, follow_redirects=False)
        else:
            answer = client.post(
                path, data={**form(role), "csrf_token": csrf}, follow_redirects=False
            )
        written = len(portal_store.staff_actions(limit=10_000)) - before
        expected = 200 if method == "GET" else 303
        if role in allowed:
            assert answer.status_code == expected, (path, answer.text[:500])
        elif role == "anonymous" and method == "GET":
            assert answer.status_code == 303 and "/staff/login" in answer.headers["location"]
        else:
            assert answer.status_code == 403, (path, answer.status_code)
            assert written == 0, f"{path} wrote to the audit log for a refused {role}"


def test_staff_forms_without_a_valid_csrf_token_are_refused(
    client: TestClient, portal_store: Store
) -> None:
    meeting = {
        "title": "Hearing",
        "kind": "regular",
        "starts_at": "2029-04-02T10:00",
        "location": "Fresno",
        "title_1": "Water",
        "description_1": "Groundwater",
    }
    assert (
        client.post("/staff/login", data={"username": "clerk", "password": PASSWORD}).status_code
        == 403
    )
    _sign_in(client, "clerk")
    assert client.post("/staff/meetings", data=meeting).status_code == 403
    other = TestClient(client.app)
    foreign = _token(other)  # a token minted for another visitor's CSRF cookie
    assert (
        client.post("/staff/meetings", data={**meeting, "csrf_token": foreign}).status_code == 403
    )
    assert (
        client.post("/staff/meetings", data={**meeting, "csrf_token": "0" * 64}).status_code == 403
    )
    assert client.post("/staff/logout", data={}).status_code == 403
    assert portal_store.meetings() == []
    assert client.get("/staff").status_code == 200  # the refused sign-out left the session
    token = _token(client)
    client.cookies.delete("calexit_csrf")  # a forged cross-site post carries no CSRF cookie
    assert client.post("/staff/meetings", data={**meeting, "csrf_token": token}).status_code == 403
    assert portal_store.meetings() == []


def test_overlong_staff_fields_are_all_named_at_once(
    client: TestClient, portal_store: Store
) -> None:
    _sign_in(client, "clerk")
    answer = client.post(
        "/staff/meetings",
        data={
            "csrf_token": _token(client),
            "title": "t" * 201,
            "location": "l" * 201,
            "kind": "regular",
            "starts_at": "2029-04-02T10:00",
        },
    )
    assert answer.status_code == 400
    assert "at most 200 characters (201 given)" in answer.text
    assert "title" in answer.text and "location" in answer.text
    assert portal_store.meetings() == []


def test_an_oversize_body_gets_413(client: TestClient, portal_store: Store) -> None:
    item = portal_store.agenda(_world(portal_store)["upcoming"])[0].id
    csrf = _token(client, f"/items/{item}")
    answer = client.post(f"/items/{item}/comments", data={"body": "x" * 40_000, "csrf_token": csrf})
    assert answer.status_code == 413 and "larger than 32768 bytes" in answer.text
    assert len(portal_store.comments()) == 1  # only the world's own comment


def test_an_oversize_body_sent_without_a_length_gets_413(
    client: TestClient, portal_store: Store
) -> None:
    item = portal_store.agenda(_world(portal_store)["upcoming"])[0].id
    csrf = _token(client, f"/items/{item}")

    def chunks() -> Iterator[bytes]:  # chunked: the limit is counted as the body arrives
        yield f"csrf_token={csrf}&body=".encode()
        for _ in range(10):
            yield b"y" * 8192

    answer = client.post(
        f"/items/{item}/comments",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert len(portal_store.comments()) == 1  # refused either way: nothing stored
    assert answer.status_code == 413


def test_comment_problems_are_listed_together_and_nothing_is_stored(
    client: TestClient, portal_store: Store
) -> None:
    item = portal_store.agenda(_world(portal_store)["upcoming"])[0].id
    answer = client.post(
        f"/items/{item}/comments",
        data={
            "author": "n" * 81,
            "body": "bell\x07",
            "csrf_token": _token(client, f"/items/{item}"),
        },
    )
    assert answer.status_code == 400
    assert "80" in answer.text and "control characters" in answer.text
    assert len(portal_store.comments()) == 1


def test_out_of_range_ids_and_queries_are_client_errors(client: TestClient) -> None:
    assert client.get("/meetings/99999999999").status_code == 422
    assert client.get("/api/meetings/0").status_code == 422
    assert client.get("/api/documents/search", params={"q": "q" * 201}).status_code == 422
    assert client.get("/items/-1").status_code == 422
