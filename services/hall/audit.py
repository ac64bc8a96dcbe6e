"""The append-only, hash-chained audit log.

Each row's hash is sha256(prev_hash + canonical JSON of {id, at, actor, window_no, action, target,
data}). `record` runs inside the caller's transaction, so the row commits with the change it
describes or not at all; appends are serialised (PostgreSQL advisory lock, SQLite BEGIN IMMEDIATE)
so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.hall.db import advisory_xact_lock
from services.hall.models import AuditEntry

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who did it and from which window. CLI actions use `cli:<os user>`."""

    name: str
    window_no: int | None = None


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    id: int,
    at: datetime,
    actor: str,
    window_no: int | None,
    action: str,
    target: str | None,
    data: dict[str, Any],
) -> str:
    row = {
        "id": id,
        "at": _timestamp(at),
        "actor": actor,
        "window_no": window_no,
        "action": action,
        "target": target,
        "data": data,
    }
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash: str, row_json: str) -> str:
    return hashlib.sha256((prev_hash + row_json).encode("utf-8")).hexdigest()


def _hash_of(entry: AuditEntry) -> str:
    return compute_hash(
        entry.prev_hash,
        canonical(
            id=entry.id,
            at=entry.at,
            actor=entry.actor,
            window_no=entry.window_no,
            action=entry.action,
            target=entry.target,
            data=entry.data,
        ),
    )


def record(
    session: Session,
    actor: Actor,
    action: str,
    target: str | None = None,
    data: dict[str, Any] | None = None,
    *,
    at: datetime,
) -> AuditEntry:
    """Append one row in the caller's transaction. Never put secrets in `data`."""
    advisory_xact_lock(session, "audit_log")
    session.flush()
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    prev_id, prev_hash = (last[0], last[1]) if last else (0, GENESIS)
    # Round-trip the payload through JSON so the hash covers exactly what the store returns.
    payload: dict[str, Any] = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    at = at.astimezone(UTC)
    entry = AuditEntry(
        id=prev_id + 1,
        at=at,
        actor=actor.name,
        window_no=actor.window_no,
        action=action,
        target=target,
        data=payload,
        prev_hash=prev_hash,
        hash="",
    )
    entry.hash = _hash_of(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    first_bad_id: int | None = None
    reason: str | None = None  # "hash" (row edited), "link" (row removed/reordered)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "count": self.count,
            "first_bad_id": self.first_bad_id,
            "reason": self.reason,
        }


def verify_entries(entries: Iterable[AuditEntry]) -> Verdict:
    prev = GENESIS
    count = 0
    for entry in entries:
        count += 1
        if entry.prev_hash != prev:
            return Verdict(False, count, entry.id, "link")
        if _hash_of(entry) != entry.hash:
            return Verdict(False, count, entry.id, "hash")
        prev = entry.hash
    return Verdict(True, count)


def verify(session: Session) -> Verdict:
    rows = session.execute(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    ).scalars()
    return verify_entries(rows)


def recent(session: Session, limit: int = 100) -> list[AuditEntry]:
    return list(
        session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars()
    )
