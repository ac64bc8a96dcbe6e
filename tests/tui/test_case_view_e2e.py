"""Acceptance (issue 8): accept → delivered → 办结 arrives LIVE on the open case view → pickup
recorded — in ONE app: the clerk calls the ticket and accepts the case on the intake screen
(F10 decides), reads the case number off the result, opens the case view, and sees the back
office's word arrive. The back office is the REAL simulator (`clerk backoffice-sim`, a separate
process on a free 127.0.0.1 port) and the embedded hall polls it with a short interval. The
simulator runs in manual mode and the test plays its approver, only once the case view is open:
with timed auto-approval a loaded CI machine could decide before the view had read the case, and
then "arrives live" would prove nothing. Nothing is pressed while the statuses arrive; every wait
is bounded."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from clerk import clock as clerk_clock
from clerk import i18n
from clerk.config import Settings
from screens.app import ClerkApp
from screens.case_view import CaseViewScreen
from screens.components.caseview_dialogs import HandoverDialog
from screens.components.decision_dialog import DecisionDialog
from screens.components.result_dialog import ResultDialog
from screens.intake import IntakeScreen
from tests.caseview.support import CONTACT_ID, ITEM, PHONE
from tests.handoff.procs import Simulator, wait_for
from tests.support.hall import RunningHall, running_embedded, sqlite_url
from tests.tui.pilot import settle, sign_in, text_of
from tests.tui.test_intake import ORG, USCC, take_ticket

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

SECRET = "e2e-backoffice-secret-0123456789abcdef"
LIVE_WAIT = 30.0
INTAKE_SIZE = (140, 40)  # the intake screen's layout, as tests/tui/test_intake.py uses it


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    folder = tmp_path / "sim"
    folder.mkdir()
    simulator = Simulator(folder, SECRET, callback=None, manual=True)
    simulator.start()
    try:
        yield simulator
    finally:
        simulator.stop()


@pytest.fixture
def hall(tmp_path: Path, sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningHall]:
    monkeypatch.setenv("CLERK_SECRET_BACKOFFICE_DEFAULT", SECRET)
    settings = Settings(
        service={"db": sqlite_url(tmp_path / "store")},
        backoffice={
            "default_endpoint": sim.url,
            "poll_interval_s": 0.3,
            "tick_s": 0.05,
            "backoff_base_s": 0.1,
            "backoff_max_s": 0.5,
            "timeout_s": 3.0,
        },
    )
    with running_embedded(settings) as running:
        yield running


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LIVE_WAIT
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {LIVE_WAIT} s: {what}")
        await pilot.pause(0.05)


async def until_sim(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """`until` for a blocking check against the simulator, run off the event loop."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LIVE_WAIT
    while not await asyncio.to_thread(condition):
        if loop.time() > deadline:
            raise AssertionError(f"not within {LIVE_WAIT} s: {what}")
        await pilot.pause(0.1)


def approve_step(sim: Simulator, number: str, status: str) -> None:
    answer = sim.http.post(f"/approver/cases/{number}", json={"status": status})
    assert answer.status_code == 200, answer.text


async def accept_at_the_window(pilot: Pilot[None]) -> str:
    """Call the ticket, fill the intake (item, business licence scan, phone, the 受托人 who will
    collect the result), receive every material, F10 → accept; returns the receipt's case
    number. Every key goes through the app."""
    app = pilot.app
    assert isinstance(app, ClerkApp)

    async def press(*pressed: str) -> None:
        await pilot.press(*pressed)
        await settle(pilot)

    async def type_into(selector: str, text: str) -> None:
        app.screen.query_one(selector).focus()
        await press(*text)

    await take_ticket(app)
    await press("n")  # call next: the intake opens with the called ticket
    await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the intake screen")
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    await settle(pilot)
    await press(*"spjy", "enter")  # 食品经营许可（新办）
    assert screen.form.items == [ITEM]
    await press(*f"{ORG}|{USCC}", "enter")  # the business licence, scanned
    await type_into("#applicant-phone", PHONE)
    await type_into("#agent-on", " ")
    await type_into("#agent-name", "张三")
    await type_into("#agent-id_number", CONTACT_ID)
    await press("f9")  # every remaining material received, the 授权委托书 too
    assert screen.view.can_accept, [r.text() for r in screen.view.verdict.reasons]
    await press("f10")
    assert isinstance(app.screen, DecisionDialog)
    await press("enter")  # 受理
    await until(pilot, lambda: isinstance(app.screen, ResultDialog), "the accepted visit")
    result = app.screen
    assert isinstance(result, ResultDialog)
    visit = screen.visit
    assert visit is not None and len(visit.cases) == 1
    case = visit.cases[0]
    assert case.decision == "accepted" and case.item_code == ITEM
    summary = str(result.query_one("#result-summary", Static).render())
    assert case.case_no in summary, summary  # the number the receipt shows
    await press("enter")  # close the result: back at the window
    await until(pilot, lambda: not isinstance(app.screen, IntakeScreen), "back at the window")
    return case.case_no


async def test_accept_deliver_approved_live_then_pickup(hall: RunningHall, sim: Simulator) -> None:
    i18n.set_language("zh-CN")
    app = ClerkApp(Settings(window=1), hall.client(), clock=clerk_clock.now, cursor_blink=False)
    async with app.run_test(size=INTAKE_SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"], "1")
        number = await accept_at_the_window(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press(*number, "enter")  # the receipt's barcode, scanned
        await settle(pilot)
        view = app.screen
        assert isinstance(view, CaseViewScreen)
        await until(pilot, lambda: view.work is not None, "the case view reads the case")
        assert "办结" not in view.timeline_plain()  # the back office has not decided yet
        await until_sim(pilot, lambda: number in sim.cases(), "the case reaches the back office")

        def header() -> str:
            return text_of(app, "#cv-header")

        def shows(label: str) -> Callable[[], bool]:
            return lambda: label in view.timeline_plain()

        # No key is pressed from here until the result is ready. The approver moves the case by
        # hand, one step at a time, so that the polling hall sees every step.
        for status, label in (("in_review", "审批中"), ("approved", "办结")):
            await asyncio.to_thread(approve_step, sim, number, status)
            await until(pilot, shows(label), f"{label} arrives live")
        await asyncio.to_thread(approve_step, sim, number, "certificate_made")
        assert view.live_updates >= 1  # it came over the event stream, not a key
        await until(pilot, lambda: "待取件" in header(), "待取件 after 已制证")
        timeline = view.timeline_plain()
        for label in ("已受理", "待推送", "已推送", "审批中", "办结", "已制证", "待取件"):
            assert label in timeline, (label, timeline)
        assert "已短信通知 138****5678" in timeline

        await pilot.press("h")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HandoverDialog)
        await pilot.press(*"张三", "enter", *CONTACT_ID)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is view
        await until(pilot, lambda: "已领取" in header(), "the pickup is recorded")
        await until(pilot, lambda: bool(view.printed), "the 出件凭证 is printed")
        # the 受托人 named at intake, with the power of attorney received there
        assert "张三（受托人，1101**********1239）" in view.timeline_plain()
        assert view.query_one("#cv-live").render()  # the live line is shown

    stats = wait_for(lambda: sim.stats(), timeout=5, what="the simulator's counts")
    assert stats["unique"] == 1 and stats["by_key"] == {number: 1}
