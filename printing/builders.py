"""Helpers that turn what the intake/queue code holds into document fields, and the papers of a
decided visit (`visit_documents`) — the one place the intake screen and the case view's 补打 both
build them, so a reprint says exactly what the original said.

Documents only ever see masked personal data: build applicants with `applicant()` or
`case_applicant()`, never by copying raw ID numbers into `Applicant`. Layouts stay in
printing/layouts.py; these helpers know nothing about paper.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from clerk.catalog.model import Form, Source
from clerk.checklist import State, enum_label
from clerk.identity import IdType, mask_id, mask_phone
from clerk.workdays import TimeLimit, WorkdayResult
from printing.documents import (
    PRACTICE_PREFIX,
    AcceptanceReceipt,
    Applicant,
    Commitment,
    CommitmentKind,
    Delivery,
    Document,
    Hall,
    ItemLine,
    MaterialLine,
    MissingMaterial,
    OneTimeNotice,
    RefusalNotice,
    is_practice_number,
)

if TYPE_CHECKING:
    from clerk.config import Settings

__all__ = [
    "ACCEPTED",
    "applicant",
    "case_applicant",
    "hall",
    "item_line",
    "practice_number",
    "promised_fields",
    "visit_documents",
]

ACCEPTED = ("accepted", "accepted_rongque", "completed_on_spot")


def hall(settings: Settings) -> Hall:
    return Hall.from_settings(settings.hall)


def practice_number(number: str) -> str:
    """The practice form of a number: LX-prefixed (idempotent)."""
    return number if is_practice_number(number) else PRACTICE_PREFIX + number


def applicant(
    name: str,
    id_type: IdType | str | None = None,
    id_number: str = "",
    phone: str = "",
    *,
    organization: str = "",
    uscc: str = "",
    agent: str = "",
    lang: str | None = None,
) -> Applicant:
    """An applicant with the ID and phone masked (3101**********1234, 138****5678).

    For an organization pass `organization` and `uscc`; `name` is then the 经办人. A USCC is public
    (it is printed on the business licence) and is not masked.
    """
    from clerk.i18n import t

    if uscc:
        label, shown = t("printing.label.uscc", lang=lang), uscc
    elif id_number:
        kind = IdType(id_type or IdType.RESIDENT)
        label, shown = kind.label(lang), mask_id(id_number)
    else:
        label, shown = "", ""
    return Applicant(
        name=name,
        id_label=label,
        id_masked=shown,
        phone_masked=mask_phone(phone) if phone else "",
        organization=organization,
        agent=agent,
    )


def item_line(
    name: str,
    *,
    code: str = "",
    case_number: str = "",
    limit: TimeLimit | None = None,
    promised: WorkdayResult | dt.date | None = None,
    lang: str | None = None,
) -> ItemLine:
    when = promised.date if isinstance(promised, WorkdayResult) else promised
    return ItemLine(
        name=name,
        code=code,
        case_number=case_number,
        limit=limit.label(lang) if limit else "",
        promised=when,
    )


def promised_fields(
    results: list[WorkdayResult], lang: str | None = None
) -> tuple[dt.date | None, str | None]:
    """The receipt's promised date (the latest over its items) and the estimate note, if any."""
    from clerk.i18n import t

    if not results:
        return None, None
    latest = max(r.date for r in results)
    notes: list[str] = []
    for result in results:
        note = result.note(lang)
        if note and note not in notes:
            notes.append(note)
    return latest, (t("workdays.estimate.separator", lang=lang).join(notes) if notes else None)


# ---------------------------------------------------------------- the papers of a decided visit
# What the hall returns for a visit (services.client_cases.VisitRecord / CaseRecord), described
# here so that printing needs nothing outside the core.


class PromisedLike(Protocol):
    @property
    def limit(self) -> str | None: ...
    @property
    def date(self) -> dt.date | None: ...
    @property
    def note(self) -> str | None: ...


