"""The queue's use cases, each run inside the caller's write transaction.

Every function that changes something writes, in that same transaction: the change, one
`ticket_events` row per ticket touched, one audit row (services.hall.audit) and the live events
(events.publish). The rules (allowed transitions, call order, wait estimate) come from the pure
core in clerk.tickets; this module only stores and locks.

Locking (PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE):
- numbers: an upsert on the (category, day) counter row, then the insert — gapless, no repeats,
  and the unique (issue_category_id, day, seq) constraint as a backstop;
- call next: the window's queue_windows row FOR UPDATE (one call at a time per window), then
  `SELECT … FOR UPDATE SKIP LOCKED` over a few candidates in call order, then a conditional
  UPDATE that must change exactly one row; a partial unique index allows one called/serving
  ticket per window;
- every other transition is a conditional UPDATE (`WHERE id = … AND status = …`) that must
  change exactly one row, otherwise 409 queue.state_changed;
- the audit row and the events come last (their locks are taken last, always in that order).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from clerk.clock import hall_days, hall_moment, time_text
from clerk.identity import mask_id
from clerk.tickets import (
    ACTIVE_STATES,
    PRIORITY_REASONS,
    WAITING_STATES,
    Action,
    Status,
    TransitionError,
    WaitEstimate,
    Waiting,
    estimate_wait,
    format_number,
    hall_day,
    next_status,
    pick_next,
)
from services.hall import audit, personal
from services.hall.audit import Actor
from services.hall.models import Category, Window, WindowCategory
from services.hall.ops import windows as window_ops
from services.hall.problems import ApiError, invalid, not_found
from services.hall.queue import events
from services.hall.queue.models import (
    Appointment,
    QueueCounter,
    QueueWindow,
    Ticket,
    TicketEvent,
)
from services.hall.queue.settings import QueueSettings

WAITING = tuple(s.value for s in WAITING_STATES)
ACTIVE = tuple(s.value for s in ACTIVE_STATES)
CANDIDATES = 5
PRIORITY_ALIASES = {
    "elderly": "老年人",
    "disabled": "残疾人",
    "military": "军人",
    "pregnant": "孕妇",
}


# --- helpers ---------------------------------------------------------------------------------


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def closing_moment(day: date, settings: QueueSettings) -> datetime:
    return hall_moment(day, settings.closing)


def is_closed(now: datetime, settings: QueueSettings) -> bool:
    return now >= closing_moment(hall_day(now), settings)


def normalise_priority(reason: str | None) -> str | None:
    if reason is None or not reason.strip():
        return None
    reason = reason.strip()
    reason = PRIORITY_ALIASES.get(reason.lower(), reason)
    if reason not in PRIORITY_REASONS:
        raise invalid("priority", reason=reason, reasons="/".join(PRIORITY_REASONS))
    return reason


def category_by_prefix(session: Session, prefix: str) -> Category:
    wanted = prefix.strip().upper()
    category = session.scalar(select(Category).where(Category.prefix == wanted))
    if category is None:
        raise not_found("category", wanted)
    return category


def open_window(session: Session, number: int) -> None:
    """404 for an unknown window, 409 for a closed one. Every window action asks, so it reads
    one column rather than the window with its categories."""
    active = session.scalar(select(Window.active).where(Window.number == number))
    if active is None:
        raise not_found("window", number)
    if not active:
        raise ApiError(409, "window.inactive", number=number)


def _serves(session: Session, number: int) -> list[tuple[str, int]]:
    """The categories the window serves as (prefix, id), primary first."""
    rows = session.execute(
        select(Category.prefix, Category.id)
        .join(WindowCategory, WindowCategory.category_id == Category.id)
        .join(Window, Window.id == WindowCategory.window_id)
        .where(Window.number == number)
        .order_by(WindowCategory.rank)
    )
    return [(prefix, cid) for prefix, cid in rows]


def window_state(session: Session, number: int, *, lock: bool = False) -> QueueWindow:
    """The window's queue row, created on first use; locked FOR UPDATE when asked."""
    insert = postgresql.insert if _pg(session) else sqlite.insert
    session.execute(
        insert(QueueWindow)
        .values(window_no=number, paused=False)
        .on_conflict_do_nothing(index_elements=["window_no"])
    )
    query = select(QueueWindow).where(QueueWindow.window_no == number)
    if lock and _pg(session):
        query = query.with_for_update()
    state = session.scalar(query.execution_options(populate_existing=True))
    assert state is not None
    return state


