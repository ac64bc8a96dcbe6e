"""The window home's queue panel against a real embedded hall: every queue key, the messages a
clerk reads when the hall says no, and live updates over the event stream (no key pressed) —
never by polling: after the first snapshot no queue read goes to the hall while idle.

The app's clock is the hall's FakeClock, so the served-for timer is deterministic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from clerk import i18n
from screens.app import ClerkApp
from screens.components.queue_counts import QueueCounts
from screens.components.queue_panel import QueuePanel
from screens.components.queue_pause import PauseDialog
from screens.components.queue_reactivate import ReactivateDialog
from screens.components.queue_transfer import TransferDialog
from screens.components.queue_walk_in import WalkInDialog
from screens.home import HomeScreen
from services.client import HallClient
from tests.support.hall import FakeClock, RunningHall
from tests.tui.conftest import SIZE, tui_settings
from tests.tui.pilot import settle, sign_in

WAIT = 3.0  # seconds a live update may take at most in these tests (it takes milliseconds)
IDLE = 3.0  # seconds the no-polling test leaves the panel alone
QUEUE_READS = ("/api/v1/queue", "/api/v1/tickets")  # also /queue/board, /tickets/{id}


def record_requests(client: HallClient) -> list[tuple[str, str]]:
    """Every request the client sends from now on, as (method, path)."""
    sent: list[tuple[str, str]] = []

    async def hook(request: httpx.Request) -> None:
        sent.append((request.method, request.url.path))

    client.http.event_hooks["request"].append(hook)
    return sent


def queue_reads(sent: list[tuple[str, str]]) -> list[str]:
    return [path for method, path in sent if method == "GET" and path.startswith(QUEUE_READS)]


@dataclass
class Desk:
    """One signed-in window: the pilot, the app, its queue panel and a second client that
    plays the hall around it (a kiosk issuing tickets, other windows calling)."""

    pilot: Pilot[None]
    app: ClerkApp
    hall: RunningHall
    issuer: HallClient

    @property
    def panel(self) -> QueuePanel:
        return self.app.screen.query_one(QueuePanel)

    def text(self, selector: str) -> str:
        if selector == "#queue-counts":
            return self.panel.query_one(QueueCounts).plain
        return str(self.panel.query_one(selector, Static).render())

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.idle()

    async def idle(self) -> None:
        """Let key actions reach the hall and come back; never waits for the live stream."""
        await settle(self.pilot)
        await self.home()

    async def home(self) -> None:
        """Call next opens the intake screen for the ticket: leave it, back to the panel."""
        for _ in range(20):
            if isinstance(self.app.screen, HomeScreen):
                return
            name = type(self.app.screen).__name__
            if name != "IntakeScreen":
                return  # a queue dialog: the test drives it
            self.app.screen.dismiss(None)
            await settle(self.pilot)

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        """Wait (bounded) for something the event stream brings."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f"not within {WAIT} s: {what}")
            await self.pilot.pause(0.02)

    def waiting(self, prefix: str) -> int:
        return self.panel.query_one(QueueCounts).counts.get(prefix, 0)

    async def issue(self, category: str = "A", priority: str | None = None) -> str:
        ticket = await self.issuer.issue_ticket(category, priority)
        return ticket.number

    async def issued_and_seen(self, category: str = "A", count: int = 1) -> list[str]:
        before = self.waiting(category)
        numbers = [await self.issue(category) for _ in range(count)]
        await self.until(lambda: self.waiting(category) == before + count, "count went up")
        return numbers


@pytest.fixture
async def desk(hall: RunningHall, hall_clock: FakeClock) -> AsyncIterator[Desk]:
    i18n.set_language("zh-CN")
    app = ClerkApp(tui_settings(lang="zh-CN"), hall.client(), clock=hall_clock, cursor_blink=False)
    issuer = hall.client()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            assert isinstance(app.screen, HomeScreen)
            desk = Desk(pilot, app, hall, issuer)
            await asyncio.wait_for(desk.panel.ready.wait(), WAIT)
            await settle(pilot)
            yield desk
    finally:
        await issuer.aclose()


