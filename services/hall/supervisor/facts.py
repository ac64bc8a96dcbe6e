"""Reading the store into the pure facts of clerk.dashboard (the dashboard snapshot) and of
clerk.reports (a range of days). Read-only; one session."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from clerk.clock import hall_midnight
from clerk.dashboard import OPEN_CASE_STATUSES, CaseFact, Snapshot, TicketFact, WindowFact
from clerk.reports import ReportCase, ReportTicket
from clerk.tickets import hall_day
from services.hall import outbox
from services.hall.cases.models import Case
from services.hall.handoff.models import DEAD, PENDING
from services.hall.models import Token, User
from services.hall.ops import windows as window_ops
from services.hall.queue import events
from services.hall.queue.models import QueueWindow, Ticket, TicketEvent

CALLS = ("call", "walk_in")


def day_start(day: date) -> datetime:
    return hall_midnight(day)


def _first_calls(session: Session, days: tuple[date, date]) -> dict[int, datetime]:
    rows = session.execute(
        select(TicketEvent.ticket_id, func.min(TicketEvent.at))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(Ticket.day >= days[0], Ticket.day <= days[1], TicketEvent.action.in_(CALLS))
        .group_by(TicketEvent.ticket_id)
    )
    out: dict[int, datetime] = {}
    for ticket_id, at in rows:
        if at is not None:
            out[int(ticket_id)] = at if at.tzinfo else at.replace(tzinfo=UTC)
    return out


def clerks_at_windows(session: Session, now: datetime) -> dict[int, str]:
    """Who is signed in at each window now (the latest live sign-in there): display names."""
    rows = session.execute(
        select(Token.window_no, User.display_name, Token.created_at)
        .join(User, User.id == Token.user_id)
        .where(
            Token.window_no.is_not(None),
            Token.revoked_at.is_(None),
            Token.expires_at > now,
        )
        .order_by(Token.created_at)
    )
    out: dict[int, str] = {}
    for window_no, name, _ in rows:
        if window_no is not None:
            out[int(window_no)] = str(name)
    return out


def handoff_counts(session: Session) -> tuple[int, int]:
    totals = outbox.counts(session)
    pending = sum(d.get(PENDING, 0) for d in totals.values())
    dead = sum(d.get(DEAD, 0) for d in totals.values())
    return pending, dead


def _window_facts(session: Session, now: datetime) -> tuple[WindowFact, ...]:
    states = {s.window_no: s for s in session.scalars(select(QueueWindow))}
    clerks = clerks_at_windows(session, now)
    out = []
    for w in window_ops.list_windows(session):
        state = states.get(w.number)
        paused = bool(state and state.paused)
        out.append(
            WindowFact(
                number=w.number,
                name=w.name,
                active=w.active,
                categories=tuple(w.category_prefixes),
                paused=paused,
                pause_reason=state.pause_reason if state and paused else None,
                paused_at=state.paused_at if state and paused else None,
                clerk=clerks.get(w.number),
            )
        )
    return tuple(out)


def snapshot(
    session: Session,
    now: datetime,
    *,
    wait_target_minutes: int = 15,
    pause_alert_minutes: int = 10,
    near_days: int = 2,
) -> Snapshot:
    """Everything clerk.dashboard needs for today. The event id is read first: a client that
    follows the stream from it may see a change twice (the dashboard applies it idempotently),
    never miss one."""
    last_event_id = events.head(session)
    day = hall_day(now)
    firsts = _first_calls(session, (day, day))
    tickets = tuple(
        TicketFact(
            id=t.id,
            number=t.number,
            category=t.category.prefix,
            status=t.status,
            issued_at=t.issued_at,
            queue_time=t.queue_time,
            first_called_at=firsts.get(t.id, t.called_at),
            called_at=t.called_at,
            started_at=t.started_at,
            finished_at=t.finished_at,
            window_no=t.window_no if t.window_no is not None else t.last_window_no,
            walk_in=t.walk_in,
        )
        for t in session.scalars(select(Ticket).where(Ticket.day == day).order_by(Ticket.id))
    )
    start = day_start(day)
    cases = tuple(
        CaseFact(
            case_no=c.case_no,
            decision=c.decision,
            status=c.status,
            decided_at=c.decided_at,
            promised_date=c.promised_date,
            window_no=c.window_no,
        )
        for c in session.scalars(
            select(Case)
            .where(
                or_(
                    (Case.decided_at >= start) & (Case.decided_at < start + timedelta(days=1)),
                    Case.status.in_(sorted(OPEN_CASE_STATUSES)) & Case.promised_date.is_not(None),
                )
            )
            .order_by(Case.id)
        )
    )
    pending, dead = handoff_counts(session)
    return Snapshot(
        day=day,
        taken_at=now,
        last_event_id=last_event_id,
        categories=tuple((c.prefix, c.name) for c in window_ops.list_categories(session)),
        windows=_window_facts(session, now),
        tickets=tickets,
        cases=cases,
        handoff_pending=pending,
        handoff_dead=dead,
        wait_target_minutes=wait_target_minutes,
        pause_alert_minutes=pause_alert_minutes,
        near_days=near_days,
    )


# --- reports -----------------------------------------------------------------------------------


def _servers(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Who served each ticket: the actor of its finish, else of its last call."""
    wanted = list(ids)
    out: dict[int, str] = {}
    for chunk in range(0, len(wanted), 500):
        part = wanted[chunk : chunk + 500]
        rows = session.execute(
            select(TicketEvent.ticket_id, TicketEvent.action, TicketEvent.actor)
            .where(
                TicketEvent.ticket_id.in_(part),
                TicketEvent.action.in_(("call", "walk_in", "finish")),
            )
            .order_by(TicketEvent.id)
        )
        finished: set[int] = set()
        for ticket_id, action, actor in rows:
            if ticket_id in finished:
                continue
            out[int(ticket_id)] = str(actor)
            if action == "finish":
                finished.add(int(ticket_id))
    return out


