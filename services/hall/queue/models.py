"""The queue's tables, on the foundation's declarative Base (services.hall.models.Base).

- queue_counters   one row per (category, hall day): the last number issued. Incremented with an
                   upsert in the same transaction as the ticket insert -> no gaps, no repeats.
- tickets          one row per ticket; `issue_category_id` + `day` + `seq` is the number and is
                   unique (backstop); `category_id` is the queue it waits in now (transfers move
                   it). A partial unique index allows one called/serving ticket per window.
- ticket_events    every state change: who, when, window, action, from -> to.
- appointments     预约: a slot, a code, the applicant's name and a hash of the ID number.
- queue_windows    per-window queue state (paused + reason); rows appear on first use.
- queue_events     the live event log streamed over SSE; ids increase in commit order.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.hall.models import Base, Category

ACTIVE_SQL = "status IN ('called', 'serving')"


class QueueCounter(Base):
    __tablename__ = "queue_counters"
    __table_args__ = (UniqueConstraint("category_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    last_seq: Mapped[int] = mapped_column(Integer)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("issue_category_id", "day", "seq"),
        Index("ix_tickets_status_category_id", "status", "category_id"),
        Index("ix_tickets_status_day", "status", "day"),
        Index(
            "uq_tickets_active_window",
            "window_no",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issue_category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(16))
    priority_reason: Mapped[str | None] = mapped_column(String(16))
    walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    reactivated: Mapped[bool] = mapped_column(Boolean, default=False)
    appointment_at: Mapped[datetime | None]
    issued_at: Mapped[datetime]
    queue_time: Mapped[datetime]
    called_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    window_no: Mapped[int | None] = mapped_column(Integer)
    last_window_no: Mapped[int | None] = mapped_column(Integer)
    target_window: Mapped[int | None] = mapped_column(Integer)
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    cases: Mapped[list[str] | None] = mapped_column(JSON)
    issued_by: Mapped[str] = mapped_column(String(128))

    category: Mapped[Category] = relationship(foreign_keys=[category_id], lazy="joined")
    issue_category: Mapped[Category] = relationship(foreign_keys=[issue_category_id], lazy="joined")

    @property
    def priority(self) -> bool:
        return self.priority_reason is not None


class TicketEvent(Base):
    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    window_no: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict[str, Any]]


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_slot_start", "slot_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    slot_start: Mapped[datetime]
    slot_end: Mapped[datetime]
    name: Mapped[str] = mapped_column(String(100))
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_masked: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(128))

    category: Mapped[Category] = relationship(lazy="joined")


class QueueWindow(Base):
    __tablename__ = "queue_windows"

    window_no: Mapped[int] = mapped_column(
        ForeignKey("windows.number", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    paused_at: Mapped[datetime | None]
    paused_by: Mapped[str | None] = mapped_column(String(128))


class QueueEvent(Base):
    """The live event log. `id` increases in commit order: writers take a transaction-scoped
    lock before inserting (PostgreSQL advisory lock; SQLite writers are serialised anyway)."""

    __tablename__ = "queue_events"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]
    at: Mapped[datetime] = mapped_column(index=True)
