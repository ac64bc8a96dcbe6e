"""The 容缺期限 dialog on its own: what the clerk types is read at once (a date or a number of
working days), a day off moves to the next working day, a past date or nonsense is refused with
the reason and the dialog stays open, Esc keeps the old date."""

from __future__ import annotations

import datetime as dt

from textual.app import App
from textual.widgets import Input, Static

from clerk.workdays import WorkCalendar, add_working_days, default_calendar
from screens.components.due_dialog import DueDateDialog

TODAY = dt.date(2026, 11, 23)  # a Monday
CALENDAR: WorkCalendar = default_calendar()


class Host(App[None]):
    def __init__(self, current: dt.date | None) -> None:
        super().__init__()
        self.current = current
        self.results: list[dt.date | None] = []

    def on_mount(self) -> None:
        self.push_screen(
            DueDateDialog("平面布局图", self.current, TODAY, CALENDAR), self.results.append
        )


def result_line(app: Host) -> str:
    return str(app.screen.query_one("#due-result", Static).render())


async def test_working_days_and_dates_are_read_as_typed() -> None:
    app = Host(dt.date(2026, 11, 30))
    async with app.run_test() as pilot:
        field = app.screen.query_one("#due-input", Input)
        assert field.value == "2026-11-30"
        assert "5 个工作日后" in result_line(app)
        field.value = "12-05"  # a Saturday
        await pilot.pause()
        assert "2026-12-07" in result_line(app) and "顺延" in result_line(app)
        field.value = "2026-11-20"
        await pilot.pause()
        assert "不在今天之后" in result_line(app)
        await pilot.press("enter")  # refused: the dialog stays
        assert isinstance(app.screen, DueDateDialog) and app.results == []
        field.value = "+3"
        await pilot.pause()
        await pilot.press("enter")
        assert app.results == [add_working_days(TODAY, 3, CALENDAR).date]


async def test_escape_keeps_the_date() -> None:
    app = Host(dt.date(2026, 11, 30))
    async with app.run_test() as pilot:
        app.screen.query_one("#due-input", Input).value = "abc"
        await pilot.pause()
        assert "看不懂" in result_line(app)
        await pilot.press("escape")
        assert app.results == [None]
