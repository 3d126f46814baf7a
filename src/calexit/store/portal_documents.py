"""Documents: versioned publication and full-text search (PostgreSQL tsvector, SQLite FTS5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from calexit.errors import InputError, NotFoundError, Problem
from calexit.store.models import (
    DocumentRow,
    DocumentVersionRow,
)
from calexit.store.portal_base import PortalBase, append_link, log_action
from calexit.store.portal_meetings import meeting_row
from calexit.store.portal_payloads import sha256_hex, version_payload
from calexit.store.portal_records import DOCUMENT_KINDS, DocumentRecord, SearchHit
from calexit.store.times import from_db, to_utc


class PortalDocuments(PortalBase):
    """Documents, their versions and search."""

    # -- documents --------------------------------------------------------------------

    def publish_document(
        self,
        slug: str,
        title: str,
        body: str,
        *,
        kind: str = "analysis",
        meeting_id: int | None = None,
        note: str = "",
        actor: str,
        now: datetime,
    ) -> int:
        """Publish a document, or a new version of one with this slug; return the version."""
        problems: list[Problem] = []
        if kind not in DOCUMENT_KINDS:
            problems.append(
                Problem(f"the kind is one of {', '.join(DOCUMENT_KINDS)}", key="kind", value=kind)
            )
        if not body.strip():
            problems.append(Problem("the document is empty", key="body"))
        if not title.strip():
            problems.append(Problem("the document needs a title", key="title"))
        if problems:
            raise InputError("the document cannot be published", problems)
        with self.session() as session:
            if meeting_id is not None:
                meeting_row(session, meeting_id)
            doc = session.scalar(select(DocumentRow).where(DocumentRow.slug == slug))
            if doc is None:
                doc = DocumentRow(
                    slug=slug,
                    title=title.strip(),
                    kind=kind,
                    meeting_id=meeting_id,
                    created_at=to_utc(now),
                )
                session.add(doc)
                session.flush()
            else:
                doc.title = title.strip()
            version = (
                session.scalar(
                    select(func.max(DocumentVersionRow.version)).where(
                        DocumentVersionRow.document_id == doc.id
                    )
                )
                or 0
            ) + 1
            row = DocumentVersionRow(
                document_id=doc.id,
                version=version,
                body=body,
                sha256=sha256_hex(body),
                note=note.strip(),
                published_at=to_utc(now),
            )
            session.add(row)
            session.flush()
            append_link(
                session, "document", f"document/{slug}/v{version}", version_payload(doc, row), now
            )
            log_action(
                session, actor, "publish-document", f"document/{slug}", {"version": version}, now
            )
            return version

    def documents(self, *, meeting_id: int | None = None) -> list[DocumentRecord]:
        """The latest version of every document (or of one meeting's materials), newest first."""
        with self.session() as session:
            query = _latest_versions()
            if meeting_id is not None:
                query = query.where(DocumentRow.meeting_id == meeting_id)
            return [_document(d, v) for d, v in session.execute(query)]

    def document(self, slug: str, version: int | None = None) -> DocumentRecord:
        with self.session() as session:
            query = (
                select(DocumentRow, DocumentVersionRow)
                .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
                .where(DocumentRow.slug == slug)
                .order_by(DocumentVersionRow.version.desc())
            )
            if version is not None:
                query = query.where(DocumentVersionRow.version == version)
            found = session.execute(query.limit(1)).first()
            if found is None:
                which = f" version {version}" if version is not None else ""
                raise NotFoundError(f"no document {slug!r}{which}")
            return _document(found[0], found[1])

    def document_versions(self, slug: str) -> list[DocumentRecord]:
        with self.session() as session:
            query = (
                select(DocumentRow, DocumentVersionRow)
                .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
                .where(DocumentRow.slug == slug)
                .order_by(DocumentVersionRow.version.desc())
            )
            return [_document(d, v) for d, v in session.execute(query)]

    def search_method(self) -> str:
        """How :meth:`search_documents` searches on this backend."""
        dialect = self.session_dialect()
        return {"sqlite": "sqlite-fts5", "postgresql": "postgresql-tsvector"}.get(dialect, "like")

    def session_dialect(self) -> str:
        with self.session() as session:
            return session.get_bind().dialect.name

    def search_documents(self, query_text: str, *, limit: int = 50) -> list[SearchHit]:
        """Full-text search over the latest version of every document.

        PostgreSQL: ``to_tsvector('english', …) @@ websearch_to_tsquery(…)``, ranked by
        ``ts_rank``. SQLite: an FTS5 index of the latest versions, built in the
        connection's TEMP schema for the query (so the migrated schema holds no virtual
        table) and ranked by bm25. Either falls back to a case-insensitive LIKE on every
        word when the engine refuses the query.
        """
        words = query_text.split()
        if not words:
            return []
        with self.session() as session:
            dialect = session.get_bind().dialect.name
            ids: list[int] | None = None
            try:
                if dialect == "postgresql":
                    with session.begin_nested():  # a refused query must not end the transaction
                        ids = _search_postgres(session, query_text, limit)
                elif dialect == "sqlite":
                    ids = _search_sqlite(session, words, limit)
            except (OperationalError, DBAPIError):
                ids = None
            if ids is None:
                ids = _search_like(session, words, limit)
            latest = {
                d.id: (d, v)
                for d, v in session.execute(_latest_versions().where(DocumentRow.id.in_(ids)))
            }
            hits = []
            for doc_id in ids:
                if doc_id in latest:
                    record = _document(*latest[doc_id])
                    hits.append(SearchHit(record, _snippet(record.body, words)))
            return hits


def _latest_versions() -> Any:
    newest = (
        select(
            DocumentVersionRow.document_id, func.max(DocumentVersionRow.version).label("version")
        )
        .group_by(DocumentVersionRow.document_id)
        .subquery()
    )
    return (
        select(DocumentRow, DocumentVersionRow)
        .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
        .join(
            newest,
            (newest.c.document_id == DocumentVersionRow.document_id)
            & (newest.c.version == DocumentVersionRow.version),
        )
        .order_by(DocumentVersionRow.published_at.desc(), DocumentRow.id.desc())
    )


def _document(doc: DocumentRow, version: DocumentVersionRow) -> DocumentRecord:
    return DocumentRecord(
        id=doc.id,
        slug=doc.slug,
        title=doc.title,
        kind=doc.kind,
        meeting_id=doc.meeting_id,
        created_at=from_db(doc.created_at),
        version=version.version,
        body=version.body,
        sha256=version.sha256,
        note=version.note,
        published_at=from_db(version.published_at),
    )


# -- helpers: search -------------------------------------------------------------------


def _search_postgres(session: Session, query_text: str, limit: int) -> list[int]:
    sql = text(
        "SELECT v.document_id FROM portal_document_version v "
        "JOIN portal_document d ON d.id = v.document_id "
        "WHERE v.version = (SELECT max(version) FROM portal_document_version w "
        "WHERE w.document_id = v.document_id) "
        "AND to_tsvector('english', d.title || ' ' || v.body) "
        "@@ websearch_to_tsquery('english', :q) "
        "ORDER BY ts_rank(to_tsvector('english', d.title || ' ' || v.body), "
        "websearch_to_tsquery('english', :q)) DESC, v.document_id LIMIT :limit"
    )
    return [int(r[0]) for r in session.execute(sql, {"q": query_text, "limit": limit})]


def _search_sqlite(session: Session, words: list[str], limit: int) -> list[int]:
    session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.portal_search "
            "USING fts5(doc_id UNINDEXED, title, body)"
        )
    )
    session.execute(text("DELETE FROM temp.portal_search"))
    session.execute(
        text(
            "INSERT INTO temp.portal_search (doc_id, title, body) "
            "SELECT d.id, d.title, v.body FROM portal_document d "
            "JOIN portal_document_version v ON v.document_id = d.id "
            "WHERE v.version = (SELECT max(version) FROM portal_document_version w "
            "WHERE w.document_id = d.id)"
        )
    )
    # Each word quoted as an FTS5 string: user text never becomes query syntax.
    match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
    rows = session.execute(
        text(
            "SELECT doc_id FROM temp.portal_search WHERE portal_search MATCH :m "
            "ORDER BY bm25(portal_search) LIMIT :limit"
        ),
        {"m": match, "limit": limit},
    )
    return [int(r[0]) for r in rows]


def _search_like(session: Session, words: list[str], limit: int) -> list[int]:
    query = _latest_versions()
    for word in words:
        pattern = (
            "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(
            or_(
                func.lower(DocumentVersionRow.body).like(pattern, escape="\\"),
                func.lower(DocumentRow.title).like(pattern, escape="\\"),
            )
        )
    return [d.id for d, _v in session.execute(query.limit(limit))]


def _snippet(body: str, words: list[str], width: int = 200) -> str:
    lowered = body.lower()
    positions = [lowered.find(w.lower()) for w in words if lowered.find(w.lower()) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    piece = " ".join(body[start : start + width].split())
    return ("…" if start else "") + piece + ("…" if start + width < len(body) else "")