async def window_client(hall: RunningHall, username: str, window: int) -> HallClient:
    client = hall.client()
    await client.login(username, hall.credentials[username], window)
    return client


# --- the panel itself ---------------------------------------------------------------------


async def test_panel_is_first_has_focus_and_shows_the_windows_categories(desk: Desk) -> None:
    panel = desk.panel
    assert panel.has_focus
    assert panel.categories == ["A", "D"]  # window 1 serves A first, then D
    counts = desk.text("#queue-counts")
    assert "A 企业服务" in counts and "D 综合咨询" in counts
    assert counts.index("A 企业服务") < counts.index("D 综合咨询")
    assert "当前没有号" in desk.text("#queue-category")


async def test_every_queue_key_has_an_id_prefixed_queue(desk: Desk) -> None:
    bindings = desk.panel._bindings.key_to_bindings.values()
    ids = {binding.id for group in bindings for binding in group}
    assert ids == {
        "queue_call_next",
        "queue_recall",
        "queue_no_show",
        "queue_start",
        "queue_finish",
        "queue_transfer",
        "queue_pause",
        "queue_call_number",
        "queue_reactivate",
        "queue_walk_in",
        "queue_intake",
        "queue_broadcast_dismiss",  # only while a broadcast is shown (tests/tui/test_window_live)
    }


# --- live updates -------------------------------------------------------------------------


async def test_a_ticket_issued_elsewhere_shows_up_without_a_key(desk: Desk) -> None:
    assert desk.waiting("A") == 0
    await desk.issue("A")
    await desk.until(lambda: desk.waiting("A") == 1, "A count 1")
    await desk.issue("D")
    await desk.until(lambda: desk.waiting("D") == 1, "D count 1")
    assert "2 人" in desk.text("#queue-counts")  # 合计
    await desk.issue("B")  # not served by window 1: its count is not shown
    await desk.until(lambda: desk.panel.counts.get("B") == 1, "B counted in the hall")
    assert "B 社会事务" not in desk.text("#queue-counts")


async def test_another_window_calling_lowers_the_count_live(desk: Desk) -> None:
    await desk.issued_and_seen("A", 2)
    other = await window_client(desk.hall, "clerk2", 2)
    try:
        called = await other.call_next(2)
        assert called is not None
    finally:
        await other.aclose()
    await desk.until(lambda: desk.waiting("A") == 1, "A count back to 1")


async def test_the_panel_never_polls_the_queue(hall: RunningHall, hall_clock: FakeClock) -> None:
    """One snapshot, one stream; then, idle for a few seconds while the hall changes, not one
    more GET of /queue, /tickets or /queue/board — the changes arrive as events."""
    i18n.set_language("zh-CN")
    client = hall.client()
    sent = record_requests(client)
    app = ClerkApp(tui_settings(lang="zh-CN"), client, clock=hall_clock, cursor_blink=False)
    issuer = hall.client()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            desk = Desk(pilot, app, hall, issuer)
            await asyncio.wait_for(desk.panel.ready.wait(), WAIT)
            await settle(pilot)
            assert queue_reads(sent) == ["/api/v1/queue"]  # the snapshot
            before = len(sent)
            await desk.issue("A")
            await desk.until(lambda: desk.waiting("A") == 1, "the issued ticket, by event")
            await pilot.pause(IDLE)
            await desk.issue("D")
            await desk.until(lambda: desk.waiting("D") == 1, "the second one, by event")
            assert queue_reads(sent[before:]) == [], sent[before:]
            # The streams (this panel's and the home's others) were open before: none reopened.
            assert [p for _, p in sent[before:]].count("/api/v1/events") == 0, sent[before:]
    finally:
        await issuer.aclose()


# --- call next ----------------------------------------------------------------------------


