"""The hand-off use cases: a delivery recorded, a status report (callback or poll) applied in
order, refusals audited, supervisors' views and retries. Every function runs inside the caller's
transaction; the case itself moves through the injected `StatusApplier` (the cases room's
`apply_status`), so this package never edits case rows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.backoffice import protocol
from services.hall import audit, outbox
from services.hall.audit import Actor
from services.hall.handoff.models import (
    DEAD,
    DELIVERED,
    PENDING,
    HandoffNonce,
    HandoffStatus,
    OutboxItem,
)
from services.hall.problems import ApiError
from services.hall.queue import events

log = logging.getLogger("services.hall.handoff")

DELIVERED_STATUS = "delivered"  # our own status before the back office says anything (seq 0)
NONCE_KEEP = timedelta(seconds=3 * protocol.WINDOW_S)

# Back-office vocabulary -> clerk.cases.CaseStatus values (they are the same words by design).
CASE_STATUS: dict[str, str] = {
    DELIVERED_STATUS: "delivered",
    protocol.IN_REVIEW: "in_review",
    protocol.APPROVED: "approved",
    protocol.NEEDS_CORRECTION: "needs_correction",
    protocol.DENIED: "denied",
    protocol.CERTIFICATE_MADE: "certificate_made",
}


class StatusApplier(Protocol):
    """Moves a case (the cases room's services.hall.cases.service.apply_status)."""

    def __call__(
        self,
        session: Session,
        case_no: str,
        new_status: str,
        *,
        by: Actor,
        note: str,
        data: dict[str, Any],
        at: datetime,
    ) -> Any: ...


def backoffice_actor(department: str) -> Actor:
    return Actor(f"backoffice:{department}"[:128])


def _apply(
    applier: StatusApplier,
    session: Session,
    case_no: str,
    status: str,
    *,
    department: str,
    note: str,
    data: dict[str, Any],
    at: datetime,
) -> None:
    """Move the case; a move the case's rules refuse (stale, forbidden) is logged, not raised —
    the back office's word is recorded in handoff_status and the audit log either way."""
    try:
        with session.begin_nested():
            applier(
                session,
                case_no,
                CASE_STATUS[status],
                by=backoffice_actor(department),
                note=note,
                data=data,
                at=at,
            )
    except ApiError as exc:
        if exc.status >= 500:
            raise
        log.warning("case %s: %s refused by the case rules (%s)", case_no, status, exc.code)
    except ValueError as exc:  # clerk.cases.TransitionError
        log.warning("case %s: %s refused by the case rules (%s)", case_no, status, exc)


# --- deliveries ------------------------------------------------------------------------------


def record_delivery(
    session: Session,
    claimed: outbox.Claimed,
    *,
    now: datetime,
    http_status: int | None,
    applier: StatusApplier,
) -> bool:
    """The back office accepted `claimed`: mark it delivered and move the case to delivered
    (unless a callback got here first). True when this call did it."""
    row = outbox.mark_delivered(session, claimed.id, now=now, http_status=http_status)
    if row is None:
        return False
    _delivered(session, row, now=now, applier=applier, via="dispatcher")
    return True


def _delivered(
    session: Session, row: OutboxItem, *, now: datetime, applier: StatusApplier, via: str
) -> HandoffStatus:
    state = session.get(HandoffStatus, row.case_no, with_for_update=True)
    if state is None:
        state = HandoffStatus(
            case_no=row.case_no,
            department=row.department,
            status=DELIVERED_STATUS,
            seq=0,
            at=now,
            heard_at=now,
            data={},
        )
        session.add(state)
    else:  # a resubmission: keep the seq, later reports continue it
        state.status = DELIVERED_STATUS
        state.department = row.department
        state.at = now
        state.heard_at = now
        state.checked_at = None
    audit.record(
        session,
        backoffice_actor(row.department),
        "handoff.delivered",
        row.case_no,
        {"outbox_id": row.id, "attempts": row.attempts, "via": via},
        at=now,
    )
    _apply(
        applier,
        session,
        row.case_no,
        DELIVERED_STATUS,
        department=row.department,
        note="",
        data={"idempotency_key": row.idempotency_key, "department": row.department},
        at=now,
    )
    return state


def publish_health(session: Session, *, now: datetime) -> None:
    """A `handoff.changed` event with the hall's pending and dead counts, in the caller's
    transaction (the one that moved an outbox row), for the supervisors' dashboard."""
    totals = outbox.counts(session)
    pending = sum(d.get(PENDING, 0) for d in totals.values())
    dead = sum(d.get(DEAD, 0) for d in totals.values())
    events.publish(session, "handoff.changed", {"pending": pending, "dead": dead}, at=now)


# --- status reports --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    applied: bool
    reason: str  # applied, duplicate, stale
    case_no: str
    status: str
    seq: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "reason": self.reason,
            "case_no": self.case_no,
            "status": self.status,
            "seq": self.seq,
        }


