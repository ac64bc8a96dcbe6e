"""暂停叫号: a reason is required — pick a common one (↑↓ Enter, or its number key) or type it.

The number keys are bindings (ids queue_pause.reason1…5, remappable, listed by F1): while the
reason field has the focus it takes the digits itself, so a typed "3号窗口…" stays typed."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from clerk import i18n
from screens.components.queue_dialog import QueueDialog
from screens.keymap import KeyAction, register

REASON_KEYS = tuple(f"queue_tui.dialog.reason{n}" for n in range(1, 6))
# The description is the reason itself: F1 and the palette read "1  午休".
PICK_REASON = tuple(
    KeyAction(f"queue_pause.reason{n}", str(n), f"pick_reason({n})", key, show=False)
    for n, key in enumerate(REASON_KEYS, 1)
)


class PauseDialog(QueueDialog[str]):
    BINDINGS: ClassVar = register(*PICK_REASON)

    def __init__(self) -> None:
        super().__init__(i18n.t("queue_tui.dialog.pause_title"), id="queue-pause")
        self.reasons = [i18n.t(key) for key in REASON_KEYS]

    def body(self) -> ComposeResult:
        yield Label(i18n.t("queue_tui.dialog.pause_quick"))
        yield OptionList(
            *[Option(f"{n}  {text}", id=str(n)) for n, text in enumerate(self.reasons, 1)],
            id="queue-pause-reasons",
        )
        yield Label(i18n.t("queue_tui.dialog.pause_label"))
        yield Input(
            placeholder=i18n.t("queue_tui.dialog.pause_placeholder"),
            id="queue-pause-input",
            max_length=200,
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(OptionList).focus()

    def action_pick_reason(self, number: int) -> None:
        if 1 <= number <= len(self.reasons):
            self.dismiss(self.reasons[number - 1])

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.reasons[event.option_index])

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.error(i18n.t("queue_tui.dialog.pause_need"))
            return
        self.dismiss(reason)