def next_seq(session: Session, category_id: int, day: date) -> int:
    """The next number of `category` on `day`: one atomic upsert on the counter row."""
    insert = postgresql.insert if _pg(session) else sqlite.insert
    statement = (
        insert(QueueCounter)
        .values(category_id=category_id, day=day, last_seq=1)
        .on_conflict_do_update(
            index_elements=["category_id", "day"],
            set_={"last_seq": QueueCounter.last_seq + 1},
        )
        .returning(QueueCounter.last_seq)
    )
    return int(session.execute(statement).scalar_one())


def _record(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    action: str,
    before: str | None,
    after: str,
    now: datetime,
    window_no: int | None = None,
    **data: Any,
) -> None:
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            actor=actor.name,
            window_no=window_no if window_no is not None else actor.window_no,
            action=action,
            from_status=before,
            to_status=after,
            data=data,
        )
    )


def ticket_payload(ticket: Ticket) -> dict[str, Any]:
    """What a ticket event says: no personal data (tickets hold none)."""
    return {
        "id": ticket.id,
        "number": ticket.number,
        "category": ticket.category.prefix,
        "status": ticket.status,
        "window_no": ticket.window_no if ticket.window_no is not None else ticket.last_window_no,
        "target_window": ticket.target_window,
        "priority": ticket.priority_reason is not None,
        "walk_in": ticket.walk_in,
        "reactivated": ticket.reactivated,
        "recalls": ticket.recalls,
    }


def waiting_counts(session: Session, day: date) -> dict[str, int]:
    rows = session.execute(
        select(Category.prefix, func.count(Ticket.id))
        .join(Ticket, Ticket.category_id == Category.id)
        .where(Ticket.status.in_(WAITING), Ticket.day == day)
        .group_by(Category.prefix)
    )
    return {prefix: int(n) for prefix, n in rows}


def _queue_changed(session: Session, now: datetime) -> None:
    counts = waiting_counts(session, hall_day(now))
    events.publish(
        session, "queue.changed", {"waiting": counts, "total": sum(counts.values())}, at=now
    )


def _finish_change(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    audit_action: str,
    event_type: str,
    now: datetime,
    *,
    queue_changed: bool,
    **audit_data: Any,
) -> None:
    audit.record(
        session,
        actor,
        audit_action,
        f"ticket:{ticket.number}",
        {"ticket_id": ticket.id, "day": ticket.day.isoformat(), **audit_data},
        at=now,
    )
    events.publish(session, event_type, ticket_payload(ticket), at=now)
    if queue_changed:
        _queue_changed(session, now)


def _transition(
    session: Session,
    ticket: Ticket,
    action: Action,
    values: dict[str, Any],
    *,
    expected: Sequence[str] | None = None,
) -> tuple[str, str]:
    """Apply `action` with a conditional UPDATE that must change exactly one row."""
    before = Status(ticket.status)
    try:
        after = next_status(before, action)
    except TransitionError as exc:
        raise ApiError(
            409,
            "queue.bad_transition",
            number=ticket.number,
            state=before.value,
            action=action.value,
        ) from exc
    result = session.execute(
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status.in_(expected or (before.value,)))
        .values(status=after.value, **values)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise ApiError(409, "queue.state_changed", number=ticket.number)
    session.refresh(ticket)
    return before.value, after.value


def _waiting_rows(session: Session, day: date, category_id: int | None = None) -> list[Waiting]:
    query = (
        select(
            Ticket.id,
            Category.prefix,
            Ticket.queue_time,
            Ticket.priority_reason,
            Ticket.appointment_at,
            Ticket.target_window,
        )
        .join(Category, Category.id == Ticket.category_id)
        .where(Ticket.status.in_(WAITING), Ticket.day == day)
    )
    if category_id is not None:
        query = query.where(Ticket.category_id == category_id)
    rows = session.execute(query)
    return [
        Waiting(
            id=r[0],
            category=r[1],
            queue_time=r[2],
            priority=r[3] is not None,
            appointment_at=r[4],
            target_window=r[5],
        )
        for r in rows
    ]


def _serving_windows(session: Session) -> dict[int, list[str]]:
    """Windows that can call now (active, not paused): number -> categories, primary first."""
    rows = session.execute(
        select(Window.number, Category.prefix)
        .join(WindowCategory, WindowCategory.window_id == Window.id)
        .join(Category, Category.id == WindowCategory.category_id)
        .outerjoin(QueueWindow, QueueWindow.window_no == Window.number)
        .where(Window.active, or_(QueueWindow.paused.is_(None), QueueWindow.paused.is_(False)))
        .order_by(Window.number, WindowCategory.rank)
    )
    out: dict[int, list[str]] = {}
    for number, prefix in rows:
        out.setdefault(number, []).append(prefix)
    return out


