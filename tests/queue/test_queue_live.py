"""Live events over real HTTP (the embedded hall: uvicorn on a Unix socket), SQLite and
PostgreSQL: a call reaches a stream within 200 ms of its commit; a dropped stream resumes
without losing events; the public stream carries no personal data; the client methods work end
to end; the queue closes at the closing time (and after midnight) without any request."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from httpx_sse import aconnect_sse
from sqlalchemy import event as orm_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk.config import Settings
from services.client import Event, HallClient, TokenInvalid
from services.hall.db import Database
from services.hall.queue.models import QueueEvent, Ticket, TicketEvent
from services.hall.queue.router import next_boundary
from services.hall.queue.settings import QueueSettings
from tests.queue.serve import DroppingProxy
from tests.support.hall import FakeClock, RunningHall, running_embedded

# The issue's promise: an SSE client sees a call within 200 ms on the same machine. On a machine
# loaded far beyond a workstation's (e.g. a CI host running several suites at once) raise it with
# CLERK_TEST_SSE_BUDGET_MS=500 — never in the normal run.
SSE_BUDGET_MS = float(os.environ.get("CLERK_TEST_SSE_BUDGET_MS", "200"))
SSE_SAMPLES = 10


async def logged_in(hall: RunningHall, username: str, window_no: int | None = None) -> HallClient:
    client = hall.client()
    await client.login(username, hall.credentials[username], window_no)
    return client


@contextlib.asynccontextmanager
async def collecting(
    client: HallClient, last_event_id: int | None = None, **kwargs: object
) -> AsyncIterator[list[Event]]:
    """Run client.events() in the background, appending to a list; cancelled at the end."""
    seen: list[Event] = []

    async def consume() -> None:
        async for event in client.events(last_event_id, **kwargs):  # type: ignore[arg-type]
            seen.append(event)

    task = asyncio.create_task(consume())
    try:
        yield seen
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(predicate: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.005)


def table_events(hall: RunningHall) -> list[tuple[int, str]]:
    db = Database.open(hall.settings.database_url())
    try:
        with db.read() as s:
            return [(e.id, e.type) for e in s.scalars(select(QueueEvent).order_by(QueueEvent.id))]
    finally:
        db.dispose()


@contextlib.contextmanager
def call_commits() -> Iterator[dict[int, float]]:
    """perf_counter() at the commit of each transaction that wrote a ticket.called event, by
    ticket id. The embedded hall serves from a thread of this process, so its clock is ours:
    the latency measured from here leaves the call-next request's own round trip out."""
    committed: dict[int, float] = {}

    def flushed(session: Session, _context: object) -> None:
        for obj in session.new:  # after_flush still shows what this flush inserted
            if isinstance(obj, QueueEvent) and obj.type == "ticket.called":
                session.info.setdefault("test_called", []).append(int(obj.payload["id"]))

    def done(session: Session) -> None:
        at = time.perf_counter()
        for ticket_id in session.info.pop("test_called", ()):
            committed[ticket_id] = at

    def dropped(session: Session) -> None:
        session.info.pop("test_called", None)

    hooks = (("after_flush", flushed), ("after_commit", done), ("after_rollback", dropped))
    for name, hook in hooks:
        orm_event.listen(Session, name, hook)
    try:
        yield committed
    finally:
        for name, hook in hooks:
            orm_event.remove(Session, name, hook)


async def test_a_call_reaches_a_stream_within_200_ms_of_its_commit(
    embedded_hall: RunningHall,
) -> None:
    window = await logged_in(embedded_hall, "clerk1", 1)
    board = await logged_in(embedded_hall, "supervisor")
    arrived: dict[int, float] = {}

    async def read(events: AsyncIterator[Any]) -> None:
        async for sse in events:
            if sse.event == "ticket.called":
                arrived[int(json.loads(sse.data)["id"])] = time.perf_counter()

    try:
        status = await board.queue_status()
        async with aconnect_sse(
            board.http,
            "GET",
            "/api/v1/events",
            headers=board.headers() | {"Last-Event-ID": str(status.last_event_id)},
        ) as source:
            assert source.response.status_code == 200
            reader = asyncio.create_task(read(source.aiter_sse()))
            latencies: list[float] = []
            try:
                with call_commits() as committed:
                    for _ in range(SSE_SAMPLES):
                        await board.issue_ticket("A")
                        called = await window.call_next(1)
                        assert called is not None
                        await until(lambda ticket_id=called.id: ticket_id in arrived)
                        assert called.id in committed  # the hook saw this call's commit
                        latencies.append(max(0.0, arrived[called.id] - committed[called.id]))
                        await window.finish(1, (), called.id)
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
        median_ms = statistics.median(latencies) * 1000
        store = embedded_hall.settings.database_url().split(":")[0]
        print(
            f"\nSSE commit-to-event latency (embedded, {store}): median {median_ms:.1f} ms, "
            f"max {max(latencies) * 1000:.1f} ms over {len(latencies)} calls"
        )
        assert median_ms <= SSE_BUDGET_MS, (
            f"median {median_ms:.1f} ms > {SSE_BUDGET_MS:.0f} ms (CLERK_TEST_SSE_BUDGET_MS)"
        )
    finally:
        await window.aclose()
        await board.aclose()


