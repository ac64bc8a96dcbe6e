"""容缺期限: the date by which a 容缺 material is to be supplied.

D marks a material 容缺 with the hall's default period; D on a material already 容缺 opens this
dialog. The clerk types a date (2026-12-01, 12-01, 1201) or a number of working days (5); the
line below says at once which working day that is, or why it cannot be used. Enter takes it,
Esc keeps the date as it was.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from clerk import i18n
from clerk.workdays import Due, DueError, WorkCalendar, due_from_text
from screens.base import ClerkModal
from screens.keymap import KeyAction, register

CANCEL = KeyAction("due_dialog_cancel", "escape", "cancel", "intake.due.keys.cancel")


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.due.{key}", **values)


def describe(due: Due) -> str:
    """What the typed period comes to: the date, the working days, and a day off moved."""
    text = i18n.t("workdays.due.summary", date=due.date.isoformat(), days=due.working_days)
    if due.moved_from is not None:
        moved = i18n.t(
            "workdays.due.moved", typed=due.moved_from.isoformat(), date=due.date.isoformat()
        )
        text = f"{text} · {moved}"
    return text


class DueDateDialog(ClerkModal[dt.date | None]):
    BINDINGS: ClassVar = register(CANCEL)
    DEFAULT_CSS = """
    DueDateDialog { align: center middle; background: $background 60%; }
    #due-box {
        width: 64; max-width: 96%; height: auto;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    #due-title { text-style: bold; color: $accent; margin-bottom: 1; }
    #due-result { height: auto; color: $success; }
    #due-result.-error { color: $error; text-style: bold; }
    #due-hint { color: $text-muted; }
    """

    def __init__(
        self, material: str, current: dt.date | None, today: dt.date, calendar: WorkCalendar
    ) -> None:
        super().__init__(id="due-dialog")
        self.material = material
        self.current = current
        self.today = today
        self.calendar = calendar
        self.due: Due | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="due-box"):
            yield Static(_t("title", material=self.material), id="due-title", markup=False)
            yield Input(
                value=self.current.isoformat() if self.current else "",
                placeholder=_t("placeholder"),
                id="due-input",
                max_length=20,
            )
            yield Static("", id="due-result", markup=False)
            yield Static(_t("hint"), id="due-hint", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        field = self.query_one("#due-input", Input)
        field.focus()
        self._read(field.value)

    @on(Input.Changed, "#due-input")
    def _changed(self, event: Input.Changed) -> None:
        self._read(event.value)

    def _read(self, text: str) -> None:
        result = self.query_one("#due-result", Static)
        try:
            self.due = due_from_text(text, self.today, self.calendar)
        except DueError as exc:
            self.due = None
            result.update(exc.message())
            result.add_class("-error")
            return
        result.update(describe(self.due))
        result.remove_class("-error")

    @on(Input.Submitted, "#due-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._read(event.value)
        if self.due is not None:
            self.dismiss(self.due.date)

    def action_cancel(self) -> None:
        self.dismiss(None)
