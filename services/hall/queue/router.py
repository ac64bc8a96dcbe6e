"""/api/v1 queue endpoints (see README.md in this folder for paths, shapes and rules).

Mutations run through `QueueContext.run`: one write transaction holding the end-of-day expiry
(when the closing task has not run it yet), the change, its audit row and events, and the
Idempotency-Key's stored answer (the foundation's mechanism; a retried call-next replays the
first answer and never calls a second ticket). After the commit the event bus is poked so open
streams see the change at once.

The closing task (`QueueContext.closing_loop`, started by this router's lifespan) runs the
end-of-day expiry at the closing time and after midnight even when no request comes: the
workstations only listen to events, and they must see the queue close at 17:30.
"""

# No `from __future__ import annotations`: FastAPI evaluates the Annotated dependencies.

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from clerk.clock import hall_midnight
from clerk.tickets import hall_day
from services.hall import idempotency
from services.hall.audit import Actor
from services.hall.bootstrap import Hall
from services.hall.deps import Caller, ReadyHall, bearer_token, client_address, current_principal
from services.hall.models import IdempotencyKey
from services.hall.ops import auth as auth_ops
from services.hall.ops.auth import Principal
from services.hall.problems import ApiError
from services.hall.queue import service
from services.hall.queue.events import EventBus
from services.hall.queue.schemas import (
    AppointmentIn,
    AppointmentOut,
    BoardOut,
    CallNumberIn,
    CheckInIn,
    CheckInOut,
    FinishIn,
    IssueIn,
    PauseIn,
    QueueOut,
    TicketDetailOut,
    TicketEventOut,
    TicketOut,
    TicketRef,
    TicketTransferIn,
    TransferIn,
    WalkInIn,
    WindowStateOut,
)
from services.hall.queue.settings import QueueSettings

log = logging.getLogger("services.hall.queue")

WINDOW_ROLES = ("clerk", "supervisor")
MANAGER_ROLES = ("supervisor", "admin")
STAFF_ROLES = ("clerk", "supervisor", "admin")

_SQLITE_WRITERS: dict[str, threading.Lock] = {}
_SQLITE_WRITERS_LOCK = threading.Lock()
_CONTEXT_LOCK = threading.Lock()


def _writer_lock(url: str) -> threading.Lock:
    """SQLite: one writer at a time inside this process, queued fairly on a lock instead of
    polling the busy timeout (BEGIN IMMEDIATE still guards against other processes)."""
    with _SQLITE_WRITERS_LOCK:
        return _SQLITE_WRITERS.setdefault(url, threading.Lock())


