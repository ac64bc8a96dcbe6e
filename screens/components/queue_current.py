"""The window's current ticket: its number (large), category and flags, how long it has been
called or served (a live timer the panel ticks every second), recalls and cases handled."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from clerk import i18n
from clerk.clock import elapsed_text
from screens.components.queue_text import TicketLike, category_label, ticket_flags
from screens.components.steady_text import show


class CurrentTicket(TicketLike, Protocol):
    @property
    def status(self) -> str: ...
    @property
    def called_at(self) -> datetime | None: ...
    @property
    def started_at(self) -> datetime | None: ...
    @property
    def recalls(self) -> int: ...


class QueueCurrent(Vertical):
    def __init__(self, *, id: str | None = "queue-current") -> None:
        super().__init__(id=id)
        self.border_title = i18n.t("queue_tui.panel.current_title")
        self.ticket: CurrentTicket | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="queue-current-top"):
            yield Static("", id="queue-number", markup=False)
            with Vertical(id="queue-current-facts"):
                yield Static("", id="queue-category", markup=False)
                yield Static("", id="queue-flags", markup=False)
                yield Static("", id="queue-state", markup=False)
        yield Static("", id="queue-cases", markup=False)

    def show(
        self,
        ticket: CurrentTicket | None,
        names: Mapping[str, str],
        now: datetime,
        *,
        idle: str = "",
        cases: Sequence[str] = (),
    ) -> None:
        self.ticket = ticket
        self.set_class(ticket is None, "-idle")
        self.set_class(ticket is not None and ticket.status == "serving", "-serving")
        self.set_class(ticket is not None and bool(ticket.priority), "-priority")
        number = self.query_one("#queue-number", Static)
        if ticket is None:
            number.update("—")
            self.query_one("#queue-category", Static).update(idle)
            self.query_one("#queue-flags", Static).update("")
            self.query_one("#queue-state", Static).update("")
            self.query_one("#queue-cases", Static).display = False
            return
        number.update(ticket.number)
        self.query_one("#queue-category", Static).update(category_label(ticket.category, names))
        self.query_one("#queue-flags", Static).update(" · ".join(ticket_flags(ticket, names)))
        shown = self.query_one("#queue-cases", Static)
        shown.update(i18n.t("queue_tui.panel.cases", cases="、".join(cases)) if cases else "")
        shown.display = bool(cases)
        self.tick(now)

    def tick(self, now: datetime) -> None:
        """Redraw the timer line (called every second while a ticket is held)."""
        ticket = self.ticket
        if ticket is None:
            return
        if ticket.status == "serving":
            status = i18n.t("queue_tui.status.serving")
            timer = i18n.t("queue_tui.elapsed.serving", time=elapsed_text(ticket.started_at, now))
        else:
            status = i18n.t("queue_tui.status.called")
            timer = i18n.t("queue_tui.elapsed.called", time=elapsed_text(ticket.called_at, now))
        recalls = (
            i18n.t("queue_tui.panel.recalls", count=ticket.recalls)
            if ticket.recalls
            else i18n.t("queue_tui.panel.no_recalls")
        )
        # every second while a ticket is held, also under the intake: no layout when only the
        # timer's digits change (bench/keys.py)
        show(self.query_one("#queue-state", Static), f"{status} · {timer} · {recalls}")
