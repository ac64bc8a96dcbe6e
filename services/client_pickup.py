"""The hall client's case follow-up methods (mixed into services.client.HallClient): the case's
work view, 需补正 resubmission, 出件 (ready, hand over, mail), worklists and deadline flags.
Built on `HallClient.request()`; no import of services.hall.

Errors arrive as services.client.HallClientError (or a subclass); switch on `.code`:

    casework.not_correctable        only a case at 需补正 can be resubmitted
    casework.correction_incomplete  `.extra["missing"]`: materials the back office asked for
    casework.not_ready              no result yet (or already handed over / mailed)
    casework.collector_not_allowed  neither the applicant nor an agent with a power of attorney
    casework.bad_collector_id       `.extra["problem"]`
    casework.bad_tracking_no
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from clerk.clock import parse_instant
from services.client_cases import CaseRecord, CaseSummary

NOT_CORRECTABLE = "casework.not_correctable"
CORRECTION_INCOMPLETE = "casework.correction_incomplete"
NOT_READY = "casework.not_ready"
COLLECTOR_NOT_ALLOWED = "casework.collector_not_allowed"

CASE_EVENT = "case.status"
CASE_CREATED = "case.created"


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _dt(value: Any) -> datetime | None:
    return parse_instant(str(value)) if value else None


@dataclass(frozen=True)
class DeadlineFlag:
    state: str  # none / ok / near / overdue (clerk.deadlines.DeadlineState)
    promised: date | None = None
    workdays_left: int | None = None
    workdays_over: int | None = None

    @property
    def flagged(self) -> bool:
        return self.state in ("near", "overdue")

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> DeadlineFlag:
        data = data or {}
        return cls(
            state=str(data.get("state") or "none"),
            promised=_date(data.get("promised")),
            workdays_left=data.get("workdays_left"),
            workdays_over=data.get("workdays_over"),
        )


@dataclass(frozen=True)
class Correction:
    materials_needed: tuple[str, ...]
    note: str
    at: datetime | None
    open: bool
    rounds: int

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> Correction | None:
        if not data:
            return None
        return cls(
            materials_needed=tuple(str(m) for m in data.get("materials_needed") or ()),
            note=str(data.get("note") or ""),
            at=_dt(data.get("at")),
            open=bool(data.get("open")),
            rounds=int(data.get("rounds") or 0),
        )


@dataclass(frozen=True)
class CaseWork:
    """A case as the case view shows it: the record, its deadline, what the back office asked
    for, the result, how it was handed over or mailed, what can be done now, and the event id to
    follow the live stream from."""

    case: CaseRecord
    deadline: DeadlineFlag
    correction: Correction | None
    result: dict[str, Any]
    handover: dict[str, Any] | None
    mail: dict[str, Any] | None
    actions: tuple[str, ...]
    event_cursor: int
    record: dict[str, Any] = field(default_factory=dict)  # what the last action recorded

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> CaseWork:
        work = data.get("work") or {}
        return cls(
            case=CaseRecord.of(data["case"]),
            deadline=DeadlineFlag.of(work.get("deadline")),
            correction=Correction.of(work.get("correction")),
            result=dict(work.get("result") or {}),
            handover=work.get("handover"),
            mail=work.get("mail"),
            actions=tuple(str(a) for a in work.get("actions") or ()),
            event_cursor=int(data.get("event_cursor") or 0),
            record=dict(data.get("record") or {}),
        )


@dataclass(frozen=True)
class WorkRow(CaseSummary):
    deadline: DeadlineFlag = field(default_factory=lambda: DeadlineFlag("none"))
    delivery_method: str = "pickup"

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> WorkRow:
        summary = CaseSummary.of(data)
        return cls(
            **summary.__dict__,
            deadline=DeadlineFlag.of(data.get("deadline")),
            delivery_method=str(data.get("delivery_method") or "pickup"),
        )


@dataclass(frozen=True)
class Worklist:
    ready_for_pickup: tuple[WorkRow, ...]
    to_mail: tuple[WorkRow, ...]
    needs_correction: tuple[WorkRow, ...]
    deadline: tuple[WorkRow, ...]
    recent: tuple[WorkRow, ...]

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Worklist:
        def rows(name: str) -> tuple[WorkRow, ...]:
            return tuple(WorkRow.of(r) for r in data.get(name) or ())

        return cls(
            ready_for_pickup=rows("ready_for_pickup"),
            to_mail=rows("to_mail"),
            needs_correction=rows("needs_correction"),
            deadline=rows("deadline"),
            recent=rows("recent"),
        )


def _key() -> str:
    return uuid.uuid4().hex


class PickupApi:
    """Mixin: needs `request()` from services.client.HallClient."""

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

    async def case_work(self, case_no: str) -> CaseWork:
        return CaseWork.of(await self.request("GET", f"/cases/{case_no.strip()}/work"))

    async def resubmit(
        self,
        case_no: str,
        received: Sequence[str],
        *,
        note: str = "",
        idempotency_key: str | None = None,
    ) -> CaseWork:
        """补正后重新提交 under the same case number (a new delivery to the back office)."""
        data = await self.request(
            "POST",
            f"/cases/{case_no.strip()}/resubmit",
            json={"received": list(received), "note": note},
            idempotency_key=idempotency_key or _key(),
        )
        return CaseWork.of(data)

    async def mark_ready(self, case_no: str, *, note: str = "") -> CaseWork:
        data = await self.request(
            "POST", f"/cases/{case_no.strip()}/ready", json={"note": note}, idempotency_key=_key()
        )
        return CaseWork.of(data)

    async def hand_over(
        self,
        case_no: str,
        *,
        collector_name: str,
        collector_id_number: str,
        collector_id_type: str = "resident_id",
        authorization_received: bool = False,
        note: str = "",
        idempotency_key: str | None = None,
    ) -> CaseWork:
        """出件: the collector is checked by the hall; `.record` holds what was recorded."""
        data = await self.request(
            "POST",
            f"/cases/{case_no.strip()}/handover",
            json={
                "collector_name": collector_name,
                "collector_id_type": collector_id_type,
                "collector_id_number": collector_id_number,
                "authorization_received": authorization_received,
                "note": note,
            },
            idempotency_key=idempotency_key or _key(),
        )
        return CaseWork.of(data)

    async def mail_result(
        self,
        case_no: str,
        *,
        tracking_no: str,
        carrier: str = "",
        address: str | None = None,
        recipient: str | None = None,
        phone: str | None = None,
        idempotency_key: str | None = None,
    ) -> CaseWork:
        data = await self.request(
            "POST",
            f"/cases/{case_no.strip()}/mail",
            json={
                "tracking_no": tracking_no,
                "carrier": carrier,
                "address": address,
                "recipient": recipient,
                "phone": phone,
            },
            idempotency_key=idempotency_key or _key(),
        )
        return CaseWork.of(data)

    async def worklist(self, *, window_no: int | None = None) -> Worklist:
        params = {"window_no": window_no} if window_no is not None else None
        return Worklist.of(await self.request("GET", "/worklist", params=params))

    async def deadline_cases(self, *, near: bool = True, limit: int = 200) -> list[WorkRow]:
        """Open cases over (and, with `near`, close to) their promised date."""
        data = await self.request(
            "GET",
            "/worklist/deadlines",
            params={"near": "true" if near else "false", "limit": limit},
        )
        return [WorkRow.of(r) for r in data]
