"""The base of the queue panel's small dialogs: a titled box, a hint line, an error line,
Esc to cancel. Each dialog dismisses with its answer, or None when cancelled."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from clerk import i18n
from screens.base import ClerkModal
from screens.keymap import KeyAction, register

T = TypeVar("T")

DIALOG_CANCEL = KeyAction("queue_dialog_cancel", "escape", "cancel", "queue_tui.keys.dialog_cancel")


class QueueDialog(ClerkModal[T]):
    BINDINGS: ClassVar = register(DIALOG_CANCEL)

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(id=id)
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="queue-dialog-box"):
            yield Static(self._title, classes="queue-dialog-title", markup=False)
            yield from self.body()
            yield Static("", classes="queue-dialog-error", markup=False)
            yield Static(self.hint(), classes="queue-dialog-hint", markup=False)

    def body(self) -> ComposeResult:
        yield from ()

    def hint(self) -> str:
        return i18n.t("queue_tui.dialog.hint")

    def error(self, text: str) -> None:
        self.query_one(".queue-dialog-error", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