class CaseLike(Protocol):
    @property
    def case_no(self) -> str: ...
    @property
    def item_code(self) -> str: ...
    @property
    def item_name(self) -> str: ...
    @property
    def decision(self) -> str: ...
    @property
    def applicant(self) -> dict[str, Any]: ...
    @property
    def agent(self) -> dict[str, Any] | None: ...
    @property
    def materials(self) -> list[dict[str, Any]]: ...
    @property
    def missing(self) -> list[dict[str, Any]]: ...
    @property
    def refusal(self) -> dict[str, Any] | None: ...
    @property
    def delivery(self) -> dict[str, Any]: ...
    @property
    def promised(self) -> PromisedLike: ...


class VisitLike(Protocol):
    @property
    def decided_at(self) -> dt.datetime: ...
    @property
    def clerk(self) -> str: ...
    @property
    def window_no(self) -> int | None: ...
    @property
    def cases(self) -> Sequence[CaseLike]: ...


def _masked(value: Any, mask: Any) -> str:
    text = str(value or "")
    return text if not text or "*" in text else str(mask(text))


def case_applicant(
    data: Mapping[str, Any], agent: Mapping[str, Any] | None = None, lang: str | None = None
) -> Applicant:
    """The applicant of a case as the hall stores it (ID and phone masked again if they are not:
    a document never carries them in clear)."""
    from clerk.i18n import t

    agent_name = str((agent or {}).get("name") or "")
    name = str(data.get("name") or "")
    phone = _masked(data.get("phone"), mask_phone)
    uscc = str(data.get("uscc") or "")
    if data.get("kind") == "organization" or uscc:
        return Applicant(
            name=str(data.get("legal_rep") or agent_name or name),
            id_label=t("printing.label.uscc", lang=lang) if uscc else "",
            id_masked=uscc,
            phone_masked=phone,
            organization=name,
            agent=agent_name,
        )
    number = _masked(data.get("id_number"), mask_id)
    try:
        label = IdType(str(data.get("id_type") or IdType.RESIDENT)).label(lang)
    except ValueError:
        label = ""
    return Applicant(
        name=name,
        id_label=label if number else "",
        id_masked=number,
        phone_masked=phone,
        agent=agent_name,
    )


def _form(value: Any, lang: str | None) -> str:
    try:
        return enum_label(Form(str(value)), lang)
    except ValueError:
        return str(value or "")


def _source_label(value: Any, lang: str | None) -> str:
    """部门共享 / 系统核验 / 系统推送 in the receipt's language ("" when not recorded)."""
    try:
        return enum_label(Source(str(value)), lang) if value else ""
    except ValueError:
        return str(value)


