"""Issue 16, the second visit after a 一次性告知, through the real workstation against the REAL
embedded hall: the first visit ends with a 一次性告知书 (some materials received, the rest listed);
the applicant comes back with a new ticket, the clerk calls it and scans the notice's barcode into
the intake's search box — applicant, item, answers and last time's materials are there, only the
missing ones are asked; F9 (the rest received), F10, Enter → accepted, linked to the notice.

Keys are counted as in tests/tui/test_intake.py (`Keys`): a scan is one scan, every other key a
press, from "call next" to the result dialog of the accepted visit."""

from __future__ import annotations

from textual.widgets import Static

from clerk import checklist
from screens.app import ClerkApp
from screens.case_view import CaseViewScreen
from screens.components.checklist_table import ChecklistTable
from screens.components.decision_dialog import DecisionDialog
from screens.components.result_dialog import ResultDialog
from screens.intake import IntakeScreen
from tests.support.hall import RunningHall
from tests.tui.conftest import AppFactory
from tests.tui.pilot import settle, sign_in
from tests.tui.test_intake import ORG, SIZE, USCC, Keys, accepted, called_into_intake

ITEM = "SCJG-010"  # 食品经营许可（新办）
SECOND_VISIT_PRESSES = 4  # call next, F9, F10, Enter — plus the one scan of the notice


async def take_ticket(app: ClerkApp, key: str) -> None:
    await app.client.request("POST", "/tickets", json={"category": "A"}, idempotency_key=key)


async def first_visit_ends_in_a_notice(keys: Keys) -> tuple[str, str, list[str]]:
    """Returns the notice's number, the one material received and the materials noticed."""
    pilot = keys.pilot
    app = pilot.app
    assert isinstance(app, ClerkApp)
    await take_ticket(app, "first-visit")
    screen = await called_into_intake(keys)
    await keys.type("spjy")
    await keys.press("enter")
    assert screen.form.items == [ITEM]
    await keys.scan(f"{ORG}|{USCC}")
    table = screen.query_one(ChecklistTable)
    table.focus()
    await settle(pilot)
    outstanding = [m.name for m in screen.view.verdict.missing]
    await keys.press("r")  # the first row the clerk is on: handed in
    received = [n for n, m in screen.form.marks.items() if m.state is checklist.State.RECEIVED]
    assert len(received) == 1, screen.form.marks
    await keys.press("f10")
    assert isinstance(app.screen, DecisionDialog)
    await keys.press("enter")  # 一次性告知 is what the verdict allows
    result = await accepted(pilot)
    visit = screen.visit
    assert visit is not None and visit.cases[0].decision == "notice"
    assert [d.kind for d in result.documents] == ["notice"]
    noticed = [m["name"] for m in visit.cases[0].missing]
    assert set(noticed) == set(outstanding) - set(received)
    await keys.press("enter")  # close the result dialog
    await keys.press("f")  # finish the ticket (with the notice's case number)
    return visit.cases[0].case_no, received[0], noticed


async def test_second_visit_costs_one_scan(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        notice_no, received, noticed = await first_visit_ends_in_a_notice(Keys(pilot))
        assert not isinstance(app.screen, IntakeScreen)

        # the applicant is back with the 一次性告知书 and a new ticket
        await take_ticket(app, "second-visit")
        keys = Keys(pilot)
        screen = await called_into_intake(keys)  # 1 press
        await keys.scan(notice_no)  # the notice's barcode, into the search box
        for _ in range(40):
            if screen.form.follows_notice:
                break
            await pilot.pause(0.1)
        await settle(pilot)
        form = screen.form
        assert form.follows_notice == notice_no
        assert form.items == [ITEM] and form.uscc == USCC and form.applicant.name == ORG
        assert form.marks[received].state is checklist.State.RECEIVED  # last time's, again
        assert form.notice_received == [received]
        assert [m.name for m in screen.view.verdict.missing] == noticed  # only these asked
        header = str(screen.query_one("#intake-header", Static).render())
        assert notice_no in header and "再次办理" in header
        told = " ".join(str(n.message) for n in app._notifications)
        assert received in told and "请核对原件" in told

        await keys.press("f9")  # the applicant brought the rest
        assert screen.view.can_accept, screen.view.verdict.reasons
        await keys.press("f10")
        assert isinstance(app.screen, DecisionDialog)
        await keys.press("enter")
        result = await accepted(pilot)
        assert isinstance(result, ResultDialog)
        visit = screen.visit
        assert visit is not None
        [case] = visit.cases
        assert case.decision == "accepted" and case.item_code == ITEM
        record = await app.client.case(case.case_no)
        assert record.follows_notice == notice_no
        print(f"\nsecond visit: {keys.presses} presses + {keys.scans} scan")
        assert (keys.presses, keys.scans) == (SECOND_VISIT_PRESSES, 1)


async def test_a_notice_scanned_into_a_started_intake_is_refused_and_nothing_lost(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        notice_no, _, _ = await first_visit_ends_in_a_notice(Keys(pilot))
        # a second intake: some work typed already, then the notice scanned — refused, kept
        await take_ticket(app, "busy")
        keys = Keys(pilot)
        screen = await called_into_intake(keys)
        await keys.type("spjy")
        await keys.press("enter")
        await keys.press("ctrl+f")  # back to the search box
        await keys.scan(notice_no)
        await settle(pilot)
        assert screen.form.items == [ITEM] and not screen.form.follows_notice
        told = [str(n.message) for n in app._notifications]
        assert any("已有内容" in m for m in told), told


async def test_from_the_case_lookup_v_opens_the_second_visit(
    hall: RunningHall, make_app: AppFactory
) -> None:
    """The other way in: F7 cases, scan the notice, V on the notice's case view."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        notice_no, received, noticed = await first_visit_ends_in_a_notice(Keys(pilot))
        keys = Keys(pilot)
        await keys.press("f7")
        await keys.scan(notice_no)
        for _ in range(40):
            if isinstance(app.screen, CaseViewScreen) and app.screen.work is not None:
                break
            await pilot.pause(0.1)
        view = app.screen
        assert isinstance(view, CaseViewScreen) and view.status == "notice"
        await keys.press("v")
        for _ in range(40):
            if isinstance(app.screen, IntakeScreen) and app.screen.form.follows_notice:
                break
            await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        await settle(pilot)
        assert screen.form.follows_notice == notice_no
        assert screen.form.marks[received].state is checklist.State.RECEIVED
        assert [m.name for m in screen.view.verdict.missing] == noticed
        assert (keys.presses, keys.scans) == (2, 1)  # F7, V and the scan