async def test_call_next_with_nobody_waiting_says_so(desk: Desk) -> None:
    await desk.press("n")
    assert desk.panel.message == "当前无人等候"
    assert desk.panel.current is None


async def test_call_next_calls_the_ticket_and_shows_it(desk: Desk) -> None:
    numbers = await desk.issued_and_seen("A", 1)
    await desk.press("n")
    panel = desk.panel
    assert panel.current is not None and panel.current.number == numbers[0]
    assert panel.current.status == "called"
    assert desk.text("#queue-number") == numbers[0]
    assert "A 企业服务" in desk.text("#queue-category")
    assert "未重呼" in desk.text("#queue-state")
    await desk.until(lambda: desk.waiting("A") == 0, "A count 0")
    # Calling again while holding a ticket is refused before it reaches the hall.
    await desk.issued_and_seen("A", 1)
    await desk.press("n")
    assert f"请先办结、过号或转移当前的号 {numbers[0]}" in panel.message


async def test_priority_ticket_is_called_first_and_flagged(desk: Desk) -> None:
    await desk.issued_and_seen("A", 1)
    await desk.issue("A", "老年人")
    await desk.until(lambda: desk.waiting("A") == 2, "two waiting")
    await desk.press("n")
    current = desk.panel.current
    assert current is not None and current.priority == "老年人"
    assert "绿色通道·老年人" in desk.text("#queue-flags")


async def test_serving_timer_runs_with_the_clock(desk: Desk, hall_clock: FakeClock) -> None:
    await desk.issued_and_seen("A", 1)
    await desk.press("n")
    await desk.press("s")
    assert "已办理 00:00" in desk.text("#queue-state")
    hall_clock.advance(minutes=4, seconds=5)
    await desk.until(lambda: "已办理 04:05" in desk.text("#queue-state"), "timer 04:05")


# --- recall, no-show, reactivate ----------------------------------------------------------


async def test_recall_is_counted_and_shown(desk: Desk) -> None:
    await desk.issued_and_seen("A", 1)
    await desk.press("n")
    await desk.press("r")
    assert "重呼 1 次" in desk.text("#queue-state")
    await desk.press("r")
    assert "重呼 2 次" in desk.text("#queue-state")
    assert desk.panel.message.startswith("已重呼")
    assert "第 2 次" in desk.panel.message


async def test_no_show_then_reactivate_puts_it_back_visibly(desk: Desk) -> None:
    (number,) = await desk.issued_and_seen("A", 1)
    await desk.press("n")
    await desk.until(lambda: desk.waiting("A") == 0, "called")
    await desk.press("x")
    assert desk.panel.current is None
    assert number in desk.panel.message and "已过号" in desk.panel.message
    await desk.press("a")
    dialog = desk.app.screen
    assert isinstance(dialog, ReactivateDialog)
    options = dialog.query_one(OptionList)
    assert options.option_count == 1
    assert number in str(options.get_option_at_index(0).prompt)
    await desk.press("enter")
    assert isinstance(desk.app.screen, HomeScreen)
    assert desk.panel.message == f"{number} 已重新排队"
    await desk.until(lambda: desk.waiting("A") == 1, "reactivated ticket counted again")
    await desk.press("n")
    current = desk.panel.current
    assert current is not None and current.number == number and current.reactivated
    assert "过号重排" in desk.text("#queue-flags")


async def test_reactivate_with_no_no_shows_says_so(desk: Desk) -> None:
    await desk.press("a")
    assert isinstance(desk.app.screen, HomeScreen)
    assert desk.panel.message == "今天没有过号的号票"


async def test_recall_without_a_ticket_says_so(desk: Desk) -> None:
    for key in ("r", "x", "s", "f", "t"):
        await desk.press(key)
        assert desk.panel.message == "当前没有号", key


# --- call a chosen number -----------------------------------------------------------------


