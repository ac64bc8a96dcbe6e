"""Helpers the case-view tests share: accept a real case through the hall client (the demo
catalog), and play the back office against an embedded hall (apply_status in the hall's own
store, then poke its event stream, as the dispatcher does)."""

from __future__ import annotations

from typing import Any

from services.client import HallClient, HallClientError
from tests.support.hall import RunningHall

ITEM = "SCJG-010"  # 食品经营许可（新办）: a 承诺件 -> accepted -> handed to SCJG
ANSWERS = {"applicant_kind": "company", "food_category": "catering_hot", "area": 80}
CONTACT_ID = "110105199003071239"  # the company's 经办人 (a valid 居民身份证 number)
AGENT_ID = "110101198001010053"
STRANGER_ID = "11010519491231002X"
PHONE = "13812345678"


def applicant(n: int = 1) -> dict[str, Any]:
    from clerk.identity import uscc_check_digit

    body = f"91310000MA1FL{n:04d}"
    return {
        "kind": "organization",
        "name": f"示范餐饮有限公司{n}",
        "uscc": body + uscc_check_digit(body),
        "legal_rep": "李四",
        "id_type": "resident_id",
        "id_number": CONTACT_ID,
        "phone": PHONE,
    }


async def accept_case(client: HallClient, n: int = 1, **extra: Any) -> str:
    """One accepted case of the demo catalog (learns the complete file from 一次性告知)."""
    state: dict[str, Any] = {"applicant": applicant(n), "items": [ITEM], "answers": ANSWERS}
    state |= extra
    draft = await client.create_draft(state)
    try:
        await client.decide(draft.id, [{"item": ITEM, "decision": "accept"}])
    except HallClientError as exc:
        assert exc.code == "cases.cannot_accept", exc.code
        missing = exc.extra["missing"]
    else:  # pragma: no cover - the state above is incomplete on purpose
        raise AssertionError("accepted an incomplete file")
    await client.discard_draft(draft.id)  # no open draft left behind
    state["materials"] = {name: {"state": "已收"} for name in missing}
    draft = await client.create_draft(state)
    visit = await client.decide(draft.id, [{"item": ITEM, "decision": "accept"}])
    [case] = visit.cases
    return case.case_no


async def desk_client(hall: RunningHall, user: str = "clerk2", window: int = 2) -> HallClient:
    client = hall.client()
    await client.login(user, hall.credentials[user], window)
    return client


def hall_app(hall: RunningHall) -> Any:
    return hall.embedded._server.config.app


def backoffice(hall: RunningHall, case_no: str, *statuses: str, **data: Any) -> None:
    """The back office reports `statuses` (as the hand-off room's applier would)."""
    from services.hall.audit import Actor
    from services.hall.cases import service

    app = hall_app(hall)
    for status in statuses:
        with app.state.hall.db.write() as session:
            service.apply_status(
                session,
                case_no,
                status,
                by=Actor("backoffice:SCJG"),
                note=str(data.get("note", "")) if status == statuses[-1] else "",
                data={k: v for k, v in data.items() if k != "note"}
                if status == statuses[-1]
                else {},
            )
    bus = getattr(getattr(app.state, "queue", None), "bus", None)
    if bus is not None:
        bus.poke()


def outbox_keys(hall: RunningHall, case_no: str) -> list[str]:
    from sqlalchemy import select

    from services.hall.handoff.models import OutboxItem

    app = hall_app(hall)
    with app.state.hall.db.read() as session:
        return list(
            session.scalars(
                select(OutboxItem.idempotency_key)
                .where(OutboxItem.case_no == case_no)
                .order_by(OutboxItem.id)
            )
        )
