"""Notifications to applicants (短信): an adapter interface, its implementations, and a sender
that never blocks the request that caused the message.

    adapter = adapter_for(settings.cases)            # LogSms / HttpSms / NullSms
    send_after_commit(session, adapter, message)     # in the transaction that made it true

The message goes to a background thread only after the transaction commits (a rolled-back
change notifies nobody); the thread sends it with a few retries and logs the outcome. The case's
timeline already records that a notification was queued, with the masked phone.

- LogSms    the demo: appends one line per message to a file (default <log dir>/sms.log) with the
            MASKED phone and the case number, never the full number.
- HttpSms   POSTs `{"to", "text", "case_no", "kind"}` as JSON to a configured URL (an SMS gateway
            or a small bridge in front of one); any 2xx is success, anything else is retried.
- NullSms   sends nothing ([cases] sms = "off").
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from clerk import paths
from clerk.clock import now as clock_now
from clerk.identity import mask_phone

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from clerk.config import CaseSettings

log = logging.getLogger("services.notify")

ATTEMPTS = 3
RETRY_S = (0.5, 2.0)


@dataclass(frozen=True)
class Message:
    """One text to one applicant about one case. `phone` is the full number (it is needed to
    send); only `masked` is ever logged."""

    case_no: str
    kind: str  # ready (待取件) / mailed (已寄出) / ...
    phone: str
    text: str

    @property
    def masked(self) -> str:
        return mask_phone(self.phone) if self.phone else "-"


class SmsAdapter(Protocol):
    name: str

    def send(self, message: Message) -> None:
        """Send or raise (the sender retries)."""


class NullSms:
    name = "off"

    def send(self, message: Message) -> None:
        log.debug("sms off: %s %s", message.case_no, message.kind)


class LogSms:
    """The demo adapter: one line per message in a log file."""

    name = "log"

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self._path or paths.log_dir() / "sms.log"

    def send(self, message: Message) -> None:
        path = self.path
        paths.private_dir(path.parent)
        stamp = clock_now().isoformat(timespec="seconds")  # UTC, with its offset
        text = " ".join(message.text.split())
        line = (
            f"{stamp}\tSMS\tto={message.masked}\tcase={message.case_no}\t{message.kind}\t{text}\n"
        )
        with self._lock, path.open("a", encoding="utf-8") as out:
            out.write(line)


class HttpSms:
    """POST to an SMS gateway (or a bridge in front of one)."""

    name = "http"

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        if not url:
            raise ValueError("the http SMS adapter needs [cases] sms_url")
        self.url = url
        self.timeout = timeout

    def send(self, message: Message) -> None:
        import httpx

        answer = httpx.post(
            self.url,
            json={
                "to": message.phone,
                "text": message.text,
                "case_no": message.case_no,
                "kind": message.kind,
            },
            timeout=self.timeout,
        )
        if answer.status_code // 100 != 2:
            raise RuntimeError(f"SMS gateway answered {answer.status_code}")


def adapter_for(settings: CaseSettings) -> SmsAdapter:
    if settings.sms == "off":
        return NullSms()
    if settings.sms == "http":
        return HttpSms(settings.sms_url, timeout=settings.sms_timeout_s)
    return LogSms(Path(settings.sms_log) if settings.sms_log else None)


# --- the background sender --------------------------------------------------------------------

Job = tuple[SmsAdapter, Message]


class Sender:
    """One daemon thread per process sending queued messages, with retries."""

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._sleep = sleep
        self._idle = threading.Event()
        self._idle.set()
        self.sent = 0
        self.failed = 0

    def submit(self, adapter: SmsAdapter, message: Message) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="clerk-sms", daemon=True)
                self._thread.start()
            self._idle.clear()
            self._queue.put((adapter, message))

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until everything submitted so far went out (tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is None:
                    return
                self._send(*job)
            finally:
                self._queue.task_done()

    def _send(self, adapter: SmsAdapter, message: Message) -> None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                adapter.send(message)
            except Exception as exc:
                if attempt == ATTEMPTS:
                    self.failed += 1
                    log.warning(
                        "sms to %s for %s failed after %d attempts: %s",
                        message.masked,
                        message.case_no,
                        attempt,
                        exc,
                    )
                    return
                self._sleep(RETRY_S[min(attempt - 1, len(RETRY_S) - 1)])
            else:
                self.sent += 1
                log.info("sms %s to %s for %s sent", message.kind, message.masked, message.case_no)
                return


SENDER = Sender()

_PENDING_KEY = "clerk_notify_pending"


def send_after_commit(session: Session, adapter: SmsAdapter, message: Message) -> None:
    """Queue `message` to go out once `session`'s transaction commits (never if it rolls back)."""
    from sqlalchemy import event

    pending: list[Job] | None = session.info.get(_PENDING_KEY)
    if pending is None:
        pending = session.info[_PENDING_KEY] = []

        def committed(_session: Session) -> None:
            jobs = session.info.pop(_PENDING_KEY, [])
            with contextlib.suppress(Exception):
                event.remove(session, "after_soft_rollback", rolled_back)
            for job in jobs:
                SENDER.submit(*job)

        def rolled_back(_session: Session, previous: object) -> None:
            # Only the outermost transaction's rollback drops the messages.
            if not _session.in_transaction():
                session.info.pop(_PENDING_KEY, None)
                with contextlib.suppress(Exception):
                    event.remove(session, "after_commit", committed)

        event.listen(session, "after_commit", committed, once=True)
        event.listen(session, "after_soft_rollback", rolled_back)
    pending.append((adapter, message))