async def test_call_a_chosen_number(desk: Desk) -> None:
    _first, second = await desk.issued_and_seen("A", 2)
    await desk.press("c")
    await desk.pilot.press(*second.lower())
    await desk.press("enter")
    current = desk.panel.current
    assert current is not None and current.number == second
    assert desk.waiting("A") in (1, 2)  # the event may still be on its way
    await desk.until(lambda: desk.waiting("A") == 1, "one left")


async def test_call_a_number_another_window_holds_is_refused_clearly(desk: Desk) -> None:
    (number,) = await desk.issued_and_seen("A", 1)
    other = await window_client(desk.hall, "clerk2", 2)
    try:
        assert (await other.call_next(2)) is not None
    finally:
        await other.aclose()
    await desk.press("c")
    await desk.pilot.press(*number.lower())
    await desk.press("enter")
    assert desk.panel.current is None
    assert desk.panel.message == f"{number} 已被其他窗口叫走"


async def test_call_an_unknown_number(desk: Desk) -> None:
    await desk.press("c")
    await desk.pilot.press("z", "9", "9", "9")
    await desk.press("enter")
    assert desk.panel.current is None
    assert "Z999" in desk.panel.message


# --- start and finish ---------------------------------------------------------------------


async def test_start_then_finish(desk: Desk) -> None:
    (number,) = await desk.issued_and_seen("A", 1)
    await desk.press("n")
    ticket_id = desk.panel.current.id if desk.panel.current else 0
    await desk.press("s")
    assert desk.panel.current is not None and desk.panel.current.status == "serving"
    assert desk.panel.message == f"{number} 开始办理"
    assert "办理中" in desk.text("#queue-state")
    await desk.press("f")
    assert desk.panel.current is None
    assert desk.panel.message == f"{number} 已办结"
    staff = await window_client(desk.hall, "clerk2", 2)
    try:
        ticket = await staff.ticket(ticket_id)
    finally:
        await staff.aclose()
    assert ticket.status == "done"


async def test_finish_sends_the_cases_from_intake(desk: Desk) -> None:
    (number,) = await desk.issued_and_seen("A", 1)
    await desk.press("n")
    panel = desk.panel
    ticket_id = panel.current.id if panel.current else 0

    @dataclass
    class Visit:
        case_numbers: tuple[str, ...]

    panel.intake_done(Visit(("SL2026112300001", "SL2026112300002")))  # type: ignore[arg-type]
    await desk.idle()
    assert "SL2026112300001" in desk.text("#queue-cases")
    await desk.press("f")
    assert "SL2026112300002" in panel.message
    staff = await window_client(desk.hall, "clerk2", 2)
    try:
        ticket = await staff.ticket(ticket_id)
    finally:
        await staff.aclose()
    assert ticket.status == "done"
    assert ticket.cases == ("SL2026112300001", "SL2026112300002")
    assert number


# --- transfer -----------------------------------------------------------------------------


async def test_transfer_to_another_category(desk: Desk) -> None:
    (number,) = await desk.issued_and_seen("A", 1)
    await desk.press("n")
    ticket_id = desk.panel.current.id if desk.panel.current else 0
    await desk.press("t")
    dialog = desk.app.screen
    assert isinstance(dialog, TransferDialog)
    options = dialog.query_one(OptionList)
    prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    assert prompts[0] == "（不改类别）"
    assert not any(p.startswith("A ") for p in prompts)  # its own category is not offered
    target = next(i for i, p in enumerate(prompts) if p.startswith("B "))
    for _ in range(target):
        await desk.pilot.press("down")
    await desk.press("enter")
    assert isinstance(desk.app.screen, HomeScreen)
    assert desk.panel.current is None
    assert desk.panel.message == f"{number} 已转到 B 社会事务"
    staff = await window_client(desk.hall, "clerk2", 2)
    try:
        ticket = await staff.ticket(ticket_id)
        assert ticket.status == "transferred" and ticket.category == "B"
        called = await staff.call_next(2)  # window 2 serves B
        assert called is not None and called.number == number
    finally:
        await staff.aclose()