def _count(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _line(case: CaseLike) -> ItemLine:
    return ItemLine(
        case.item_name, case.item_code, case.case_no, case.promised.limit or "", case.promised.date
    )


def _receipt_rows(
    accepted: Sequence[CaseLike], latest: dt.date | None, lang: str | None
) -> tuple[tuple[MaterialLine, ...], tuple[Commitment, ...]]:
    """Materials received and commitments over every accepted case, once per material (a theme
    material appears in each case it serves)."""
    from clerk.i18n import t

    materials: dict[str, MaterialLine] = {}
    commitments: dict[tuple[CommitmentKind, str], Commitment] = {}
    for case in accepted:
        for row in case.materials:
            name = str(row.get("name") or "")
            state = row.get("state")
            if not name:
                continue
            if state == State.RECEIVED.value:
                materials.setdefault(
                    name, MaterialLine(name, _form(row.get("form"), lang), _count(row.get("count")))
                )
            elif state == State.ELICENSE.value:
                materials.setdefault(
                    name,
                    MaterialLine(name, t("printing.elicense", lang=lang), _count(row.get("count"))),
                )
            elif state == State.OBTAINED.value:
                how = _source_label(row.get("obtained_by"), lang)
                text = (
                    t("printing.obtained_by", lang=lang, source=how)
                    if how
                    else t("printing.obtained", lang=lang)
                )
                materials.setdefault(name, MaterialLine(name, text, _count(row.get("count"))))
            elif state == State.DEFERRED.value and row.get("due"):
                due = dt.date.fromisoformat(str(row["due"]))
                commitments.setdefault(
                    (CommitmentKind.RONGQUE, name), Commitment(CommitmentKind.RONGQUE, name, due)
                )
            elif state == State.COMMITTED.value and latest is not None:
                # 告知承诺: checked after the decision, so due with the case's promised date
                commitments.setdefault(
                    (CommitmentKind.PROMISE, name), Commitment(CommitmentKind.PROMISE, name, latest)
                )
    return tuple(materials.values()), tuple(commitments.values())


def _missing(
    noticed: Sequence[CaseLike], names: Mapping[str, str], lang: str | None
) -> tuple[MissingMaterial, ...]:
    from clerk.i18n import t

    out: dict[str, MissingMaterial] = {}
    several = len(noticed) > 1
    for case in noticed:
        for row in case.missing:
            name = str(row.get("name") or "")
            if not name or name in out:
                continue
            notes = [str(n) for n in row.get("notes") or () if n]
            if row.get("blank_form"):
                notes.append(t("printing.notice.blank_form", lang=lang, form=row["blank_form"]))
            if "form" in row:
                form, count = _form(row.get("form"), lang), _count(row.get("count"))
                standard = str(row.get("standard") or "")
            else:  # stored before form and count were kept: the requirement says them
                form, count = "", 1
                standard = str(row.get("requirement") or "")
            out[name] = MissingMaterial(
                name=name,
                form=form,
                count=count,
                standard=standard,
                items=tuple(names.get(str(c), str(c)) for c in row.get("items") or ())
                if several
                else (),
                note="；".join(notes),
            )
    return tuple(out.values())


def visit_documents(
    visit: VisitLike,
    *,
    hall: Hall,
    practice: bool = False,
    clerk_names: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> list[Document]:
    """The papers of a decided visit: one 受理回执 for its accepted items, one 一次性告知书 for
    those returned with a notice, one 不予受理通知书 for the refused — each dated when the
    visit was decided, so a 补打 differs from the original only by its mark.

    `clerk_names` maps user names to the names printed (the hall records the user name)."""
    if not visit.cases:
        return []
    issued = visit.decided_at  # aware: printed on the hall's wall clock
    first = visit.cases[0]
    common: dict[str, Any] = {
        "hall": hall,
        "issued_at": issued.replace(microsecond=0),
        "practice": practice,
    }
    people: dict[str, Any] = {
        "applicant": case_applicant(first.applicant, first.agent, lang),
        "window": str(visit.window_no) if visit.window_no is not None else "",
        "clerk": (clerk_names or {}).get(visit.clerk, visit.clerk),
    }
    names = {c.item_code: c.item_name for c in visit.cases}
    out: list[Document] = []

    accepted = [c for c in visit.cases if c.decision in ACCEPTED]
    if accepted:
        promised = [c.promised.date for c in accepted if c.promised.date]
        latest = max(promised) if promised else None
        materials, commitments = _receipt_rows(accepted, latest, lang)
        delivery = accepted[0].delivery
        mail = delivery.get("method") == "mail"
        out.append(
            AcceptanceReceipt(
                **common,
                **people,
                case_number=accepted[0].case_no,
                items=tuple(_line(c) for c in accepted),
                materials=materials,
                commitments=commitments,
                promised_date=latest,
                promised_note=next((c.promised.note for c in accepted if c.promised.note), None),
                delivery=Delivery.MAIL if mail else Delivery.PICKUP,
                delivery_detail=str(delivery.get("address") or "") if mail else "",
            )
        )
    noticed = [c for c in visit.cases if c.decision == "notice"]
    if noticed:
        out.append(
            OneTimeNotice(
                **common,
                **people,
                notice_number=noticed[0].case_no,
                items=tuple(_line(c) for c in noticed),
                missing=_missing(noticed, names, lang),
            )
        )
    refused = [c for c in visit.cases if c.decision == "refused"]
    if refused:
        basis = (refused[0].refusal or {}).get("legal_basis", "")
        out.append(
            RefusalNotice(
                **common,
                **people,
                notice_number=refused[0].case_no,
                items=tuple(_line(c) for c in refused),
                reason="；".join(
                    dict.fromkeys(str((c.refusal or {}).get("text", "")) for c in refused)
                ),
                legal_basis=str(basis),
            )
        )
    return out
