"""The supervisor's hall API over real HTTP (SQLite and PostgreSQL): the dashboard snapshot, the
live dashboard following the event stream, every action (effect + audit row + live event), and
the daily report."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from clerk.dashboard import Dashboard, full
from clerk.tickets import hall_day
from services.client import Event, Forbidden, HallClient, ValidationFailed
from tests.supervisor.conftest import People
from tests.support.hall import FakeClock, RunningHall


async def audit_actions(client: HallClient, limit: int = 50) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await client.request("GET", "/audit", params={"limit": limit})
    return rows


@contextlib.asynccontextmanager
async def collecting(client: HallClient, after: int) -> AsyncIterator[list[Event]]:
    seen: list[Event] = []

    async def follow() -> None:
        async for event in client.events(last_event_id=after):
            seen.append(event)

    task = asyncio.create_task(follow())
    try:
        yield seen
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def wait_for(predicate: Any, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.02)


async def test_dashboard_figures_for_a_short_morning(people: People, clock: FakeClock) -> None:
    sup, kiosk, c1 = people.supervisor, people.kiosk, people.clerks[1]
    a1 = await kiosk.issue_ticket("A")
    clock.advance(minutes=2)
    await kiosk.issue_ticket("A")
    clock.advance(minutes=8)
    called = await c1.call_next(1)
    assert called is not None and called.id == a1.id  # waited 10 min
    clock.advance(minutes=1)
    await c1.start(1)
    clock.advance(minutes=6)
    await c1.finish(1)  # service 6 min
    clock.advance(minutes=20)
    answer = await sup.dashboard()
    f = answer.figures
    assert (f.waiting_total, f.called_total, f.served_total) == (1, 1, 1)
    assert f.avg_wait_s == 600.0 and f.p90_wait_s == 600.0
    assert f.avg_service_s == 360.0
    assert f.longest_wait_s == 35 * 60  # A002, issued 2 min after A001
    assert [a.kind for a in f.alerts] == ["wait"]
    w1 = next(w for w in f.windows if w.number == 1)
    assert (w1.clerk, w1.state, w1.served, w1.avg_service_s) == ("王芳", "idle", 1, 360.0)
    assert answer.snapshot.day == hall_day(clock.now)
    assert full(answer.snapshot, f.now) == f


async def test_clerks_may_not_read_the_dashboard(people: People) -> None:
    with pytest.raises(Forbidden):
        await people.clerks[1].dashboard()
    with pytest.raises(Forbidden):
        await people.clerks[1].close_window(2)


async def test_live_dashboard_equals_a_fresh_recomputation(
    people: People, clock: FakeClock
) -> None:
    """The supervisor's dashboard follows the real event stream while windows work; at the end
    its figures equal the hall's own full recomputation."""
    sup, kiosk, clerks = people.supervisor, people.kiosk, people.clerks
    first = await sup.dashboard()
    dash = Dashboard.from_snapshot(first.snapshot)

    async with collecting(sup, first.snapshot.last_event_id) as seen:
        for prefix in "AABDBA":
            await kiosk.issue_ticket(prefix)
            clock.advance(seconds=40)
        t1 = await clerks[1].call_next(1)
        t2 = await clerks[2].call_next(2)
        assert t1 is not None and t2 is not None
        clock.advance(minutes=3)
        await clerks[1].start(1)
        await clerks[2].no_show(2)
        clock.advance(minutes=4)
        await clerks[1].finish(1)
        await clerks[2].reactivate(t2.id)
        await clerks[3].walk_in(3, "B")
        clock.advance(minutes=2)
        await clerks[3].finish(3)
        t3 = await clerks[3].call_next(3)
        assert t3 is not None
        await clerks[3].transfer(3, category="C")
        await clerks[2].pause(2, "午休")
        await sup.close_window(3)
        await sup.set_window_serving(1, ["D", "A"])
        await sup.move_waiting("B", "A", 1)
        await sup.broadcast("请各窗口注意：B 类业务排队较长")
        clock.advance(minutes=5)
        final = await sup.dashboard()
        await wait_for(lambda: bool(seen) and seen[-1].id >= final.snapshot.last_event_id)
    for event in seen:
        dash.apply(event)
    assert {e.type for e in seen} >= {
        "ticket.issued",
        "ticket.called",
        "ticket.done",
        "window.changed",
        "window.broadcast",
        "window.paused",
    }
    now = clock.now
    assert dash.figures(now) == full(final.snapshot, now) == final.figures


async def test_open_and_close_a_window(people: People) -> None:
    sup = people.supervisor
    info = await sup.close_window(4)
    assert info.active is False
    snapshot = (await sup.dashboard()).figures
    assert next(w for w in snapshot.windows if w.number == 4).state == "closed"
    info = await sup.open_window(4)
    assert info.active is True
    actions = [r["action"] for r in await audit_actions(sup, 5)]
    assert actions[:2] == ["window.update", "window.update"]


