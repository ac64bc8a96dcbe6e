"""过号重排: today's no-shows; the chosen one goes back into the queue (visibly, flagged)."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from clerk import i18n
from screens.components.queue_dialog import QueueDialog


class ReactivateDialog(QueueDialog[int]):
    """`rows`: (ticket id, text) for each no-show. Dismisses with the chosen ticket id."""

    def __init__(self, rows: Sequence[tuple[int, str]]) -> None:
        super().__init__(i18n.t("queue_tui.dialog.reactivate_title"), id="queue-reactivate")
        self.rows = list(rows)

    def body(self) -> ComposeResult:
        yield OptionList(
            *[Option(text, id=str(ticket_id)) for ticket_id, text in self.rows],
            id="queue-reactivate-list",
        )

    def hint(self) -> str:
        return i18n.t("queue_tui.dialog.reactivate_hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.rows[event.option_index][0])