async def test_dropped_stream_resumes_without_losing_events(embedded_hall: RunningHall) -> None:
    staff = await logged_in(embedded_hall, "supervisor")
    async with DroppingProxy(uds=str(embedded_hall.socket_path)) as proxy:
        watcher = HallClient(proxy.url, token=staff.token)
        try:
            start = (await watcher.queue_status()).last_event_id
            async with collecting(watcher, start, max_backoff=0.2) as seen:
                for _ in range(3):
                    await staff.issue_ticket("A")
                await until(lambda: sum(e.type == "ticket.issued" for e in seen) == 3)
                proxy.down()  # the stream is cut and reconnects are refused for a while
                for _ in range(5):
                    await staff.issue_ticket("B")
                await asyncio.sleep(0.3)
                proxy.up()
                await until(lambda: sum(e.type == "ticket.issued" for e in seen) == 8)
                await staff.issue_ticket("C")
                await until(lambda: sum(e.type == "ticket.issued" for e in seen) == 9)
            expected = [(i, t) for i, t in table_events(embedded_hall) if i > start]
            assert [(e.id, e.type) for e in seen] == expected  # every event, once, in order
            numbers = [e.data["number"] for e in seen if e.type == "ticket.issued"]
            assert numbers == ["A001", "A002", "A003", *(f"B00{i}" for i in range(1, 6)), "C001"]
        finally:
            await watcher.aclose()
            await staff.aclose()


async def test_resume_from_an_old_id_replays_from_the_table(embedded_hall: RunningHall) -> None:
    staff = await logged_in(embedded_hall, "supervisor")
    try:
        for _ in range(4):
            await staff.issue_ticket("D")
        async with collecting(staff, 0) as seen:
            await until(lambda: len(seen) >= 8)
        assert [e.type for e in seen[:2]] == ["ticket.issued", "queue.changed"]
        assert seen[-1].data == seen[-1].data | {"waiting": {"D": 4}, "total": 4}
        assert [e.id for e in seen] == sorted({e.id for e in seen})
    finally:
        await staff.aclose()


async def test_public_stream_has_no_personal_data(embedded_hall: RunningHall) -> None:
    window = await logged_in(embedded_hall, "clerk1", 1)
    anonymous = embedded_hall.client()
    try:
        refused = await anonymous.http.get("/api/v1/events")
        assert refused.status_code == 401
        with pytest.raises(TokenInvalid):
            async for _ in anonymous.events():
                break
        async with collecting(anonymous, public=True) as seen:
            await asyncio.sleep(0.1)
            await anonymous.issue_ticket("A")  # the kiosk: no token
            await window.call_next(1)
            await window.pause(1, "系统维护")
            await until(lambda: any(e.type == "window.paused" for e in seen))
        types = [e.type for e in seen]
        assert "ticket.issued" not in types
        assert types == ["queue.changed", "ticket.called", "queue.changed", "window.paused"]
        called = seen[1].data
        assert set(called) == {"number", "category", "window_no", "recalls", "at"}
        assert "reason" not in seen[3].data
    finally:
        await window.aclose()
        await anonymous.aclose()


async def test_client_methods_end_to_end(embedded_hall: RunningHall) -> None:
    w1 = await logged_in(embedded_hall, "clerk1", 1)
    w2 = await logged_in(embedded_hall, "clerk2", 2)
    kiosk = embedded_hall.client()
    try:
        first = await kiosk.issue_ticket("A", "elderly")
        assert (first.number, first.priority, first.people_ahead) == ("A001", "老年人", 0)
        second = await kiosk.issue_ticket("A")
        assert second.estimated_wait_minutes is not None
        assert await w1.call_next(1) is not None
        got = await w1.ticket(first.id)
        assert got.status == "called" and got.window_no == 1
        assert [s.action for s in got.history] == ["issue", "call"]
        assert (await w1.recall(1, first.id)).recalls == 1
        assert (await w1.no_show(1)).status == "no_show"
        assert (await w1.reactivate(first.id)).reactivated
        called = await w2.call_number(2, "A001")
        assert called.window_no == 2 and called.calls == 2
        assert (await w2.start(2)).status == "serving"
        moved = await w2.transfer(2, category="B")
        assert (moved.status, moved.category) == ("transferred", "B")
        again = await w2.call_next(2)  # B is window 2's secondary category
        assert again is not None and again.number == "A001"
        done = await w2.finish(2, ["2026-0001"])
        assert done.cases == ("2026-0001",)
        walked = await w1.walk_in(1, "D")
        assert walked.walk_in and walked.status == "serving"
        await w1.finish(1)
        paused = await w1.pause(1, "午休")
        assert paused.paused and paused.pause_reason == "午休"
        status = await w1.queue_status()
        assert status.window(1) is not None and status.window(1).paused  # type: ignore[union-attr]
        assert status.waiting("A") == 1
        assert (await w1.resume(1)).paused is False
        waiting = await w1.tickets(status=("waiting",))
        assert [t.number for t in waiting] == ["A002"]
        assert await w1.call_next(1) is not None
        await w1.finish(1)
        assert await w1.call_next(1) is None  # 204
    finally:
        for client in (w1, w2, kiosk):
            await client.aclose()


