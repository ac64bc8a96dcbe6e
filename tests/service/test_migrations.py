"""Migrations go up from empty on both stores, and the models match what they build."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from services.hall import migrate
from services.hall.db import Database
from services.hall.models import Base

TABLES = {
    "users",
    "tokens",
    "login_failures",
    "categories",
    "windows",
    "window_categories",
    "audit_log",
    "idempotency_keys",
}


def test_up_from_empty(store_url: str) -> None:
    db = Database.open(store_url)
    try:
        assert migrate.current_revision(db.engine) is None
        assert not TABLES & set(inspect(db.engine).get_table_names())
        assert migrate.upgrade(db.engine) == migrate.head_revision()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        # Applying again is a no-op.
        assert migrate.upgrade(db.engine) == migrate.head_revision()
    finally:
        db.dispose()


def test_models_match_migrations(store_url: str) -> None:
    db = Database.open(store_url)
    try:
        migrate.upgrade(db.engine)
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
    finally:
        db.dispose()


def test_down_to_empty_and_up_again(store_url: str) -> None:
    db = Database.open(store_url)
    try:
        migrate.upgrade(db.engine)
        config = migrate.alembic_config()
        with db.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "base")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        assert migrate.upgrade(db.engine) == migrate.head_revision()
    finally:
        db.dispose()


def test_sqlite_pragmas(sqlite_store: str) -> None:
    db = Database.open(sqlite_store)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    finally:
        db.dispose()


def test_unknown_newer_revision_is_refused(sqlite_store: str) -> None:
    db = Database.open(sqlite_store)
    try:
        migrate.upgrade(db.engine)
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
        try:
            migrate.upgrade(db.engine)
        except migrate.MigrationError as exc:
            assert "from_the_future" in str(exc)
        else:
            raise AssertionError("a store from a newer clerk must not be touched")
    finally:
        db.dispose()


def test_head_read_from_files_agrees_with_alembic() -> None:
    assert migrate.head_revision() == migrate.alembic_head_revision()
