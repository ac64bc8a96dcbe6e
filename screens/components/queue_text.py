"""Words and times the queue widgets share (no widget here): priority reasons as shown,
elapsed times, the flags of a ticket, and the moment "now" as the hall reads it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from clerk import i18n
from clerk.tickets import HALL_TZ, PRIORITY_REASONS

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


def aware_now(clock: Callable[[], datetime]) -> datetime:
    """The app's clock as an aware moment (a naive clock reads the workstation's local time)."""
    now = clock()
    return now if now.tzinfo is not None else now.astimezone()


def hall_time(moment: datetime) -> str:
    """HH:MM in the hall's time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(HALL_TZ).strftime("%H:%M")


def elapsed(since: datetime | None, now: datetime) -> str:
    """ "04:05" (minutes:seconds) or "1:02:03" from `since` to `now`; never negative."""
    if since is None:
        return "--:--"
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    seconds = max(0, int((now - since).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def ticket_flags(ticket: TicketLike, names: Mapping[str, str]) -> list[str]:
    """绿色通道 / 预约 / 过号重排 / 转入 / 无号登记, in words."""
    flags: list[str] = []
    if ticket.priority:
        flags.append(i18n.t("queue_tui.flag.priority", reason=priority_label(ticket.priority)))
    if ticket.appointment_at is not None:
        flags.append(i18n.t("queue_tui.flag.appointment", time=hall_time(ticket.appointment_at)))
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
