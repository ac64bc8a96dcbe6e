"""The append-only, keyed hash chain of the audit log, and its anchor outside the store.

Each row's hash is HMAC-SHA256 under the hall's audit key (services/hall/keys.py, never in the
database) of prev_hash + canonical JSON of {id, at, actor, window_no, action, target, data}; rows
written before the key existed (`keyed` false, migration 0008) keep the old unkeyed sha256 and may
only come before the first keyed row. `record` runs inside the caller's transaction, so the row
commits with the change it describes or not at all; appends are serialised (PostgreSQL advisory
lock, SQLite BEGIN IMMEDIATE) so the chain never forks.

After every commit that wrote audit rows, the new head (id and hash) is appended to the anchor file
(services/hall/anchor.py). `verify` checks the chain and the anchor: an edited row fails its MAC
("hash"), a removed or reordered row breaks the link ("link"), rows cut off the end leave an
anchored id missing ("truncated"), and a chain rewritten by someone holding the key no longer
matches an anchored hash ("anchor").
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.hall import anchor, keys
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


def compute_hash(prev_hash: str, row_json: str, *, keyed: bool = True) -> str:
    """The row's hash: HMAC under the audit key; plain sha256 only for rows from before 0008."""
    if keyed:
        return keys.mac(keys.AUDIT_KEY, prev_hash + row_json)
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
        keyed=bool(entry.keyed),
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
        keyed=True,
    )
    entry.hash = _hash_of(entry)
    session.add(entry)
    session.flush()
    anchor.note_head(session, entry.id, entry.hash)
    return entry


@dataclass(frozen=True)
class Verdict:
    ok: bool
    count: int
    first_bad_id: int | None = None
    # "hash" (row edited), "link" (row removed/reordered), "truncated" (rows cut off the end),
    # "anchor" (the chain differs from a head written to the anchor file: rewritten)
    reason: str | None = None
    head_hash: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "count": self.count,
            "first_bad_id": self.first_bad_id,
            "reason": self.reason,
        }


def verify_entries(
    entries: Iterable[AuditEntry], anchored: dict[int, set[str]] | None = None
) -> Verdict:
    """Walk the chain; `anchored` maps row ids to the hashes the anchor file recorded for them."""
    anchored = anchored or {}
    prev = GENESIS
    count = 0
    last_id = 0
    seen_keyed = False
    for entry in entries:
        count += 1
        if entry.prev_hash != prev:
            return Verdict(False, count, entry.id, "link")
        if (seen_keyed and not entry.keyed) or not hmac.compare_digest(_hash_of(entry), entry.hash):
            return Verdict(False, count, entry.id, "hash")
        recorded = anchored.get(entry.id)
        if recorded is not None and recorded != {entry.hash}:
            return Verdict(False, count, entry.id, "anchor")
        seen_keyed = seen_keyed or bool(entry.keyed)
        prev = entry.hash
        last_id = entry.id
    beyond = [row_id for row_id in anchored if row_id > last_id]
    if beyond:
        return Verdict(False, count, last_id + 1, "truncated")
    return Verdict(True, count, head_hash=prev if count else None)


def verify(session: Session) -> Verdict:
    rows = session.execute(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    ).scalars()
    return verify_entries(rows, anchor.read(anchor.path_of(session)))


def head(session: Session) -> tuple[int, str] | None:
    """The newest row's id and hash (what the daily report prints and the anchor keeps)."""
    last = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (int(last[0]), str(last[1])) if last else None


def recent(session: Session, limit: int = 100) -> list[AuditEntry]:
    return list(
        session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).scalars()
    )
