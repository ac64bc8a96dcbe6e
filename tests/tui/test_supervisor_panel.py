"""The supervisor's panel with Pilot against a real embedded hall: the live figures, and every
action through its key (sup_*) and dialog, checked in the hall afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import ClerkApp
from screens.components.dash_dialog import FormDialog
from screens.components.dash_panel import SupervisorPanel
from screens.components.dash_views import DashWindows
from screens.reports import ReportScreen
from services.client import HallClient
from tests.support.hall import FakeClock, RunningHall
from tests.tui.conftest import SIZE
from tests.tui.pilot import settle, sign_in


@pytest.fixture
async def staff(hall: RunningHall) -> AsyncIterator[dict[str, HallClient]]:
    """A kiosk, clerk1 at window 1 and an independent supervisor client to check results."""
    kiosk = hall.client()
    clerk = hall.client()
    await clerk.login("clerk1", hall.credentials["clerk1"], window_no=1)
    boss = hall.client()
    await boss.login("supervisor", hall.credentials["supervisor"])
    try:
        yield {"kiosk": kiosk, "clerk": clerk, "boss": boss}
    finally:
        for client in (kiosk, clerk, boss):
            await client.aclose()


async def until(pilot: Pilot[None], predicate: Callable[[], Any], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await pilot.pause(0.05)


async def open_panel(pilot: Pilot[None], hall: RunningHall) -> SupervisorPanel:
    await sign_in(pilot, "supervisor", hall.credentials["supervisor"])
    panel = pilot.app.screen.query_one(SupervisorPanel)
    await asyncio.wait_for(panel.ready.wait(), 10)
    await settle(pilot)
    return panel


async def fill(pilot: Pilot[None], **values: str) -> None:
    """Type into the open FormDialog's fields and submit (Enter on the last field)."""
    dialog = pilot.app.screen
    assert isinstance(dialog, FormDialog), dialog
    for key, value in values.items():
        dialog.query_one(f"#dash-field-{key}", Input).value = value
    inputs = list(dialog.query(Input))
    inputs[-1].focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_panel_shows_live_figures(
    make_app: Callable[..., ClerkApp],
    hall: RunningHall,
    hall_clock: FakeClock,
    staff: dict[str, HallClient],
) -> None:
    app = make_app(window=None)
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await open_panel(pilot, hall)
        assert app.screen.query_one("#panel-tabs").active == "supervisor"
        before = panel.events_seen
        await staff["kiosk"].issue_ticket("A")
        await staff["kiosk"].issue_ticket("B")
        hall_clock.advance(minutes=3)
        await staff["clerk"].call_next(1)

        def called() -> bool:
            panel.redraw()
            return panel.figures is not None and panel.figures.called_total == 1

        await until(pilot, called)
        figures = panel.figures
        assert figures is not None and panel.events_seen >= before + 6
        assert figures.waiting_total == 1 and figures.called_total == 1
        assert figures.avg_wait_s == 180.0
        w1 = next(w for w in figures.windows if w.number == 1)
        assert (w1.state, w1.current, w1.clerk) == ("called", "A001", "王芳")
        summary = str(app.screen.query_one("#dash-summary").render())
        assert "等候 1 人" in summary and "3.0 分" in summary


async def test_open_and_close_a_window_by_key(
    make_app: Callable[..., ClerkApp], hall: RunningHall, staff: dict[str, HallClient]
) -> None:
    app = make_app(window=None)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(pilot, hall)
        table = app.screen.query_one(DashWindows)
        table.move_cursor(row=2)  # window 3
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        assert dialog.query_one("#dash-field-window", Input).value == "3"
        await fill(pilot)
        await until(pilot, lambda: "3 号窗口" in panel.message)
        assert "已关闭" in panel.message
        windows = {w.number: w for w in await staff["boss"].windows()}
        assert windows[3].active is False
        await until(
            pilot,
            lambda: panel.dashboard is not None and not panel.dashboard.windows[3].fact.active,
        )
        await pilot.press("o")
        await settle(pilot)
        await fill(pilot, window="3")
        await until(pilot, lambda: "已开放" in panel.message)
        windows = {w.number: w for w in await staff["boss"].windows()}
        assert windows[3].active is True


async def test_change_a_windows_categories_by_key(
    make_app: Callable[..., ClerkApp], hall: RunningHall, staff: dict[str, HallClient]
) -> None:
    app = make_app(window=None)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(pilot, hall)
        app.screen.query_one(DashWindows).move_cursor(row=1)  # window 2 (A,B)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        assert dialog.query_one("#dash-field-categories", Input).value == "A,B"
        await fill(pilot, categories="c，d")
        await until(pilot, lambda: "C,D" in panel.message)
        windows = {w.number: w for w in await staff["boss"].windows()}
        assert windows[2].categories == ("C", "D")
        await pilot.press("g")
        await settle(pilot)
        await fill(pilot, window="2", categories="Z")
        await until(pilot, lambda: "Z" in panel.message)
        assert app.screen.query_one("#dash-message").has_class("-error")


