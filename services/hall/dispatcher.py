"""The outbox dispatcher: an asyncio task in every hall service process (`clerk serve`, the
embedded hall) that delivers outbox rows to the departments' back offices.

One pass (`run_once`): claim due rows (outbox.claim — SKIP LOCKED + lease), POST each to
`{endpoint}/cases` signed with the department's secret and its Idempotency-Key, then record the
outcome in a new transaction: 2xx -> delivered (and the case moves to delivered); 4xx -> dead at
once; 5xx, 408, 429, timeouts, refused connections -> retry after an exponential backoff with
jitter, dead after `attempts` tries. Dead rows wait for a supervisor (POST /handoff/{id}/retry).
It also polls delivered cases the back office has not reported on for `poll_interval_s`.

Store work runs in worker threads (asyncio.to_thread); the request path never waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from clerk.config import BackofficeSettings
from services.backoffice import protocol
from services.hall import outbox
from services.hall.db import Database
from services.hall.handoff import service
from services.hall.handoff.service import StatusApplier

log = logging.getLogger("services.hall.dispatcher")

RETRYABLE_4XX = frozenset({408, 425, 429})
SECRET_TTL_S = 60.0
PURGE_EVERY_S = 60.0


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": half the step fixed, half random."""

    base_s: float
    max_s: float

    def delay(self, attempt: int, rng: random.Random) -> timedelta:
        step = min(self.max_s, self.base_s * (2 ** max(0, attempt - 1)))
        return timedelta(seconds=step / 2 + rng.uniform(0, step / 2))


@dataclass(frozen=True)
class Attempt:
    ok: bool
    permanent: bool = False
    http_status: int | None = None
    error: str = ""


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{id(object()) % 10000}"