async def test_transfer_to_another_window(desk: Desk) -> None:
    (number,) = await desk.issued_and_seen("A", 1)
    await desk.press("n")
    await desk.press("t")
    await desk.pilot.press("tab")
    await desk.pilot.press("3")
    await desk.press("enter")
    assert desk.panel.current is None
    assert desk.panel.message == f"{number} 已转到 3 号窗口"
    staff = await window_client(desk.hall, "clerk3", 3)
    try:
        called = await staff.call_next(3)  # window 3 does not serve A, but it was sent there
        assert called is not None and called.number == number
    finally:
        await staff.aclose()


async def test_transfer_dialog_refuses_this_window_and_nothing_chosen(desk: Desk) -> None:
    await desk.issued_and_seen("A", 1)
    await desk.press("n")
    await desk.press("t")
    await desk.press("tab")
    await desk.press("enter")
    dialog = desk.app.screen
    assert isinstance(dialog, TransferDialog)
    assert "请选择类别或填写窗口" in str(dialog.query_one(".queue-dialog-error", Static).render())
    await desk.pilot.press("1")
    await desk.press("enter")
    assert "不能转给本窗口" in str(dialog.query_one(".queue-dialog-error", Static).render())
    await desk.press("escape")
    assert isinstance(desk.app.screen, HomeScreen)
    assert desk.panel.current is not None  # still held


async def test_a_ticket_sent_to_this_window_is_counted_live(desk: Desk) -> None:
    await desk.issue("B")
    other = await window_client(desk.hall, "clerk2", 2)
    try:
        called = await other.call_next(2)
        assert called is not None
        await other.transfer(2, window=1, ticket_id=called.id)
    finally:
        await other.aclose()
    await desk.until(lambda: desk.panel.for_window == 1, "one sent to window 1")
    assert "其中指定本窗口 1 人" in desk.text("#queue-counts")
    await desk.press("n")
    assert desk.panel.current is not None and desk.panel.current.number == called.number
    await desk.until(lambda: desk.panel.for_window == 0, "none left for window 1")


# --- pause and resume ---------------------------------------------------------------------


async def test_pause_refuses_calls_and_resume_allows_them(desk: Desk) -> None:
    await desk.issued_and_seen("A", 1)
    await desk.press("p")
    assert isinstance(desk.app.screen, PauseDialog)
    await desk.press("1")  # 午休
    assert isinstance(desk.app.screen, HomeScreen)
    assert desk.panel.paused and desk.panel.pause_reason == "午休"
    assert desk.panel.message == "已暂停叫号：午休"
    assert "本窗口已暂停（午休）" in desk.text("#queue-banner")
    await desk.press("n")
    assert desk.panel.current is None
    assert desk.panel.message == "1 号窗口已暂停（午休），不能叫号"
    await desk.press("p")
    assert not desk.panel.paused
    assert desk.panel.message == "已恢复叫号"
    assert not desk.panel.query_one("#queue-banner").display
    await desk.press("n")
    assert desk.panel.current is not None


async def test_pause_with_a_typed_reason(desk: Desk) -> None:
    await desk.press("p")
    dialog = desk.app.screen
    assert isinstance(dialog, PauseDialog)
    await desk.pilot.press("tab")
    await desk.press("enter")
    assert "请填写暂停原因" in str(dialog.query_one(".queue-dialog-error", Static).render())
    dialog.query_one(Input).value = "窗口打印机卡纸"
    await desk.press("enter")
    assert desk.panel.pause_reason == "窗口打印机卡纸"


async def test_a_pause_from_elsewhere_shows_live(desk: Desk) -> None:
    supervisor = desk.hall.client()
    await supervisor.login("supervisor", desk.hall.credentials["supervisor"])
    try:
        await supervisor.pause(1, "值班长调度")
        await desk.until(lambda: desk.panel.paused, "paused by the supervisor")
        assert "值班长调度" in desk.text("#queue-banner")
        await supervisor.resume(1)
        await desk.until(lambda: not desk.panel.paused, "resumed by the supervisor")
    finally:
        await supervisor.aclose()


