"""转移: send the window's ticket to another category, to another window, or both. The ticket
keeps its original issue time (the hall does that)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from clerk import i18n
from screens.components.queue_dialog import QueueDialog

KEEP = "-"


@dataclass(frozen=True)
class TransferTarget:
    category: str | None
    window: int | None


class TransferDialog(QueueDialog[TransferTarget]):
    """Categories in a list (first entry: keep the category), a window number below.
    Enter in the list or in the window field sends the choice; Tab moves between them."""

    def __init__(
        self, number: str, categories: Sequence[tuple[str, str]], *, current: str, window: int
    ) -> None:
        super().__init__(
            i18n.t("queue_tui.dialog.transfer_title", number=number), id="queue-transfer"
        )
        self.categories = [(p, n) for p, n in categories if p != current]
        self.own_window = window

    def body(self) -> ComposeResult:
        yield Label(i18n.t("queue_tui.dialog.transfer_category"))
        options = [Option(i18n.t("queue_tui.dialog.transfer_keep"), id=KEEP)]
        options += [Option(f"{p}  {n}", id=p) for p, n in self.categories]
        yield OptionList(*options, id="queue-transfer-categories")
        yield Label(i18n.t("queue_tui.dialog.transfer_window"))
        yield Input(id="queue-transfer-window", max_length=4, type="integer")

    def hint(self) -> str:
        return "Tab · " + i18n.t("queue_tui.dialog.hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    @on(Input.Submitted)
    def _send(self) -> None:
        options = self.query_one(OptionList)
        category: str | None = None
        if options.highlighted is not None:
            chosen = options.get_option_at_index(options.highlighted).id
            category = None if chosen in (None, KEEP) else chosen
        raw = self.query_one(Input).value.strip()
        window: int | None = None
        if raw:
            if not raw.isdigit():
                self.error(i18n.t("queue_tui.dialog.transfer_window_bad"))
                return
            window = int(raw)
            if window == self.own_window:
                self.error(i18n.t("queue_tui.dialog.transfer_same"))
                return
        if category is None and window is None:
            self.error(i18n.t("queue_tui.dialog.transfer_need"))
            return
        self.dismiss(TransferTarget(category, window))
