"""Follow-up after the window: a case that answers an earlier 一次性告知 links to it.

`cases.follows_notice` holds the number of the notice (the 一次性告知书's case number) the
applicant brought back on the second visit; the daily report counts the notices that came back
and were accepted (二次办结率) from it.

Revision ID: 0007_followup
Revises: 0006_practice
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_followup"
down_revision: str | None = "0006_practice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("follows_notice", sa.String(length=20), nullable=True))
        batch.create_index(op.f("ix_cases_follows_notice"), ["follows_notice"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index(op.f("ix_cases_follows_notice"))
        batch.drop_column("follows_notice")
