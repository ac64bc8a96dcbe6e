"""补正 resubmission, 出件 (ready, hand over, mail), deadline flags and worklists, through the hall's
HTTP API on SQLite and PostgreSQL (the back office's reports arrive through apply_status, the
seam the hand-off room moves cases with)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services import notify
from services.hall.audit import Actor
from services.hall.cases import service
from services.hall.handoff.models import OutboxItem
from services.hall.models import AuditEntry
from tests.cases.catalog import ALL_PROMISED, ID_NUMBER, PHONE, state
from tests.cases.conftest import Desk
from tests.support.hall import FakeClock

BO = Actor("backoffice:D1")
AGENT_ID = "110101198001010053"
STRANGER_ID = "11010519491231002X"


def move(app: FastAPI, number: str, status: str, note: str = "", **data: Any) -> None:
    with app.state.hall.db.write() as session:
        service.apply_status(session, number, status, by=BO, note=note, data=data)


async def accepted(desk: Desk, **extra: Any) -> str:
    visit = await desk.decide(state(["T-001"], ALL_PROMISED, **extra), {"T-001": "accept"})
    return str(visit["case_numbers"][0])


async def post(
    desk: Desk, path: str, body: dict[str, Any], key: str | None = None
) -> httpx.Response:
    headers = dict(desk.headers)
    if key:
        headers["Idempotency-Key"] = key
    return await desk.api.post(f"/api/v1{path}", json=body, headers=headers)


async def work(desk: Desk, number: str) -> dict[str, Any]:
    answer = await desk.api.get(f"/api/v1/cases/{number}/work", headers=desk.headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def outbox_keys(app: FastAPI, number: str) -> list[str]:
    with app.state.hall.db.read() as session:
        return list(
            session.scalars(
                select(OutboxItem.idempotency_key)
                .where(OutboxItem.case_no == number)
                .order_by(OutboxItem.id)
            )
        )


def audit_actions(app: FastAPI, number: str) -> list[str]:
    with app.state.hall.db.read() as session:
        return list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.target == number).order_by(AuditEntry.id)
            )
        )


def sms_lines() -> list[str]:
    assert notify.SENDER.drain(5)
    path = notify.LogSms().path
    return path.read_text("utf-8").splitlines() if path.exists() else []


async def to_correction(desk: Desk, app: FastAPI, needed: list[str]) -> str:
    number = await accepted(desk)
    move(app, number, "delivered")
    move(app, number, "in_review", seq=1)
    move(app, number, "needs_correction", "经营范围不符", seq=2, materials_needed=needed)
    return number


# --------------------------------------------------------------------------- 需补正


async def test_resubmit_under_the_same_number_with_a_new_key(desk: Desk, hall_app: FastAPI) -> None:
    number = await to_correction(desk, hall_app, ["平面布局图", "补充说明"])
    view = await work(desk, number)
    assert view["work"]["correction"]["materials_needed"] == ["平面布局图", "补充说明"]
    assert view["work"]["correction"]["open"] is True
    assert view["work"]["actions"][0] == "resubmit"

    short = await post(desk, f"/cases/{number}/resubmit", {"received": ["平面布局图"]})
    assert short.status_code == 422
    assert short.json()["detail"]["code"] == "casework.correction_incomplete"
    assert short.json()["detail"]["missing"] == ["补充说明"]
    assert outbox_keys(hall_app, number) == [number]

    body = {"received": ["平面布局图", "补充说明"], "note": "已补正"}
    first = await post(desk, f"/cases/{number}/resubmit", body, key="resubmit-1")
    assert first.status_code == 200, first.text
    again = await post(desk, f"/cases/{number}/resubmit", body, key="resubmit-1")
    assert again.json() == first.json()  # a retried request: the first answer, nothing new
    answer = first.json()
    assert answer["record"]["idempotency_key"] == f"{number}:r1"
    assert answer["case"]["status"] == "resubmitted"
    assert answer["case"]["case_no"] == number
    assert outbox_keys(hall_app, number) == [number, f"{number}:r1"]
    materials = {m["name"]: m for m in answer["case"]["materials"]}
    assert materials["平面布局图"]["state"] == "已收"
    assert materials["平面布局图"]["corrected_in"] == 1
    assert materials["补充说明"]["added_by_correction"] is True
    last = answer["case"]["events"][-1]
    assert (last["from_status"], last["to_status"]) == ("needs_correction", "resubmitted")
    assert last["data"]["received"] == ["平面布局图", "补充说明"]
    assert "case.resubmit" in audit_actions(hall_app, number)

    # once more: the back office is still not happy -> round 2, key :r2
    move(hall_app, number, "delivered")
    move(hall_app, number, "in_review", seq=3)
    move(hall_app, number, "needs_correction", seq=4, materials_needed=["健康证明"])
    second = await post(desk, f"/cases/{number}/resubmit", {"received": ["健康证明"]})
    assert second.json()["record"]["idempotency_key"] == f"{number}:r2"
    assert outbox_keys(hall_app, number) == [number, f"{number}:r1", f"{number}:r2"]
    with hall_app.state.hall.db.read() as session:
        row = session.scalars(
            select(OutboxItem).where(OutboxItem.idempotency_key == f"{number}:r2")
        ).one()
    assert row.payload["case_no"] == number
    assert row.payload["resubmission"]["round"] == 2


async def test_only_a_case_needing_correction_is_resubmitted(desk: Desk) -> None:
    number = await accepted(desk)
    answer = await post(desk, f"/cases/{number}/resubmit", {"received": ["申请表"]})
    assert answer.status_code == 409
    assert answer.json()["detail"]["code"] == "casework.not_correctable"
    assert "待推送" in answer.json()["detail"]["message"]


# --------------------------------------------------------------------------- results ready


async def test_a_bare_store_moves_only_as_asked(desk: Desk, hall_app: FastAPI) -> None:
    number = await accepted(desk)  # no request has told pickup.py this hall's settings
    move(hall_app, number, "certificate_made")
    assert (await work(desk, number))["case"]["status"] == "certificate_made"


async def test_a_result_makes_a_pickup_case_ready_and_texts_the_applicant(
    desk: Desk, hall_app: FastAPI
) -> None:
    number = await accepted(desk)
    await work(desk, number)  # the hall's settings are known (also done at start-up)
    for status in ("delivered", "in_review", "approved"):
        move(hall_app, number, status)
    assert (await work(desk, number))["case"]["status"] == "approved"
    move(hall_app, number, "certificate_made", result={"document_no": "BO-1"})
    view = await work(desk, number)
    assert view["case"]["status"] == "ready_for_pickup"
    ready = view["case"]["events"][-1]
    assert ready["actor"] == "system:results"
    assert ready["data"]["notified"] == {"channel": "log", "to": "138****5678"}
    assert view["work"]["result"]["document_no"] == "BO-1"
    assert view["work"]["actions"][:2] == ["handover", "mail"]
    lines = [line for line in sms_lines() if number in line]
    assert len(lines) == 1
    assert "138****5678" in lines[0] and PHONE not in lines[0]
    assert "待取件" not in lines[0] and "领取" in lines[0]


async def test_a_window_marks_an_approved_result_ready(desk: Desk, hall_app: FastAPI) -> None:
    number = await accepted(desk)
    move(hall_app, number, "approved")
    answer = await post(desk, f"/cases/{number}/ready", {"note": "证照已送达窗口"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["case"]["status"] == "ready_for_pickup"
    early = await accepted(desk)
    refused = await post(desk, f"/cases/{early}/ready", {})
    assert refused.status_code == 409
    assert refused.json()["detail"]["code"] == "casework.not_ready"


# --------------------------------------------------------------------------- handing over


async def test_the_collector_must_be_the_applicant_or_an_authorized_agent(
    desk: Desk, hall_app: FastAPI
) -> None:
    number = await accepted(desk)
    await work(desk, number)  # the hall's settings are known (also done at start-up)
    move(hall_app, number, "certificate_made")
    before = audit_actions(hall_app, number)
    stranger = await post(
        desk,
        f"/cases/{number}/handover",
        {"collector_name": "王五", "collector_id_number": STRANGER_ID},
    )
    assert stranger.status_code == 409
    detail = stranger.json()["detail"]
    assert detail["code"] == "casework.collector_not_allowed"
    assert "授权委托书" in detail["message"]
    assert audit_actions(hall_app, number) == before  # nothing recorded
    assert (await work(desk, number))["case"]["status"] == "ready_for_pickup"

    bad = await post(
        desk, f"/cases/{number}/handover", {"collector_name": "王五", "collector_id_number": "123"}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"]["code"] == "casework.bad_collector_id"

    own = await post(
        desk,
        f"/cases/{number}/handover",
        {"collector_name": "张三", "collector_id_number": ID_NUMBER.lower()},
    )
    assert own.status_code == 200, own.text
    record = own.json()["record"]
    assert record["collector"] == {
        "name": "张三",
        "id_type": "resident_id",
        "id_masked": "1101**********1239",
        "relation": "self",
        "authorization_received": False,
    }
    assert record["window_no"] == 1 and record["clerk"] == "clerk1"
    assert own.json()["case"]["status"] == "handed_over"
    assert own.json()["work"]["handover"]["collector"]["relation"] == "self"
    assert ID_NUMBER not in own.text
    assert "case.handover" in audit_actions(hall_app, number)

    twice = await post(
        desk,
        f"/cases/{number}/handover",
        {"collector_name": "张三", "collector_id_number": ID_NUMBER},
    )
    assert twice.status_code == 409


async def test_an_agent_with_a_power_of_attorney_collects(desk: Desk, hall_app: FastAPI) -> None:
    number = await accepted(desk)
    move(hall_app, number, "approved")  # no certificate step: handed over at once
    answer = await post(
        desk,
        f"/cases/{number}/handover",
        {
            "collector_name": "李四",
            "collector_id_number": AGENT_ID,
            "authorization_received": True,
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["record"]["collector"]["relation"] == "agent"
    timeline = [(e["from_status"], e["to_status"]) for e in answer.json()["case"]["events"]]
    assert timeline[-2:] == [("approved", "ready_for_pickup"), ("ready_for_pickup", "handed_over")]


async def test_no_handover_before_the_result(desk: Desk) -> None:
    number = await accepted(desk)
    answer = await post(
        desk,
        f"/cases/{number}/handover",
        {"collector_name": "张三", "collector_id_number": ID_NUMBER},
    )
    assert answer.status_code == 409
    assert answer.json()["detail"]["code"] == "casework.not_ready"


# --------------------------------------------------------------------------- mail


async def test_mail_with_a_tracking_number(desk: Desk, hall_app: FastAPI) -> None:
    delivery = {"method": "mail", "recipient": "张三", "address": "示范路 88 号 1201 室"}
    number = await accepted(desk, delivery=delivery)
    move(hall_app, number, "certificate_made")
    view = await work(desk, number)
    assert view["case"]["status"] == "certificate_made"  # mail cases wait for the window
    lists = (await desk.api.get("/api/v1/worklist", headers=desk.headers)).json()
    assert [r["case_no"] for r in lists["to_mail"]] == [number]
    assert lists["ready_for_pickup"] == []

    bad = await post(desk, f"/cases/{number}/mail", {"tracking_no": "x"})
    assert bad.status_code == 422
    assert bad.json()["detail"]["code"] == "casework.bad_tracking_no"

    answer = await post(
        desk, f"/cases/{number}/mail", {"tracking_no": "EA 123456789 CN", "carrier": "EMS"}
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["case"]["status"] == "mailed"
    assert data["case"]["delivery"]["tracking_no"] == "EA123456789CN"
    assert data["work"]["mail"]["address"] == "示范路 88 号 1201 室"
    line = [x for x in sms_lines() if number in x][-1]
    assert "EA123456789CN" in line and "138****5678" in line


# --------------------------------------------------------------------------- deadlines


async def test_overdue_and_near_flags_follow_the_clock(
    desk: Desk, hall_app: FastAPI, clock: FakeClock, login_headers: Any
) -> None:
    number = await accepted(desk)  # Mon 2026-11-23, 5 working days -> Mon 2026-11-30
    view = await work(desk, number)
    assert view["case"]["promised"]["date"] == "2026-11-30"
    assert view["work"]["deadline"] == {
        "state": "ok",
        "promised": "2026-11-30",
        "workdays_left": 5,
        "workdays_over": None,
    }

    async def flagged() -> list[tuple[str, str]]:
        desk.headers = await login_headers("clerk1", 1)  # the clock moved past the token
        rows = (await desk.api.get("/api/v1/worklist/deadlines", headers=desk.headers)).json()
        return [(r["case_no"], r["deadline"]["state"]) for r in rows]

    assert await flagged() == []
    clock.now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Fri: 1 working day left
    assert await flagged() == [(number, "near")]
    lists = (await desk.api.get("/api/v1/worklist", headers=desk.headers)).json()
    assert [r["deadline"]["workdays_left"] for r in lists["deadline"]] == [1]
    clock.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tue after: 1 working day over
    assert await flagged() == [(number, "overdue")]
    assert (await work(desk, number))["work"]["deadline"]["workdays_over"] == 1
    assert await flagged() == [(number, "overdue")]
    only_over = await desk.api.get(
        "/api/v1/worklist/deadlines", params={"near": "false"}, headers=desk.headers
    )
    assert [r["case_no"] for r in only_over.json()] == [number]
    move(hall_app, number, "approved")  # decided: no longer flagged
    assert await flagged() == []


@pytest.mark.parametrize("q", ["case", "barcode", "id", "phone"])
async def test_lookup_finds_a_case(desk: Desk, q: str) -> None:
    number = await accepted(desk)
    text = {
        "case": number,
        "barcode": f" {number[:6]} {number[6:14]} {number[14:]}\n",
        "id": ID_NUMBER.lower(),
        "phone": "138-1234-5678",
    }[q]
    found = await desk.api.get("/api/v1/cases", params={"q": text}, headers=desk.headers)
    assert [c["case_no"] for c in found.json()] == [number]


async def test_cli_lists_overdue_cases(
    desk: Desk,
    hall_app: FastAPI,
    store_url: str,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import timedelta

    from click.testing import CliRunner

    from clerk.cli.main import cli
    from clerk.clock import hall_today
    from services.hall.cases.models import Case

    number = await accepted(desk)
    late = await accepted(desk)
    with hall_app.state.hall.db.write() as session:
        case = session.scalars(select(Case).where(Case.case_no == late)).one()
        case.promised_date = hall_today(clock) - timedelta(days=10)
    monkeypatch.setenv("CLERK_SERVICE__DB", store_url)
    # the CLI on the hall's clock: "overdue" is counted from the same day the cases were made
    result = CliRunner().invoke(cli, ["cases", "overdue"], obj=clock)
    assert result.exit_code == 0, result.output
    assert late in result.output and "超期" in result.output
    assert number not in result.output or "临期" in result.output
    assert "共 " in result.output
