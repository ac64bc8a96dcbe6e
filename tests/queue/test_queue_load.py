"""The queue under load and under crashes, through the real HTTP API of `clerk serve` (a
subprocess on a free 127.0.0.1 port), on SQLite and PostgreSQL:

- 50 windows call next in parallel while 300 tickets are issued concurrently by 10 kiosks: every
  ticket is called exactly once, numbers are unique and gapless per category. The contention is
  what it was with 1,000 tickets — 50 windows calling and 10 kiosks issuing at once; the ticket
  count sets how long it lasts (1,000 took 224 s on SQLite and 99 s on PostgreSQL on
  a busy 2-core machine);
- kill -9 of the service while calls run, then a restart: no ticket lost, none called twice,
  none held by two windows;
- PostgreSQL: two services on one database — an event from one reaches a stream on the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from services.client import HallClient, HallClientError, HallUnreachable, Ticket
from services.hall.db import Database
from services.hall.queue.models import Ticket as TicketRow
from services.hall.queue.models import TicketEvent
from tests.queue.serve import CATEGORIES, Served, free_port, make_hall, serving

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]
T = TypeVar("T")
# An idle window waits for a "ticket issued" wake-up (as the TUI waits for the event). Each
# ticket wakes RACERS idle windows at once, so every ticket is fought over by several windows —
# the double-call risk — without the idle polling that once made most of the requests (4,818 of
# 7,818 with a 2 s poll). The timeout is only a safety net.
RACERS = 3
IDLE_FALLBACK_S = 10.0


async def login(url: str, username: str, password: str, window_no: int | None = None) -> HallClient:
    client = HallClient(url, timeout=30.0)
    await client.login(username, password, window_no)
    return client


def check_tickets(db_url: str, expected: int) -> dict[str, list[int]]:
    """Invariants in the store: every ticket done and called exactly once; numbers gapless."""
    db = Database.open(db_url)
    try:
        with db.read() as s:
            rows = list(s.scalars(select(TicketRow)))
            calls = Counter(
                s.scalars(select(TicketEvent.ticket_id).where(TicketEvent.action == "call"))
            )
            active = s.scalar(
                select(func.count()).where(TicketRow.status.in_(("called", "serving")))
            )
    finally:
        db.dispose()
    assert len(rows) == expected
    assert active == 0
    assert Counter(r.status for r in rows) == {"done": expected}
    assert all(r.calls == 1 for r in rows)
    assert all(calls[r.id] == 1 for r in rows)
    assert len({(r.day, r.number) for r in rows}) == expected
    seqs: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        seqs[r.number[0]].append(r.seq)
    for prefix, got in seqs.items():
        assert sorted(got) == list(range(1, len(got) + 1)), f"gap or repeat in {prefix}"
    return seqs


async def test_fifty_windows_over_three_hundred_tickets(store_url: str, tmp_path: Path) -> None:
    windows, tickets, issuers = 50, 300, 10  # six calls per window, every window at once
    credentials = make_hall(store_url, windows)
    with serving(store_url, tmp_path / "home") as served:
        clerks = [
            await login(served.url, f"w{n}", credentials[f"w{n}"], n) for n in range(1, windows + 1)
        ]
        kiosks = [
            await login(served.url, "supervisor", credentials["supervisor"]) for _ in range(issuers)
        ]
        issued: list[Ticket] = []
        called: list[tuple[int, int]] = []
        idle_calls: list[int] = []
        issuing_done = asyncio.Event()
        rng = random.Random(5)

        wake = asyncio.Condition()  # stands in for the ticket.issued events a TUI waits on

        async def issue(kiosk: HallClient, count: int) -> None:
            for _ in range(count):
                priority = "老年人" if rng.random() < 0.05 else None
                issued.append(await kiosk.issue_ticket(rng.choice(CATEGORIES), priority))
                async with wake:
                    wake.notify(RACERS)

        async def idle() -> None:
            async with wake:
                # checked under the lock, so the closing notify_all cannot be missed
                if issuing_done.is_set():
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), IDLE_FALLBACK_S)

        async def work(n: int, client: HallClient) -> None:
            while True:
                ticket = await client.call_next(n)
                if ticket is None:
                    idle_calls.append(n)
                    if issuing_done.is_set():
                        return
                    await idle()
                    continue
                called.append((n, ticket.id))
                await client.finish(n, [f"case-{ticket.number}"], ticket.id)

        async def issue_all() -> None:
            await asyncio.gather(*(issue(k, tickets // issuers) for k in kiosks))
            issuing_done.set()
            async with wake:
                wake.notify_all()

        started = time.perf_counter()
        await asyncio.gather(issue_all(), *(work(n, c) for n, c in enumerate(clerks, 1)))
        elapsed = time.perf_counter() - started
        for client in [*clerks, *kiosks]:
            await client.aclose()
    print(
        f"\n{store_url.split(':')[0]}: {tickets} tickets issued and called by {windows} windows"
        f" in {elapsed:.1f} s ({len(issued) + 2 * len(called) + len(idle_calls)} requests,"
        f" {len(idle_calls)} of them idle calls)"
    )
    assert len(issued) == tickets
    ids = [ticket_id for _, ticket_id in called]
    assert len(ids) == len(set(ids)) == tickets  # every ticket called exactly once
    assert set(ids) == {t.id for t in issued}
    assert len({t.number for t in issued}) == tickets
    check_tickets(store_url, tickets)


async def _robust(action: Callable[[str], Awaitable[T]]) -> T:
    """Retry one logical action with ONE Idempotency-Key until the hall answers."""
    key = uuid.uuid4().hex
    while True:
        try:
            return await action(key)
        except HallUnreachable:
            await asyncio.sleep(0.1)
        except HallClientError as exc:
            if exc.status not in (502, 503, 504):
                raise
            await asyncio.sleep(0.1)


async def test_kill_9_while_calling_loses_nothing(store_url: str, tmp_path: Path) -> None:
    windows, tickets = 10, 300
    credentials = make_hall(store_url, windows)
    served = Served(store_url, tmp_path / "home", free_port()).start()
    try:
        clerks = [
            await login(served.url, f"w{n}", credentials[f"w{n}"], n) for n in range(1, windows + 1)
        ]
        kiosks = [
            await login(served.url, "supervisor", credentials["supervisor"]) for _ in range(3)
        ]
        for client in [*clerks, *kiosks]:
            client.retries = 0  # _robust retries, with the same key, across the restart
        issued: list[Ticket] = []
        called: list[tuple[int, int]] = []
        issuing_done = asyncio.Event()
        crashed = asyncio.Event()

        async def issue(kiosk: HallClient, count: int) -> None:
            for i in range(count):
                category = CATEGORIES[i % 4]
                issued.append(
                    await _robust(
                        lambda key: kiosk.issue_ticket(category, idempotency_key=key)  # noqa: B023
                    )
                )

        async def work(n: int, client: HallClient) -> None:
            while True:
                ticket = await _robust(lambda key: client.call_next(n, idempotency_key=key))
                if ticket is None:
                    if issuing_done.is_set():
                        return
                    await asyncio.sleep(0.05)
                    continue
                called.append((n, ticket.id))
                await _robust(
                    lambda key: client.finish(n, (), ticket.id, idempotency_key=key)  # noqa: B023
                )

        async def issue_all() -> None:
            await asyncio.gather(*(issue(k, tickets // 3) for k in kiosks))
            issuing_done.set()

        async def crash() -> None:
            while len(called) < 60:
                await asyncio.sleep(0.01)
            served.kill9()
            # While it is down: no ticket is held by two windows, none by a window twice.
            db = Database.open(store_url)
            try:
                with db.read() as s:
                    held = list(
                        s.execute(
                            select(TicketRow.window_no, TicketRow.id).where(
                                TicketRow.status.in_(("called", "serving"))
                            )
                        )
                    )
            finally:
                db.dispose()
            assert len({w for w, _ in held}) == len(held) <= windows
            await asyncio.sleep(0.3)
            served.start()
            crashed.set()

        await asyncio.gather(issue_all(), crash(), *(work(n, c) for n, c in enumerate(clerks, 1)))
        assert crashed.is_set()
        for client in [*clerks, *kiosks]:
            await client.aclose()
    finally:
        served.stop()
    assert len(issued) == tickets and len({t.id for t in issued}) == tickets
    ids = [ticket_id for _, ticket_id in called]
    assert len(ids) == len(set(ids)) == tickets
    check_tickets(store_url, tickets)


@pytest.mark.postgres
async def test_two_services_on_one_database_stay_in_step(
    postgres_scratch: object, tmp_path: Path
) -> None:
    from tests.support.hall import PostgresScratch

    assert isinstance(postgres_scratch, PostgresScratch)
    url = postgres_scratch.schema_url()
    credentials = make_hall(url, 6)
    quiet = {"CLERK_QUEUE__SAFETY_POLL_SECONDS": "600"}  # only LISTEN/NOTIFY can deliver
    with (
        serving(url, tmp_path / "a", env=quiet) as a,
        serving(url, tmp_path / "b", env=quiet) as b,
    ):
        clerk = await login(a.url, "clerk1", credentials["clerk1"], 1)
        watcher = await login(b.url, "supervisor", credentials["supervisor"])
        seen: list[tuple[float, str, dict[str, object]]] = []

        async def consume() -> None:
            async for event in watcher.events((await watcher.queue_status()).last_event_id):
                seen.append((time.perf_counter(), event.type, event.data))

        task = asyncio.create_task(consume())
        try:
            await asyncio.sleep(0.5)  # the stream (and B's LISTEN) is up
            await watcher.issue_ticket("A")  # issued through B
            started = time.perf_counter()
            ticket = await clerk.call_next(1)  # called through A
            assert ticket is not None
            deadline = time.monotonic() + 5
            while not any(t == "ticket.called" for _, t, _ in seen):
                assert time.monotonic() < deadline, "the call on A never reached B"
                await asyncio.sleep(0.002)
            arrived = next(at for at, t, _ in seen if t == "ticket.called")
            latency = arrived - started
            print(f"\nPostgreSQL LISTEN/NOTIFY, call on A -> stream on B: {latency * 1000:.1f} ms")
            assert latency < 2.0
            called = next(d for _, t, d in seen if t == "ticket.called")
            assert called["number"] == "A001" and called["window_no"] == 1
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await clerk.aclose()
            await watcher.aclose()
