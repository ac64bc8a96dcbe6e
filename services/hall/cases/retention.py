"""Retention: a closed case keeps its applicant's personal data `[cases] retain_days`, then only
the masked forms (docs/security.md).

A case is closed in a final status (clerk.cases.FINAL_STATUSES); its closing moment is its last
status change (`updated_at`). Purging replaces the ID number, phone, applicant (and agent), form
fields and delivery with their masked forms (the rule of services/hall/cases/schemas.py), drops
the lookup hashes, masks the decided draft and the outbox hand-off of the case, and stamps
`purged_at`. One audit row per run says how many cases and the cut-off. `clerk cases purge` and
the daily close (`clerk queue close-day`) run it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clerk.cases import FINAL_STATUSES
from services.hall import audit
from services.hall.audit import Actor
from services.hall.cases.models import Case, Draft
from services.hall.cases.schemas import mask_value, masked_person
from services.hall.handoff.models import OutboxItem


def masked_applicant(applicant: dict[str, Any]) -> dict[str, Any]:
    out = dict(masked_person(dict(applicant)) or {})
    if isinstance(out.get("agent"), dict):
        out["agent"] = masked_person(applicant["agent"])
    return out


def _purge_case(session: Session, case: Case, now: datetime) -> None:
    case.id_number = case.id_masked
    case.phone = case.phone_masked
    case.id_hash = None
    case.phone_hash = None
    case.applicant = masked_applicant(case.applicant or {})
    case.fields = mask_value(dict(case.fields or {}))
    case.delivery = mask_value(dict(case.delivery or {}))
    case.purged_at = now
    visit = case.visit
    if visit is not None and visit.draft_id:
        draft = session.get(Draft, visit.draft_id)
        if draft is not None:
            state = dict(draft.state or {})
            if isinstance(state.get("applicant"), dict):
                state["applicant"] = masked_applicant(state["applicant"])
            state["fields"] = mask_value(state.get("fields") or {})
            draft.state = mask_value(state)
    for item in session.scalars(select(OutboxItem).where(OutboxItem.case_no == case.case_no)):
        payload = dict(item.payload)
        for key in ("applicant", "agent"):
            if isinstance(payload.get(key), dict):
                payload[key] = masked_person(payload[key])
        item.payload = mask_value(payload)


def purge(session: Session, actor: Actor, *, now: datetime, retain_days: int) -> int:
    """Mask the cases closed more than `retain_days` ago (0: keep forever); how many."""
    if retain_days <= 0:
        return 0
    cutoff = now - timedelta(days=retain_days)
    due = select(Case).where(
        Case.status.in_([s.value for s in FINAL_STATUSES]),
        Case.updated_at <= cutoff,
        Case.purged_at.is_(None),
    )
    count = 0
    for case in list(session.scalars(due.order_by(Case.id))):
        _purge_case(session, case, now)
        count += 1
    if count:
        session.flush()
        audit.record(
            session,
            actor,
            "cases.purge",
            None,
            {"cases": count, "closed_before": cutoff.isoformat(), "retain_days": retain_days},
            at=now,
        )
    return count
