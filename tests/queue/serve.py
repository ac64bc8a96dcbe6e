"""Real hall services for the queue's load and crash tests: `clerk serve` in a subprocess on a
free 127.0.0.1 port, a hall of N windows with one clerk each, and a TCP proxy that can drop
every connection (to test stream resumption)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.hall import seeded_store, use_fast_hashing

ROOT = Path(__file__).resolve().parents[2]
CLERK = Path(sys.executable).with_name("clerk")
PASSWORD = "queue-load-pw"
CATEGORIES = ("A", "B", "C", "D")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Served:
    """One `clerk serve` process."""

    db_url: str
    home: Path
    port: int
    env_extra: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> Served:
        self.home.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "CLERK_HOME": str(self.home),
            "CLERK_ARGON2_PROFILE": "fast",
            "CLERK_LANG": "en",
        }
        env.update(self.env_extra)
        log = (self.home / f"serve-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(
            [
                str(CLERK),
                "serve",
                "--db",
                self.db_url,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"clerk serve exited: {self.log_tail()}")
            try:
                answer = httpx.get(f"{self.url}/api/v1/health", timeout=1.0)
                if answer.status_code == 200 and answer.json().get("ok"):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"clerk serve did not come up: {self.log_tail()}")

    def log_tail(self) -> str:
        path = self.home / f"serve-{self.port}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else "-"

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


@contextlib.contextmanager
def serving(
    db_url: str, home: Path, *, port: int | None = None, env: dict[str, str] | None = None
) -> Iterator[Served]:
    served = Served(db_url, home, port or free_port(), dict(env or {})).start()
    try:
        yield served
    finally:
        served.stop()


def make_hall(db_url: str, windows: int) -> dict[str, str]:
    """The demo hall plus windows 7..`windows` (all four categories, rotated) and one clerk per
    window: `w<n>` sits at window n. Returns {username: password} (demo users included)."""
    use_fast_hashing()
    credentials = seeded_store(db_url)
    from services.hall.audit import Actor
    from services.hall.bootstrap import open_store
    from services.hall.ops import users as user_ops
    from services.hall.ops import windows as window_ops
    from tests.support.hall import hall_settings

    hall = open_store(hall_settings(db_url))
    try:
        with hall.db.write() as session:
            actor = Actor("test:hall")
            now = hall.now()
            for number in range(7, windows + 1):
                k = number % 4
                order = list(CATEGORIES[k:] + CATEGORIES[:k])
                window_ops.create(
                    session, actor, number=number, name=f"{number} 号窗", categories=order, now=now
                )
            for number in range(1, windows + 1):
                user_ops.create(
                    session,
                    actor,
                    username=f"w{number}",
                    display_name=f"窗口{number}",
                    role="clerk",
                    password=PASSWORD,
                    now=now,
                )
                credentials[f"w{number}"] = PASSWORD
    finally:
        hall.close()
    return credentials


class DroppingProxy:
    """TCP (127.0.0.1:port) -> the hall (TCP or Unix socket). `down()` drops every connection
    and refuses new ones until `up()`."""

    def __init__(self, *, uds: str | None = None, port: int | None = None) -> None:
        self.uds = uds
        self.target_port = port
        self.port = 0
        self.is_down = False
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.StreamWriter] = set()

    async def __aenter__(self) -> DroppingProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.down()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def down(self) -> None:
        self.is_down = True
        for writer in list(self._pipes):
            writer.transport.abort()
        self._pipes.clear()

    def up(self) -> None:
        self.is_down = False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.is_down:
            writer.transport.abort()
            return
        if self.uds:
            up_reader, up_writer = await asyncio.open_unix_connection(self.uds)
        else:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._pipes.update({writer, up_writer})

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.transport.abort()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self._pipes.discard(writer)
        self._pipes.discard(up_writer)
