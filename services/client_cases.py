"""The hall client's cases methods (mixed into services.client.HallClient): drafts, decisions,
visits, case lookup. Built on `HallClient.request()`; no import of services.hall.

Errors arrive as services.client.HallClientError (or a subclass); switch on `.code`:

    drafts.version_conflict  someone saved the draft since; `.extra["current"]` is its version
    drafts.closed            the draft was decided or discarded; `.extra["visit_id"]`
    cases.cannot_accept      the hall's verdict forbids accepting; `.extra["reasons"]` (list of
                             {key, text, ...}), `.extra["missing"]`, `.extra["item"]`
    cases.nothing_missing    一次性告知 for a complete file
    validation.* / cases.*   a field problem; `.extra["field"]` where there is one
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from clerk.clock import parse_instant

VERSION_CONFLICT = "drafts.version_conflict"
DRAFT_CLOSED = "drafts.closed"
CANNOT_ACCEPT = "cases.cannot_accept"
NOTHING_MISSING = "cases.nothing_missing"


def _dt(value: Any) -> datetime:
    return parse_instant(str(value))


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


@dataclass(frozen=True)
class DraftSaved:
    id: str
    version: int
    updated_at: datetime

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> DraftSaved:
        return cls(str(data["id"]), int(data["version"]), _dt(data["updated_at"]))


@dataclass(frozen=True)
class DraftSummary:
    id: str
    status: str
    version: int
    ticket_id: int | None
    created_by: str
    updated_by: str
    updated_at: datetime
    window_no: int | None
    applicant_name: str
    applicant_id_masked: str | None
    theme: str | None
    items: tuple[str, ...]
    visit_id: int | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> DraftSummary:
        return cls(
            id=str(data["id"]),
            status=str(data["status"]),
            version=int(data["version"]),
            ticket_id=data.get("ticket_id"),
            created_by=str(data["created_by"]),
            updated_by=str(data["updated_by"]),
            updated_at=_dt(data["updated_at"]),
            window_no=data.get("window_no"),
            applicant_name=str(data.get("applicant_name") or ""),
            applicant_id_masked=data.get("applicant_id_masked"),
            theme=data.get("theme"),
            items=tuple(str(i) for i in data.get("items") or ()),
            visit_id=data.get("visit_id"),
        )


@dataclass(frozen=True)
class Draft(DraftSummary):
    """A draft with its whole form state, as it was saved."""

    state: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Draft:
        summary = DraftSummary.of(data)
        return cls(**summary.__dict__, state=dict(data.get("state") or {}))


@dataclass(frozen=True)
class Promised:
    limit: str | None
    date: date | None
    estimated: bool
    note: str | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> Promised:
        return cls(
            limit=data.get("limit"),
            date=_date(data.get("date")),
            estimated=bool(data.get("estimated")),
            note=data.get("note"),
        )


@dataclass(frozen=True)
class CaseEvent:
    at: datetime
    actor: str
    window_no: int | None
    from_status: str | None
    to_status: str
    note: str
    data: dict[str, Any]


@dataclass(frozen=True)
class CaseRecord:
    """One case as the hall shows it (applicant ID and phone masked)."""

    case_no: str
    visit_id: int
    item_code: str
    item_name: str
    department: str
    department_name: str
    handling: str
    decision: str
    status: str
    applicant: dict[str, Any]
    agent: dict[str, Any] | None
    answers: dict[str, Any]
    materials: list[dict[str, Any]]
    fields: dict[str, Any]
    missing: list[dict[str, Any]]
    refusal: dict[str, Any] | None
    delivery: dict[str, Any]
    note: str
    clerk: str
    window_no: int | None
    ticket_id: int | None
    catalog_version: str
    decided_at: datetime
    promised: Promised
    completed_at: datetime | None
    events: tuple[CaseEvent, ...]
    follows_notice: str | None = None  # the 一次性告知 this case answers (a second visit)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> CaseRecord:
        item = data["item"]
        return cls(
            case_no=str(data["case_no"]),
            visit_id=int(data["visit_id"]),
            item_code=str(item["code"]),
            item_name=str(item["name"]),
            department=str(item["department"]),
            department_name=str(item["department_name"]),
            handling=str(item["handling"]),
            decision=str(data["decision"]),
            status=str(data["status"]),
            applicant=dict(data.get("applicant") or {}),
            agent=data.get("agent"),
            answers=dict(data.get("answers") or {}),
            materials=list(data.get("materials") or []),
            fields=dict(data.get("fields") or {}),
            missing=list(data.get("missing") or []),
            refusal=data.get("refusal"),
            delivery=dict(data.get("delivery") or {}),
            note=str(data.get("note") or ""),
            clerk=str(data["clerk"]),
            window_no=data.get("window_no"),
            ticket_id=data.get("ticket_id"),
            catalog_version=str(data["catalog_version"]),
            decided_at=_dt(data["decided_at"]),
            promised=Promised.of(data.get("promised") or {}),
            completed_at=_dt(data["completed_at"]) if data.get("completed_at") else None,
            follows_notice=data.get("follows_notice") or None,
            events=tuple(
                CaseEvent(
                    at=_dt(e["at"]),
                    actor=str(e["actor"]),
                    window_no=e.get("window_no"),
                    from_status=e.get("from_status"),
                    to_status=str(e["to_status"]),
                    note=str(e.get("note") or ""),
                    data=dict(e.get("data") or {}),
                )
                for e in data.get("events") or ()
            ),
        )


@dataclass(frozen=True)
class CaseSummary:
    case_no: str
    visit_id: int
    item_code: str
    item_name: str
    decision: str
    status: str
    applicant_name: str
    applicant_id_masked: str | None
    phone_masked: str | None
    decided_at: datetime
    promised_date: date | None
    promised_estimated: bool
    window_no: int | None
    ticket_id: int | None

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> CaseSummary:
        return cls(
            case_no=str(data["case_no"]),
            visit_id=int(data["visit_id"]),
            item_code=str(data["item_code"]),
            item_name=str(data["item_name"]),
            decision=str(data["decision"]),
            status=str(data["status"]),
            applicant_name=str(data["applicant_name"]),
            applicant_id_masked=data.get("applicant_id_masked"),
            phone_masked=data.get("phone_masked"),
            decided_at=_dt(data["decided_at"]),
            promised_date=_date(data.get("promised_date")),
            promised_estimated=bool(data.get("promised_estimated")),
            window_no=data.get("window_no"),
            ticket_id=data.get("ticket_id"),
        )


@dataclass(frozen=True)
class VisitRecord:
    """One decision at a window: the cases of one applicant, printed on one receipt."""

    id: int
    draft_id: str | None
    ticket_id: int | None
    clerk: str
    window_no: int | None
    decided_at: datetime
    applicant_name: str
    catalog_version: str
    cases: tuple[CaseRecord, ...]

    @property
    def case_numbers(self) -> tuple[str, ...]:
        return tuple(c.case_no for c in self.cases)

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> VisitRecord:
        return cls(
            id=int(data["id"]),
            draft_id=data.get("draft_id"),
            ticket_id=data.get("ticket_id"),
            clerk=str(data["clerk"]),
            window_no=data.get("window_no"),
            decided_at=_dt(data["decided_at"]),
            applicant_name=str(data["applicant_name"]),
            catalog_version=str(data["catalog_version"]),
            cases=tuple(CaseRecord.of(c) for c in data.get("cases") or ()),
        )


@dataclass(frozen=True)
class ItemDecision:
    """The clerk's decision on one item: accept / notice (一次性告知) / refuse (不予受理)."""

    item: str
    decision: str
    refusal_reason: str | None = None
    reason: str | None = None
    legal_basis: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "decision": self.decision,
            "refusal_reason": self.refusal_reason,
            "reason": self.reason,
            "legal_basis": self.legal_basis,
            "note": self.note,
        }


