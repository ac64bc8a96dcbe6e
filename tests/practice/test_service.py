"""The practice room over HTTP against the real hall: sessions, attempts, LX numbers, scores —
and a sandbox: nothing in the live queue, drafts, cases, events, statistics or outbox changes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import inspect, text

from clerk.practice.loader import load_scenarios
from tests.practice.play import right_decisions, state_for
from tests.support.hall import FakeClock

Login = Callable[..., Awaitable[dict[str, str]]]
# Not live business data: who is signed in, the append-only audit trail (practice actions are
# audited on purpose), first answers of idempotent requests, and the practice room's own tables.
NOT_LIVE = (
    "practice_",
    "audit_log",
    "tokens",
    "idempotency_keys",
    "login_failures",
    "alembic_version",
)


def live_snapshot(app: FastAPI) -> dict[str, tuple[int, str]]:
    """Every live table: its row count and a hash of its content."""
    engine = app.state.hall.db.engine
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for table in sorted(inspect(engine).get_table_names()):
            if table.startswith(NOT_LIVE):
                continue
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()
            digest = hashlib.sha256(
                json.dumps(sorted(map(str, rows)), ensure_ascii=False).encode()
            ).hexdigest()
            out[table] = (len(rows), digest)
    return out


async def assign(api: httpx.AsyncClient, trainer: dict[str, str], **body: Any) -> dict[str, Any]:
    r = await api.post("/api/v1/practice/sessions", json=body, headers=trainer)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def play(
    api: httpx.AsyncClient,
    headers: dict[str, str],
    attempt_id: int,
    state: dict[str, Any],
    decisions: list[dict[str, Any]],
    *,
    keystrokes: int = 0,
    clock: FakeClock | None = None,
    think: float = 0,
) -> httpx.Response:
    r = await api.post(f"/api/v1/practice/attempts/{attempt_id}/start", headers=headers)
    assert r.status_code == 200, r.text
    if clock is not None:
        clock.advance(seconds=think)
    version = r.json()["version"]
    r = await api.put(
        f"/api/v1/practice/attempts/{attempt_id}/state",
        json={"version": version, "state": state},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    return await api.post(
        f"/api/v1/practice/attempts/{attempt_id}/decide",
        json={
            "decisions": decisions,
            "draft_version": r.json()["version"],
            "keystrokes": keystrokes,
        },
        headers=headers,
    )


async def test_a_session_played_right_and_wrong(
    api: httpx.AsyncClient, login_headers: Login, clock: FakeClock
) -> None:
    trainer = await login_headers("trainer")
    clerk = await login_headers("clerk1", 1)
    ids = ["P-MZJ-001-A", "P-SCJG-005-A"]
    created = await assign(api, trainer, title="第一周", trainees=["clerk1"], scenarios=ids)
    assert [a["scenario_id"] for a in created["attempts"]] == ids
    assert all(a["status"] == "assigned" for a in created["attempts"])

    queue = (await api.get("/api/v1/practice/attempts", headers=clerk)).json()
    assert [a["scenario_id"] for a in queue] == ids

    # the papers the trainee sees: no expected answer, no trap flags, no material names
    r = await api.post(f"/api/v1/practice/attempts/{queue[1]['id']}/start", headers=clerk)
    papers = r.json()["papers"]
    assert papers["persona"]["name"] == "王建国"
    assert any("无任何签字或盖章" in d for d in papers["documents"])
    assert "expected" not in json.dumps(papers) and "copy_without_seal" not in json.dumps(papers)

    scenarios = load_scenarios()
    right = scenarios.get(ids[0])
    wrong = scenarios.get(ids[1])
    assert right is not None and wrong is not None
    r = await play(
        api,
        clerk,
        queue[0]["id"],
        state_for(right),
        right_decisions(right),
        keystrokes=57,
        clock=clock,
        think=95,
    )
    assert r.status_code == 201, r.text
    done = r.json()
    [case] = done["visit"]["cases"]
    assert case["case_no"] == "LX-20261123-0001" and case["decision"] == "completed_on_spot"
    assert done["attempt"]["points"] == 100
    assert done["attempt"]["score"]["decision_ok"] is True
    assert done["attempt"]["keystrokes"] == 57

    # the wrong one: the lease copy without seal taken as received -> accepted
    state = state_for(wrong)
    state["materials"]["经营场所使用证明"] = {"state": "已收"}
    r = await play(api, clerk, queue[1]["id"], state, [{"item": "SCJG-005", "decision": "accept"}])
    assert r.status_code == 201, r.text
    done = r.json()
    assert done["visit"]["cases"][0]["case_no"] == "LX-20261123-0002"
    score = done["attempt"]["score"]
    assert score["decision_ok"] is False and score["missed"] == ["经营场所使用证明"]
    assert done["attempt"]["points"] < 50
    assert any("复印件未按标准签字或加盖公章" in f["text"] for f in score["feedback"])

    # done: the queue is empty, a second decision is refused
    assert (await api.get("/api/v1/practice/attempts", headers=clerk)).json() == []
    again = await api.post(
        f"/api/v1/practice/attempts/{queue[1]['id']}/decide",
        json={"decisions": [{"item": "SCJG-005", "decision": "accept"}]},
        headers=clerk,
    )
    assert again.status_code == 409 and again.json()["detail"]["code"] == "drafts.closed"

    # the trainer's results, per trainee and per scenario
    rows = (await api.get("/api/v1/practice/results", headers=trainer)).json()
    assert {(r["scenario_id"], r["points"]) for r in rows} == {
        ("P-MZJ-001-A", 100),
        ("P-SCJG-005-A", done["attempt"]["points"]),
    }
    only = (
        await api.get(
            "/api/v1/practice/results", params={"scenario": "P-MZJ-001-A"}, headers=trainer
        )
    ).json()
    assert [r["trainee"] for r in only] == ["clerk1"] and only[0]["seconds"] == 95.0


async def test_the_hall_checks_a_practice_decision_like_a_live_one(
    api: httpx.AsyncClient, login_headers: Login
) -> None:
    trainer = await login_headers("trainer")
    clerk = await login_headers("clerk2", 2)
    created = await assign(api, trainer, trainees=["clerk2"], scenarios=["P-SCJG-005-A"])
    scenario = load_scenarios().get("P-SCJG-005-A")
    assert scenario is not None
    r = await play(
        api,
        clerk,
        created["attempts"][0]["id"],
        state_for(scenario),
        [{"item": "SCJG-005", "decision": "accept"}],
    )
    assert r.status_code == 409
    assert r.json()["detail"]["code"] == "cases.cannot_accept"
    assert r.json()["detail"]["missing"] == ["经营场所使用证明"]


async def test_random_sets_by_difficulty_and_roles(
    api: httpx.AsyncClient, login_headers: Login
) -> None:
    trainer = await login_headers("trainer")
    clerk = await login_headers("clerk1", 1)
    created = await assign(
        api, trainer, trainees=["clerk1", "clerk2"], difficulty="hard", count=3, seed=7
    )
    hard = {s.id for s in load_scenarios() if s.difficulty.value == "hard"}
    picked = [a["scenario_id"] for a in created["attempts"]]
    assert len(picked) == 6 and set(picked) <= hard
    assert picked[:3] == picked[3:]  # the same set for every trainee
    # trainees cannot assign, read results, or play someone else's attempt
    r = await api.post("/api/v1/practice/sessions", json={"trainees": ["clerk1"]}, headers=clerk)
    assert r.status_code == 403
    assert (await api.get("/api/v1/practice/results", headers=clerk)).status_code == 403
    other = next(a for a in created["attempts"] if a["trainee"] == "clerk2")
    r = await api.post(f"/api/v1/practice/attempts/{other['id']}/start", headers=clerk)
    assert r.status_code == 403 and r.json()["detail"]["code"] == "practice.not_yours"
    r = await api.post("/api/v1/practice/sessions", json={"trainees": ["nobody"]}, headers=trainer)
    assert r.status_code == 422 and r.json()["detail"]["code"] == "practice.unknown_user"
    # audited
    log = (await api.get("/api/v1/audit", headers=await login_headers("admin"))).json()
    assert any(e["action"] == "practice.session.create" for e in log)


async def test_practice_leaves_the_live_tables_alone(
    api: httpx.AsyncClient, login_headers: Login, hall_app: FastAPI
) -> None:
    trainer = await login_headers("trainer")
    clerk = await login_headers("clerk1", 1)
    # some live work first, so the live tables are not trivially empty
    scenario = load_scenarios().get("P-RSJ-008-A")  # 承诺件: accepted -> outbox
    assert scenario is not None
    r = await api.post("/api/v1/tickets", json={"category": "A"}, headers=clerk)
    assert r.status_code == 201, r.text
    draft = await api.post("/api/v1/drafts", json={"state": state_for(scenario)}, headers=clerk)
    assert draft.status_code == 201, draft.text
    live = await api.post(
        "/api/v1/visits",
        json={"draft_id": draft.json()["id"], "decisions": right_decisions(scenario)},
        headers=clerk,
    )
    assert live.status_code == 201, live.text
    before = live_snapshot(hall_app)
    assert before["cases"][0] == 1 and before["outbox"][0] == 1

    every = [s.id for s in load_scenarios()]
    created = await assign(api, trainer, trainees=["clerk1"], scenarios=every)
    for attempt in created["attempts"]:
        s = load_scenarios().get(attempt["scenario_id"])
        assert s is not None
        r = await play(api, clerk, attempt["id"], state_for(s), right_decisions(s))
        assert r.status_code == 201, (s.id, r.text)
        assert r.json()["attempt"]["points"] == 100, (s.id, r.json()["attempt"]["score"])
        assert all(c["case_no"].startswith("LX-") for c in r.json()["visit"]["cases"])

    assert live_snapshot(hall_app) == before