def remember_nonce(session: Session, nonce: str, department: str, *, now: datetime) -> bool:
    """Record a verified callback's nonce; False when it was seen before (a replay)."""
    if session.get(HandoffNonce, nonce) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(HandoffNonce(nonce=nonce, department=department, seen_at=now))
            session.flush()
    except IntegrityError:  # the same nonce, committed by another process just now
        return False
    return True


def purge_nonces(session: Session, now: datetime) -> None:
    from sqlalchemy import delete

    session.execute(delete(HandoffNonce).where(HandoffNonce.seen_at < now - NONCE_KEEP))


def apply_report(
    session: Session,
    report: protocol.StatusReport,
    *,
    department: str,
    now: datetime,
    applier: StatusApplier,
    via: str,
) -> Outcome:
    """Apply one status report in order: a seq not above the last applied one is a duplicate or
    stale (ignored, the final status stays right); a higher one moves the case. A report proves
    the delivery, so a pending outbox row of the case is marked delivered first."""
    # Lock order everywhere: outbox rows, then handoff_status, then the case (apply_status).
    rows = session.scalars(
        select(OutboxItem)
        .where(OutboxItem.case_no == report.case_no)
        .order_by(OutboxItem.id)
        .with_for_update()
    ).all()
    state = session.get(HandoffStatus, report.case_no, with_for_update=True)
    if state is None and not rows:
        raise ApiError(404, "not_found", what="case", key=report.case_no)
    owner = state.department if state is not None else rows[-1].department
    if owner != department:
        raise ApiError(403, "handoff.wrong_department", case_no=report.case_no)
    proved = False
    for row in rows:
        if row.status != DELIVERED:
            row.status = DELIVERED
            row.delivered_at = now
            row.updated_at = now
            row.claimed_until = None
            row.last_error = None
            state = _delivered(session, row, now=now, applier=applier, via=via)
            proved = True
    if proved:
        session.flush()  # the counts below must see the rows just delivered
        publish_health(session, now=now)
    assert state is not None
    if report.seq <= state.seq:
        reason = "duplicate" if report.seq == state.seq else "stale"
        return Outcome(False, reason, report.case_no, report.status, report.seq)
    data = {
        "seq": report.seq,
        "at": protocol.iso(report.at),
        "via": via,
        "materials_needed": list(report.materials_needed),
        "result": report.result,
    }
    state.seq = report.seq
    state.status = report.status
    state.at = report.at
    state.heard_at = now
    state.data = data | {"note": report.note}
    audit.record(
        session,
        backoffice_actor(department),
        "handoff.status",
        report.case_no,
        {"status": report.status, "seq": report.seq, "via": via},
        at=now,
    )
    _apply(
        applier,
        session,
        report.case_no,
        report.status,
        department=department,
        note=report.note,
        data=data,
        at=now,
    )
    return Outcome(True, "applied", report.case_no, report.status, report.seq)


def refuse(
    session: Session,
    *,
    reason: str,
    department: str | None,
    client: str,
    now: datetime,
    detail: str = "",
    action: str = "handoff.callback_refused",
) -> None:
    """Audit a refused callback (bad signature, stale timestamp, replay, bad body) or, with
    `action="handoff.poll_refused"`, a poll answer that was not signed by the back office."""
    audit.record(
        session,
        Actor(f"backoffice:{department or '?'}"[:128]),
        action,
        None,
        {"reason": reason, "department": department, "client": client, "detail": detail[:200]},
        at=now,
    )


