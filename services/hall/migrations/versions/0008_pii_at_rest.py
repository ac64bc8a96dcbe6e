"""Personal data at rest and the keyed audit chain.

- cases.purged_at: when the retention rule masked the case (services/hall/cases/retention.py).
- audit_log.keyed: rows from now on are HMAC-chained under the hall's audit key; rows already
  there stay plain sha256 (keyed false) and may only precede the keyed ones.
- cases.id_number, phone, applicant, fields, delivery; drafts.state; outbox.payload (and the
  stored first answers, idempotency_keys.body) become text
  holding Fernet tokens under the hall's data key (services/hall/personal.py); the rows already
  there are encrypted here, and cases' id_hash / phone_hash are recomputed as keyed hashes.
  Appointments keep their old unkeyed id_hash until their day has passed (the check-in lookup
  accepts both; the rule is in services/hall/queue/service.py).

The keys come from services/hall/keys.py (keyring or the 0600 secrets file), never the store.

Revision ID: 0008_pii_at_rest
Revises: 0007_followup
Create Date: 2026-12-07
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from services.hall import keys, personal
from services.hall.models import UTCDateTime

revision: str = "0008_pii_at_rest"
down_revision: str | None = "0007_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (column, type before) for every column that becomes encrypted text
COLUMNS: dict[str, list[tuple[str, sa.types.TypeEngine[Any]]]] = {
    "cases": [
        ("id_number", sa.String(length=64)),
        ("phone", sa.String(length=32)),
        ("applicant", sa.JSON()),
        ("fields", sa.JSON()),
        ("delivery", sa.JSON()),
    ],
    "drafts": [("state", sa.JSON())],
    "outbox": [("payload", sa.JSON())],
    "idempotency_keys": [("body", sa.Text())],  # a first answer may hold a draft's applicant
}


def _retype(to_text: bool) -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, before in columns:
                if isinstance(before, sa.Text):
                    continue  # already text
                kwargs: dict[str, Any] = {}
                if to_text:
                    if pg:
                        kwargs["postgresql_using"] = f"{name}::text"
                    batch.alter_column(name, existing_type=before, type_=sa.Text(), **kwargs)
                else:
                    if pg:
                        using = "json" if isinstance(before, sa.JSON) else "varchar"
                        kwargs["postgresql_using"] = f"{name}::{using}"
                    batch.alter_column(name, existing_type=sa.Text(), type_=before, **kwargs)


def _rewrite(change: Callable[[str | None], str | None], *, rehash: bool) -> None:
    conn = op.get_bind()
    for table, columns in COLUMNS.items():
        names = [name for name, _ in columns]
        extra = ["id_number", "phone"] if table == "cases" else []
        wanted = ", ".join(["id", *names])
        for row in conn.execute(sa.text(f"SELECT {wanted} FROM {table}")).mappings().all():
            values = {name: change(row[name]) for name in names}
            if extra:
                clear_id = keys.decrypt(row["id_number"])
                values["id_hash"] = _id_hash(clear_id, rehash)
                values["phone_hash"] = _phone_hash(keys.decrypt(row["phone"]), rehash)
            sets = ", ".join(f"{name} = :{name}" for name in values)
            conn.execute(
                sa.text(f"UPDATE {table} SET {sets} WHERE id = :id"), {**values, "id": row["id"]}
            )


def _id_hash(number: str | None, keyed: bool) -> str | None:
    if not number:
        return None
    return personal.id_hash(number) if keyed else personal.legacy_id_hash(number)


def _phone_hash(phone: str | None, keyed: bool) -> str | None:
    value = personal.normalized_phone(phone) if phone else None
    if not value:
        return None
    return personal.phone_hash(value) if keyed else hashlib.sha256(value.encode()).hexdigest()


def _encrypt(value: str | None) -> str | None:
    if value is None or value.startswith(keys.PREFIX):
        return value
    return keys.encrypt(value)


def _decrypt(value: str | None) -> str | None:
    return keys.decrypt(value)


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(
            sa.Column("keyed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("purged_at", UTCDateTime(), nullable=True))
    _retype(to_text=True)
    _rewrite(_encrypt, rehash=True)


def downgrade() -> None:
    _rewrite(_decrypt, rehash=False)
    _retype(to_text=False)
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("purged_at")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("keyed")
