"""The supervisor's panel (值班长看板) on the home screen: live figures of the hall and the
supervisor's actions.

Live: a worker reads the dashboard once (`client.dashboard()`: the facts and the figures), builds
a `clerk.dashboard.Dashboard` from the facts and then follows the event stream from the
snapshot's event id, applying every event incrementally. The first change after a quiet spell
is drawn at once (the figures follow an event within milliseconds); further changes within
BURST_SECONDS of a redraw wait for one more redraw at the end of that spell, so a burst of events
costs at most one redraw per BURST_SECONDS. The summary is also redrawn once a second for the
clocks (waits and pauses grow by themselves). What the
stream does not carry — who is signed in at each window, hand-off counts — is read every
LIVE_FACTS_SECONDS. An event of a new hall day makes it read a fresh snapshot.

Keys (ids sup_*, remappable): open / close a window, its categories, move waiting tickets,
broadcast a message, retry dead hand-offs, reports, reload. Actions default to the window under
the cursor of the windows table. Styles: styles/supervisor.tcss.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Static, TabbedContent, Tabs

from clerk import clock as clerk_clock
from clerk import i18n
from clerk.dashboard import Dashboard, Figures
from screens.base import localize_bindings
from screens.components.dash_dialog import Field, FormDialog
from screens.components.dash_views import DashCategories, DashChart, DashSummary, DashWindows
from screens.components.hall_panel import HallPanel
from screens.errors import error_text, session_ended
from screens.keymap import KeyAction, register
from services.client import Event, HallClientError

if TYPE_CHECKING:
    pass

log = logging.getLogger("screens.supervisor")

_TCSS = Path(__file__).resolve().parent.parent / "styles" / "supervisor.tcss"

OPEN = KeyAction("sup_open_window", "o", "open_window", "supervisor.keys.open")
CLOSE = KeyAction("sup_close_window", "c", "close_window", "supervisor.keys.close")
CATEGORIES = KeyAction("sup_categories", "g", "categories", "supervisor.keys.categories")
MOVE = KeyAction("sup_move", "m", "move", "supervisor.keys.move")
BROADCAST = KeyAction("sup_broadcast", "b", "broadcast", "supervisor.keys.broadcast")
RETRY = KeyAction("sup_retry_dead", "r", "retry_dead", "supervisor.keys.retry")
REPORTS = KeyAction("sup_reports", "e", "reports", "supervisor.keys.reports")
RELOAD = KeyAction("sup_reload", "u", "reload", "supervisor.keys.reload")

SUPERVISOR_KEYS = (OPEN, CLOSE, CATEGORIES, MOVE, BROADCAST, RETRY, REPORTS, RELOAD)

LIVE_GROUP = "live-supervisor"  # tests/tui/pilot.settle does not wait for live-* workers
LIVE_FACTS_SECONDS = 30.0
BURST_SECONDS = 0.1
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0)


def _prefixes(text: str) -> list[str]:
    return [p.strip().upper() for p in text.replace("，", ",").split(",") if p.strip()]


def _numbers(text: str) -> list[int] | None:
    parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        return None
    return [int(p) for p in parts]


class SupervisorPanel(HallPanel):
    MESSAGE_ID = "dash-message"
    BUSY_KEY = "supervisor.msg.working"
    DEFAULT_CSS = _TCSS.read_text("utf-8")
    SCOPED_CSS = False  # supervisor.tcss also styles the dialogs
    BINDINGS: ClassVar = register(*SUPERVISOR_KEYS)
    can_focus = True

    def __init__(self, *, id: str | None = "supervisor-panel") -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.dashboard: Dashboard | None = None
        self.figures: Figures | None = None
        self.ready = asyncio.Event()
        self.events_seen = 0
        self.broadcasts: list[str] = []
        self._dirty = False
        self._drawn_at = float("-inf")  # time.monotonic() of the last full redraw
        self._pending: Timer | None = None
        self._base = (clerk_clock.now(), time.monotonic())
        self._latest = self._base[0]

    def compose(self) -> ComposeResult:
        yield Static(i18n.t("supervisor.panel.loading"), id="dash-status", markup=False)
        yield DashSummary("", id="dash-summary", markup=False)
        yield DashCategories("", id="dash-categories", markup=False)
        with Horizontal(id="dash-main"):
            yield DashWindows(id="dash-windows")
            yield DashChart(id="dash-chart")
        yield Static("", id="dash-message", markup=False)

    def on_mount(self) -> None:
        self.follow()
        self.set_interval(1.0, self._tick)
        self.set_interval(LIVE_FACTS_SECONDS, self.read_live_facts)
        self.call_after_refresh(self._take_focus)
        try:
            tabs = self.screen.query_one("#panel-tabs", TabbedContent)
        except NoMatches:  # mounted outside the home screen (tests, previews)
            return
        self.watch(tabs, "active", self._tab_changed, init=False)

    def _take_focus(self) -> None:
        focused = self.screen.focused
        if focused is None or not focused.is_on_screen or isinstance(focused, Tabs):
            self.query_one(DashWindows).focus()

    def _tab_changed(self, active: str) -> None:
        parent = self.parent
        if parent is not None and parent.id == active:
            self.query_one(DashWindows).focus()

    def has_unsaved(self) -> bool:
        return False

    # ---- drawing

    def redraw(self) -> None:
        dash = self.dashboard
        if dash is None:
            return
        figures = dash.figures(self._now())
        self.figures = figures
        self.query_one(DashSummary).show(figures)
        self.query_one(DashCategories).show(figures)
        self.query_one(DashWindows).show(figures)
        self.query_one(DashChart).show(figures)
        self._dirty = False
        self._drawn_at = time.monotonic()

    def _now(self) -> datetime:
        """The hall's time, not this workstation's: the snapshot's moment plus the time passed
        since, or the latest event's moment when that is later."""
        taken, at = self._base
        moved = taken + timedelta(seconds=time.monotonic() - at)
        return max(moved, self._latest)

    def changed(self) -> None:
        """The figures changed: redraw now, or at the end of the current burst."""
        self._dirty = True
        if self._pending is not None:
            return  # a redraw is already due at the end of this burst
        wait = self._drawn_at + BURST_SECONDS - time.monotonic()
        if wait <= 0:
            self.redraw()
        else:
            self._pending = self.set_timer(wait, self._flush)

    def _flush(self) -> None:
        self._pending = None
        if self._dirty:
            self.redraw()

    def _tick(self) -> None:
        if self.dashboard is not None:
            self.query_one(DashSummary).show(self.dashboard.figures(self._now()))

    def status(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#dash-status", Static)
        widget.update(text)
        widget.set_class(error, "-error")

    # ---- live

    @work(exclusive=True, group=LIVE_GROUP)
    async def follow(self) -> None:
        client = self.clerk.client
        attempt = 0
        while True:
            try:
                answer = await client.dashboard()
                self.dashboard = Dashboard.from_snapshot(answer.snapshot)
                self._base = (answer.snapshot.taken_at, time.monotonic())
                self._latest = answer.snapshot.taken_at
                self.redraw()
                self.status(i18n.t("supervisor.panel.live", day=answer.snapshot.day.isoformat()))
                self.ready.set()
                attempt = 0
                async for event in client.events(last_event_id=answer.snapshot.last_event_id):
                    try:
                        self.apply(event)
                    except NoMatches:
                        return  # the panel is being taken down (sign-out, quit): nothing to show
                    if self.dashboard is not None and self.dashboard.stale:
                        break  # a new hall day: read a fresh snapshot
            except HallClientError as exc:
                if session_ended(exc):
                    self.clerk.session_lost(error_text(exc))
                    return
                log.info("supervisor stream interrupted: %s", exc.code)
                self.status(
                    i18n.t("supervisor.panel.live_lost", detail=error_text(exc)), error=True
                )
                await asyncio.sleep(RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)])
                attempt += 1

    def apply(self, event: Event) -> None:
        self.events_seen += 1
        at = event.at
        if at is not None and at > self._latest:
            self._latest = at
        if self.dashboard is None:
            return
        self.dashboard.apply(event)
        if event.type == "window.broadcast":
            text = i18n.t(
                "supervisor.msg.broadcast_seen",
                sender=event.data.get("from", ""),
                message=event.data.get("message", ""),
            )
            self.broadcasts.append(text)
        self.changed()

    @work(exclusive=True, group="supervisor-live-facts")
    async def read_live_facts(self) -> None:
        if self.dashboard is None:
            return
        try:
            live = await self.clerk.client.dashboard_live()
        except HallClientError as exc:
            log.info("live facts not read: %s", exc.code)
            return
        self.dashboard.set_clerks({n: live.clerks.get(n) for n in self.dashboard.windows})
        self.dashboard.set_handoff(live.pending, live.dead)
        self.changed()

    # ---- actions

    def _selected(self) -> str:
        number = self.query_one(DashWindows).selected_window
        return "" if number is None else str(number)

    def _window_field(self) -> Field:
        return Field("window", "supervisor.dialog.window", self._selected())

    @staticmethod
    def _check_window(answers: dict[str, str]) -> str | None:
        if not answers["window"].isdigit():
            return i18n.t("supervisor.dialog.bad_window", value=answers["window"])
        return None

    def _ask(
        self,
        title: str,
        fields: list[Field],
        then: Callable[[dict[str, str]], Awaitable[None]],
        *,
        note: str = "",
        check: Callable[[dict[str, str]], str | None] | None = None,
    ) -> None:
        def chosen(answers: dict[str, str] | None) -> None:
            self.call_after_refresh(self.query_one(DashWindows).focus)
            if answers is not None:
                self._run(lambda: then(answers))

        self.app.push_screen(FormDialog(title, fields, note=note, check=check), chosen)

    def action_open_window(self) -> None:
        async def done(a: dict[str, str]) -> None:
            w = await self.clerk.client.open_window(int(a["window"]))
            self.say(i18n.t("supervisor.msg.opened", window=w.number))

        self._ask(
            i18n.t("supervisor.dialog.open_title"),
            [self._window_field()],
            done,
            check=self._check_window,
        )

    def action_close_window(self) -> None:
        async def done(a: dict[str, str]) -> None:
            w = await self.clerk.client.close_window(int(a["window"]))
            self.say(i18n.t("supervisor.msg.closed", window=w.number))

        self._ask(
            i18n.t("supervisor.dialog.close_title"),
            [self._window_field()],
            done,
            note=i18n.t("supervisor.dialog.close_note"),
            check=self._check_window,
        )

    def action_categories(self) -> None:
        current = ""
        if self.dashboard is not None and self._selected():
            win = self.dashboard.windows.get(int(self._selected()))
            current = ",".join(win.fact.categories) if win else ""

        async def done(a: dict[str, str]) -> None:
            w = await self.clerk.client.set_window_serving(
                int(a["window"]), _prefixes(a["categories"])
            )
            self.say(
                i18n.t(
                    "supervisor.msg.categories", window=w.number, categories=",".join(w.categories)
                )
            )

        self._ask(
            i18n.t("supervisor.dialog.categories_title"),
            [
                self._window_field(),
                Field(
                    "categories",
                    "supervisor.dialog.categories",
                    current,
                    "supervisor.dialog.categories_placeholder",
                ),
            ],
            done,
            check=self._check_window,
        )

    def action_move(self) -> None:
        async def done(a: dict[str, str]) -> None:
            count = int(a["count"]) if a["count"] else None
            moved = await self.clerk.client.move_waiting(a["from"], a["to"], count)
            if moved.numbers:
                self.say(
                    i18n.t(
                        "supervisor.msg.moved",
                        count=len(moved.numbers),
                        source=moved.source,
                        target=moved.target,
                        numbers="、".join(moved.numbers[:8]),
                    )
                )
            else:
                self.say(i18n.t("supervisor.msg.moved_none", source=moved.source))

        def check(a: dict[str, str]) -> str | None:
            if a["count"] and not (a["count"].isdigit() and int(a["count"]) > 0):
                return i18n.t("supervisor.dialog.bad_count", value=a["count"])
            return None

        self._ask(
            i18n.t("supervisor.dialog.move_title"),
            [
                Field("from", "supervisor.dialog.move_from", max_length=4),
                Field("to", "supervisor.dialog.move_to", max_length=4),
                Field(
                    "count",
                    "supervisor.dialog.move_count",
                    placeholder="supervisor.dialog.move_count_placeholder",
                    required=False,
                    max_length=5,
                ),
            ],
            done,
            check=check,
        )

    def action_broadcast(self) -> None:
        async def done(a: dict[str, str]) -> None:
            windows = _numbers(a["windows"]) or None
            await self.clerk.client.broadcast(a["message"], windows)
            target = (
                i18n.t("supervisor.msg.to_windows", windows=",".join(map(str, windows)))
                if windows
                else i18n.t("supervisor.msg.to_all")
            )
            self.say(i18n.t("supervisor.msg.broadcast", target=target))

        def check(a: dict[str, str]) -> str | None:
            if a["windows"] and _numbers(a["windows"]) is None:
                return i18n.t("supervisor.dialog.bad_window", value=a["windows"])
            return None

        self._ask(
            i18n.t("supervisor.dialog.broadcast_title"),
            [
                Field("message", "supervisor.dialog.message"),
                Field(
                    "windows",
                    "supervisor.dialog.windows",
                    placeholder="supervisor.dialog.windows_placeholder",
                    required=False,
                ),
            ],
            done,
            check=check,
        )

    def action_retry_dead(self) -> None:
        dead = self.dashboard.handoff_dead if self.dashboard is not None else 0

        async def done(a: dict[str, str]) -> None:
            retried = await self.clerk.client.retry_dead_handoffs(a["department"] or None)
            if self.dashboard is not None:
                self.dashboard.set_handoff(retried.pending, retried.dead)
                self.changed()
            self.say(i18n.t("supervisor.msg.retried", count=len(retried.ids)))

        self._ask(
            i18n.t("supervisor.dialog.retry_title"),
            [
                Field(
                    "department",
                    "supervisor.dialog.department",
                    placeholder="supervisor.dialog.department_placeholder",
                    required=False,
                    max_length=64,
                )
            ],
            done,
            note=i18n.t("supervisor.dialog.retry_note", dead=dead),
        )

    def action_reports(self) -> None:
        from screens.reports import ReportScreen

        self.app.push_screen(ReportScreen())

    def action_reload(self) -> None:
        self.follow()
        self.read_live_facts()