async def test_change_a_windows_categories(people: People) -> None:
    sup = people.supervisor
    first = await sup.dashboard()
    async with collecting(sup, first.snapshot.last_event_id) as seen:
        info = await sup.set_window_serving(2, ["C", "B"])
        await wait_for(lambda: any(e.type == "window.changed" for e in seen))
    assert info.categories == ("C", "B")
    changed = next(e for e in seen if e.type == "window.changed")
    assert changed.data["window_no"] == 2 and changed.data["categories"] == ["C", "B"]
    assert (await audit_actions(sup, 1))[0]["action"] == "window.set_categories"
    with pytest.raises(ValidationFailed):
        await sup.set_window_serving(2, ["Q"])


async def test_move_waiting_tickets_between_categories(people: People, clock: FakeClock) -> None:
    sup, kiosk = people.supervisor, people.kiosk
    numbers = []
    for _ in range(3):
        numbers.append((await kiosk.issue_ticket("C")).number)
        clock.advance(seconds=30)
    moved = await sup.move_waiting("C", "D", 2)
    assert moved.numbers == tuple(numbers[:2])  # the longest-waiting first
    waiting = {c.prefix: c.waiting for c in (await sup.dashboard()).figures.categories}
    assert (waiting["C"], waiting["D"]) == (1, 2)
    rows = await audit_actions(sup, 5)
    assert rows[0]["action"] == "supervisor.move"
    assert rows[0]["data"]["moved"] == numbers[:2]
    assert [r["action"] for r in rows[1:3]] == ["queue.transfer", "queue.transfer"]
    with pytest.raises(ValidationFailed):
        await sup.move_waiting("C", "C")


async def test_broadcast_reaches_the_windows(people: People) -> None:
    sup, clerk = people.supervisor, people.clerks[1]
    head = (await sup.dashboard()).snapshot.last_event_id
    async with collecting(clerk, head) as seen:
        await sup.broadcast("11:30 起 C 类暂停取号", windows=[1, 2])
        await wait_for(lambda: any(e.type == "window.broadcast" for e in seen))
    message = next(e for e in seen if e.type == "window.broadcast")
    assert message.data["message"] == "11:30 起 C 类暂停取号"
    assert message.data["windows"] == [1, 2]
    assert message.data["from"] == "赵静"
    assert (await audit_actions(sup, 1))[0]["action"] == "supervisor.broadcast"
    with pytest.raises(ValidationFailed):
        await sup.broadcast("   ")


async def test_retry_dead_handoffs(people: People, hall: RunningHall, clock: FakeClock) -> None:
    from sqlalchemy import update

    from services.hall import outbox
    from services.hall.bootstrap import open_store
    from services.hall.handoff.models import DEAD, OutboxItem

    store = open_store(hall.settings, clock=clock)
    try:
        with store.db.write() as session:
            for n in range(2):
                outbox.enqueue(
                    session,
                    department="SCJG",
                    idempotency_key=f"case-{n}",
                    payload={"case_no": f"case-{n}"},
                    now=clock.now,
                )
            session.execute(update(OutboxItem).values(status=DEAD, last_error="HTTP 500"))
    finally:
        store.close()
    sup = people.supervisor
    before = await sup.dashboard()
    assert (before.figures.handoff_pending, before.figures.handoff_dead) == (0, 2)
    dash = Dashboard.from_snapshot(before.snapshot)
    async with collecting(sup, before.snapshot.last_event_id) as seen:
        retried = await sup.retry_dead_handoffs()
        await wait_for(lambda: any(e.type == "handoff.changed" for e in seen))
    for event in seen:
        dash.apply(event)
    assert len(retried.ids) == 2 and (retried.pending, retried.dead) == (2, 0)
    assert (dash.handoff_pending, dash.handoff_dead) == (2, 0)
    actions = [r["action"] for r in await audit_actions(sup, 3)]
    assert actions == ["supervisor.retry_dead", "handoff.retry", "handoff.retry"]
    live = await sup.dashboard_live()
    assert (live.pending, live.dead) == (2, 0)
    assert live.clerks[1] == "王芳"


async def test_daily_report_over_the_api(people: People, clock: FakeClock) -> None:
    sup, kiosk, c1 = people.supervisor, people.kiosk, people.clerks[1]
    await kiosk.issue_ticket("A")
    clock.advance(minutes=4)
    await c1.call_next(1)
    clock.advance(minutes=5)
    await c1.finish(1)
    report = await sup.daily_report()
    assert report.first == report.last == hall_day(clock.now)
    assert (report.total.tickets, report.total.served) == (1, 1)
    assert report.total.avg_wait_s == 240.0 and report.total.avg_service_s == 300.0
    (window,) = report.windows
    assert (window.key, window.served) == ("1", 1)
    (clerk,) = report.clerks
    assert (clerk.key, clerk.label) == ("clerk1", "王芳")
    yesterday = hall_day(clock.now) - timedelta(days=1)
    ranged = await sup.daily_report(yesterday, hall_day(clock.now))
    assert ranged.first == yesterday and ranged.total.tickets == 1
    with pytest.raises(ValidationFailed):
        await sup.daily_report(yesterday - timedelta(days=200), yesterday)
