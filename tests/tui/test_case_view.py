"""The case view, the lookup and the cases panel against a real embedded hall: a scanned receipt
opens the case, the status timeline updates live (no key pressed), 需补正 resubmission, 出件 with
the collector checked, mail with a tracking number, 补打 reprint, deadline flags."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, SelectionList

from printing.builders import visit_documents
from printing.documents import Hall
from printing.renderers.pdf import render_pdf
from screens.app import ClerkApp
from screens.case_lookup import CaseLookupScreen, promised_cell
from screens.case_view import CaseViewScreen
from screens.components.cases_panel import CasesPanel
from screens.components.caseview_dialogs import HandoverDialog, MailDialog, ResubmitDialog
from screens.home import HomeScreen
from tests.caseview.support import (
    AGENT_ID,
    ANSWERS,
    CONTACT_ID,
    ITEM,
    STRANGER_ID,
    accept_case,
    applicant,
    backoffice,
    desk_client,
    outbox_keys,
)
from tests.printing.conftest import pdf_text, squash
from tests.support.hall import FakeClock, RunningHall
from tests.tui.conftest import SIZE
from tests.tui.pilot import settle, sign_in, text_of

WAIT = 5.0
RECEIVED = ("食品经营许可申请表", "营业执照", "法定代表人身份证明", "从业人员健康证明")


@pytest.fixture(autouse=True)
def no_backoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests play the back office themselves; the hall must not look for one."""
    monkeypatch.setenv("CLERK_BACKOFFICE__ENABLED", "false")


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {WAIT} s: {what}")
        await pilot.pause(0.02)


async def new_case(
    hall: RunningHall, user: str = "clerk2", window: int = 2, **extra: object
) -> str:
    client = await desk_client(hall, user, window)
    try:
        return await accept_case(client, **extra)
    finally:
        await client.aclose()


async def open_case(pilot: Pilot[None], hall: RunningHall, number: str) -> CaseViewScreen:
    await sign_in(pilot, "clerk1", hall.credentials["clerk1"], "1")
    app = pilot.app
    await app.push_screen(CaseViewScreen(number))
    screen = app.screen
    assert isinstance(screen, CaseViewScreen)
    await until(pilot, lambda: screen.work is not None, "the case is read")
    return screen


def header(app: ClerkApp) -> str:
    return text_of(app, "#cv-header")


