"""ClerkApp: login -> window home, the header and footer, keys, themes, palette and quitting.

The app is handed its settings and a `HallClient` by the composition root (clerk/cli/tui.py);
it never starts services itself. Screens reach the shared state through `self.clerk` (see
screens/base.py): `settings`, `client`, `session` and the injected `clock`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.dom import DOMNode
from textual.screen import Screen

from clerk import clock as clerk_clock
from clerk import i18n
from clerk.config import Settings
from screens.base import localize_bindings
from screens.commands import ShellCommands
from screens.key_order import KeyOrder
from screens.keymap import (
    APP_KEYS,
    COMMAND_PALETTE,
    describe,
    key_display,
    keymap_from_settings,
    register,
    registered,
)
from screens.login import LoginScreen
from screens.themes import BY_SETTING, DARK, LIGHT
from screens.unsaved import any_unsaved
from services.client import HallClient, HallClientError, Session

if TYPE_CHECKING:
    # the catalog is loaded on first use, off the login screen's critical path
    from clerk.catalog.model import Catalog
    from clerk.catalog.search import SearchIndex

log = logging.getLogger("screens.app")


def _import_home() -> None:
    try:
        from screens import home, panels

        del home  # imported for its modules, as signed_in will
        panels.discover()
    except Exception:  # the home screen imports them again and shows what is wrong there
        log.exception("home screen panels not imported ahead")


def _load_catalog() -> tuple[Catalog, SearchIndex]:
    from clerk.catalog.loader import load_active_catalog
    from clerk.catalog.search import build_index

    catalog = load_active_catalog()
    index = build_index(catalog)
    # the sentence index is built on first use; build it now, beside the screen that opens
    threading.Thread(target=index.prepare, name="search-words", daemon=True).start()
    return catalog, index


class ClerkApp(App[None]):
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "styles/app.tcss",
        "styles/components.tcss",
        "styles/login.tcss",
        "styles/home.tcss",
        "styles/dialogs.tcss",
    ]
    BINDINGS = register(*APP_KEYS)
    COMMANDS: ClassVar[set[Any]] = {ShellCommands}

    def __init__(
        self,
        settings: Settings,
        client: HallClient,
        *,
        clock: Callable[[], datetime] | None = None,
        cursor_blink: bool = True,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.settings = settings
        self.client = client
        # aware UTC, shown in the hall's zone (clerk.clock) whatever the workstation's own zone
        self.clock: Callable[[], datetime] = clock or clerk_clock.now
        clerk_clock.use_zone(settings.hall.time_zone)
        self.cursor_blink = cursor_blink
        self.session: Session | None = None
        self._on_ready = on_ready
        self.key_order = KeyOrder(self)
        self._clashes_told: set[tuple[str, str]] = set()
        self._catalog: tuple[Catalog, SearchIndex] | None = None
        self._catalog_lock = asyncio.Lock()
        self.title = i18n.t("app.name")
        self.register_theme(DARK)
        self.register_theme(LIGHT)
        self.theme = BY_SETTING[settings.theme]
        loaded = keymap_from_settings(settings.keymap)
        self.keymap_problems = loaded.problems
        self.set_keymap(loaded.keymap)
        # The footer shows the palette key on its right; follow a remap of it.
        palette_keys = loaded.keymap.get(COMMAND_PALETTE.id)
        if palette_keys:
            self.__dict__["COMMAND_PALETTE_BINDING"] = palette_keys.split(",")[0]

    # ---- life cycle

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        for problem in self.keymap_problems:
            self.notify(problem, title=i18n.t("tui.keymap.title"), severity="warning", markup=False)

    async def on_unmount(self) -> None:
        try:
            await self.client.aclose()
        except HallClientError as exc:
            log.info("closing the hall client: %s", exc.code)

    async def on_event(self, event: events.Event) -> None:
        # HOOK (practice room, screens/practice.py): practice mode scores keystrokes. The
        # topmost screen that defines `count_key(key)` (a practice intake, also under its
        # dialogs) is told of every key before it is handled as usual.
        # A key read while the previous one is still moving focus waits its turn
        # (screens/key_order.py): a scanner's or password manager's burst lands as typed.
        if isinstance(event, events.Key) and self.key_order.hold(event):
            return
        if isinstance(event, events.Key):
            for screen in reversed(self.screen_stack):
                counter = getattr(screen, "count_key", None)
                if callable(counter):
                    counter(event.key)
                    break
        await super().on_event(event)

    def on_ready(self) -> None:
        if self._on_ready is not None:
            self._on_ready()
        # The clerk is typing: import the home screen and its panels now, so that signing in
        # does not wait for them (about a third of the first sign-in, issue 17).
        threading.Thread(target=_import_home, name="home-imports", daemon=True).start()

    def connection_text(self) -> str:
        if self.settings.hall_url:
            return i18n.t("tui.status.remote", url=self.settings.hall_url)
        return i18n.t("tui.status.embedded")

    def get_key_display(self, binding: Binding) -> str:
        return binding.key_display or key_display(binding.key)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """A [keymap] entry took a key another action used: say so once, in words."""
        for binding in clashed_bindings:
            marker = (binding.id or binding.action, binding.key)
            if marker in self._clashes_told:
                continue
            self._clashes_told.add(marker)
            message = i18n.t(
                "tui.keymap.clash",
                key=key_display(binding.key),
                action=describe(binding.description) or binding.action,
                id=binding.id or "-",
            )
            log.warning("keymap: %s", message)
            self.notify(message, title=i18n.t("tui.keymap.title"), severity="warning", markup=False)

    def key_for(self, binding_id: str) -> str:
        """The key currently bound to `binding_id`, as shown to the clerk (after any remap)."""
        keys = self._keymap.get(binding_id) or registered()[binding_id].key
        return " / ".join(key_display(k) for k in keys.split(","))

    # ---- signing in and out

    def signed_in(self, session: Session) -> None:
        from screens.home import HomeScreen

        self.session = session
        log.info(
            "signed in",
            extra={
                "data": {
                    "user": session.user.username,
                    "window": session.window.number if session.window else None,
                }
            },
        )
        self.switch_screen(HomeScreen(session))

    def session_lost(self, message: str) -> None:
        """The hall no longer accepts our token: back to the login screen, saying why."""
        username = self.session.user.username if self.session else ""
        self.session = None
        self.switch_screen(LoginScreen(message, username=username))

    def request_logout(self) -> None:
        if any_unsaved(self._unsaved_candidates()):
            self._confirm(i18n.t("tui.logout.unsaved"), self._logout_now)
        else:
            self._logout_now()

    def _logout_now(self) -> None:
        username = self.session.user.username if self.session else ""
        self.session = None
        self.switch_screen(LoginScreen(i18n.t("tui.logout.done"), username=username))
        self._tell_hall_logout()

    @work(exclusive=True, group="logout")
    async def _tell_hall_logout(self) -> None:
        try:
            await self.client.logout()
        except HallClientError as exc:
            log.info("logout not confirmed by the hall: %s", exc.code)

    # ---- actions bound to keys (ids in screens/keymap.py)

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT.name if self.current_theme.dark else DARK.name

    def action_command_palette(self) -> None:
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(
                CommandPalette(
                    placeholder=i18n.t("tui.palette.placeholder"), id="--command-palette"
                )
            )

    def action_open_catalog(self) -> None:
        """F2: the catalog browser (screens/catalog_browser.py), when that room is installed."""
        try:
            module = importlib.import_module("screens.catalog_browser")
        except ModuleNotFoundError as exc:
            if exc.name != "screens.catalog_browser":
                raise
            self.notify(i18n.t("tui.catalog.missing"), severity="warning")
            return
        if isinstance(self.screen, module.CatalogBrowserScreen):
            return
        self._open_catalog(module.CatalogBrowserScreen)

    @work(exclusive=True, group="catalog")
    async def _open_catalog(
        self, screen_class: Callable[[Catalog, SearchIndex], Screen[Any]]
    ) -> None:
        from clerk.catalog.errors import CatalogError

        try:
            catalog, index = await self.catalog_and_index()
        except CatalogError as exc:
            self.notify(i18n.t("tui.catalog.failed", detail=exc), severity="error", markup=False)
            return
        await self.push_screen(screen_class(catalog, index))

    async def catalog_and_index(self) -> tuple[Catalog, SearchIndex]:
        """The hall's catalog and its search index, loaded once (off the UI thread) and shared
        by every room that needs them."""
        if self._catalog is None:
            async with self._catalog_lock:
                if self._catalog is None:
                    self._catalog = await asyncio.to_thread(_load_catalog)
        return self._catalog

    async def action_quit(self) -> None:
        from screens.confirm import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            return
        if any_unsaved(self._unsaved_candidates()):
            self._confirm(i18n.t("tui.quit.unsaved"), self.exit)
        else:
            self.exit()

    # ---- helpers

    def _unsaved_candidates(self) -> list[object]:
        nodes: list[object] = []
        for screen in self.screen_stack:
            nodes.append(screen)
            nodes.extend(screen.query("*"))
        return nodes

    def _confirm(self, question: str, then: Callable[[], Any]) -> None:
        from screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.push_screen(
            ConfirmScreen(question, yes=i18n.t("tui.confirm.yes"), no=i18n.t("tui.confirm.no")),
            answered,
        )
