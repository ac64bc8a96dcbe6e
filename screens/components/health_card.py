"""The hall service as this workstation sees it: reachable, version, database."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from clerk import i18n


class HealthCard(Vertical):
    def __init__(self, connection: str, *, id: str | None = "health-card") -> None:
        super().__init__(id=id)
        self.border_title = i18n.t("tui.home.health_title")
        self._connection = connection

    def compose(self) -> ComposeResult:
        yield Static(self._connection, id="health-connection", markup=False)
        yield Static(i18n.t("tui.health.checking"), id="health-state", markup=False)
        yield Static("", id="health-detail", markup=False)

    def show_ok(self, version: str, database: str, ok: bool) -> None:
        state = self.query_one("#health-state", Static)
        state.update(i18n.t("tui.health.ok") if ok else i18n.t("tui.health.degraded"))
        state.set_class(ok, "-ok")
        state.set_class(not ok, "-bad")
        self.query_one("#health-detail", Static).update(
            i18n.t("tui.health.detail", version=version, database=database)
        )

    def show_error(self, message: str) -> None:
        state = self.query_one("#health-state", Static)
        state.update(i18n.t("tui.health.unreachable"))
        state.set_class(False, "-ok")
        state.set_class(True, "-bad")
        self.query_one("#health-detail", Static).update(message)
