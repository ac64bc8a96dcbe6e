"""The clerk's window: number, name and the ticket categories it serves.

`WindowCard.Changed` is posted by whoever learns that the window changed in the hall (the queue
panel, from the event `window.changed`); the home screen hands it to `WindowCard.changed`.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from clerk import i18n


class WindowCard(Vertical):
    class Changed(Message):
        """The window's name or categories changed in the hall."""

        def __init__(self, number: int, name: str, categories: Sequence[str]) -> None:
            super().__init__()
            self.number = number
            self.name = name
            self.categories = tuple(categories)

    def __init__(
        self,
        number: int | None,
        name: str | None,
        categories: Sequence[str],
        *,
        id: str | None = "window-card",
    ) -> None:
        super().__init__(id=id)
        self.border_title = i18n.t("tui.home.window_title")
        self._number = number
        self._name = name
        self._categories = list(categories)
        self._names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        if self._number is None:
            yield Static(i18n.t("tui.home.no_window"), id="window-number", markup=False)
            return
        yield Static(
            i18n.t("tui.home.window_number", number=self._number), id="window-number", markup=False
        )
        yield Static(self._name or "", id="window-name", markup=False)
        yield Static(self._served(self._categories), id="window-categories", markup=False)

    @staticmethod
    def _served(labels: Sequence[str]) -> str:
        served = "、".join(labels) if labels else i18n.t("tui.home.all")
        return i18n.t("tui.home.categories", categories=served)

    def name_categories(self, names: dict[str, str]) -> None:
        """Show "A 企业服务" instead of "A" once the hall told us the category names."""
        if self._number is None:
            return
        self._names = dict(names)
        labels = [f"{c} {names[c]}" if c in names else c for c in self._categories]
        self.query_one("#window-categories", Static).update(self._served(labels))

    def changed(self, change: WindowCard.Changed) -> None:
        """Show the window as the hall has it now (a change for another window is ignored)."""
        if self._number is None or change.number != self._number:
            return
        if change.name:
            self._name = change.name
            self.query_one("#window-name", Static).update(change.name)
        self._categories = list(change.categories)
        self.name_categories(self._names)
