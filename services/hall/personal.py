"""Personal data in the store: the one normalisation and keyed lookup hash of ID numbers and
phones, and the column types that keep them encrypted at rest.

- `id_hash` / `phone_hash`: HMAC-SHA256 under the hall's lookup key (services/hall/keys.py) of
  the normalised value, so a copy of the store cannot be searched by trying every ID number.
  Cases and appointments look up by these and nothing else.
- `EncryptedText` / `EncryptedJSON`: Fernet under the hall's data key, transparent to the code
  (the ORM reads and writes clear values); the database holds `enc:<token>` text. A value without
  the prefix (a masked value after retention) reads back as it is.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import (
    Column,
    Dialect,
    MetaData,
    Table,
    Text,
    TypeDecorator,
    literal,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session

from clerk.identity import validate_phone
from services.hall import keys


def normalized_id(number: str) -> str:
    return "".join(number.split()).upper()


def id_hash(number: str) -> str:
    """The keyed lookup hash of an ID number, USCC or passport number."""
    return keys.lookup_hash("id:" + normalized_id(number))


def legacy_id_hash(number: str) -> str:
    """sha256 of the normalised number: how appointments booked before 0008 were hashed."""
    return hashlib.sha256(normalized_id(number).encode()).hexdigest()


def normalized_phone(text: str) -> str | None:
    checked = validate_phone(text)
    return checked.value.replace("-", "") if checked.ok else None


def phone_hash(text: str) -> str | None:
    value = normalized_phone(text)
    return keys.lookup_hash("phone:" + value) if value else None


class EncryptedText(TypeDecorator[str]):
    """A string kept encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or value.startswith(keys.PREFIX):
            return value
        return keys.encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return keys.decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document kept encrypted at rest (whole: its keys say as much as its values)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return keys.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        clear = keys.decrypt(value)
        return json.loads(clear) if clear else None


def encrypted_columns(metadata: MetaData) -> list[tuple[Table, list[Column[Any]]]]:
    """Every table with encrypted columns, and those columns."""
    found = []
    for table in metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText | EncryptedJSON)]
        if columns:
            found.append((table, columns))
    return found


def reencrypt_all(session: Session, metadata: MetaData) -> int:
    """Re-encrypt every encrypted value under the newest data key (rotation); rows changed.
    Works on the stored text, so nothing is decoded into Python objects on the way."""
    changed = 0
    for table, columns in encrypted_columns(metadata):
        key = next(iter(table.primary_key.columns))
        raw = [literal_column(c.name, Text) for c in columns]
        rows = session.execute(select(key, *raw).select_from(table)).all()
        for row in rows:
            values = {c.name: keys.reencrypt(row[i + 1]) for i, c in enumerate(columns)}
            session.execute(
                update(table)
                .where(key == row[0])
                .values(**{name: literal(value, Text) for name, value in values.items()})
            )
            changed += 1
    return changed
