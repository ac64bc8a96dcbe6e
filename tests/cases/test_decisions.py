"""Decisions at the window: the hall recomputes the verdict and makes one case per item."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from clerk.cases import is_valid_case_number
from tests.cases.catalog import ALL_IMMEDIATE, ALL_PROMISED, ID_NUMBER, PHONE, state
from tests.cases.conftest import Desk
from tests.support.hall import FakeClock


async def test_accept_with_every_material(desk: Desk, api: httpx.AsyncClient) -> None:
    visit = await desk.decide(state(["T-001"], ALL_PROMISED), {"T-001": "accept"})
    [case] = visit["cases"]
    assert visit["case_numbers"] == [case["case_no"]]
    assert is_valid_case_number(case["case_no"])
    assert case["case_no"].startswith("31000020261123")
    assert case["decision"] == "accepted"
    assert case["status"] == "pending_delivery"
    assert [e["to_status"] for e in case["events"]] == ["accepted", "pending_delivery"]
    assert case["item"] == {
        "code": "T-001",
        "name": "测试许可（承诺件）",
        "department": "D1",
        "department_name": "测试局",
        "handling": "承诺件",
    }
    assert case["clerk"] == "clerk1" and case["window_no"] == 1
    assert case["catalog_version"] == "test-1+abc123"
    assert case["answers"] == {"agent": False, "in_remit": True}
    assert {m["name"]: m["state"] for m in case["materials"]}["申请表"] == "已收"
    # 受理次日起算: accepted Monday 2026-11-23, 5 working days -> Monday 2026-11-30
    assert case["promised"] == {
        "limit": "5 工作日",
        "date": "2026-11-30",
        "estimated": False,
        "note": None,
    }
    # masked, everywhere
    assert ID_NUMBER not in str(visit) and PHONE not in str(visit)
    assert case["applicant"]["id_number"] == "1101**********1239"
    assert case["applicant"]["phone"] == "138****5678"
    # the draft is closed
    again = await api.get(f"/api/v1/drafts/{visit['draft_id']}", headers=desk.headers)
    assert again.json()["status"] == "decided" and again.json()["visit_id"] == visit["id"]


async def test_accept_refused_when_incomplete(desk: Desk, api: httpx.AsyncClient) -> None:
    materials = dict(ALL_PROMISED)
    del materials["申请表"]
    materials["平面布局图"] = {"state": "缺"}
    draft = await desk.draft(state(["T-001"], materials))
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "accept"}])
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert detail["code"] == "cases.cannot_accept"
    assert detail["item"] == "T-001"
    assert detail["verdict"] == "notify"
    assert detail["missing"] == ["申请表", "平面布局图"]
    keys = [(x["key"], x.get("material")) for x in detail["reasons"]]
    assert ("missing", "申请表") in keys and ("missing", "平面布局图") in keys
    # nothing was written: the draft is still open, no case exists
    assert (await api.get(f"/api/v1/drafts/{draft['id']}", headers=desk.headers)).json()[
        "status"
    ] == "open"
    assert (
        await api.get("/api/v1/cases", params={"q": ID_NUMBER}, headers=desk.headers)
    ).json() == []


async def test_a_buggy_client_cannot_mark_its_way_in(desk: Desk) -> None:
    """Marks the item does not allow (容缺 on a non-容缺 material, 告知承诺 without due...) count
    as missing, whatever the client sends."""
    materials = dict(ALL_PROMISED)
    materials["申请表"] = {"state": "容缺", "due": "2026-12-01"}  # not a 容缺 material
    materials["平面布局图"] = {"state": "容缺"}  # 容缺 needs a due date
    draft = await desk.draft(state(["T-001"], materials))
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "accept"}])
    assert r.status_code == 409
    keys = {x["key"] for x in r.json()["detail"]["reasons"]}
    assert {"rongque_not_allowed", "rongque_needs_due"} <= keys


async def test_accept_with_rongque_records_due_dates(desk: Desk) -> None:
    materials = dict(ALL_PROMISED)
    materials["平面布局图"] = {"state": "容缺", "due": "2026-12-04"}
    materials["健康证明"] = {"state": "deferred", "due": "2026-12-11"}
    materials["管理制度"] = {"state": "告知承诺"}
    visit = await desk.decide(state(["T-001"], materials), {"T-001": "accept"})
    [case] = visit["cases"]
    assert case["decision"] == "accepted_rongque"
    assert case["status"] == "pending_delivery"
    rows = {m["name"]: m for m in case["materials"]}
    assert (rows["平面布局图"]["state"], rows["平面布局图"]["due"]) == ("容缺", "2026-12-04")
    assert (rows["健康证明"]["state"], rows["健康证明"]["due"]) == ("容缺", "2026-12-11")
    assert rows["管理制度"]["state"] == "告知承诺"


async def test_a_rongque_due_date_already_past_is_refused(desk: Desk) -> None:
    """The hall day is 2026-11-23: a 容缺 date before it (a draft left open for days) is not
    accepted; the clerk sets a new date."""
    materials = dict(ALL_PROMISED)
    materials["平面布局图"] = {"state": "容缺", "due": "2026-11-20"}
    draft = await desk.draft(state(["T-001"], materials))
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "accept"}])
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert (detail["code"], detail["material"], detail["due"]) == (
        "cases.rongque_due_past",
        "平面布局图",
        "2026-11-20",
    )
    assert "2026-11-20" in detail["message"] and "平面布局图" in detail["message"]


async def test_notice_lists_every_missing_material(desk: Desk) -> None:
    materials = {"申请表": {"state": "已收"}}
    visit = await desk.decide(
        state(["T-001"], materials, answers={"agent": True}), {"T-001": "notice"}
    )
    [case] = visit["cases"]
    assert case["decision"] == case["status"] == "notice"
    assert case["promised"]["date"] is None
    assert [m["name"] for m in case["missing"]] == [
        "身份证",
        "平面布局图",
        "健康证明",
        "管理制度",
        "授权委托书",
    ]
    assert all(m["requirement"] for m in case["missing"])
    assert [e["to_status"] for e in case["events"]] == ["notice"]


async def test_notice_needs_something_missing(desk: Desk) -> None:
    draft = await desk.draft(state(["T-001"], ALL_PROMISED))
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "notice"}])
    assert r.status_code == 409 and r.json()["detail"]["code"] == "cases.nothing_missing"


async def test_refuse_from_the_verdict(desk: Desk) -> None:
    """Outside the remit (refuse_when): accepting is refused, refusing records reason + basis."""
    st = state(["T-001"], ALL_PROMISED, answers={"in_remit": False})
    draft = await desk.draft(st)
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "accept"}])
    assert r.status_code == 409 and r.json()["detail"]["verdict"] == "refuse"
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "refuse"}])
    assert r.status_code == 201, r.text
    [case] = r.json()["cases"]
    assert case["status"] == "refused"
    assert case["refusal"] == {
        "reason_id": "R1",
        "text": "申请事项依法不属于本机关职权范围",
        "legal_basis": "《行政许可法》第三十二条第一款第（二）项",
    }


async def test_refuse_needs_a_reason_and_basis(desk: Desk) -> None:
    draft = await desk.draft(state(["T-001"], ALL_PROMISED))
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "refuse"}])
    assert r.status_code == 422 and r.json()["detail"]["code"] == "cases.refusal_reason_required"
    r = await desk.decide_raw(
        draft["id"], [{"item": "T-001", "decision": "refuse", "refusal_reason": "R9"}]
    )
    assert r.status_code == 422 and r.json()["detail"]["code"] == "cases.unknown_refusal_reason"
    r = await desk.decide_raw(
        draft["id"], [{"item": "T-001", "decision": "refuse", "reason": "不具备资格"}]
    )
    assert r.status_code == 422  # words without a legal basis
    r = await desk.decide_raw(
        draft["id"], [{"item": "T-001", "decision": "refuse", "refusal_reason": "R2"}]
    )
    assert r.status_code == 201
    assert r.json()["cases"][0]["refusal"]["legal_basis"] == "《测试条例》第五条"


async def test_immediate_item_is_completed_on_the_spot(desk: Desk) -> None:
    visit = await desk.decide(state(["T-002"], ALL_IMMEDIATE), {"T-002": "accept"})
    [case] = visit["cases"]
    assert case["decision"] == case["status"] == "completed_on_spot"
    assert case["completed_at"] is not None
    assert case["promised"]["date"] == "2026-11-23"
    assert [e["to_status"] for e in case["events"]] == ["completed_on_spot"]


async def test_several_items_one_visit(desk: Desk, api: httpx.AsyncClient) -> None:
    materials = {**ALL_PROMISED, **ALL_IMMEDIATE}
    materials["健康证明"] = {"state": "缺"}
    visit = await desk.decide(
        state(["T-001", "T-002"], materials),
        {"T-001": "notice", "T-002": "accept"},
    )
    numbers = visit["case_numbers"]
    assert len(numbers) == 2 and len(set(numbers)) == 2
    assert [int(n[14:19]) for n in numbers] == [1, 2]
    assert [c["status"] for c in visit["cases"]] == ["notice", "completed_on_spot"]
    assert [m["name"] for m in visit["cases"][0]["missing"]] == ["健康证明"]
    again = await api.get(f"/api/v1/visits/{visit['id']}", headers=desk.headers)
    assert again.json()["case_numbers"] == numbers


async def test_theme_decides_its_chosen_items(desk: Desk) -> None:
    st = {"applicant": state([], {})["applicant"], "theme": "YJS-T"}
    st["materials"] = {**ALL_PROMISED, **ALL_IMMEDIATE}
    draft = await desk.draft(st)
    r = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "accept"}])
    assert r.status_code == 422 and r.json()["detail"]["code"] == "cases.decision_missing"
    r = await desk.decide_raw(
        draft["id"],
        [
            {"item": "T-001", "decision": "accept"},
            {"item": "T-002", "decision": "accept"},
            {"item": "T-999", "decision": "accept"},
        ],
    )
    assert r.status_code == 422 and r.json()["detail"]["code"] == "cases.decision_extra"
    r = await desk.decide_raw(
        draft["id"],
        [{"item": "T-001", "decision": "accept"}, {"item": "T-002", "decision": "accept"}],
    )
    assert r.status_code == 201
    assert [c["item"]["code"] for c in r.json()["cases"]] == ["T-001", "T-002"]


async def test_accept_needs_a_valid_id(desk: Desk) -> None:
    st = state(["T-002"], ALL_IMMEDIATE)
    st["applicant"]["id_number"] = ID_NUMBER[:-1] + "0"  # type: ignore[index]
    draft = await desk.draft(st)
    r = await desk.decide_raw(draft["id"], [{"item": "T-002", "decision": "accept"}])
    assert r.status_code == 422
    assert r.json()["detail"]["code"] == "cases.bad_applicant_id"
    assert r.json()["detail"]["field"] == "id_number"


async def test_mail_needs_an_address(desk: Desk) -> None:
    draft = await desk.draft(state(["T-002"], ALL_IMMEDIATE, delivery={"method": "mail"}))
    r = await desk.decide_raw(draft["id"], [{"item": "T-002", "decision": "accept"}])
    assert r.json()["detail"]["code"] == "cases.mail_address_required"


async def test_idempotent_retry_returns_the_same_numbers(desk: Desk) -> None:
    draft = await desk.draft(state(["T-001", "T-002"], {**ALL_PROMISED, **ALL_IMMEDIATE}))
    decisions = [{"item": "T-001", "decision": "accept"}, {"item": "T-002", "decision": "accept"}]
    first = await desk.decide_raw(draft["id"], decisions, key="decide-1")
    second = await desk.decide_raw(draft["id"], decisions, key="decide-1")
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert first.json()["case_numbers"] == second.json()["case_numbers"]
    # without the key, the closed draft still prevents a second visit
    third = await desk.decide_raw(draft["id"], decisions, key="decide-2")
    assert third.status_code == 409
    assert third.json()["detail"]["code"] == "drafts.closed"
    assert third.json()["detail"]["visit_id"] == first.json()["id"]


async def test_stale_draft_version_is_refused(desk: Desk) -> None:
    draft = await desk.draft(state(["T-002"], ALL_IMMEDIATE))
    r = await desk.decide_raw(
        draft["id"], [{"item": "T-002", "decision": "accept"}], draft_version=7
    )
    assert r.status_code == 409 and r.json()["detail"]["code"] == "drafts.version_conflict"


async def test_promised_date_across_the_year_is_an_estimate(
    api: httpx.AsyncClient, login_headers: Any, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)  # Monday
    desk = Desk(api, await login_headers("clerk1", 1))
    visit = await desk.decide(state(["T-001"], ALL_PROMISED), {"T-001": "accept"})
    promised = visit["cases"][0]["promised"]
    assert promised["date"].startswith("2027-01")
    assert promised["estimated"] is True
    assert "2027" in promised["note"]
    assert visit["cases"][0]["case_no"][6:14] == "20261228"


async def test_lookup_by_number_id_and_phone(desk: Desk, api: httpx.AsyncClient) -> None:
    visit = await desk.decide(state(["T-002"], ALL_IMMEDIATE), {"T-002": "accept"})
    number = visit["case_numbers"][0]
    h = desk.headers
    for q in (
        number,
        f" {number[:10]} {number[10:]} ",
        ID_NUMBER,
        ID_NUMBER.lower(),
        PHONE,
        "138 1234 5678",
        "+8613812345678",
    ):
        found = (await api.get("/api/v1/cases", params={"q": q}, headers=h)).json()
        assert [c["case_no"] for c in found] == [number], q
        assert found[0]["applicant_id_masked"] == "1101**********1239"
    assert (await api.get("/api/v1/cases", params={"q": "13812345679"}, headers=h)).json() == []
    one = await api.get(f"/api/v1/cases/{number}", headers=h)
    assert one.status_code == 200 and ID_NUMBER not in one.text
    missing = await api.get("/api/v1/cases/31000020261123999990", headers=h)
    assert missing.status_code == 404


async def test_reveal_is_audited(desk: Desk, api: httpx.AsyncClient, hall_app: object) -> None:
    visit = await desk.decide(state(["T-002"], ALL_IMMEDIATE), {"T-002": "accept"})
    number = visit["case_numbers"][0]
    r = await api.post(f"/api/v1/cases/{number}/reveal", json={"reason": ""}, headers=desk.headers)
    assert r.status_code == 422
    r = await api.post(
        f"/api/v1/cases/{number}/reveal", json={"reason": "申请人要求核对"}, headers=desk.headers
    )
    assert r.status_code == 200
    assert r.json()["applicant"]["id_number"] == ID_NUMBER
    assert r.json()["applicant"]["phone"] == PHONE

    from services.hall.models import AuditEntry

    with hall_app.state.hall.db.read() as session:  # type: ignore[attr-defined]
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        reveal = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.reveal")).one()
    assert reveal.target == number and reveal.data == {"reason": "申请人要求核对"}
    assert "draft.create" in actions and "case.decide" in actions and "visit.decide" in actions


async def test_accepted_cases_reach_the_outbox(desk: Desk, hall_app: object) -> None:
    visit = await desk.decide(
        state(["T-001", "T-002"], {**ALL_PROMISED, **ALL_IMMEDIATE}),
        {"T-001": "accept", "T-002": "accept"},
    )
    from services.hall.handoff.models import OutboxItem

    with hall_app.state.hall.db.read() as session:  # type: ignore[attr-defined]
        rows = list(session.scalars(select(OutboxItem)))
    # only the 承诺件 goes to a back office; the 即办件 was finished at the window
    assert [(r.case_no, r.department, r.idempotency_key) for r in rows] == [
        (visit["case_numbers"][0], "D1", visit["case_numbers"][0])
    ]
    payload = rows[0].payload
    assert payload["applicant"]["id_number"] == ID_NUMBER  # the back office gets it in full
    assert payload["item"]["code"] == "T-001" and payload["promised"]["date"] == "2026-11-30"
    assert payload["catalog_version"] == "test-1+abc123"


async def test_roles(api: httpx.AsyncClient, login_headers: object) -> None:
    trainer = await login_headers("trainer")  # type: ignore[operator]
    r = await api.post("/api/v1/drafts", json={}, headers=trainer)
    assert r.status_code == 403
    assert (await api.post("/api/v1/drafts", json={})).status_code == 401


async def test_accept_needs_an_id_but_notice_does_not(desk: Desk) -> None:
    st = state(["T-002"], {"申请表": {"state": "已收"}})
    del st["applicant"]["id_number"]  # type: ignore[attr-defined]
    draft = await desk.draft(st)
    r = await desk.decide_raw(draft["id"], [{"item": "T-002", "decision": "accept"}])
    assert r.status_code == 422 and r.json()["detail"]["code"] == "cases.id_required"
    r = await desk.decide_raw(draft["id"], [{"item": "T-002", "decision": "notice"}])
    assert r.status_code == 201
    assert r.json()["cases"][0]["applicant"].get("id_number") in (None, "")
