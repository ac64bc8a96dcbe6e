"""The window home's queue panel (排队叫号): waiting counts for the categories this window serves,
the current ticket with a live timer, and the keys of a window — call next, recall, no-show,
reactivate, call a chosen number, start, transfer, pause/resume, finish, walk-in.

Live: a worker reads the queue once (`queue_status`), then follows the hall's event stream from
that snapshot's `last_event_id` (`client.events`, which reconnects by itself) and redraws counts
and the current ticket from the events. Nothing here polls the hall for queue changes; a ticket
is fetched only when an event says this window's ticket changed under us.

After call next (and walk-in) the panel hands the ticket to the intake screen
(`open_intake`); the case numbers the intake screen returns are sent with finish.

From the same stream: a supervisor's `window.broadcast` meant for this window (or for every
window) pops up as a toast and stays on the panel's broadcast line — the latest message, its
sender and time — until the clerk dismisses it (`queue_broadcast_dismiss`, K); a
`window.changed` for this window replaces the categories it serves (counts, and the window card
of the home screen through `WindowCard.Changed`).

Styles: styles/queue.tcss (loaded as this widget's CSS; it also styles the queue dialogs).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.widgets import Static, TabbedContent

from clerk import i18n
from clerk.catalog.errors import CatalogError
from clerk.clock import aware, time_text
from screens.base import localize_bindings
from screens.components.hall_panel import HallPanel
from screens.components.queue_call_number import CallNumberDialog
from screens.components.queue_counts import QueueCounts
from screens.components.queue_current import QueueCurrent
from screens.components.queue_pause import PauseDialog
from screens.components.queue_reactivate import ReactivateDialog
from screens.components.queue_text import category_label
from screens.components.queue_transfer import TransferDialog, TransferTarget
from screens.components.queue_walk_in import WalkInChoice, WalkInDialog
from screens.components.window_card import WindowCard
from screens.errors import error_text, session_ended
from screens.keymap import KeyAction, register
from services.client import Event, HallClientError, Ticket

if TYPE_CHECKING:
    from services.client import QueueStatus
    from services.client_cases import VisitRecord

log = logging.getLogger("screens.queue")

_TCSS = Path(__file__).resolve().parent.parent / "styles" / "queue.tcss"

CALL_NEXT = KeyAction("queue_call_next", "n", "call_next", "queue_tui.keys.call_next")
RECALL = KeyAction("queue_recall", "r", "recall", "queue_tui.keys.recall")
NO_SHOW = KeyAction("queue_no_show", "x", "no_show", "queue_tui.keys.no_show")
START = KeyAction("queue_start", "s", "start", "queue_tui.keys.start")
FINISH = KeyAction("queue_finish", "f", "finish", "queue_tui.keys.finish")
TRANSFER = KeyAction("queue_transfer", "t", "transfer", "queue_tui.keys.transfer")
PAUSE = KeyAction("queue_pause", "p", "pause_or_resume", "queue_tui.keys.pause")
CALL_NUMBER = KeyAction("queue_call_number", "c", "call_number", "queue_tui.keys.call_number")
REACTIVATE = KeyAction("queue_reactivate", "a", "reactivate", "queue_tui.keys.reactivate")
WALK_IN = KeyAction("queue_walk_in", "w", "walk_in", "queue_tui.keys.walk_in")
INTAKE = KeyAction("queue_intake", "i", "intake", "queue_tui.keys.intake")
# only while a broadcast is on the panel (check_action); not in the legend: the line names it
DISMISS_BROADCAST = KeyAction(
    "queue_broadcast_dismiss", "k", "dismiss_broadcast", "queue_tui.broadcast.dismiss"
)

QUEUE_KEYS = (
    CALL_NEXT,
    RECALL,
    NO_SHOW,
    START,
    FINISH,
    TRANSFER,
    PAUSE,
    CALL_NUMBER,
    REACTIVATE,
    WALK_IN,
    INTAKE,
)

ACTIVE = ("called", "serving")
LIVE_GROUP = "live-queue"  # long-lived: tests/tui/pilot.settle does not wait for live-* workers
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0)
BROADCAST_TOAST_SECONDS = 15.0


@dataclass(frozen=True)
class Broadcast:
    """A supervisor's message to the windows (the event `window.broadcast`)."""

    message: str
    sender: str
    at: datetime | None


