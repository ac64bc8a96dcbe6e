"""出件: results ready at the window, handed over or mailed; deadline flags; the clerk's worklist.

Results ready
    A back-office result in `[cases] ready_on` (default 已制证 certificate_made, 不予许可 denied)
    moves a pickup case on to 待取件 ready_for_pickup by itself (`after_status`, called by the
    cases service's apply_status) and texts the applicant through the SMS adapter
    (services/notify.py, after the commit, never blocking). A window can also mark a result as
    arrived (`mark_ready`, e.g. after 办结 approved from a back office that sends nothing more).
    Mail cases stay at their result until a window records the parcel.

Handing over (`handover`)
    The collector shows an ID: the applicant (ID number matches the case's), the organization's
    contact person, the agent named at intake, or any person with a 授权委托书 received now.
    Anyone else: 409 casework.collector_not_allowed and nothing is written. A case still at its
    result (approved / denied / certificate_made) goes through ready_for_pickup first. The
    handed_over event keeps the collector's name, masked ID and relation; the audit row too.

Mail (`mail`)
    The address from intake (or a corrected one) and the tracking number -> 已寄出 mailed, the
    applicant texted with the tracking number.

Deadlines (`deadline_of`, clerk.deadlines)
    Working days to the promised date with the hall's calendar; near when at most
    `[cases] near_deadline_workdays` are left, overdue past it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk import i18n
from clerk.cases import CaseStatus
from clerk.clock import hall_midnight
from clerk.deadlines import OPEN_STATUSES, Deadline, deadline
from clerk.identity import IdType, mask_id, mask_phone, validate_id
from clerk.tickets import hall_day
from clerk.workdays import WorkCalendar
from services import notify
from services.hall import audit, personal
from services.hall.audit import Actor
from services.hall.cases import service
from services.hall.cases.models import Case
from services.hall.problems import ApiError

if TYPE_CHECKING:
    from clerk.config import Settings

log = logging.getLogger("services.hall.cases.pickup")

S = CaseStatus
RESULTS = frozenset({S.APPROVED, S.DENIED, S.CERTIFICATE_MADE})
HANDABLE = RESULTS | {S.READY_FOR_PICKUP}
RECORD_LANG = service.RECORD_LANG
SYSTEM = Actor("system:results")
TRACKING = re.compile(r"^[A-Za-z0-9-]{6,32}$")
MAX_LIST = 50


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class CaseworkConfig:
    near_workdays: int = 1
    auto_ready: bool = True
    ready_on: frozenset[str] = frozenset({S.CERTIFICATE_MADE.value, S.DENIED.value})
    hall_name: str = ""
    holiday_file: str | None = None
    sms: notify.SmsAdapter = field(default_factory=notify.LogSms)

    @classmethod
    def of(cls, settings: Settings) -> CaseworkConfig:
        cases = settings.cases
        return cls(
            near_workdays=cases.near_deadline_workdays,
            auto_ready=cases.auto_ready,
            ready_on=frozenset(cases.ready_on),
            hall_name=settings.hall.name,
            holiday_file=settings.hall.holiday_file,
            sms=notify.adapter_for(cases),
        )

    @property
    def calendar(self) -> WorkCalendar:
        return service.calendar_for(self.holiday_file)


_CONFIGS: dict[str, CaseworkConfig] = {}
# A store no running hall has configured (a bare session in a tool or a test) gets no automatic
# moves: apply_status there does exactly what it is asked. Halls configure theirs at start-up.
DEFAULT = CaseworkConfig(auto_ready=False)


def _store_key(url: Any) -> str:
    render = getattr(url, "render_as_string", None)
    return str(render(hide_password=False)) if callable(render) else str(url)


def configure(url: Any, config: CaseworkConfig) -> None:
    """The hall on store `url` follows `config` (the router does this for its hall)."""
    _CONFIGS[_store_key(url)] = config


def config_for(session: Session) -> CaseworkConfig:
    bind = session.get_bind()
    return _CONFIGS.get(_store_key(bind.engine.url), DEFAULT)


# --------------------------------------------------------------------------- small helpers


def _status(case: Case) -> CaseStatus:
    return CaseStatus(case.status)


def _method(case: Case) -> str:
    return str((case.delivery or {}).get("method") or "pickup")


def _events(case: Case, status: CaseStatus) -> list[Any]:
    return [e for e in case.events if e.to_status == status.value]


def result_info(case: Case) -> dict[str, Any]:
    """The back office's result: status, document number, a line for the 出件凭证."""
    decided = next(
        (e for e in reversed(case.events) if e.to_status in {s.value for s in RESULTS}), None
    )
    status = decided.to_status if decided else None
    document = None
    for event in reversed(case.events):
        result = (event.data or {}).get("result")
        if isinstance(result, dict) and result.get("document_no"):
            document = str(result["document_no"])
            break
    key = "denied" if status == S.DENIED.value else "approved"
    text = i18n.t(f"caseview.result.{key}", lang=RECORD_LANG, item=case.item_name)
    if document:
        text += i18n.t("caseview.result.document", lang=RECORD_LANG, number=document)
    return {"status": status, "document_no": document, "text": text}