def recent_service_minutes(
    session: Session, category_id: int, day: date, settings: QueueSettings
) -> list[float]:
    rows = session.execute(
        select(Ticket.started_at, Ticket.finished_at)
        .where(
            Ticket.category_id == category_id,
            Ticket.day == day,
            Ticket.status == Status.DONE.value,
            Ticket.started_at.is_not(None),
        )
        .order_by(Ticket.finished_at.desc())
        .limit(settings.recent_services)
    )
    out = []
    for started, finished in rows:
        if started is not None and finished is not None:
            out.append(max(0.0, (finished - started).total_seconds() / 60))
    return out


def estimate(
    session: Session, ticket: Ticket, now: datetime, settings: QueueSettings
) -> WaitEstimate | None:
    """People ahead and minutes to wait, for a ticket that is waiting; None otherwise."""
    if ticket.status not in WAITING:
        return None
    # Only the ticket's own category counts towards the people ahead (clerk.tickets).
    waiting = _waiting_rows(session, ticket.day, ticket.category_id)
    mine = next((w for w in waiting if w.id == ticket.id), None)
    if mine is None:
        return None
    return estimate_wait(
        mine,
        waiting,
        _serving_windows(session),
        recent_service_minutes(session, ticket.category_id, ticket.day, settings),
        now,
        settings.default_service_minutes,
        settings.rule,
    )


# --- end of day ------------------------------------------------------------------------------


def expire_due(
    session: Session,
    actor: Actor,
    now: datetime,
    settings: QueueSettings,
    *,
    through: date | None = None,
) -> list[Ticket]:
    """Expire what the day left behind.

    - tickets of earlier days that are not done (waiting, called, serving, no-show, transferred);
    - after today's closing time, today's waiting/called/no-show/transferred tickets issued
      before closing (a ticket issued after closing — overtime — stays until the next day);
    - with `through` (`clerk queue close-day --date`): every unfinished ticket of that day and
      before, closing time or not.
    """
    today = hall_day(now)
    unfinished = (*WAITING, *ACTIVE, Status.NO_SHOW.value)
    closable = (*WAITING, Status.CALLED.value, Status.NO_SHOW.value)
    conditions = [and_(Ticket.status.in_(unfinished), Ticket.day < today)]
    if through is not None:
        conditions.append(and_(Ticket.status.in_(unfinished), Ticket.day <= through))
    elif is_closed(now, settings):
        conditions.append(
            and_(
                Ticket.status.in_(closable),
                Ticket.day == today,
                Ticket.issued_at < closing_moment(today, settings),
            )
        )
    candidates = list(session.scalars(select(Ticket).where(or_(*conditions)).order_by(Ticket.id)))
    expired: list[Ticket] = []
    for ticket in candidates:
        before = ticket.status
        result = session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id, Ticket.status == before)
            .values(status=Status.EXPIRED.value, window_no=None, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) != 1:
            continue  # someone moved it meanwhile; the next pass looks again
        session.refresh(ticket)
        _record(session, ticket, actor, Action.EXPIRE.value, before, ticket.status, now)
        expired.append(ticket)
    if expired:
        audit.record(
            session,
            actor,
            "queue.expire",
            None,
            {"count": len(expired), "days": sorted({t.day.isoformat() for t in expired})},
            at=now,
        )
        for ticket in expired:
            events.publish(session, "ticket.expired", ticket_payload(ticket), at=now)
        _queue_changed(session, now)
    return expired


# --- issuing ---------------------------------------------------------------------------------


def _new_ticket(
    session: Session,
    actor: Actor,
    category: Category,
    now: datetime,
    *,
    priority: str | None = None,
    appointment_at: datetime | None = None,
) -> Ticket:
    day = hall_day(now)
    seq = next_seq(session, category.id, day)
    ticket = Ticket(
        issue_category_id=category.id,
        category_id=category.id,
        day=day,
        seq=seq,
        number=format_number(category.prefix, seq),
        status=Status.WAITING.value,
        priority_reason=priority,
        walk_in=False,
        reactivated=False,
        appointment_at=appointment_at,
        issued_at=now,
        queue_time=now,
        recalls=0,
        calls=0,
        issued_by=actor.name[:128],
    )
    ticket.category = ticket.issue_category = category
    session.add(ticket)
    session.flush()
    return ticket


