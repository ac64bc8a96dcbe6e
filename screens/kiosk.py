"""KioskApp: the full-screen ticket machine (取号机) of `clerk kiosk`. No clerk signs in.

- Big category buttons; number keys 1–9 pick a category, arrows + Enter too.
- G: 绿色通道 (priority) with its reason, for the next ticket only. Y: appointment check-in by
  appointment code or ID number (the hall says when it is too early; a late arrival gets an
  ordinary ticket and is told so).
- The issued number is shown large with the people ahead and the estimated wait, and the
  排队小票 (printing.TicketSlip) goes to this machine's printer (settings.printer; a roll
  printer always prints on 58/80 mm, never A4).
- A ticket whose slip fails to print is never a ghost: the failure is logged, the number stays
  on screen (large, longer) and R prints it again; back on the menu (Enter, or the screen's
  timeout) every ticket not yet printed is listed ("未打印") until it is, and R there shows the
  oldest one and prints it. A print that is still running when its screen closes still counts.

Issuing uses the hall's kiosk mode (`POST /tickets` without a token, rate-limited per address;
`queue.public_issue`); a hall token in the settings is used when given. Category names come from
the hall (with a token) or from its public board; waiting counts follow the public event stream.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any, ClassVar

import httpx
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Center, Grid, Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import Key
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from clerk import clock as clerk_clock
from clerk import i18n
from clerk.config import PrinterSettings, Settings
from clerk.tickets import PRIORITY_REASONS
from printing.builders import hall as hall_info
from printing.documents import TicketSlip, as_reprint
from printing.printers import Printer, PrintError, printer_from_settings
from screens.base import localize_bindings
from screens.components.queue_big_number import BigNumber
from screens.components.queue_text import priority_label
from screens.keymap import KeyAction, keymap_from_settings, register
from screens.themes import BY_SETTING, DARK, LIGHT
from services.client import Event, HallClient, HallClientError, Ticket

log = logging.getLogger("screens.kiosk")

PICKS = tuple(
    KeyAction(f"kiosk_pick_{n}", str(n), f"pick({n})", "queue_tui.kiosk.keys.select", show=False)
    for n in range(1, 10)
)
NEXT = KeyAction("kiosk_next", "down,right", "app.focus_next", "queue_tui.kiosk.keys.select",
                 show=False)  # fmt: skip
PREVIOUS = KeyAction("kiosk_previous", "up,left", "app.focus_previous",
                     "queue_tui.kiosk.keys.select", show=False)  # fmt: skip
PRIORITY = KeyAction("kiosk_priority", "g", "priority", "queue_tui.kiosk.keys.priority")
APPOINTMENT = KeyAction("kiosk_appointment", "y", "appointment", "queue_tui.kiosk.keys.appointment")
REPRINT = KeyAction("kiosk_reprint", "r", "reprint", "queue_tui.kiosk.keys.reprint")
REPRINT_PENDING = KeyAction(
    "kiosk_reprint_pending", "r", "reprint_pending", "queue_tui.kiosk.keys.reprint_pending"
)
BACK = KeyAction("kiosk_back", "enter,escape,space", "back", "queue_tui.kiosk.keys.back")
CANCEL = KeyAction("kiosk_cancel", "escape", "cancel", "queue_tui.kiosk.keys.back")
QUIT = KeyAction("kiosk_quit", "ctrl+q", "quit", "queue_tui.kiosk.keys.quit", priority=True)

RETURN_SECONDS = 15  # the ticket screen goes back to the menu after this (slip printed)
FAILED_RETURN_SECONDS = 90  # ... and after this when the slip did not print
LIVE_GROUP = "live-kiosk"
UNPRINTED_LISTED = 2  # numbers named on the menu's 未打印 line; the rest are counted
ROLL_PAPERS = ("58mm", "80mm")


def kiosk_printer(settings: PrinterSettings) -> Printer:
    """The printer for 排队小票: as configured (the PDF folder by default); a roll printer
    (ESC/POS) prints on its roll width — 80 mm when the configured paper is a sheet size."""
    if settings.kind.startswith("escpos") and settings.paper not in ROLL_PAPERS:
        settings = settings.model_copy(update={"paper": "80mm"})
    return printer_from_settings(settings)


@dataclass(frozen=True)
class KioskCategory:
    prefix: str
    name: str
    waiting: int = 0


def _t(name: str, /, **values: Any) -> str:
    return i18n.t(f"queue_tui.kiosk.{name}", **values)


# --- the menu --------------------------------------------------------------------------------


class KioskHome(Screen[None]):
    BINDINGS: ClassVar = register(*PICKS, NEXT, PREVIOUS, PRIORITY, APPOINTMENT, REPRINT_PENDING)

    def __init__(self) -> None:
        super().__init__(id="kiosk-home")
        localize_bindings(self)

    @property
    def kiosk(self) -> KioskApp:
        assert isinstance(self.app, KioskApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(self.kiosk.settings.hall.name, id="kiosk-hall", markup=False)
        yield Static(_t("title"), id="kiosk-title", markup=False)
        yield Static(_t("subtitle"), id="kiosk-subtitle", markup=False)
        yield Grid(id="kiosk-categories")
        with Horizontal(id="kiosk-options"):
            yield Static("", id="kiosk-priority", markup=False)
            yield Static(_t("appointment"), id="kiosk-appointment", markup=False)
            yield Static("", id="kiosk-unprinted", markup=False)
        yield Static("", id="kiosk-message", markup=False)

    def on_mount(self) -> None:
        self.show_priority()
        self.show_categories()
        self.show_unprinted()

    def show_categories(self) -> None:
        grid = self.query_one("#kiosk-categories", Grid)
        categories = self.kiosk.categories[:9]
        buttons = list(grid.query(Button))
        if [b.id for b in buttons] == [f"kiosk-cat-{c.prefix}" for c in categories]:
            for button, category in zip(buttons, categories, strict=True):
                button.label = self._label(categories.index(category) + 1, category)
            return
        grid.remove_children()
        grid.mount_all(
            Button(self._label(n, c), id=f"kiosk-cat-{c.prefix}", classes="kiosk-category")
            for n, c in enumerate(categories, 1)
        )
        if categories:
            self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        buttons = list(self.query(".kiosk-category").results(Button))
        if buttons and not isinstance(self.focused, Button):
            buttons[0].focus()

    @staticmethod
    def _label(key: int, category: KioskCategory) -> str:
        head = _t("category", key=key, prefix=category.prefix, name=category.name).strip()
        return f"{head}\n{_t('waiting', count=category.waiting)}"

    def show_priority(self) -> None:
        reason = self.kiosk.priority
        text = _t("priority_on", reason=priority_label(reason)) if reason else _t("priority_off")
        widget = self.query_one("#kiosk-priority", Static)
        widget.update(text)
        widget.set_class(reason is not None, "-on")

    def show_unprinted(self) -> None:
        """The tickets whose slip has not come out, oldest first, until it does."""
        numbers = [ticket.number for ticket, _ in self.kiosk.unprinted.values()]
        widget = self.query_one("#kiosk-unprinted", Static)
        widget.display = bool(numbers)
        if not numbers:
            widget.update("")
            return
        listed = _t("unprinted_sep").join(numbers[:UNPRINTED_LISTED])
        if len(numbers) > UNPRINTED_LISTED:
            listed = _t("unprinted_more", numbers=listed, count=len(numbers))
        widget.update(_t("unprinted", numbers=listed))

    @property
    def unprinted_text(self) -> str:
        widget = self.query_one("#kiosk-unprinted", Static)
        return str(widget.render()) if widget.display else ""

    def action_reprint_pending(self) -> None:
        pending = next(iter(self.kiosk.unprinted.values()), None)
        if pending is None:
            return
        ticket, slip = pending
        note = _t("unprinted_note", time=clerk_clock.time_text(ticket.issued_at))
        self.app.push_screen(TicketShown(ticket, slip, note=note, late=True))

    def say(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#kiosk-message", Static)
        widget.update(text)
        widget.set_class(error, "-error")

    @property
    def message(self) -> str:
        return str(self.query_one("#kiosk-message", Static).render())

    def action_pick(self, n: int) -> None:
        categories = self.kiosk.categories
        if 1 <= n <= min(9, len(categories)):
            self.kiosk.issue(categories[n - 1].prefix)

    @on(Button.Pressed, ".kiosk-category")
    def _pressed(self, event: Button.Pressed) -> None:
        prefix = (event.button.id or "").removeprefix("kiosk-cat-")
        if prefix:
            self.kiosk.issue(prefix)

    def action_priority(self) -> None:
        def chosen(reason: str | None) -> None:
            if reason is not None:
                self.kiosk.priority = reason or None
                self.show_priority()

        self.app.push_screen(PriorityDialog(), chosen)

    def action_appointment(self) -> None:
        def entered(value: str | None) -> None:
            if value:
                self.kiosk.check_in(value)

        self.app.push_screen(AppointmentDialog(), entered)


# --- dialogs ---------------------------------------------------------------------------------


class PriorityDialog(ModalScreen[str | None]):
    """0 = not needed, 1–4 = the reasons. Dismisses with "" (none), a reason, or None."""

    BINDINGS: ClassVar = register(CANCEL)

    def __init__(self) -> None:
        super().__init__(id="kiosk-priority-dialog")
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-dialog"):
            yield Static(_t("priority_title"), classes="kiosk-dialog-title", markup=False)
            options = [Option(_t("priority_none"), id="")]
            options += [
                Option(f"{n}  {priority_label(r)}", id=r) for n, r in enumerate(PRIORITY_REASONS, 1)
            ]
            yield OptionList(*options, id="kiosk-priority-list")

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character)
            if index == 0:
                event.stop()
                self.dismiss("")
            elif index <= len(PRIORITY_REASONS):
                event.stop()
                self.dismiss(PRIORITY_REASONS[index - 1])

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id or "")

    def action_cancel(self) -> None:
        self.dismiss(None)


class AppointmentDialog(ModalScreen[str | None]):
    BINDINGS: ClassVar = register(CANCEL)

    def __init__(self) -> None:
        super().__init__(id="kiosk-appointment-dialog")
        localize_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-dialog"):
            yield Static(_t("appointment_title"), classes="kiosk-dialog-title", markup=False)
            yield Label(_t("appointment_label"))
            yield Input(id="kiosk-appointment-input", max_length=32)
            yield Static("", classes="kiosk-dialog-error", markup=False)
            yield Static(_t("appointment_hint"), classes="kiosk-dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one(".kiosk-dialog-error", Static).update(_t("appointment_need"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- the issued ticket -----------------------------------------------------------------------


class TicketShown(Screen[None]):
    """The number, large, while its slip prints; on a print failure it stays (longer) with R.
    `late`: printed from the menu's 未打印 list — the wait guessed at issue time is stale, so
    it is not shown."""

    BINDINGS: ClassVar = register(REPRINT, BACK)

    def __init__(
        self, ticket: Ticket, slip: TicketSlip, *, note: str = "", late: bool = False
    ) -> None:
        super().__init__(id="kiosk-ticket")
        localize_bindings(self)
        self.ticket = ticket
        self.slip = slip
        self.note = note
        self.late = late
        self.printed = False
        self.failed: str | None = None  # the print error's message
        self.prints = 0
        self.seconds_left = RETURN_SECONDS

    @property
    def kiosk(self) -> KioskApp:
        assert isinstance(self.app, KioskApp)
        return self.app

    def compose(self) -> ComposeResult:
        ticket = self.ticket
        with Vertical(id="kiosk-ticket-box"):
            yield Static(_t("your_number"), id="kiosk-your-number", markup=False)
            with Center():
                yield BigNumber(ticket.number, id="kiosk-number")
            yield Static(ticket.number, id="kiosk-number-plain", markup=False)
            yield Static(self.slip.category, id="kiosk-ticket-category", markup=False)
            yield Static(self._wait_text(), id="kiosk-wait", markup=False)
            yield Static(self.note, id="kiosk-note", markup=False)
            yield Static(_t("printing"), id="kiosk-print", markup=False)
            yield Static("", id="kiosk-back-hint", markup=False)

    def _wait_text(self) -> str:
        ahead = self.ticket.people_ahead
        minutes = self.ticket.estimated_wait_minutes
        parts = []
        if ahead is not None:
            parts.append(_t("ahead", count=ahead))
        parts.append(_t("wait", minutes=minutes) if minutes is not None else _t("wait_unknown"))
        return " · ".join(parts)

    def on_mount(self) -> None:
        self.query_one("#kiosk-note").display = bool(self.note)
        self.query_one("#kiosk-wait").display = not self.late
        self.set_interval(1.0, self._count_down)
        self.print_slip()

    def _count_down(self) -> None:
        if self.prints and self.kiosk.printing:
            return
        self.seconds_left -= 1
        if self.seconds_left <= 0:
            self.action_back()
            return
        self._hint()

    def _hint(self) -> str:
        if self.failed:
            text = _t("print_failed_hint") + " · " + _t("back_hint", seconds=self.seconds_left)
        else:
            text = _t("back_hint", seconds=self.seconds_left)
        self.query_one("#kiosk-back-hint", Static).update(text)
        return text

    @work(exclusive=True, group="kiosk-print")
    async def print_slip(self) -> None:
        doc = self.slip if not self.printed else as_reprint(self.slip, self.kiosk.clock())
        status = self.query_one("#kiosk-print", Static)
        status.update(_t("reprinting") if self.prints else _t("printing"))
        self.prints += 1
        error = await self.kiosk.print_document(doc, ticket_id=self.ticket.id)
        if error is None:
            self.printed = True
            self.failed = None
            self.seconds_left = RETURN_SECONDS
            status.update(_t("reprinted") if self.prints > 1 else _t("take_slip"))
        else:
            self.failed = error
            self.seconds_left = FAILED_RETURN_SECONDS
            status.update(_t("print_failed", detail=error))
        self.set_class(self.failed is not None, "-failed")
        self._hint()

    def action_reprint(self) -> None:
        self.print_slip()

    def action_back(self) -> None:
        if self.is_current:
            self.dismiss(None)


# --- the app ---------------------------------------------------------------------------------


class KioskApp(App[None]):
    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/kiosk.tcss"]
    BINDINGS: ClassVar = register(QUIT)
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        settings: Settings,
        client: HallClient,
        *,
        printer: Printer | None = None,
        on_ready: Callable[[], None] | None = None,
        clock: clerk_clock.Clock | None = None,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.settings = settings
        self.clock = clock or clerk_clock.now  # aware UTC; slips show the hall's wall clock
        clerk_clock.use_zone(settings.hall.time_zone)
        self.client = client
        self._printer = printer
        self._on_ready = on_ready
        self.categories: list[KioskCategory] = []
        self.windows: dict[str, list[int]] = {}
        self.priority: str | None = None
        self.printing = False
        self.issued: list[Ticket] = []  # this session's tickets (newest last)
        # Issued, slip not printed yet, by ticket id (oldest first): listed on the menu.
        self.unprinted: dict[int, tuple[Ticket, TicketSlip]] = {}
        self.print_failures = 0
        self._print_jobs: set[asyncio.Task[str | None]] = set()  # held: tasks are weakly kept
        self.loaded = asyncio.Event()
        self.title = _t("title")
        self.register_theme(DARK)
        self.register_theme(LIGHT)
        self.theme = BY_SETTING[settings.theme]
        self.set_keymap(keymap_from_settings(settings.keymap).keymap)

    # ---- life cycle

    def on_mount(self) -> None:
        self.push_screen(KioskHome())
        self.follow_hall()

    def on_ready(self) -> None:
        if self._on_ready is not None:
            self._on_ready()

    async def on_unmount(self) -> None:
        try:
            await self.client.aclose()
        except HallClientError as exc:
            log.info("closing the hall client: %s", exc.code)

    @property
    def home(self) -> KioskHome | None:
        for screen in self.screen_stack:
            if isinstance(screen, KioskHome):
                return screen
        return None

    def _say(self, text: str, *, error: bool = False) -> None:
        home = self.home
        if home is not None:
            home.say(text, error=error)

    # ---- the menu and its live counts

    @work(exclusive=True, group=LIVE_GROUP)
    async def follow_hall(self) -> None:
        """Categories and counts from the hall, then the public event stream for the counts."""
        attempt = 0
        while True:
            try:
                last_event_id = await self._load_menu()
                attempt = 0
                async for event in self.client.events(last_event_id=last_event_id, public=True):
                    try:
                        self._apply_event(event)
                    except NoMatches:
                        return  # the kiosk is closing: its screens are being taken down
            except HallClientError as exc:
                log.warning("kiosk: hall not reachable: %s", exc.code)
                self._say(_t("unavailable", detail=exc.message), error=True)
            attempt += 1
            await asyncio.sleep(min(10.0, 0.5 * 2**attempt))

    async def _load_menu(self) -> int | None:
        names: dict[str, str] = {}
        if self.client.token:
            try:
                names = {c.prefix: c.name for c in await self.client.categories()}
            except HallClientError as exc:
                log.info("kiosk: categories not read with the token: %s", exc.code)
        if not names:
            names = await self._public_names()
        board = await self.client.request("GET", "/queue/board", auth=False)
        waiting = {str(k): int(v) for k, v in (board.get("waiting") or {}).items()}
        order = list(names) or sorted(waiting)
        self.categories = [KioskCategory(p, names.get(p, ""), waiting.get(p, 0)) for p in order]
        try:
            self.windows = {}
            for window in await self.client.windows():
                if window.active:
                    for prefix in window.categories:
                        self.windows.setdefault(prefix, []).append(window.number)
        except HallClientError as exc:
            log.info("kiosk: windows not read: %s", exc.code)
        home = self.home
        if home is not None:
            home.show_categories()
            home.say("" if self.categories else _t("no_categories"))
        self.loaded.set()
        last = board.get("last_event_id")
        return int(last) if last is not None else None

    async def _public_names(self) -> dict[str, str]:
        """Category names without a token. /api/v1 has no public list of categories yet; the
        hall's display board state (GET /board/state, public) carries them. Without it the
        buttons show the prefix letters only."""
        try:
            response = await self.client.http.get(
                "/board/state", headers=self.client.headers(auth=False)
            )
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.info("kiosk: category names not available: %s", exc)
            return {}
        rows = data.get("waiting") if isinstance(data, dict) else None
        return {
            str(row["prefix"]): str(row.get("name") or "")
            for row in rows or ()
            if isinstance(row, dict) and "prefix" in row
        }

    def _apply_event(self, event: Event) -> None:
        if event.type != "queue.changed":
            return
        waiting = event.data.get("waiting") or {}
        self.categories = [
            replace(c, waiting=int(waiting.get(c.prefix, 0))) for c in self.categories
        ]
        home = self.home
        if home is not None:
            home.show_categories()

    def category(self, prefix: str) -> KioskCategory:
        return next((c for c in self.categories if c.prefix == prefix), KioskCategory(prefix, ""))

    # ---- issuing

    def issue(self, prefix: str) -> None:
        self._issue(prefix, self.priority)

    @work(exclusive=True, group="kiosk-issue")
    async def _issue(self, prefix: str, priority: str | None) -> None:
        self._say(_t("issuing"))
        try:
            ticket = await self.client.issue_ticket(prefix, priority)
        except HallClientError as exc:
            log.warning("kiosk: no ticket for %s: %s", prefix, exc.code)
            self._say(_t("unavailable", detail=exc.message), error=True)
            return
        self.priority = None
        home = self.home
        if home is not None:
            home.show_priority()
            home.say("")
        await self._show(ticket)

    def check_in(self, value: str) -> None:
        self._check_in(value)

    @work(exclusive=True, group="kiosk-issue")
    async def _check_in(self, value: str) -> None:
        self._say(_t("issuing"))
        cleaned = value.strip().upper()
        by_id = len(cleaned) >= 15  # 身份证号 (15/18 characters); appointment codes are 8
        try:
            if by_id:
                ticket = await self.client.check_in(id_number=cleaned)
            else:
                ticket = await self.client.check_in(code=cleaned)
        except HallClientError as exc:
            log.info("kiosk: check-in refused: %s", exc.code)
            self._say(exc.message, error=True)
            return
        slot = clerk_clock.time_text(ticket.appointment.slot_start) if ticket.appointment else ""
        if ticket.appointment_at is not None:
            note = _t("appointment_ok", slot=slot)
        else:
            note = _t("appointment_late_normal", slot=slot)
        self._say("")
        await self._show(ticket, note=note)

    async def _show(self, ticket: Ticket, *, note: str = "") -> None:
        self.issued.append(ticket)
        log.info(
            "kiosk issued %s",
            ticket.number,
            extra={"data": {"ticket": ticket.id, "category": ticket.category}},
        )
        slip = self.slip_for(ticket)
        # Unprinted from the moment it exists: only a print that finished takes it off the list.
        self.unprinted[ticket.id] = (ticket, slip)
        self._unprinted_changed()
        await self.push_screen(TicketShown(ticket, slip, note=note))

    def _unprinted_changed(self) -> None:
        home = self.home
        if home is not None:
            home.show_unprinted()

    def slip_for(self, ticket: Ticket) -> TicketSlip:
        category = self.category(ticket.category)
        name = category.name or ticket.category_name
        windows = self.windows.get(ticket.category, [])
        hint = (
            _t("slip_hint", windows="、".join(str(n) for n in windows))
            if windows
            else _t("slip_hint_any")
        )
        return TicketSlip(
            hall=hall_info(self.settings),
            issued_at=ticket.issued_at.replace(microsecond=0),
            number=ticket.number,
            category=f"{ticket.category} {name}".strip(),
            people_ahead=ticket.people_ahead or 0,
            wait_minutes=ticket.estimated_wait_minutes,
            window_hint=hint,
        )

    # ---- printing

    def printer(self) -> Printer:
        if self._printer is None:
            self._printer = kiosk_printer(self.settings.printer)
        return self._printer

    async def print_document(self, doc: TicketSlip, *, ticket_id: int | None = None) -> str | None:
        """Print off the UI thread. None when printed, else the failure in words (logged).

        The job runs as its own task: when the ticket screen closes while the printer works
        (Enter, its timeout) the screen's worker is cancelled, but the job still finishes and
        still takes a printed ticket off the 未打印 list."""
        job = asyncio.create_task(self._print_job(doc, ticket_id))
        self._print_jobs.add(job)
        job.add_done_callback(self._print_jobs.discard)
        return await asyncio.shield(job)

    async def _print_job(self, doc: TicketSlip, ticket_id: int | None) -> str | None:
        self.printing = True
        try:
            printer = self.printer()
            await asyncio.to_thread(printer.print, doc, i18n.language())
        except PrintError as exc:
            self.print_failures += 1
            log.error(
                "kiosk: slip for %s not printed: %s",
                doc.number,
                exc.message("en"),
                extra={"data": {"ticket": doc.number, "error": exc.key}},
            )
            return exc.message()
        except Exception as exc:  # a printer driver's own failure must not lose the ticket
            self.print_failures += 1
            log.exception("kiosk: slip for %s not printed", doc.number)
            return str(exc) or type(exc).__name__
        finally:
            self.printing = False
        if ticket_id is not None and self.unprinted.pop(ticket_id, None) is not None:
            self._unprinted_changed()
        return None