class RateLimiter:
    """Tickets issued without a token, per client address: at most `per_minute` a minute."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(address, deque())
            while seen and seen[0] <= now - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                wait = max(1, int(60 - (now - seen[0])) + 1)
                raise ApiError(
                    429, "rate_limited", headers={"Retry-After": str(wait)}, retry_after=wait
                )
            seen.append(now)


def next_boundary(now: datetime, settings: QueueSettings) -> datetime:
    """The next moment the end-of-day expiry has new work: today's closing time, or after it
    the next hall midnight (yesterday's leftovers, overtime tickets included)."""
    today = hall_day(now)
    closing = service.closing_moment(today, settings)
    if now < closing:
        return closing
    return hall_midnight(today + timedelta(days=1))


class QueueContext:
    """Per-app queue state: settings, event bus, kiosk limiter, end-of-day memo and task."""

    def __init__(self, hall: Hall, settings: QueueSettings) -> None:
        self.hall = hall
        self.settings = settings
        self.bus = EventBus(hall.db, safety_poll=settings.safety_poll_seconds)
        self.limiter = RateLimiter(settings.public_issue_per_minute)
        self._expired_for: tuple[date, bool] | None = None
        self._lock = _writer_lock(hall.db.url) if hall.db.dialect == "sqlite" else nullcontext()
        self._closing: asyncio.Task[None] | None = None

    def _expiry_key(self, now: datetime) -> tuple[date, bool]:
        return hall_day(now), service.is_closed(now, self.settings)

    def expire_now(self) -> None:
        """Run the end-of-day expiry once per (day, closed) in this process (readers and the
        closing task; writers do it inside their own transaction)."""
        now = self.hall.now()
        if self._expired_for == self._expiry_key(now):
            return
        with self._lock, self.hall.db.write() as session:
            expired = service.expire_due(session, Actor("system:closing"), now, self.settings)
        self._expired_for = self._expiry_key(now)
        if expired:
            self.bus.poke()

    # --- the closing task ---------------------------------------------------------------------

    @property
    def closing_task(self) -> asyncio.Task[None] | None:
        return self._closing

    def start_closing(self) -> None:
        if self._closing is None or self._closing.done():
            loop = asyncio.get_running_loop()
            self._closing = loop.create_task(self.closing_loop(), name="queue-closing")

    async def stop_closing(self) -> None:
        task, self._closing = self._closing, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def closing_loop(self) -> None:
        """Expire at once (what an earlier run left), then at each closing time and midnight.
        The sleep is capped by `closing_check_seconds` so that a clock that jumps (NTP, a
        suspended host, a test's fake clock) is noticed within that time."""
        while True:
            try:
                await asyncio.to_thread(self._expire_when_ready)
            except Exception as exc:  # the store is away: the next round tries again
                log.warning("queue: end-of-day expiry failed: %s", exc)
            now = self.hall.now()
            until = (next_boundary(now, self.settings) - now).total_seconds()
            # A little past the boundary, so the clock reads "closed" (or the new day) on waking.
            await asyncio.sleep(min(max(until, 0.0) + 0.01, self.settings.closing_check_seconds))

    def _expire_when_ready(self) -> None:
        self.hall.ensure_ready()
        self.expire_now()

    def run(
        self,
        request: Request,
        raw: bytes,
        username: str,
        produce: Callable[[Session, datetime], Any],
        *,
        status: int = 200,
        idle: Callable[[Session, datetime], bool] | None = None,
    ) -> Response:
        """Run `produce` in one write transaction (see the module docstring). `idle`, when
        given, is a read-only check: True means the answer is certainly 204 and nothing needs
        writing (an idle window asking for the next ticket does not queue for the write lock)."""
        idem = idempotency.IdempotentRequest.build(
            request.headers.get(idempotency.HEADER),
            username=username,
            method=request.method,
            path=request.url.path,
            body=raw,
        )
        now = self.hall.now()
        key = self._expiry_key(now)
        if idle is not None and self._expired_for == key:
            with self.hall.db.read() as session:
                if not _answered(session, idem) and idle(session, now):
                    return _answer(204, None)
        with self._lock:
            session = self.hall.db.session(write=True)
            try:
                with session.begin():
                    if idem is not None:
                        stored = idempotency.lookup(session, idem)
                        if stored is not None:
                            return _answer(stored.status, stored.body, replayed=True)
                    if self._expired_for != key:
                        service.expire_due(session, Actor("system:closing"), now, self.settings)
                    body = jsonable_encoder(produce(session, now))
                    code = 204 if body is None else status
                    if idem is not None:
                        idempotency.store(session, idem, code, body, now)
            finally:
                session.close()
        self._expired_for = key
        self.bus.poke()
        return _answer(code, body)


def _answered(session: Session, idem: idempotency.IdempotentRequest | None) -> bool:
    """Whether this Idempotency-Key already has a stored answer (then the write path replays)."""
    if idem is None:
        return False
    found = session.scalar(
        select(IdempotencyKey.id).where(
            IdempotencyKey.key == idem.key,
            IdempotencyKey.username == idem.username,
            IdempotencyKey.method == idem.method,
            IdempotencyKey.path == idem.path,
        )
    )
    return found is not None


def _answer(status: int, body: Any, *, replayed: bool = False) -> Response:
    headers = {idempotency.REPLAYED_HEADER: "true"} if replayed else None
    if status == 204 or body is None:
        return Response(status_code=204, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def context_for(app: FastAPI) -> QueueContext:
    ctx: QueueContext | None = getattr(app.state, "queue", None)
    if ctx is None:
        with _CONTEXT_LOCK:
            ctx = getattr(app.state, "queue", None)
            if ctx is None:
                ctx = QueueContext(app.state.hall, QueueSettings.load())
                app.state.queue = ctx
    return ctx


def queue_context(request: Request) -> QueueContext:
    return context_for(request.app)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The closing task runs while the server runs (an app driven without a lifespan, as in
    the in-process tests, still expires lazily on the first request after closing)."""
    ctx = context_for(app)
    ctx.start_closing()
    try:
        yield
    finally:
        await ctx.stop_closing()
        await ctx.bus.stop()


router = APIRouter(tags=["queue"], lifespan=lifespan)
Ctx = Annotated[QueueContext, Depends(queue_context)]


async def _raw_body(request: Request) -> bytes:
    return await request.body()


RawBody = Annotated[bytes, Depends(_raw_body)]


def _roles(principal: Principal, roles: tuple[str, ...]) -> None:
    if principal.role not in roles:
        raise ApiError(403, "auth.forbidden", roles=", ".join(roles))


def window_clerk(window_no: int, principal: Caller) -> Principal:
    """The clerk logged in at this window (the login's window_no); nobody calls for another."""
    _roles(principal, WINDOW_ROLES)
    if principal.window_no != window_no:
        raise ApiError(403, "queue.not_your_window", number=window_no, yours=principal.window_no)
    return principal


def window_keeper(window_no: int, principal: Caller) -> Principal:
    """Pause/resume: the clerk at this window, or a supervisor/administrator from anywhere."""
    if principal.role in MANAGER_ROLES:
        return principal
    return window_clerk(window_no, principal)


def staff(principal: Caller) -> Principal:
    _roles(principal, STAFF_ROLES)
    return principal


def manager(principal: Caller) -> Principal:
    _roles(principal, MANAGER_ROLES)
    return principal


WindowClerk = Annotated[Principal, Depends(window_clerk)]
WindowKeeper = Annotated[Principal, Depends(window_keeper)]
Staff = Annotated[Principal, Depends(staff)]
Manager = Annotated[Principal, Depends(manager)]


def _issuer(request: Request, hall: Hall, ctx: QueueContext) -> tuple[str, Actor]:
    """Who issues at a kiosk: a token's user, or — without a token, when the hall allows it —
    the kiosk's address, rate-limited."""
    if bearer_token(request) is not None:
        with hall.db.read() as session:
            principal = auth_ops.authenticate(session, bearer_token(request), hall.now())
        return principal.username, principal.actor
    if not ctx.settings.public_issue:
        raise ApiError(401, "auth.token_missing", headers={"WWW-Authenticate": "Bearer"})
    address = client_address(request)
    ctx.limiter.check(address)
    name = f"kiosk@{address}"
    return name, Actor(name)


def _ticket_out(session: Session, ticket: Any, now: datetime, ctx: QueueContext) -> TicketOut:
    return TicketOut.of(ticket, service.estimate(session, ticket, now, ctx.settings))


# --- issuing -----------------------------------------------------------------------------------


@router.post("/tickets", status_code=201, response_model=TicketOut)
def issue_ticket(
    body: IssueIn, request: Request, raw: RawBody, hall: ReadyHall, ctx: Ctx
) -> Response:
    """取号. Any token, or none at a kiosk when `queue.public_issue` is on (rate-limited)."""
    username, actor = _issuer(request, hall, ctx)

    def produce(s: Session, now: datetime) -> TicketOut:
        ticket = service.issue(s, actor, category=body.category, priority=body.priority, now=now)
        return _ticket_out(s, ticket, now, ctx)

    return ctx.run(request, raw, username, produce, status=201)


@router.post("/appointments/check-in", status_code=201, response_model=CheckInOut)
def check_in(
    body: CheckInIn, request: Request, raw: RawBody, hall: ReadyHall, ctx: Ctx
) -> Response:
    """预约签到 at the kiosk by appointment code or ID number (same access as issuing)."""
    username, actor = _issuer(request, hall, ctx)

    def produce(s: Session, now: datetime) -> CheckInOut:
        ticket, appointment = service.check_in(
            s, actor, code=body.code, id_number=body.id_number, now=now, settings=ctx.settings
        )
        out = _ticket_out(s, ticket, now, ctx)
        return CheckInOut(**out.model_dump(), appointment=AppointmentOut.of(appointment))

    return ctx.run(request, raw, username, produce, status=201)


@router.post("/appointments", status_code=201, response_model=AppointmentOut)
def book(
    body: AppointmentIn, request: Request, raw: RawBody, principal: Staff, ctx: Ctx
) -> Response:
    def produce(s: Session, now: datetime) -> AppointmentOut:
        return AppointmentOut.of(
            service.book(
                s,
                principal.actor,
                category=body.category,
                slot_start=body.slot_start,
                slot_end=body.slot_end,
                name=body.name,
                id_number=body.id_number,
                now=now,
            )
        )

    return ctx.run(request, raw, principal.username, produce, status=201)


@router.get("/appointments", response_model=list[AppointmentOut])
def appointments(
    hall: ReadyHall, principal: Staff, day: date | None = None
) -> list[AppointmentOut]:
    with hall.db.read() as s:
        return [
            AppointmentOut.of(a) for a in service.list_appointments(s, day or hall_day(hall.now()))
        ]


# --- a window's actions ------------------------------------------------------------------------


@router.post(
    "/windows/{window_no}/call-next",
    response_model=TicketOut,
    responses={204: {"description": "Nothing waits for this window"}},
)
def call_next(
    window_no: int, request: Request, raw: RawBody, principal: WindowClerk, ctx: Ctx
) -> Response:
    """叫号: 200 with the ticket now called at this window, or 204 when nothing waits."""

    def produce(s: Session, now: datetime) -> TicketOut | None:
        ticket = service.call_next(s, principal.actor, window_no, now=now, settings=ctx.settings)
        return TicketOut.of(ticket) if ticket else None

    return ctx.run(
        request,
        raw,
        principal.username,
        produce,
        idle=lambda s, now: service.nothing_to_call(s, window_no, now),
    )


@router.post("/windows/{window_no}/call-number", response_model=TicketOut)
def call_number(
    window_no: int,
    body: CallNumberIn,
    request: Request,
    raw: RawBody,
    principal: WindowClerk,
    ctx: Ctx,
) -> Response:
    """指定叫号: a chosen number of today (waiting, transferred or no-show)."""
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: TicketOut.of(
            service.call_number(s, principal.actor, window_no, number=body.number, now=now)
        ),
    )


def _ticket_action(action: Callable[..., Any]) -> Callable[..., Response]:
    def endpoint(
        window_no: int,
        request: Request,
        raw: RawBody,
        principal: WindowClerk,
        ctx: Ctx,
        body: TicketRef | None = None,
    ) -> Response:
        ticket_id = body.ticket_id if body else None
        return ctx.run(
            request,
            raw,
            principal.username,
            lambda s, now: TicketOut.of(
                action(s, principal.actor, window_no, ticket_id=ticket_id, now=now)
            ),
        )

    endpoint.__doc__ = action.__doc__
    return endpoint


router.add_api_route(
    "/windows/{window_no}/recall",
    _ticket_action(service.recall),
    methods=["POST"],
    response_model=TicketOut,
    name="recall",
)
router.add_api_route(
    "/windows/{window_no}/no-show",
    _ticket_action(service.no_show),
    methods=["POST"],
    response_model=TicketOut,
    name="no_show",
)
router.add_api_route(
    "/windows/{window_no}/start",
    _ticket_action(service.start),
    methods=["POST"],
    response_model=TicketOut,
    name="start",
)


@router.post("/windows/{window_no}/finish", response_model=TicketOut)
def finish(
    window_no: int,
    request: Request,
    raw: RawBody,
    principal: WindowClerk,
    ctx: Ctx,
    body: FinishIn | None = None,
) -> Response:
    """办结, with the case ids handled for this applicant."""
    body = body or FinishIn()
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: TicketOut.of(
            service.finish(
                s, principal.actor, window_no, ticket_id=body.ticket_id, cases=body.cases, now=now
            )
        ),
    )


@router.post("/windows/{window_no}/transfer", response_model=TicketOut)
def transfer(
    window_no: int,
    body: TransferIn,
    request: Request,
    raw: RawBody,
    principal: WindowClerk,
    ctx: Ctx,
) -> Response:
    """转移 the window's ticket to another category and/or a specific window."""
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: TicketOut.of(
            service.transfer(
                s,
                principal.actor,
                window_no,
                ticket_id=body.ticket_id,
                category=body.category,
                window=body.window,
                now=now,
            )
        ),
    )


