"""The ticket machine (`clerk kiosk`) against a real embedded hall, without any login: issuing by
number key and by arrows, 绿色通道, appointment check-in (on time, early, late, by ID number),
live waiting counts, a slip that fails to print (the number stays on screen, R reprints, the
failure is logged, and the menu lists it as 未打印 with R until it prints), and no polling: after
the first snapshot the kiosk only listens to the event stream."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Static

from clerk import i18n
from clerk.config import PrinterSettings
from printing import PrintError, PrintResult, TicketSlip
from printing.documents import Document
from printing.printers import EscposNetworkPrinter, FolderPrinter
from screens import kiosk as kiosk_module
from screens.kiosk import (
    AppointmentDialog,
    KioskApp,
    KioskHome,
    PriorityDialog,
    TicketShown,
    kiosk_printer,
)
from services.client import HallClient
from tests.support.hall import FakeClock, RunningHall, hall_settings, running_embedded, sqlite_url
from tests.tui.conftest import tui_settings

SIZE = (100, 32)
WAIT = 3.0
IDLE = 3.0  # seconds the no-polling test leaves the kiosk alone


@dataclass
class FakePrinter:
    """Records what it prints; fails the first `failures` jobs like an offline printer."""

    failures: int = 0
    printed: list[Document] = field(default_factory=list)
    attempts: int = 0
    name: str = "fake"

    def print(self, doc: Document, lang: str | None = None) -> PrintResult:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise PrintError("printing.error.offline", target="10.0.0.9:9100", detail="timed out")
        self.printed.append(doc)
        return PrintResult("printing.done.escpos", {"target": "fake"})


@dataclass
class GatedPrinter(FakePrinter):
    """Prints only once the test opens the gate (a slow printer)."""

    gate: threading.Event = field(default_factory=threading.Event)

    def print(self, doc: Document, lang: str | None = None) -> PrintResult:
        self.gate.wait(WAIT)
        return super().print(doc, lang)


@dataclass
class Machine:
    pilot: Pilot[None]
    app: KioskApp
    hall: RunningHall
    printer: FakePrinter

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.idle()

    async def idle(self) -> None:
        for _ in range(3):
            busy = [w for w in self.app.workers if not w.group.startswith("live-")]
            if busy:
                await self.app.workers.wait_for_complete(busy)
            await self.pilot.pause()

    async def until(self, condition: Callable[[], bool], what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while not condition():
            if loop.time() > deadline:
                raise AssertionError(f"not within {WAIT} s: {what}")
            await self.pilot.pause(0.02)

    @property
    def home(self) -> KioskHome:
        home = self.app.home
        assert home is not None
        return home

    @property
    def shown(self) -> TicketShown:
        screen = self.app.screen
        assert isinstance(screen, TicketShown), type(screen).__name__
        return screen

    def text(self, selector: str) -> str:
        return str(self.app.screen.query_one(selector, Static).render())

    def button(self, prefix: str) -> str:
        return str(self.home.query_one(f"#kiosk-cat-{prefix}", Button).label)


def make_kiosk(hall: RunningHall, printer: FakePrinter, lang: str = "zh-CN") -> KioskApp:
    i18n.set_language(lang)
    return KioskApp(tui_settings(lang=lang), hall.client(), printer=printer)


@pytest.fixture
def printer() -> FakePrinter:
    return FakePrinter()


@pytest.fixture
async def machine(hall: RunningHall, printer: FakePrinter) -> AsyncIterator[Machine]:
    app = make_kiosk(hall, printer)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.loaded.wait(), WAIT)
        machine = Machine(pilot, app, hall, printer)
        await machine.idle()
        yield machine


async def staff_client(hall: RunningHall, username: str = "supervisor") -> HallClient:
    client = hall.client()
    await client.login(username, hall.credentials[username])
    return client


# --- the menu -----------------------------------------------------------------------------


async def test_menu_has_a_button_per_category_with_number_keys(machine: Machine) -> None:
    prefixes = [c.prefix for c in machine.app.categories]
    assert prefixes == ["A", "B", "C", "D", "V"]
    buttons = list(machine.home.query(".kiosk-category").results(Button))
    assert [b.id for b in buttons] == [f"kiosk-cat-{p}" for p in prefixes]
    # Names without a token: from the hall's public board state.
    assert machine.button("A").startswith("1  A  企业服务")
    assert machine.button("V").startswith("5  V  绿色通道（预约）")
    assert "等候 0 人" in machine.button("A")
    assert machine.home.focused is buttons[0]


async def test_a_number_key_issues_and_shows_the_ticket(machine: Machine) -> None:
    await machine.press("1")
    shown = machine.shown
    assert shown.ticket.number == "A001" and shown.ticket.category == "A"
    assert machine.text("#kiosk-number-plain") == "A001"
    assert "前面还有 0 人" in machine.text("#kiosk-wait")
    await machine.until(lambda: bool(machine.printer.printed), "slip printed")
    slip = machine.printer.printed[0]
    assert isinstance(slip, TicketSlip)
    assert slip.number == "A001" and slip.category.startswith("A")
    assert slip.window_hint == "请留意叫号，前往 1、2、4、6 号窗口"
    assert machine.text("#kiosk-print") == "请取走排队小票，留意叫号"
    await machine.press("enter")
    assert isinstance(machine.app.screen, KioskHome)
    # The next one in the same category is A002, with one ahead.
    await machine.press("1")
    assert machine.shown.ticket.number == "A002"
    assert machine.shown.ticket.people_ahead == 1
    assert "前面还有 1 人" in machine.text("#kiosk-wait")


async def test_arrows_and_enter_issue_too(machine: Machine) -> None:
    await machine.press("right")
    await machine.press("enter")
    assert machine.shown.ticket.category == "B"
    assert machine.shown.ticket.number == "B001"


async def test_a_key_without_a_category_does_nothing(machine: Machine) -> None:
    await machine.press("9")
    assert isinstance(machine.app.screen, KioskHome)
    assert machine.app.issued == []


async def test_the_ticket_screen_returns_by_itself(
    machine: Machine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The countdown is shortened once the screen is up: a loaded machine may take longer than
    # a shortened RETURN_SECONDS to issue and print, and the screen would be gone before we look.
    await machine.press("2")
    shown = machine.app.screen
    assert isinstance(shown, TicketShown)
    assert shown.printed
    shown.seconds_left = 2
    await machine.until(lambda: isinstance(machine.app.screen, KioskHome), "back to the menu")


async def test_the_kiosk_never_polls_the_hall(hall: RunningHall, printer: FakePrinter) -> None:
    """The menu is read once (board, names, windows) and then follows the public stream: idle
    for a few seconds while tickets are issued elsewhere, it sends no further queue read."""
    app = make_kiosk(hall, printer)
    sent: list[tuple[str, str]] = []

    async def hook(request: httpx.Request) -> None:
        sent.append((request.method, request.url.path))

    app.client.http.event_hooks["request"].append(hook)

    def reads(since: int = 0) -> list[str]:
        return [
            path
            for method, path in sent[since:]
            if method == "GET" and path.startswith(("/api/v1/queue", "/api/v1/tickets", "/board"))
        ]

    other = hall.client()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(app.loaded.wait(), WAIT)
            machine = Machine(pilot, app, hall, printer)
            await machine.idle()
            assert sorted(reads()) == ["/api/v1/queue/board", "/board/state"]
            before = len(sent)
            await other.issue_ticket("C")
            await machine.until(lambda: "等候 1 人" in machine.button("C"), "C by event")
            await pilot.pause(IDLE)
            await other.issue_ticket("C")
            await machine.until(lambda: "等候 2 人" in machine.button("C"), "C again by event")
            assert reads(before) == [], sent[before:]
            assert [p for _, p in sent].count("/api/v1/events") == 1  # one stream, no reconnects
    finally:
        await other.aclose()


async def test_waiting_counts_follow_the_hall_live(machine: Machine) -> None:
    other = machine.hall.client()
    try:
        await other.issue_ticket("C")
        await other.issue_ticket("C")
    finally:
        await other.aclose()
    await machine.until(lambda: "等候 2 人" in machine.button("C"), "C shows 2 waiting")


# --- priority -----------------------------------------------------------------------------


async def test_priority_lane_for_the_next_ticket(machine: Machine) -> None:
    await machine.press("g")
    assert isinstance(machine.app.screen, PriorityDialog)
    await machine.press("2")  # 残疾人
    assert isinstance(machine.app.screen, KioskHome)
    assert machine.app.priority == "残疾人"
    assert "绿色通道：残疾人" in machine.text("#kiosk-priority")
    await machine.press("1")
    assert machine.shown.ticket.priority == "残疾人"
    await machine.press("enter")
    assert machine.app.priority is None  # one ticket only
    assert "绿色通道：否" in machine.text("#kiosk-priority")
    await machine.press("1")
    assert machine.shown.ticket.priority is None


async def test_priority_can_be_switched_off(machine: Machine) -> None:
    await machine.press("g", "1")
    assert machine.app.priority == "老年人"
    await machine.press("g", "0")
    assert machine.app.priority is None


# --- appointments -------------------------------------------------------------------------


async def book(hall: RunningHall, clock: FakeClock, minutes: int, id_number: str | None = None):  # type: ignore[no-untyped-def]
    staff = await staff_client(hall)
    try:
        return await staff.book_appointment(
            "C", clock.now + timedelta(minutes=minutes), "刘洋", id_number=id_number
        )
    finally:
        await staff.aclose()


async def check_in(machine: Machine, value: str) -> None:
    await machine.press("y")
    assert isinstance(machine.app.screen, AppointmentDialog)
    machine.app.screen.query_one(Input).value = value
    await machine.press("enter")


async def test_appointment_check_in_on_time(machine: Machine, hall_clock: FakeClock) -> None:
    appointment = await book(machine.hall, hall_clock, 10)
    await check_in(machine, appointment.code.lower())
    shown = machine.shown
    assert shown.ticket.category == "C"
    assert shown.ticket.appointment_at is not None
    assert "预约签到成功（09:40）" in machine.text("#kiosk-note")


async def test_appointment_by_id_number(machine: Machine, hall_clock: FakeClock) -> None:
    await book(machine.hall, hall_clock, 5, id_number="11010519491231002X")
    await check_in(machine, "11010519491231002x")
    assert machine.shown.ticket.appointment is not None


async def test_appointment_too_early_is_told_when(machine: Machine, hall_clock: FakeClock) -> None:
    appointment = await book(machine.hall, hall_clock, 120)
    await check_in(machine, appointment.code)
    assert isinstance(machine.app.screen, KioskHome)
    assert "来早了" in machine.home.message and "11:30" in machine.home.message


async def test_appointment_late_gets_an_ordinary_ticket(
    machine: Machine, hall_clock: FakeClock
) -> None:
    appointment = await book(machine.hall, hall_clock, -60)
    await check_in(machine, appointment.code)
    shown = machine.shown
    assert shown.ticket.appointment_at is None
    assert "已过预约时段（08:30），已为您取普通号" in machine.text("#kiosk-note")


async def test_unknown_appointment_code(machine: Machine) -> None:
    await check_in(machine, "NOSUCH22")
    assert isinstance(machine.app.screen, KioskHome)
    assert "NOSUCH22" in machine.home.message


# --- printing -----------------------------------------------------------------------------


async def test_a_failed_print_keeps_the_number_on_screen_and_reprints(
    hall: RunningHall, caplog: pytest.LogCaptureFixture
) -> None:
    printer = FakePrinter(failures=1)
    app = make_kiosk(hall, printer)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.loaded.wait(), WAIT)
        machine = Machine(pilot, app, hall, printer)
        with caplog.at_level(logging.ERROR, logger="screens.kiosk"):
            await machine.press("4")
            shown = machine.shown
            await machine.until(lambda: shown.failed is not None, "print failed")
        assert shown.has_class("-failed")
        assert machine.text("#kiosk-number-plain") == "D001"
        assert "小票打印失败：打印机 10.0.0.9:9100 未连接：timed out" in machine.text(
            "#kiosk-print"
        )
        assert "按 R 重新打印" in machine.text("#kiosk-back-hint")
        assert any("D001" in r.getMessage() for r in caplog.records)
        assert app.print_failures == 1
        # Any key other than R/Enter leaves the number where it is.
        await machine.press("1")
        assert machine.app.screen is shown
        await machine.press("r")
        await machine.until(lambda: bool(printer.printed), "reprinted")
        assert machine.text("#kiosk-print") == "小票已重新打印"
        assert not shown.has_class("-failed")
        assert printer.printed[0].reprint_at is None  # nothing came out before: not a 补打
        # A second copy after a good print is marked 补打.
        await machine.press("r")
        await machine.until(lambda: len(printer.printed) == 2, "second copy")
        assert printer.printed[1].reprint_at is not None
        await machine.press("enter")
        assert machine.home.unprinted_text == ""  # printed: nothing left to list
        assert app.unprinted == {}
        staff = await staff_client(hall)
        try:
            ticket = await staff.ticket(shown.ticket.id)
        finally:
            await staff.aclose()
        assert ticket.status == "waiting"  # issued once, however often printed


async def test_a_ticket_that_did_not_print_stays_on_the_menu_until_reprinted(
    hall: RunningHall,
) -> None:
    """Leaving the failed-print screen (Enter) does not lose the ticket: the menu lists it as
    未打印, a second failure joins it, and R on the menu prints them, oldest first."""
    printer = FakePrinter(failures=2)
    app = make_kiosk(hall, printer)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.loaded.wait(), WAIT)
        machine = Machine(pilot, app, hall, printer)
        await machine.press("4")
        await machine.until(lambda: machine.shown.failed is not None, "D001 failed")
        await machine.press("enter")
        assert isinstance(app.screen, KioskHome)
        assert machine.home.unprinted_text == "R 补打 · 未打印：D001"
        await machine.press("1")
        await machine.until(lambda: machine.shown.failed is not None, "A001 failed")
        await machine.press("escape")
        assert machine.home.unprinted_text == "R 补打 · 未打印：D001、A001"
        assert printer.printed == []
        await machine.press("r")  # the printer works again
        shown = machine.shown
        assert shown.ticket.number == "D001"
        await machine.until(lambda: shown.printed, "D001 printed")
        assert [d.number for d in printer.printed] == ["D001"]
        assert printer.printed[0].reprint_at is None  # the first copy that came out
        assert "当时未能打印" in machine.text("#kiosk-note")
        assert not machine.app.screen.query_one("#kiosk-wait").display  # stale by now
        await machine.press("enter")
        assert machine.home.unprinted_text == "R 补打 · 未打印：A001"
        await machine.press("r")
        await machine.until(lambda: len(printer.printed) == 2, "A001 printed")
        await machine.press("enter")
        assert machine.home.unprinted_text == ""
        assert not machine.home.query_one("#kiosk-unprinted").display
        await machine.press("r")  # nothing left: R on the menu does nothing
        assert isinstance(app.screen, KioskHome)
        assert [d.number for d in printer.printed] == ["D001", "A001"]


async def test_the_failed_print_screens_timeout_keeps_the_ticket(
    hall: RunningHall, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk_module, "FAILED_RETURN_SECONDS", 1)
    printer = FakePrinter(failures=5)
    app = make_kiosk(hall, printer, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(app.loaded.wait(), WAIT)
            machine = Machine(pilot, app, hall, printer)
            for count in (1, 2, 3):
                await machine.press("2")
                # Not watched through the ticket screen: on a loaded machine its 1 s may be
                # over before we look. The unprinted list proves the print failed.
                await machine.until(lambda n=count: len(app.unprinted) == n, "print failed")
                await machine.until(lambda: isinstance(app.screen, KioskHome), "timed out")
            assert machine.home.unprinted_text == "R print · not printed: B001, B002 and more (3)"
            assert [t.number for t, _ in app.unprinted.values()] == ["B001", "B002", "B003"]
    finally:
        i18n.set_language("zh-CN")


async def test_a_print_still_running_when_its_screen_closes_still_counts(
    hall: RunningHall,
) -> None:
    """Enter while the printer works closes the screen (and cancels its worker): the slip that
    then comes out must not stay listed as 未打印."""
    gate = threading.Event()
    printer = GatedPrinter(gate=gate)
    app = make_kiosk(hall, printer)
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.loaded.wait(), WAIT)
        machine = Machine(pilot, app, hall, printer)
        await pilot.press("3")
        await machine.until(
            lambda: isinstance(app.screen, TicketShown) and app.printing, "printing"
        )
        await pilot.press("enter")
        await machine.until(lambda: isinstance(app.screen, KioskHome), "back to the menu")
        assert machine.home.unprinted_text == "R 补打 · 未打印：C001"
        gate.set()
        await machine.until(lambda: machine.home.unprinted_text == "", "printed after all")
        assert [d.number for d in printer.printed] == ["C001"]


async def test_kiosk_printer_never_prints_a4_on_a_roll(tmp_path: Path) -> None:
    roll = kiosk_printer(PrinterSettings(kind="escpos-net", target="10.0.0.9:9100", paper="A4"))
    assert isinstance(roll, EscposNetworkPrinter) and roll.paper == "80mm"
    narrow = kiosk_printer(PrinterSettings(kind="escpos-net", target="10.0.0.9", paper="58mm"))
    assert isinstance(narrow, EscposNetworkPrinter) and narrow.paper == "58mm"
    folder = kiosk_printer(PrinterSettings(pdf_folder=str(tmp_path)))
    assert isinstance(folder, FolderPrinter) and folder.folder == tmp_path


async def test_slip_goes_to_the_pdf_folder_by_default(hall: RunningHall, tmp_path: Path) -> None:
    i18n.set_language("zh-CN")
    settings = tui_settings(printer={"kind": "pdf", "pdf_folder": str(tmp_path)})
    app = KioskApp(settings, hall.client())
    async with app.run_test(size=SIZE) as pilot:
        await asyncio.wait_for(app.loaded.wait(), WAIT)
        machine = Machine(pilot, app, hall, FakePrinter())
        await machine.press("1")
        shown = machine.shown
        await machine.until(lambda: shown.printed or shown.failed is not None, "printed")
        assert shown.failed is None, shown.failed
    pdfs = list(tmp_path.glob("ticket-*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")


# --- when the hall says no ----------------------------------------------------------------


async def test_without_kiosk_mode_the_kiosk_says_why(
    tmp_path: Path, hall_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hall reads its queue settings when it starts: set the switch before this one starts.
    monkeypatch.setenv("CLERK_QUEUE__PUBLIC_ISSUE", "false")
    settings = hall_settings(sqlite_url(tmp_path / "closed-kiosk"))
    with running_embedded(settings, clock=hall_clock) as hall:
        app = make_kiosk(hall, FakePrinter())
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(app.loaded.wait(), WAIT)
            machine = Machine(pilot, app, hall, FakePrinter())
            await machine.press("1")
            assert isinstance(app.screen, KioskHome)
            assert machine.home.message.startswith("暂时无法取号：")
            assert app.issued == []


async def test_english_kiosk(hall: RunningHall, printer: FakePrinter) -> None:
    app = make_kiosk(hall, printer, lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await asyncio.wait_for(app.loaded.wait(), WAIT)
            machine = Machine(pilot, app, hall, printer)
            assert "0 waiting" in machine.button("A")
            await machine.press("1")
            assert "0 ahead of you" in machine.text("#kiosk-wait")
    finally:
        i18n.set_language("zh-CN")


def test_clerk_kiosk_command_is_there() -> None:
    from click.testing import CliRunner

    from clerk.cli.main import cli

    result = CliRunner().invoke(cli, ["kiosk", "--help"])
    assert result.exit_code == 0, result.output
    assert "--hall URL" in result.output
