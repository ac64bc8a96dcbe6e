"""The second visit after a 一次性告知 (services/hall/cases/second_visit.py), through the hall's
HTTP API on SQLite and PostgreSQL: the notice's number opens a draft filled from the first visit,
the same draft again on a retry or at another window, the decision links the new case to the
notice, and a spent notice or a case that is no notice is refused with a clear word."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI

from tests.cases.catalog import ALL_PROMISED, ID_NUMBER, state
from tests.cases.conftest import Desk
from tests.caseview.test_casework import accepted, audit_actions, post

FIRST = {"申请表": {"state": "已收"}, "身份证": {"state": "已收"}}


async def noticed(desk: Desk) -> str:
    visit = await desk.decide(
        state(["T-001"], FIRST, fields={"shop": "示范小店"}), {"T-001": "notice"}
    )
    return str(visit["case_numbers"][0])


async def second_visit(desk: Desk, number: str, key: str | None = None) -> httpx.Response:
    return await post(desk, f"/notices/{number}/second-visit", {"ticket_id": None}, key)


async def test_the_notice_opens_a_filled_draft_and_the_decision_links_back(
    desk: Desk, hall_app: FastAPI, login_headers: Callable[..., Awaitable[dict[str, str]]]
) -> None:
    number = await noticed(desk)
    answer = await second_visit(desk, number)
    assert answer.status_code == 200, answer.text
    draft: dict[str, Any] = answer.json()
    st = draft["state"]
    assert st["follows_notice"] == number
    assert st["items"] == ["T-001"] and st.get("theme") is None
    assert st["applicant"]["id_number"] == ID_NUMBER
    assert st["fields"]["shop"] == "示范小店"
    # what was handed in last time is received again; what the notice listed is asked
    assert {n: m["state"] for n, m in st["materials"].items()} == {
        "申请表": "已收",
        "身份证": "已收",
    }
    assert sorted(st["notice"]["received"]) == ["申请表", "身份证"]
    assert set(st["notice"]["missing"]) == set(ALL_PROMISED) - set(FIRST)
    assert "notice.return" in audit_actions(hall_app, number)

    # a retry, or another window scanning the same paper: the same draft, nothing new
    again = await second_visit(desk, number)
    assert again.status_code == 200 and again.json()["id"] == draft["id"]

    # the applicant brought the rest: accepted, and the case says which notice it answers
    saved = await desk.api.put(
        f"/api/v1/drafts/{draft['id']}",
        json={"version": draft["version"], "state": st | {"materials": ALL_PROMISED}},
        headers=desk.headers,
    )
    assert saved.status_code == 200, saved.text
    decided = await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": "accept"}])
    assert decided.status_code == 201, decided.text
    [case] = decided.json()["cases"]
    assert case["decision"] == "accepted"
    got = await desk.api.get(f"/api/v1/cases/{case['case_no']}", headers=desk.headers)
    assert got.json()["follows_notice"] == number

    # the daily report: one notice came back, and it was accepted (二次办结率 100%)
    supervisor = await login_headers("supervisor")
    report = await desk.api.get("/api/v1/reports/daily", headers=supervisor)
    assert report.status_code == 200, report.text
    total = report.json()["total"]
    assert (total["notice"], total["returned"], total["returned_accepted"]) == (1, 1, 1)
    assert total["second_rate"] == 1.0

    # the notice is spent: a third scan names the case that answered it
    spent = await second_visit(desk, number)
    assert spent.status_code == 409
    detail = spent.json()["detail"]
    assert detail["code"] == "casework.notice_answered"
    assert case["case_no"] in detail["message"]


async def test_a_case_that_is_no_notice_is_refused(desk: Desk) -> None:
    number = await accepted(desk)
    answer = await second_visit(desk, number)
    assert answer.status_code == 409
    detail = answer.json()["detail"]
    assert detail["code"] == "casework.not_a_notice" and "一次性告知" in detail["message"]


async def test_an_unknown_number_is_not_found(desk: Desk) -> None:
    answer = await second_visit(desk, "31000020261123000017")
    assert answer.status_code == 404