@router.post("/windows/{window_no}/walk-in", status_code=201, response_model=TicketOut)
def walk_in(
    window_no: int,
    body: WalkInIn,
    request: Request,
    raw: RawBody,
    principal: WindowClerk,
    ctx: Ctx,
) -> Response:
    """登记无号: an applicant without a ticket, served at this window at once."""
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: TicketOut.of(
            service.walk_in(
                s,
                principal.actor,
                window_no,
                category=body.category,
                priority=body.priority,
                now=now,
            )
        ),
        status=201,
    )


@router.post("/windows/{window_no}/pause", response_model=WindowStateOut)
def pause(
    window_no: int,
    body: PauseIn,
    request: Request,
    raw: RawBody,
    principal: WindowKeeper,
    ctx: Ctx,
) -> Response:
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: WindowStateOut.of(
            service.pause(s, principal.actor, window_no, reason=body.reason, now=now)
        ),
    )


@router.post("/windows/{window_no}/resume", response_model=WindowStateOut)
def resume(
    window_no: int, request: Request, raw: RawBody, principal: WindowKeeper, ctx: Ctx
) -> Response:
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: WindowStateOut.of(service.resume(s, principal.actor, window_no, now=now)),
    )


# --- tickets -----------------------------------------------------------------------------------


@router.get("/tickets/{ticket_id}", response_model=TicketDetailOut)
def ticket(ticket_id: int, hall: ReadyHall, ctx: Ctx, _: Caller) -> TicketDetailOut:
    """A ticket with its history, and people ahead + estimated wait while it waits."""
    ctx.expire_now()
    now = hall.now()
    with hall.db.read() as s:
        t = service.get_ticket(s, ticket_id)
        out = _ticket_out(s, t, now, ctx)
        history = [TicketEventOut.of(e) for e in service.ticket_events(s, ticket_id)]
    return TicketDetailOut(**out.model_dump(), history=history)