def issue(
    session: Session,
    actor: Actor,
    *,
    category: str,
    priority: str | None,
    now: datetime,
) -> Ticket:
    """取号: a new waiting ticket with the next number of its category today."""
    reason = normalise_priority(priority)
    cat = category_by_prefix(session, category)
    ticket = _new_ticket(session, actor, cat, now, priority=reason)
    _record(session, ticket, actor, "issue", None, ticket.status, now, priority=reason)
    _finish_change(
        session,
        ticket,
        actor,
        "queue.issue",
        "ticket.issued",
        now,
        queue_changed=True,
        priority=reason,
    )
    return ticket


def walk_in(
    session: Session,
    actor: Actor,
    window_no: int,
    *,
    category: str,
    priority: str | None,
    now: datetime,
) -> Ticket:
    """登记无号: the clerk registers an applicant who has no ticket — a ticket is issued and is
    served at this window at once (flagged walk_in)."""
    reason = normalise_priority(priority)
    _ready_window(session, window_no)
    cat = category_by_prefix(session, category)
    ticket = _new_ticket(session, actor, cat, now, priority=reason)
    ticket.walk_in = True
    ticket.status = Status.SERVING.value
    ticket.window_no = ticket.last_window_no = window_no
    ticket.called_at = ticket.started_at = now
    ticket.calls = 1
    session.flush()
    _record(session, ticket, actor, "walk_in", None, ticket.status, now, window_no=window_no)
    audit.record(
        session,
        actor,
        "queue.walk_in",
        f"ticket:{ticket.number}",
        {"ticket_id": ticket.id, "window_no": window_no, "priority": reason},
        at=now,
    )
    events.publish(session, "ticket.issued", ticket_payload(ticket), at=now)
    events.publish(session, "ticket.serving", ticket_payload(ticket), at=now)
    return ticket


# --- the window's calls ----------------------------------------------------------------------


def current_ticket(session: Session, window_no: int) -> Ticket | None:
    return session.scalar(
        select(Ticket)
        .where(Ticket.window_no == window_no, Ticket.status.in_(ACTIVE))
        .execution_options(populate_existing=True)
    )


def _ready_window(session: Session, window_no: int) -> None:
    """The window, locked, open, not paused and with no called/serving ticket.

    Rule: a window holds at most one ticket; it must finish it (or mark it a no-show, or transfer
    it) before it calls another — 409 queue.window_busy names the ticket it still holds."""
    open_window(session, window_no)
    state = window_state(session, window_no, lock=True)
    if state.paused:
        raise ApiError(409, "queue.window_paused", number=window_no, reason=state.pause_reason)
    held = current_ticket(session, window_no)
    if held is not None:
        raise ApiError(
            409, "queue.window_busy", number=window_no, ticket=held.number, state=held.status
        )


def _mark_called(
    session: Session, ticket: Ticket, actor: Actor, window_no: int, now: datetime, how: str
) -> Ticket:
    before, after = _transition(
        session,
        ticket,
        Action.CALL,
        {
            "window_no": window_no,
            "last_window_no": window_no,
            "called_at": now,
            "calls": Ticket.calls + 1,
            "target_window": None,
        },
    )
    _record(
        session, ticket, actor, Action.CALL.value, before, after, now, window_no=window_no, how=how
    )
    _finish_change(
        session,
        ticket,
        actor,
        "queue.call",
        "ticket.called",
        now,
        queue_changed=True,
        window_no=window_no,
        how=how,
    )
    return ticket


def nothing_to_call(session: Session, window_no: int, now: datetime) -> bool:
    """Read-only: True when a call-next by this window would certainly find nothing (the window
    is open, not paused, holds no ticket, and nothing it serves waits). Lets idle windows ask
    without taking the write lock; any doubt answers False and the write path decides.

    Idle windows ask often, so this is one plain query and builds no ORM objects."""
    serves = (
        select(WindowCategory.category_id)
        .join(Window, WindowCategory.window_id == Window.id)
        .where(Window.number == window_no)
    )
    eligible = or_(
        and_(Ticket.target_window.is_(None), Ticket.category_id.in_(serves)),
        Ticket.target_window == window_no,
    )
    waiting = (
        select(Ticket.id)
        .where(Ticket.status.in_(WAITING), Ticket.day == hall_day(now), eligible)
        .exists()
    )
    held = select(Ticket.id).where(Ticket.window_no == window_no, Ticket.status.in_(ACTIVE))
    paused = select(QueueWindow.window_no).where(
        QueueWindow.window_no == window_no, QueueWindow.paused.is_(True)
    )
    idle = session.scalar(
        select(Window.id).where(
            Window.number == window_no,
            Window.active.is_(True),
            ~paused.exists(),
            ~held.exists(),
            ~waiting,
        )
    )
    return idle is not None


