"""What the hall tells a window while it works, against the REAL embedded hall, with no key
pressed: a supervisor's broadcast (toast + a line on the queue panel until dismissed) and a
change of the window made by an administrator or the supervisor (the categories it serves)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from clerk import i18n
from screens.app import ClerkApp
from screens.components.queue_counts import QueueCounts
from screens.components.queue_panel import QueuePanel, targets
from screens.home import HomeScreen
from services.client import HallClient
from tests.support.hall import FakeClock, RunningHall
from tests.tui.conftest import SIZE, tui_settings
from tests.tui.pilot import settle, sign_in

WAIT = 3.0  # seconds a live update may take at most (it takes milliseconds)


@dataclass
class Window1:
    """clerk1 signed in at window 1, and the people around: the supervisor, an administrator."""

    pilot: Pilot[None]
    app: ClerkApp
    supervisor: HallClient
    admin: HallClient

    @property
    def panel(self) -> QueuePanel:
        return self.app.screen_stack[1].query_one(QueuePanel)

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f"not within {WAIT} s: {what}")
            await self.pilot.pause(0.02)

    def toasts(self) -> list[tuple[str, str]]:
        return [(str(n.title), str(n.message)) for n in self.app._notifications]

    def footer_ids(self) -> set[str]:
        return {b.binding.id or "" for b in self.app.screen.active_bindings.values()}


async def staff(hall: RunningHall, username: str) -> HallClient:
    client = hall.client()
    await client.login(username, hall.credentials[username])
    return client


@pytest.fixture
async def window1(hall: RunningHall, hall_clock: FakeClock) -> AsyncIterator[Window1]:
    i18n.set_language("zh-CN")
    app = ClerkApp(tui_settings(lang="zh-CN"), hall.client(), clock=hall_clock, cursor_blink=False)
    supervisor = await staff(hall, "supervisor")
    admin = await staff(hall, "admin")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            assert isinstance(app.screen, HomeScreen)
            desk = Window1(pilot, app, supervisor, admin)
            await asyncio.wait_for(desk.panel.ready.wait(), WAIT)
            await settle(pilot)
            yield desk
    finally:
        await supervisor.aclose()
        await admin.aclose()


# --- broadcasts ---------------------------------------------------------------------------


async def test_a_broadcast_shows_on_the_panel_and_as_a_toast_without_a_key(
    window1: Window1,
) -> None:
    panel = window1.panel
    assert panel.broadcast_text == ""
    assert "queue_broadcast_dismiss" not in window1.footer_ids()  # no message, no key
    await window1.supervisor.broadcast("11:30 起 C 类暂停取号", windows=[1, 2])
    await window1.until(lambda: panel.broadcast_text != "", "the broadcast line")
    line = panel.broadcast_text
    assert "11:30 起 C 类暂停取号" in line
    assert "赵静" in line  # the sender
    assert "09:30" in line  # when, in hall time
    assert "k 知道了" in line  # the key that dismisses it, as pressed
    toast = ("赵静 的通知", "11:30 起 C 类暂停取号")
    await window1.until(lambda: toast in window1.toasts(), "the toast")  # notify posts a message
    assert "queue_broadcast_dismiss" in window1.footer_ids()


async def test_the_line_stays_until_dismissed_with_its_key(window1: Window1) -> None:
    panel = window1.panel
    await window1.supervisor.broadcast("请注意叫号秩序")
    await window1.until(lambda: "请注意叫号秩序" in panel.broadcast_text, "the broadcast line")
    await window1.pilot.pause(0.3)
    await settle(window1.pilot)
    assert "请注意叫号秩序" in panel.broadcast_text  # still there
    await window1.pilot.press("k")
    await settle(window1.pilot)
    assert panel.broadcast_text == ""
    assert not panel.query_one("#queue-broadcast", Static).display
    assert "queue_broadcast_dismiss" not in window1.footer_ids()


async def test_the_newest_broadcast_replaces_an_older_one(window1: Window1) -> None:
    panel = window1.panel
    await window1.supervisor.broadcast("第一条")
    await window1.until(lambda: "第一条" in panel.broadcast_text, "the first")
    await window1.supervisor.broadcast("第二条", windows=[1])
    await window1.until(lambda: "第二条" in panel.broadcast_text, "the second")
    assert "第一条" not in panel.broadcast_text


async def test_a_broadcast_for_other_windows_is_not_shown(window1: Window1) -> None:
    panel = window1.panel
    await window1.supervisor.broadcast("只给二号、三号窗口", windows=[2, 3])
    await window1.supervisor.broadcast("给所有窗口")  # after it on the stream
    await window1.until(lambda: "给所有窗口" in panel.broadcast_text, "the one for everyone")
    await window1.until(
        lambda: any("给所有窗口" in message for _title, message in window1.toasts()), "its toast"
    )
    assert not any("只给二号" in message for _title, message in window1.toasts())


def test_targets() -> None:
    assert targets(None, 1) and targets(None, None)
    assert targets([1, 2], 1) and not targets([2], 1)
    assert not targets([1], None) and not targets("1", 1)


async def test_a_broadcast_in_english(hall: RunningHall, hall_clock: FakeClock) -> None:
    i18n.set_language("en")
    app = ClerkApp(tui_settings(lang="en"), hall.client(), clock=hall_clock, cursor_blink=False)
    supervisor = await staff(hall, "supervisor")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            panel = app.screen.query_one(QueuePanel)
            await asyncio.wait_for(panel.ready.wait(), WAIT)
            await supervisor.broadcast("Lunch break at 12:00")
            loop = asyncio.get_running_loop()
            deadline = loop.time() + WAIT
            while not panel.broadcast_text:
                assert loop.time() < deadline, "no broadcast line"
                await pilot.pause(0.02)
            assert panel.broadcast_text.startswith("[Notice 09:30 · 赵静] Lunch break at 12:00")
            assert "(k dismiss)" in panel.broadcast_text
    finally:
        await supervisor.aclose()
        i18n.set_language("zh-CN")


# --- changes of the window ----------------------------------------------------------------


async def test_new_categories_for_this_window_reach_the_panel_and_card(window1: Window1) -> None:
    panel = window1.panel
    assert panel.categories == ["A", "D"]
    await window1.admin.set_window_categories(1, ["D", "B"])  # the foundation's endpoint
    await window1.until(lambda: panel.categories == ["D", "B"], "the panel's categories")
    await settle(window1.pilot)
    counts = panel.query_one(QueueCounts).plain
    assert "B 社会事务" in counts and "A 企业服务" not in counts
    assert counts.index("D 综合咨询") < counts.index("B 社会事务")  # D is primary now
    assert "D 综合咨询、B 社会事务" in panel.message
    home = window1.app.screen
    card = str(home.query_one("#window-categories", Static).render())
    assert "D 综合咨询、B 社会事务" in card
    await window1.admin.update_window(1, name="综合受理一号窗")
    await window1.until(
        lambda: str(home.query_one("#window-name", Static).render()) == "综合受理一号窗",
        "the window card's name",
    )
    assert panel.categories == ["D", "B"]


async def test_another_windows_change_leaves_this_panel_alone(window1: Window1) -> None:
    panel = window1.panel
    seen = panel.events_seen
    await window1.admin.set_window_categories(2, ["C"])
    await window1.until(lambda: panel.events_seen > seen, "window 2's event")
    await settle(window1.pilot)
    assert panel.categories == ["A", "D"] and panel.message == ""
    await window1.supervisor.set_window_serving(1, ["A"])  # the supervisor room: same event
    await window1.until(lambda: panel.categories == ["A"], "the supervisor's change")
    assert "A 企业服务" in panel.message
