"""The bottom line above the footer: how we reach the hall, its health, the last message."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class StatusLine(Horizontal):
    def __init__(self, connection: str, *, id: str | None = "status-line") -> None:
        super().__init__(id=id)
        self._connection = connection

    def compose(self) -> ComposeResult:
        yield Static(self._connection, id="status-connection", markup=False)
        yield Static("", id="status-health", markup=False)
        yield Static("", id="status-message", markup=False)

    def set_health(self, text: str, *, ok: bool) -> None:
        widget = self.query_one("#status-health", Static)
        widget.update(text)
        widget.set_class(ok, "-ok")
        widget.set_class(not ok, "-bad")

    def set_message(self, text: str) -> None:
        self.query_one("#status-message", Static).update(text)
