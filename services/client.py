"""The hall client: the only way the TUI talks to the hall service (embedded or `--hall URL`).

Async, on httpx. Over a Unix socket for the embedded hall (`uds=`), over TCP for a hall service.
Every failure is a `HallClientError` whose `message` is ready to show, in the current language
(clerk.i18n) — never a traceback. GETs are retried with backoff; so are mutating calls that carry
an Idempotency-Key (each helper generates one per logical action and reuses it across retries).

Later rooms (queue, cases) call `request()` and, for Server-Sent Events, `.http` with httpx-sse.
This module must not import services.hall (import-linter: screens -> services.client only).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import httpx

from clerk import i18n
from clerk.clock import parse_instant
from clerk.config import Settings
from services import credentials
from services.client_cases import CasesApi
from services.client_pickup import PickupApi
from services.client_practice import PracticeApi
from services.client_supervisor import SupervisorApi

if TYPE_CHECKING:
    from services.embedded import EmbeddedHall, HallStarting

API = "/api/v1"
RETRY_STATUSES = frozenset({502, 503, 504})
IDEMPOTENCY_HEADER = "Idempotency-Key"


# --- what the hall answers -------------------------------------------------------------------


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> UserInfo:
        return cls(str(data["username"]), str(data["display_name"]), str(data["role"]))


@dataclass(frozen=True)
class WindowInfo:
    number: int
    name: str
    categories: tuple[str, ...]
    active: bool = True

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> WindowInfo:
        return cls(
            number=int(data["number"]),
            name=str(data["name"]),
            categories=tuple(str(c) for c in data.get("categories", ())),
            active=bool(data.get("active", True)),
        )


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime
    user: UserInfo
    window: WindowInfo | None


@dataclass(frozen=True)
class Health:
    version: str
    database: str
    ok: bool
    migration: str | None = None


@dataclass(frozen=True)
class CategoryInfo:
    prefix: str
    name: str


@dataclass(frozen=True)
class UserRecord:
    """A user as the administrator sees it."""

    username: str
    display_name: str
    role: str
    disabled: bool
    created_at: datetime

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> UserRecord:
        return cls(
            username=str(data["username"]),
            display_name=str(data["display_name"]),
            role=str(data["role"]),
            disabled=bool(data["disabled"]),
            created_at=parse_instant(str(data["created_at"])),
        )


@dataclass(frozen=True)
class AuditVerdict:
    ok: bool
    count: int
    first_bad_id: int | None
    reason: str | None


# --- errors ----------------------------------------------------------------------------------


class HallClientError(Exception):
    """Something the user should be told. `code` is the hall's stable error code."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = dict(extra or {})


class HallUnreachable(HallClientError):
    """No answer from the hall service (socket gone, connection refused, timeout)."""


class AuthError(HallClientError):
    """Login or session problems; the TUI goes (back) to the login screen."""


class WrongPassword(AuthError):
    pass


class AccountLocked(AuthError):
    @property
    def retry_after(self) -> int:
        return int(self.extra.get("retry_after", 0))


class AccountDisabled(AuthError):
    pass


class TokenExpired(AuthError):
    pass


class TokenInvalid(AuthError):
    """No token, an unknown token or a revoked one."""


class Forbidden(AuthError):
    pass


class NotFound(HallClientError):
    pass


class Conflict(HallClientError):
    pass


class ValidationFailed(HallClientError):
    pass


ERRORS: dict[str, type[HallClientError]] = {
    "auth.wrong_password": WrongPassword,
    "auth.locked": AccountLocked,
    "auth.disabled": AccountDisabled,
    "auth.token_expired": TokenExpired,
    "auth.token_invalid": TokenInvalid,
    "auth.token_missing": TokenInvalid,
    "auth.forbidden": Forbidden,
    "not_found": NotFound,
    "conflict": Conflict,
}


