"""Request and response bodies of the cases room (drafts, visits/decisions, cases).

A draft's `state` is the intake form as the clerk has it right now — possibly half typed, so it
is validated loosely (every field optional, unknown keys kept). The decision reads it strictly.
Responses never carry a full ID or phone number except `/cases/{no}/reveal` (audited).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from clerk import i18n
from clerk.identity import IdType, mask_id, mask_phone, validate_id, validate_phone
from services.hall.cases.models import Case, CaseEvent, Draft, Visit

AnswerValue = bool | int | float | str

# --------------------------------------------------------------------------- the draft's state


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class PersonState(_Loose):
    name: str = ""
    id_type: str | None = None  # clerk.identity.IdType value; "uscc" for organizations
    id_number: str = ""
    phone: str = ""


class ApplicantState(PersonState):
    kind: Literal["person", "organization"] = "person"
    uscc: str = ""  # organizations: 统一社会信用代码 (then also id_number of the contact person)
    legal_rep: str = ""
    id_valid_until: str = ""
    elicenses: list[str] = Field(default_factory=list)  # e-license types the applicant holds


class AgentState(PersonState):
    authorized: bool = False  # a signed power of attorney is in hand


class MaterialMarkState(_Loose):
    state: str = "缺"  # clerk.checklist.State value (or its English name: received, missing, ...)
    due: date | None = None  # 容缺: supplied by
    note: str = ""


class DeliveryState(_Loose):
    method: Literal["pickup", "mail"] = "pickup"
    recipient: str = ""
    phone: str = ""
    address: str = ""


class DraftState(_Loose):
    applicant: ApplicantState | None = None
    agent: AgentState | None = None
    theme: str | None = None
    items: list[str] = Field(default_factory=list)
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    materials: dict[str, MaterialMarkState] = Field(default_factory=dict)  # by material name
    fields: dict[str, Any] = Field(default_factory=dict)  # 多表合一: field id -> value
    delivery: DeliveryState = Field(default_factory=DeliveryState)
    notes: str = ""


# --------------------------------------------------------------------------- drafts


class SecondVisitIn(BaseModel):
    ticket_id: int | None = None


class DraftCreateIn(BaseModel):
    ticket_id: int | None = None
    state: DraftState = Field(default_factory=DraftState)


class DraftSaveIn(BaseModel):
    version: int = Field(ge=1, description="The version this change was made on")
    state: DraftState
    ticket_id: int | None = None


class DraftSavedOut(BaseModel):
    id: str
    version: int
    updated_at: datetime

    @classmethod
    def of(cls, draft: Draft) -> DraftSavedOut:
        return cls(id=draft.id, version=draft.version, updated_at=draft.updated_at)


def _applicant_label(state: dict[str, Any]) -> tuple[str, str | None]:
    applicant = state.get("applicant") or {}
    name = str(applicant.get("name") or "")
    number = str(applicant.get("uscc") or applicant.get("id_number") or "")
    return name, (mask_id(number) if number else None)


class DraftSummaryOut(BaseModel):
    id: str
    status: str
    version: int
    ticket_id: int | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    window_no: int | None
    applicant_name: str
    applicant_id_masked: str | None
    theme: str | None
    items: list[str]
    visit_id: int | None

    @classmethod
    def of(cls, draft: Draft) -> DraftSummaryOut:
        name, masked = _applicant_label(draft.state)
        return cls(
            id=draft.id,
            status=draft.status,
            version=draft.version,
            ticket_id=draft.ticket_id,
            created_by=draft.created_by,
            created_at=draft.created_at,
            updated_by=draft.updated_by,
            updated_at=draft.updated_at,
            window_no=draft.window_no,
            applicant_name=name,
            applicant_id_masked=masked,
            theme=draft.state.get("theme"),
            items=[str(i) for i in draft.state.get("items") or []],
            visit_id=draft.visit_id,
        )


class DraftOut(DraftSummaryOut):
    """The whole form, as typed (the clerk who picks the draft up needs every field back)."""

    state: dict[str, Any]

    @classmethod
    def of(cls, draft: Draft) -> DraftOut:
        return cls(**DraftSummaryOut.of(draft).model_dump(), state=draft.state)


# --------------------------------------------------------------------------- decisions


class ItemDecisionIn(BaseModel):
    item: str
    decision: Literal["accept", "notice", "refuse"]
    refusal_reason: str | None = Field(
        None, description="不予受理: the id of one of the item's refusal reasons"
    )
    reason: str | None = Field(None, max_length=1000, description="不予受理: a reason in words")
    legal_basis: str | None = Field(None, max_length=1000)
    note: str = Field("", max_length=2000)


class VisitIn(BaseModel):
    draft_id: str
    draft_version: int | None = Field(
        None, description="When given, the draft must still be at this version"
    )
    decisions: list[ItemDecisionIn] = Field(min_length=1)


class CaseSearchIn(BaseModel):
    """A lookup in the body, so an ID number or phone never travels in a URL (docs/security.md)."""

    q: str | None = Field(None, max_length=200)
    ticket_id: int | None = None
    limit: int = Field(50, ge=1, le=200)


class RevealIn(BaseModel):
    reason: str = Field(min_length=2, max_length=500)


# --------------------------------------------------------------------------- cases out


def mask_value(value: Any) -> Any:
    """A form value with ID and mobile numbers masked (field values may hold either)."""
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, str) and len(value) >= 11:
        compact = value.replace(" ", "")
        if validate_id(IdType.RESIDENT, compact).ok:
            return mask_id(compact)
        phone = validate_phone(compact)
        if phone.ok and phone.kind == "mobile":
            return mask_phone(compact)
    return value


def masked_person(person: dict[str, Any] | None) -> dict[str, Any] | None:
    if person is None:
        return None
    out = dict(person)
    if out.get("id_number"):
        out["id_number"] = mask_id(str(out["id_number"]))
    if out.get("phone"):
        out["phone"] = mask_phone(str(out["phone"]))
    for key, value in list(out.items()):
        if key not in ("id_number", "phone", "uscc", "name"):
            out[key] = mask_value(value)
    return out


class CaseEventOut(BaseModel):
    at: datetime
    actor: str
    window_no: int | None
    from_status: str | None
    to_status: str
    note: str
    data: dict[str, Any]

    @classmethod
    def of(cls, event: CaseEvent) -> CaseEventOut:
        return cls(
            at=event.at,
            actor=event.actor,
            window_no=event.window_no,
            from_status=event.from_status,
            to_status=event.to_status,
            note=event.note,
            data=event.data,
        )


class ItemRef(BaseModel):
    code: str
    name: str
    department: str
    department_name: str
    handling: str


class Promised(BaseModel):
    limit: str | None
    date: date | None
    estimated: bool
    note: str | None

    @classmethod
    def of(cls, case: Case, lang: str = "zh-CN") -> Promised:
        note: str | None = None
        if case.promised_notes:
            sep = i18n.t("workdays.estimate.separator", lang=lang)
            note = sep.join(
                i18n.t(f"workdays.estimate.{n['source']}", lang=lang, year=n["year"])
                for n in case.promised_notes
            )
        return cls(
            limit=case.promised_limit,
            date=case.promised_date,
            estimated=case.promised_estimated,
            note=note,
        )


class CaseOut(BaseModel):
    case_no: str
    visit_id: int
    item: ItemRef
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
    events: list[CaseEventOut]
    follows_notice: str | None = None  # the 一次性告知 this case answers (a second visit)

    @classmethod
    def of(cls, case: Case, lang: str = "zh-CN") -> CaseOut:
        applicant = dict(case.applicant)
        agent = applicant.pop("agent", None)
        delivery = dict(case.delivery)
        if delivery.get("phone"):
            delivery["phone"] = mask_phone(str(delivery["phone"]))
        return cls(
            case_no=case.case_no,
            visit_id=case.visit_id,
            item=ItemRef(
                code=case.item_code,
                name=case.item_name,
                department=case.department,
                department_name=case.department_name,
                handling=case.handling,
            ),
            decision=case.decision,
            status=case.status,
            applicant=masked_person(applicant) or {},
            agent=masked_person(agent),
            answers=case.answers,
            materials=case.materials,
            fields=mask_value(case.fields),
            missing=case.missing,
            refusal=case.refusal,
            delivery=delivery,
            note=case.note,
            clerk=case.clerk,
            window_no=case.window_no,
            ticket_id=case.ticket_id,
            catalog_version=case.catalog_version,
            decided_at=case.decided_at,
            promised=Promised.of(case, lang),
            completed_at=case.completed_at,
            events=[CaseEventOut.of(e) for e in case.events],
            follows_notice=case.follows_notice,
        )


class CaseSummaryOut(BaseModel):
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
    def of(cls, case: Case) -> CaseSummaryOut:
        return cls(
            case_no=case.case_no,
            visit_id=case.visit_id,
            item_code=case.item_code,
            item_name=case.item_name,
            decision=case.decision,
            status=case.status,
            applicant_name=case.applicant_name,
            applicant_id_masked=case.id_masked,
            phone_masked=case.phone_masked,
            decided_at=case.decided_at,
            promised_date=case.promised_date,
            promised_estimated=case.promised_estimated,
            window_no=case.window_no,
            ticket_id=case.ticket_id,
        )


class VisitOut(BaseModel):
    id: int
    draft_id: str | None
    ticket_id: int | None
    clerk: str
    window_no: int | None
    decided_at: datetime
    applicant_name: str
    catalog_version: str
    case_numbers: list[str]
    cases: list[CaseOut]

    @classmethod
    def of(cls, visit: Visit, lang: str = "zh-CN") -> VisitOut:
        return cls(
            id=visit.id,
            draft_id=visit.draft_id,
            ticket_id=visit.ticket_id,
            clerk=visit.clerk,
            window_no=visit.window_no,
            decided_at=visit.decided_at,
            applicant_name=visit.applicant_name,
            catalog_version=visit.catalog_version,
            case_numbers=[c.case_no for c in visit.cases],
            cases=[CaseOut.of(c, lang) for c in visit.cases],
        )


class RevealOut(BaseModel):
    """The full applicant (and agent) of one case — every call is in the audit log."""

    case_no: str
    applicant: dict[str, Any]
    agent: dict[str, Any] | None

    @classmethod
    def of(cls, case: Case) -> RevealOut:
        applicant = dict(case.applicant)
        agent = applicant.pop("agent", None)
        return cls(case_no=case.case_no, applicant=applicant, agent=agent)