# --- polling ---------------------------------------------------------------------------------


def _quiet(now: datetime, interval: timedelta) -> list[Any]:
    horizon = now - interval
    return [
        HandoffStatus.status.not_in(sorted(protocol.FINAL)),
        HandoffStatus.heard_at < horizon,
        or_(HandoffStatus.checked_at.is_(None), HandoffStatus.checked_at < horizon),
    ]


def any_quiet(session: Session, *, now: datetime, interval: timedelta) -> bool:
    found = session.scalar(select(HandoffStatus.case_no).where(*_quiet(now, interval)).limit(1))
    return found is not None


def poll_candidates(
    session: Session, *, now: datetime, interval: timedelta, limit: int = 20
) -> list[tuple[str, str]]:
    """(case_no, department) of delivered cases not heard of for `interval`, not final; each is
    marked checked so other dispatchers skip it for the next interval."""
    rows = session.scalars(
        select(HandoffStatus)
        .where(*_quiet(now, interval))
        .order_by(HandoffStatus.heard_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.checked_at = now
    return [(r.case_no, r.department) for r in rows]


# --- supervisors -----------------------------------------------------------------------------


def item_view(row: OutboxItem, state: HandoffStatus | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "department": row.department,
        "case_no": row.case_no,
        "idempotency_key": row.idempotency_key,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at if row.status == PENDING else None,
        "last_error": row.last_error,
        "last_http_status": row.last_http_status,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "delivered_at": row.delivered_at,
        "backoffice_status": state.status if state else None,
        "backoffice_seq": state.seq if state else None,
    }


def list_items(
    session: Session,
    *,
    status: str | None,
    department: str | None,
    case_no: str | None,
    limit: int,
) -> list[dict[str, Any]]:
    rows = outbox.items(session, status=status, department=department, case_no=case_no, limit=limit)
    states = {
        s.case_no: s
        for s in session.scalars(
            select(HandoffStatus).where(HandoffStatus.case_no.in_({r.case_no for r in rows}))
        )
    }
    return [item_view(r, states.get(r.case_no)) for r in rows]


def summary(session: Session, now: datetime) -> dict[str, Any]:
    by_department = outbox.counts(session)
    totals = {s: sum(d[s] for d in by_department.values()) for s in (PENDING, DELIVERED, DEAD)}
    oldest = outbox.oldest_pending(session)
    return {
        "totals": totals,
        "departments": by_department,
        "oldest_pending_s": int((now - oldest).total_seconds()) if oldest else None,
    }


def case_state(session: Session, case_no: str) -> dict[str, Any] | None:
    state = session.get(HandoffStatus, case_no)
    if state is None:
        return None
    return {
        "case_no": state.case_no,
        "department": state.department,
        "status": state.status,
        "seq": state.seq,
        "at": state.at,
        "heard_at": state.heard_at,
        "data": state.data,
    }


def retry(session: Session, actor: Actor, item_id: int, *, now: datetime) -> dict[str, Any]:
    """A supervisor sends a dead hand-off again (fresh attempts); audited."""
    row = outbox.lock_row(session, item_id)
    if row is None:
        raise ApiError(404, "not_found", what="handoff", key=str(item_id))
    if row.status != DEAD:
        raise ApiError(409, "handoff.not_dead", id=item_id, current=row.status)
    outbox.revive(session, item_id, now=now)
    audit.record(
        session,
        actor,
        "handoff.retry",
        row.case_no,
        {"outbox_id": row.id, "department": row.department, "last_error": row.last_error},
        at=now,
    )
    return item_view(row, session.get(HandoffStatus, row.case_no))


def retry_all_dead(
    session: Session, actor: Actor, *, now: datetime, department: str | None = None
) -> list[int]:
    query = select(OutboxItem.id).where(OutboxItem.status == DEAD)
    if department:
        query = query.where(OutboxItem.department == department)
    ids = list(session.scalars(query.order_by(OutboxItem.id)))
    for item_id in ids:
        retry(session, actor, item_id, now=now)
    return ids


def no_applier() -> Callable[..., None]:
    def apply(session: Session, case_no: str, new_status: str, **_: Any) -> None:
        log.info("case %s -> %s (no cases service wired)", case_no, new_status)

    return apply