def targets(windows: Any, window_no: int | None) -> bool:
    """Whether a broadcast's `windows` ([n] or null: every window) includes `window_no`."""
    if windows is None:
        return True
    if window_no is None or not isinstance(windows, list):
        return False
    return any(str(n) == str(window_no) for n in windows)


class QueuePanel(HallPanel):
    MESSAGE_ID = "queue-message"
    BUSY_KEY = "queue_tui.msg.working"
    DEFAULT_CSS = _TCSS.read_text("utf-8")
    SCOPED_CSS = False  # queue.tcss also styles the dialogs, which are screens of their own
    BINDINGS: ClassVar = register(*QUEUE_KEYS, DISMISS_BROADCAST)
    can_focus = True

    def __init__(self, *, id: str | None = "queue-panel") -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.window_no: int | None = None
        self.categories: list[str] = []  # this window's, primary first
        self.names: dict[str, str] = {}  # every category of the hall: prefix -> name
        self.counts: dict[str, int] = {}
        self.for_window = 0
        self.current: Ticket | None = None
        self.cases: list[str] = []  # handled for the current ticket (from the intake screen)
        self.paused = False
        self.pause_reason: str | None = None
        self.closed = False
        self.last_event_id: int | None = None
        self.ready = asyncio.Event()  # the first snapshot is shown
        self.events_seen = 0
        self.broadcast: Broadcast | None = None  # the latest one for this window, not dismissed

    # ---- composition and life cycle

    def compose(self) -> ComposeResult:
        yield Static("", id="queue-banner", markup=False)
        broadcast = Static("", id="queue-broadcast", markup=False)
        broadcast.display = False
        yield broadcast
        yield QueueCurrent()
        yield QueueCounts()
        yield Static("", id="queue-message", markup=False)
        yield Static("", id="queue-keys", markup=False)

    def on_mount(self) -> None:
        session = self.clerk.session
        window = session.window if session else None
        if window is not None:
            self.window_no = window.number
            self.categories = list(window.categories)
        self._show_current()
        self._banner()
        self._show_broadcast()
        self._legend()
        self.set_interval(1.0, self._tick)
        self.follow_queue()
        self.call_after_refresh(self._take_focus)
        try:
            tabs = self.screen.query_one("#panel-tabs", TabbedContent)
        except NoMatches:  # mounted outside the home screen (tests, previews)
            return
        self.watch(tabs, "active", self._tab_changed, init=False)

    def _take_focus(self) -> None:
        focused = self.screen.focused
        if focused is None or not focused.is_on_screen or focused.__class__.__name__ == "Tabs":
            self.focus()

    def _tab_changed(self, active: str) -> None:
        parent = self.parent
        if parent is not None and parent.id == active:
            self.focus()

    def has_unsaved(self) -> bool:
        """Nothing typed is held here: tickets and cases live in the hall."""
        return False

    # ---- what the screen shows

    def _now(self) -> Any:
        return aware(self.clerk.clock())

    def _tick(self) -> None:
        if self.current is not None:
            self.query_one(QueueCurrent).tick(self._now())

    def _show_counts(self) -> None:
        self.query_one(QueueCounts).show(
            self.categories, self.names, self.counts, for_window=self.for_window
        )

    def _show_current(self) -> None:
        idle = (
            i18n.t("queue_tui.panel.idle", key=self.clerk.key_for(CALL_NEXT.id))
            if self.window_no is not None
            else ""
        )
        self.query_one(QueueCurrent).show(
            self.current, self.names, self._now(), idle=idle, cases=self.cases
        )

    def _banner(self) -> None:
        banner = self.query_one("#queue-banner", Static)
        if self.window_no is None:
            text = i18n.t("queue_tui.panel.no_window")
        elif self.paused:
            text = i18n.t(
                "queue_tui.panel.paused",
                reason=self.pause_reason or "",
                key=self.clerk.key_for(PAUSE.id),
            )
        elif self.closed:
            text = i18n.t("queue_tui.panel.closed")
        else:
            text = ""
        banner.update(text)
        banner.display = bool(text)
        self.set_class(self.paused, "-paused")

    def _legend(self) -> None:
        """Every queue key with its current key (the footer is too narrow for all of them)."""
        self.query_one("#queue-keys", Static).update(
            "  ".join(f"{self.clerk.key_for(k.id)} {i18n.t(k.description)}" for k in QUEUE_KEYS)
        )

    def _show_broadcast(self) -> None:
        line = self.query_one("#queue-broadcast", Static)
        shown = self.broadcast
        if shown is None:
            line.update("")
            line.display = False
            return
        line.update(
            i18n.t(
                "queue_tui.broadcast.line",
                sender=shown.sender or i18n.t("queue_tui.broadcast.someone"),
                time=time_text(shown.at) if shown.at is not None else "--:--",
                message=shown.message,
                key=self.clerk.key_for(DISMISS_BROADCAST.id),
            )
        )
        line.display = True

    @property
    def broadcast_text(self) -> str:
        line = self.query_one("#queue-broadcast", Static)
        return str(line.render()) if line.display else ""

    # ---- the live part

    @work(exclusive=True, group=LIVE_GROUP)
    async def follow_queue(self) -> None:
        """Snapshot, then the event stream from the snapshot's event id; on a failure show it,
        wait a little and start again (a new snapshot, so nothing is missed)."""
        client = self.clerk.client
        attempt = 0
        while True:
            try:
                status = await client.queue_status()
                self._apply_status(status)
                if attempt:
                    self.say("")  # the "reconnecting" message is over
                attempt = 0
                async for event in client.events(last_event_id=self.last_event_id):
                    try:
                        self._apply_event(event)
                    except NoMatches:
                        return  # the panel is being taken down (sign-out, quit): nothing to show
            except HallClientError as exc:
                if session_ended(exc):
                    self.clerk.session_lost(error_text(exc))
                    return
                log.info("queue stream interrupted: %s", exc.code)
                self.say(i18n.t("queue_tui.panel.live_lost", detail=error_text(exc)), error=True)
            delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
            attempt += 1
            await asyncio.sleep(delay)

    def _apply_status(self, status: QueueStatus) -> None:
        self.names = {c.prefix: c.name for c in status.categories}
        self.counts = {c.prefix: c.waiting for c in status.categories}
        self.closed = status.closed
        self.last_event_id = status.last_event_id
        mine = next((w for w in status.windows if w.number == self.window_no), None)
        if mine is not None:
            self.categories = list(mine.categories)  # the hall's now (changed while away?)
            self.paused = mine.paused
            self.pause_reason = mine.pause_reason
            self.for_window = mine.waiting_for_window
            self._set_current(mine.current)
        self._show_counts()
        self._show_current()
        self._banner()
        self.ready.set()

    def _apply_event(self, event: Event) -> None:
        self.events_seen += 1
        self.last_event_id = event.id
        data = event.data
        if event.type == "queue.changed":
            waiting = data.get("waiting") or {}
            self.counts = {str(k): int(v) for k, v in waiting.items()}
            self._show_counts()
            return
        if event.type in ("window.paused", "window.resumed"):
            if data.get("window_no") == self.window_no:
                self.paused = event.type == "window.paused"
                self.pause_reason = data.get("reason") if self.paused else None
                self._banner()
            return
        if event.type == "window.broadcast":
            self._broadcast(event)
            return
        if event.type == "window.changed":
            self._window_changed(data)
            return
        if not event.type.startswith("ticket."):
            return
        ticket_id = data.get("id")
        status = data.get("status")
        window_no = data.get("window_no")
        target = data.get("target_window")
        self._watch_for_window(event.type, target)
        held = self.current
        if held is not None and held.id == ticket_id:
            if status not in ACTIVE or window_no != self.window_no:
                self._set_current(None)  # done, no-show, transferred, expired, or moved away
                self._show_current()
            elif status != held.status or data.get("recalls") != held.recalls:
                self._refetch(int(ticket_id))
        elif status in ACTIVE and window_no == self.window_no and ticket_id is not None:
            self._refetch(int(ticket_id))  # a ticket came to this window from elsewhere

    def _broadcast(self, event: Event) -> None:
        """A supervisor's message: for this window (or every window) it pops up and stays on
        the broadcast line until dismissed; the newest replaces an older one."""
        data = event.data
        message = str(data.get("message") or "").strip()
        if not message or not targets(data.get("windows"), self.window_no):
            return
        sender = str(data.get("from") or "")
        self.broadcast = Broadcast(message, sender, event.at)
        self._show_broadcast()
        self.refresh_bindings()
        self.app.notify(
            message,
            title=i18n.t("queue_tui.broadcast.title", sender=sender)
            if sender
            else i18n.t("queue_tui.broadcast.title_anonymous"),
            severity="warning",
            timeout=BROADCAST_TOAST_SECONDS,
            markup=False,
        )

    def action_dismiss_broadcast(self) -> None:
        self.broadcast = None
        self._show_broadcast()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dismiss_broadcast":
            return self.broadcast is not None  # no key in the footer without a message
        return True

    def _window_changed(self, data: dict[str, Any]) -> None:
        """This window was changed in the hall (the supervisor, an administrator): count what
        it serves now, and let the home screen's window card show its name and categories."""
        if self.window_no is None or data.get("window_no") != self.window_no:
            return
        categories = [str(c) for c in data.get("categories") or ()]
        if categories != self.categories:
            self.categories = categories
            self._show_counts()
            served = "、".join(category_label(c, self.names) for c in categories)
            self.say(
                i18n.t("queue_tui.msg.categories_changed", categories=served)
                if categories
                else i18n.t("queue_tui.msg.categories_cleared")
            )
        self.post_message(
            WindowCard.Changed(self.window_no, str(data.get("name") or ""), tuple(categories))
        )

    def _watch_for_window(self, event_type: str, target: Any) -> None:
        """Tickets sent to this window by a transfer: rare, so the count is read again from the
        hall when an event may have changed it (one to us, or a call/transfer/expiry while
        some wait for us)."""
        if self.window_no is None:
            return
        if target == self.window_no or (
            self.for_window
            and event_type in ("ticket.called", "ticket.transferred", "ticket.expired")
        ):
            self._resync()

    @work(group="queue-fetch")
    async def _refetch(self, ticket_id: int) -> None:
        try:
            ticket = await self.clerk.client.ticket(ticket_id)
        except HallClientError as exc:
            log.info("ticket %s not read: %s", ticket_id, exc.code)
            return
        if ticket.status in ACTIVE and ticket.window_no == self.window_no:
            self._set_current(ticket)
        elif self.current is not None and self.current.id == ticket.id:
            self._set_current(None)
        self._show_current()

    def _set_current(self, ticket: Ticket | None) -> None:
        if ticket is None or self.current is None or ticket.id != self.current.id:
            self.cases = []
        self.current = ticket

    # ---- keys

    def _window(self) -> int | None:
        if self.window_no is None:
            self.say(i18n.t("queue_tui.msg.no_window"), error=True)
        return self.window_no

    def _held(self) -> Ticket | None:
        if self.current is None:
            self.say(i18n.t("queue_tui.msg.no_current"), error=True)
        return self.current

    def action_call_next(self) -> None:
        window = self._window()
        if window is None:
            return
        if self.current is not None:
            self.say(i18n.t("queue_tui.msg.still_holding", number=self.current.number), error=True)
            return
        self._run(lambda: self._call_next(window))

    async def _call_next(self, window: int) -> None:
        ticket = await self.clerk.client.call_next(window)
        if ticket is None:
            self.say(i18n.t("queue_tui.msg.nobody"))
            return
        self._now_holding(ticket)
        self.say(
            i18n.t(
                "queue_tui.msg.called",
                number=ticket.number,
                category=category_label(ticket.category, self.names),
            )
        )
        self.open_intake(ticket)

    def action_recall(self) -> None:
        window, held = self._window(), self._held()
        if window is None or held is None:
            return
        self._run(lambda: self._recall(window, held))

    async def _recall(self, window: int, held: Ticket) -> None:
        ticket = await self.clerk.client.recall(window, ticket_id=held.id)
        self._now_holding(ticket)
        self.say(i18n.t("queue_tui.msg.recalled", number=ticket.number, count=ticket.recalls))

    def action_no_show(self) -> None:
        window, held = self._window(), self._held()
        if window is None or held is None:
            return
        self._run(lambda: self._no_show(window, held))

    async def _no_show(self, window: int, held: Ticket) -> None:
        ticket = await self.clerk.client.no_show(window, ticket_id=held.id)
        self._now_holding(None)
        self.say(i18n.t("queue_tui.msg.no_show", number=ticket.number))

    def action_start(self) -> None:
        window, held = self._window(), self._held()
        if window is None or held is None:
            return
        self._run(lambda: self._start(window, held))

    async def _start(self, window: int, held: Ticket) -> None:
        ticket = await self.clerk.client.start(window, ticket_id=held.id)
        self._now_holding(ticket)
        self.say(i18n.t("queue_tui.msg.started", number=ticket.number))

    def action_finish(self) -> None:
        window, held = self._window(), self._held()
        if window is None or held is None:
            return
        self._run(lambda: self._finish(window, held, list(self.cases)))

    async def _finish(self, window: int, held: Ticket, cases: list[str]) -> None:
        ticket = await self.clerk.client.finish(window, ticket_id=held.id, cases=cases)
        self._now_holding(None)
        if cases:
            self.say(
                i18n.t("queue_tui.msg.finished_cases", number=ticket.number, cases="、".join(cases))
            )
        else:
            self.say(i18n.t("queue_tui.msg.finished", number=ticket.number))

    def action_transfer(self) -> None:
        window, held = self._window(), self._held()
        if window is None or held is None:
            return
        choices = sorted(self.names.items())
        dialog = TransferDialog(held.number, choices, current=held.category, window=window)

        def chosen(target: TransferTarget | None) -> None:
            if target is not None:
                self._run(lambda: self._transfer(window, held, target))

        self.app.push_screen(dialog, chosen)

    async def _transfer(self, window: int, held: Ticket, target: TransferTarget) -> None:
        ticket = await self.clerk.client.transfer(
            window, ticket_id=held.id, category=target.category, window=target.window
        )
        self._now_holding(None)
        category = category_label(target.category, self.names) if target.category else ""
        if target.category and target.window:
            text = i18n.t(
                "queue_tui.msg.transferred_both",
                number=ticket.number,
                category=category,
                window=target.window,
            )
        elif target.window:
            text = i18n.t(
                "queue_tui.msg.transferred_window", number=ticket.number, window=target.window
            )
        else:
            text = i18n.t(
                "queue_tui.msg.transferred_category", number=ticket.number, category=category
            )
        self.say(text)

    def action_pause_or_resume(self) -> None:
        window = self._window()
        if window is None:
            return
        if self.paused:
            self._run(lambda: self._resume(window))
            return

        def chosen(reason: str | None) -> None:
            if reason:
                self._run(lambda: self._pause(window, reason))

        self.app.push_screen(PauseDialog(), chosen)

    async def _pause(self, window: int, reason: str) -> None:
        state = await self.clerk.client.pause(window, reason)
        self.paused = True
        self.pause_reason = state.pause_reason or reason
        self._banner()
        self.say(i18n.t("queue_tui.msg.paused", reason=self.pause_reason))

    async def _resume(self, window: int) -> None:
        await self.clerk.client.resume(window)
        self.paused = False
        self.pause_reason = None
        self._banner()
        self.say(i18n.t("queue_tui.msg.resumed"))

    def action_call_number(self) -> None:
        window = self._window()
        if window is None:
            return
        if self.current is not None:
            self.say(i18n.t("queue_tui.msg.still_holding", number=self.current.number), error=True)
            return

        def chosen(number: str | None) -> None:
            if number:
                self._run(lambda: self._call_number(window, number))

        self.app.push_screen(CallNumberDialog(), chosen)

    async def _call_number(self, window: int, number: str) -> None:
        ticket = await self.clerk.client.call_number(window, number)
        self._now_holding(ticket)
        self.say(
            i18n.t(
                "queue_tui.msg.called",
                number=ticket.number,
                category=category_label(ticket.category, self.names),
            )
        )
        self.open_intake(ticket)

    def action_reactivate(self) -> None:
        if self._window() is None:
            return
        self._run(lambda: self._choose_no_show())

    async def _choose_no_show(self) -> None:
        no_shows = await self.clerk.client.tickets(status=["no_show"])
        if not no_shows:
            self.say(i18n.t("queue_tui.msg.no_no_shows"))
            return
        rows = [
            (
                t.id,
                i18n.t(
                    "queue_tui.dialog.reactivate_row",
                    number=t.number,
                    category=category_label(t.category, self.names),
                    time=time_text(t.called_at) if t.called_at else "--:--",
                ),
            )
            for t in no_shows
        ]

        def chosen(ticket_id: int | None) -> None:
            if ticket_id is not None:
                self._run(lambda: self._reactivate(ticket_id))

        self.app.push_screen(ReactivateDialog(rows), chosen)

    async def _reactivate(self, ticket_id: int) -> None:
        ticket = await self.clerk.client.reactivate(ticket_id)
        self.say(i18n.t("queue_tui.msg.reactivated", number=ticket.number))

    def action_walk_in(self) -> None:
        window = self._window()
        if window is None:
            return
        if self.current is not None:
            self.say(i18n.t("queue_tui.msg.still_holding", number=self.current.number), error=True)
            return
        mine = [(p, self.names.get(p, "")) for p in self.categories]
        others = sorted((p, n) for p, n in self.names.items() if p not in self.categories)

        def chosen(choice: WalkInChoice | None) -> None:
            if choice is not None:
                self._run(lambda: self._walk_in(window, choice))

        self.app.push_screen(WalkInDialog(mine + others), chosen)

    async def _walk_in(self, window: int, choice: WalkInChoice) -> None:
        ticket = await self.clerk.client.walk_in(
            window, category=choice.category, priority=choice.priority
        )
        self._now_holding(ticket)
        self.say(i18n.t("queue_tui.msg.walk_in", number=ticket.number))
        self.open_intake(ticket)

    def action_intake(self) -> None:
        held = self._held()
        if held is not None:
            self.open_intake(held)

    # ---- the hand-over to intake

    def open_intake(self, ticket: Ticket) -> None:
        """Hand `ticket` to the intake screen (screens/intake.py); the case numbers of the visit
        it returns are kept and sent with finish. Without that screen (or without a catalog),
        say so: the ticket stays on the panel and can be finished by hand."""
        try:
            from screens.intake import IntakeScreen
        except ModuleNotFoundError as exc:
            if exc.name != "screens.intake":
                raise
            self._intake_unavailable(ticket)
            return
        self._push_intake(IntakeScreen, ticket)

    @work(exclusive=True, group="queue-intake")
    async def _push_intake(self, screen_class: Any, ticket: Ticket) -> None:
        try:
            catalog, index = await self.clerk.catalog_and_index()
        except CatalogError as exc:
            log.warning("intake not opened, catalog failed: %s", exc)
            self._intake_unavailable(ticket)
            return
        screen = screen_class(catalog, index, self.clerk.client, ticket=ticket)
        await self.app.push_screen(screen, self.intake_done)

    def _intake_unavailable(self, ticket: Ticket) -> None:
        self.say(
            i18n.t(
                "queue_tui.msg.intake_missing",
                number=ticket.number,
                key=self.clerk.key_for(FINISH.id),
            )
        )

    def intake_done(self, visit: VisitRecord | None) -> None:
        """The intake screen's result: a visit whose case numbers belong to the current ticket
        (None when the clerk left intake without deciding)."""
        self.call_after_refresh(self.focus)
        if visit is None:
            return
        for number in visit.case_numbers:
            if number not in self.cases:
                self.cases.append(number)
        self._show_current()
        if self.cases:
            self.say(i18n.t("queue_tui.msg.intake_cases", cases="、".join(self.cases)))

    def take_visit(self, ticket_id: int | None, visit: VisitRecord) -> None:
        """A visit decided in an intake opened elsewhere (a draft resumed from the home screen):
        its cases are this panel's when it was made for the ticket held here."""
        if ticket_id is not None and self.current is not None and self.current.id == ticket_id:
            self.intake_done(visit)

    # ---- running hall calls

    def _now_holding(self, ticket: Ticket | None) -> None:
        self._set_current(ticket if ticket is not None and ticket.status in ACTIVE else None)
        self._show_current()

    def _failed(self, exc: HallClientError) -> None:
        code = exc.code
        taken = code == "queue.state_changed" or (
            code == "queue.not_callable"
            and exc.extra.get("state", exc.extra.get("status")) in ACTIVE
        )
        if taken and "number" in exc.extra:
            self.say(i18n.t("queue_tui.msg.taken", number=exc.extra["number"]), error=True)
        else:
            self.say(error_text(exc), error=True)
        if code in ("queue.window_paused",):
            self.paused = True
            self.pause_reason = str(exc.extra.get("reason") or self.pause_reason or "")
            self._banner()
        if code in ("queue.window_busy", "queue.window_idle", "queue.ticket_mismatch"):
            self._resync()

    @work(exclusive=True, group="queue-resync")
    async def _resync(self) -> None:
        """The hall and the panel disagree about the current ticket: read the queue again."""
        try:
            status = await self.clerk.client.queue_status()
        except HallClientError:
            return
        self._apply_status(status)
