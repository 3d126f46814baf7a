"""The tamper-evident public record: a SHA-256 hash chain over every published item.

Each link holds a sequence number, the item's ``kind`` and ``ref``, the time it was
published and its ``payload`` (what was published, as JSON). Its hash is::

    SHA-256( canonical_json({"seq", "kind", "ref", "published_at", "payload", "prev"}) )

where ``prev`` is the previous link's hash (:data:`GENESIS`, 64 zeros, for the first)
and canonical JSON is UTF-8 with sorted keys, no insignificant whitespace and no
NaN (the form of RFC 8785 for the strings, integers and nested objects the portal
publishes). Editing any published item, reordering or deleting a link changes a hash
and :func:`verify_chain` names the first link that no longer holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON text: sorted keys, compact separators, UTF-8 kept."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def link_hash(seq: int, kind: str, ref: str, published_at: str, payload: Any, prev: str) -> str:
    """The SHA-256 (hex) of one link."""
    body = {
        "seq": seq,
        "kind": kind,
        "ref": ref,
        "published_at": published_at,
        "payload": payload,
        "prev": prev,
    }
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Link:
    """One link of the record, as published at ``/record.json``."""

    seq: int
    kind: str
    ref: str
    published_at: str
    payload: Any
    prev: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "ref": self.ref,
            "published_at": self.published_at,
            "payload": self.payload,
            "prev": self.prev,
            "hash": self.hash,
        }


def next_link(previous: Link | None, kind: str, ref: str, published_at: str, payload: Any) -> Link:
    """The link that follows ``previous`` (the first link when ``None``)."""
    seq = 1 if previous is None else previous.seq + 1
    prev = GENESIS if previous is None else previous.hash
    stored = json.loads(canonical_json(payload))
    return Link(
        seq,
        kind,
        ref,
        published_at,
        stored,
        prev,
        link_hash(seq, kind, ref, published_at, stored, prev),
    )


@dataclass(frozen=True)
class ChainCheck:
    """The verdict on a chain: ``broken_at`` is the first bad link's ``seq`` (None if sound)."""

    links: int
    broken_at: int | None
    reason: str
    head: str

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def link_from_json(item: Mapping[str, Any]) -> Link:
    """A link read from JSON; :class:`ValueError` naming the field that is missing or wrong."""
    try:
        return Link(
            seq=int(item["seq"]),
            kind=str(item["kind"]),
            ref=str(item["ref"]),
            published_at=str(item["published_at"]),
            payload=item["payload"],
            prev=str(item["prev"]),
            hash=str(item["hash"]),
        )
    except KeyError as missing:
        raise ValueError(f"a link lacks the field {missing.args[0]!r}") from None
    except (TypeError, ValueError) as error:
        raise ValueError(f"a link has a malformed field ({error})") from None


def verify_chain(links: Iterable[Link]) -> ChainCheck:
    """Recompute every hash in order and name the first link that does not hold."""
    prev, count, expected_seq = GENESIS, 0, 1
    for link in links:
        count += 1
        if link.seq != expected_seq:
            return ChainCheck(
                count,
                link.seq,
                f"link {link.seq} is out of sequence (expected {expected_seq})",
                prev,
            )
        if link.prev != prev:
            return ChainCheck(
                count,
                link.seq,
                f"link {link.seq} does not point at the hash of link {link.seq - 1}",
                prev,
            )
        computed = link_hash(
            link.seq, link.kind, link.ref, link.published_at, link.payload, link.prev
        )
        if computed != link.hash:
            return ChainCheck(
                count,
                link.seq,
                f"link {link.seq} ({link.kind} {link.ref}) was altered: its content hashes to "
                f"{computed[:16]}…, the record says {link.hash[:16]}…",
                prev,
            )
        prev, expected_seq = link.hash, expected_seq + 1
    return ChainCheck(count, None, f"all {count} links hold", prev)
