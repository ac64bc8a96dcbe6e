"""The supervisor's actions, each inside the caller's write transaction, each audited, each
publishing the live event the dashboards (and windows) follow.

- open / close a window           window_ops.update_window (audit window.update) + window.changed
- a window's categories          window_ops.set_categories (audit window.set_categories)
                                 + window.changed (window_ops.publish_changed, shared with the
                                 foundation's /windows endpoints)
- move waiting tickets           queue transfer_ticket per ticket (audit queue.transfer, events
                                 ticket.transferred + queue.changed) + audit supervisor.move
- broadcast a message            audit supervisor.broadcast + window.broadcast
- retry dead hand-offs           handoff retry_all_dead (audit handoff.retry per row)
                                 + audit supervisor.retry_dead + handoff.changed
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk.tickets import hall_day
from services.hall import audit
from services.hall.audit import Actor
from services.hall.handoff import service as handoff_service
from services.hall.models import Window
from services.hall.ops import windows as window_ops
from services.hall.problems import invalid
from services.hall.queue import events
from services.hall.queue import service as queue_service
from services.hall.queue.models import Ticket
from services.hall.supervisor.facts import handoff_counts

MAX_MESSAGE = 200


def set_window_open(
    session: Session, actor: Actor, number: int, *, active: bool, now: datetime
) -> Window:
    """Open (active) or close a window. A closed window calls nobody; what it holds it may
    still finish."""
    window = window_ops.update_window(session, actor, number=number, active=active, now=now)
    window_ops.publish_changed(session, window, now)
    return window


def set_window_categories(
    session: Session, actor: Actor, number: int, *, categories: Sequence[str], now: datetime
) -> Window:
    window = window_ops.set_categories(
        session, actor, number=number, categories=categories, now=now
    )
    window_ops.publish_changed(session, window, now)
    return window


def move_waiting(
    session: Session,
    actor: Actor,
    *,
    source: str,
    target: str,
    count: int | None,
    now: datetime,
) -> list[str]:
    """Move the longest-waiting `count` (all when None) tickets waiting in category `source` to
    category `target`; each keeps its place (queue time). Tickets sent to a particular window
    stay where they are. Returns the numbers moved."""
    src = queue_service.category_by_prefix(session, source)
    dst = queue_service.category_by_prefix(session, target)
    if src.id == dst.id:
        raise invalid("move_same_category", category=src.prefix)
    if count is not None and count < 1:
        raise invalid("move_count", count=count)
    query = (
        select(Ticket.id)
        .where(
            Ticket.category_id == src.id,
            Ticket.day == hall_day(now),
            Ticket.status.in_(queue_service.WAITING),
            Ticket.target_window.is_(None),
        )
        .order_by(Ticket.queue_time, Ticket.id)
    )
    if count is not None:
        query = query.limit(count)
    moved: list[str] = []
    for ticket_id in list(session.scalars(query)):
        ticket = queue_service.transfer_ticket(
            session, actor, ticket_id, category=dst.prefix, window=None, now=now
        )
        moved.append(ticket.number)
    audit.record(
        session,
        actor,
        "supervisor.move",
        f"category:{src.prefix}",
        {"from": src.prefix, "to": dst.prefix, "asked": count, "moved": moved},
        at=now,
    )
    return moved


def broadcast(
    session: Session,
    actor: Actor,
    *,
    message: str,
    windows: Sequence[int] | None,
    sender: str,
    now: datetime,
) -> dict[str, Any]:
    """A message to every window (windows None) or to the ones named: an event they receive."""
    text = " ".join(message.split())
    if not text:
        raise invalid("broadcast_message")
    text = text[:MAX_MESSAGE]
    targets = sorted(set(windows)) if windows else None
    if targets:
        for number in targets:
            window_ops.get(session, number)
    payload = {"message": text, "windows": targets, "from": sender}
    audit.record(session, actor, "supervisor.broadcast", None, payload, at=now)
    events.publish(session, "window.broadcast", payload, at=now)
    return payload | {"at": now}


def retry_dead(
    session: Session, actor: Actor, *, department: str | None, now: datetime
) -> dict[str, Any]:
    """Every dead hand-off (of `department`) goes out again."""
    ids = handoff_service.retry_all_dead(session, actor, now=now, department=department)
    audit.record(
        session,
        actor,
        "supervisor.retry_dead",
        department,
        {"outbox_ids": ids, "department": department},
        at=now,
    )
    pending, dead = handoff_counts(session)
    events.publish(session, "handoff.changed", {"pending": pending, "dead": dead}, at=now)
    return {"retried": ids, "pending": pending, "dead": dead}
