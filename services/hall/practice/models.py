"""The practice room's tables (its own namespace: practice_*), on the foundation's Base.

- practice_sessions   a trainer's assignment: a title, who made it, optional difficulty
- practice_attempts   one scenario for one trainee: the intake form (state, optimistic version),
                      the decision, the score (JSON) and its headline numbers
- practice_cases      the practice case numbers (LX-YYYYMMDD-NNNN) a decision produced
- practice_counters   one row per day: the last practice sequence issued
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.hall.models import Base


class PracticeSession(Base):
    __tablename__ = "practice_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    trainer: Mapped[str] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime]
    difficulty: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")

    attempts: Mapped[list[PracticeAttempt]] = relationship(
        back_populates="session", order_by="PracticeAttempt.id", lazy="selectin"
    )


class PracticeAttempt(Base):
    __tablename__ = "practice_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True
    )
    trainee: Mapped[str] = mapped_column(String(128), index=True)
    scenario_id: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # assigned / started / decided
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    started_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decisions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    score: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    points: Mapped[int | None] = mapped_column(Integer)
    seconds: Mapped[float | None] = mapped_column(Float)
    keystrokes: Mapped[int | None] = mapped_column(Integer)
    catalog_version: Mapped[str | None] = mapped_column(String(100))

    session: Mapped[PracticeSession] = relationship(back_populates="attempts", lazy="joined")
    cases: Mapped[list[PracticeCase]] = relationship(
        back_populates="attempt", order_by="PracticeCase.id", lazy="selectin"
    )


class PracticeCase(Base):
    __tablename__ = "practice_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(32), unique=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("practice_attempts.id", ondelete="CASCADE"), index=True
    )
    item_code: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    decided_at: Mapped[datetime]

    attempt: Mapped[PracticeAttempt] = relationship(back_populates="cases")


class PracticeCounter(Base):
    __tablename__ = "practice_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
