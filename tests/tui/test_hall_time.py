"""Times on the workstation's screens are the hall's wall clock whatever the machine's own zone
(issue 21): each test runs with the process in UTC and in Asia/Shanghai (tests/support/
timezones.py) against a real embedded hall.

On a fake clock (the hall's FakeClock is also the app's): 01:30 UTC is 09:30 in the hall, and the
timers count from the hall's call. On the real clock (the app's and the hall's own defaults, as
`clerk` starts them): a ticket called a moment ago has been waiting seconds, not 8 hours."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from clerk import i18n
from clerk.config import Settings
from printing.renderers.text import render_text
from screens.app import ClerkApp
from screens.home import HomeScreen
from screens.intake import IntakeScreen
from screens.kiosk import KioskApp
from screens.reports import ReportScreen
from tests.support.hall import FakeClock, RunningHall, hall_settings, running_embedded, sqlite_url
from tests.support.timezones import machine_zone
from tests.tui.conftest import SIZE, tui_settings
from tests.tui.pilot import settle, sign_in, text_of
from tests.tui.test_intake import open_intake, wait_saved
from tests.tui.test_kiosk import SIZE as KIOSK_SIZE
from tests.tui.test_kiosk import FakePrinter, Machine
from tests.tui.test_queue_panel import Desk
from tests.tui.test_supervisor_panel import open_panel, until

__all__ = ["machine_zone"]

WAIT = 3.0


@pytest.fixture
async def desk(hall: RunningHall, hall_clock: FakeClock, machine_zone: str) -> AsyncIterator[Desk]:
    async for desk in _desk(hall, ClerkApp(_settings(), hall.client(), clock=hall_clock)):
        yield desk


def _settings() -> Settings:
    i18n.set_language("zh-CN")
    return tui_settings(lang="zh-CN")


async def _desk(hall: RunningHall, app: ClerkApp) -> AsyncIterator[Desk]:
    app.cursor_blink = False
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


async def test_timers_count_from_the_call_on_the_fake_clock(
    desk: Desk, hall_clock: FakeClock
) -> None:
    await desk.issued_and_seen("A", 1)
    await desk.press("n")
    assert "叫号后 00:00" in desk.text("#queue-state")
    hall_clock.advance(minutes=1, seconds=30)
    await desk.until(lambda: "叫号后 01:30" in desk.text("#queue-state"), "called timer 01:30")
    await desk.press("s")
    assert "已办理 00:00" in desk.text("#queue-state")
    hall_clock.advance(hours=1, minutes=2, seconds=3)
    await desk.until(lambda: "已办理 1:02:03" in desk.text("#queue-state"), "timer 1:02:03")
    # the header clock: the hall's wall clock, 01:30 UTC + 1:03:33 = 10:33:33 in Shanghai
    assert text_of(desk.app, "#header-clock") == "2026-11-23 10:33:33"


@pytest.fixture
def real_hall(tmp_path: Path, machine_zone: str) -> Iterator[RunningHall]:
    """The demo hall on its own clock (the real one), as `clerk` runs it."""
    with running_embedded(hall_settings(sqlite_url(tmp_path / "store"))) as running:
        yield running


async def test_a_ticket_called_just_now_is_not_8_hours_old(real_hall: RunningHall) -> None:
    # The app's own default clock and the hall's: one real clock. The bug read the app's naive
    # Shanghai wall time as the machine's zone (UTC): every timer 8 hours too long.
    async for desk in _desk(real_hall, ClerkApp(_settings(), real_hall.client())):
        await desk.issued_and_seen("A", 1)
        await desk.press("n")
        called = desk.text("#queue-state")
        assert re.search(r"叫号后 \d\d:\d\d", called), called
        assert not re.search(r"叫号后 \d+:\d\d:\d\d", called), called  # not hours
        await desk.press("s")
        serving = desk.text("#queue-state")
        assert re.search(r"已办理 \d\d:\d\d", serving), serving
        assert not re.search(r"已办理 \d+:\d\d:\d\d", serving), serving


async def test_the_draft_is_saved_at_the_hall_time(
    hall: RunningHall, hall_clock: FakeClock, machine_zone: str
) -> None:
    app = ClerkApp(_settings(), hall.client(), clock=hall_clock, cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        clock_shown = text_of(app, "#header-clock")
        hall_clock.advance(minutes=4, seconds=30)
        screen = await open_intake(pilot, None, offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        await wait_saved(pilot, screen)
        assert isinstance(app.screen, IntakeScreen)
        header = str(screen.query_one("#intake-header", Static).render())
        assert "草稿已保存 09:34:30" in header, header
        assert clock_shown == "2026-11-23 09:30:00"  # the header clock agrees with it


async def test_the_report_screen_opens_on_the_halls_day_after_midnight(
    tmp_path: Path, machine_zone: str
) -> None:
    # 16:30 UTC on the 23rd is 00:30 on the 24th in the hall: the report's day is the 24th
    clock = FakeClock(datetime(2026, 11, 23, 16, 30, tzinfo=UTC))
    settings = hall_settings(sqlite_url(tmp_path / "store"))
    with running_embedded(settings, clock=clock) as hall:
        app = ClerkApp(_settings(), hall.client(), clock=clock, cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await open_panel(pilot, hall)
            await pilot.press("e")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReportScreen)
            assert screen.query_one("#report-from", Input).value == "2026-11-24"
            await until(pilot, lambda: screen.report is not None)
            assert screen.report is not None and screen.report.first == date(2026, 11, 24)


async def test_the_kiosk_slip_and_its_reprint_show_the_hall_time(
    hall: RunningHall, hall_clock: FakeClock, machine_zone: str
) -> None:
    printer = FakePrinter()
    app = KioskApp(tui_settings(lang="zh-CN"), hall.client(), printer=printer, clock=hall_clock)
    async with app.run_test(size=KIOSK_SIZE) as pilot:
        await asyncio.wait_for(app.loaded.wait(), WAIT)
        machine = Machine(pilot, app, hall, printer)
        await machine.press("1")
        await machine.until(lambda: bool(printer.printed), "slip printed")
        assert "2026-11-23 09:30" in render_text(printer.printed[0])  # 01:30 UTC
        hall_clock.advance(minutes=2)
        await machine.press("r")
        await machine.until(lambda: len(printer.printed) == 2, "second copy")
        assert printer.printed[1].reprint_at == hall_clock.now  # the kiosk's clock, not the PC's
        assert "09:32" in render_text(printer.printed[1])


def test_open_drafts_are_listed_with_the_hall_time(machine_zone: str) -> None:
    from screens.components import draft_offer, home_drafts
    from services.client_cases import DraftSummary

    draft = DraftSummary(
        "d1", "open", 3, None, "clerk1", "clerk1", datetime(2026, 11, 23, 16, 30, tzinfo=UTC),
        1, "张三", None, None, ("SCJG-010",), None,
    )  # fmt: skip
    row = home_drafts.describe(draft, ticket_number=None, names={}, me="clerk1")
    assert "11-24 00:30" in row.text, row.text
    assert "11-24 00:30" in draft_offer.describe(draft, {})
