"""The foundation's window endpoints (POST /windows, PATCH /windows/{n},
PUT /windows/{n}/categories) publish `window.changed` on the queue event bus in the transaction of
the change — the same helper the supervisor's actions use — over real HTTP, on SQLite and
PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest

from services.client import Event, Forbidden, HallClient, ValidationFailed
from tests.support.hall import RunningHall

WAIT = 5.0


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


async def wait_for(predicate: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"not within {WAIT} s: {what}")
        await asyncio.sleep(0.02)


def changes(seen: list[Event]) -> list[dict[str, object]]:
    return [
        {k: v for k, v in e.data.items() if k != "at"} for e in seen if e.type == "window.changed"
    ]


async def signed_in(hall: RunningHall, username: str, window: int | None = None) -> HallClient:
    client = hall.client()
    await client.login(username, hall.credentials[username], window)
    return client


@pytest.fixture
async def admin(embedded_hall: RunningHall) -> AsyncIterator[HallClient]:
    client = await signed_in(embedded_hall, "admin")
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def watcher(embedded_hall: RunningHall) -> AsyncIterator[HallClient]:
    """A clerk at window 1 following the events, as the queue panel does."""
    client = await signed_in(embedded_hall, "clerk1", 1)
    try:
        yield client
    finally:
        await client.aclose()


async def test_each_window_endpoint_publishes_window_changed(
    admin: HallClient, watcher: HallClient
) -> None:
    head = (await watcher.queue_status()).last_event_id
    async with collecting(watcher, head) as seen:
        await admin.update_window(2, name="二号综合窗口")
        await admin.update_window(3, active=False)
        await admin.set_window_categories(1, ["D", "B"])
        await admin.create_window(9, "九号窗口", ["C"])
        await wait_for(lambda: len(changes(seen)) == 4, "four window.changed events")
    assert changes(seen) == [
        {"window_no": 2, "name": "二号综合窗口", "active": True, "categories": ["A", "B"]},
        {"window_no": 3, "name": "综合受理 3 号窗", "active": False, "categories": ["B", "D"]},
        {"window_no": 1, "name": "综合受理 1 号窗", "active": True, "categories": ["D", "B"]},
        {"window_no": 9, "name": "九号窗口", "active": True, "categories": ["C"]},
    ]
    ids = [e.id for e in seen]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(e.at is not None for e in seen if e.type == "window.changed")


async def test_a_refused_change_publishes_nothing(admin: HallClient, watcher: HallClient) -> None:
    head = (await watcher.queue_status()).last_event_id
    async with collecting(watcher, head) as seen:
        with pytest.raises(ValidationFailed):
            await admin.set_window_categories(1, ["A", "Q"])  # Q: no such category
        with pytest.raises(ValidationFailed):
            await admin.update_window(2, name="   ")
        with pytest.raises(Forbidden):
            await watcher.update_window(1, active=False)  # a clerk may not
        await admin.update_window(4, name="四号窗口")  # the marker: everything before is seen
        await wait_for(lambda: bool(changes(seen)), "the marker's event")
    assert changes(seen) == [
        {"window_no": 4, "name": "四号窗口", "active": True, "categories": ["C", "A"]}
    ]
    assert [w.categories for w in await admin.windows() if w.number == 1] == [("A", "D")]


async def test_a_retried_request_publishes_once(admin: HallClient, watcher: HallClient) -> None:
    head = (await watcher.queue_status()).last_event_id
    async with collecting(watcher, head) as seen:
        for _ in range(2):
            answer = await admin.request(
                "PUT",
                "/windows/2/categories",
                json={"categories": ["C"]},
                idempotency_key="retry-window-2",
            )
            assert answer["categories"] == ["C"]
        await admin.update_window(4, name="四号窗口")  # the marker
        await wait_for(lambda: len(changes(seen)) == 2, "the marker's event")
    assert [c["window_no"] for c in changes(seen)] == [2, 4]


async def test_the_supervisor_room_publishes_through_the_same_helper_once(
    embedded_hall: RunningHall, watcher: HallClient
) -> None:
    supervisor = await signed_in(embedded_hall, "supervisor")
    try:
        head = (await watcher.queue_status()).last_event_id
        async with collecting(watcher, head) as seen:
            await supervisor.close_window(3)
            await supervisor.set_window_serving(3, ["A"])
            await supervisor.update_window(3, active=True)  # the foundation's PATCH
            await wait_for(lambda: len(changes(seen)) == 3, "three window.changed events")
            await supervisor.update_window(4, name="四号窗口")  # the marker
            await wait_for(lambda: len(changes(seen)) == 4, "the marker's event")
    finally:
        await supervisor.aclose()
    assert [(c["window_no"], c["active"], c["categories"]) for c in changes(seen)] == [
        (3, False, ["B", "D"]),
        (3, False, ["A"]),
        (3, True, ["A"]),
        (4, True, ["C", "A"]),
    ]


async def test_a_live_dashboard_follows_the_change(
    embedded_hall: RunningHall, admin: HallClient
) -> None:
    """The supervisor's live dashboard (snapshot + events) equals a fresh one after changes made
    through the foundation's endpoints."""
    from clerk.dashboard import Dashboard, full

    supervisor = await signed_in(embedded_hall, "supervisor")
    try:
        answer = await supervisor.dashboard()
        dash = Dashboard.from_snapshot(answer.snapshot)
        async with collecting(supervisor, answer.snapshot.last_event_id) as seen:
            await admin.set_window_categories(2, ["D"])
            await admin.update_window(2, active=False)
            await admin.create_window(7, "七号窗口", ["B"])
            await wait_for(lambda: len(changes(seen)) == 3, "three window.changed events")
        for event in seen:
            dash.apply(event)
        fresh = await supervisor.dashboard()
    finally:
        await supervisor.aclose()
    now = fresh.snapshot.taken_at
    live = {w.number: w for w in dash.figures(now).windows}
    assert (live[2].state, live[2].categories) == ("closed", ("D",))
    assert live[7].name == "七号窗口" and live[7].categories == ("B",)
    assert dash.figures(now).windows == full(fresh.snapshot, now).windows
