"""The public pages: no account needed, every page works without JavaScript."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from calexit.errors import InputError
from calexit.portal.moderation import REASON_TEXT, TargetKind, check_comment
from calexit.store import Stage
from calexit.web import views
from calexit.web.app import portal_of, render
from calexit.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_ok
from calexit.web.svg import burn_chart, county_map

router = APIRouter(include_in_schema=False)

MAX_QUERY = 200
SHOWN_ALTERNATES = 50
"""Alternates listed on the commission page; all of them are in the open data."""
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


def signed_in(request: Request) -> None:
    """Attach the signed-in staff user (if any) to ``request.state.user``."""
    token = request.cookies.get(SESSION_COOKIE)
    portal = portal_of(request)
    request.state.user = portal.store.session_user(token, now=portal.now()) if token else None


def require_csrf(request: Request, submitted: str) -> None:
    portal = portal_of(request)
    if not csrf_ok(portal.settings.secret, request.cookies.get(CSRF_COOKIE), submitted):
        raise HTTPException(
            403,
            "the form's security token is missing or stale (CSRF check): "
            "reload the page and send it again",
        )


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    signed_in(request)
    portal = portal_of(request)
    return render(
        request,
        "home.html",
        {
            "status": views.status(portal),
            "documents": [views.document_summary(d) for d in portal.store.documents()[:5]],
            "counts": portal.store.comment_counts(),
        },
    )


def _map_values(stage: str, counties: list[dict[str, object]]) -> dict[str, float]:
    values: dict[str, float] = {}
    for row in counties:
        name = str(row.get("county", ""))
        try:
            if stage == "vote":
                yes, no = float(str(row.get("yes", 0))), float(str(row.get("no", 0)))
                values[name] = yes / (yes + no) if yes + no else math.nan
            else:
                raw, projected = float(str(row.get("raw", 0))), float(str(row.get("projected", 0)))
                values[name] = projected / raw if raw else math.nan
        except ValueError:
            continue
    return values


def _stage_page(request: Request, stage: Stage) -> Response:
    signed_in(request)
    portal = portal_of(request)
    result = views.vote(portal) if stage is Stage.VOTE else views.petition(portal)
    label = (
        "Yes share of yes-plus-no votes"
        if stage is Stage.VOTE
        else "Projected valid share of raw signatures"
    )
    figure = (
        county_map(
            _map_values(stage.value, result.counties),
            title=f"{stage.value.title()} results by county",
            label=label,
            figure_id=f"{stage.value}-map",
        )
        if result.counties
        else ""
    )
    columns = list(result.counties[0].keys()) if result.counties else []
    return render(
        request,
        "stage.html",
        {
            "result": result,
            "figure": figure,
            "columns": columns,
            "percent_columns": [c for c in columns if _is_share(c)],
            "shares": _statewide_shares(result.figures) if stage is Stage.VOTE else {},
            "label": label,
            "title": stage.value.title(),
        },
    )


def _is_share(column: str) -> bool:
    """Columns that hold a fraction (turnout, a share): shown to people as a percentage."""
    return column == "turnout" or column.endswith("_share")


def _statewide_shares(figures: dict[str, object]) -> dict[str, float]:
    """Turnout and the yes share, from the statewide counts (the page shows percentages)."""
    shares: dict[str, float] = {}
    try:
        registered = float(str(figures.get("registered", 0)))
        cast = float(str(figures.get("ballots_cast", 0)))
        yes, no = float(str(figures.get("yes", 0))), float(str(figures.get("no", 0)))
    except ValueError:
        return shares
    if registered > 0 and cast > 0:
        shares["turnout"] = cast / registered
    if yes + no > 0:
        shares["yes share of yes and no votes"] = yes / (yes + no)
    return shares


@router.get("/petition", response_class=HTMLResponse)
def petition_page(request: Request) -> Response:
    return _stage_page(request, Stage.PETITION)


@router.get("/vote", response_class=HTMLResponse)
def vote_page(request: Request) -> Response:
    return _stage_page(request, Stage.VOTE)


@router.get("/road", response_class=HTMLResponse)
def road_page(request: Request) -> Response:
    signed_in(request)
    return render(
        request,
        "road.html",
        {"road": views.road(portal_of(request)), "register": views.viability()},
    )


@router.get("/commission", response_class=HTMLResponse)
def commission_page(request: Request) -> Response:
    signed_in(request)
    c = views.commission(portal_of(request), everyone=False, alternates=SHOWN_ALTERNATES)
    return render(request, "commission.html", {"c": c})


@router.get("/commission/bundle/{name}", response_class=PlainTextResponse)
def bundle_file(request: Request, name: str) -> Response:
    portal = portal_of(request)
    lottery = portal.store.latest_lottery()
    files = portal.store.bundle_files(lottery.id) if lottery else {}
    if name not in files:
        raise HTTPException(404, f"no bundle file {name!r}")
    kind = (
        "text/csv"
        if name.endswith(".csv")
        else "application/json"
        if name.endswith(".json")
        else "text/plain"
    )
    return Response(files[name], media_type=f"{kind}; charset=utf-8")


@router.get("/meetings", response_class=HTMLResponse)
def meetings_page(request: Request) -> Response:
    signed_in(request)
    portal = portal_of(request)
    meetings = [views.meeting_summary(m) for m in portal.store.meetings()]
    now = portal.now()
    return render(
        request,
        "meetings.html",
        {
            "upcoming": [m for m in meetings if m.starts_at >= now],
            "past": [m for m in meetings if m.starts_at < now][::-1],
        },
    )


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(request: Request, meeting_id: Id) -> Response:
    signed_in(request)
    return render(request, "meeting.html", {"m": views.meeting_out(portal_of(request), meeting_id)})


def _comment_page(
    request: Request,
    kind: TargetKind,
    target_id: int,
    status: int = 200,
    error: list[str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    portal = portal_of(request)
    store = portal.store
    context: dict[str, object] = {
        "kind": kind.value,
        "comments": views.public_comments(portal, kind, target_id),
        "reasons": REASON_TEXT,
        "error": error or [],
        "form": form or {},
        "submitted": request.query_params.get("submitted") == "1",
    }
    if kind is TargetKind.AGENDA_ITEM:
        item = store.agenda_item(target_id)
        context["item"] = item
        context["meeting"] = store.meeting(item.meeting_id)
        context["action"] = f"/items/{target_id}/comments"
    else:
        paragraph = store.paragraph(target_id)
        context["paragraph"] = paragraph
        context["report"] = store.report(paragraph.report_id)
        context["action"] = f"/paragraphs/{target_id}/comments"
    return render(request, "comment_target.html", context, status)


def _post_comment(
    request: Request, kind: TargetKind, target_id: int, author: str, body: str, token: str
) -> Response:
    require_csrf(request, token)
    portal = portal_of(request)
    client = request.client.host if request.client else "unknown"
    wait = portal.comment_limit.take(client)
    if wait > 0:
        raise HTTPException(
            429,
            f"too many comments from this address; try again in {math.ceil(wait)} seconds",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    try:
        draft = check_comment(author, body)
    except InputError as error:
        signed_in(request)
        return _comment_page(
            request,
            kind,
            target_id,
            400,
            error.lines(),
            {"author": author[:200], "body": body[:5000]},
        )
    portal.store.submit_comment(kind, target_id, draft.author, draft.body, now=portal.now())
    base = "/items" if kind is TargetKind.AGENDA_ITEM else "/paragraphs"
    return RedirectResponse(f"{base}/{target_id}?submitted=1#comments", status_code=303)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: Id) -> Response:
    signed_in(request)
    return _comment_page(request, TargetKind.AGENDA_ITEM, item_id)


@router.post("/items/{item_id}/comments")
def item_comment(
    request: Request,
    item_id: Id,
    body: Annotated[str, Form(max_length=20000)] = "",
    author: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _post_comment(request, TargetKind.AGENDA_ITEM, item_id, author, body, csrf_token)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request) -> Response:
    signed_in(request)
    portal = portal_of(request)
    return render(
        request,
        "reports.html",
        {"reports": [views.report_out(portal, r) for r in portal.store.reports()]},
    )


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: Id) -> Response:
    signed_in(request)
    portal = portal_of(request)
    return render(
        request, "report.html", {"r": views.report_out(portal, portal.store.report(report_id))}
    )


@router.get("/paragraphs/{paragraph_id}", response_class=HTMLResponse)
def paragraph_page(request: Request, paragraph_id: Id) -> Response:
    signed_in(request)
    return _comment_page(request, TargetKind.PARAGRAPH, paragraph_id)


@router.post("/paragraphs/{paragraph_id}/comments")
def paragraph_comment(
    request: Request,
    paragraph_id: Id,
    body: Annotated[str, Form(max_length=20000)] = "",
    author: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    return _post_comment(request, TargetKind.PARAGRAPH, paragraph_id, author, body, csrf_token)


@router.get("/comments", response_class=HTMLResponse)
def comments_page(request: Request) -> Response:
    signed_in(request)
    return render(
        request,
        "comments.html",
        {"comments": views.public_comments(portal_of(request)), "reasons": REASON_TEXT},
    )


@router.get("/documents", response_class=HTMLResponse)
def documents_page(
    request: Request, q: Annotated[str, Query(max_length=MAX_QUERY)] = ""
) -> Response:
    signed_in(request)
    portal = portal_of(request)
    hits = portal.store.search_documents(q) if q.strip() else []
    return render(
        request,
        "documents.html",
        {
            "q": q,
            "hits": [(views.document_summary(h.document), h.snippet) for h in hits],
            "documents": [views.document_summary(d) for d in portal.store.documents()],
            "method": portal.store.search_method(),
        },
    )


@router.get("/documents/{slug}", response_class=HTMLResponse)
def document_page(
    request: Request, slug: str, version: Annotated[int | None, Query(ge=1)] = None
) -> Response:
    signed_in(request)
    portal = portal_of(request)
    return render(
        request,
        "document.html",
        {"d": views.document_out(portal, portal.store.document(slug, version))},
    )


@router.get("/documents/{slug}/v{version}.txt", response_class=PlainTextResponse)
def document_text(request: Request, slug: str, version: Id) -> Response:
    doc = portal_of(request).store.document(slug, version)
    return PlainTextResponse(
        doc.body, headers={"Content-Disposition": f'inline; filename="{slug}-v{version}.txt"'}
    )


@router.get("/budget", response_class=HTMLResponse)
def budget_page(request: Request) -> Response:
    signed_in(request)
    b = views.budget(portal_of(request))
    chart = burn_chart([(m.month, m.cumulative_cents) for m in b.months], b.appropriated_cents)
    return render(request, "budget.html", {"b": b, "chart": chart})


@router.get("/record", response_class=HTMLResponse)
def record_page(request: Request) -> Response:
    signed_in(request)
    portal = portal_of(request)
    links = portal.store.record()
    return render(
        request,
        "record.html",
        {"r": views.record(portal, links), "drift": portal.store.record_drift(links)},
    )


@router.get("/open-data", response_class=HTMLResponse)
def open_data_page(request: Request) -> Response:
    signed_in(request)
    from calexit.web.feeds import DATASETS  # noqa: PLC0415 - feeds imports this module

    return render(request, "open_data.html", {"datasets": DATASETS})


@router.get("/about", response_class=HTMLResponse)
def about_page(request: Request) -> Response:
    signed_in(request)
    return render(request, "about.html", {})
