"""核验：免于提交 on the checklist table (issue 14, point 2): for a material the hall obtains when
the data is there (RSJ-003 终止或解除劳动关系证明: 已办理退工备案的由系统核验免交) the clerk presses
V — or runs it from the command palette — and the material is no longer missing; on a material
without that exemption the mark is refused with a reason. Both languages."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from clerk import checklist
from screens.commands import ShellCommands
from screens.components.checklist_table import ChecklistTable
from screens.intake import IntakeScreen
from tests.support.hall import RunningHall
from tests.tui.conftest import AppFactory
from tests.tui.pilot import settle, sign_in
from tests.tui.test_intake import SIZE, open_intake
from tests.tui.test_keys import run_from_palette

CHECKED = "终止或解除劳动关系证明"
NAMES = {"zh-CN": "核验：免于提交", "en": "Checked: not submitted"}


async def to_row(pilot: Pilot[None], screen: IntakeScreen, name: str) -> None:
    table = screen.query_one(ChecklistTable)
    table.focus()
    rows = [s.material.name for s in table.statuses]
    table.move_cursor(row=rows.index(name), animate=False)
    await settle(pilot)


def state_of(screen: IntakeScreen, name: str) -> checklist.State:
    return next(s.state for s in screen.view.statuses if s.material.name == name)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_v_marks_a_conditionally_exempt_material_obtained(
    hall: RunningHall, make_app: AppFactory, lang: str
) -> None:
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, offer_drafts=False)
        screen.form.add(screen.catalog, "RSJ-003")
        await screen._changed(save=False)
        await settle(pilot)
        assert CHECKED in [m.name for m in screen.view.verdict.missing]

        # a material without the exemption: refused, with the reason, nothing marked
        plain = next(
            s.material.name for s in screen.view.statuses if s.material.hall_source is None
        )
        await to_row(pilot, screen, plain)
        commands = {c.help.rsplit(" ", 1)[-1]: c.name for c in ShellCommands(app.screen).commands()}
        assert commands["intake_mark_obtained"] == NAMES[lang]
        await run_from_palette(pilot, "intake_mark_obtained")
        assert isinstance(app.screen, IntakeScreen)
        assert plain not in screen.form.marks
        assert any(plain in n.message for n in app._notifications)

        # the conditionally exempt one: V, and it is no longer missing
        await to_row(pilot, screen, CHECKED)
        await pilot.press("v")
        await settle(pilot)
        assert screen.form.marks[CHECKED].state is checklist.State.OBTAINED
        assert state_of(screen, CHECKED) is checklist.State.OBTAINED
        assert CHECKED not in [m.name for m in screen.view.verdict.missing]
        # X takes it back: the clerk found no 退工备案 after all
        await pilot.press("x")
        await settle(pilot)
        assert CHECKED in [m.name for m in screen.view.verdict.missing]
