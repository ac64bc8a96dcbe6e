"""Live queue events: written to `queue_events` in the transaction of the change, streamed to
clients as Server-Sent Events with ids and `Last-Event-ID` resume.

Writing (`publish`, inside the caller's transaction):
- a transaction-scoped lock is taken before the INSERT (PostgreSQL advisory lock; SQLite writers
  are serialised by BEGIN IMMEDIATE), so ids become visible in increasing order — a reader that
  has seen id N never sees a smaller id appear later;
- on PostgreSQL `pg_notify(CHANNEL, '')` is sent with it (delivered at commit) so every service
  process connected to the database wakes up.

Delivering (`EventBus`, one per app, started lazily by the first stream):
- after a commit the request handler calls `bus.poke()`; a PostgreSQL listener task (its own
  psycopg connection, `LISTEN`) pokes on every notification; a safety poll pokes every few
  seconds (covers writes by other processes on SQLite, e.g. `clerk queue close-day`, and a
  listener that is reconnecting);
- one reader task per process fetches the new rows (id > head) and keeps the latest ones in
  memory; streams wait on a condition and take what is newer than their cursor, going back to
  the table for anything older than the memory holds (a resume with an old Last-Event-ID).
The table is the truth; notifications only say "look".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from services.hall.db import Database, advisory_xact_lock
from services.hall.queue.models import QueueEvent

log = logging.getLogger("services.hall.queue")

CHANNEL = "clerk_queue_events"
MEMORY = 2000
FETCH = 500

TYPES = (
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.no_show",
    "ticket.reactivated",
    "ticket.transferred",
    "ticket.serving",
    "ticket.done",
    "ticket.expired",
    "window.paused",
    "window.resumed",
    "queue.changed",
    # cases (services/hall/cases/service.py _publish) and the supervisor's actions
    # (services/hall/supervisor/service.py): read by the dashboard; not on the public stream
    "case.created",
    "case.status",
    "window.changed",
    "window.broadcast",
    "handoff.changed",
)

# The public stream (`/events?public=1`, for display boards) carries these types, and of their
# payload only these keys: numbers, categories, windows and counts — never people.
PUBLIC_FIELDS: dict[str, tuple[str, ...]] = {
    "ticket.called": ("number", "category", "window_no", "recalls", "at"),
    "ticket.recalled": ("number", "category", "window_no", "recalls", "at"),
    "ticket.no_show": ("number", "category", "window_no", "at"),
    "ticket.done": ("number", "category", "window_no", "at"),
    "window.paused": ("window_no", "at"),
    "window.resumed": ("window_no", "at"),
    "queue.changed": ("waiting", "total", "at"),
}


@dataclass(frozen=True)
class StoredEvent:
    id: int
    type: str
    payload: dict[str, Any]
    at: datetime

    def public(self) -> dict[str, Any] | None:
        keys = PUBLIC_FIELDS.get(self.type)
        if keys is None:
            return None
        return {k: self.payload[k] for k in keys if k in self.payload}


PENDING = "queue_events_pending"


def publish(session: Session, type_: str, payload: dict[str, Any], *, at: datetime) -> None:
    """Add one event to the caller's transaction. The events of a transaction are written
    together just before it commits (`_write_pending`), under the events lock, with one
    notification — so the lock is held only for the last moments of the transaction."""
    assert type_ in TYPES, type_
    pending: list[QueueEvent] = session.info.setdefault(PENDING, [])
    pending.append(QueueEvent(type=type_, payload=payload | {"at": at.isoformat()}, at=at))


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending: list[QueueEvent] | None = session.info.pop(PENDING, None)
    if not pending:
        return
    advisory_xact_lock(session, "queue_events")
    session.add_all(pending)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


def head(session: Session) -> int:
    return int(session.scalar(select(func.max(QueueEvent.id))) or 0)


def fetch_after(db: Database, after: int, limit: int = FETCH) -> list[StoredEvent]:
    with db.read() as session:
        rows = session.scalars(
            select(QueueEvent).where(QueueEvent.id > after).order_by(QueueEvent.id).limit(limit)
        )
        return [StoredEvent(r.id, r.type, r.payload, r.at) for r in rows]


def _psycopg_dsn(db: Database) -> str:
    url = db.engine.url.render_as_string(hide_password=False)
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class EventBus:
    """Fans events out to the streams of this process (see the module docstring)."""

    def __init__(self, db: Database, *, safety_poll: float = 5.0) -> None:
        self.db = db
        self.safety_poll = safety_poll
        self.head = 0
        self.floor = 0  # memory holds every event with floor < id <= head
        self.memory: deque[StoredEvent] = deque()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._changed: asyncio.Condition | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._started: asyncio.Future[None] | None = None
        self.listening = False  # PostgreSQL: LISTEN is active

    # --- life cycle ---------------------------------------------------------------------------

    async def ensure_started(self) -> None:
        if self._started is not None:
            await asyncio.shield(self._started)
            return
        loop = asyncio.get_running_loop()
        self._started = loop.create_future()
        try:
            self.loop = loop
            self._wake = asyncio.Event()
            self._changed = asyncio.Condition()
            self.head = self.floor = await asyncio.to_thread(self._db_head)
            self._tasks.append(loop.create_task(self._reader(), name="queue-events-reader"))
            self._tasks.append(loop.create_task(self._poller(), name="queue-events-poll"))
            if self.db.dialect == "postgresql":
                self._tasks.append(loop.create_task(self._listener(), name="queue-events-listen"))
        except BaseException as exc:
            self._started.set_exception(exc)
            self._started = None
            raise
        self._started.set_result(None)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self._started = None
        self.loop = None

    def poke(self) -> None:
        """Something was committed: look at the table. Safe from any thread."""
        loop, wake = self.loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop is closing
            loop.call_soon_threadsafe(wake.set)

    # --- tasks --------------------------------------------------------------------------------

    def _db_head(self) -> int:
        with self.db.read() as session:
            return head(session)

    async def _reader(self) -> None:
        assert self._wake is not None and self._changed is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                while True:
                    batch = await asyncio.to_thread(fetch_after, self.db, self.head)
                    if not batch:
                        break
                    self.memory.extend(batch)
                    self.head = batch[-1].id
                    while len(self.memory) > MEMORY:
                        self.floor = self.memory.popleft().id
                    async with self._changed:
                        self._changed.notify_all()
                    if len(batch) < FETCH:
                        break
            except Exception as exc:  # the store is away for a moment: try again soon
                log.warning("queue events: reading failed: %s", exc)
                await asyncio.sleep(0.5)
                self._wake.set()

    async def _poller(self) -> None:
        while True:
            await asyncio.sleep(self.safety_poll)
            self.poke()

    async def _listener(self) -> None:
        import psycopg

        backoff = 0.2
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    _psycopg_dsn(self.db), autocommit=True, connect_timeout=5
                )
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening = True
                    backoff = 0.2
                    self.poke()  # anything committed while we were not listening
                    async for _ in conn.notifies():
                        self.poke()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("queue events: LISTEN connection lost: %s", exc)
            finally:
                self.listening = False
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    # --- streams ------------------------------------------------------------------------------

    async def follow(self, after: int | None) -> AsyncIterator[StoredEvent]:
        """Every event with id > `after` (None: from now on), then new ones as they come."""
        await self.ensure_started()
        assert self._changed is not None
        cursor = self.head if after is None else after
        if cursor > self.head:
            latest = await asyncio.to_thread(self._db_head)
            if cursor > latest:  # an id this store never gave (the store was replaced)
                cursor = latest
        while True:
            if cursor < self.floor:  # older than memory: from the table
                floor = self.floor
                fetched = await asyncio.to_thread(fetch_after, self.db, cursor)
                batch = [e for e in fetched if e.id <= floor]
                if not batch:
                    cursor = floor
                    continue
            else:
                batch = [e for e in self.memory if e.id > cursor]
            if batch:
                for item in batch:
                    cursor = item.id
                    yield item
                continue
            async with self._changed:
                if self.head <= cursor:
                    await self._changed.wait()
