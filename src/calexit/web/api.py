"""The read-only JSON API under ``/api/``, described by ``/openapi.json``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from calexit.web import views
from calexit.web.app import portal_of
from calexit.web.schemas import (
    BudgetOut,
    CommentsOut,
    CommissionOut,
    DocumentOut,
    DocumentSummary,
    MeetingOut,
    MeetingSummary,
    RecordOut,
    ReportOut,
    SearchHitOut,
    SearchOut,
    StageOut,
    StatusOut,
)

router = APIRouter(prefix="/api", tags=["public"])

NotFound: dict[int | str, dict[str, Any]] = {404: {"description": "No such item"}}


@router.get("/status", response_model=StatusOut, summary="Where things stand")
def api_status(request: Request) -> StatusOut:
    return views.status(portal_of(request))


@router.get("/petition", response_model=StageOut, summary="The petition stage's latest result")
def api_petition(request: Request) -> StageOut:
    return views.petition(portal_of(request))


@router.get("/vote", response_model=StageOut, summary="The vote and its audit")
def api_vote(request: Request) -> StageOut:
    return views.vote(portal_of(request))


@router.get("/commission", response_model=CommissionOut, summary="Members, alternates and the draw")
def api_commission(request: Request) -> CommissionOut:
    return views.commission(portal_of(request))


@router.get("/meetings", response_model=list[MeetingSummary], summary="Every meeting")
def api_meetings(request: Request) -> list[MeetingSummary]:
    return [views.meeting_summary(m) for m in portal_of(request).store.meetings()]


@router.get("/meetings/{meeting_id}", response_model=MeetingOut, responses=NotFound)
def api_meeting(
    request: Request, meeting_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> MeetingOut:
    return views.meeting_out(portal_of(request), meeting_id)


@router.get("/documents", response_model=list[DocumentSummary], summary="Documents, latest version")
def api_documents(request: Request) -> list[DocumentSummary]:
    return [views.document_summary(d) for d in portal_of(request).store.documents()]


@router.get("/documents/search", response_model=SearchOut, summary="Full-text search")
def api_search(
    request: Request, q: Annotated[str, Query(min_length=1, max_length=200)]
) -> SearchOut:
    store = portal_of(request).store
    hits = store.search_documents(q)
    return SearchOut(
        query=q,
        method=store.search_method(),
        hits=[
            SearchHitOut(document=views.document_summary(h.document), snippet=h.snippet)
            for h in hits
        ],
    )


@router.get("/documents/{slug}", response_model=DocumentOut, responses=NotFound)
def api_document(
    request: Request, slug: str, version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> DocumentOut:
    portal = portal_of(request)
    return views.document_out(portal, portal.store.document(slug, version))


@router.get("/reports", response_model=list[ReportOut], summary="Draft and adopted reports")
def api_reports(request: Request) -> list[ReportOut]:
    portal = portal_of(request)
    return [views.report_out(portal, r) for r in portal.store.reports()]


@router.get(
    "/comments", response_model=CommentsOut, summary="Public comments and moderation outcomes"
)
def api_comments(request: Request) -> CommentsOut:
    return views.public_comments(portal_of(request))


@router.get("/budget", response_model=BudgetOut, summary="Appropriation, spending and burn")
def api_budget(request: Request) -> BudgetOut:
    return views.budget(portal_of(request))


@router.get("/record", response_model=RecordOut, summary="The public record's hash chain")
def api_record(request: Request) -> RecordOut:
    return views.record(portal_of(request))
