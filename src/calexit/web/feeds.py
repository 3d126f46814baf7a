"""Open data: every list as CSV and JSON under ``/data/``, ``/meetings.ics``,
``/documents.atom``, ``/record.json`` (the public record's hash chain) and ``/road.json``
(the latest run of the pathway model)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from calexit.web import views
from calexit.web.app import Portal, portal_of

router = APIRouter(include_in_schema=False)


def _meetings(portal: Portal) -> list[dict[str, Any]]:
    return [views.meeting_summary(m).model_dump(mode="json") for m in portal.store.meetings()]


def _agenda(portal: Portal) -> list[dict[str, Any]]:
    rows = []
    for meeting in portal.store.meetings():
        for item in portal.store.agenda(meeting.id):
            rows.append(
                views.agenda_item(item, 0).model_dump(
                    mode="json", exclude={"comments_accepted", "warnings"}
                )
            )
    return rows


def _actions(portal: Portal) -> list[dict[str, Any]]:
    return [
        {
            "meeting_id": a.meeting_id,
            "action_id": a.id,
            "agenda_item_id": a.agenda_item_id,
            "motion": a.motion,
            "result": a.result,
            "member": v.member,
            "vote": v.vote,
        }
        for a in portal.store.actions()
        for v in a.votes
    ]


def _documents(portal: Portal) -> list[dict[str, Any]]:
    return [views.document_summary(d).model_dump(mode="json") for d in portal.store.documents()]


def _comments(portal: Portal) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in views.public_comments(portal).comments]


def _budget(portal: Portal) -> list[dict[str, Any]]:
    return [line.model_dump(mode="json") for line in views.budget(portal).lines]


def _members(portal: Portal) -> list[dict[str, Any]]:
    c = views.commission(portal, everyone=False)
    return [
        {**m.model_dump(mode="json", exclude={"features"}), **m.features}
        for m in [*c.members, *c.alternates]
    ]


def _probabilities(portal: Portal) -> list[dict[str, Any]]:
    return views.commission(portal).probabilities


def _petition(portal: Portal) -> list[dict[str, Any]]:
    return views.petition(portal).counties


def _vote(portal: Portal) -> list[dict[str, Any]]:
    return views.vote(portal).counties


def _timeline(portal: Portal) -> list[dict[str, Any]]:
    return [s.model_dump(mode="json") for s in views.status(portal).steps]


def _viability(_portal: Portal) -> list[dict[str, Any]]:
    return [a.model_dump(mode="json") for a in views.viability().areas]


def _hurdles(_portal: Portal) -> list[dict[str, Any]]:
    return [h.model_dump(mode="json") for h in views.viability().hurdles]


def _record(portal: Portal) -> list[dict[str, Any]]:
    return [
        {**link.as_json(), "payload": json.dumps(link.payload, sort_keys=True, ensure_ascii=False)}
        for link in portal.store.record()
    ]


DATASETS: dict[str, tuple[str, Callable[[Portal], list[dict[str, Any]]]]] = {
    "timeline": ("The road: every step with its date and status", _timeline),
    "meetings": ("Meetings with their notice", _meetings),
    "agenda-items": ("Every agenda item of every meeting", _agenda),
    "votes": ("Every member's vote on every action", _actions),
    "documents": ("Documents, latest version", _documents),
    "comments": ("Public comments (accepted in full, rejected with reason)", _comments),
    "budget": ("Appropriations and expenditures", _budget),
    "commission-members": ("Members and alternates", _members),
    "commission-probabilities": ("Everyone's selection probability", _probabilities),
    "petition-counties": ("Petition results by county", _petition),
    "vote-counties": ("Vote results by county", _vote),
    "viability": (
        "The viability register: study areas, questions, key figures with sources, status",
        _viability,
    ),
    "viability-hurdles": ("The key hurdles (seed 002) and the study areas they touch", _hurdles),
    "record": ("The public record's hash chain", _record),
}


def _csv(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in row.items()}
        )
    return out.getvalue()


@router.get("/data/{name}.csv")
def dataset_csv(request: Request, name: str) -> Response:
    if name not in DATASETS:
        raise HTTPException(404, f"no dataset {name!r}; see /open-data")
    rows = DATASETS[name][1](portal_of(request))
    return Response(
        _csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/data/{name}.json")
def dataset_json(request: Request, name: str) -> Response:
    if name == "vote-audit":
        vote = views.vote(portal_of(request))
        return JSONResponse({"audit": vote.audit, "figures": vote.figures})
    if name not in DATASETS:
        raise HTTPException(404, f"no dataset {name!r}; see /open-data")
    return JSONResponse(DATASETS[name][1](portal_of(request)))


@router.get("/road.json")
def road_json(request: Request) -> Response:
    """The latest pathway run as the road page shows it (``ran`` false before any run)."""
    return JSONResponse(views.road(portal_of(request)).model_dump(mode="json"))


@router.get("/record.json")
def record_json(request: Request) -> Response:
    return JSONResponse(views.record(portal_of(request)).model_dump(mode="json"))


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 3.1: lines longer than 75 octets are folded."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], ""
    for ch in line:
        if len((current + ch).encode("utf-8")) > 74:
            parts.append(current)
            current = ch
        else:
            current += ch
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@router.get("/meetings.ics")
def meetings_ics(request: Request) -> Response:
    portal = portal_of(request)
    host = request.url.hostname or "localhost"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//calexit//public portal//EN",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Commission meetings",
    ]
    for m in portal.store.meetings():
        url = str(request.base_url).rstrip("/") + f"/meetings/{m.id}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:meeting-{m.id}@{host}",
            f"DTSTAMP:{_stamp(m.notice_posted_at)}",
            f"DTSTART:{_stamp(m.starts_at)}",
            f"SUMMARY:{_ics_text(m.title)} ({m.kind.value})",
            f"LOCATION:{_ics_text(m.location)}",
            f"URL:{url}",
            f"DESCRIPTION:{_ics_text('Agenda and materials: ' + url)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold(line) for line in lines) + "\r\n"
    return Response(body, media_type="text/calendar; charset=utf-8")


@router.get("/documents.atom")
def documents_atom(request: Request) -> Response:
    portal = portal_of(request)
    base = str(request.base_url).rstrip("/")
    docs = portal.store.documents()
    updated = max((d.published_at for d in docs), default=portal.now())
    entries = []
    for d in docs:
        link = f"{base}/documents/{d.slug}?version={d.version}"
        entries.append(
            "<entry>"
            f"<title>{escape(d.title)} (version {d.version})</title>"
            f'<link rel="alternate" href="{escape(link)}"/>'
            f"<id>{escape(link)}</id>"
            f"<updated>{d.published_at.astimezone(UTC).isoformat()}</updated>"
            f"<summary>{escape(d.body[:300])}</summary>"
            "</entry>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Commission documents</title>"
        f"<id>{escape(base)}/documents.atom</id>"
        f'<link rel="self" href="{escape(base)}/documents.atom"/>'
        f"<updated>{updated.astimezone(UTC).isoformat()}</updated>"
        "<author><name>Commission on National Sovereignty and Independence</name></author>"
        + "".join(entries)
        + "</feed>"
    )
    return Response(feed, media_type="application/atom+xml; charset=utf-8")
