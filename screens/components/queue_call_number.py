"""指定叫号: the clerk types a number of today (A012) and the window calls it out of order."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label

from clerk import i18n
from screens.components.queue_dialog import QueueDialog


class CallNumberDialog(QueueDialog[str]):
    def __init__(self) -> None:
        super().__init__(i18n.t("queue_tui.dialog.call_number_title"), id="queue-call-number")

    def body(self) -> ComposeResult:
        yield Label(i18n.t("queue_tui.dialog.call_number_label"))
        yield Input(id="queue-call-number-input", max_length=12)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        number = event.value.strip().upper()
        if not number:
            self.error(i18n.t("queue_tui.dialog.call_number_empty"))
            return
        self.dismiss(number)
