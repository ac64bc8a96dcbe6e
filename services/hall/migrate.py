"""Apply the packaged Alembic migrations to a store. The service calls `upgrade` at start; nobody
runs Alembic by hand. Several processes starting at once are serialised (PostgreSQL advisory lock,
SQLite BEGIN IMMEDIATE)."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from services.hall.db import lock_key

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = "services.hall:migrations"
VERSIONS = Path(__file__).with_name("migrations") / "versions"
_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']", re.M)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]+)?\s*=\s*(?:None|[\"']([^\"']+)[\"'])", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


@functools.cache
def head_revision() -> str:
    """The newest migration, read from the version files.

    Importing Alembic costs a third of a second; a workstation starting on an up-to-date store
    should not pay it, so the head is read from the files (a test checks it against Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS.glob("*.py"):
        source = path.read_text("utf-8")
        if (found := _REVISION.search(source)) is not None:
            revisions.add(found.group(1))
        if (down := _DOWN.search(source)) is not None and down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    if len(heads) == 1:
        return heads.pop()
    return alembic_head_revision()


def alembic_head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the hall has at least one migration"
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _stored_revision(conn)


def _stored_revision(conn: Connection) -> str | None:
    try:
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except SQLAlchemyError:
        conn.rollback()
        return None
    return None if row is None else str(row[0])


class MigrationError(RuntimeError):
    pass


def upgrade(engine: Engine, target: str = "head") -> str:
    """Bring the store up to `target`; returns the revision it is at afterwards."""
    if target == "head" and current_revision(engine) == head_revision():
        return head_revision()  # already current: no lock, no Alembic import
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config()
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key("migrate")})
            current = MigrationContext.configure(conn).get_current_revision()
            if current is not None and current not in known_revisions():
                raise MigrationError(
                    f"the database is at revision {current}, which this clerk does not know "
                    "(it was written by a newer version)"
                )
            config.attributes["connection"] = conn
            command.upgrade(config, target)
        revision = MigrationContext.configure(conn).get_current_revision()
    return revision or ""
