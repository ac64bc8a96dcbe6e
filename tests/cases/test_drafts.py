"""Drafts: saved on every change, optimistic versions, hall-wide, closed by a decision."""

from __future__ import annotations

from typing import Any

import httpx

from tests.cases.catalog import ALL_IMMEDIATE, ID_NUMBER, state
from tests.cases.conftest import Desk


async def test_save_and_restore(desk: Desk, api: httpx.AsyncClient) -> None:
    draft = await desk.draft({}, ticket_id=42)
    assert draft["version"] == 1 and draft["status"] == "open" and draft["ticket_id"] == 42
    full = state(["T-002"], ALL_IMMEDIATE, answers={"x": 1}, fields={"addr": "示范路 1 号"})
    full["delivery"] = {"method": "mail", "address": "示范路 2 号", "recipient": "张三"}
    full["notes"] = "带齐了"
    full["ui"] = {"focus": "materials"}  # unknown keys are kept
    r = await api.put(
        f"/api/v1/drafts/{draft['id']}", json={"version": 1, "state": full}, headers=desk.headers
    )
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"id", "version", "updated_at"}  # small answer
    assert r.json()["version"] == 2
    back = (await api.get(f"/api/v1/drafts/{draft['id']}", headers=desk.headers)).json()
    assert back["version"] == 2
    st = back["state"]
    assert st["applicant"]["id_number"] == ID_NUMBER  # the form comes back as typed
    assert st["items"] == ["T-002"] and st["answers"] == {"x": 1}
    assert st["materials"]["户口簿"]["state"] == "已收"
    assert st["delivery"]["address"] == "示范路 2 号" and st["notes"] == "带齐了"
    assert st["ui"] == {"focus": "materials"}
    assert back["applicant_name"] == "张三"
    assert back["applicant_id_masked"] == "1101**********1239"


async def test_version_conflict(desk: Desk, api: httpx.AsyncClient) -> None:
    draft = await desk.draft({})
    url = f"/api/v1/drafts/{draft['id']}"
    one = {"notes": "window 1"}
    r = await api.put(url, json={"version": 1, "state": one}, headers=desk.headers)
    assert r.json()["version"] == 2
    # the same save again (a retry after a lost answer) answers as the first did
    r = await api.put(url, json={"version": 1, "state": one}, headers=desk.headers)
    assert r.status_code == 200 and r.json()["version"] == 2
    # another window saved meanwhile: a conflict, with the current version
    r = await api.put(url, json={"version": 1, "state": {"notes": "other"}}, headers=desk.headers)
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "drafts.version_conflict"
    assert r.json()["detail"]["current"] == 2
    r = await api.put(url, json={"version": 2, "state": {"notes": "other"}}, headers=desk.headers)
    assert r.json()["version"] == 3


async def test_a_draft_belongs_to_the_hall(
    desk: Desk, api: httpx.AsyncClient, login_headers: Any
) -> None:
    draft = await desk.draft({"notes": "started at window 1"}, ticket_id=7)
    clerk2 = await login_headers("clerk2", 2)
    # clerk2 finds it by ticket and continues at window 2
    by_ticket = (await api.get("/api/v1/drafts", params={"ticket_id": 7}, headers=clerk2)).json()
    assert [d["id"] for d in by_ticket] == [draft["id"]]
    r = await api.put(
        f"/api/v1/drafts/{draft['id']}",
        json={"version": 1, "state": {"notes": "continued at window 2"}},
        headers=clerk2,
    )
    assert r.status_code == 200
    mine = (await api.get("/api/v1/drafts", headers=clerk2)).json()
    assert [(d["id"], d["updated_by"], d["window_no"]) for d in mine] == [
        (draft["id"], "clerk2", 2)
    ]
    assert [d["id"] for d in (await api.get("/api/v1/drafts", headers=desk.headers)).json()] == [
        draft["id"]
    ]
    everyone = await api.get("/api/v1/drafts", params={"all": "true"}, headers=clerk2)
    assert len(everyone.json()) == 1


async def test_discard(desk: Desk, api: httpx.AsyncClient) -> None:
    draft = await desk.draft({})
    url = f"/api/v1/drafts/{draft['id']}"
    r = await api.delete(url, params={"version": 5}, headers=desk.headers)
    assert r.status_code == 409
    r = await api.delete(url, headers=desk.headers)
    assert r.status_code == 200 and r.json()["status"] == "discarded"
    assert (await api.get("/api/v1/drafts", headers=desk.headers)).json() == []
    r = await api.put(url, json={"version": 1, "state": {}}, headers=desk.headers)
    assert r.status_code == 409 and r.json()["detail"]["code"] == "drafts.closed"
    r = await desk.decide_raw(draft["id"], [{"item": "T-002", "decision": "accept"}])
    assert r.status_code == 409 and r.json()["detail"]["code"] == "drafts.closed"
    assert (await api.get("/api/v1/drafts/nope", headers=desk.headers)).status_code == 404


async def test_decided_drafts_leave_the_list(desk: Desk, api: httpx.AsyncClient) -> None:
    visit = await desk.decide(state(["T-002"], ALL_IMMEDIATE), {"T-002": "accept"})
    assert (await api.get("/api/v1/drafts", headers=desk.headers)).json() == []
    r = await api.put(
        f"/api/v1/drafts/{visit['draft_id']}",
        json={"version": 1, "state": {}},
        headers=desk.headers,
    )
    assert r.status_code == 409
    assert r.json()["detail"]["visit_id"] == visit["id"]