async def test_retried_call_next_after_a_lost_answer(embedded_hall: RunningHall) -> None:
    """The same Idempotency-Key after a lost answer gets the first ticket, not a second one."""
    w1 = await logged_in(embedded_hall, "clerk1", 1)
    try:
        await w1.issue_ticket("A")
        await w1.issue_ticket("A")
        first = await w1.call_next(1, idempotency_key="lost-answer")
        again = await w1.call_next(1, idempotency_key="lost-answer")
        assert first == again
        status = await w1.queue_status()
        assert status.waiting("A") == 1
    finally:
        await w1.aclose()


async def test_stream_needs_a_valid_token(embedded_hall: RunningHall) -> None:
    client = HallClient(uds=str(embedded_hall.socket_path), token="not-a-token")
    try:
        with pytest.raises(TokenInvalid):
            async for _ in client.events():
                break
        answer = await client.http.get("/api/v1/events", headers={"Authorization": "Bearer x"})
        assert answer.status_code == 401
        assert isinstance(answer, httpx.Response)
    finally:
        await client.aclose()


# --- end of day without a request -----------------------------------------------------------


@pytest.fixture
def closing_hall(
    store_settings: Settings, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningHall]:
    """The embedded hall with a closing task that looks at the (fake) clock every 50 ms; the
    setting is read when the server starts, so it is set before."""
    monkeypatch.setenv("CLERK_QUEUE__CLOSING_CHECK_SECONDS", "0.05")
    with running_embedded(store_settings, clock=clock) as hall:
        yield hall


def statuses(hall: RunningHall) -> list[str]:
    db = Database.open(hall.settings.database_url())
    try:
        with db.read() as s:
            return list(s.scalars(select(Ticket.status).order_by(Ticket.id)))
    finally:
        db.dispose()


def expire_actors(hall: RunningHall) -> set[str]:
    db = Database.open(hall.settings.database_url())
    try:
        with db.read() as s:
            return set(s.scalars(select(TicketEvent.actor).where(TicketEvent.action == "expire")))
    finally:
        db.dispose()


async def test_the_queue_closes_at_closing_time_without_a_request(
    closing_hall: RunningHall, clock: FakeClock
) -> None:
    """Workstations only listen: at 17:30 the waiting tickets expire and the streams hear it,
    though nobody sends a request; after midnight what was left (the serving ticket) too."""
    window = await logged_in(closing_hall, "clerk1", 1)
    staff = await logged_in(closing_hall, "supervisor")
    try:
        await staff.issue_ticket("A")
        await window.call_next(1)
        await window.start(1)  # A001 serving: it may finish after closing
        await staff.issue_ticket("A")  # A002 waiting
        await staff.issue_ticket("B")  # B001 waiting
        start = (await staff.queue_status()).last_event_id
        async with collecting(staff, start) as seen:

            def expired() -> list[str]:
                return [str(e.data["number"]) for e in seen if e.type == "ticket.expired"]

            await asyncio.sleep(0.3)  # a few rounds of the task before closing: nothing expires
            assert expired() == []
            clock.now = datetime(2026, 11, 23, 9, 31, tzinfo=UTC)  # 17:31 in the hall
            await until(lambda: sorted(expired()) == ["A002", "B001"])
            await until(
                lambda: any(e.type == "queue.changed" and e.data["total"] == 0 for e in seen)
            )
            await asyncio.sleep(0.2)
            assert sorted(expired()) == ["A002", "B001"]  # the serving ticket stays today
            clock.now = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)  # 08:30 the next day
            await until(lambda: sorted(expired()) == ["A001", "A002", "B001"])
        assert statuses(closing_hall) == ["expired"] * 3
        assert expire_actors(closing_hall) == {"system:closing"}
    finally:
        await window.aclose()
        await staff.aclose()


async def test_the_closing_task_starts_and_stops_with_the_server(
    hall_app: FastAPI, seeded: dict[str, str]
) -> None:
    async with hall_app.router.lifespan_context(hall_app):
        task = hall_app.state.queue.closing_task
        assert task is not None
        await asyncio.sleep(0.05)
        assert not task.done()  # it sleeps until the closing time; it did not fail
    assert task.cancelled() and hall_app.state.queue.closing_task is None


def test_the_closing_task_wakes_at_closing_and_at_midnight() -> None:
    settings = QueueSettings()  # closing 17:30 in the hall (09:30 UTC)
    morning = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)
    assert next_boundary(morning, settings) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    evening = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    assert next_boundary(evening, settings) == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
