"""Start real hall services with known users, for any test package (service, TUI, queue...).

    from tests.support.hall import running_embedded, sqlite_url

    def test_login(tmp_path):
        settings = hall_settings(sqlite_url(tmp_path))
        with running_embedded(settings) as hall:
            password = hall.credentials["clerk1"]
            client = hall.client()          # services.client.HallClient over the Unix socket
            ...

Accounts come from `clerk demo seed` (services.hall.ops.demo): clerk1..clerk4 (windows 1-4),
supervisor, trainer, admin. Passwords are random per store; read them from `credentials`.
Every helper here switches argon2 to its cheap test profile (CLERK_ARGON2_PROFILE=fast).

PostgreSQL: `PostgresScratch` makes a throw-away database on the server at 127.0.0.1:5432
(override with CLERK_TEST_PG_URL) and hands out one fresh schema per test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from clerk.clock import aware
from clerk.config import Settings

if TYPE_CHECKING:
    from services.client import HallClient
    from services.embedded import EmbeddedHall

PG_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)
FAST_PROFILE = ("CLERK_ARGON2_PROFILE", "fast")


def use_fast_hashing() -> None:
    os.environ.setdefault(*FAST_PROFILE)


class FakeClock:
    """A clock tests move by hand: `clock.advance(minutes=481)`. Aware UTC, like clerk.clock.now
    (the default start, 01:30 UTC, is 09:30 in the hall's default zone)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 23, 1, 30, tzinfo=UTC)

    @property
    def now(self) -> datetime:
        return self._now

    @now.setter
    def now(self, moment: datetime) -> None:
        self._now = aware(moment)  # a naive moment would be read in a guessed zone

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def sqlite_url(folder: Path, name: str = "hall.sqlite3") -> str:
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / name}"


def hall_settings(url: str, **service: object) -> Settings:
    """Settings whose store is `url` (other service settings as keywords, e.g.
    login_max_failures=3)."""
    return Settings(service={"db": url, **service})


def seeded_store(url: str) -> dict[str, str]:
    """Migrate `url`, create the demo hall there, return {username: password}."""
    use_fast_hashing()
    from services.hall.audit import Actor
    from services.hall.bootstrap import open_store
    from services.hall.ops import demo

    hall = open_store(hall_settings(url))
    try:
        with hall.db.write() as session:
            accounts = demo.seed(session, Actor("test:seed"), hall.now())
    finally:
        hall.close()
    return {a.username: a.password for a in accounts}


@dataclass
class RunningHall:
    embedded: EmbeddedHall
    settings: Settings
    credentials: dict[str, str] = field(default_factory=dict)

    @property
    def socket_path(self) -> Path:
        return self.embedded.socket_path

    def client(self, token: str | None = None, **kwargs: object) -> HallClient:
        from services.client import HallClient

        return HallClient(uds=str(self.socket_path), token=token, **kwargs)  # type: ignore[arg-type]


@contextmanager
def running_embedded(
    settings: Settings, *, seed: bool = True, clock: FakeClock | None = None
) -> Iterator[RunningHall]:
    """An embedded hall on a Unix socket for `settings` (seeded with the demo hall unless
    seed=False), stopped when the block ends."""
    use_fast_hashing()
    from services.embedded import start_embedded

    credentials = seeded_store(settings.database_url()) if seed else {}
    embedded = start_embedded(settings, clock=clock)
    try:
        yield RunningHall(embedded, settings, credentials)
    finally:
        embedded.stop()


# --- PostgreSQL ----------------------------------------------------------------------------


def _admin_candidates() -> tuple[str, ...]:
    override = os.environ.get("CLERK_TEST_PG_URL")
    return (override,) if override else PG_CANDIDATES


def find_postgres() -> tuple[str | None, str]:
    """(admin URL, "") when a PostgreSQL server answers, else (None, why not)."""
    import psycopg

    reasons = []
    for url in _admin_candidates():
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        try:
            with psycopg.connect(dsn, connect_timeout=3, autocommit=True) as conn:
                conn.execute("SELECT 1")
            return url, ""
        except psycopg.Error as exc:
            reasons.append(f"{url}: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
    return None, "; ".join(reasons)


class PostgresScratch:
    """A throw-away database `clerk_test_<random>`; `schema_url()` gives a fresh empty schema
    in it per call. `drop()` removes the database (and every schema in it)."""

    def __init__(self, admin_url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self.admin_url = admin_url
        self.name = f"clerk_test_{uuid.uuid4().hex[:10]}"
        self._dsn = admin_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def schema_url(self) -> str:
        import psycopg

        schema = f"t_{uuid.uuid4().hex[:12]}"
        dsn = self.url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return f"{self.url}?options={quote(f'-csearch_path={schema}')}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self._dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
