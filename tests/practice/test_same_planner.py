"""Practice decides like the window: the same draft state gets the same answer from the live
hall (/api/v1/visits) and from the practice room — the people, the agent, the mail address and
a 容缺 date already past stop an acceptance in both (one planner, clerk.planner)."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from clerk import checklist
from clerk.practice.loader import load_scenarios
from tests.practice.play import TODAY, right_decisions, state_for
from tests.practice.test_service import assign, play

Login = Callable[..., Awaitable[dict[str, str]]]


def _no_id(state: dict[str, Any]) -> None:
    state["applicant"]["id_number"] = ""


def _expired_id(state: dict[str, Any]) -> None:
    state["applicant"]["id_valid_until"] = "2020-01-01"


def _agent_unnamed(state: dict[str, Any]) -> None:
    state["answers"]["agent"] = True
    state["agent"] = {"name": "", "id_number": "", "phone": ""}


def _mail_without_address(state: dict[str, Any]) -> None:
    state["delivery"] = {"method": "mail", "recipient": "", "phone": "", "address": " "}


def _rongque_past(state: dict[str, Any]) -> None:
    deferred = [
        m for m in state["materials"].values() if m["state"] == checklist.State.DEFERRED.value
    ]
    assert deferred, "the scenario defers a material"
    for mark in deferred:
        mark["due"] = (TODAY - timedelta(days=1)).isoformat()


def _agent_for_in_person(state: dict[str, Any]) -> None:
    state["answers"]["agent"] = True
    state["agent"] = {"name": "李四", "id_number": "", "phone": ""}


CASES = [
    ("P-RSJ-008-A", _no_id, "cases.id_required", "id_number"),
    ("P-RSJ-008-A", _expired_id, "cases.id_not_valid", "id_valid_until"),
    ("P-RSJ-008-A", _agent_unnamed, "cases.agent_name_required", "agent.name"),
    ("P-RSJ-008-A", _mail_without_address, "cases.mail_address_required", "delivery.address"),
    ("P-CL-001-A", _rongque_past, "cases.rongque_due_past", "materials"),
    ("P-MZJ-001-A", _agent_for_in_person, "cases.in_person_only", "agent"),
]


@pytest.mark.parametrize(
    ("scenario_id", "spoil", "code", "field"), CASES, ids=[c[2].split(".")[1] for c in CASES]
)
async def test_practice_stops_an_acceptance_where_the_window_does(
    api: httpx.AsyncClient,
    login_headers: Login,
    scenario_id: str,
    spoil: Callable[[dict[str, Any]], None],
    code: str,
    field: str,
) -> None:
    scenario = load_scenarios().get(scenario_id)
    assert scenario is not None
    state = state_for(scenario)
    decisions = right_decisions(scenario)
    assert all(d["decision"] == "accept" for d in decisions)
    spoilt = copy.deepcopy(state)
    spoil(spoilt)
    clerk = await login_headers("clerk1", 1)
    trainer = await login_headers("trainer")

    async def live(draft_state: dict[str, Any]) -> httpx.Response:
        draft = await api.post("/api/v1/drafts", json={"state": draft_state}, headers=clerk)
        assert draft.status_code == 201, draft.text
        body = {"draft_id": draft.json()["id"], "decisions": decisions}
        return await api.post("/api/v1/visits", json=body, headers=clerk)

    async def practice(draft_state: dict[str, Any]) -> httpx.Response:
        created = await assign(api, trainer, trainees=["clerk1"], scenarios=[scenario_id])
        return await play(api, clerk, created["attempts"][0]["id"], draft_state, decisions)

    for decide in (live, practice):
        r = await decide(spoilt)
        assert r.status_code == 422, (decide.__name__, r.text)
        assert r.json()["detail"]["code"] == code, decide.__name__
        assert r.json()["detail"]["field"] == field, decide.__name__
    # the control: the file as the careful trainee has it is accepted by both
    for decide in (live, practice):
        r = await decide(state)
        assert r.status_code == 201, (decide.__name__, r.text)


async def test_a_notice_is_not_stopped_by_what_only_stops_an_acceptance(
    api: httpx.AsyncClient, login_headers: Login
) -> None:
    """一次性告知 for an applicant whose ID number is not typed yet: the window lets it through
    (only an acceptance needs the ID), and so does practice."""
    scenario = load_scenarios().get("P-YBJ-003-B")
    assert scenario is not None
    state = state_for(scenario)
    _no_id(state)
    _mail_without_address(state)
    decisions = right_decisions(scenario)
    assert {d["decision"] for d in decisions} == {"notice"}
    clerk = await login_headers("clerk1", 1)
    trainer = await login_headers("trainer")
    draft = await api.post("/api/v1/drafts", json={"state": state}, headers=clerk)
    r = await api.post(
        "/api/v1/visits",
        json={"draft_id": draft.json()["id"], "decisions": decisions},
        headers=clerk,
    )
    assert r.status_code == 201, r.text
    created = await assign(api, trainer, trainees=["clerk1"], scenarios=[scenario.id])
    r = await play(api, clerk, created["attempts"][0]["id"], state, decisions)
    assert r.status_code == 201, r.text
    assert r.json()["visit"]["cases"][0]["decision"] == "notice"