def deadline_of(case: Case, today: date, config: CaseworkConfig) -> Deadline:
    return deadline(
        case.promised_date,
        today,
        config.calendar,
        status=case.status,
        near_workdays=config.near_workdays,
    )


def _notify(
    session: Session, case: Case, kind: str, config: CaseworkConfig, **values: Any
) -> dict[str, Any]:
    """Queue a text to the applicant (after the commit); what the timeline records about it."""
    phone = str((case.delivery or {}).get("phone") or case.phone or "")
    if not phone:
        return {"channel": config.sms.name, "to": None, "skipped": "no_phone"}
    text = i18n.t(
        f"caseview.sms.{kind}",
        lang=RECORD_LANG,
        hall=config.hall_name or i18n.t("caseview.sms.hall", lang=RECORD_LANG),
        case_no=case.case_no,
        item=case.item_name,
        **values,
    )
    notify.send_after_commit(session, config.sms, notify.Message(case.case_no, kind, phone, text))
    return {"channel": config.sms.name, "to": mask_phone(phone)}


# --------------------------------------------------------------------------- results ready


def after_status(session: Session, case: Case, actor: Actor, *, at: datetime) -> None:
    """Called by apply_status after a move: a result in `ready_on` for a pickup case moves it
    on to ready_for_pickup and texts the applicant."""
    config = config_for(session)
    if not config.auto_ready or case.status not in config.ready_on or _method(case) == "mail":
        return
    _ready(session, case, SYSTEM, config, note="", at=at, auto=True)


def _ready(
    session: Session,
    case: Case,
    actor: Actor,
    config: CaseworkConfig,
    *,
    note: str,
    at: datetime,
    auto: bool,
) -> None:
    notified = _notify(session, case, "ready", config)
    service.apply_status(
        session,
        case.case_no,
        S.READY_FOR_PICKUP,
        by=actor,
        note=note,
        data={"auto": auto, "notified": notified},
        at=at,
    )


def mark_ready(session: Session, actor: Actor, case_no: str, *, note: str, now: datetime) -> Case:
    """A window says the result has arrived for pickup (and the applicant is texted)."""
    case = service.get_case(session, case_no, lock=True)
    status = _status(case)
    if status is S.READY_FOR_PICKUP:
        return case
    if status not in RESULTS:
        raise _not_ready(case)
    _ready(session, case, actor, config_for(session), note=note.strip(), at=now, auto=False)
    return case


def _not_ready(case: Case) -> ApiError:
    return ApiError(
        409,
        "casework.not_ready",
        case_no=case.case_no,
        case_status=case.status,
        current=service.status_label(case.status, RECORD_LANG),
    )


# --------------------------------------------------------------------------- handing over


@dataclass(frozen=True)
class Collector:
    name: str
    id_type: str
    id_number: str
    authorization_received: bool = False


def _norm(number: str | None) -> str:
    return personal.normalized_id(number or "")


def collector_relation(case: Case, collector: Collector) -> str | None:
    """self / contact / agent when this collector may take the result, else None."""
    number = _norm(collector.id_number)
    applicant = dict(case.applicant or {})
    if case.applicant_kind == "person" and number and number == _norm(case.id_number):
        return "self"
    if case.applicant_kind == "organization" and number == _norm(applicant.get("id_number")):
        return "contact"
    agent = applicant.get("agent") or {}
    if (
        isinstance(agent, dict)
        and number == _norm(agent.get("id_number"))
        and (agent.get("authorized") or collector.authorization_received)
    ):
        return "agent"
    if collector.authorization_received:
        return "agent"
    return None