# --- walk-in ------------------------------------------------------------------------------


async def test_walk_in_registers_and_serves_at_once(desk: Desk) -> None:
    await desk.press("w")
    dialog = desk.app.screen
    assert isinstance(dialog, WalkInDialog)
    await desk.pilot.press("tab", "down")  # priority: 老年人
    await desk.press("enter")
    current = desk.panel.current
    assert current is not None
    assert current.walk_in and current.status == "serving" and current.category == "A"
    assert current.priority == "老年人"
    assert desk.panel.message == f"已登记无号：{current.number}"
    assert "无号登记" in desk.text("#queue-flags")
    await desk.press("f")
    assert desk.panel.current is None


# --- language -----------------------------------------------------------------------------


async def test_english_panel(hall: RunningHall, hall_clock: FakeClock) -> None:
    i18n.set_language("en")
    try:
        app = ClerkApp(tui_settings(lang="en"), hall.client(), clock=hall_clock, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            panel = app.screen.query_one(QueuePanel)
            await asyncio.wait_for(panel.ready.wait(), WAIT)
            await pilot.press("n")
            await settle(pilot)
            assert panel.message == "Nobody is waiting"
    finally:
        i18n.set_language("zh-CN")


# --- keys: footer, legend, remapping; the hand-over to intake -----------------------------


async def test_footer_and_legend_show_the_queue_keys_in_words(desk: Desk) -> None:
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    footer = desk.app.screen.query_one(Footer)
    shown = {key.action: key.description for key in footer.query(FooterKey)}
    assert shown["call_next"] == "叫号"
    assert shown["no_show"] == "过号"
    legend = desk.text("#queue-keys")
    # the keys as pressed (lower case)
    for words in ("n 叫号", "a 过号重排", "w 登记无号", "i 受理", "p 暂停/恢复"):
        assert words in legend


async def test_a_queue_key_can_be_remapped(hall: RunningHall, hall_clock: FakeClock) -> None:
    i18n.set_language("zh-CN")
    settings = tui_settings(lang="zh-CN", keymap={"queue_call_next": "f6"})
    app = ClerkApp(settings, hall.client(), clock=hall_clock, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        panel = app.screen.query_one(QueuePanel)
        await asyncio.wait_for(panel.ready.wait(), WAIT)
        await settle(pilot)
        assert "按 F6 叫号" in str(panel.query_one("#queue-category", Static).render())
        await pilot.press("n")
        await settle(pilot)
        assert panel.message == ""
        await pilot.press("f6")
        await settle(pilot)
        assert panel.message == "当前无人等候"


async def test_call_next_opens_intake_for_the_ticket_and_comes_back(desk: Desk) -> None:
    from screens.intake import IntakeScreen

    (number,) = await desk.issued_and_seen("A", 1)
    await desk.pilot.press("n")
    app = desk.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10  # the first intake loads the catalog and its index
    while not isinstance(app.screen, IntakeScreen):
        assert loop.time() < deadline, "intake screen not opened"
        await desk.pilot.pause(0.05)
    intake = app.screen
    assert intake.ticket is not None and intake.ticket.number == number
    await settle(desk.pilot)
    await desk.pilot.press("escape")
    await settle(desk.pilot)
    assert isinstance(app.screen, HomeScreen)
    assert desk.panel.current is not None and desk.panel.current.number == number
    await desk.until(lambda: desk.panel.has_focus, "the panel has the keys again")
    await desk.pilot.press("i")  # back into intake for the same ticket
    deadline = loop.time() + 5
    while not isinstance(app.screen, IntakeScreen):
        assert loop.time() < deadline, "intake screen not reopened"
        await desk.pilot.pause(0.05)
    assert app.screen.ticket is not None and app.screen.ticket.number == number
