"""Composition of the hall service: settings -> Hall (store, clock, limits). Nothing connects to
the database until `ensure_ready()` (called by the app's lifespan and by every request that needs
the store), which also applies the migrations. If the database is down at start the service still
answers /health (ok: false) and every other request with 503 service.database_unavailable, and it
retries on the next request."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import text

import clerk
from clerk import clock as clerk_clock
from clerk.catalog import Catalog, CatalogError, load_active_catalog
from clerk.config import Settings
from services.hall import anchor, idempotency, migrate
from services.hall.db import Database, safe_url
from services.hall.ops import auth as auth_ops
from services.hall.problems import ApiError

log = logging.getLogger("services.hall")

Clock = clerk_clock.Clock
utcnow = clerk_clock.now


def limits_from(settings: Settings) -> auth_ops.Limits:
    s = settings.service
    return auth_ops.Limits(
        max_failures=s.login_max_failures,
        window=timedelta(minutes=s.login_window_minutes),
        lockout=timedelta(minutes=s.login_lockout_minutes),
        token_ttl=timedelta(minutes=s.token_ttl_minutes),
    )


def describe_error(exc: BaseException) -> str:
    """One line, no traceback, no password."""
    text_ = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text_[0] if text_ else type(exc).__name__
    return f"{type(exc).__name__}: {line}"[:300]


@dataclass
class Hall:
    settings: Settings
    db: Database
    clock: Clock
    limits: auth_ops.Limits
    revision: str | None = None
    error: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # The item catalog decisions are checked against: loaded once (at start, else on first use).
    catalog_loader: Callable[[], Catalog] = field(default_factory=lambda: load_active_catalog)
    _catalog: Catalog | None = None

    def now(self) -> datetime:
        return clerk_clock.aware(self.clock())

    def catalog(self) -> Catalog:
        """The hall's catalog; 503 cases.catalog_unavailable while it cannot be loaded."""
        if self._catalog is None:
            try:
                self._catalog = self.catalog_loader()
            except CatalogError as exc:
                # the clerk (or admin) needs the file, item and field, not just the count
                found = "; ".join(str(issue) for issue in exc.issues[:3])
                raise ApiError(503, "cases.catalog_unavailable", error=found[:300]) from exc
            except OSError as exc:
                raise ApiError(503, "cases.catalog_unavailable", error=describe_error(exc)) from exc
        return self._catalog

    def ensure_ready(self) -> None:
        """Migrate once; raise 503 service.database_unavailable while the store is unusable."""
        if self.revision is not None:
            return
        with self._lock:
            if self.revision is not None:
                return
            try:
                revision = migrate.upgrade(self.db.engine)
                with self.db.write() as session:
                    now = self.now()
                    auth_ops.purge(session, now, keep=timedelta(days=7))
                    idempotency.purge(session, now)
            except migrate.MigrationError as exc:
                self.error = str(exc)
                log.error("hall store %s: %s", safe_url(self.db.url), exc)
                raise ApiError(503, "service.database_unavailable", error=self.error) from exc
            except Exception as exc:
                self.error = describe_error(exc)
                log.error("hall store %s unavailable: %s", safe_url(self.db.url), self.error)
                raise ApiError(503, "service.database_unavailable", error=self.error) from exc
            self.revision = revision
            self.error = None
            try:
                self.catalog()
            except ApiError:
                log.error("hall catalog unavailable: decisions are refused until it loads")
            log.info("hall store %s at revision %s", safe_url(self.db.url), revision)

    def health(self) -> dict[str, Any]:
        database = "ok"
        revision: str | None = None
        try:
            self.ensure_ready()
            with self.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            revision = migrate.current_revision(self.db.engine)
        except ApiError:
            database = self.error or "unavailable"
        except Exception as exc:
            database = describe_error(exc)
        ok = database == "ok" and revision == migrate.head_revision()
        return {
            "version": clerk.__version__,
            "database": database,
            "migration": revision,
            "ok": ok,
        }

    def close(self) -> None:
        self.db.dispose()


def bootstrap(
    settings: Settings, *, database_url: str | None = None, clock: Clock | None = None
) -> Hall:
    """Wire a Hall for `settings` (no I/O; the engine connects lazily)."""
    url = database_url or settings.database_url()
    clerk_clock.use_zone(settings.hall.time_zone)
    info = (
        {anchor.INFO_PATH: settings.service.audit_anchor} if settings.service.audit_anchor else {}
    )
    return Hall(
        settings=settings,
        db=Database.open(url, info=info),
        clock=clock or utcnow,
        limits=limits_from(settings),
    )


def open_store(settings: Settings, *, clock: Clock | None = None) -> Hall:
    """For the CLI: a ready Hall on the configured store with migrations applied; raises
    ApiError(503, service.database_unavailable) when the store cannot be used."""
    hall = bootstrap(settings, clock=clock)
    hall.ensure_ready()
    return hall
