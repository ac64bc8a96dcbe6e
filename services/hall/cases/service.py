"""The cases room's use cases, each inside the caller's write transaction.

Drafts      create_draft / save_draft (optimistic version) / discard_draft / get_draft / list_drafts
Decisions   decide(): the draft + one decision per item -> one Visit, one Case per item
Lookup      get_case / find_cases / get_visit / reveal (full ID, audited)
Seams       apply_status(session, case_no, new_status, *, by, note, data) -> Case
            case_payload(case) -> dict   (what the back office receives)

The server decides what may be accepted: `decide` asks the one decision planner (clerk.planner)
against the hall's catalog and refuses (409 cases.cannot_accept + reasons) to accept a file the
verdict does not allow, whatever the client believed. The planner checks the people the same
way: an acceptance needs the applicant's ID, no document whose 有效期 has ended, a named agent
when one acts for the applicant, an address when the result is mailed and no 容缺 date already
past (422 with the `field` at fault). Practice decides through the same `plan_decision`.

Saving a draft is not written to the audit log (it happens on every keystroke pause and would
serialise every window on the audit chain's lock); its row keeps who saved it last and when.
Creating, discarding and deciding are audited.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from clerk import checklist, i18n, planner
from clerk.cases import (
    CaseNumberError,
    CaseStatus,
    Decision,
    Move,
    MoveKind,
    check_move,
    format_case_number,
    normalize_case_number,
    parse_case_number,
)
from clerk.catalog.model import Catalog, Item, Theme
from clerk.clock import now as clock_now
from clerk.identity import IdType, mask_id, mask_phone, validate_phone
from clerk.tickets import hall_day
from clerk.workdays import WorkCalendar, default_calendar
from services.hall import audit, outbox
from services.hall.audit import Actor
from services.hall.cases.models import Case, CaseCounter, CaseEvent, Draft, Visit
from services.hall.cases.schemas import DraftState, ItemDecisionIn
from services.hall.personal import id_hash, normalized_id, phone_hash
from services.hall.problems import ApiError, not_found

log = logging.getLogger("services.hall.cases")

OPEN, DECIDED, DISCARDED = "open", "decided", "discarded"
MAX_DRAFT_LIST = 200
RECORD_LANG = "zh-CN"  # the language of texts stored in a case (requirements, reasons)
MAX_FOUND = 50


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# =========================================================================== drafts


def create_draft(
    session: Session,
    actor: Actor,
    *,
    state: DraftState,
    ticket_id: int | None,
    now: datetime,
) -> Draft:
    draft = Draft(
        id=uuid.uuid4().hex,
        status=OPEN,
        version=1,
        ticket_id=ticket_id,
        created_by=actor.name,
        created_at=now,
        updated_by=actor.name,
        updated_at=now,
        window_no=actor.window_no,
        state=state.model_dump(mode="json", exclude_none=True),
    )
    session.add(draft)
    session.flush()
    audit.record(session, actor, "draft.create", draft.id, {"ticket_id": ticket_id}, at=now)
    return draft


def get_draft(session: Session, draft_id: str, *, lock: bool = False) -> Draft:
    query = select(Draft).where(Draft.id == draft_id)
    if lock and _pg(session):
        query = query.with_for_update()
    draft = session.scalar(query.execution_options(populate_existing=True))
    if draft is None:
        raise not_found("draft", draft_id)
    return draft


def _closed(draft: Draft) -> ApiError:
    return ApiError(
        409,
        "drafts.closed",
        state=draft.status,
        draft_id=draft.id,
        visit_id=draft.visit_id,
    )


def save_draft(
    session: Session,
    actor: Actor,
    draft_id: str,
    *,
    version: int,
    state: DraftState,
    ticket_id: int | None = None,
    now: datetime,
) -> Draft:
    """Replace the draft's state when it is still at `version` (one conditional UPDATE).

    A retry of a save that already went through (same state, version + 1) answers as the
    first save did; any other version is a conflict: 409 drafts.version_conflict + current."""
    data = state.model_dump(mode="json", exclude_none=True)
    values: dict[str, Any] = {
        "state": data,
        "version": Draft.version + 1,
        "updated_by": actor.name,
        "updated_at": now,
        "window_no": actor.window_no,
    }
    if ticket_id is not None:
        values["ticket_id"] = ticket_id
    result = session.execute(
        update(Draft)
        .where(Draft.id == draft_id, Draft.version == version, Draft.status == OPEN)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    draft = get_draft(session, draft_id)
    if getattr(result, "rowcount", 0) == 1:
        return draft
    if draft.status != OPEN:
        raise _closed(draft)
    if draft.version == version + 1 and draft.state == data:
        return draft  # the same save, retried
    raise ApiError(
        409, "drafts.version_conflict", current=draft.version, given=version, draft_id=draft_id
    )


def discard_draft(
    session: Session, actor: Actor, draft_id: str, *, version: int | None, now: datetime
) -> Draft:
    draft = get_draft(session, draft_id, lock=True)
    if draft.status == DISCARDED:
        return draft
    if draft.status != OPEN:
        raise _closed(draft)
    if version is not None and draft.version != version:
        raise ApiError(
            409, "drafts.version_conflict", current=draft.version, given=version, draft_id=draft_id
        )
    draft.status = DISCARDED
    draft.closed_at = now
    draft.updated_by = actor.name
    draft.updated_at = now
    audit.record(session, actor, "draft.discard", draft.id, {"version": draft.version}, at=now)
    session.flush()
    return draft


def list_drafts(
    session: Session,
    *,
    username: str | None = None,
    ticket_id: int | None = None,
    status: str | None = OPEN,
) -> list[Draft]:
    """Open drafts, newest first: of a clerk (created or last saved by them), of a ticket, or all."""
    query = select(Draft)
    if status is not None:
        query = query.where(Draft.status == status)
    if username is not None:
        query = query.where(or_(Draft.created_by == username, Draft.updated_by == username))
    if ticket_id is not None:
        query = query.where(Draft.ticket_id == ticket_id)
    query = query.order_by(Draft.updated_at.desc(), Draft.id).limit(MAX_DRAFT_LIST)
    return list(session.scalars(query))


# =========================================================================== decisions


@dataclass(frozen=True)
class HallContext:
    """What a decision needs from the hall beyond the store."""

    catalog: Catalog
    hall_code: str
    calendar: WorkCalendar
    lang: str = "zh-CN"


@functools.lru_cache(maxsize=8)
def calendar_for(holiday_file: str | None) -> WorkCalendar:
    """One working-day calendar per hall holiday file (None: the one shipped with clerk)."""
    return default_calendar(holiday_file)


def match_decisions(
    catalog: Catalog, state: DraftState, decisions: Sequence[ItemDecisionIn]
) -> tuple[Theme | list[Item], dict[str, Any], list[Item], dict[str, ItemDecisionIn]]:
    """The items the form's answers choose, each with exactly one decision (422 otherwise).
    Live intake and practice both decide through this."""
    subject = _subject(catalog, state)
    answers = dict(state.answers)
    items = checklist.chosen_items(subject, answers)
    if not items:
        raise ApiError(422, "cases.no_items")
    wanted = {d.item: d for d in decisions}
    codes = [i.code for i in items]
    missing_decisions = [c for c in codes if c not in wanted]
    if missing_decisions:
        raise ApiError(422, "cases.decision_missing", items="、".join(missing_decisions))
    extra = [c for c in wanted if c not in codes]
    if extra:
        raise ApiError(422, "cases.decision_extra", items="、".join(extra))
    return subject, answers, items, wanted


def _subject(catalog: Catalog, state: DraftState) -> Theme | list[Item]:
    if state.theme:
        theme = catalog.theme(state.theme)
        if theme is None:
            raise ApiError(422, "cases.unknown_item", item=state.theme)
        return theme
    items: list[Item] = []
    for code in state.items:
        item = catalog.item(code)
        if item is None:
            raise ApiError(422, "cases.unknown_item", item=code)
        items.append(item)
    return items


@dataclass(frozen=True)
class _Person:
    """The applicant as the case stores it (full values, normalised) and its lookup keys; the
    planner (clerk.planner) has already checked them."""

    kind: str
    name: str
    id_type: str | None
    id_number: str | None
    phone: str | None
    data: dict[str, Any]


def _person(state: DraftState) -> _Person:
    applicant = state.applicant
    if applicant is None or not applicant.name.strip():
        raise ApiError(422, "cases.applicant_required", field="name")
    data = applicant.model_dump(mode="json", exclude_none=True)
    id_type: str | None
    number: str | None
    if applicant.kind == "organization":
        id_type, number = "uscc", normalized_id(applicant.uscc) or None
        if number is not None:
            data["uscc"] = number
        if applicant.id_number.strip():  # the contact person's document
            data["id_number"] = normalized_id(applicant.id_number)
    else:
        id_type = applicant.id_type or IdType.RESIDENT.value
        number = normalized_id(applicant.id_number) or None
        if number is not None:
            data["id_type"], data["id_number"] = id_type, number
    phone: str | None = None
    if applicant.phone.strip():
        phone = validate_phone(applicant.phone).value
        data["phone"] = phone
    if state.agent is not None and state.agent.name.strip():
        agent = state.agent.model_dump(mode="json", exclude_none=True)
        if state.agent.id_number.strip():
            agent["id_number"] = normalized_id(state.agent.id_number)
        data["agent"] = agent
    return _Person(applicant.kind, applicant.name.strip(), id_type, number, phone, data)


def _material_row(status: checklist.MaterialStatus, lang: str) -> dict[str, Any]:
    m = status.material
    return {
        "name": m.name,
        "state": status.state.value,
        "due": status.due.isoformat() if status.due else None,
        "required": m.required,
        "form": m.form.value,
        "count": m.count,
        "medium": m.medium.value,
        "requirement": checklist.requirement(m, lang),
        "items": list(m.items),
        "elicense": m.elicense,
        "rongque": m.rongque,
        "gaozhi": m.gaozhi,
        # how the hall obtained it (免于提交): the receipt says so
        "obtained_by": m.hall_source.value
        if status.state is checklist.State.OBTAINED and m.hall_source
        else None,
    }


def _missing_row(material: checklist.MergedMaterial, lang: str) -> dict[str, Any]:
    # the 一次性告知书 prints form, count and standard in their own columns: keep them apart
    # from the one-line requirement, which says them all in a sentence
    return {
        "name": material.name,
        "requirement": checklist.requirement(material, lang),
        "form": material.form.value,
        "count": material.count,
        "medium": material.medium.value,
        "standard": material.standard,
        "notes": list(material.notes),
        "blank_form": material.blank_form,
        "required": material.required,
        "rongque": material.rongque,
        "items": list(material.items),
    }


def plan_decision(
    catalog: Catalog,
    state: DraftState,
    decisions: Sequence[ItemDecisionIn],
    today: date,
    lang: str,
) -> tuple[planner.Plan, list[planner.Planned]]:
    """The planner's answer on the draft and one decision per item, or the ApiError it
    raises (422 for the people, delivery and 容缺 dates; 409 when the verdict forbids the
    choice). Live intake and practice both decide through this, so they can never differ."""
    subject, _, _, wanted = match_decisions(catalog, state, decisions)
    visit = planner.visit_of(subject, state.model_dump(mode="python"))
    plan = planner.plan_visit(visit, today, lang=RECORD_LANG)
    accepting = any(d.decision == Decision.ACCEPT.value for d in decisions)
    stopping = plan.stopping(accepting=accepting)
    if stopping:
        raise ApiError(422, stopping[0].code, **stopping[0].extra)
    choices = {
        code: planner.Choice(
            d.item, d.decision, d.refusal_reason, d.reason, d.legal_basis, d.note or ""
        )
        for code, d in wanted.items()
    }
    try:
        return plan, planner.plan_choices(plan, choices, lang)
    except planner.DecisionError as exc:
        raise ApiError(exc.status, exc.code, **exc.extra) from exc


def next_sequences(session: Session, day: date, count: int) -> list[int]:
    """`count` consecutive sequence numbers of `day`: one atomic upsert on the counter row."""
    insert = postgresql.insert if _pg(session) else sqlite.insert
    statement = (
        insert(CaseCounter)
        .values(day=day, last_seq=count)
        .on_conflict_do_update(
            index_elements=["day"], set_={"last_seq": CaseCounter.last_seq + count}
        )
        .returning(CaseCounter.last_seq)
    )
    last = int(session.execute(statement).scalar_one())
    return list(range(last - count + 1, last + 1))


def _case_numbers(session: Session, hall_code: str, day: date, count: int) -> list[str]:
    try:
        return [format_case_number(hall_code, day, n) for n in next_sequences(session, day, count)]
    except CaseNumberError as exc:
        raise ApiError(503, f"cases.{exc.code}", value=exc.value) from exc


def decide(
    session: Session,
    actor: Actor,
    hall: HallContext,
    *,
    draft_id: str,
    draft_version: int | None,
    decisions: Sequence[ItemDecisionIn],
    now: datetime,
) -> Visit:
    """The clerk's decision on every item of the draft: one Visit, one Case per item, the draft
    closed — or nothing at all (every check happens before the first write)."""
    draft = get_draft(session, draft_id, lock=True)
    if draft.status != OPEN:
        raise _closed(draft)
    if draft_version is not None and draft.version != draft_version:
        raise ApiError(
            409,
            "drafts.version_conflict",
            current=draft.version,
            given=draft_version,
            draft_id=draft_id,
        )
    state = DraftState.model_validate(draft.state)
    today = hall_day(now)
    verdicts, planned = plan_decision(hall.catalog, state, decisions, today, hall.lang)
    person = _person(state)
    values = verdicts.answers

    # --- every check passed: write
    visit = Visit(
        draft_id=draft.id,
        ticket_id=draft.ticket_id,
        clerk=actor.name,
        window_no=actor.window_no,
        decided_at=now,
        applicant_name=person.name,
        catalog_version=hall.catalog.version,
    )
    session.add(visit)
    session.flush()
    numbers = _case_numbers(session, hall.hall_code, today, len(planned))
    delivery = state.delivery.model_dump(mode="json", exclude_none=True)
    follows = draft.state.get("follows_notice")  # a second visit (cases/second_visit.py)
    follows_notice = str(follows) if isinstance(follows, str) and follows else None
    cases: list[Case] = []
    for number, plan in zip(numbers, planned, strict=True):
        item = plan.plan.item
        department = hall.catalog.department(item.department)
        case = Case(
            case_no=number,
            visit_id=visit.id,
            item_code=item.code,
            item_name=item.name,
            department=item.department,
            department_name=department.name if department else item.department,
            handling=item.handling.value,
            decision=plan.status.value,
            status=plan.status.value,
            applicant_kind=person.kind,
            applicant_name=person.name,
            id_type=person.id_type,
            id_number=person.id_number,
            id_hash=id_hash(person.id_number) if person.id_number else None,
            id_masked=mask_id(person.id_number) if person.id_number else None,
            phone=person.phone,
            phone_hash=phone_hash(person.phone) if person.phone else None,
            phone_masked=mask_phone(person.phone) if person.phone else None,
            applicant=person.data,
            answers=dict(values),
            materials=[_material_row(s, RECORD_LANG) for s in plan.plan.statuses],
            fields=dict(state.fields),
            missing=[_missing_row(m, RECORD_LANG) for m in plan.plan.missing]
            if plan.status is CaseStatus.NOTICE
            else [],
            refusal=plan.refusal,
            delivery=delivery,
            note=plan.choice.note.strip(),
            clerk=actor.name,
            window_no=actor.window_no,
            ticket_id=draft.ticket_id,
            catalog_version=hall.catalog.version,
            decided_at=now,
            promised_notes=[],
            promised_estimated=False,
            updated_at=now,
            follows_notice=follows_notice,
        )
        if plan.status in (CaseStatus.ACCEPTED, CaseStatus.ACCEPTED_RONGQUE):
            result = planner.promise(item, today, hall.calendar)
            case.promised_limit = str(item.promised_limit)
            case.promised_date = result.date
            case.promised_estimated = result.estimated
            case.promised_notes = [
                {"year": n.year, "source": n.source.value, "detail": n.detail} for n in result.notes
            ]
        elif plan.status is CaseStatus.COMPLETED_ON_SPOT:
            case.promised_limit = str(item.promised_limit)
            case.promised_date = today
            case.completed_at = now
        session.add(case)
        session.flush()
        _event(session, case, actor, None, plan.status, note=case.note, data={}, at=now)
        audit.record(
            session,
            actor,
            "case.decide",
            case.case_no,
            {
                "visit_id": visit.id,
                "item": item.code,
                "decision": plan.status.value,
                "ticket_id": draft.ticket_id,
                "missing": [m["name"] for m in case.missing],
                "refusal": plan.refusal,
                "catalog_version": case.catalog_version,
                "follows_notice": follows_notice,
            },
            at=now,
        )
        _publish(session, "case.created", _event_payload(case), at=now)
        if plan.status in (CaseStatus.ACCEPTED, CaseStatus.ACCEPTED_RONGQUE):
            _move(session, case, CaseStatus.PENDING_DELIVERY, actor, note="", data={}, at=now)
            _enqueue_handoff(session, case)
        cases.append(case)

    draft.status = DECIDED
    draft.visit_id = visit.id
    draft.closed_at = now
    draft.updated_by = actor.name
    draft.updated_at = now
    audit.record(
        session,
        actor,
        "visit.decide",
        str(visit.id),
        {"draft_id": draft.id, "cases": [c.case_no for c in cases], "ticket_id": draft.ticket_id},
        at=now,
    )
    session.flush()
    session.refresh(visit, ["cases"])
    return visit


# =========================================================================== status changes


class StatusRefused(ApiError):
    """A status change the case's rules refuse (409 cases.stale_status / cases.bad_transition)."""

    def __init__(self, move: Move) -> None:
        code = "cases.stale_status" if move.kind is MoveKind.STALE else "cases.bad_transition"
        super().__init__(
            409,
            code,
            current=move.current.label("zh-CN"),
            target=move.target.label("zh-CN"),
            current_status=move.current.value,
            target_status=move.target.value,
        )
        self.move = move