def call_next(
    session: Session, actor: Actor, window_no: int, *, now: datetime, settings: QueueSettings
) -> Ticket | None:
    """叫号: the next ticket for this window (priority, due appointments, the window's category
    order, queue time), or None when nothing waits for it."""
    _ready_window(session, window_no)
    serves = _serves(session, window_no)
    prefixes = [prefix for prefix, _ in serves]
    cat_ids = [cid for _, cid in serves]
    day = hall_day(now)
    rule = settings.rule
    rank = case(
        {cid: index for index, cid in enumerate(cat_ids)},
        value=Ticket.category_id,
        else_=len(cat_ids),
    )
    due = case(
        (
            and_(
                Ticket.appointment_at.is_not(None),
                Ticket.appointment_at >= now - rule.late,
                Ticket.appointment_at <= now + rule.early,
            ),
            0,
        ),
        else_=1,
    )
    prio = case((Ticket.priority_reason.is_not(None), 0), else_=1)
    eligible = or_(
        and_(Ticket.target_window.is_(None), Ticket.category_id.in_(cat_ids or [-1])),
        Ticket.target_window == window_no,
    )
    query = (
        select(
            Ticket.id,
            Ticket.category_id,
            Ticket.queue_time,
            Ticket.priority_reason,
            Ticket.appointment_at,
            Ticket.target_window,
        )
        .where(Ticket.status.in_(WAITING), Ticket.day == day, eligible)
        .order_by(prio, due, rank, Ticket.queue_time, Ticket.id)
        .limit(CANDIDATES)
    )
    if _pg(session):
        query = query.with_for_update(skip_locked=True)
    by_id = {cid: prefix for prefix, cid in serves}
    candidates = [
        Waiting(
            id=r[0],
            category=by_id.get(r[1], f"#{r[1]}"),
            queue_time=r[2],
            priority=r[3] is not None,
            appointment_at=r[4],
            target_window=r[5],
        )
        for r in session.execute(query)
    ]
    chosen = pick_next(candidates, window_no, prefixes, now, rule)
    if chosen is None:
        return None
    ticket = session.get(Ticket, chosen.id, populate_existing=True)
    assert ticket is not None
    return _mark_called(session, ticket, actor, window_no, now, "next")


def find_number(session: Session, number: str, day: date) -> Ticket:
    wanted = number.strip().upper()
    ticket = session.scalar(
        select(Ticket)
        .where(Ticket.number == wanted, Ticket.day == day)
        .execution_options(populate_existing=True)
    )
    if ticket is None:
        raise not_found("ticket", wanted)
    return ticket


def call_number(
    session: Session, actor: Actor, window_no: int, *, number: str, now: datetime
) -> Ticket:
    """指定叫号: call a chosen number of today — waiting, transferred or a no-show."""
    _ready_window(session, window_no)
    ticket = find_number(session, number, hall_day(now))
    if ticket.status not in (*WAITING, Status.NO_SHOW.value):
        raise ApiError(409, "queue.not_callable", number=ticket.number, state=ticket.status)
    return _mark_called(session, ticket, actor, window_no, now, "number")


def _held(session: Session, window_no: int, ticket_id: int | None) -> Ticket:
    """The window's current ticket; 409 when it has none or it is not the one the clerk sees."""
    open_window(session, window_no)
    window_state(session, window_no, lock=True)
    ticket = current_ticket(session, window_no)
    if ticket is None:
        raise ApiError(409, "queue.window_idle", number=window_no)
    if ticket_id is not None and ticket.id != ticket_id:
        raise ApiError(409, "queue.ticket_mismatch", number=ticket.number)
    return ticket


def recall(
    session: Session, actor: Actor, window_no: int, *, ticket_id: int | None, now: datetime
) -> Ticket:
    """重呼: call the current ticket again (counted)."""
    ticket = _held(session, window_no, ticket_id)
    before, after = _transition(session, ticket, Action.RECALL, {"recalls": Ticket.recalls + 1})
    _record(session, ticket, actor, Action.RECALL.value, before, after, now, window_no=window_no)
    _finish_change(
        session,
        ticket,
        actor,
        "queue.recall",
        "ticket.recalled",
        now,
        queue_changed=False,
        recalls=ticket.recalls,
    )
    return ticket


def no_show(
    session: Session, actor: Actor, window_no: int, *, ticket_id: int | None, now: datetime
) -> Ticket:
    """过号: the called applicant did not come. The ticket can be reactivated later."""
    ticket = _held(session, window_no, ticket_id)
    before, after = _transition(session, ticket, Action.NO_SHOW, {"window_no": None})
    _record(session, ticket, actor, Action.NO_SHOW.value, before, after, now, window_no=window_no)
    _finish_change(
        session, ticket, actor, "queue.no_show", "ticket.no_show", now, queue_changed=False
    )
    return ticket


