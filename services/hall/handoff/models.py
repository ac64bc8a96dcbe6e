"""The hand-off tables, on the foundation's declarative Base.

- outbox            one row per delivery to a back office, written in the SAME transaction as
                    the acceptance (services.hall.outbox.enqueue); the dispatcher delivers it.
                    status: pending -> delivered | dead (dead -> pending again by a supervisor).
- handoff_status    per case number: the back office's latest status and its sequence number
                    (callbacks and polls apply only a higher seq), when we last heard of it.
- handoff_nonces    nonces of verified callbacks, kept past the 5-minute window: a replay of a
                    signed callback inside the window is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.hall.models import Base
from services.hall.personal import EncryptedJSON

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
OUTBOX_STATUSES = (PENDING, DELIVERED, DEAD)


class OutboxItem(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    case_no: Mapped[str] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)  # the full applicant
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_until: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    last_http_status: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class HandoffStatus(Base):
    __tablename__ = "handoff_status"

    case_no: Mapped[str] = mapped_column(String(64), primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime]
    heard_at: Mapped[datetime]
    checked_at: Mapped[datetime | None]
    data: Mapped[dict[str, Any]]


class HandoffNonce(Base):
    __tablename__ = "handoff_nonces"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    department: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(index=True)
