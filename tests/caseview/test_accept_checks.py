"""What the hall itself refuses to accept, whatever the client showed: an ID document whose 有效期
has ended, and an agent (代办人) with no name. Through the HTTP API on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx

from tests.cases.catalog import ALL_IMMEDIATE, ALL_PROMISED, applicant, state
from tests.cases.conftest import Desk

AGENT_ID = "110101198001010053"
WITH_AGENT = {**ALL_PROMISED, "授权委托书": {"state": "已收"}}


async def decide(desk: Desk, body: dict[str, Any], decision: str = "accept") -> httpx.Response:
    draft = await desk.draft(body)
    return await desk.decide_raw(draft["id"], [{"item": "T-001", "decision": decision}])


def agent(**extra: object) -> dict[str, object]:
    return {"name": "李四", "id_type": "resident_id", "id_number": AGENT_ID, **extra}


async def test_an_expired_id_is_not_accepted(desk: Desk, api: httpx.AsyncClient) -> None:
    body = state(["T-001"], ALL_PROMISED, applicant=applicant(id_valid_until="2020-01-01"))
    r = await decide(desk, body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail["code"] == "cases.id_not_valid"
    assert detail["field"] == "id_valid_until"
    assert "2020-01-01" in detail["message"]
    # nothing written: no case for this applicant
    assert (await api.get("/api/v1/cases", headers=desk.headers)).json() == []


async def test_an_unreadable_validity_date_is_not_accepted(desk: Desk) -> None:
    body = state(["T-001"], ALL_PROMISED, applicant=applicant(id_valid_until="someday"))
    r = await decide(desk, body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]["field"] == "id_valid_until"


async def test_a_valid_or_long_term_id_is_accepted(desk: Desk) -> None:
    for until in ("2036-01-31", "长期"):
        body = state(["T-001"], ALL_PROMISED, applicant=applicant(id_valid_until=until))
        r = await decide(desk, body)
        assert r.status_code == 201, r.text


async def test_an_expired_id_may_still_get_a_notice(desk: Desk) -> None:
    """The one-time notice is how the applicant learns to bring a valid document."""
    materials = {"申请表": {"state": "已收"}}
    body = state(["T-001"], materials, applicant=applicant(id_valid_until="2020-01-01"))
    r = await decide(desk, body, "notice")
    assert r.status_code == 201, r.text


async def test_an_agents_expired_id_is_not_accepted(desk: Desk) -> None:
    body = state(
        ["T-001"],
        WITH_AGENT,
        answers={"agent": True},
        agent=agent(id_valid_until="2021-06-30", authorized=True),
    )
    r = await decide(desk, body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert (detail["code"], detail["field"]) == ("cases.id_not_valid", "agent.id_valid_until")


async def test_an_agent_needs_a_name(desk: Desk) -> None:
    # The agent situation is on and the power of attorney is in, but nobody is named.
    for sent in (None, {"name": " ", "id_number": AGENT_ID}):
        body = state(["T-001"], WITH_AGENT, answers={"agent": True}, agent=sent)
        r = await decide(desk, body)
        assert r.status_code == 422, r.text
        detail = r.json()["detail"]
        assert (detail["code"], detail["field"]) == ("cases.agent_name_required", "agent.name")
        assert "代办人" in detail["message"]


async def test_agent_data_without_the_agent_answer_still_needs_a_name(desk: Desk) -> None:
    body = state(["T-001"], ALL_PROMISED, agent={"name": "", "id_number": AGENT_ID})
    r = await decide(desk, body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]["field"] == "agent.name"


async def test_a_named_agent_is_accepted_and_recorded(desk: Desk) -> None:
    body = state(
        ["T-001"],
        WITH_AGENT,
        answers={"agent": True},
        agent=agent(id_valid_until="长期", authorized=True),
    )
    visit = await desk.decide(body, {"T-001": "accept"})
    [case] = visit["cases"]
    assert case["agent"]["name"] == "李四"
    assert AGENT_ID not in str(visit)


async def test_english_clients_get_english_messages(desk: Desk) -> None:
    body = state(["T-001"], WITH_AGENT, answers={"agent": True})
    draft = await desk.draft(body)
    r = await desk.api.post(
        "/api/v1/visits",
        json={"draft_id": draft["id"], "decisions": [{"item": "T-001", "decision": "accept"}]},
        headers={**desk.headers, "Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert (
        r.json()["detail"]["message"] == "An agent acts for the applicant: enter the agent's name"
    )


async def test_an_in_person_item_is_not_accepted_through_an_agent(desk: Desk) -> None:
    """T-002 does not ask `agent` (no power of attorney exists for it): 本人办理."""
    body = state(["T-002"], ALL_IMMEDIATE, answers={"agent": True}, agent=agent())
    draft = await desk.draft(body)
    r = await desk.decide_raw(draft["id"], [{"item": "T-002", "decision": "accept"}])
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert (detail["code"], detail["field"]) == ("cases.in_person_only", "agent")
    assert "测试登记（即办件）" in detail["message"] and "本人" in detail["message"]
    # without the agent the same file is accepted
    body = state(["T-002"], ALL_IMMEDIATE)
    visit = await desk.decide(body, {"T-002": "accept"})
    assert [c["item"]["code"] for c in visit["cases"]] == ["T-002"]