@router.get("/tickets", response_model=list[TicketOut])
def tickets(
    hall: ReadyHall,
    ctx: Ctx,
    _: Caller,
    status: Annotated[list[str] | None, Query()] = None,
    category: str | None = None,
    day: date | None = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> list[TicketOut]:
    """The queue listing: today's tickets in queue order, filtered by status (repeatable:
    ?status=waiting&status=transferred) and category. Reactivated tickets show `reactivated`."""
    ctx.expire_now()
    with hall.db.read() as s:
        rows = service.list_tickets(
            s,
            day=day or hall_day(hall.now()),
            statuses=status or (),
            category=category,
            limit=limit,
        )
        return [TicketOut.of(t) for t in rows]


@router.post("/tickets/{ticket_id}/reactivate", response_model=TicketOut)
def reactivate(
    ticket_id: int, request: Request, raw: RawBody, principal: Caller, ctx: Ctx
) -> Response:
    """A no-show back into the queue: waiting, flagged reactivated, queue time = now."""
    _roles(principal, WINDOW_ROLES)
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: _ticket_out(
            s, service.reactivate(s, principal.actor, ticket_id, now=now), now, ctx
        ),
    )


@router.post("/tickets/{ticket_id}/transfer", response_model=TicketOut)
def transfer_ticket(
    ticket_id: int,
    body: TicketTransferIn,
    request: Request,
    raw: RawBody,
    principal: Manager,
    ctx: Ctx,
) -> Response:
    """A supervisor moves a waiting ticket to another category and/or window."""
    return ctx.run(
        request,
        raw,
        principal.username,
        lambda s, now: _ticket_out(
            s,
            service.transfer_ticket(
                s, principal.actor, ticket_id, category=body.category, window=body.window, now=now
            ),
            now,
            ctx,
        ),
    )