def handover(
    session: Session,
    actor: Actor,
    case_no: str,
    collector: Collector,
    *,
    note: str,
    now: datetime,
) -> dict[str, Any]:
    """Hand the result to `collector` (checked) -> handed_over; returns the record."""
    name = collector.name.strip()
    if not name:
        raise ApiError(422, "casework.collector_name_required", field="collector_name")
    id_type = collector.id_type or IdType.RESIDENT.value
    try:
        check = validate_id(id_type, collector.id_number, hall_day(now))
    except ValueError:
        raise ApiError(
            422, "casework.bad_collector_id", problem=id_type, field="collector_id_number"
        ) from None
    if not check.ok:
        raise ApiError(
            422,
            "casework.bad_collector_id",
            problem=check.message(),
            field="collector_id_number",
        )
    case = service.get_case(session, case_no, lock=True)
    status = _status(case)
    if status not in HANDABLE:
        raise _not_ready(case)
    relation = collector_relation(case, collector)
    if relation is None:
        raise ApiError(
            409,
            "casework.collector_not_allowed",
            case_no=case.case_no,
            field="collector_id_number",
        )
    if status is not S.READY_FOR_PICKUP:
        service.apply_status(
            session,
            case.case_no,
            S.READY_FOR_PICKUP,
            by=actor,
            note=i18n.t("caseview.timeline.at_window", lang=RECORD_LANG),
            data={"auto": False},
            at=now,
        )
    record = {
        "collector": {
            "name": name,
            "id_type": id_type,
            "id_masked": mask_id(_norm(collector.id_number)),
            "relation": relation,
            "authorization_received": collector.authorization_received,
        },
        "window_no": actor.window_no,
        "clerk": actor.name,
        "at": now.astimezone(UTC).isoformat(),
        "result": result_info(case),
    }
    service.apply_status(
        session, case.case_no, S.HANDED_OVER, by=actor, note=note.strip(), data=record, at=now
    )
    audit.record(
        session,
        actor,
        "case.handover",
        case.case_no,
        {"collector": record["collector"], "window_no": actor.window_no},
        at=now,
    )
    return record | {"case_no": case.case_no}


# --------------------------------------------------------------------------- mail


