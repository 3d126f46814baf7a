"""The public record: chaining stage results, reading and checking the chain, and drift."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from calexit.portal.chain import ChainCheck, Link, canonical_json, verify_chain
from calexit.store.models import (
    ActionRow,
    AgendaItemRow,
    AuditRow,
    CommentRow,
    DocumentRow,
    DocumentVersionRow,
    LotteryRow,
    MeetingRow,
    RecordLinkRow,
    ReportRow,
    StageRunRow,
)
from calexit.store.portal_base import PortalBase, append_link, link_of_row, log_action
from calexit.store.portal_payloads import (
    action_payload,
    comment_payload,
    iso_utc,
    item_payload,
    minutes_payload,
    notice_payload,
    report_payload,
    sha256_hex,
    version_payload,
)
from calexit.store.times import from_db


class PortalRecord(PortalBase):
    """The hash chain of the public record."""

    # -- the public record ------------------------------------------------------------

    def publish_result(
        self, kind: str, ref: str, payload: Mapping[str, Any], *, actor: str, now: datetime
    ) -> bool:
        """Append a stage's published result (run, audit, lottery) unless ``ref`` is in already."""
        with self.session() as session:
            if (
                session.scalar(select(RecordLinkRow.seq).where(RecordLinkRow.ref == ref).limit(1))
                is not None
            ):
                return False
            append_link(session, kind, ref, dict(payload), now)
            log_action(session, actor, "publish-result", ref, {"kind": kind}, now)
            return True

    def publish_stage_results(self, *, actor: str, now: datetime) -> list[str]:
        """Chain every finished stage run, audit and drawn lottery not yet in the record."""
        added: list[str] = []
        with self.session() as session:
            runs = list(
                session.scalars(
                    select(StageRunRow)
                    .where(StageRunRow.finished_at.is_not(None))
                    .order_by(StageRunRow.id)
                )
            )
            audits = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
            lotteries = list(session.scalars(select(LotteryRow).order_by(LotteryRow.id)))
            items: list[tuple[str, str, dict[str, Any]]] = []
            for run in runs:
                items.append(("result", f"stage-run/{run.id}", _run_payload(run)))
            for audit in audits:
                items.append(
                    ("audit", f"audit/{audit.id}/{audit.status.value}", _audit_payload(audit))
                )
            for lottery in lotteries:
                items.append(
                    (
                        "lottery",
                        f"lottery/{lottery.id}/{lottery.status.value}",
                        _lottery_payload(lottery),
                    )
                )
        for kind, ref, payload in items:
            if self.publish_result(kind, ref, payload, actor=actor, now=now):
                added.append(ref)
        return added

    def record(self) -> list[Link]:
        """Every link of the public record, in order."""
        with self.session() as session:
            return [
                link_of_row(r)
                for r in session.scalars(select(RecordLinkRow).order_by(RecordLinkRow.seq))
            ]

    def record_head(self) -> tuple[int, str]:
        """How many links the record has and the hash of the last ("" when empty)."""
        with self.session() as session:
            head = session.execute(
                select(RecordLinkRow.seq, RecordLinkRow.hash)
                .order_by(RecordLinkRow.seq.desc())
                .limit(1)
            ).first()
            count = session.scalar(select(func.count()).select_from(RecordLinkRow)) or 0
            return (int(count), "" if head is None else str(head[1]))

    def verify_record(self) -> ChainCheck:
        return verify_chain(self.record())

    def record_drift(self, links: Sequence[Link] | None = None) -> list[str]:
        """Published items whose current rows no longer match their latest link (of
        ``links`` when the caller has just read the record, else of the stored record).

        The chain proves the record was not rewritten; this check proves the live pages
        still show what was recorded (a silent edit of minutes, a vote or a comment).
        """
        builders = {
            "notice": _notice_from_ref,
            "agenda-item": _item_from_ref,
            "minutes": _minutes_from_ref,
            "action": _action_from_ref,
            "comment": _comment_from_ref,
            "document": _document_from_ref,
            "report": _report_from_ref,
        }
        latest: dict[str, Link] = {}
        for link in self.record() if links is None else links:
            latest[link.ref] = link
        drift: list[str] = []
        with self.session() as session:
            for ref, link in latest.items():
                builder = builders.get(link.kind)
                if builder is None:
                    continue
                current = builder(session, ref)
                if current is None:
                    drift.append(f"{ref}: recorded in link {link.seq} but gone from the database")
                elif canonical_json(current) != canonical_json(link.payload):
                    drift.append(f"{ref}: differs from what link {link.seq} recorded")
        return drift


def _run_payload(run: StageRunRow) -> dict[str, Any]:
    summary = canonical_json(run.summary) if run.summary is not None else ""
    return {
        "stage": run.stage.value,
        "pack": run.pack_id,
        "status": run.status.value,
        "seed": run.seed,
        "code_version": run.code_version,
        "finished_at": None if run.finished_at is None else iso_utc(from_db(run.finished_at)),
        "summary_sha256": sha256_hex(summary),
        "outcome": (run.summary or {}).get("outcome"),
    }


def _audit_payload(audit: AuditRow) -> dict[str, Any]:
    return {
        "audit": audit.id,
        "kind": audit.kind.value,
        "risk_limit": str(audit.risk_limit),
        "seed": audit.seed,
        "status": audit.status.value,
        "manifest_sha256": audit.manifest_sha256,
        "reported_outcome": audit.reported.get("outcome"),
    }


def _lottery_payload(lottery: LotteryRow) -> dict[str, Any]:
    return {
        "lottery": lottery.id,
        "algorithm": lottery.algorithm,
        "commitment": lottery.commitment,
        "status": lottery.status.value,
        "seed": lottery.seed,
        "drawn_index": lottery.drawn_index,
    }


def _ref_id(ref: str, index: int = 1) -> int | None:
    parts = ref.split("/")
    try:
        return int(parts[index])
    except (IndexError, ValueError):
        return None


def _notice_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(MeetingRow, _ref_id(ref))
    return None if row is None else notice_payload(session, row)


def _item_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(AgendaItemRow, _ref_id(ref))
    return None if row is None else item_payload(row)


def _minutes_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(MeetingRow, _ref_id(ref))
    return None if row is None or row.minutes is None else minutes_payload(row)


def _action_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(ActionRow, _ref_id(ref))
    return None if row is None else action_payload(session, row)


def _comment_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(CommentRow, _ref_id(ref))
    return None if row is None else comment_payload(row)


def _document_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    _, slug, version = ref.split("/", 2)
    found = session.execute(
        select(DocumentRow, DocumentVersionRow)
        .join(DocumentVersionRow, DocumentVersionRow.document_id == DocumentRow.id)
        .where(DocumentRow.slug == slug, DocumentVersionRow.version == int(version.lstrip("v")))
    ).first()
    return None if found is None else version_payload(found[0], found[1])


def _report_from_ref(session: Session, ref: str) -> dict[str, Any] | None:
    row = session.get(ReportRow, _ref_id(ref))
    return None if row is None else report_payload(session, row)
