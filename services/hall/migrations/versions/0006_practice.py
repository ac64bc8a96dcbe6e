"""Practice mode: sessions, attempts, practice cases (LX numbers), their day counters.

Its own namespace (practice_*): nothing here touches the live queue, cases or outbox.

Revision ID: 0006_practice
Revises: 0004_outbox   (the head when written; if 0005 lands first the lead re-chains this)
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import services.hall.practice.models  # noqa: F401  (registers the tables on Base.metadata)
from services.hall.models import UTCDateTime

revision: str = "0006_practice"
down_revision: str | None = "0004_outbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practice_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("trainer", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("difficulty", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_sessions")),
    )
    op.create_index(
        op.f("ix_practice_sessions_trainer"), "practice_sessions", ["trainer"], unique=False
    )
    op.create_table(
        "practice_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("trainee", sa.String(length=128), nullable=False),
        sa.Column("scenario_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decisions", sa.JSON(), nullable=True),
        sa.Column("score", sa.JSON(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("keystrokes", sa.Integer(), nullable=True),
        sa.Column("catalog_version", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["practice_sessions.id"],
            name=op.f("fk_practice_attempts_session_id_practice_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_attempts")),
    )
    op.create_index(
        op.f("ix_practice_attempts_session_id"), "practice_attempts", ["session_id"], unique=False
    )
    op.create_index(
        op.f("ix_practice_attempts_trainee"), "practice_attempts", ["trainee"], unique=False
    )
    op.create_index(
        op.f("ix_practice_attempts_scenario_id"),
        "practice_attempts",
        ["scenario_id"],
        unique=False,
    )
    op.create_table(
        "practice_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=32), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["practice_attempts.id"],
            name=op.f("fk_practice_cases_attempt_id_practice_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_practice_cases_case_no")),
    )
    op.create_index(
        op.f("ix_practice_cases_attempt_id"), "practice_cases", ["attempt_id"], unique=False
    )
    op.create_table(
        "practice_counters",
        sa.Column("day", sa.Date(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_practice_counters")),
    )


def downgrade() -> None:
    op.drop_table("practice_counters")
    op.drop_index(op.f("ix_practice_cases_attempt_id"), table_name="practice_cases")
    op.drop_table("practice_cases")
    op.drop_index(op.f("ix_practice_attempts_scenario_id"), table_name="practice_attempts")
    op.drop_index(op.f("ix_practice_attempts_trainee"), table_name="practice_attempts")
    op.drop_index(op.f("ix_practice_attempts_session_id"), table_name="practice_attempts")
    op.drop_table("practice_attempts")
    op.drop_index(op.f("ix_practice_sessions_trainer"), table_name="practice_sessions")
    op.drop_table("practice_sessions")
