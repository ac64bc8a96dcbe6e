"""Request and response bodies of the queue endpoints. The client mirrors the responses as
frozen dataclasses (services/client.py: Ticket, QueueStatus, Event, Appointment)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from clerk.tickets import WaitEstimate
from services.hall.queue.models import Appointment, QueueWindow, Ticket, TicketEvent
from services.hall.queue.service import CategoryLoad, QueueSnapshot, WindowLoad


class IssueIn(BaseModel):
    category: str = Field(max_length=4, description="Category prefix, e.g. A")
    priority: str | None = Field(
        default=None, max_length=16, description="绿色通道 reason: 老年人/残疾人/军人/孕妇 or null"
    )


class WalkInIn(IssueIn):
    pass


class TicketRef(BaseModel):
    """Optional on window actions: the ticket the clerk sees; 409 queue.ticket_mismatch if the
    window holds another one."""

    ticket_id: int | None = None


class FinishIn(TicketRef):
    cases: list[str] = Field(default_factory=list, max_length=50)


class TransferIn(TicketRef):
    category: str | None = Field(default=None, max_length=4)
    window: int | None = None


class TicketTransferIn(BaseModel):
    category: str | None = Field(default=None, max_length=4)
    window: int | None = None


class CallNumberIn(BaseModel):
    number: str = Field(max_length=12)


class PauseIn(BaseModel):
    reason: str = Field(max_length=200)


class TicketOut(BaseModel):
    id: int
    number: str
    category: str
    category_name: str
    issued_category: str
    status: str
    priority: str | None
    walk_in: bool
    reactivated: bool
    day: date
    issued_at: datetime
    queue_time: datetime
    appointment_at: datetime | None
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    window_no: int | None
    last_window_no: int | None
    target_window: int | None
    recalls: int
    calls: int
    cases: list[str]
    people_ahead: int | None = None
    estimated_wait_minutes: int | None = None

    @classmethod
    def of(cls, ticket: Ticket, wait: WaitEstimate | None = None) -> TicketOut:
        return cls(
            id=ticket.id,
            number=ticket.number,
            category=ticket.category.prefix,
            category_name=ticket.category.name,
            issued_category=ticket.issue_category.prefix,
            status=ticket.status,
            priority=ticket.priority_reason,
            walk_in=ticket.walk_in,
            reactivated=ticket.reactivated,
            day=ticket.day,
            issued_at=ticket.issued_at,
            queue_time=ticket.queue_time,
            appointment_at=ticket.appointment_at,
            called_at=ticket.called_at,
            started_at=ticket.started_at,
            finished_at=ticket.finished_at,
            window_no=ticket.window_no,
            last_window_no=ticket.last_window_no,
            target_window=ticket.target_window,
            recalls=ticket.recalls,
            calls=ticket.calls,
            cases=list(ticket.cases or []),
            people_ahead=wait.ahead if wait else None,
            estimated_wait_minutes=wait.minutes if wait else None,
        )


class TicketEventOut(BaseModel):
    at: datetime
    actor: str
    window_no: int | None
    action: str
    from_status: str | None
    to_status: str
    data: dict[str, Any]

    @classmethod
    def of(cls, event: TicketEvent) -> TicketEventOut:
        return cls(
            at=event.at,
            actor=event.actor,
            window_no=event.window_no,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            data=event.data,
        )


class TicketDetailOut(TicketOut):
    history: list[TicketEventOut] = Field(default_factory=list)


class WindowStateOut(BaseModel):
    number: int
    paused: bool
    pause_reason: str | None
    paused_at: datetime | None

    @classmethod
    def of(cls, state: QueueWindow) -> WindowStateOut:
        return cls(
            number=state.window_no,
            paused=state.paused,
            pause_reason=state.pause_reason,
            paused_at=state.paused_at,
        )


class CategoryLoadOut(BaseModel):
    prefix: str
    name: str
    waiting: int
    priority_waiting: int
    estimated_wait_minutes: int
    windows: list[int]

    @classmethod
    def of(cls, load: CategoryLoad) -> CategoryLoadOut:
        return cls(
            prefix=load.prefix,
            name=load.name,
            waiting=load.waiting,
            priority_waiting=load.priority_waiting,
            estimated_wait_minutes=load.estimated_wait_minutes,
            windows=load.windows,
        )


class WindowLoadOut(BaseModel):
    number: int
    name: str
    categories: list[str]
    active: bool
    paused: bool
    pause_reason: str | None
    current: TicketOut | None
    waiting_for_window: int

    @classmethod
    def of(cls, load: WindowLoad) -> WindowLoadOut:
        return cls(
            number=load.number,
            name=load.name,
            categories=load.categories,
            active=load.active,
            paused=load.paused,
            pause_reason=load.pause_reason,
            current=TicketOut.of(load.current) if load.current else None,
            waiting_for_window=load.waiting_for_window,
        )


class QueueOut(BaseModel):
    day: date
    closed: bool
    last_event_id: int = Field(description="Resume /events from here to miss nothing")
    waiting_total: int
    categories: list[CategoryLoadOut]
    windows: list[WindowLoadOut]

    @classmethod
    def of(cls, snap: QueueSnapshot) -> QueueOut:
        return cls(
            day=snap.day,
            closed=snap.closed,
            last_event_id=snap.last_event_id,
            waiting_total=snap.waiting_total,
            categories=[CategoryLoadOut.of(c) for c in snap.categories],
            windows=[WindowLoadOut.of(w) for w in snap.windows],
        )


class BoardWindowOut(BaseModel):
    number: int
    name: str
    paused: bool
    number_called: str | None
    status: str | None


class BoardOut(BaseModel):
    """The public board (no token): what a display in the hall shows. No personal data."""

    day: date
    last_event_id: int
    waiting: dict[str, int]
    windows: list[BoardWindowOut]

    @classmethod
    def of(cls, snap: QueueSnapshot) -> BoardOut:
        return cls(
            day=snap.day,
            last_event_id=snap.last_event_id,
            waiting={c.prefix: c.waiting for c in snap.categories},
            windows=[
                BoardWindowOut(
                    number=w.number,
                    name=w.name,
                    paused=w.paused,
                    number_called=w.current.number if w.current else None,
                    status=w.current.status if w.current else None,
                )
                for w in snap.windows
                if w.active
            ],
        )


class AppointmentIn(BaseModel):
    category: str = Field(max_length=4)
    slot_start: datetime
    slot_end: datetime | None = None
    name: str = Field(max_length=100)
    id_number: str | None = Field(default=None, max_length=32)


class CheckInIn(BaseModel):
    code: str | None = Field(default=None, max_length=16)
    id_number: str | None = Field(default=None, max_length=32)


class AppointmentOut(BaseModel):
    id: int
    code: str
    category: str
    slot_start: datetime
    slot_end: datetime
    name: str
    id_masked: str | None
    status: str
    ticket_id: int | None

    @classmethod
    def of(cls, appointment: Appointment) -> AppointmentOut:
        return cls(
            id=appointment.id,
            code=appointment.code,
            category=appointment.category.prefix,
            slot_start=appointment.slot_start,
            slot_end=appointment.slot_end,
            name=appointment.name,
            id_masked=appointment.id_masked,
            status=appointment.status,
            ticket_id=appointment.ticket_id,
        )


class CheckInOut(TicketOut):
    appointment: AppointmentOut
