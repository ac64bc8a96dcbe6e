"""The cases room's tables, on the foundation's declarative Base.

- case_counters  one row per hall day: the last case sequence issued (atomic upsert in the
                 transaction of the decision -> no gaps, no repeats; case_no is unique as backstop)
- drafts         the intake form of one applicant, saved on every change (optimistic `version`);
                 it belongs to the hall, not to a window: any clerk may pick it up
- visits         one decision at a window for one applicant: several cases, one receipt
- cases          one per item: who, what, the file, the decision, the promised date, the status.
                 `id_number` is the full number (the back office needs it); `id_hash`/`phone_hash`
                 (keyed HMAC of the normalised value) serve exact lookups; responses show
                 `*_masked`. The number, phone, applicant, form fields and delivery are encrypted
                 at rest (services/hall/personal.py), as is a draft's state.
                 `follows_notice`: the notice a second visit answers (services/hall/cases/
                 second_visit.py)
- case_events    the status timeline, one row per status change
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
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.hall.models import Base
from services.hall.personal import EncryptedJSON, EncryptedText


class CaseCounter(Base):
    __tablename__ = "case_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_status_updated_at", "status", "updated_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # open / decided / discarded
    version: Mapped[int] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime]
    window_no: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    visit_id: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None]


class Visit(Base):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    clerk: Mapped[str] = mapped_column(String(128))
    window_no: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime] = mapped_column(index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    catalog_version: Mapped[str] = mapped_column(String(100))

    cases: Mapped[list[Case]] = relationship(
        back_populates="visit", order_by="Case.id", lazy="selectin"
    )


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_promised_date", "status", "promised_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(20), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="RESTRICT"), index=True)
    item_code: Mapped[str] = mapped_column(String(64), index=True)
    item_name: Mapped[str] = mapped_column(String(255))
    department: Mapped[str] = mapped_column(String(64), index=True)
    department_name: Mapped[str] = mapped_column(String(255))
    handling: Mapped[str] = mapped_column(String(16))
    decision: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    applicant_kind: Mapped[str] = mapped_column(String(16))
    applicant_name: Mapped[str] = mapped_column(String(200))
    id_type: Mapped[str | None] = mapped_column(String(32))
    id_number: Mapped[str | None] = mapped_column(EncryptedText)
    id_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_masked: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(32))
    applicant: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    fields: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    missing: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    refusal: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    delivery: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    note: Mapped[str] = mapped_column(Text, default="")
    clerk: Mapped[str] = mapped_column(String(128))
    window_no: Mapped[int | None] = mapped_column(Integer)
    ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    catalog_version: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(index=True)
    promised_limit: Mapped[str | None] = mapped_column(String(32))
    promised_date: Mapped[date | None] = mapped_column(Date)
    promised_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    promised_notes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    # the 一次性告知 (its case number) this case answers: the applicant's second visit
    follows_notice: Mapped[str | None] = mapped_column(String(20), index=True)
    # when the retention rule replaced the personal data by masked forms (retention.py)
    purged_at: Mapped[datetime | None]

    visit: Mapped[Visit] = relationship(back_populates="cases", lazy="joined")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", lazy="selectin"
    )


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(128))
    window_no: Mapped[int | None] = mapped_column(Integer)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="events")
