"""需补正 → 补正后重新提交: the clerk receives the materials the back office asked for and sends
the case again, under the SAME case number.

One transaction (the caller's):
1. the case must be at needs_correction (409 casework.not_correctable otherwise);
2. every material the back office listed (`materials_needed` of the last needs_correction
   report) must be among the received ones (422 casework.correction_incomplete + `missing`);
3. the case's material rows are marked received (已收) with the round; materials not on the
   case's list are added as rows of their own;
4. status resubmitted (timeline row with the round, the materials and the new key; audit
   `case.status`), an audit row `case.resubmit`;
5. a new outbox delivery with the idempotency key `<case_no>:r<N>` (N = 1, 2, … per
   resubmission). outbox.enqueue ignores a key it already has, so a retried request never
   makes a second delivery; the back office counts the new key once and continues the case's
   seq (docs/backoffice-protocol.md §3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from clerk import checklist
from clerk.cases import CaseStatus
from services.hall import audit, outbox
from services.hall.audit import Actor
from services.hall.cases import pickup, service
from services.hall.problems import ApiError

RECEIVED = checklist.State.RECEIVED.value


def resubmission_key(case_no: str, round_no: int) -> str:
    return f"{case_no}:r{round_no}"


def _clean(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        text = " ".join(str(name).split())
        if text and text not in out:
            out.append(text)
    return out


def resubmit(
    session: Session,
    actor: Actor,
    case_no: str,
    *,
    received: Sequence[str],
    note: str,
    now: datetime,
) -> dict[str, Any]:
    case = service.get_case(session, case_no, lock=True)
    if case.status != CaseStatus.NEEDS_CORRECTION.value:
        raise ApiError(
            409,
            "casework.not_correctable",
            case_no=case.case_no,
            case_status=case.status,
            current=service.status_label(case.status, service.RECORD_LANG),
        )
    asked = pickup.correction_of(case) or {}
    needed = _clean(asked.get("materials_needed") or [])
    got = _clean(received)
    missing = [name for name in needed if name not in got]
    if missing:
        raise ApiError(
            422,
            "casework.correction_incomplete",
            missing=missing,
            names="、".join(missing),
            field="received",
        )
    if not got:
        raise ApiError(422, "casework.nothing_received", field="received")
    round_no = int(asked.get("rounds") or 0) + 1
    key = resubmission_key(case.case_no, round_no)

    rows = [dict(row) for row in case.materials]
    names = {str(row.get("name")): row for row in rows}
    for name in got:
        row = names.get(name)
        if row is None:
            row = {
                "name": name,
                "required": True,
                "requirement": "",
                "items": [case.item_code],
                "added_by_correction": True,
            }
            rows.append(row)
            names[name] = row
        row["state"] = RECEIVED
        row["due"] = None
        row["corrected_in"] = round_no
    case.materials = rows

    data = {"round": round_no, "received": got, "idempotency_key": key}
    service.apply_status(
        session,
        case.case_no,
        CaseStatus.RESUBMITTED,
        by=actor,
        note=note.strip(),
        data=data,
        at=now,
    )
    audit.record(session, actor, "case.resubmit", case.case_no, data, at=now)
    payload = service.case_payload(case)
    payload["resubmission"] = {"round": round_no, "received": got, "note": note.strip()}
    outbox.enqueue(
        session,
        department=case.department,
        idempotency_key=key,
        payload=payload,
        now=now,
    )
    return data | {"case_no": case.case_no}