def start(
    session: Session, actor: Actor, window_no: int, *, ticket_id: int | None, now: datetime
) -> Ticket:
    """The applicant has arrived at the window: serving starts (the service time counts)."""
    ticket = _held(session, window_no, ticket_id)
    before, after = _transition(session, ticket, Action.START, {"started_at": now})
    _record(session, ticket, actor, Action.START.value, before, after, now, window_no=window_no)
    _finish_change(
        session, ticket, actor, "queue.start", "ticket.serving", now, queue_changed=False
    )
    return ticket


def finish(
    session: Session,
    actor: Actor,
    window_no: int,
    *,
    ticket_id: int | None,
    cases: Sequence[str],
    now: datetime,
) -> Ticket:
    """办结: done, with the ids of the cases handled for this applicant."""
    ticket = _held(session, window_no, ticket_id)
    handled = [str(c).strip() for c in cases if str(c).strip()]
    values: dict[str, Any] = {"window_no": None, "finished_at": now, "cases": handled}
    if ticket.started_at is None:
        values["started_at"] = ticket.called_at or now
    before, after = _transition(session, ticket, Action.FINISH, values)
    _record(
        session,
        ticket,
        actor,
        Action.FINISH.value,
        before,
        after,
        now,
        window_no=window_no,
        cases=handled,
    )
    _finish_change(
        session,
        ticket,
        actor,
        "queue.finish",
        "ticket.done",
        now,
        queue_changed=False,
        cases=handled,
    )
    return ticket


def _transfer(
    session: Session,
    actor: Actor,
    ticket: Ticket,
    *,
    category: str | None,
    window: int | None,
    now: datetime,
) -> Ticket:
    if category is None and window is None:
        raise invalid("transfer_target")
    values: dict[str, Any] = {"window_no": None, "target_window": None}
    target: dict[str, Any] = {}
    if category is not None:
        cat = category_by_prefix(session, category)
        values["category_id"] = cat.id
        target["category"] = cat.prefix
    if window is not None:
        open_window(session, window)
        values["target_window"] = window
        target["window"] = window
    # The queue time stays: a transferred applicant keeps their place (original issue time).
    before, after = _transition(session, ticket, Action.TRANSFER, values)
    _record(session, ticket, actor, Action.TRANSFER.value, before, after, now, **target)
    _finish_change(
        session,
        ticket,
        actor,
        "queue.transfer",
        "ticket.transferred",
        now,
        queue_changed=True,
        **target,
    )
    return ticket


def transfer(
    session: Session,
    actor: Actor,
    window_no: int,
    *,
    ticket_id: int | None,
    category: str | None,
    window: int | None,
    now: datetime,
) -> Ticket:
    """转移: the current ticket goes to another category and/or to a specific window."""
    ticket = _held(session, window_no, ticket_id)
    return _transfer(session, actor, ticket, category=category, window=window, now=now)


def transfer_ticket(
    session: Session,
    actor: Actor,
    ticket_id: int,
    *,
    category: str | None,
    window: int | None,
    now: datetime,
) -> Ticket:
    """A supervisor moves a waiting ticket."""
    ticket = get_ticket(session, ticket_id)
    if ticket.status not in WAITING:
        raise ApiError(
            409,
            "queue.bad_transition",
            number=ticket.number,
            state=ticket.status,
            action=Action.TRANSFER.value,
        )
    return _transfer(session, actor, ticket, category=category, window=window, now=now)


def reactivate(session: Session, actor: Actor, ticket_id: int, *, now: datetime) -> Ticket:
    """A no-show comes back: waiting again, flagged reactivated, queue time = now."""
    ticket = get_ticket(session, ticket_id)
    if ticket.day != hall_day(now):
        raise ApiError(
            409,
            "queue.bad_transition",
            number=ticket.number,
            state=ticket.status,
            action=Action.REACTIVATE.value,
        )
    before, after = _transition(
        session,
        ticket,
        Action.REACTIVATE,
        {"reactivated": True, "queue_time": now, "window_no": None, "target_window": None},
    )
    _record(session, ticket, actor, Action.REACTIVATE.value, before, after, now)
    _finish_change(
        session, ticket, actor, "queue.reactivate", "ticket.reactivated", now, queue_changed=True
    )
    return ticket


