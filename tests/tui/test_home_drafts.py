"""Open intake drafts offered on the window home right after signing in, against the REAL
embedded hall: an intake interrupted by a crash is picked up in a new app with every field back;
"later" keeps the drafts and F9 (or the command palette) offers them again; the window's drafts
saved by another clerk are offered too, other windows' are not."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from clerk import i18n
from screens.app import ClerkApp
from screens.commands import ShellCommands
from screens.components.applicant_form import ApplicantForm
from screens.components.home_drafts import HomeDraftsDialog
from screens.components.queue_panel import QueuePanel
from screens.home import HomeScreen
from screens.intake import IntakeScreen
from services.client import HallClient
from tests.support.hall import RunningHall
from tests.tui.conftest import AppFactory
from tests.tui.pilot import settle, sign_in

SIZE = (140, 40)
USCC = "91310106MA1FL0001M"
ORG = "示范餐饮管理有限公司"
ITEM = "SCJG-010"  # 食品经营许可（新办）: the first hit for "spjy"
WAIT = 10.0  # seconds (the first intake loads the catalog and its index)


async def until(pilot: Pilot[None], condition: Any, what: str, wait: float = WAIT) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not within {wait} s: {what} (screen {pilot.app.screen})")
        await pilot.pause(0.05)
    await settle(pilot)


async def wait_saved(pilot: Pilot[None], screen: IntakeScreen) -> None:
    await until(
        pilot,
        lambda: not screen.has_unsaved() and screen.draft_id is not None,
        "the draft saved in the hall",
    )


def offer_rows(app: ClerkApp) -> list[str]:
    dialog = app.screen
    assert isinstance(dialog, HomeDraftsDialog), dialog
    options = dialog.query_one("#home-drafts-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def signed_in_client(hall: RunningHall, username: str, window: int) -> HallClient:
    client = hall.client()
    await client.login(username, hall.credentials[username], window)
    return client


async def test_a_crashed_intake_is_offered_after_signing_in_and_resumed_whole(
    hall: RunningHall, make_app: AppFactory
) -> None:
    first = make_app()
    async with first.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        assert isinstance(first.screen, HomeScreen)  # nothing open yet: no offer
        await first.client.request(
            "POST", "/tickets", json={"category": "A"}, idempotency_key="kiosk-1"
        )
        panel = first.screen.query_one(QueuePanel)
        await until(pilot, lambda: panel.counts.get("A") == 1, "the ticket on the panel")
        await pilot.press("n")  # call next: the intake screen opens for the ticket
        await until(pilot, lambda: isinstance(first.screen, IntakeScreen), "intake opened")
        screen = first.screen
        assert isinstance(screen, IntakeScreen) and screen.ticket is not None
        number = screen.ticket.number
        await pilot.press(*"spjy", "enter")  # the item
        await settle(pilot)
        await pilot.press(*f"{ORG}|{USCC}", "enter")  # the business licence, scanned
        await settle(pilot)
        form = screen.query_one(ApplicantForm)
        form.query_one("#applicant-legal_rep", Input).value = "王大明"
        form.query_one("#applicant-phone", Input).value = "13812345678"
        await settle(pilot)
        await wait_saved(pilot, screen)
        before = screen.form.to_state(screen.catalog)
        assert before["items"] == [ITEM]
        draft_id = screen.draft_id
        # the app dies here: intake never left, nothing decided, no sign-out

    second = make_app()
    async with second.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        await until(
            pilot, lambda: isinstance(second.screen, HomeDraftsDialog), "the offer after sign-in"
        )
        (row,) = offer_rows(second)
        assert number in row
        assert "食品经营许可" in row
        assert ORG not in row and ORG[0] in row  # the applicant, masked
        assert "最后保存 11-23 09:30" in row  # the hall's time of the last save
        await pilot.press("enter")  # resume
        await until(pilot, lambda: isinstance(second.screen, IntakeScreen), "intake resumed")
        screen = second.screen
        assert isinstance(screen, IntakeScreen)
        # the e-license lookup of the restored USCC comes back and is saved again: let it
        await until(pilot, lambda: not screen.has_unsaved(), "the resumed draft at rest")
        assert screen.draft_id == draft_id
        assert screen.ticket is not None and screen.ticket.number == number
        assert screen.form.to_state(screen.catalog) == before
        form = screen.query_one(ApplicantForm)
        assert form.query_one("#applicant-org_name", Input).value == ORG
        assert form.query_one("#applicant-uscc", Input).value == USCC
        assert form.query_one("#applicant-legal_rep", Input).value == "王大明"
        assert form.query_one("#applicant-phone", Input).value == "13812345678"
        assert [i.code for i in screen.view.items] == [ITEM]

        # a visit decided there is filed under the ticket the queue panel holds
        @dataclass
        class Visit:
            case_numbers: tuple[str, ...]

        home = second.screen_stack[-2]
        assert isinstance(home, HomeScreen)
        panel = home.query_one(QueuePanel)
        await until(
            pilot,
            lambda: panel.current is not None and panel.current.number == number,
            "the panel holding the ticket",
        )
        screen.dismiss(Visit(("SL2026112300001",)))
        await settle(pilot)
        assert isinstance(second.screen, HomeScreen)
        assert panel.cases == ["SL2026112300001"]


async def test_later_keeps_the_drafts_and_f9_or_the_palette_offers_them_again(
    hall: RunningHall, make_app: AppFactory
) -> None:
    clerk = await signed_in_client(hall, "clerk1", 1)
    try:
        await clerk.create_draft({"items": [ITEM]})
    finally:
        await clerk.aclose()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        await until(pilot, lambda: isinstance(app.screen, HomeDraftsDialog), "the offer")
        (row,) = offer_rows(app)
        assert "无号" in row and "（未填申请人）" in row
        await pilot.press("l")  # later
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert len(home.drafts) == 1  # still open in the hall
        await until(
            pilot,
            lambda: any("F9" in str(n.message) for n in app._notifications),
            "told which key brings them back",
        )
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, HomeDraftsDialog), "offered again")
        await pilot.press("escape")  # later, again
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        commands = {c.help.rsplit(" ", 1)[-1]: c for c in ShellCommands(app.screen).commands()}
        assert "home_drafts_show" in commands
        assert commands["home_drafts_show"].name == "未完成草稿"
        await commands["home_drafts_show"].run()
        await until(pilot, lambda: isinstance(app.screen, HomeDraftsDialog), "from the palette")


async def test_the_windows_drafts_are_offered_other_windows_are_not(
    hall: RunningHall, make_app: AppFactory
) -> None:
    at_one = await signed_in_client(hall, "clerk2", 1)  # clerk2 stood in at window 1
    at_three = await signed_in_client(hall, "clerk3", 3)
    try:
        await at_one.create_draft({"items": [ITEM]})
        await at_three.create_draft({"items": [ITEM]})
    finally:
        await at_one.aclose()
        await at_three.aclose()
    app = make_app(lang="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
            await until(pilot, lambda: isinstance(app.screen, HomeDraftsDialog), "the offer")
            (row,) = offer_rows(app)
            assert "saved by clerk2" in row and "no ticket" in row
            hint = str(app.screen.query_one("#home-drafts-hint").render())
            assert "Enter continue" in hint and "l / Esc later" in hint and "F9" in hint
    finally:
        i18n.set_language("zh-CN")


async def test_no_drafts_no_offer_and_no_drafts_key(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.drafts == []
        active = {b.binding.id for b in home.active_bindings.values()}
        assert "home_drafts_show" not in active
        assert "logout" in active
        # a draft left open (Esc out of intake) makes the key appear when home is back in front
        catalog, index = await app.catalog_and_index()
        intake = IntakeScreen(catalog, index, app.client, offer_drafts=False)
        await app.push_screen(intake)
        await settle(pilot)
        await pilot.press(*"spjy", "enter")
        await wait_saved(pilot, intake)
        await pilot.press("escape")
        await until(pilot, lambda: bool(home.drafts), "the draft counted on the home screen")
        assert isinstance(app.screen, HomeScreen)  # counted, not pushed at the clerk
        active = {b.binding.id for b in home.active_bindings.values()}
        assert "home_drafts_show" in active