def report_facts(
    session: Session, first: date, last: date
) -> tuple[list[ReportTicket], list[ReportCase], dict[str, str], dict[int, str], dict[str, str]]:
    """Tickets and cases of the days first..last (hall-local), with the names to show:
    (tickets, cases, category names, window names, clerk display names by username)."""
    firsts = _first_calls(session, (first, last))
    rows = list(
        session.scalars(
            select(Ticket).where(Ticket.day >= first, Ticket.day <= last).order_by(Ticket.id)
        )
    )
    servers = _servers(session, (t.id for t in rows))
    tickets = [
        ReportTicket(
            number=t.number,
            day=t.day,
            category=t.category.prefix,
            status=t.status,
            issued_at=t.issued_at,
            first_called_at=firsts.get(t.id, t.called_at),
            started_at=t.started_at,
            finished_at=t.finished_at,
            window_no=t.window_no if t.window_no is not None else t.last_window_no,
            clerk=servers.get(t.id),
            walk_in=t.walk_in,
        )
        for t in rows
    ]
    by_ticket = {t.id: t.category.prefix for t in rows}
    missing = [
        c.ticket_id
        for c in session.scalars(
            select(Case).where(
                Case.decided_at >= day_start(first),
                Case.decided_at < day_start(last + timedelta(days=1)),
            )
        )
        if c.ticket_id is not None and c.ticket_id not in by_ticket
    ]
    if missing:
        for ticket in session.scalars(select(Ticket).where(Ticket.id.in_(missing))):
            by_ticket[ticket.id] = ticket.category.prefix
    cases = [
        ReportCase(
            case_no=c.case_no,
            decided_at=c.decided_at,
            decision=c.decision,
            window_no=c.window_no,
            clerk=c.clerk,
            category=by_ticket.get(c.ticket_id) if c.ticket_id is not None else None,
            follows_notice=c.follows_notice,
        )
        for c in session.scalars(
            select(Case)
            .where(
                Case.decided_at >= day_start(first),
                Case.decided_at < day_start(last + timedelta(days=1)),
            )
            .order_by(Case.id)
        )
    ]
    categories = {c.prefix: c.name for c in window_ops.list_categories(session)}
    windows = {w.number: w.name for w in window_ops.list_windows(session)}
    clerks = {u.username: u.display_name for u in session.scalars(select(User))}
    return tickets, cases, categories, windows, clerks
