"""The window home screen: who works at which window, the hall's health, and the room panels.

The home screen is a frame: rooms (queue, intake, case lookup, supervisor, practice) add their
panels by declaring a `PanelSpec` in `screens/panels/` — see that package's docstring. The home
screen never needs editing for a new panel.

Open intake drafts: right after signing in at a window, the clerk's own open drafts and those of
the window are offered (screens/components/home_drafts.py) — after a crash or a restart the
intake is picked up where it was left, every field restored. "Later" keeps them; while any are
known the `home_drafts_show` key (F9, also in the command palette) offers them again. The count
is read again whenever the home screen comes back to the front. A visit decided in a resumed
draft is handed to the panels that take one (`take_visit(ticket_id, visit)`: the queue panel
files its case numbers under the ticket it holds).
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.widgets import TabbedContent, TabPane

from clerk import i18n
from clerk.catalog.errors import CatalogError
from screens import panels
from screens.base import ClerkScreen, localize_bindings
from screens.components.health_card import HealthCard
from screens.components.home_drafts import SHOW as DRAFTS_SHOW
from screens.components.home_drafts import DraftRow, HomeDraftsDialog, describe
from screens.components.panel_placeholder import PanelPlaceholder
from screens.components.shell_header import ShellHeader
from screens.components.status_line import StatusLine
from screens.components.steady_footer import SteadyFooter
from screens.components.window_card import WindowCard
from screens.errors import error_text, session_ended
from screens.keymap import HOME_REFRESH, LOGOUT, register
from screens.unsaved import any_unsaved
from services.client import HallClientError, Session
from services.client_cases import DraftSummary

if TYPE_CHECKING:
    from services.client_cases import VisitRecord

log = logging.getLogger("screens.home")

SESSION_CHECK_SECONDS = 60.0


class HomeScreen(ClerkScreen):
    BINDINGS = register(HOME_REFRESH, LOGOUT, DRAFTS_SHOW)

    def __init__(self, session: Session) -> None:
        super().__init__(id="home")
        self.session = session
        self._categories_named = False
        self.drafts: list[DraftSummary] = []  # open drafts of this clerk and this window
        self._offer_pending = session.window is not None  # offer once, after signing in
        self.panels = [p for p in panels.discover() if p.visible_to(session.user.role)]
        keys = [p.key for p in self.panels if p.key is not None]
        if keys:
            register(*keys)
            for key in keys:
                self._bindings._add_binding(key.binding())
            localize_bindings(self)

    def compose(self) -> ComposeResult:
        app = self.clerk
        window = self.session.window
        yield ShellHeader(app.settings.hall.name, app.clock)
        with Horizontal(id="home-top"):
            yield WindowCard(
                window.number if window else None,
                window.name if window else None,
                list(window.categories) if window else [],
            )
            yield HealthCard(app.connection_text())
        with Container(id="home-panels"):
            if self.panels:
                with TabbedContent(id="panel-tabs"):
                    for spec in self.panels:
                        with TabPane(i18n.t(spec.title), id=spec.id):
                            yield spec.factory()
            else:
                yield PanelPlaceholder()
        yield StatusLine(app.connection_text())
        yield SteadyFooter()

    def on_mount(self) -> None:
        session = self.session
        self.query_one(ShellHeader).show(
            window=session.window.number if session.window else None,
            window_name=session.window.name if session.window else None,
            clerk=session.user.display_name,
            role=session.user.role,
        )
        self.refresh_status()
        self.set_interval(SESSION_CHECK_SECONDS, self.refresh_status)

    def on_screen_resume(self) -> None:
        """Signed in, or back from intake or a dialog: which drafts are open now?"""
        self.look_for_drafts(offer=self._offer_pending)

    def action_refresh(self) -> None:
        self.refresh_status()
        self.look_for_drafts()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_drafts":
            return bool(self.drafts)  # no key in the footer or the palette without drafts
        return True

    @on(WindowCard.Changed)
    def _window_changed(self, event: WindowCard.Changed) -> None:
        event.stop()
        self.query_one(WindowCard).changed(event)

    # ---- open intake drafts

    @work(exclusive=True, group="home-drafts")
    async def look_for_drafts(self, offer: bool = False) -> None:
        """Read the open drafts; with `offer`, show them at once when there are any and the
        home screen is in front (not when the clerk has already gone on, e.g. into intake)."""
        if not await self._read_drafts():
            return
        if offer:
            self._offer_pending = False
            if self.drafts and self.is_current:
                await self._offer()

    async def _read_drafts(self) -> bool:
        """The clerk's open drafts and the window's (saved there by anyone), newest first."""
        client = self.clerk.client
        window = self.session.window
        try:
            found = await client.drafts()
            if window is not None:
                everyone = await client.drafts(everyone=True)
                found.extend(d for d in everyone if d.window_no == window.number)
        except HallClientError as exc:
            log.info("open drafts not read: %s", exc.code)
            return False  # the status check says what is wrong with the hall
        unique = {d.id: d for d in found if d.status == "open"}
        self.drafts = sorted(unique.values(), key=lambda d: d.updated_at, reverse=True)
        self.refresh_bindings()
        return True

    def action_show_drafts(self) -> None:
        self._show_drafts()

    @work(exclusive=True, group="home-drafts-show")
    async def _show_drafts(self) -> None:
        await self._read_drafts()
        if not self.drafts:
            self.notify(i18n.t("home_drafts.none"), markup=False)
            return
        if self.is_current:
            await self._offer()

    async def _offer(self) -> None:
        rows = await self._rows(self.drafts)
        if rows and self.is_current:  # the clerk may have gone on meanwhile (F9 stays)
            self.app.push_screen(HomeDraftsDialog(rows), self._chosen)

    async def _rows(self, drafts: list[DraftSummary]) -> list[DraftRow]:
        """The dialog's rows: item names from the catalog, ticket numbers from the hall."""
        try:
            catalog, _index = await self.clerk.catalog_and_index()
            names = {i.code: i.name for i in catalog.items}
            names.update({t.code: t.name for t in catalog.themes})
        except CatalogError as exc:
            log.warning("draft rows without item names: %s", exc)
            names = {}
        ticket_ids = sorted({d.ticket_id for d in drafts if d.ticket_id is not None})
        found = await asyncio.gather(*map(self._number, ticket_ids))
        numbers = dict(zip(ticket_ids, found, strict=True))
        me = self.session.user.username
        return [
            describe(
                d,
                ticket_number=numbers.get(d.ticket_id) if d.ticket_id is not None else None,
                names=names,
                me=me,
            )
            for d in drafts
        ]

    async def _number(self, ticket_id: int) -> str | None:
        try:
            return (await self.clerk.client.ticket(ticket_id)).number
        except HallClientError:
            return None

    def _chosen(self, draft_id: str | None) -> None:
        if draft_id is None:
            self.notify(
                i18n.t("home_drafts.later_told", key=self.clerk.key_for(DRAFTS_SHOW.id)),
                markup=False,
            )
            return
        self.resume_draft(draft_id)

    @work(exclusive=True, group="home-drafts-resume")
    async def resume_draft(self, draft_id: str) -> None:
        """Open the intake screen on the draft, every field as it was saved; the ticket it was
        made for comes along (the header shows its number, the decision is filed under it)."""
        from screens.intake import IntakeScreen

        client = self.clerk.client
        try:
            draft = await client.get_draft(draft_id)
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
            else:
                self.notify(error_text(exc), severity="error", markup=False)
            return
        if draft.status != "open":
            self.notify(i18n.t("home_drafts.closed"), severity="warning", markup=False)
            self.look_for_drafts()
            return
        try:
            catalog, index = await self.clerk.catalog_and_index()
        except CatalogError as exc:
            self.notify(
                i18n.t("home_drafts.catalog_failed", detail=exc), severity="error", markup=False
            )
            return
        ticket = None
        if draft.ticket_id is not None:
            try:
                ticket = await client.ticket(draft.ticket_id)
            except HallClientError as exc:
                log.info("ticket %s of draft %s not read: %s", draft.ticket_id, draft.id, exc.code)
        screen = IntakeScreen(catalog, index, client, ticket=ticket, draft=draft)
        await self.app.push_screen(screen, partial(self._resumed, draft.ticket_id))

    def _resumed(self, ticket_id: int | None, visit: VisitRecord | None) -> None:
        """The resumed intake's outcome, for the panels that file visits (the queue panel)."""
        if visit is None:
            return
        for node in self.query("*"):
            take = getattr(node, "take_visit", None)
            if callable(take):
                take(ticket_id, visit)

    def action_show_panel(self, panel_id: str) -> None:
        if self.panels:
            self.query_one("#panel-tabs", TabbedContent).active = panel_id

    def action_logout(self) -> None:
        self.clerk.request_logout()

    @work(exclusive=True, group="home-status")
    async def refresh_status(self) -> None:
        """Ask the hall how it is, and whether it still knows us (an expired token ends here)."""
        client = self.clerk.client
        card = self.query_one(HealthCard)
        status = self.query_one(StatusLine)
        try:
            health = await client.health()
        except HallClientError as exc:
            card.show_error(error_text(exc))
            status.set_health(error_text(exc), ok=False)
            return
        card.show_ok(health.version, health.database, health.ok)
        status.set_health(
            i18n.t("tui.health.line", version=health.version)
            if health.ok
            else i18n.t("tui.health.degraded"),
            ok=health.ok,
        )
        try:
            await client.me()
            if not self._categories_named and self.session.window is not None:
                names = {c.prefix: c.name for c in await client.categories()}
                self.query_one(WindowCard).name_categories(names)
                self._categories_named = True
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
            else:
                status.set_message(error_text(exc))

    def has_unsaved(self) -> bool:
        """The frame holds nothing itself; its panels may."""
        return any_unsaved(self.query("*"))