def _key() -> str:
    return uuid.uuid4().hex


class DraftsClient(Protocol):
    """What the intake screen asks of the hall: drafts and decisions. HallClient (through
    CasesApi) and a practice attempt's services.client_practice.PracticeIntakeClient both are."""

    async def drafts(self, *, ticket_id: int | None = None) -> list[DraftSummary]: ...

    async def get_draft(self, draft_id: str) -> Draft: ...

    async def create_draft(
        self, state: Mapping[str, Any] | None = None, *, ticket_id: int | None = None
    ) -> Draft: ...

    async def save_draft(
        self,
        draft_id: str,
        version: int,
        state: Mapping[str, Any],
        *,
        ticket_id: int | None = None,
    ) -> DraftSaved: ...

    async def decide(
        self,
        draft_id: str,
        decisions: Sequence[ItemDecision | Mapping[str, Any]],
        *,
        draft_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> VisitRecord: ...

    async def second_visit(self, notice_no: str, *, ticket_id: int | None = None) -> Draft: ...


@runtime_checkable
class CaseFinder(Protocol):
    """The applicant's earlier cases, for 多表合一 (HallClient is one; a practice attempt is
    not: its sandbox never reads real cases)."""

    async def find_cases(
        self, q: str | None = None, *, ticket_id: int | None = None, limit: int = 50
    ) -> list[CaseSummary]: ...

    async def case(self, case_no: str) -> CaseRecord: ...


class CasesApi:
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

    # --- drafts --------------------------------------------------------------------------------

    async def create_draft(
        self, state: Mapping[str, Any] | None = None, *, ticket_id: int | None = None
    ) -> Draft:
        data = await self.request(
            "POST",
            "/drafts",
            json={"ticket_id": ticket_id, "state": dict(state or {})},
            idempotency_key=_key(),
        )
        return Draft.of(data)

    async def save_draft(
        self,
        draft_id: str,
        version: int,
        state: Mapping[str, Any],
        *,
        ticket_id: int | None = None,
    ) -> DraftSaved:
        """Save the whole form made on `version`; returns the new version. Raises
        HallClientError(code="drafts.version_conflict") when someone else saved meanwhile."""
        data = await self.request(
            "PUT",
            f"/drafts/{draft_id}",
            json={"version": version, "state": dict(state), "ticket_id": ticket_id},
            idempotency_key=_key(),
        )
        return DraftSaved.of(data)

    async def second_visit(self, notice_no: str, *, ticket_id: int | None = None) -> Draft:
        """The applicant is back with the 一次性告知书 `notice_no`: a draft filled from the
        first visit (services/hall/cases/second_visit.py). Raises HallClientError with code
        casework.not_a_notice / casework.notice_answered / not_found."""
        data = await self.request(
            "POST",
            f"/notices/{notice_no}/second-visit",
            json={"ticket_id": ticket_id},
            idempotency_key=_key(),
        )
        return Draft.of(data)

    async def get_draft(self, draft_id: str) -> Draft:
        return Draft.of(await self.request("GET", f"/drafts/{draft_id}"))

    async def drafts(
        self,
        *,
        ticket_id: int | None = None,
        clerk: str | None = None,
        everyone: bool = False,
    ) -> list[DraftSummary]:
        """Open drafts: the caller's (default), a ticket's, a clerk's, or the whole hall's."""
        params: dict[str, Any] = {}
        if ticket_id is not None:
            params["ticket_id"] = ticket_id
        if clerk:
            params["clerk"] = clerk
        if everyone:
            params["all"] = "true"
        data = await self.request("GET", "/drafts", params=params)
        return [DraftSummary.of(d) for d in data]

    async def discard_draft(self, draft_id: str, version: int | None = None) -> DraftSummary:
        data = await self.request(
            "DELETE",
            f"/drafts/{draft_id}",
            params={"version": version} if version is not None else None,
            idempotency_key=_key(),
        )
        return DraftSummary.of(data)

    # --- decisions and lookup -----------------------------------------------------------------

    async def decide(
        self,
        draft_id: str,
        decisions: Sequence[ItemDecision | Mapping[str, Any]],
        *,
        draft_version: int | None = None,
        idempotency_key: str | None = None,
    ) -> VisitRecord:
        """Decide every item of the draft: one case per item, one visit (one receipt). Keep the
        `idempotency_key` to retry after a lost answer: the retry returns the same cases."""
        body = {
            "draft_id": draft_id,
            "draft_version": draft_version,
            "decisions": [
                d.to_json() if isinstance(d, ItemDecision) else dict(d) for d in decisions
            ],
        }
        data = await self.request(
            "POST", "/visits", json=body, idempotency_key=idempotency_key or _key()
        )
        return VisitRecord.of(data)

    async def visit(self, visit_id: int) -> VisitRecord:
        return VisitRecord.of(await self.request("GET", f"/visits/{visit_id}"))

    async def case(self, case_no: str) -> CaseRecord:
        return CaseRecord.of(await self.request("GET", f"/cases/{case_no.strip()}"))

    async def find_cases(
        self, q: str | None = None, *, ticket_id: int | None = None, limit: int = 50
    ) -> list[CaseSummary]:
        """By case number (typed or scanned), applicant ID number / USCC, or phone; exact.
        Sent in a POST body: an ID number or phone never goes into a URL (or an access log)."""
        body: dict[str, Any] = {"limit": limit, "q": q or None, "ticket_id": ticket_id}
        found = await self.request("POST", "/cases/search", json=body)
        return [CaseSummary.of(c) for c in found]

    async def reveal_applicant(self, case_no: str, reason: str) -> dict[str, Any]:
        """The full applicant (ID, phone) and agent of a case; the reason is audited."""
        data = await self.request(
            "POST",
            f"/cases/{case_no.strip()}/reveal",
            json={"reason": reason},
            idempotency_key=_key(),
        )
        return {"applicant": data["applicant"], "agent": data.get("agent")}