def pause(
    session: Session, actor: Actor, window_no: int, *, reason: str, now: datetime
) -> QueueWindow:
    """暂停: the window stops calling (it may finish what it holds)."""
    reason = reason.strip()
    if not reason:
        raise invalid("pause_reason")
    open_window(session, window_no)
    state = window_state(session, window_no, lock=True)
    state.paused = True
    state.pause_reason = reason[:200]
    state.paused_at = now
    state.paused_by = actor.name[:128]
    session.flush()
    audit.record(session, actor, "queue.pause", f"window:{window_no}", {"reason": reason}, at=now)
    events.publish(session, "window.paused", {"window_no": window_no, "reason": reason}, at=now)
    return state


def resume(session: Session, actor: Actor, window_no: int, *, now: datetime) -> QueueWindow:
    window_ops.get(session, window_no)
    state = window_state(session, window_no, lock=True)
    was = state.pause_reason
    state.paused = False
    state.pause_reason = None
    state.paused_at = None
    state.paused_by = None
    session.flush()
    audit.record(session, actor, "queue.resume", f"window:{window_no}", {"was": was}, at=now)
    events.publish(session, "window.resumed", {"window_no": window_no}, at=now)
    return state


# --- reading ---------------------------------------------------------------------------------


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None:
        raise not_found("ticket", ticket_id)
    return ticket


def list_tickets(
    session: Session,
    *,
    day: date,
    statuses: Sequence[str] = (),
    category: str | None = None,
    limit: int = 500,
) -> list[Ticket]:
    query = select(Ticket).where(Ticket.day == day)
    if statuses:
        query = query.where(Ticket.status.in_(list(statuses)))
    if category:
        query = query.where(Ticket.category_id == category_by_prefix(session, category).id)
    return list(session.scalars(query.order_by(Ticket.queue_time, Ticket.id).limit(limit)))


def ticket_events(session: Session, ticket_id: int) -> list[TicketEvent]:
    return list(
        session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        )
    )


@dataclass(frozen=True)
class CategoryLoad:
    prefix: str
    name: str
    waiting: int
    priority_waiting: int
    estimated_wait_minutes: int
    windows: list[int]


@dataclass(frozen=True)
class WindowLoad:
    number: int
    name: str
    categories: list[str]
    active: bool
    paused: bool
    pause_reason: str | None
    current: Ticket | None
    waiting_for_window: int


@dataclass(frozen=True)
class QueueSnapshot:
    day: date
    closed: bool
    last_event_id: int
    categories: list[CategoryLoad]
    windows: list[WindowLoad]

    @property
    def waiting_total(self) -> int:
        return sum(c.waiting for c in self.categories)


PROBE_ID = 2**62


def snapshot(session: Session, now: datetime, settings: QueueSettings) -> QueueSnapshot:
    day = hall_day(now)
    last_event_id = events.head(session)  # first: the client resumes the stream from here
    waiting = _waiting_rows(session, day)
    serving = _serving_windows(session)
    states = {s.window_no: s for s in session.scalars(select(QueueWindow))}
    current = {
        t.window_no: t
        for t in session.scalars(
            select(Ticket).where(Ticket.status.in_(ACTIVE), Ticket.window_no.is_not(None))
        )
    }
    categories = []
    for cat in window_ops.list_categories(session):
        mine = [w for w in waiting if w.category == cat.prefix]
        # A newcomer queues behind everyone already there, ties in queue time included: the
        # call order breaks ties by id, so the probe takes an id above any real one.
        probe = Waiting(id=PROBE_ID, category=cat.prefix, queue_time=now)
        guess = estimate_wait(
            probe,
            [*waiting, probe],
            serving,
            recent_service_minutes(session, cat.id, day, settings),
            now,
            settings.default_service_minutes,
            settings.rule,
        )
        categories.append(
            CategoryLoad(
                prefix=cat.prefix,
                name=cat.name,
                waiting=len(mine),
                priority_waiting=sum(1 for w in mine if w.priority),
                estimated_wait_minutes=guess.minutes,
                windows=[n for n, cats in serving.items() if cat.prefix in cats],
            )
        )
    windows = []
    for w in window_ops.list_windows(session):
        state = states.get(w.number)
        windows.append(
            WindowLoad(
                number=w.number,
                name=w.name,
                categories=w.category_prefixes,
                active=w.active,
                paused=bool(state and state.paused),
                pause_reason=state.pause_reason if state else None,
                current=current.get(w.number),
                waiting_for_window=sum(1 for x in waiting if x.target_window == w.number),
            )
        )
    return QueueSnapshot(
        day=day,
        closed=is_closed(now, settings),
        last_event_id=last_event_id,
        categories=categories,
        windows=windows,
    )


