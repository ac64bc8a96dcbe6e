"""Engine and sessions. SQLite gets WAL, foreign keys and a busy timeout on every connection;
PostgreSQL goes through psycopg 3. No engine exists until `Database.open(url)` is called.

Writes go through `Database.write()`: on SQLite the transaction starts with BEGIN IMMEDIATE so
concurrent writers queue on the busy timeout instead of failing on a read-to-write upgrade.

A number the store cannot hold (an ID of 2**100 in a URL, a window number past PostgreSQL's
INTEGER) is the caller's mistake, not a failure of the hall: it is answered as 422
`validation.out_of_range` wherever it reaches the store (found by tests/service/test_fuzz_api.py).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker

from clerk import paths
from services.hall.problems import ApiError

SQLITE_BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 5


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 here (the only driver we ship)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str) -> str:
    """The URL with any password replaced by ***, fit for messages and logs."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except Exception:
        return "<invalid database URL>"


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (DEFERRED or IMMEDIATE).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


# sqlite3 refuses ints beyond 64 bits before sending them; PostgreSQL refuses what does not fit
# the column (SQLSTATE 22003 numeric_value_out_of_range).
_OUT_OF_RANGE_SQLSTATE = "22003"


def _number_out_of_range(context: ExceptionContext) -> None:
    error = context.original_exception
    too_big = isinstance(error, OverflowError) or (
        getattr(error, "sqlstate", None) == _OUT_OF_RANGE_SQLSTATE
    )
    if too_big:
        raise ApiError(422, "validation.out_of_range") from error


# Request handlers run on up to 40 threads; with SQLAlchemy's default pool (5 kept, 10 more
# made and closed on demand) busy halls kept opening connections, and every new one costs a
# PostgreSQL backend or SQLite's PRAGMAs. Ten kept connections cover a hall's steady load.
POOL_SIZE = 10
POOL_OVERFLOW = 20


def _pool_for(sqlite_database: str | None) -> dict[str, int]:
    # an in-memory SQLite store lives in one connection and takes no pool sizes
    if not sqlite_database or sqlite_database == ":memory:":
        return {}
    return {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}


def _private_sqlite(database: str | None) -> None:
    """The store file is this user's only (0600); SQLite gives its -wal and -shm files the same
    mode. An existing store made before this rule is tightened."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    store = Path(database)
    if not store.parent.is_dir():
        return  # connecting reports the missing folder
    paths.private_file(store)
    for extra in (store.with_name(store.name + "-wal"), store.with_name(store.name + "-shm")):
        if extra.exists():
            os.chmod(extra, 0o600)


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _private_sqlite(parsed.database)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_pre_ping=False,
            **_pool_for(parsed.database),
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        event.listen(engine, "handle_error", _number_out_of_range)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    engine = create_engine(
        url,
        connect_args=connect_args,
        pool_pre_ping=True,
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
    )
    event.listen(engine, "handle_error", _number_out_of_range)
    return engine


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL advisory locks."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def advisory_xact_lock(session: Session, name: str) -> None:
    """Serialise writers on `name` until the transaction ends (PostgreSQL only; SQLite writers
    are already serialised by BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(name)})


@dataclass
class Database:
    """One store: its engine and session factories."""

    url: str
    engine: Engine
    _reader: sessionmaker[Session]
    _writer: sessionmaker[Session]

    @classmethod
    def open(cls, url: str, *, info: dict[str, Any] | None = None) -> Database:
        """`info` goes into every session's `info` (e.g. the audit anchor's path)."""
        engine = make_engine(url)
        writer_bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        return cls(
            url=normalise_url(url),
            engine=engine,
            _reader=sessionmaker(bind=engine, expire_on_commit=False, info=dict(info or {})),
            _writer=sessionmaker(bind=writer_bind, expire_on_commit=False, info=dict(info or {})),
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction; commits when the block ends normally, rolls back otherwise."""
        with self._writer() as session, session.begin():
            yield session

    def session(self, *, write: bool) -> Session:
        """A session the caller manages (commit/close); used by request dependencies."""
        return (self._writer if write else self._reader)()

    def dispose(self) -> None:
        self.engine.dispose()
