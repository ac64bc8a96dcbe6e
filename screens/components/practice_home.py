"""PracticeHome: the home screen's practice panel (练习). A clerk sees how many practice
scenarios are assigned and opens the practice queue; a trainer also opens the trainer screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from clerk import i18n
from screens.components.practice_banner import PracticeBanner
from screens.errors import error_text
from services.client import HallClientError

if TYPE_CHECKING:
    from screens.app import ClerkApp


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"practice.panel.{key}", **values)


class PracticeHome(Vertical):
    def __init__(self) -> None:
        super().__init__(id="practice-home")
        self.pending = 0

    @property
    def clerk(self) -> ClerkApp:
        from screens.app import ClerkApp

        assert isinstance(self.app, ClerkApp)
        return self.app

    @property
    def role(self) -> str:
        session = self.clerk.session
        return session.user.role if session else ""

    def compose(self) -> ComposeResult:
        yield PracticeBanner(id="practice-home-banner")
        yield OptionList(id="practice-home-menu")
        yield Static("", id="practice-home-status", markup=False)

    def on_mount(self) -> None:
        self._menu()
        self.load()

    def _menu(self) -> None:
        menu = self.query_one("#practice-home-menu", OptionList)
        menu.clear_options()
        menu.add_option(Option(_t("open_queue", count=self.pending), id="queue"))
        if self.role in ("trainer", "admin"):
            menu.add_option(Option(_t("open_trainer"), id="trainer"))
        menu.highlighted = 0

    def _reload(self, _: object = None) -> None:
        self.load()

    @work(exclusive=True, group="practice-home")
    async def load(self) -> None:
        if self.role == "admin":
            return
        try:
            self.pending = len(await self.clerk.client.practice_attempts())
        except HallClientError as exc:
            self.query_one("#practice-home-status", Static).update(error_text(exc))
            return
        self._menu()
        self.query_one("#practice-home-status", Static).update(
            _t("pending", count=self.pending) if self.pending else _t("none")
        )

    @on(OptionList.OptionSelected, "#practice-home-menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == "trainer":
            from screens.trainer import TrainerScreen

            self.app.push_screen(TrainerScreen(), self._reload)
        else:
            from screens.practice import PracticeScreen

            self.app.push_screen(PracticeScreen(), self._reload)
