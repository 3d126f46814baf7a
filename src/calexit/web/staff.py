"""Staff pages: sign-in, meetings and minutes, documents, reports, moderation, users, budget.

Every route checks the role's permission (:mod:`calexit.portal.roles`) and every form
its CSRF token; the store writes the audit log row with each action. There is no
messaging between commissioners (Gov. Code 11122.5: no serial meetings).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from calexit.errors import InputError, Problem
from calexit.portal.budget import BudgetLine, LineKind, parse_dollars
from calexit.portal.moderation import REASON_TEXT, CommentStatus, RejectReason, decide
from calexit.portal.notice import DESCRIPTION_WORDS, MeetingKind
from calexit.portal.roles import Permission, Role, can
from calexit.store import UserRecord
from calexit.web import views
from calexit.web.app import portal_of, render
from calexit.web.public import require_csrf, signed_in
from calexit.web.security import (
    SESSION_COOKIE,
    check_password,
    hash_password,
    needs_rehash,
    new_token,
)

router = APIRouter(prefix="/staff", include_in_schema=False)

PACIFIC = ZoneInfo("America/Los_Angeles")
AGENDA_ROWS = 6
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,118}$")
LIMITS = {
    "title": 200,
    "location": 200,
    "findings": 4000,
    "description": 1000,
    "minutes": 100_000,
    "body": 200_000,
    "motion": 2000,
    "note": 500,
    "recording_url": 500,
    "username": 64,
    "display_name": 120,
    "password": 200,
    "category": 64,
    "reason": 500,
}


def staff_user(request: Request, permission: Permission) -> UserRecord:
    """The signed-in user holding ``permission``: sign-in page if none, 403 if not allowed."""
    signed_in(request)
    user: UserRecord | None = request.state.user
    if user is None:
        if request.method == "GET":
            raise HTTPException(
                303, "sign in first", headers={"Location": f"/staff/login?next={request.url.path}"}
            )
        raise HTTPException(403, "sign in first")
    if not can(user.role, permission):
        raise HTTPException(403, f"the {user.role.value} role may not do this ({permission.value})")
    return user


async def _form(request: Request) -> FormData:
    form = await request.form(max_files=2, max_fields=200)
    require_csrf(request, str(form.get("csrf_token", "")))
    problems = []
    for key, value in form.multi_items():
        base = re.sub(r"_\d+$", "", key)
        limit = LIMITS.get(base, 200_000)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(f"at most {limit} characters ({len(value)} given)", key=key))
    if problems:
        raise InputError("the form has fields that are too long", problems)
    return form


def _text(form: FormData, key: str) -> str:
    value = form.get(key, "")
    return value if isinstance(value, str) else ""


def _local_time(text: str, key: str) -> datetime:
    """A ``datetime-local`` field, read as Pacific time."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=PACIFIC)
    except ValueError:
        raise InputError(
            "the form is not valid", [Problem("use YYYY-MM-DDTHH:MM", key=key, value=text)]
        ) from None


# -- sign-in ----------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    signed_in(request)
    return render(
        request,
        "staff/login.html",
        {"error": "", "next": request.query_params.get("next", "/staff")},
    )


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next_page: Annotated[str, Form(alias="next", max_length=200)] = "/staff",
) -> Response:
    require_csrf(request, csrf_token)
    portal = portal_of(request)
    client = request.client.host if request.client else "unknown"
    if portal.login_limit.take(f"login:{client}") > 0:
        raise HTTPException(429, "too many sign-in attempts from this address; wait a minute")
    user = portal.store.user(username)
    if user is None or not user.active or not check_password(user.password_hash, password):
        request.state.user = None
        return render(
            request,
            "staff/login.html",
            {"error": "Wrong username or password.", "next": next_page},
            401,
        )
    if needs_rehash(user.password_hash):
        portal.store.set_password_hash(user.username, hash_password(password))
    token = new_token()
    lifetime = timedelta(hours=portal.settings.session_hours)
    portal.store.open_session(user.username, token, now=portal.now(), lifetime=lifetime)
    target = next_page if next_page.startswith("/staff") and "//" not in next_page else "/staff"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=portal.settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    require_csrf(request, csrf_token)
    portal = portal_of(request)
    user = staff_user(request, Permission.VIEW_STAFF)
    token = request.cookies.get(SESSION_COOKIE, "")
    portal.store.close_session(token, actor=user.username, now=portal.now())
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request) -> Response:
    user = staff_user(request, Permission.VIEW_STAFF)
    portal = portal_of(request)
    allowed = {p.value for p in Permission if can(user.role, p)}
    return render(
        request,
        "staff/dashboard.html",
        {
            "allowed": allowed,
            "counts": portal.store.comment_counts(),
            "meetings": portal.store.meetings()[::-1],
        },
    )


