"""The intake screen against the REAL embedded hall: keystrokes from "call next" to "accepted",
a crash mid-intake and the draft restored, messages at the field, the decision dialog.

Counting keys: `Keys.press` counts every key press, from the queue panel's call-next key ("n"
on the window home, which opens the intake screen with the called ticket) to the result dialog
of the accepted visit; `Keys.scan` is one keyboard-wedge scan (the scanner types the burst and
its Enter — counted as a scan, not as presses). The applicant's ticket is taken at the kiosk
(through the hall's API, no clerk keys).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from clerk import checklist
from printing.samples import sample
from screens.app import ClerkApp
from screens.components.applicant_form import ApplicantForm
from screens.components.decision_dialog import DecisionDialog
from screens.components.draft_offer import DraftOffer
from screens.components.due_dialog import DueDateDialog
from screens.components.item_search import ItemSearch
from screens.components.result_dialog import ResultDialog
from screens.components.situation_panel import SituationPanel
from screens.intake import IntakeScreen
from tests.support.hall import RunningHall
from tests.tui.conftest import AppFactory
from tests.tui.pilot import settle, sign_in

SIZE = (140, 40)
USCC = "91310106MA1FL0001M"  # in the demo e-license library: holds 营业执照
ORG = "示范餐饮管理有限公司"
ID = "310106199003074513"


class Keys:
    """pilot.press with a counter."""

    def __init__(self, pilot: Pilot[None]) -> None:
        self.pilot = pilot
        self.presses = 0
        self.scans = 0

    async def press(self, *keys: str) -> None:
        for key in keys:
            self.presses += 1
            await self.pilot.press(key)
        await settle(self.pilot)

    async def type(self, text: str) -> None:
        await self.press(*text)

    async def scan(self, burst: str) -> None:
        """A keyboard-wedge scanner: the burst and its Enter arrive as one scan."""
        self.scans += 1
        await self.pilot.press(*burst, "enter")
        await settle(self.pilot)


async def take_ticket(app: ClerkApp) -> None:
    """An applicant takes a ticket at the kiosk (category A, served at window 1)."""
    await app.client.request("POST", "/tickets", json={"category": "A"}, idempotency_key="t1")


async def called_into_intake(keys: Keys) -> IntakeScreen:
    """The queue panel's call-next key ("n") on the window home: the ticket is called and the
    intake screen opens with it."""
    await keys.press("n")
    for _ in range(40):
        screen = keys.pilot.app.screen
        if isinstance(screen, IntakeScreen):
            await settle(keys.pilot)
            return screen
        await keys.pilot.pause(0.1)
    raise AssertionError(f"no intake screen after call next: {keys.pilot.app.screen}")


async def open_intake(pilot: Pilot[None], ticket: Any = None, **kwargs: Any) -> IntakeScreen:
    app = pilot.app
    assert isinstance(app, ClerkApp)
    catalog, index = await app.catalog_and_index()
    screen = IntakeScreen(catalog, index, app.client, ticket, **kwargs)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


async def wait_saved(pilot: Pilot[None], screen: IntakeScreen) -> None:
    for _ in range(40):
        await pilot.pause(0.1)
        await settle(pilot)
        if not screen.has_unsaved() and screen.draft_id is not None:
            return
    raise AssertionError("the draft was not saved")


def message(screen: IntakeScreen, key: str) -> str:
    widget = screen.query_one(f"#msg-{key.replace('.', '-', 1)}", Static)
    return str(widget.render()) if widget.display else ""


async def accepted(pilot: Pilot[None]) -> ResultDialog:
    for _ in range(40):
        if isinstance(pilot.app.screen, ResultDialog):
            return pilot.app.screen
        await pilot.pause(0.1)
    told = [n.message for n in pilot.app._notifications]
    raise AssertionError(f"no result dialog; notifications: {told}")


# --------------------------------------------------------------------------- keystrokes


async def test_food_license_in_at_most_15_presses(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        keys = Keys(pilot)
        await take_ticket(app)
        screen = await called_into_intake(keys)  # "call next": 1 press
        ticket = screen.ticket
        assert ticket is not None
        await keys.type("spjy")  # 食品经营许可（新办） is the first hit
        await keys.press("enter")
        assert screen.form.items == ["SCJG-010"]
        await keys.scan(f"{ORG}|{USCC}")  # the business licence, into the ID field
        await keys.press("f9")  # every remaining material received
        assert screen.view.can_accept, screen.view.verdict.reasons
        await keys.press("f10")
        assert isinstance(app.screen, DecisionDialog)
        await keys.press("enter")
        result = await accepted(pilot)
        visit = screen.visit
        assert visit is not None and len(visit.cases) == 1
        case = visit.cases[0]
        assert case.decision == "accepted" and case.item_code == "SCJG-010"
        assert case.ticket_id == ticket.id
        assert case.promised.date is not None
        materials = {m["name"]: m["state"] for m in case.materials}
        assert materials["营业执照"] == checklist.State.ELICENSE.value  # from the e-license lib
        assert case.case_no in str(result.query_one("#result-summary", Static).render())
        print(f"\nSCJG-010: {keys.presses} presses + {keys.scans} scan")
        assert keys.presses <= 15
        await keys.press("enter")
        assert not isinstance(app.screen, IntakeScreen)


async def test_theme_in_at_most_30_presses(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        keys = Keys(pilot)
        await take_ticket(app)
        screen = await called_into_intake(keys)  # "call next": 1 press
        ticket = screen.ticket
        assert ticket is not None
        await keys.type("kfd")  # 我要开饭店 (YJS-002)
        await keys.press("enter")
        assert screen.form.theme == "YJS-002"
        await keys.scan(f"{ORG}|{USCC}")
        # the applicant already has a business licence: 已取得营业执照 → yes
        await keys.press("f5")  # the questions: 申请人类型 first
        await keys.press("tab")  # 是否已取得营业执照？
        assert app.focused is screen.query_one("#q-has_license")
        await keys.press("space")
        assert screen.form.answers.get("has_license") is True
        assert "SCJG-001" not in [i.code for i in screen.view.items]
        await keys.press("f9")
        assert screen.view.can_accept, [r.text() for r in screen.view.verdict.reasons]
        await keys.press("f10", "enter")
        await accepted(pilot)
        visit = screen.visit
        assert visit is not None
        assert len(visit.cases) == len(screen.view.items) >= 5  # one case per item
        assert {c.visit_id for c in visit.cases} == {visit.id}
        print(f"\nYJS-002: {keys.presses} presses + {keys.scans} scan, {len(visit.cases)} cases")
        assert keys.presses <= 30


# --------------------------------------------------------------------------- guided answers


async def test_a_guided_sentence_opens_on_the_first_situation_question(
    hall: RunningHall, make_app: AppFactory
) -> None:
    """What the applicant said, typed as a sentence: its best hit is guided (智能导引), so the
    intake opens on the item's first question, not on the ID field."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        keys = Keys(pilot)
        await take_ticket(app)
        screen = await called_into_intake(keys)
        search = screen.query_one("#intake-search", ItemSearch)
        sentence = "老公去世了要领抚恤金"
        best = search.index.search(sentence, 1)[0]
        assert best.guided and best.code == "RSJ-015"
        await keys.type(sentence)
        await keys.press("enter")
        assert screen.form.items == ["RSJ-015"]
        # RSJ-015's questions all have defaults (none unanswered): the first control it is
        first = screen.query_one(SituationPanel).first_control()
        assert first is not None and first.id == "q-deceased_status"
        assert app.focused is first


