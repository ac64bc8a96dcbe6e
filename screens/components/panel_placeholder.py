"""What the home screen shows where no room has mounted a panel yet."""

from __future__ import annotations

from textual.widgets import Static

from clerk import i18n


class PanelPlaceholder(Static):
    def __init__(self, *, id: str | None = "panel-placeholder") -> None:
        super().__init__(i18n.t("tui.home.no_panels"), id=id, markup=False)