# -- meetings ---------------------------------------------------------------------------


@router.get("/meetings/new", response_class=HTMLResponse)
def new_meeting_page(request: Request) -> Response:
    staff_user(request, Permission.MANAGE_MEETINGS)
    return render(
        request,
        "staff/meeting_new.html",
        {"rows": range(1, AGENDA_ROWS + 1), "kinds": list(MeetingKind), "words": DESCRIPTION_WORDS},
    )


@router.post("/meetings")
async def schedule_meeting(request: Request) -> Response:
    user = staff_user(request, Permission.MANAGE_MEETINGS)
    form = await _form(request)
    portal = portal_of(request)
    items = []
    for row in range(1, AGENDA_ROWS + 1):
        title, description = (
            _text(form, f"title_{row}").strip(),
            _text(form, f"description_{row}").strip(),
        )
        if title or description:
            items.append((title, description))
    meeting_id = portal.store.schedule_meeting(
        _text(form, "title"),
        _text(form, "kind") or "regular",
        _local_time(_text(form, "starts_at"), "starts_at"),
        _text(form, "location"),
        items,
        findings=_text(form, "findings"),
        actor=user.username,
        now=portal.now(),
    )
    return RedirectResponse(f"/staff/meetings/{meeting_id}", status_code=303)


def _members(request: Request) -> list[str]:
    portal = portal_of(request)
    commission = views.commission(portal, everyone=False)
    sitting = [m.person_id for m in commission.members if m.sitting]
    if sitting:
        return sitting
    return [
        u.display_name for u in portal.store.users() if u.role is Role.COMMISSIONER and u.active
    ]


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def manage_meeting(request: Request, meeting_id: Id) -> Response:
    staff_user(request, Permission.MANAGE_MEETINGS)
    portal = portal_of(request)
    return render(
        request,
        "staff/meeting_manage.html",
        {
            "m": views.meeting_out(portal, meeting_id),
            "members": _members(request),
            "votes": ("aye", "no", "abstain", "absent"),
        },
    )


@router.post("/meetings/{meeting_id}/items")
async def add_item(request: Request, meeting_id: Id) -> Response:
    user = staff_user(request, Permission.MANAGE_MEETINGS)
    form = await _form(request)
    portal = portal_of(request)
    portal.store.add_agenda_item(
        meeting_id,
        _text(form, "title"),
        _text(form, "description"),
        actor=user.username,
        now=portal.now(),
    )
    return RedirectResponse(f"/staff/meetings/{meeting_id}", status_code=303)


@router.post("/meetings/{meeting_id}/minutes")
async def publish_minutes(request: Request, meeting_id: Id) -> Response:
    user = staff_user(request, Permission.MANAGE_MEETINGS)
    form = await _form(request)
    portal = portal_of(request)
    url = _text(form, "recording_url").strip()
    if url and not url.startswith(("https://", "http://")):
        raise InputError(
            "the minutes cannot be published",
            [Problem("the recording link must be an http(s) URL", key="recording_url", value=url)],
        )
    portal.store.publish_minutes(
        meeting_id, _text(form, "minutes"), recording_url=url, actor=user.username, now=portal.now()
    )
    return RedirectResponse(f"/meetings/{meeting_id}#minutes", status_code=303)


