"""The embedded hall: the same hall service, under uvicorn on a background thread, listening on a
Unix socket in the private (0700) runtime directory. No TCP port is opened.

    with start_embedded(settings) as hall:
        client = HallClient.for_settings(settings, hall)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from clerk import i18n, paths
from clerk.config import Settings

if TYPE_CHECKING:
    # imported by start_embedded, on the hall's own thread: not on the login screen's path
    import uvicorn

log = logging.getLogger("services.embedded")

START_TIMEOUT_S = 5.0
STOP_TIMEOUT_S = 5.0
# sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
MAX_SOCKET_PATH = 107


class HallStartError(RuntimeError):
    """The embedded hall did not come up; the message says why, in the current language."""


def _socket_path() -> Path:
    name = f"hall-{os.getpid()}-{threading.get_ident() % 100000}.sock"
    path = paths.runtime_dir() / name
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
        return path
    # A deep home directory: use a fresh private directory under the system temp dir instead.
    return Path(tempfile.mkdtemp(prefix="clerk-")) / name


class EmbeddedHall:
    def __init__(self, server: uvicorn.Server, thread: threading.Thread, socket_path: Path) -> None:
        self._server = server
        self._thread = thread
        self.socket_path = socket_path

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._server.should_exit

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Finish open requests, run the app's shutdown, remove the socket."""
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(1.0)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def __enter__(self) -> EmbeddedHall:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class HallStarting:
    """The embedded hall coming up behind the login screen, on a thread of its own.

    The socket path is chosen at once, so the client can be built before the hall is up; the
    client's requests wait for `until_up()` (services.client) — typing never does. `begin()`
    starts it (the TUI calls it once the login screen is drawn, so the hall's imports,
    migrations and catalog do not compete with drawing it)."""

    def __init__(self, settings: Settings, *, timeout: float = START_TIMEOUT_S) -> None:
        self._settings = settings
        self._timeout = timeout
        self.socket_path = _socket_path()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.hall: EmbeddedHall | None = None
        self.error: HallStartError | None = None

    def begin(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._start, name="clerk-hall-start", daemon=True
                )
                self._thread.start()

    def _start(self) -> None:
        try:
            self.hall = start_embedded(
                self._settings, timeout=self._timeout, socket_path=self.socket_path
            )
        except HallStartError as exc:
            log.error("embedded hall failed to start: %s", exc)
            self.error = exc
        except Exception as exc:  # whatever broke, the login screen says it; no traceback
            log.exception("embedded hall failed to start")
            self.error = HallStartError(i18n.t("client.embedded_died", detail=str(exc)))
        finally:
            self._done.set()

    @property
    def up(self) -> bool:
        return self._done.is_set() and self.error is None

    def wait(self, timeout: float | None = None) -> EmbeddedHall:
        """Block until the hall is up (starting it if nobody has); raise HallStartError."""
        self.begin()
        if not self._done.wait(self._timeout + 30.0 if timeout is None else timeout):
            raise HallStartError(
                i18n.t("client.embedded_timeout", seconds=f"{self._timeout:g}", detail="-")
            )
        if self.error is not None:
            raise self.error
        assert self.hall is not None
        return self.hall

    async def until_up(self) -> None:
        """For the client: return at once when up, else wait off the event loop."""
        if not self._done.is_set():
            await asyncio.to_thread(self.wait)
        elif self.error is not None:
            raise self.error

    def stop(self) -> None:
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(self._timeout + 30.0)
        if self.hall is not None:
            self.hall.stop()


def _wait_for_health(
    socket_path: Path, thread: threading.Thread, deadline: float
) -> dict[str, object]:
    last_error = ""
    transport = httpx.HTTPTransport(uds=str(socket_path))
    with httpx.Client(transport=transport, base_url="http://hall", timeout=1.0) as client:
        while time.monotonic() < deadline:
            if not thread.is_alive():
                raise HallStartError(i18n.t("client.embedded_died", detail=last_error or "-"))
            if socket_path.exists():
                try:
                    answer = client.get("/api/v1/health")
                    if answer.status_code == 200:
                        data: dict[str, object] = answer.json()
                        return data
                    last_error = f"HTTP {answer.status_code}"
                except httpx.HTTPError as exc:
                    last_error = str(exc) or type(exc).__name__
            time.sleep(0.01)
    raise HallStartError(
        i18n.t("client.embedded_timeout", seconds=f"{START_TIMEOUT_S:g}", detail=last_error or "-")
    )


def start_embedded(
    settings: Settings,
    *,
    database_url: str | None = None,
    timeout: float = START_TIMEOUT_S,
    socket_path: Path | None = None,
    clock: Callable[[], datetime] | None = None,
) -> EmbeddedHall:
    """Start the hall on a Unix socket and return once /api/v1/health answers ok.

    Raises HallStartError (message in the current language) when it does not answer within
    `timeout` seconds or answers that its store is unusable. `clock` (tests) replaces the
    service's clock, e.g. to let tokens expire."""
    import uvicorn

    from services.hall.app import create_app

    app = create_app(settings, database_url=database_url, clock=clock)
    path = socket_path or _socket_path()
    config = uvicorn.Config(
        app,
        uds=str(path),
        lifespan="on",
        log_config=None,
        access_log=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)  # off the main thread it installs no signal handlers
    thread = threading.Thread(target=server.run, name="clerk-embedded-hall", daemon=True)
    thread.start()
    hall = EmbeddedHall(server, thread, path)
    try:
        health = _wait_for_health(path, thread, time.monotonic() + timeout)
    except BaseException:
        hall.stop()
        raise
    os.chmod(path, 0o600)
    if not health.get("ok"):
        hall.stop()
        raise HallStartError(i18n.t("client.embedded_unhealthy", detail=health.get("database")))
    log.info("embedded hall on %s", path)
    return hall
