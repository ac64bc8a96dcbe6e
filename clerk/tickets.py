"""Queue tickets as plain data: the state machine, the call order and the wait estimate.

The hall service stores tickets and runs the transitions inside transactions; the rules about
which transition is allowed, which ticket a window calls next and how long someone will wait
live here so they can be tested without a database or a clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# The hall day is the clock's rule; re-exported for the rooms that import it from here.
from clerk.clock import hall_day as hall_day


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    # A transferred ticket waits again, in its new category or for its new window, keeping its
    # original issue time; it is a state of its own so boards and reports can show it.
    TRANSFERRED = "transferred"
    EXPIRED = "expired"


WAITING_STATES = frozenset({Status.WAITING, Status.TRANSFERRED})
ACTIVE_STATES = frozenset({Status.CALLED, Status.SERVING})
FINAL_STATES = frozenset({Status.DONE, Status.EXPIRED})


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    NO_SHOW = "no_show"
    REACTIVATE = "reactivate"
    TRANSFER = "transfer"
    FINISH = "finish"
    EXPIRE = "expire"


_TRANSITIONS: dict[Action, tuple[frozenset[Status], Status | None]] = {
    # None as the target means "unchanged" (a recall keeps the ticket called).
    Action.CALL: (WAITING_STATES | {Status.NO_SHOW}, Status.CALLED),
    Action.RECALL: (frozenset({Status.CALLED}), None),
    Action.START: (frozenset({Status.CALLED}), Status.SERVING),
    Action.NO_SHOW: (frozenset({Status.CALLED}), Status.NO_SHOW),
    Action.REACTIVATE: (frozenset({Status.NO_SHOW}), Status.WAITING),
    Action.TRANSFER: (ACTIVE_STATES | WAITING_STATES, Status.TRANSFERRED),
    Action.FINISH: (ACTIVE_STATES, Status.DONE),
    Action.EXPIRE: (WAITING_STATES | ACTIVE_STATES | {Status.NO_SHOW}, Status.EXPIRED),
}


class TransitionError(ValueError):
    """An action that the ticket's current state does not allow."""

    def __init__(self, action: Action, status: Status) -> None:
        super().__init__(f"cannot {action.value} a ticket that is {status.value}")
        self.action = action
        self.status = status


def next_status(status: Status, action: Action) -> Status:
    allowed_from, target = _TRANSITIONS[action]
    if status not in allowed_from:
        raise TransitionError(action, status)
    return status if target is None else target


def allowed_actions(status: Status) -> list[Action]:
    return [action for action, (sources, _) in _TRANSITIONS.items() if status in sources]


PRIORITY_REASONS = ("老年人", "残疾人", "军人", "孕妇")


def format_number(prefix: str, sequence: int, width: int = 3) -> str:
    """A012: the category's prefix letter and the day's sequence, zero-padded."""
    return f"{prefix}{sequence:0{width}d}"


@dataclass(frozen=True)
class AppointmentRule:
    """An appointment counts as due from `early` before its slot until `late` after it starts."""

    early: timedelta = timedelta(minutes=30)
    late: timedelta = timedelta(minutes=15)

    def is_due(self, slot_start: datetime | None, now: datetime) -> bool:
        if slot_start is None:
            return False
        return slot_start - self.early <= now <= slot_start + self.late

    def check_in(self, slot_start: datetime, now: datetime) -> str:
        """'ok', 'early' or 'late' for a check-in at the kiosk."""
        if now < slot_start - self.early:
            return "early"
        if now > slot_start + self.late:
            return "late"
        return "ok"


@dataclass(frozen=True)
class Waiting:
    """What the call order needs to know about one waiting ticket."""

    id: int
    category: str
    queue_time: datetime
    priority: bool = False
    appointment_at: datetime | None = None
    target_window: int | None = None


def call_order_key(
    ticket: Waiting,
    category_rank: Mapping[str, int],
    now: datetime,
    rule: AppointmentRule = AppointmentRule(),
) -> tuple[int, int, int, datetime, int]:
    """Priority first, then due appointments, then the window's category order, then time."""
    return (
        0 if ticket.priority else 1,
        0 if rule.is_due(ticket.appointment_at, now) else 1,
        category_rank.get(ticket.category, len(category_rank)),
        ticket.queue_time,
        ticket.id,
    )


def eligible(ticket: Waiting, window_no: int, categories: Sequence[str]) -> bool:
    if ticket.target_window is not None:
        return ticket.target_window == window_no
    return ticket.category in categories


def pick_next(
    waiting: Iterable[Waiting],
    window_no: int,
    categories: Sequence[str],
    now: datetime,
    rule: AppointmentRule = AppointmentRule(),
) -> Waiting | None:
    """The ticket window `window_no` calls next, serving `categories` in that order."""
    rank = {category: index for index, category in enumerate(categories)}
    candidates = [t for t in waiting if eligible(t, window_no, categories)]
    if not candidates:
        return None
    return min(candidates, key=lambda t: call_order_key(t, rank, now, rule))


@dataclass(frozen=True)
class WaitEstimate:
    ahead: int
    minutes: int


def estimate_wait(
    ticket: Waiting,
    waiting: Iterable[Waiting],
    windows: Mapping[int, Sequence[str]],
    recent_service_minutes: Sequence[float],
    now: datetime,
    default_service_minutes: float = 8.0,
    rule: AppointmentRule = AppointmentRule(),
) -> WaitEstimate:
    """People ahead in this ticket's category and the minutes until they are served.

    Windows serving the category as their first choice count fully, those holding it as a
    secondary category count half; the service time is the mean of recent services in the
    category (or the default when there is no history yet today).
    """
    rank = {ticket.category: 0}
    mine = call_order_key(ticket, rank, now, rule)
    ahead = sum(
        1
        for other in waiting
        if other.id != ticket.id
        and other.category == ticket.category
        and call_order_key(other, rank, now, rule) < mine
    )
    capacity = 0.0
    for categories in windows.values():
        if ticket.category in categories:
            capacity += 1.0 if categories[0] == ticket.category else 0.5
    if capacity == 0:
        capacity = 0.5
    service = (
        sum(recent_service_minutes) / len(recent_service_minutes)
        if recent_service_minutes
        else default_service_minutes
    )
    return WaitEstimate(ahead=ahead, minutes=math.ceil(ahead * service / capacity))