class Dispatcher:
    def __init__(
        self,
        db: Database,
        settings: BackofficeSettings,
        *,
        applier: StatusApplier,
        clock: Callable[[], datetime],
        secret_for: Callable[[str], str | None] = protocol.secret_for,
        ready: Callable[[], None] = lambda: None,
        on_change: Callable[[], None] = lambda: None,
        transport: httpx.AsyncBaseTransport | None = None,
        worker: str | None = None,
        rng: random.Random | None = None,
        batch: int = 10,
    ) -> None:
        self.db = db
        self.settings = settings
        self.applier = applier
        self.clock = clock
        self._secret_for = secret_for
        self._ready = ready
        self._on_change = on_change
        self._transport = transport
        self.worker = worker or worker_name()
        self.rng = rng or random.Random()
        self.batch = batch
        self.backoff = Backoff(settings.backoff_base_s, settings.backoff_max_s)
        # A lease shorter than a delivery could end while the row is still in flight.
        self.lease = timedelta(seconds=max(settings.lease_s, settings.timeout_s + 1.0))
        self._secrets: dict[str, tuple[float, str | None]] = {}
        self._http: httpx.AsyncClient | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._in_flight: set[int] = set()
        self._last_purge = 0.0
        self._last_error_log = 0.0
        self.delivered = 0  # counters, for tests and logs
        self.failed = 0
        self.refused_answers = 0

    # --- life cycle ---------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(
                transport=self._transport or httpx.AsyncHTTPTransport(),
                timeout=httpx.Timeout(self.settings.timeout_s),
                follow_redirects=False,
            )
        return self._http

    def wake(self) -> None:
        """Look at the outbox now (safe from any thread)."""
        loop, event = self._loop, self._wake
        if loop is None or event is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(event.set)

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        outbox.add_waker(self.wake)
        self._task = self._loop.create_task(self.run(), name="outbox-dispatcher")
        log.info("outbox dispatcher %s started", self.worker)

    async def stop(self) -> None:
        outbox.remove_waker(self.wake)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        if self._in_flight:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self._release, set(self._in_flight))
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def run(self) -> None:
        while True:
            busy = 0
            try:
                await asyncio.to_thread(self._ready)
                busy = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # store away, etc.: never let the task die
                if time.monotonic() - self._last_error_log > 30.0:  # not once per tick
                    self._last_error_log = time.monotonic()
                    log.warning("outbox dispatcher: %s", service_error(exc))
            if busy >= self.batch:
                continue
            assert self._wake is not None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.tick_s)
            self._wake.clear()

    # --- one pass -----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Deliver what is due and poll what is quiet; returns how many rows were handled."""
        claimed = await asyncio.to_thread(self._claim)
        if claimed:
            # Rows stay "in flight" until their outcome is recorded: if the task is cancelled
            # (shutdown) before that, stop() gives them back instead of waiting for the lease.
            self._in_flight.update(c.id for c in claimed)
            results = await asyncio.gather(
                *(self._handle(item) for item in claimed), return_exceptions=True
            )
            for result in results:
                if isinstance(result, BaseException):
                    log.warning("outbox dispatcher: %s", service_error(result))
        await self._poll_quiet()
        if time.monotonic() - self._last_purge > PURGE_EVERY_S:
            self._last_purge = time.monotonic()
            await asyncio.to_thread(self._purge)
        return len(claimed)

    def _claim(self) -> list[outbox.Claimed]:
        with self.db.read() as session:
            due = outbox.next_due(session)
        if due is None or due > self.clock():
            return []
        with self.db.write() as session:
            return outbox.claim(
                session,
                worker=self.worker,
                now=self.clock(),
                lease=self.lease,
                limit=self.batch,
            )

    def _release(self, ids: set[int]) -> None:
        with self.db.write() as session:
            for item_id in ids:
                outbox.release(session, item_id, worker=self.worker)

    def _purge(self) -> None:
        with self.db.write() as session:
            service.purge_nonces(session, self.clock())

    async def _handle(self, item: outbox.Claimed) -> None:
        attempt = await self.deliver(item)
        await asyncio.to_thread(self._record, item, attempt)
        self._in_flight.discard(item.id)

    def _record(self, item: outbox.Claimed, attempt: Attempt) -> None:
        now = self.clock()
        status: str | None
        with self.db.write() as session:
            if attempt.ok:
                status = None
                if service.record_delivery(
                    session, item, now=now, http_status=attempt.http_status, applier=self.applier
                ):
                    status = "delivered"
            else:
                status = outbox.mark_failed(
                    session,
                    item.id,
                    worker=self.worker,
                    now=now,
                    error=attempt.error,
                    http_status=attempt.http_status,
                    permanent=attempt.permanent,
                    max_attempts=self.settings.attempts,
                    delay=self.backoff.delay(item.attempt, self.rng),
                )
            if status in ("delivered", "dead"):
                # In the same transaction as the move: the supervisors' dashboard hears of it
                # as it happens, not when someone next retries.
                service.publish_health(session, now=now)
        if attempt.ok:
            self.delivered += 1
            self._on_change()  # after the commit, so open streams find the new events
            log.info("handed off %s to %s", item.case_no, item.department)
            return
        self.failed += 1
        if status == "dead":
            self._on_change()
            log.error(
                "hand-off of %s to %s is dead after %d attempts: %s",
                item.case_no,
                item.department,
                item.attempt,
                attempt.error,
            )
        else:
            log.warning(
                "hand-off of %s to %s failed (attempt %d): %s",
                item.case_no,
                item.department,
                item.attempt,
                attempt.error,
            )

    # --- HTTP ---------------------------------------------------------------------------------

    def secret(self, department: str) -> str | None:
        now = time.monotonic()
        cached = self._secrets.get(department)
        if cached is not None and now - cached[0] < SECRET_TTL_S:
            return cached[1]
        value = self._secret_for(department)
        self._secrets[department] = (now, value)
        return value

    def callback_url(self) -> str | None:
        base = self.settings.callback_base.rstrip("/")
        return base + protocol.CALLBACK_PATH if base else None

    def _signed(
        self, method: str, url: str, body: bytes, department: str, secret: str
    ) -> dict[str, str]:
        path = urlsplit(url).path or "/"
        return protocol.sign(secret, method=method, path=path, body=body, department=department) | {
            "Content-Type": "application/json"
        }

    async def deliver(self, item: outbox.Claimed) -> Attempt:
        secret = await asyncio.to_thread(self.secret, item.department)
        if not secret:
            name = protocol.secret_name(item.department)
            return Attempt(False, error=f"no secret for {item.department} ({name})")
        url = self.settings.endpoint_for(item.department) + protocol.CASES_PATH
        body = protocol.dumps(
            protocol.envelope(
                department=item.department,
                idempotency_key=item.idempotency_key,
                payload=item.payload,
                callback_url=self.callback_url(),
            )
        )
        headers = self._signed("POST", url, body, item.department, secret)
        headers[protocol.H_IDEMPOTENCY] = item.idempotency_key
        headers[protocol.H_ATTEMPT] = str(item.attempt)
        try:
            response = await self._client().post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return Attempt(False, error=f"timeout after {self.settings.timeout_s:g} s")
        except httpx.HTTPError as exc:
            return Attempt(False, error=f"{type(exc).__name__}: {exc}"[:300])
        code = response.status_code
        if 200 <= code < 300:
            return Attempt(True, http_status=code)
        text = response.text[:200].replace("\n", " ")
        permanent = 400 <= code < 500 and code not in RETRYABLE_4XX
        return Attempt(False, permanent=permanent, http_status=code, error=f"HTTP {code}: {text}")

    async def _poll_quiet(self) -> None:
        interval = timedelta(seconds=self.settings.poll_interval_s)
        quiet = await asyncio.to_thread(self._poll_candidates, interval)
        for case_no, department in quiet:
            try:
                report = await self.poll(case_no, department)
            except protocol.SignatureError as exc:
                # Not applied; the case stays quiet, so the next interval polls it again.
                self.refused_answers += 1
                log.warning("refused the poll answer for %s from %s: %s", case_no, department, exc)
                await asyncio.to_thread(self._refuse_answer, exc, department, case_no)
                continue
            except Exception as exc:
                log.info("poll of %s at %s failed: %s", case_no, department, service_error(exc))
                continue
            if report is not None:
                await asyncio.to_thread(self._apply_polled, report, department)

    def _poll_candidates(self, interval: timedelta) -> list[tuple[str, str]]:
        with self.db.read() as session:
            if not service.any_quiet(session, now=self.clock(), interval=interval):
                return []
        with self.db.write() as session:
            return service.poll_candidates(session, now=self.clock(), interval=interval)

    def _refuse_answer(self, exc: protocol.SignatureError, department: str, case_no: str) -> None:
        with self.db.write() as session:
            service.refuse(
                session,
                reason=exc.reason,
                department=department,
                client=self.settings.endpoint_for(department),
                now=self.clock(),
                detail=f"poll answer for {case_no}: {exc.detail}",
                action="handoff.poll_refused",
            )

    def _apply_polled(self, report: protocol.StatusReport, department: str) -> None:
        with self.db.write() as session:
            outcome = service.apply_report(
                session,
                report,
                department=department,
                now=self.clock(),
                applier=self.applier,
                via="poll",
            )
        if outcome.applied:
            self._on_change()

    async def poll(self, case_no: str, department: str) -> protocol.StatusReport | None:
        """`GET {endpoint}/cases/{case_no}`: the back office's latest status (None: none yet).

        The answer moves the case like a callback does, so it must be signed like one (§5):
        an unsigned or forged answer raises protocol.SignatureError and is not applied."""
        secret = await asyncio.to_thread(self.secret, department)
        if not secret:
            return None
        url = f"{self.settings.endpoint_for(department)}{protocol.CASES_PATH}/{quote(case_no)}"
        headers = self._signed("GET", url, b"", department, secret)
        response = await self._client().get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        protocol.verify_answer(
            secret,
            path=urlsplit(url).path or "/",
            body=response.content,
            headers=response.headers,
            department=department,
            request_nonce=headers[protocol.H_NONCE],
        )
        data: Any = response.json()
        if not isinstance(data, dict) or not data.get("seq"):
            return None
        return protocol.StatusReport.parse(data)


def service_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
