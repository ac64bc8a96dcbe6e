"""A yes/no question, e.g. "quit with unsaved work?"."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from screens.base import ClerkModal
from screens.keymap import KeyAction, register

CONFIRM_YES = KeyAction("confirm.yes", "y", "answer(True)", "tui.keys.confirm_yes")
CONFIRM_NO = KeyAction("confirm.no", "n,escape", "answer(False)", "tui.keys.confirm_no")


class ConfirmScreen(ClerkModal[bool]):
    BINDINGS = register(CONFIRM_YES, CONFIRM_NO)

    def __init__(self, question: str, *, yes: str, no: str) -> None:
        super().__init__(id="confirm")
        self._question = question
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Label(self._question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self._yes, id="confirm-yes", variant="error")
                yield Button(self._no, id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")
