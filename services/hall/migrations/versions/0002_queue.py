"""Queue: counters, tickets, ticket events, appointments, window states, live events.

Revision ID: 0002_queue
Revises: 0001_foundation
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Importing the queue's models registers their tables on Base.metadata, so anything that
# compares the models with the migrated schema sees them once the migrations are loaded.
import services.hall.queue.models  # noqa: F401
from services.hall.models import UTCDateTime

revision: str = "0002_queue"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status IN ('called', 'serving')")


def upgrade() -> None:
    op.create_table(
        "queue_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_events")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_queue_events_at"), "queue_events", ["at"])
    op.create_table(
        "queue_counters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_queue_counters_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_counters")),
        sa.UniqueConstraint("category_id", "day", name=op.f("uq_queue_counters_category_id")),
    )
    op.create_table(
        "queue_windows",
        sa.Column("window_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("pause_reason", sa.String(200), nullable=True),
        sa.Column("paused_at", UTCDateTime(), nullable=True),
        sa.Column("paused_by", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(
            ["window_no"],
            ["windows.number"],
            name=op.f("fk_queue_windows_window_no_windows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("window_no", name=op.f("pk_queue_windows")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_category_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(12), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority_reason", sa.String(16), nullable=True),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("reactivated", sa.Boolean(), nullable=False),
        sa.Column("appointment_at", UTCDateTime(), nullable=True),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("queue_time", UTCDateTime(), nullable=False),
        sa.Column("called_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("window_no", sa.Integer(), nullable=True),
        sa.Column("last_window_no", sa.Integer(), nullable=True),
        sa.Column("target_window", sa.Integer(), nullable=True),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("cases", sa.JSON(), nullable=True),
        sa.Column("issued_by", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_tickets_category_id_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issue_category_id"],
            ["categories.id"],
            name=op.f("fk_tickets_issue_category_id_categories"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint(
            "issue_category_id", "day", "seq", name=op.f("uq_tickets_issue_category_id")
        ),
    )
    op.create_index("ix_tickets_status_category_id", "tickets", ["status", "category_id"])
    op.create_index("ix_tickets_status_day", "tickets", ["status", "day"])
    op.create_index(
        "uq_tickets_active_window",
        "tickets",
        ["window_no"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", UTCDateTime(), nullable=False),
        sa.Column("slot_end", UTCDateTime(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=True),
        sa.Column("id_masked", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_appointments_category_id_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_appointments_ticket_id_tickets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("code", name=op.f("uq_appointments_code")),
    )
    op.create_index(op.f("ix_appointments_id_hash"), "appointments", ["id_hash"])
    op.create_index("ix_appointments_slot_start", "appointments", ["slot_start"])
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("window_no", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_events_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    op.create_index(op.f("ix_ticket_events_ticket_id"), "ticket_events", ["ticket_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ticket_events_ticket_id"), table_name="ticket_events")
    op.drop_table("ticket_events")
    op.drop_index("ix_appointments_slot_start", table_name="appointments")
    op.drop_index(op.f("ix_appointments_id_hash"), table_name="appointments")
    op.drop_table("appointments")
    op.drop_index("uq_tickets_active_window", table_name="tickets")
    op.drop_index("ix_tickets_status_day", table_name="tickets")
    op.drop_index("ix_tickets_status_category_id", table_name="tickets")
    op.drop_table("tickets")
    op.drop_table("queue_windows")
    op.drop_table("queue_counters")
    op.drop_index(op.f("ix_queue_events_at"), table_name="queue_events")
    op.drop_table("queue_events")