def _event(
    session: Session,
    case: Case,
    actor: Actor,
    from_status: CaseStatus | None,
    to_status: CaseStatus,
    *,
    note: str,
    data: dict[str, Any],
    at: datetime,
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            at=at,
            actor=actor.name,
            window_no=actor.window_no,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value,
            note=note,
            data=data,
        )
    )


RESULT_STATUSES = frozenset({CaseStatus.APPROVED, CaseStatus.DENIED, CaseStatus.CERTIFICATE_MADE})


def _move(
    session: Session,
    case: Case,
    target: CaseStatus,
    actor: Actor,
    *,
    note: str,
    data: dict[str, Any],
    at: datetime,
) -> Move:
    move = check_move(CaseStatus(case.status), target)
    if move.kind is MoveKind.DUPLICATE:
        return move
    if not move.ok:
        raise StatusRefused(move)
    payload = dict(data)
    if move.skipped:
        payload["skipped"] = [s.value for s in move.skipped]
    case.status = target.value
    case.updated_at = at
    if target in RESULT_STATUSES and case.completed_at is None:
        case.completed_at = at
    _event(session, case, actor, move.current, target, note=note, data=payload, at=at)
    audit.record(
        session,
        actor,
        "case.status",
        case.case_no,
        {"from": move.current.value, "to": target.value, "note": note, **payload},
        at=at,
    )
    session.flush()
    _publish(session, "case.status", _event_payload(case) | {"from": move.current.value}, at=at)
    return move


