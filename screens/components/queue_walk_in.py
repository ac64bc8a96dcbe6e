"""登记无号: the clerk serves an applicant who has no ticket; a ticket is made for the record
(category, optional 绿色通道 reason) and is served at this window at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from clerk import i18n
from clerk.tickets import PRIORITY_REASONS
from screens.components.queue_dialog import QueueDialog
from screens.components.queue_text import priority_label

NONE = "-"


@dataclass(frozen=True)
class WalkInChoice:
    category: str
    priority: str | None


class WalkInDialog(QueueDialog[WalkInChoice]):
    """Category (this window's first) on the left, priority on the right; Tab moves, Enter
    registers with what is highlighted in both."""

    def __init__(self, categories: Sequence[tuple[str, str]]) -> None:
        super().__init__(i18n.t("queue_tui.dialog.walk_in_title"), id="queue-walk-in")
        self.categories = list(categories)

    def body(self) -> ComposeResult:
        with Horizontal(id="queue-walk-in-lists"):
            with Vertical():
                yield Label(i18n.t("queue_tui.dialog.walk_in_category"))
                yield OptionList(
                    *[Option(f"{p}  {n}", id=p) for p, n in self.categories],
                    id="queue-walk-in-category",
                )
            with Vertical():
                yield Label(i18n.t("queue_tui.dialog.walk_in_priority"))
                options = [Option(i18n.t("queue_tui.dialog.walk_in_none"), id=NONE)]
                options += [Option(priority_label(r), id=r) for r in PRIORITY_REASONS]
                yield OptionList(*options, id="queue-walk-in-priority")

    def hint(self) -> str:
        return "Tab · " + i18n.t("queue_tui.dialog.hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#queue-walk-in-category", OptionList).focus()

    @staticmethod
    def _highlighted(options: OptionList) -> str | None:
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionSelected)
    def _send(self) -> None:
        category = self._highlighted(self.query_one("#queue-walk-in-category", OptionList))
        if category is None:
            return
        priority = self._highlighted(self.query_one("#queue-walk-in-priority", OptionList))
        self.dismiss(WalkInChoice(category, None if priority in (None, NONE) else priority))
