"""F1: the keys that work right now, with their ids (what `[keymap]` in the config file names)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from clerk import i18n
from screens.base import ClerkModal
from screens.keymap import HELP, HELP_CLOSE, describe, register


def current_keys(screen: Screen[Any]) -> list[tuple[str, str, str, str]]:
    """(binding id, key as shown, description, action) for every key with an id on `screen`."""
    app = screen.app
    rows: dict[str, tuple[str, str, str, str]] = {}
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.id:
            continue
        shown = app.get_key_display(binding)
        if binding.id in rows:
            previous = rows[binding.id]
            rows[binding.id] = (previous[0], f"{previous[1]}, {shown}", previous[2], previous[3])
            continue
        rows[binding.id] = (binding.id, shown, describe(binding.description), binding.action)
    return sorted(rows.values(), key=lambda r: r[0])


class HelpScreen(ClerkModal[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *register(HELP_CLOSE),
        # The help key closes help again; it shares the id "help", so it follows a remap.
        Binding(HELP.key, "close", show=False, id=HELP.id),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__(id="help")
        self._under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Label(i18n.t("tui.help.title"), id="help-title")
            table: DataTable[str] = DataTable(
                id="help-table", cursor_type="row", zebra_stripes=True
            )
            table.add_columns(
                i18n.t("tui.help.key"), i18n.t("tui.help.description"), i18n.t("tui.help.id")
            )
            for binding_id, key, description, _action in current_keys(self._under):
                table.add_row(key, description, binding_id, key=binding_id)
            yield table
            yield Static(i18n.t("tui.help.remap"), id="help-remap", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