# --- appointments (预约) -----------------------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def book(
    session: Session,
    actor: Actor,
    *,
    category: str,
    slot_start: datetime,
    slot_end: datetime | None,
    name: str,
    id_number: str | None,
    now: datetime,
) -> Appointment:
    cat = category_by_prefix(session, category)
    if slot_start.tzinfo is None:
        raise invalid("slot", problem="naive")
    end = slot_end or slot_start + timedelta(minutes=30)
    if end <= slot_start:
        raise invalid("slot", problem="end_before_start")
    if not name.strip():
        raise invalid("name")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    appointment = Appointment(
        code=code,
        category_id=cat.id,
        slot_start=slot_start,
        slot_end=end,
        name=name.strip()[:100],
        id_hash=personal.id_hash(id_number) if id_number and id_number.strip() else None,
        id_masked=mask_id(id_number) if id_number and id_number.strip() else None,
        status="booked",
        created_at=now,
        created_by=actor.name[:128],
    )
    session.add(appointment)
    session.flush()
    audit.record(
        session,
        actor,
        "queue.appointment",
        f"appointment:{appointment.code}",
        {"category": cat.prefix, "slot_start": slot_start.isoformat()},
        at=now,
    )
    return appointment


def list_appointments(session: Session, day: date) -> list[Appointment]:
    start_, end_ = hall_days(day, day)
    return list(
        session.scalars(
            select(Appointment)
            .where(Appointment.slot_start >= start_, Appointment.slot_start < end_)
            .order_by(Appointment.slot_start, Appointment.id)
        )
    )


def check_in(
    session: Session,
    actor: Actor,
    *,
    code: str | None,
    id_number: str | None,
    now: datetime,
    settings: QueueSettings,
) -> tuple[Ticket, Appointment]:
    """At the kiosk: the appointment (by code or ID number, today's) becomes a ticket.

    On time (from `early` before the slot to `late` after it): the ticket carries appointment_at
    and is called before walk-ins while due. Too early: 409 queue.appointment_early. Too late:
    an ordinary ticket (late_check_in = "normal") or 409 queue.appointment_late ("refuse")."""
    query = select(Appointment)
    if code and code.strip():
        query = query.where(Appointment.code == code.strip().upper())
    elif id_number and id_number.strip():
        start_, end_ = hall_days(hall_day(now), hall_day(now))
        query = query.where(
            # bookings made before 0008 carry the unkeyed hash until their day has passed
            Appointment.id_hash.in_(
                (personal.id_hash(id_number), personal.legacy_id_hash(id_number))
            ),
            Appointment.slot_start >= start_,
            Appointment.slot_start < end_,
            Appointment.status == "booked",
        ).order_by(Appointment.slot_start)
    else:
        raise invalid("check_in")
    appointment = session.scalars(query.limit(1)).first()
    if appointment is None:
        raise not_found("appointment", code or mask_id(id_number or ""))
    if appointment.status != "booked":
        ticket = session.get(Ticket, appointment.ticket_id) if appointment.ticket_id else None
        raise ApiError(
            409,
            "queue.appointment_used",
            appointment=appointment.code,
            ticket=ticket.number if ticket else None,
        )
    if hall_day(appointment.slot_start) != hall_day(now):
        raise ApiError(
            409,
            "queue.appointment_other_day",
            appointment=appointment.code,
            day=hall_day(appointment.slot_start).isoformat(),
        )
    verdict = settings.rule.check_in(appointment.slot_start, now)
    slot = time_text(appointment.slot_start)
    if verdict == "early":
        minutes = math.ceil(
            (appointment.slot_start - settings.rule.early - now).total_seconds() / 60
        )
        raise ApiError(409, "queue.appointment_early", slot=slot, minutes=minutes)
    if verdict == "late" and settings.late_check_in == "refuse":
        raise ApiError(409, "queue.appointment_late", slot=slot)
    appointment_at = appointment.slot_start if verdict == "ok" else None
    ticket = _new_ticket(session, actor, appointment.category, now, appointment_at=appointment_at)
    appointment.status = "checked_in"
    appointment.ticket_id = ticket.id
    session.flush()
    _record(
        session,
        ticket,
        actor,
        "check_in",
        None,
        ticket.status,
        now,
        appointment=appointment.code,
        verdict=verdict,
    )
    _finish_change(
        session,
        ticket,
        actor,
        "queue.check_in",
        "ticket.issued",
        now,
        queue_changed=True,
        appointment=appointment.code,
        verdict=verdict,
    )
    return ticket, appointment
