"""Idempotency keys: a retried mutating request with the same `Idempotency-Key` gets the first
answer back instead of doing the work twice.

Scope: key + user + method + path. The stored answer is written in the SAME transaction as the
change, so "changed but no stored answer" cannot happen. Requests with the same key are serialised
(PostgreSQL advisory lock; SQLite BEGIN IMMEDIATE), so a retry racing the original waits for it
and then replays it. Reusing a key for a different body is refused (422 idempotency.mismatch).
Only successful answers are stored: a failed request changed nothing and may simply be retried.

Routers use it through `deps.Unit.respond(...)`; other code can call `lookup`/`store` directly.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.hall.db import advisory_xact_lock
from services.hall.models import IdempotencyKey
from services.hall.problems import ApiError

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 128
KEEP = timedelta(hours=24)


@dataclass(frozen=True)
class IdempotentRequest:
    key: str
    username: str
    method: str
    path: str
    fingerprint: str

    @classmethod
    def build(
        cls, key: str | None, *, username: str, method: str, path: str, body: bytes
    ) -> IdempotentRequest | None:
        if key is None:
            return None
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise ApiError(422, "validation.idempotency_key", max=MAX_KEY_LENGTH)
        return cls(
            key=key,
            username=username,
            method=method.upper(),
            path=path,
            fingerprint=hashlib.sha256(body).hexdigest(),
        )


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: Any


def lookup(session: Session, request: IdempotentRequest) -> StoredAnswer | None:
    """The first answer to this request, if there was one. Takes the per-key lock first."""
    advisory_xact_lock(session, f"idem:{request.username}:{request.key}")
    row = session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.key == request.key,
            IdempotencyKey.username == request.username,
            IdempotencyKey.method == request.method,
            IdempotencyKey.path == request.path,
        )
    )
    if row is None:
        return None
    if row.fingerprint != request.fingerprint:
        raise ApiError(422, "idempotency.mismatch", key=request.key)
    return StoredAnswer(row.status, json.loads(row.body))


def store(
    session: Session, request: IdempotentRequest, status: int, body: Any, now: datetime
) -> None:
    session.add(
        IdempotencyKey(
            key=request.key,
            username=request.username,
            method=request.method,
            path=request.path,
            fingerprint=request.fingerprint,
            status=status,
            body=json.dumps(body, ensure_ascii=False),
            created_at=now,
        )
    )


def purge(session: Session, now: datetime, keep: timedelta = KEEP) -> None:
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < now - keep))
