"""The top bar: hall name, window number, clerk, role and the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from clerk import i18n
from clerk.clock import datetime_text


def role_text(role: str) -> str:
    key = f"tui.role.{role}"
    return i18n.t(key) if i18n.has(key) else role


class ShellHeader(Horizontal):
    """Who is working where, and what time it is on the hall's wall clock. `clock` (aware) is
    injected so snapshots stay still."""

    def __init__(
        self,
        hall_name: str,
        clock: Callable[[], datetime],
        *,
        id: str | None = "shell-header",
    ) -> None:
        super().__init__(id=id)
        self._hall_name = hall_name
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Static(self._hall_name, id="header-hall", markup=False)
        yield Static("", id="header-window", markup=False)
        yield Static("", id="header-clerk", markup=False)
        yield Static("", id="header-role", markup=False)
        yield Static(self._now(), id="header-clock", markup=False)

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def _now(self) -> str:
        return datetime_text(self._clock(), seconds=True)

    def _tick(self) -> None:
        # the same width every second: repaint the clock only. A layout here, on the home screen
        # under the intake, repainted the whole intake twice a second (bench/keys.py)
        self.query_one("#header-clock", Static).update(self._now(), layout=False)

    def show(
        self,
        *,
        window: int | None,
        window_name: str | None = None,
        clerk: str | None = None,
        role: str | None = None,
    ) -> None:
        """Fill in the window and the person; None shows a dash or "not signed in"."""
        if window is None:
            window_text = i18n.t("tui.header.no_window")
        elif window_name:
            window_text = i18n.t("tui.header.window_named", number=window, name=window_name)
        else:
            window_text = i18n.t("tui.header.window", number=window)
        self.query_one("#header-window", Static).update(window_text)
        self.query_one("#header-clerk", Static).update(
            i18n.t("tui.header.clerk", name=clerk) if clerk else i18n.t("tui.header.signed_out")
        )
        self.query_one("#header-role", Static).update(role_text(role) if role else "")
