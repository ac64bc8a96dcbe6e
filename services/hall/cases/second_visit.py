"""The applicant's second visit after a 一次性告知: the notice's number (scanned off the
一次性告知书 or typed) opens a new intake already filled from the first visit.

One transaction (the caller's), `start(session, actor, notice_no, ticket_id=…, now=…)`:
1. the number must be a case decided 一次性告知 (409 casework.not_a_notice otherwise);
2. a notice a later visit has already decided is spent: 409 casework.notice_answered names the
   case(s) that answered it (a second 一次性告知 gives the applicant a new notice to bring);
3. an open draft that already follows this notice is returned as it is — a retried request, or
   a second window scanning the same paper, picks up the same draft (nothing typed is lost);
4. otherwise a new draft: the first visit's form (applicant, agent, answers, fields, delivery)
   with only the items that were noticed; every material the first visit received (已收) is
   marked received again and listed in `notice.received` for the clerk to confirm against the
   papers on the desk; the materials the notice listed start missing, so only they are asked.
   Marks that do not carry over a visit (容缺 with its date, 缺) are dropped.
   The draft's `follows_notice` is the notice's number; the decision copies it onto every case
   it makes (services.hall.cases.service.decide), which is what the daily report counts.
5. audit `notice.return` (the notice, the new draft).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk import checklist
from clerk.cases import CaseStatus
from services.hall import audit
from services.hall.audit import Actor
from services.hall.cases import service
from services.hall.cases.models import Case, Draft
from services.hall.cases.schemas import DraftState
from services.hall.problems import ApiError

FOLLOWS = "follows_notice"  # the draft state's key, and the case column
RECEIVED = checklist.State.RECEIVED.value
#: marks that hold on a second visit: what was handed in, and what needs no paper
CARRIED = frozenset({RECEIVED, checklist.State.ELICENSE.value, checklist.State.COMMITTED.value})


def _notice_cases(session: Session, notice: Case) -> list[Case]:
    """Every case the same 一次性告知书 lists (one notice per visit)."""
    rows = session.scalars(
        select(Case)
        .where(Case.visit_id == notice.visit_id, Case.status == CaseStatus.NOTICE.value)
        .order_by(Case.id)
    )
    return list(rows)


def _open_follow_up(session: Session, notice_no: str) -> Draft | None:
    for draft in session.scalars(
        select(Draft).where(Draft.status == service.OPEN).order_by(Draft.created_at.desc())
    ):
        if (draft.state or {}).get(FOLLOWS) == notice_no:
            return draft
    return None


def _first_state(session: Session, notice: Case) -> dict[str, Any]:
    """The first visit's form: its draft when the hall still has it, else what the case kept."""
    draft_id = notice.visit.draft_id
    draft = session.get(Draft, draft_id) if draft_id else None
    if draft is not None:
        return dict(draft.state)
    applicant = dict(notice.applicant or {})
    applicant.setdefault("name", notice.applicant_name)
    applicant.setdefault("kind", notice.applicant_kind)
    return {
        "applicant": applicant,
        "answers": dict(notice.answers or {}),
        "fields": dict(notice.fields or {}),
        "delivery": dict(notice.delivery or {}),
    }


def follow_up_state(first: dict[str, Any], noticed: list[Case]) -> dict[str, Any]:
    """The second visit's draft state from the first visit's form and its noticed cases."""
    codes = [c.item_code for c in noticed]
    state = {k: v for k, v in first.items() if k not in ("materials", "form", "notice")}
    state["theme"] = None
    state["items"] = codes
    received: list[str] = []
    marks: dict[str, Any] = {}
    missing = {str(m.get("name")) for c in noticed for m in c.missing or []}
    for case in noticed:
        for row in case.materials or []:
            name = str(row.get("name") or "")
            mark = str(row.get("state") or "")
            if not name or name in missing or mark not in CARRIED or name in marks:
                continue
            marks[name] = {"state": mark}
            if mark == RECEIVED:
                received.append(name)
    state["materials"] = marks
    typed = (first.get("form") or {}).get("typed_fields")
    state["form"] = {"typed_fields": dict(typed) if isinstance(typed, dict) else {}}
    state[FOLLOWS] = noticed[0].case_no if noticed else None
    state["notice"] = {
        "case_no": state[FOLLOWS],
        "cases": [c.case_no for c in noticed],
        "received": received,
        "missing": sorted(missing),
    }
    return state


def start(
    session: Session,
    actor: Actor,
    notice_no: str,
    *,
    ticket_id: int | None,
    now: datetime,
) -> Draft:
    notice = service.get_case(session, notice_no)
    if notice.status != CaseStatus.NOTICE.value:
        raise ApiError(
            409,
            "casework.not_a_notice",
            case_no=notice.case_no,
            current=service.status_label(notice.status, service.RECORD_LANG),
        )
    noticed = _notice_cases(session, notice)
    paper = noticed[0].case_no  # the number the 一次性告知书 prints
    answered = list(
        session.scalars(select(Case.case_no).where(Case.follows_notice == paper).order_by(Case.id))
    )
    if answered:
        raise ApiError(
            409,
            "casework.notice_answered",
            case_no=paper,
            cases=answered,
            numbers="、".join(answered),
        )
    existing = _open_follow_up(session, paper)
    if existing is not None:
        return existing
    state = follow_up_state(_first_state(session, notice), noticed)
    draft = service.create_draft(
        session, actor, state=DraftState.model_validate(state), ticket_id=ticket_id, now=now
    )
    audit.record(
        session,
        actor,
        "notice.return",
        paper,
        {"draft_id": draft.id, "cases": state["notice"]["cases"], "ticket_id": ticket_id},
        at=now,
    )
    return draft