@router.post("/meetings/{meeting_id}/actions")
async def record_action(request: Request, meeting_id: Id) -> Response:
    user = staff_user(request, Permission.MANAGE_MEETINGS)
    form = await _form(request)
    portal = portal_of(request)
    members = _members(request)
    votes = {m: _text(form, f"vote_{i}") or "absent" for i, m in enumerate(members, start=1)}
    item_text = _text(form, "agenda_item_id")
    item = int(item_text) if item_text.isdigit() else None
    portal.store.record_action(
        meeting_id,
        _text(form, "motion"),
        votes,
        agenda_item_id=item,
        actor=user.username,
        now=portal.now(),
    )
    return RedirectResponse(f"/meetings/{meeting_id}#actions", status_code=303)


@router.post("/meetings/{meeting_id}/materials")
async def add_material(request: Request, meeting_id: Id) -> Response:
    user = staff_user(request, Permission.MANAGE_DOCUMENTS)
    form = await _form(request)
    portal = portal_of(request)
    slug = _slug(_text(form, "slug"))
    portal.store.publish_document(
        slug,
        _text(form, "title"),
        _text(form, "body"),
        kind="material",
        meeting_id=meeting_id,
        note=_text(form, "note"),
        actor=user.username,
        now=portal.now(),
    )
    return RedirectResponse(f"/meetings/{meeting_id}#materials", status_code=303)


# -- documents and reports ----------------------------------------------------------------


def _slug(text: str) -> str:
    slug = text.strip().lower()
    if not SLUG.match(slug):
        raise InputError(
            "the document cannot be published",
            [
                Problem(
                    "the short name uses a-z, 0-9 and hyphens (at most 119)", key="slug", value=text
                )
            ],
        )
    return slug


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request) -> Response:
    staff_user(request, Permission.MANAGE_DOCUMENTS)
    portal = portal_of(request)
    return render(request, "staff/documents.html", {"documents": portal.store.documents()})


@router.post("/documents")
async def publish_document(request: Request) -> Response:
    user = staff_user(request, Permission.MANAGE_DOCUMENTS)
    form = await _form(request)
    portal = portal_of(request)
    slug = _slug(_text(form, "slug"))
    portal.store.publish_document(
        slug,
        _text(form, "title"),
        _text(form, "body"),
        kind=_text(form, "kind") or "analysis",
        note=_text(form, "note"),
        actor=user.username,
        now=portal.now(),
    )
    return RedirectResponse(f"/documents/{slug}", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request) -> Response:
    staff_user(request, Permission.MANAGE_DOCUMENTS)
    return render(request, "staff/reports.html", {"reports": portal_of(request).store.reports()})


@router.post("/reports")
async def publish_report(request: Request) -> Response:
    user = staff_user(request, Permission.MANAGE_DOCUMENTS)
    form = await _form(request)
    portal = portal_of(request)
    paragraphs = re.split(r"\n\s*\n", _text(form, "body").replace("\r\n", "\n"))
    report_id = portal.store.publish_report(
        _text(form, "kind"), _text(form, "title"), paragraphs, actor=user.username, now=portal.now()
    )
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


# -- moderation -----------------------------------------------------------------------------


@router.get("/moderation", response_class=HTMLResponse)
def moderation_page(request: Request) -> Response:
    user = staff_user(request, Permission.VIEW_STAFF)
    portal = portal_of(request)
    return render(
        request,
        "staff/moderation.html",
        {
            "pending": portal.store.comments(status=CommentStatus.PENDING),
            "reasons": REASON_TEXT,
            "categories": list(RejectReason),
            "may_moderate": can(user.role, Permission.MODERATE),
        },
    )


@router.post("/comments/{comment_id}/moderate")
async def moderate(request: Request, comment_id: Id) -> Response:
    user = staff_user(request, Permission.MODERATE)
    form = await _form(request)
    portal = portal_of(request)
    decision = decide(_text(form, "action"), _text(form, "category"), _text(form, "reason"))
    portal.store.moderate_comment(comment_id, decision, actor=user.username, now=portal.now())
    return RedirectResponse("/staff/moderation", status_code=303)