# --- the queue and its events ------------------------------------------------------------------


@router.get("/queue", response_model=QueueOut)
def queue(hall: ReadyHall, ctx: Ctx, _: Caller) -> QueueOut:
    """Waiting counts per category, each window's current ticket and paused state."""
    ctx.expire_now()
    with hall.db.read() as s:
        return QueueOut.of(service.snapshot(s, hall.now(), ctx.settings))


@router.get("/queue/board", response_model=BoardOut)
def board(hall: ReadyHall, ctx: Ctx) -> BoardOut:
    """Public (no token), for a display board: called numbers per window and waiting counts."""
    ctx.expire_now()
    with hall.db.read() as s:
        return BoardOut.of(service.snapshot(s, hall.now(), ctx.settings))


def _last_event_id(request: Request, query: int | None) -> int | None:
    header = request.headers.get("last-event-id", "").strip()
    if header:
        try:
            return max(0, int(header))
        except ValueError:
            raise ApiError(422, "validation.last_event_id", value=header[:20]) from None
    return query


@router.get("/events", response_class=EventSourceResponse)
async def event_stream(
    request: Request,
    hall: ReadyHall,
    ctx: Ctx,
    public: bool = False,
    last_event_id: Annotated[int | None, Query(ge=0)] = None,
) -> EventSourceResponse:
    """Server-Sent Events. With a token (any role): every queue event. `?public=1` without a
    token: call/queue events only, without personal data (display boards). Resume with the
    `Last-Event-ID` header (or `?last_event_id=`); without one the stream starts now."""
    if not public:
        await run_in_threadpool(current_principal, request, hall)
    after = _last_event_id(request, last_event_id)
    bus = ctx.bus
    await bus.ensure_started()

    async def generate() -> AsyncIterator[ServerSentEvent]:
        async for item in bus.follow(after):
            payload = item.public() if public else item.payload
            if payload is None:
                continue
            yield ServerSentEvent(
                data=json.dumps(payload, ensure_ascii=False), id=str(item.id), event=item.type
            )

    return EventSourceResponse(
        generate(),
        ping=max(1, int(ctx.settings.ping_seconds)),
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