def error_message(code: str, fallback: str | None = None, **values: Any) -> str:
    """The text for a hall error code in the current language: client.error.<code>, then
    service.error.<code>, then the server's own message."""
    what = values.get("what")
    if isinstance(what, str) and i18n.has(f"service.what.{what}"):
        values = values | {"what": i18n.t(f"service.what.{what}")}
    for key in (f"client.error.{code}", f"service.error.{code}"):
        if i18n.has(key):
            try:
                return i18n.t(key, **values)
            except (KeyError, IndexError, ValueError):
                continue
    return fallback or i18n.t("client.error.unknown", code=code)


def _error_from(response: httpx.Response) -> HallClientError:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if not isinstance(detail, dict) or "code" not in detail:
        return HallClientError(
            "http_error",
            i18n.t("client.error.http", status=response.status_code),
            status=response.status_code,
        )
    code = str(detail["code"])
    extra = {k: v for k, v in detail.items() if k not in ("code", "message")}
    if code == "auth.locked" and "minutes" not in extra:
        extra["minutes"] = max(1, -(-int(extra.get("retry_after", 60)) // 60))
    cls = ERRORS.get(code)
    if cls is None:
        cls = ValidationFailed if code.startswith("validation.") else HallClientError
    message = error_message(code, detail.get("message"), **extra)
    return cls(code, message, status=response.status_code, extra=extra)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


# --- the client ------------------------------------------------------------------------------


class HallClient(CasesApi, PickupApi, SupervisorApi, PracticeApi):
    def __init__(
        self,
        base_url: str = "http://hall",
        *,
        uds: str | None = None,
        token: str | None = None,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.1,
        transport: httpx.AsyncBaseTransport | None = None,
        until_up: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # an embedded hall still starting (services.embedded.HallStarting): requests wait for it
        self._until_up = until_up
        self.uds = uds
        self.token = token
        self.retries = retries
        self.backoff = backoff
        if transport is None:
            transport = httpx.AsyncHTTPTransport(uds=uds) if uds else httpx.AsyncHTTPTransport()
        self.http = httpx.AsyncClient(
            base_url=self.base_url, transport=transport, timeout=httpx.Timeout(timeout)
        )

    @classmethod
    def for_settings(cls, settings: Settings, embedded: EmbeddedHall | None = None) -> HallClient:
        """The client for the embedded hall when given, else for settings.hall_url.

        A shared hall gets the `hall_token` setting, else the token `clerk token set` stored
        (services.credentials). The embedded hall gets only the setting: a stored token belongs
        to the shared hall, and reading the keyring at every start may ask to unlock it."""
        token = settings.hall_token.get_secret_value() if settings.hall_token else None
        if embedded is not None:
            return cls(uds=str(embedded.socket_path), token=token)
        if settings.hall_url:
            return cls(settings.hall_url, token=credentials.hall_token(token))
        raise HallClientError("config.no_hall", i18n.t("client.no_hall"))

    @classmethod
    def for_starting(cls, settings: Settings, starting: HallStarting) -> HallClient:
        """The client for an embedded hall that is still coming up: requests wait for it."""
        token = settings.hall_token.get_secret_value() if settings.hall_token else None
        return cls(uds=str(starting.socket_path), token=token, until_up=starting.until_up)

    @property
    def starting(self) -> bool:
        """True while the embedded hall this client talks to is not up yet."""
        return self._until_up is not None

    async def _wait_up(self) -> None:
        if self._until_up is None:
            return
        try:
            await self._until_up()
        except RuntimeError as exc:  # HallStartError: its message says what failed, in words
            raise HallUnreachable("unreachable", str(exc)) from None
        self._until_up = None

    @property
    def target(self) -> str:
        return self.uds or self.base_url

    def headers(self, *, auth: bool = True) -> dict[str, str]:
        headers = {"Accept-Language": "en" if i18n.language() == "en" else "zh-CN"}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def __aenter__(self) -> HallClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        auth: bool = True,
    ) -> Any:
        """Call /api/v1`path` and return the decoded JSON, or raise HallClientError.

        Retried with backoff: GET/HEAD, any call whose connection never opened, and mutating
        calls given an `idempotency_key` (the hall then answers a retry with the first answer)."""
        await self._wait_up()
        method = method.upper()
        headers = self.headers(auth=auth)
        if idempotency_key:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        safe = method in ("GET", "HEAD") or idempotency_key is not None
        url = path if path.startswith(API + "/") else API + path
        attempt = 0
        while True:
            try:
                response = await self.http.request(
                    method, url, json=json, params=params, headers=headers
                )
            except httpx.ConnectError as exc:
                if attempt < self.retries:
                    await self._pause(attempt)
                    attempt += 1
                    continue
                raise self._unreachable(exc) from None
            except httpx.TransportError as exc:
                if safe and attempt < self.retries:
                    await self._pause(attempt)
                    attempt += 1
                    continue
                raise self._unreachable(exc) from None
            if response.status_code in RETRY_STATUSES and safe and attempt < self.retries:
                await self._pause(attempt)
                attempt += 1
                continue
            if response.status_code >= 400:
                raise _error_from(response)
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise HallClientError("bad_response", i18n.t("client.error.bad_response")) from None

    async def _pause(self, attempt: int) -> None:
        await asyncio.sleep(self.backoff * (3**attempt))

    def _unreachable(self, exc: httpx.HTTPError) -> HallUnreachable:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, httpx.TimeoutException):
            reason = i18n.t("client.timeout", reason=reason)
        return HallUnreachable(
            "unreachable", i18n.t("client.unreachable", detail=f"{self.target} — {reason}")
        )

    # --- health and session ------------------------------------------------------------------

    async def health(self) -> Health:
        data = await self.request("GET", "/health", auth=False)
        return Health(
            version=str(data["version"]),
            database=str(data["database"]),
            ok=bool(data["ok"]),
            migration=data.get("migration"),
        )

    async def login(self, username: str, password: str, window_no: int | None = None) -> Session:
        data = await self.request(
            "POST",
            "/auth/login",
            json={"username": username, "password": password, "window_no": window_no},
            auth=False,
        )
        session = Session(
            token=str(data["token"]),
            expires_at=parse_instant(str(data["expires_at"])),
            user=UserInfo.of(data["user"]),
            window=WindowInfo.of(data["window"]) if data.get("window") else None,
        )
        self.token = session.token
        return session

    async def me(self) -> UserInfo:
        data = await self.request("GET", "/auth/me")
        return UserInfo.of(data["user"])

    async def logout(self) -> None:
        try:
            await self.request("POST", "/auth/logout")
        finally:
            self.token = None

    # --- windows and categories ---------------------------------------------------------------

    async def windows(self) -> list[WindowInfo]:
        return [WindowInfo.of(w) for w in await self.request("GET", "/windows", auth=False)]

    async def categories(self) -> list[CategoryInfo]:
        data = await self.request("GET", "/categories")
        return [CategoryInfo(str(c["prefix"]), str(c["name"])) for c in data]

    async def create_category(self, prefix: str, name: str) -> CategoryInfo:
        data = await self.request(
            "POST",
            "/categories",
            json={"prefix": prefix, "name": name},
            idempotency_key=new_idempotency_key(),
        )
        return CategoryInfo(str(data["prefix"]), str(data["name"]))

    async def create_window(
        self,
        number: int,
        name: str,
        categories: tuple[str, ...] | list[str] = (),
        active: bool = True,
    ) -> WindowInfo:
        data = await self.request(
            "POST",
            "/windows",
            json={"number": number, "name": name, "categories": list(categories), "active": active},
            idempotency_key=new_idempotency_key(),
        )
        return WindowInfo.of(data)

    async def set_window_categories(
        self, number: int, categories: tuple[str, ...] | list[str]
    ) -> WindowInfo:
        data = await self.request(
            "PUT",
            f"/windows/{number}/categories",
            json={"categories": list(categories)},
            idempotency_key=new_idempotency_key(),
        )
        return WindowInfo.of(data)

    async def update_window(
        self, number: int, *, name: str | None = None, active: bool | None = None
    ) -> WindowInfo:
        data = await self.request(
            "PATCH",
            f"/windows/{number}",
            json={"name": name, "active": active},
            idempotency_key=new_idempotency_key(),
        )
        return WindowInfo.of(data)

    # --- users (admin) ------------------------------------------------------------------------

    async def users(self) -> list[UserRecord]:
        return [UserRecord.of(u) for u in await self.request("GET", "/users")]

    async def create_user(
        self, username: str, display_name: str, role: str, password: str
    ) -> UserRecord:
        data = await self.request(
            "POST",
            "/users",
            json={
                "username": username,
                "display_name": display_name,
                "role": role,
                "password": password,
            },
            idempotency_key=new_idempotency_key(),
        )
        return UserRecord.of(data)

    async def set_password(self, username: str, password: str) -> UserRecord:
        data = await self.request(
            "PUT",
            f"/users/{username}/password",
            json={"password": password},
            idempotency_key=new_idempotency_key(),
        )
        return UserRecord.of(data)

    async def disable_user(self, username: str) -> UserRecord:
        data = await self.request(
            "POST", f"/users/{username}/disable", idempotency_key=new_idempotency_key()
        )
        return UserRecord.of(data)

    async def enable_user(self, username: str) -> UserRecord:
        data = await self.request(
            "POST", f"/users/{username}/enable", idempotency_key=new_idempotency_key()
        )
        return UserRecord.of(data)

    # --- audit --------------------------------------------------------------------------------

    async def audit_verify(self) -> AuditVerdict:
        data = await self.request("GET", "/audit/verify")
        return AuditVerdict(
            ok=bool(data["ok"]),
            count=int(data["count"]),
            first_bad_id=data.get("first_bad_id"),
            reason=data.get("reason"),
        )

    # --- queue (services/hall/queue/README.md) ------------------------------------------------
    # Mutations carry an Idempotency-Key (a fresh one per call unless given): a retry after a
    # dropped connection replays the first answer — a retried call-next never calls a second
    # ticket. Pass your own `idempotency_key` to retry a logical action yourself.

    async def _queue_ticket(
        self, path: str, body: Any = None, idempotency_key: str | None = None
    ) -> Ticket | None:
        data = await self.request(
            "POST", path, json=body, idempotency_key=idempotency_key or new_idempotency_key()
        )
        return Ticket.of(data) if data else None

    async def _queue_ticket_required(
        self, path: str, body: Any = None, idempotency_key: str | None = None
    ) -> Ticket:
        ticket = await self._queue_ticket(path, body, idempotency_key)
        if ticket is None:
            raise HallClientError("bad_response", i18n.t("client.error.bad_response"))
        return ticket

    async def issue_ticket(
        self, category: str, priority: str | None = None, *, idempotency_key: str | None = None
    ) -> Ticket:
        """取号 (kiosk: works without a token when the hall allows it)."""
        return await self._queue_ticket_required(
            "/tickets", {"category": category, "priority": priority}, idempotency_key
        )

    async def call_next(
        self, window_no: int, *, idempotency_key: str | None = None
    ) -> Ticket | None:
        """叫号: the ticket now called at this window, or None when nothing waits."""
        return await self._queue_ticket(f"/windows/{window_no}/call-next", None, idempotency_key)

    async def call_number(
        self, window_no: int, number: str, *, idempotency_key: str | None = None
    ) -> Ticket:
        """指定叫号 (also a no-show)."""
        return await self._queue_ticket_required(
            f"/windows/{window_no}/call-number", {"number": number}, idempotency_key
        )

    async def recall(
        self, window_no: int, ticket_id: int | None = None, *, idempotency_key: str | None = None
    ) -> Ticket:
        """重呼 the window's current ticket (counted in `recalls`)."""
        return await self._queue_ticket_required(
            f"/windows/{window_no}/recall", {"ticket_id": ticket_id}, idempotency_key
        )

    async def no_show(
        self, window_no: int, ticket_id: int | None = None, *, idempotency_key: str | None = None
    ) -> Ticket:
        """过号."""
        return await self._queue_ticket_required(
            f"/windows/{window_no}/no-show", {"ticket_id": ticket_id}, idempotency_key
        )

    async def start(
        self, window_no: int, ticket_id: int | None = None, *, idempotency_key: str | None = None
    ) -> Ticket:
        """The applicant is at the window: serving starts."""
        return await self._queue_ticket_required(
            f"/windows/{window_no}/start", {"ticket_id": ticket_id}, idempotency_key
        )

    async def finish(
        self,
        window_no: int,
        cases: tuple[str, ...] | list[str] = (),
        ticket_id: int | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Ticket:
        """办结, with the ids of the cases handled."""
        return await self._queue_ticket_required(
            f"/windows/{window_no}/finish",
            {"ticket_id": ticket_id, "cases": list(cases)},
            idempotency_key,
        )

    async def transfer(
        self,
        window_no: int,
        *,
        category: str | None = None,
        window: int | None = None,
        ticket_id: int | None = None,
        idempotency_key: str | None = None,
    ) -> Ticket:
        """转移 the window's ticket to another category and/or window (keeps its issue time)."""
        return await self._queue_ticket_required(
            f"/windows/{window_no}/transfer",
            {"ticket_id": ticket_id, "category": category, "window": window},
            idempotency_key,
        )

    async def walk_in(
        self,
        window_no: int,
        category: str,
        priority: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> Ticket:
        """登记无号: a ticket issued and served at this window at once."""
        return await self._queue_ticket_required(
            f"/windows/{window_no}/walk-in",
            {"category": category, "priority": priority},
            idempotency_key,
        )

    async def reactivate(self, ticket_id: int, *, idempotency_key: str | None = None) -> Ticket:
        """A no-show back into the queue (waiting, flagged reactivated)."""
        return await self._queue_ticket_required(
            f"/tickets/{ticket_id}/reactivate", None, idempotency_key
        )

    async def transfer_ticket(
        self,
        ticket_id: int,
        *,
        category: str | None = None,
        window: int | None = None,
        idempotency_key: str | None = None,
    ) -> Ticket:
        """Supervisor: move a waiting ticket to another category and/or window."""
        return await self._queue_ticket_required(
            f"/tickets/{ticket_id}/transfer",
            {"category": category, "window": window},
            idempotency_key,
        )

    async def pause(
        self, window_no: int, reason: str, *, idempotency_key: str | None = None
    ) -> WindowPause:
        data = await self.request(
            "POST",
            f"/windows/{window_no}/pause",
            json={"reason": reason},
            idempotency_key=idempotency_key or new_idempotency_key(),
        )
        return WindowPause.of(data)

    async def resume(self, window_no: int, *, idempotency_key: str | None = None) -> WindowPause:
        data = await self.request(
            "POST",
            f"/windows/{window_no}/resume",
            idempotency_key=idempotency_key or new_idempotency_key(),
        )
        return WindowPause.of(data)

    async def queue_status(self) -> QueueStatus:
        """Waiting counts per category, windows' current tickets and pause states, and the
        event id to resume `events()` from."""
        return QueueStatus.of(await self.request("GET", "/queue"))

    async def ticket(self, ticket_id: int) -> Ticket:
        """A ticket with its history and, while it waits, people ahead and estimated wait."""
        return Ticket.of(await self.request("GET", f"/tickets/{ticket_id}"))

    async def tickets(
        self,
        status: tuple[str, ...] | list[str] = (),
        category: str | None = None,
        day: date | None = None,
    ) -> list[Ticket]:
        """Today's tickets in queue order (e.g. status=("waiting", "transferred"))."""
        params: dict[str, Any] = {"status": list(status)}
        if category:
            params["category"] = category
        if day:
            params["day"] = day.isoformat()
        return [Ticket.of(t) for t in await self.request("GET", "/tickets", params=params)]

    async def appointments(self, day: date | None = None) -> list[Appointment]:
        params = {"day": day.isoformat()} if day else None
        return [
            Appointment.of(a) for a in await self.request("GET", "/appointments", params=params)
        ]

    async def book_appointment(
        self,
        category: str,
        slot_start: datetime,
        name: str,
        *,
        slot_end: datetime | None = None,
        id_number: str | None = None,
        idempotency_key: str | None = None,
    ) -> Appointment:
        data = await self.request(
            "POST",
            "/appointments",
            json={
                "category": category,
                "slot_start": slot_start.isoformat(),
                "slot_end": slot_end.isoformat() if slot_end else None,
                "name": name,
                "id_number": id_number,
            },
            idempotency_key=idempotency_key or new_idempotency_key(),
        )
        return Appointment.of(data)

    async def check_in(
        self,
        *,
        code: str | None = None,
        id_number: str | None = None,
        idempotency_key: str | None = None,
    ) -> Ticket:
        """预约签到 at the kiosk: the appointment becomes a ticket (`ticket.appointment`)."""
        return await self._queue_ticket_required(
            "/appointments/check-in", {"code": code, "id_number": id_number}, idempotency_key
        )

    async def events(
        self,
        last_event_id: int | None = None,
        *,
        public: bool = False,
        max_backoff: float = 5.0,
        read_timeout: float = 45.0,
    ) -> AsyncIterator[Event]:
        """The hall's live events, forever: reconnects by itself after a dropped connection
        (backoff up to `max_backoff` s) and resumes with Last-Event-ID, so nothing is lost.
        Start from `QueueStatus.last_event_id` to miss nothing after a `queue_status()`.
        Auth problems (401/403) end it with the usual HallClientError subclass."""
        from httpx_sse import SSEError, aconnect_sse

        cursor = last_event_id
        delay = 0.1
        timeout = httpx.Timeout(self.http.timeout.connect, read=read_timeout)
        while True:
            headers = self.headers(auth=not public)
            if cursor is not None:
                headers["Last-Event-ID"] = str(cursor)
            params = {"public": "1"} if public else None
            try:
                async with aconnect_sse(
                    self.http,
                    "GET",
                    f"{API}/events",
                    headers=headers,
                    params=params,
                    timeout=timeout,
                ) as source:
                    response = source.response
                    if response.status_code >= 400:
                        await response.aread()
                        error = _error_from(response)
                        if response.status_code not in RETRY_STATUSES:
                            raise error
                    else:
                        delay = 0.1
                        async for sse in source.aiter_sse():
                            if not sse.data:
                                continue
                            event = Event.of(sse.id, sse.event, sse.data)
                            if event.id:
                                cursor = event.id
                            yield event
            except (httpx.TransportError, SSEError):
                pass  # dropped: reconnect below, resuming after `cursor`
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_backoff)


# --- queue data ------------------------------------------------------------------------------


def _opt_dt(value: Any) -> datetime | None:
    return parse_instant(str(value)) if value else None


@dataclass(frozen=True)
class TicketStep:
    """One change in a ticket's history."""

    at: datetime
    actor: str
    window_no: int | None
    action: str
    from_status: str | None
    to_status: str

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> TicketStep:
        return cls(
            at=parse_instant(str(data["at"])),
            actor=str(data["actor"]),
            window_no=data.get("window_no"),
            action=str(data["action"]),
            from_status=data.get("from_status"),
            to_status=str(data["to_status"]),
        )


@dataclass(frozen=True)
class Appointment:
    id: int
    code: str
    category: str
    slot_start: datetime
    slot_end: datetime
    name: str
    id_masked: str | None
    status: str
    ticket_id: int | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Appointment:
        return cls(
            id=int(data["id"]),
            code=str(data["code"]),
            category=str(data["category"]),
            slot_start=parse_instant(str(data["slot_start"])),
            slot_end=parse_instant(str(data["slot_end"])),
            name=str(data["name"]),
            id_masked=data.get("id_masked"),
            status=str(data["status"]),
            ticket_id=data.get("ticket_id"),
        )


@dataclass(frozen=True)
class Ticket:
    id: int
    number: str
    category: str
    status: str
    issued_at: datetime
    queue_time: datetime
    category_name: str = ""
    issued_category: str = ""
    priority: str | None = None
    walk_in: bool = False
    reactivated: bool = False
    appointment_at: datetime | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    window_no: int | None = None
    last_window_no: int | None = None
    target_window: int | None = None
    recalls: int = 0
    calls: int = 0
    cases: tuple[str, ...] = ()
    people_ahead: int | None = None
    estimated_wait_minutes: int | None = None
    history: tuple[TicketStep, ...] = ()
    appointment: Appointment | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Ticket:
        return cls(
            id=int(data["id"]),
            number=str(data["number"]),
            category=str(data["category"]),
            status=str(data["status"]),
            issued_at=parse_instant(str(data["issued_at"])),
            queue_time=parse_instant(str(data["queue_time"])),
            category_name=str(data.get("category_name", "")),
            issued_category=str(data.get("issued_category", data["category"])),
            priority=data.get("priority"),
            walk_in=bool(data.get("walk_in", False)),
            reactivated=bool(data.get("reactivated", False)),
            appointment_at=_opt_dt(data.get("appointment_at")),
            called_at=_opt_dt(data.get("called_at")),
            started_at=_opt_dt(data.get("started_at")),
            finished_at=_opt_dt(data.get("finished_at")),
            window_no=data.get("window_no"),
            last_window_no=data.get("last_window_no"),
            target_window=data.get("target_window"),
            recalls=int(data.get("recalls", 0)),
            calls=int(data.get("calls", 0)),
            cases=tuple(str(c) for c in data.get("cases") or ()),
            people_ahead=data.get("people_ahead"),
            estimated_wait_minutes=data.get("estimated_wait_minutes"),
            history=tuple(TicketStep.of(h) for h in data.get("history") or ()),
            appointment=Appointment.of(data["appointment"]) if data.get("appointment") else None,
        )


@dataclass(frozen=True)
class WindowPause:
    number: int
    paused: bool
    pause_reason: str | None = None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> WindowPause:
        return cls(int(data["number"]), bool(data["paused"]), data.get("pause_reason"))


@dataclass(frozen=True)
class CategoryLoad:
    prefix: str
    name: str
    waiting: int
    priority_waiting: int
    estimated_wait_minutes: int
    windows: tuple[int, ...]


@dataclass(frozen=True)
class WindowLoad:
    number: int
    name: str
    categories: tuple[str, ...]
    active: bool
    paused: bool
    pause_reason: str | None
    current: Ticket | None
    waiting_for_window: int = 0


@dataclass(frozen=True)
class QueueStatus:
    day: date
    closed: bool
    last_event_id: int
    waiting_total: int
    categories: tuple[CategoryLoad, ...]
    windows: tuple[WindowLoad, ...]

    def waiting(self, prefix: str) -> int:
        return next((c.waiting for c in self.categories if c.prefix == prefix), 0)

    def window(self, number: int) -> WindowLoad | None:
        return next((w for w in self.windows if w.number == number), None)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> QueueStatus:
        return cls(
            day=date.fromisoformat(str(data["day"])),
            closed=bool(data["closed"]),
            last_event_id=int(data["last_event_id"]),
            waiting_total=int(data["waiting_total"]),
            categories=tuple(
                CategoryLoad(
                    prefix=str(c["prefix"]),
                    name=str(c["name"]),
                    waiting=int(c["waiting"]),
                    priority_waiting=int(c["priority_waiting"]),
                    estimated_wait_minutes=int(c["estimated_wait_minutes"]),
                    windows=tuple(int(n) for n in c["windows"]),
                )
                for c in data["categories"]
            ),
            windows=tuple(
                WindowLoad(
                    number=int(w["number"]),
                    name=str(w["name"]),
                    categories=tuple(str(p) for p in w["categories"]),
                    active=bool(w["active"]),
                    paused=bool(w["paused"]),
                    pause_reason=w.get("pause_reason"),
                    current=Ticket.of(w["current"]) if w.get("current") else None,
                    waiting_for_window=int(w.get("waiting_for_window", 0)),
                )
                for w in data["windows"]
            ),
        )


@dataclass(frozen=True)
class Event:
    """One live event: `type` is e.g. "ticket.called"; `data` its payload (see
    services/hall/queue/README.md); `id` what Last-Event-ID resumes after."""

    id: int
    type: str
    data: dict[str, Any]

    @property
    def at(self) -> datetime | None:
        return _opt_dt(self.data.get("at"))

    @classmethod
    def of(cls, id_: str | None, type_: str, data: str) -> Event:
        try:
            payload = json.loads(data)
        except ValueError:
            payload = {"raw": data}
        if not isinstance(payload, dict):
            payload = {"value": payload}
        try:
            number = int(id_) if id_ else 0
        except ValueError:
            number = 0
        return cls(id=number, type=type_, data=payload)