def apply_status(
    session: Session,
    case_no: str,
    new_status: str | CaseStatus,
    *,
    by: Actor | str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Case:
    """Move a case to `new_status` under clerk.cases' rules (check_move), in the caller's
    transaction, with a case_events row, an audit row and a case.status event.

    The same status again is a no-op (duplicate callbacks); a later status whose missed steps
    are all skippable (delivered, in_review, certificate_made) is applied, the skipped ones
    listed in the event's data; a status the case has passed raises StatusRefused
    (409 cases.stale_status, `.move.kind` STALE); anything else 409 cases.bad_transition."""
    actor = by if isinstance(by, Actor) else Actor(str(by))
    try:
        target = CaseStatus(new_status)
    except ValueError:
        raise ApiError(422, "validation.invalid", field="status", value=str(new_status)) from None
    case = get_case(session, case_no, lock=True)
    when = at or clock_now()
    move = _move(session, case, target, actor, note=note, data=dict(data or {}), at=when)
    if move.kind is MoveKind.APPLIED:  # HOOK (出件): a result may make the case ready for pickup
        from services.hall.cases import pickup

        pickup.after_status(session, case, actor, at=when)
    return case


# =========================================================================== lookup


def get_case(session: Session, case_no: str, *, lock: bool = False) -> Case:
    number = normalize_case_number(case_no)
    query = select(Case).where(Case.case_no == number)
    if lock and _pg(session):
        query = query.with_for_update(of=Case)
    case = session.scalar(query.execution_options(populate_existing=True))
    if case is None:
        raise not_found("case", number)
    return case


def find_cases(
    session: Session, q: str | None = None, *, ticket_id: int | None = None, limit: int = MAX_FOUND
) -> list[Case]:
    """Exact matches on normalised values: a case number (or its barcode), an ID number or USCC,
    a phone number; optionally only the cases of a ticket. Newest first."""
    query = select(Case)
    if q is not None and q.strip():
        text = q.strip()
        keys = []
        number = normalize_case_number(text)
        with contextlib.suppress(CaseNumberError):
            keys.append(Case.case_no == str(parse_case_number(number)))
        keys.append(Case.id_hash == id_hash(text))
        hashed_phone = phone_hash(text)
        if hashed_phone is not None:
            keys.append(Case.phone_hash == hashed_phone)
        query = query.where(or_(*keys))
    if ticket_id is not None:
        query = query.where(Case.ticket_id == ticket_id)
    query = query.order_by(Case.decided_at.desc(), Case.id.desc()).limit(max(1, min(limit, 200)))
    return list(session.scalars(query))


def get_visit(session: Session, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise not_found("visit", visit_id)
    return visit


def reveal(session: Session, actor: Actor, case_no: str, *, reason: str, now: datetime) -> Case:
    """The full applicant of a case, for someone who said why (audited)."""
    reason = reason.strip()
    if len(reason) < 2:
        raise ApiError(422, "cases.reason_required", field="reason")
    case = get_case(session, case_no)
    audit.record(session, actor, "case.reveal", case.case_no, {"reason": reason}, at=now)
    return case


# =========================================================================== the seams


def case_payload(case: Case) -> dict[str, Any]:
    """What the back office receives for an accepted case (full identity: it needs it)."""
    applicant = dict(case.applicant)
    agent = applicant.pop("agent", None)
    return {
        "case_no": case.case_no,
        "item": {
            "code": case.item_code,
            "name": case.item_name,
            "handling": case.handling,
        },
        "department": case.department,
        "department_name": case.department_name,
        "decision": case.decision,
        "applicant": applicant,
        "agent": agent,
        "answers": case.answers,
        "materials": case.materials,
        "fields": case.fields,
        "delivery": case.delivery,
        "note": case.note,
        "decided_at": case.decided_at.astimezone(UTC).isoformat(),
        "promised": {
            "limit": case.promised_limit,
            "date": case.promised_date.isoformat() if case.promised_date else None,
            "estimated": case.promised_estimated,
        },
        "catalog_version": case.catalog_version,
        "hall": {"clerk": case.clerk, "window_no": case.window_no, "visit_id": case.visit_id},
    }


def _enqueue_handoff(session: Session, case: Case) -> None:
    """Write the back-office delivery in this transaction (the hand-off room's outbox); the
    case's number is the delivery's idempotency key (the back office deduplicates on it)."""
    outbox.enqueue(
        session,
        department=case.department,
        idempotency_key=case.case_no,
        payload=case_payload(case),
        now=case.updated_at,
    )


def _event_payload(case: Case) -> dict[str, Any]:
    """A live event about a case: numbers and statuses, never personal data."""
    return {
        "case_no": case.case_no,
        "visit_id": case.visit_id,
        "item_code": case.item_code,
        "status": case.status,
        "decision": case.decision,
        "window_no": case.window_no,
        "ticket_id": case.ticket_id,
        "promised_date": case.promised_date.isoformat() if case.promised_date else None,
    }


def _publish(session: Session, type_: str, payload: dict[str, Any], *, at: datetime) -> None:
    """HOOK: case events on the queue room's event bus (same transaction), once it knows the
    types "case.created" / "case.status" (services.hall.queue.events.TYPES)."""
    try:
        from services.hall.queue import events
    except ImportError:
        return
    if type_ in events.TYPES:
        events.publish(session, type_, payload, at=at)
    else:
        log.debug("event type %s not (yet) on the queue's event bus", type_)


def status_label(status: str, lang: str | None = None) -> str:
    return CaseStatus(status).label(lang or i18n.language())