# -- users, budget, audit log, record ---------------------------------------------------------


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request) -> Response:
    staff_user(request, Permission.MANAGE_USERS)
    return render(
        request,
        "staff/users.html",
        {"users": portal_of(request).store.users(), "roles": list(Role)},
    )


@router.post("/users")
async def add_user(request: Request) -> Response:
    user = staff_user(request, Permission.MANAGE_USERS)
    form = await _form(request)
    portal = portal_of(request)
    username, password = _text(form, "username").strip(), _text(form, "password")
    problems = []
    if not re.fullmatch(r"[a-z0-9_.-]{3,64}", username):
        problems.append(
            Problem("3 to 64 of a-z, 0-9, '.', '_', '-'", key="username", value=username)
        )
    if len(password) < 12:
        problems.append(Problem("a password has at least 12 characters", key="password"))
    if _text(form, "role") not in {r.value for r in Role}:
        problems.append(Problem("choose a role", key="role"))
    if problems:
        raise InputError("the account cannot be created", problems)
    portal.store.add_user(
        username,
        _text(form, "display_name").strip() or username,
        _text(form, "role"),
        hash_password(password),
        actor=user.username,
        now=portal.now(),
    )
    return RedirectResponse("/staff/users", status_code=303)


@router.post("/users/{username}/active")
async def set_active(request: Request, username: Annotated[str, Path(max_length=64)]) -> Response:
    user = staff_user(request, Permission.MANAGE_USERS)
    form = await _form(request)
    portal = portal_of(request)
    portal.store.set_user_active(
        username, _text(form, "active") == "yes", actor=user.username, now=portal.now()
    )
    return RedirectResponse("/staff/users", status_code=303)


@router.get("/budget", response_class=HTMLResponse)
def budget_page(request: Request) -> Response:
    staff_user(request, Permission.MANAGE_BUDGET)
    return render(
        request,
        "staff/budget.html",
        {"b": views.budget(portal_of(request)), "kinds": list(LineKind)},
    )


@router.post("/budget")
async def add_budget_line(request: Request) -> Response:
    user = staff_user(request, Permission.MANAGE_BUDGET)
    form = await _form(request)
    portal = portal_of(request)
    problems = []
    try:
        cents = parse_dollars(_text(form, "amount"))
    except ValueError as error:
        problems.append(Problem(str(error), key="amount"))
        cents = 0
    try:
        day = date.fromisoformat(_text(form, "day"))
    except ValueError:
        problems.append(Problem("use YYYY-MM-DD", key="day", value=_text(form, "day")))
        day = portal.now().date()
    kind = _text(form, "kind")
    if kind not in {k.value for k in LineKind}:
        problems.append(Problem("an appropriation or an expenditure", key="kind", value=kind))
    category = _text(form, "category").strip()
    if not category:
        problems.append(Problem("name a category", key="category"))
    if cents <= 0 and not any(p.key == "amount" for p in problems):
        problems.append(Problem("the amount must be positive", key="amount"))
    if problems:
        raise InputError("the budget line cannot be recorded", problems)
    line = BudgetLine(
        day, LineKind(kind), category[:64], _text(form, "description").strip()[:300], cents
    )
    portal.store.add_budget_line(line, actor=user.username, now=portal.now())
    return RedirectResponse("/staff/budget", status_code=303)


@router.get("/audit-log", response_class=HTMLResponse)
def audit_log(request: Request) -> Response:
    staff_user(request, Permission.VIEW_AUDIT_LOG)
    return render(
        request, "staff/audit_log.html", {"actions": portal_of(request).store.staff_actions()}
    )


@router.post("/record/publish-results")
async def publish_results(request: Request) -> Response:
    user = staff_user(request, Permission.MANAGE_USERS)
    await _form(request)
    portal = portal_of(request)
    portal.store.publish_stage_results(actor=user.username, now=portal.now())
    return RedirectResponse("/record", status_code=303)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