async def test_a_name_query_keeps_the_id_field_next(
    hall: RunningHall, make_app: AppFactory
) -> None:
    """The same item by its name is what the clerk meant: no guide, the ID field comes next as
    before."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        keys = Keys(pilot)
        await take_ticket(app)
        screen = await called_into_intake(keys)
        search = screen.query_one("#intake-search", ItemSearch)
        name = "丧葬补助金和抚恤金申领"
        best = search.index.search(name, 1)[0]
        assert not best.guided and best.code == "RSJ-015"
        await keys.type(name)
        await keys.press("enter")
        assert screen.form.items == ["RSJ-015"]
        assert screen.query_one(SituationPanel).first_control() is not None  # a jump was possible
        assert app.focused is screen.query_one(ApplicantForm).id_input


# --------------------------------------------------------------------------- crash and restore


def cut_line(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("the workstation is gone", request=request)


async def test_draft_survives_a_crash(hall: RunningHall, make_app: AppFactory) -> None:
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot)
        for key in "spjy":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*f"{ORG}|{USCC}", "enter")
        await settle(pilot)
        form = screen.query_one(ApplicantForm)
        form.query_one("#applicant-legal_rep", Input).value = "王大明"
        form.query_one("#applicant-phone", Input).value = "13812345678"
        screen.query_one("#q-area", Input).value = "200"
        await settle(pilot)
        screen.query_one("#intake-checklist").focus()
        await pilot.press("r")  # the first row received
        names = [s.material.name for s in screen.view.statuses]
        await pilot.press(*["down"] * names.index("平面布局图"), "d")  # 容缺 allowed here
        await settle(pilot)
        default_due = screen.form.marks["平面布局图"].due
        assert default_due == screen.rongque_due()  # the hall's default period
        await pilot.press("d")  # D again: the clerk sets the date
        await settle(pilot)
        assert isinstance(app_screen := first.screen, DueDateDialog)
        assert app_screen.query_one("#due-input", Input).value == default_due.isoformat()
        await pilot.press("ctrl+a", "ctrl+k", *"+12", "enter")
        await settle(pilot)
        chosen = screen.form.marks["平面布局图"].due
        assert chosen is not None and chosen > default_due
        screen.query_one("#f-business_address", Input).value = "示范路 8 号"
        await wait_saved(pilot, screen)
        before = screen.form.to_state(screen.catalog)
        assert before["answers"]["area"] == 200
        assert any(m["state"] == "容缺" for m in before["materials"].values())
        # the app dies here: no leaving, no decision. The line to the hall is cut first, so,
        # as after kill -9, nothing the app might do on its way out can reach the hall.
        first.client.http._transport = httpx.MockTransport(cut_line)
        first.client.retries = 0
    del first

    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot)
        offer = second.screen
        assert isinstance(offer, DraftOffer)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert second.screen is screen
        assert screen.form.to_state(screen.catalog) == before
        form = screen.query_one(ApplicantForm)
        assert form.query_one("#applicant-org_name", Input).value == ORG
        assert form.query_one("#applicant-uscc", Input).value == USCC
        assert form.query_one("#applicant-legal_rep", Input).value == "王大明"
        assert form.query_one("#applicant-phone", Input).value == "13812345678"
        assert screen.query_one("#q-area", Input).value == "200"
        assert screen.query_one("#f-business_address", Input).value == "示范路 8 号"
        assert not screen.has_unsaved()
        assert screen.form.marks["平面布局图"].due == chosen  # the date the clerk set


# --------------------------------------------------------------------------- messages at the field


async def test_messages_at_the_field(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        # a person for an item only companies and sole traders (个体工商户) apply for
        await pilot.press(*f"张晓明|{ID[:-1]}0|2020.01.01", "enter")
        await settle(pilot)
        assert "校验码不对" in message(screen, "applicant.id_number")
        assert "2020-01-01 过期" in message(screen, "applicant.id_valid_until")
        kind = message(screen, "applicant.kind")
        assert "只受理法人、个体工商户申请" in kind and "自然人" in kind
        # the ID number is masked on screen unless the field has the focus or F7 reveals it
        number = screen.query_one("#applicant-id_number", Input)
        typed = number.value
        assert (
            not number.has_focus and "*" in str(number._value) and typed not in str(number._value)
        )
        await pilot.press("f7")
        assert str(number._value) == typed
        await pilot.press("f7")
        assert typed not in str(number._value)
        # Tab goes down the form in the order it is read
        screen.query_one("#applicant-name", Input).focus()
        order = []
        for _ in range(4):
            await pilot.press("tab")
            focused = app.focused
            order.append(focused.id if focused is not None else None)
        assert order == [
            "applicant-id_type",
            "applicant-id_number",
            "applicant-id_valid_until",
            "applicant-phone",
        ]
        # agent without authorization: switch organization, agent on
        await pilot.press("f4")
        await pilot.press(*f"{ORG}|{USCC}", "enter")
        await settle(pilot)
        assert message(screen, "applicant.kind") == ""
        screen.query_one("#agent-on").focus()
        await pilot.press("space")
        await settle(pilot)
        agent = message(screen, "agent")
        assert "授权委托书及受托人身份证明" in agent and "不能受理" in agent
        await pilot.press("f9")
        assert message(screen, "agent") == ""


async def test_notice_lists_every_missing_and_accept_is_disabled(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        await pilot.press(*f"{ORG}|{USCC}", "enter")
        await settle(pilot)
        missing = [m.name for m in screen.view.verdict.missing]
        assert len(missing) >= 4
        verdict = str(screen.query_one("#intake-verdict", Static).render())
        assert "一次性告知" in verdict
        await pilot.press("f10")
        dialog = app.screen
        assert isinstance(dialog, DecisionDialog)
        summary = str(dialog.query_one("#decision-summary", Static).render())
        for name in missing:
            assert name in summary
        choices = dialog.query_one("#decision-choice", OptionList)
        accept = choices.get_option("accept")
        assert accept.disabled and "不能受理" in str(accept.prompt)
        assert choices.highlighted == 1  # 一次性告知 is what the verdict allows
        await pilot.press("enter")
        await accepted(pilot)
        visit = screen.visit
        assert visit is not None and visit.cases[0].decision == "notice"
        assert {m["name"] for m in visit.cases[0].missing} == set(missing)
        result = app.screen
        assert isinstance(result, ResultDialog)
        assert [d.kind for d in result.documents] == ["notice"]


async def test_refusal_shows_the_reason(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        await pilot.press(*f"{ORG}|{USCC}", "enter")
        await settle(pilot)
        screen.form.answers["food_category"] = "prepackaged"  # 仅销售预包装食品: 备案, not 许可
        await screen.refresh_view()
        verdict = str(screen.query_one("#intake-verdict", Static).render())
        assert "不予受理" in verdict and "备案" in verdict and "行政许可法" in verdict
        await pilot.press("f10")
        assert isinstance(app.screen, DecisionDialog)
        await pilot.press("enter")  # 不予受理 → the reasons list
        await pilot.press("enter")  # the triggered reason R1
        await accepted(pilot)
        visit = screen.visit
        assert visit is not None and visit.cases[0].decision == "refused"
        assert visit.cases[0].refusal is not None
        assert visit.cases[0].refusal["reason_id"] == "R1"


async def test_printer_failure_keeps_the_case(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, offer_drafts=False)
        calls: list[str] = []
        printed: list[str] = []

        def flaky(doc: Any) -> str:  # out of paper once, then fine
            calls.append(doc.kind)
            if len(calls) == 1:
                raise OSError("打印机缺纸")
            printed.append(doc.kind)
            return "printer"

        screen.printer = lambda: flaky  # type: ignore[method-assign]
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        await pilot.press(*f"{ORG}|{USCC}", "enter", "f9", "f10", "enter")
        result = await accepted(pilot)
        await settle(pilot)
        line = str(result.query_one("#result-print", Static).render())
        assert "打印机缺纸" in line and "办件已保存" in line
        await pilot.press("p")
        await settle(pilot)
        assert printed == ["receipt"]
        assert screen.visit is not None
        case = await app.client.case(screen.visit.cases[0].case_no)
        assert case.decision == "accepted"


async def test_a_retry_prints_only_what_did_not_come_out(
    hall: RunningHall, make_app: AppFactory
) -> None:
    """Two papers, the printer fails on the second: P prints the second, not the first again."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        printed: list[str] = []
        failures = ["notice"]

        def flaky(doc: Any) -> str:
            if doc.kind in failures:
                failures.remove(doc.kind)
                raise OSError("打印机卡纸")
            printed.append(doc.kind)
            return doc.kind

        dialog = ResultDialog(Text(""), [sample("receipt"), sample("notice")], flaky)
        await app.push_screen(dialog)
        await settle(pilot)
        assert printed == ["receipt"]
        assert "打印机卡纸" in str(dialog.query_one("#result-print", Static).render())
        await pilot.press("p")
        await settle(pilot)
        assert printed == ["receipt", "notice"]  # each exactly once
        assert dialog.printed == ["receipt", "notice"] and dialog.print_error is None