def mail(
    session: Session,
    actor: Actor,
    case_no: str,
    *,
    tracking_no: str,
    carrier: str,
    address: str | None,
    recipient: str | None,
    phone: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The result went out by post: tracking number recorded -> mailed (已寄出)."""
    tracking = "".join(tracking_no.split()).upper()
    if not TRACKING.match(tracking):
        raise ApiError(422, "casework.bad_tracking_no", field="tracking_no", value=tracking_no)
    case = service.get_case(session, case_no, lock=True)
    if _status(case) not in HANDABLE:
        raise _not_ready(case)
    delivery = dict(case.delivery or {})
    where = (address if address is not None else str(delivery.get("address") or "")).strip()
    if not where:
        raise ApiError(422, "cases.mail_address_required", field="address")
    if phone and phone.strip():
        delivery["phone"] = phone.strip()
    if recipient and recipient.strip():
        delivery["recipient"] = recipient.strip()
    delivery |= {
        "method": "mail",
        "address": where,
        "tracking_no": tracking,
        "carrier": carrier.strip(),
        "mailed_at": now.astimezone(UTC).isoformat(),
    }
    case.delivery = delivery
    config = config_for(session)
    notified = _notify(
        session, case, "mailed", config, tracking_no=tracking, carrier=carrier.strip() or "-"
    )
    data = {
        "tracking_no": tracking,
        "carrier": carrier.strip(),
        "address": where,
        "recipient": delivery.get("recipient") or case.applicant_name,
        "notified": notified,
        "result": result_info(case),
    }
    service.apply_status(session, case.case_no, S.MAILED, by=actor, note="", data=data, at=now)
    audit.record(
        session,
        actor,
        "case.mail",
        case.case_no,
        {"tracking_no": tracking, "carrier": carrier.strip()},
        at=now,
    )
    return data | {"case_no": case.case_no}


# --------------------------------------------------------------------------- the case's work view


def correction_of(case: Case) -> dict[str, Any] | None:
    """What the back office asked for in its last 需补正 (None: never asked)."""
    asked = _events(case, S.NEEDS_CORRECTION)
    if not asked:
        return None
    last = asked[-1]
    rounds = len(_events(case, S.RESUBMITTED))
    return {
        "materials_needed": list((last.data or {}).get("materials_needed") or []),
        "note": last.note,
        "at": last.at,
        "open": case.status == S.NEEDS_CORRECTION.value,
        "rounds": rounds,
    }


def actions_for(case: Case) -> list[str]:
    status = _status(case)
    out: list[str] = []
    if status is S.NEEDS_CORRECTION:
        out.append("resubmit")
    if status in RESULTS:
        out.append("ready")
    if status in HANDABLE:
        out += ["handover", "mail"]
    if case.decision in (S.ACCEPTED.value, S.ACCEPTED_RONGQUE.value, S.COMPLETED_ON_SPOT.value):
        out.append("reprint")
    if status is S.NOTICE:  # the applicant is back with the 一次性告知书 (second_visit.py)
        out.append("second_visit")
    return out


def work_view(session: Session, case: Case, now: datetime) -> dict[str, Any]:
    config = config_for(session)
    handed = _events(case, S.HANDED_OVER)
    mailed = _events(case, S.MAILED)
    return {
        "deadline": deadline_of(case, hall_day(now), config).as_dict(),
        "correction": correction_of(case),
        "result": result_info(case),
        "handover": dict(handed[-1].data) | {"at": handed[-1].at} if handed else None,
        "mail": dict(mailed[-1].data) | {"at": mailed[-1].at} if mailed else None,
        "actions": actions_for(case),
    }


# --------------------------------------------------------------------------- worklists


def _rows(
    cases: Iterable[Case], today: date, config: CaseworkConfig
) -> list[tuple[Case, Deadline]]:
    return [(c, deadline_of(c, today, config)) for c in cases]


def deadline_cases(
    session: Session, now: datetime, *, near: bool = True, limit: int = 200
) -> list[tuple[Case, Deadline]]:
    """Open cases over (and, with `near`, close to) their promised date, most urgent first."""
    config = config_for(session)
    today = hall_day(now)
    horizon = today + timedelta(days=max(0, config.near_workdays) * 2 + 14)
    found = session.scalars(
        select(Case)
        .where(
            Case.status.in_(sorted(OPEN_STATUSES)),
            Case.promised_date.is_not(None),
            Case.promised_date <= horizon,
        )
        .order_by(Case.promised_date, Case.id)
        .limit(2000)
    )
    rows = [
        (c, d)
        for c, d in _rows(found, today, config)
        if d.state.value == "overdue" or (near and d.state.value == "near")
    ]
    return rows[:limit]


def worklist(
    session: Session, now: datetime, *, window_no: int | None = None
) -> dict[str, list[tuple[Case, Deadline]]]:
    """The cases panel: ready for pickup, to mail, needing correction, overdue/near, recent."""
    config = config_for(session)
    today = hall_day(now)

    def by_status(*statuses: CaseStatus, limit: int = 500) -> list[Case]:
        return list(
            session.scalars(
                select(Case)
                .where(Case.status.in_([s.value for s in statuses]))
                .order_by(Case.updated_at.desc(), Case.id.desc())
                .limit(limit)
            )
        )

    ready = [c for c in by_status(S.READY_FOR_PICKUP) if _method(c) != "mail"]
    results = by_status(*HANDABLE)
    to_mail = [c for c in results if _method(c) == "mail"]
    correction = by_status(S.NEEDS_CORRECTION)
    start = hall_midnight(today)
    recent_query = select(Case).where(Case.decided_at >= start)
    if window_no is not None:
        recent_query = recent_query.where(Case.window_no == window_no)
    recent = [
        c
        for c in session.scalars(
            recent_query.order_by(Case.decided_at.desc(), Case.id.desc()).limit(MAX_LIST * 4)
        )
        if hall_day(c.decided_at) == today
    ]
    return {
        "ready_for_pickup": _rows(ready[:MAX_LIST], today, config),
        "to_mail": _rows(to_mail[:MAX_LIST], today, config),
        "needs_correction": _rows(correction[:MAX_LIST], today, config),
        "deadline": deadline_cases(session, now, limit=MAX_LIST),
        "recent": _rows(recent[:MAX_LIST], today, config),
    }