async def test_move_waiting_tickets_by_key(
    make_app: Callable[..., ClerkApp],
    hall: RunningHall,
    hall_clock: FakeClock,
    staff: dict[str, HallClient],
) -> None:
    for _ in range(3):
        await staff["kiosk"].issue_ticket("C")
        hall_clock.advance(seconds=20)
    app = make_app(window=None)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(pilot, hall)
        await pilot.press("m")
        await settle(pilot)
        await fill(pilot, **{"from": "C", "to": "D", "count": "2"})
        await until(pilot, lambda: "C001、C002" in panel.message)
        waiting = {
            c.prefix: c.waiting for c in (await staff["boss"].dashboard()).figures.categories
        }
        assert (waiting["C"], waiting["D"]) == (1, 2)
        await until(pilot, lambda: panel.dashboard is not None and panel.dashboard.figures(
            hall_clock.now).categories[3].waiting == 2)  # fmt: skip


async def test_broadcast_by_key_reaches_a_window(
    make_app: Callable[..., ClerkApp], hall: RunningHall, staff: dict[str, HallClient]
) -> None:
    head = (await staff["boss"].dashboard()).snapshot.last_event_id
    received: list[dict[str, Any]] = []

    async def listen() -> None:
        async for event in staff["clerk"].events(last_event_id=head):
            if event.type == "window.broadcast":
                received.append(event.data)

    listener = asyncio.create_task(listen())
    app = make_app(window=None)
    try:
        async with app.run_test(size=SIZE) as pilot:
            panel = await open_panel(pilot, hall)
            await pilot.press("b")
            await settle(pilot)
            await fill(pilot, message="C 类排队较长，请 4、5 号窗口协助", windows="4,5")
            await until(pilot, lambda: bool(received))
            assert received[0]["message"] == "C 类排队较长，请 4、5 号窗口协助"
            assert received[0]["windows"] == [4, 5]
            await until(pilot, lambda: bool(panel.broadcasts))
            assert "赵静" in panel.broadcasts[0]
    finally:
        listener.cancel()
    audit = await staff["boss"].request("GET", "/audit", params={"limit": 1})
    assert audit[0]["action"] == "supervisor.broadcast"


async def test_retry_dead_handoffs_by_key(
    make_app: Callable[..., ClerkApp],
    hall: RunningHall,
    hall_clock: FakeClock,
    staff: dict[str, HallClient],
) -> None:
    from sqlalchemy import update

    from services.hall import outbox
    from services.hall.bootstrap import open_store
    from services.hall.handoff.models import DEAD, OutboxItem

    store = open_store(hall.settings, clock=hall_clock)
    try:
        with store.db.write() as session:
            outbox.enqueue(
                session,
                department="SCJG",
                idempotency_key="case-x",
                payload={"case_no": "case-x"},
                now=hall_clock.now,
            )
            session.execute(update(OutboxItem).values(status=DEAD))
    finally:
        store.close()
    app = make_app(window=None, backoffice={"enabled": False})
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(pilot, hall)
        assert panel.figures is not None and panel.figures.handoff_dead == 1
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        assert "1" in str(dialog.query_one(".dash-dialog-note").render())
        await fill(pilot)
        await until(pilot, lambda: "已重推 1 件" in panel.message)
        live = await staff["boss"].dashboard_live()
        assert live.dead == 0


async def test_reports_screen_loads_and_exports(
    make_app: Callable[..., ClerkApp],
    hall: RunningHall,
    hall_clock: FakeClock,
    staff: dict[str, HallClient],
    clerk_home: Path,
) -> None:
    await staff["kiosk"].issue_ticket("A")
    hall_clock.advance(minutes=2)
    await staff["clerk"].call_next(1)
    hall_clock.advance(minutes=5)
    await staff["clerk"].finish(1)
    app = make_app(window=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_panel(pilot, hall)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        await until(pilot, lambda: screen.report is not None)
        assert screen.report is not None and screen.report.total.served == 1
        assert "2026-11-23" in screen.message
        await pilot.press("f7")
        await until(pilot, lambda: screen.exported is not None)
        assert screen.exported is not None and screen.exported.suffix == ".csv"
        assert "王芳" in screen.exported.read_text("utf-8-sig")
        await pilot.press("f9")
        await until(pilot, lambda: screen.exported is not None and screen.exported.suffix == ".pdf")
        assert screen.exported.read_bytes().startswith(b"%PDF")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one(SupervisorPanel) is not None


async def test_clerks_do_not_see_the_supervisor_panel(
    make_app: Callable[..., ClerkApp], hall: RunningHall
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"], "1")
        assert not list(app.screen.query(SupervisorPanel))