async def test_a_scanned_receipt_opens_the_case_and_the_timeline_follows_live(
    make_app: Callable[..., ClerkApp], hall: RunningHall
) -> None:
    number = await new_case(hall, "clerk1", 1)  # accepted at this window today
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"], "1")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f7")
        await settle(pilot)
        panel = app.screen.query_one(CasesPanel)
        await until(pilot, lambda: number in panel.row_keys(), "today's case in the panel")
        assert app.screen.focused is app.screen.query_one("#cases-lookup", Input)
        # the scanner "types" the barcode (the case number) and Enter, in one burst
        await pilot.press(*number, "enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, CaseViewScreen)
        await until(pilot, lambda: view.work is not None, "the case is read")
        assert "待推送" in header(app)
        assert "1101**********1239" in text_of(app, "#cv-summary")  # masked
        assert CONTACT_ID not in text_of(app, "#cv-summary")

        backoffice(hall, number, "delivered")
        await until(pilot, lambda: "已推送" in header(app), "已推送 arrives live")
        backoffice(hall, number, "in_review")
        await until(pilot, lambda: "审批中" in header(app), "审批中 arrives live")
        backoffice(hall, number, "approved", result={"document_no": "SCJG-2026-1"})
        await until(pilot, lambda: "办结" in header(app), "办结 arrives live")
        timeline = view.timeline_plain()
        for label in ("已受理", "待推送", "已推送", "审批中", "办结", "SCJG-2026-1"):
            assert label in timeline
        assert view.live_updates >= 3
        assert "已推送" in view.message or "办结" in view.message
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_the_collector_is_checked_and_the_handover_record_printed(
    make_app: Callable[..., ClerkApp], hall: RunningHall, clerk_home: Path
) -> None:
    number = await new_case(hall)
    backoffice(hall, number, "in_review", "certificate_made", result={"document_no": "D-7"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_case(pilot, hall, number)
        assert "待取件" in header(app)
        assert "已短信通知 138****5678" in view.timeline_plain()
        await pilot.press("h")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, HandoverDialog)
        dialog.query_one("#handover-name", Input).value = "王五"
        dialog.query_one("#handover-id", Input).value = STRANGER_ID
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # refused: the dialog stays, with the reason
        assert "授权委托书" in text_of(app, ".cv-dialog-error")
        assert view.status == "ready_for_pickup"

        dialog.query_one("#handover-name", Input).value = "王五"
        dialog.query_one("#handover-id", Input).value = AGENT_ID
        dialog.query_one(Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is view
        await until(pilot, lambda: bool(view.printed), "the 出件凭证 is printed")
        assert "已领取" in header(app)
        assert "王五（受托人，1101**********0053）" in view.timeline_plain()
        assert Path(view.printed[0]).exists()
        assert "handover" in Path(view.printed[0]).name
        await pilot.press("h")  # handed over: no second handover
        await settle(pilot)
        assert app.screen is view


async def test_resubmit_after_correction_from_the_case_view(
    make_app: Callable[..., ClerkApp], hall: RunningHall
) -> None:
    number = await new_case(hall)
    needed = ["营业执照副本（经营范围已变更）", "场所平面图"]
    backoffice(
        hall, number, "in_review", "needs_correction", note="经营范围不符", materials_needed=needed
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_case(pilot, hall, number)
        summary = text_of(app, "#cv-summary")
        assert "需补正" in summary and needed[0] in summary and "经营范围不符" in summary
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ResubmitDialog)
        await pilot.press("space")  # the first material ticked
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "尚未收齐" in text_of(app, ".cv-dialog-error") and needed[1] in text_of(
            app, ".cv-dialog-error"
        )
        dialog.query_one(SelectionList).select_all()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is view
        assert "补正后重新提交" in header(app)
        assert "第 1 次补正" in view.timeline_plain()
        assert outbox_keys(hall, number) == [number, f"{number}:r1"]


async def test_mail_with_a_tracking_number(
    make_app: Callable[..., ClerkApp], hall: RunningHall
) -> None:
    delivery = {"method": "mail", "recipient": "张三", "address": "示范路 88 号", "phone": ""}
    number = await new_case(hall, delivery=delivery)
    backoffice(hall, number, "approved", "certificate_made")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_case(pilot, hall, number)
        assert "已制证" in header(app)  # a mail case waits for the window
        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MailDialog)
        assert dialog.query_one("#mail-address", Input).value == "示范路 88 号"
        await pilot.press(*"EA123456789CN")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is view
        assert "已寄出" in header(app)
        assert "EA123456789CN" in view.timeline_plain()


async def test_reprint_is_marked_with_the_time(
    make_app: Callable[..., ClerkApp], hall: RunningHall
) -> None:
    # accepted with a 容缺 and a 告知承诺 material: the reprint must keep both
    client = await desk_client(hall)
    marks = {name: {"state": "已收"} for name in RECEIVED}
    marks |= {"平面布局图": {"state": "容缺", "due": "2026-11-30"}}
    marks |= {"食品安全管理制度文本": {"state": "告知承诺"}}
    state = {"applicant": applicant(1), "items": [ITEM], "answers": ANSWERS, "materials": marks}
    draft = await client.create_draft(state)
    visit = await client.decide(draft.id, [{"item": ITEM, "decision": "accept"}])
    await client.aclose()
    number = visit.cases[0].case_no
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_case(pilot, hall, number)
        await pilot.press("p")
        await until(pilot, lambda: bool(view.printed), "the receipt is reprinted")
        assert "已补打受理回执（11-23 09:30:00）" in view.message
        [original] = visit_documents(visit, hall=Hall.from_settings(app.settings.hall))
    reprinted = squash(pdf_text(Path(view.printed[0]).read_bytes()))
    stamp = squash("补打 2026-11-23 09:30")
    assert stamp in reprinted and number in reprinted
    for expected in ("容缺受理材料", "平面布局图2026-11-30", "告知承诺事项", "统一社会信用代码"):
        assert expected in reprinted, expected
    # the same paper as the one printed at the window, but for the 补打 mark
    assert reprinted.replace(stamp, "") == squash(pdf_text(render_pdf(original, "A4")))


async def test_lookup_by_id_number_and_phone(
    make_app: Callable[..., ClerkApp], hall: RunningHall
) -> None:
    number = await new_case(hall)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"], "1")
        uscc = str(applicant(1)["uscc"])  # an organization's 证件号码 is its USCC
        for query in (uscc.lower(), "138 1234 5678"):
            await app.push_screen(CaseLookupScreen())
            screen = app.screen
            assert isinstance(screen, CaseLookupScreen)
            await pilot.press(*query, "enter")
            await settle(pilot)
            assert [c.case_no for c in screen.found] == [number]
            assert "找到 1 件" in screen.message
            await pilot.press("enter")  # the list has the focus: open the case
            await settle(pilot)
            assert isinstance(app.screen, CaseViewScreen)
            await pilot.press("escape", "escape")
            await settle(pilot)
        await app.push_screen(CaseLookupScreen())
        await pilot.press(*(number[:-1] + str((int(number[-1]) + 1) % 10)), "enter")
        await settle(pilot)
        assert "校验位" in app.screen.message  # type: ignore[attr-defined]


async def test_near_and_overdue_flags(
    make_app: Callable[..., ClerkApp], hall: RunningHall, hall_clock: FakeClock
) -> None:
    number = await new_case(hall)
    client = await desk_client(hall)
    promised = (await client.case(number)).promised.date
    await client.aclose()
    assert promised is not None
    hall_clock.now = datetime(promised.year, promised.month, promised.day, 2, tzinfo=UTC)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_case(pilot, hall, number)
        assert "临期：剩 0 个工作日" in header(app)
        assert view.has_class("-near")
    hall_clock.advance(days=7)  # a week past the promised day
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await open_case(pilot, hall, number)
        assert "超期" in header(app)
        assert view.has_class("-overdue")


async def test_a_promised_date_in_an_unpublished_year_is_marked_estimated(
    make_app: Callable[..., ClerkApp], hall: RunningHall, hall_clock: FakeClock
) -> None:
    """Any year neither chinesecalendar nor the hall file knows (here 2029, counted Monday–
    Friday) is an estimate on screen, not only the shipped file's 2027."""
    hall_clock.now = datetime(2029, 12, 20, 1, 30, tzinfo=UTC)
    number = await new_case(hall)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, hall, number)
        summary = text_of(app, "#cv-summary")
        assert "承诺办结：2029-12-31（7 工作日）" in summary, summary
        assert "说明：含估算：2029 年节假日安排未发布，按周一至周五计算" in summary, summary
        await pilot.press("escape")
        await settle(pilot)
        await app.push_screen(CaseLookupScreen())
        screen = app.screen
        assert isinstance(screen, CaseLookupScreen)
        await pilot.press(*number, "enter")
        await settle(pilot)
        [found] = screen.found
        assert found.promised_estimated
        assert promised_cell(found).endswith("（估）")
