"""The hall client's supervisor methods (mixed into services.client.HallClient): the dashboard
snapshot, the supervisor's actions and the daily report. Built on `HallClient.request()`; no
import of services.hall. Mutations carry a fresh Idempotency-Key (retried safely).

The dashboard's live part: `dashboard()` gives the facts and the figures; build a
`clerk.dashboard.Dashboard.from_snapshot(snapshot)` and feed it `events(last_event_id=
snapshot.last_event_id)`; `dashboard_live()` reads what the stream does not carry (who is signed
in at each window, hand-off counts)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    # imported where used: the login screen needs the client, not the supervisor's figures
    from clerk import dashboard as dash
    from clerk import reports


def _key() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class DashboardAnswer:
    snapshot: dash.Snapshot
    figures: dash.Figures


@dataclass(frozen=True)
class LiveFacts:
    clerks: dict[int, str]
    pending: int
    dead: int


@dataclass(frozen=True)
class WindowState:
    number: int
    name: str
    active: bool
    categories: tuple[str, ...]

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> WindowState:
        return cls(
            int(data["number"]),
            str(data["name"]),
            bool(data["active"]),
            tuple(str(c) for c in data.get("categories") or ()),
        )


@dataclass(frozen=True)
class Moved:
    source: str
    target: str
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class Retried:
    ids: tuple[int, ...]
    pending: int
    dead: int


class SupervisorApi:
    """Mixin: needs `request(method, path, *, json=None, params=None, idempotency_key=None)`."""

    if TYPE_CHECKING:  # provided by services.client.HallClient

        async def request(
            self,
            method: str,
            path: str,
            *,
            json: Any = None,
            params: Mapping[str, Any] | None = None,
            idempotency_key: str | None = None,
            auth: bool = True,
        ) -> Any: ...

    async def dashboard(self) -> DashboardAnswer:
        from clerk import dashboard as dash

        data = await self.request("GET", "/dashboard")
        return DashboardAnswer(
            dash.snapshot_from_dict(data["snapshot"]), dash.figures_from_dict(data["figures"])
        )

    async def dashboard_live(self) -> LiveFacts:
        data = await self.request("GET", "/dashboard/live")
        return LiveFacts(
            clerks={int(k): str(v) for k, v in (data.get("clerks") or {}).items()},
            pending=int(data.get("pending", 0)),
            dead=int(data.get("dead", 0)),
        )

    async def open_window(self, number: int) -> WindowState:
        data = await self.request(
            "POST", f"/supervisor/windows/{number}/open", idempotency_key=_key()
        )
        return WindowState.of(data)

    async def close_window(self, number: int) -> WindowState:
        data = await self.request(
            "POST", f"/supervisor/windows/{number}/close", idempotency_key=_key()
        )
        return WindowState.of(data)

    async def set_window_serving(self, number: int, categories: Sequence[str]) -> WindowState:
        """The categories window `number` serves, primary first (a live event follows)."""
        data = await self.request(
            "PUT",
            f"/supervisor/windows/{number}/categories",
            json={"categories": list(categories)},
            idempotency_key=_key(),
        )
        return WindowState.of(data)

    async def move_waiting(self, source: str, target: str, count: int | None = None) -> Moved:
        """Move the `count` longest-waiting tickets (all when None) of category `source`."""
        data = await self.request(
            "POST",
            "/supervisor/move",
            json={"from": source, "to": target, "count": count},
            idempotency_key=_key(),
        )
        return Moved(str(data["from"]), str(data["to"]), tuple(str(n) for n in data["moved"]))

    async def broadcast(self, message: str, windows: Sequence[int] | None = None) -> dict[str, Any]:
        """A message to every window (or those named): they receive `window.broadcast`."""
        data: dict[str, Any] = await self.request(
            "POST",
            "/supervisor/broadcast",
            json={"message": message, "windows": list(windows) if windows else None},
            idempotency_key=_key(),
        )
        return data

    async def retry_dead_handoffs(self, department: str | None = None) -> Retried:
        data = await self.request(
            "POST",
            "/supervisor/handoff/retry-dead",
            params={"department": department} if department else None,
            idempotency_key=_key(),
        )
        return Retried(
            tuple(int(i) for i in data["retried"]), int(data["pending"]), int(data["dead"])
        )

    async def daily_report(
        self, day: date | None = None, to: date | None = None
    ) -> reports.DailyReport:
        params: dict[str, str] = {}
        if day is not None:
            params["date"] = day.isoformat()
        if to is not None:
            params["to"] = to.isoformat()
        from clerk import reports

        data = await self.request("GET", "/reports/daily", params=params or None)
        return reports.report_from_dict(data)
