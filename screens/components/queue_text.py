"""Words the queue widgets share (no widget here): priority reasons as shown, the flags of a
ticket and category labels. Times are shown through clerk.clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from clerk import i18n
from clerk.clock import time_text
from clerk.tickets import PRIORITY_REASONS

# The hall stores the Chinese words of clerk.tickets.PRIORITY_REASONS; the screen shows them in
# the clerk's language.
PRIORITY_KEYS: dict[str, str] = dict(
    zip(PRIORITY_REASONS, ("elderly", "disabled", "military", "pregnant"), strict=True)
)


class TicketLike(Protocol):
    """What the widgets read from a ticket (services.client.Ticket has all of it)."""

    @property
    def number(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def issued_category(self) -> str: ...
    @property
    def priority(self) -> str | None: ...
    @property
    def walk_in(self) -> bool: ...
    @property
    def reactivated(self) -> bool: ...
    @property
    def appointment_at(self) -> datetime | None: ...


def priority_label(reason: str) -> str:
    key = PRIORITY_KEYS.get(reason)
    return i18n.t(f"queue_tui.priority.{key}") if key else reason


def ticket_flags(ticket: TicketLike, names: Mapping[str, str]) -> list[str]:
    """绿色通道 / 预约 / 过号重排 / 转入 / 无号登记, in words."""
    flags: list[str] = []
    if ticket.priority:
        flags.append(i18n.t("queue_tui.flag.priority", reason=priority_label(ticket.priority)))
    if ticket.appointment_at is not None:
        flags.append(i18n.t("queue_tui.flag.appointment", time=time_text(ticket.appointment_at)))
    if ticket.reactivated:
        flags.append(i18n.t("queue_tui.flag.reactivated"))
    if ticket.issued_category and ticket.issued_category != ticket.category:
        was = ticket.issued_category
        flags.append(
            i18n.t("queue_tui.flag.transferred", category=f"{was} {names.get(was, '')}".strip())
        )
    if ticket.walk_in:
        flags.append(i18n.t("queue_tui.flag.walk_in"))
    return flags


def category_label(prefix: str, names: Mapping[str, str]) -> str:
    name = names.get(prefix)
    return f"{prefix} {name}" if name else prefix
