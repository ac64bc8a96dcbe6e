"""The transactional outbox: hand-offs written with the acceptance, delivered later.

    with hall.db.write() as session:
        case = ...                                     # the acceptance
        outbox.enqueue(session, department=case.department,
                       idempotency_key=case.idempotency_key, payload=case_payload(case))

The row commits with the case or not at all. The dispatcher (services/hall/dispatcher.py) claims
due rows — PostgreSQL `FOR UPDATE SKIP LOCKED` plus a lease (`claimed_until`), SQLite
`BEGIN IMMEDIATE` — so several service processes never send the same row at the same time, and a
row whose worker died is taken again once its lease ends. Delivery is at least once; the back
office deduplicates on the Idempotency-Key.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from clerk.clock import as_utc
from clerk.clock import now as clock_now
from services.hall.handoff.models import DEAD, DELIVERED, PENDING, OutboxItem

MAX_ERROR = 500

# Called (from any thread) after a transaction that enqueued something commits: the dispatchers
# of this process wake up at once instead of at their next tick.
_wakers: list[Callable[[], None]] = []
_wakers_lock = threading.Lock()


def add_waker(wake: Callable[[], None]) -> None:
    with _wakers_lock:
        _wakers.append(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    with _wakers_lock, contextlib.suppress(ValueError):
        _wakers.remove(wake)


def _wake_all(_session: Session) -> None:
    with _wakers_lock:
        wakers = list(_wakers)
    for wake in wakers:
        wake()


def enqueue(
    session: Session,
    *,
    department: str,
    idempotency_key: str,
    payload: dict[str, Any],
    now: datetime | None = None,
) -> None:
    """Add a hand-off to the caller's transaction. `payload` (JSON) must carry `case_no`.

    Enqueueing the same idempotency key twice is a no-op (a resubmission after 需补正 needs a
    new key, e.g. `<case key>:r1`)."""
    case_no = payload.get("case_no")
    if not isinstance(case_no, str) or not case_no:
        raise ValueError("outbox payload needs a case_no")
    if not department or not idempotency_key:
        raise ValueError("outbox rows need a department and an idempotency key")
    session.flush()
    exists = session.scalar(
        select(OutboxItem.id).where(OutboxItem.idempotency_key == idempotency_key)
    )
    if exists is not None:
        return
    at = as_utc(now or clock_now())
    session.add(
        OutboxItem(
            department=department,
            case_no=case_no,
            idempotency_key=idempotency_key,
            payload=payload,
            status=PENDING,
            attempts=0,
            next_attempt_at=at,
            created_at=at,
            updated_at=at,
        )
    )
    session.flush()
    if not session.info.get("outbox_wake"):
        session.info["outbox_wake"] = True
        sa_event.listen(session, "after_commit", _wake_all, once=True)


@dataclass(frozen=True)
class Claimed:
    """One row taken by a worker for one attempt (`attempt` counts from 1)."""

    id: int
    department: str
    case_no: str
    idempotency_key: str
    payload: dict[str, Any]
    attempt: int


def claim(
    session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int = 10
) -> list[Claimed]:
    """Take up to `limit` due rows for `worker` until now + lease (call inside db.write())."""
    rows = session.scalars(
        select(OutboxItem)
        .where(
            OutboxItem.status == PENDING,
            OutboxItem.next_attempt_at <= now,
            or_(OutboxItem.claimed_until.is_(None), OutboxItem.claimed_until < now),
        )
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    out = []
    for row in rows:
        row.claimed_until = now + lease
        row.claimed_by = worker
        row.attempts += 1
        row.updated_at = now
        out.append(
            Claimed(
                row.id, row.department, row.case_no, row.idempotency_key, row.payload, row.attempts
            )
        )
    session.flush()
    return out


def next_due(session: Session) -> datetime | None:
    """When the earliest pending row falls due (None: nothing pending)."""
    return session.scalar(
        select(func.min(OutboxItem.next_attempt_at)).where(OutboxItem.status == PENDING)
    )


def lock_row(session: Session, item_id: int) -> OutboxItem | None:
    return session.scalar(select(OutboxItem).where(OutboxItem.id == item_id).with_for_update())


def mark_delivered(
    session: Session, item_id: int, *, now: datetime, http_status: int | None
) -> OutboxItem | None:
    """The back office has it. Returns the row if this call delivered it (None: it was already
    delivered, or is gone)."""
    row = lock_row(session, item_id)
    if row is None or row.status == DELIVERED:
        return None
    row.status = DELIVERED
    row.delivered_at = now
    row.updated_at = now
    row.claimed_until = None
    row.last_http_status = http_status
    row.last_error = None
    return row


def mark_failed(
    session: Session,
    item_id: int,
    *,
    worker: str,
    now: datetime,
    error: str,
    http_status: int | None,
    permanent: bool,
    max_attempts: int,
    delay: timedelta,
) -> str | None:
    """Record a failed attempt: retry after `delay`, or dead (4xx, or attempts used up).
    Returns the new status (None when the row is no longer this worker's to judge)."""
    row = lock_row(session, item_id)
    if row is None or row.status != PENDING or row.claimed_by != worker:
        return None
    row.last_error = error[:MAX_ERROR]
    row.last_http_status = http_status
    row.updated_at = now
    row.claimed_until = None
    if permanent or row.attempts >= max_attempts:
        row.status = DEAD
    else:
        row.next_attempt_at = now + delay
    return row.status


def release(session: Session, item_id: int, *, worker: str) -> None:
    """Give a claimed row back without counting the attempt (the dispatcher is stopping)."""
    row = lock_row(session, item_id)
    if row is not None and row.status == PENDING and row.claimed_by == worker:
        row.claimed_until = None
        row.attempts = max(0, row.attempts - 1)


def revive(session: Session, item_id: int, *, now: datetime) -> OutboxItem | None:
    """A dead row goes back to pending with a fresh count of attempts (supervisor retry)."""
    row = lock_row(session, item_id)
    if row is None or row.status != DEAD:
        return row
    row.status = PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.claimed_until = None
    row.claimed_by = None
    row.updated_at = now
    session.flush()
    if not session.info.get("outbox_wake"):
        session.info["outbox_wake"] = True
        sa_event.listen(session, "after_commit", _wake_all, once=True)
    return row


def items(
    session: Session,
    *,
    status: str | None = None,
    department: str | None = None,
    case_no: str | None = None,
    limit: int = 100,
) -> list[OutboxItem]:
    query = select(OutboxItem).order_by(OutboxItem.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxItem.status == status)
    if department:
        query = query.where(OutboxItem.department == department)
    if case_no:
        query = query.where(OutboxItem.case_no == case_no)
    return list(session.scalars(query))


def counts(session: Session) -> dict[str, dict[str, int]]:
    """{department: {pending, delivered, dead}}."""
    out: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(OutboxItem.department, OutboxItem.status, func.count()).group_by(
            OutboxItem.department, OutboxItem.status
        )
    )
    for department, status, count in rows:
        out.setdefault(department, {s: 0 for s in (PENDING, DELIVERED, DEAD)})[status] = count
    return out


def oldest_pending(session: Session) -> datetime | None:
    return session.scalar(
        select(func.min(OutboxItem.created_at)).where(OutboxItem.status == PENDING)
    )