async def test_a_bad_holiday_file_is_said_and_nothing_is_lost(
    hall: RunningHall, make_app: AppFactory, tmp_path: Path
) -> None:
    broken = tmp_path / "holidays.toml"
    broken.write_text("[2027\nholidays = \n", encoding="utf-8")
    app = make_app(hall={"holiday_file": str(broken)})
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        await pilot.press(*f"{ORG}|{USCC}", "enter")
        await settle(pilot)
        screen.query_one("#intake-checklist").focus()
        await pilot.press("r")
        await settle(pilot)
        before = screen.form.to_state(screen.catalog)
        names = [s.material.name for s in screen.view.statuses]
        await pilot.press(*["down"] * names.index("平面布局图"), "d")  # 容缺 needs the calendar
        await settle(pilot)
        assert app.screen is screen  # no traceback, still at the window
        detail = str(screen.query_one("#checklist-detail", Static).render())
        assert "节假日文件" in detail and "hall.holiday_file" in detail and str(broken) in detail
        assert screen.form.to_state(screen.catalog) == before
        assert "平面布局图" not in screen.form.marks
        assert screen.form.applicant.name == ORG


async def test_ctrl_enter_and_ctrl_j_decide(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        await open_intake(pilot, offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        # Ctrl+J: what Ctrl+Enter sends where the terminal has no kitty keyboard protocol
        for key in ("ctrl+enter", "ctrl+j"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DecisionDialog), key
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, IntakeScreen)


# --------------------------------------------------------------------------- snapshot


def test_intake_snapshot(snap_compare: Any, hall: RunningHall, make_app: AppFactory) -> None:
    async def filled(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, SimpleNamespace(id=0, number="A001"), offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        await pilot.press(*f"{ORG}|{USCC}", "enter")
        await settle(pilot)
        screen.query_one("#intake-checklist").focus()
        await pilot.press("r", "down", "down", "r")
        await wait_saved(pilot, screen)
        screen._saved_at = None  # the header shows no wall-clock time
        screen._show_header()
        pilot.app.clear_notifications()
        await settle(pilot)

    app = make_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=filled)
