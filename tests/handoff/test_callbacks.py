"""Status callbacks through the real hall app (SQLite and PostgreSQL): verified, deduplicated,
applied in seq order; forged, stale and replayed callbacks refused with 401 and audited.
Supervisors see dead hand-offs and retry them (audited). The case moves through a fake applier
here (the seam); tests/handoff/test_faults.py goes through the real cases service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from services.backoffice import protocol
from services.hall.handoff import wiring
from services.hall.handoff.models import DEAD, DELIVERED, PENDING, HandoffStatus, OutboxItem
from services.hall.models import AuditEntry
from services.hall.queue.models import QueueEvent
from tests.handoff.conftest import SECRET
from tests.handoff.fakes import FakeCases, enqueue, report
from tests.support.hall import FakeClock

PATH = protocol.CALLBACK_PATH

Login = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def cases(hall_app: FastAPI, seeded: dict[str, str]) -> FakeCases:
    fake = FakeCases()
    wiring.install(hall_app, applier=fake)
    hall = hall_app.state.hall
    hall.ensure_ready()
    with hall.db.write() as session:
        for case_no in ("C1", "C2", "C3"):
            enqueue(session, case_no)
        enqueue(session, "G1", "GA")
    return fake


def sign(body: bytes, clock: FakeClock, **kw: Any) -> dict[str, str]:
    args: dict[str, Any] = {
        "method": "POST",
        "path": PATH,
        "body": body,
        "department": "SCJG",
        "now": clock().timestamp(),
    }
    args.update(kw)
    secret = args.pop("secret", SECRET)
    return protocol.sign(secret, **args) | {"Content-Type": "application/json"}


async def send(
    api: httpx.AsyncClient, clock: FakeClock, data: dict[str, Any], **kw: Any
) -> httpx.Response:
    body = protocol.dumps(data)
    return await api.post(PATH, content=body, headers=sign(body, clock, **kw))


def refusals(app: FastAPI) -> list[dict[str, Any]]:
    with app.state.hall.db.read() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "handoff.callback_refused")
        )
        return [r.data for r in rows]


def state(app: FastAPI, case_no: str) -> tuple[str, int] | None:
    with app.state.hall.db.read() as session:
        row = session.get(HandoffStatus, case_no)
        return (row.status, row.seq) if row else None


def outbox_status(app: FastAPI, case_no: str) -> str:
    with app.state.hall.db.read() as session:
        return str(session.scalar(select(OutboxItem.status).where(OutboxItem.case_no == case_no)))


async def test_a_callback_is_applied_and_proves_the_delivery(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    answer = await send(api, clock, report("C1", protocol.IN_REVIEW, 1))
    assert answer.status_code == 200, answer.text
    assert answer.json() | {} == {
        "applied": True,
        "reason": "applied",
        "case_no": "C1",
        "status": "in_review",
        "seq": 1,
    }
    # The back office answered before the dispatcher recorded the delivery: delivered first.
    assert cases.moves["C1"] == ["delivered", "in_review"]
    assert outbox_status(hall_app, "C1") == DELIVERED
    assert state(hall_app, "C1") == ("in_review", 1)
    # the supervisors' dashboard hears that C1 left the pending hand-offs
    with hall_app.state.hall.db.read() as session:
        events = session.scalars(select(QueueEvent).where(QueueEvent.type == "handoff.changed"))
        assert [(e.payload["pending"], e.payload["dead"]) for e in events] == [(3, 0)]
    again = await send(api, clock, report("C1", protocol.APPROVED, 2))
    assert again.json()["applied"] is True
    with hall_app.state.hall.db.read() as session:
        count = len(
            session.scalars(select(QueueEvent).where(QueueEvent.type == "handoff.changed")).all()
        )
    assert count == 1  # a later report moves the case, not the hand-off


async def test_duplicates_and_out_of_order_end_with_the_right_status(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    steps = [
        (protocol.CERTIFICATE_MADE, 3),
        (protocol.IN_REVIEW, 1),
        (protocol.APPROVED, 2),
        (protocol.CERTIFICATE_MADE, 3),
    ]
    reasons = []
    for status, seq in steps:
        answer = await send(api, clock, report("C2", status, seq))
        assert answer.status_code == 200
        reasons.append(answer.json()["reason"])
    assert reasons == ["applied", "stale", "stale", "duplicate"]
    assert cases.moves["C2"] == ["delivered", "certificate_made"]
    assert state(hall_app, "C2") == ("certificate_made", 3)


async def test_needs_correction_carries_the_materials(
    api: httpx.AsyncClient, clock: FakeClock, cases: FakeCases
) -> None:
    body = report("C3", protocol.NEEDS_CORRECTION, 2, note="缺少材料", materials_needed=["章程"])
    assert (await send(api, clock, body)).status_code == 200
    assert cases.data["C3"][-1]["materials_needed"] == ["章程"]
    assert cases.data["C3"][-1]["note"] == "缺少材料"
    assert cases.data["C3"][-1]["by"] == "backoffice:SCJG"


async def test_a_forged_callback_is_refused_and_audited(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    answer = await send(api, clock, report("C1", protocol.APPROVED, 1), secret="guessed")
    assert answer.status_code == 401
    assert answer.json()["detail"]["code"] == "handoff.unauthorized"
    assert answer.json()["detail"]["reason"] == "bad_signature"
    unsigned = await api.post(PATH, json=report("C1", protocol.APPROVED, 1))
    assert unsigned.status_code == 401
    assert [r["reason"] for r in refusals(hall_app)] == ["bad_signature", "missing"]
    assert "C1" not in cases.moves


async def test_a_replayed_callback_is_refused_and_audited(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    body = protocol.dumps(report("C1", protocol.IN_REVIEW, 1))
    headers = sign(body, clock)
    assert (await api.post(PATH, content=body, headers=headers)).status_code == 200
    clock.advance(seconds=30)  # inside the window: the nonce memory refuses it
    again = await api.post(PATH, content=body, headers=headers)
    assert again.status_code == 401
    assert again.json()["detail"]["reason"] == "replayed"
    clock.advance(minutes=6)  # outside the window: the timestamp refuses it
    late = await api.post(PATH, content=body, headers=headers)
    assert late.status_code == 401
    assert late.json()["detail"]["reason"] == "stale"
    assert [r["reason"] for r in refusals(hall_app)] == ["replayed", "stale"]
    assert all(r["department"] == "SCJG" for r in refusals(hall_app))
    assert cases.moves["C1"] == ["delivered", "in_review"]


async def test_a_replayed_callback_is_refused_even_when_the_first_was_not_applied(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    """A signed callback answered 404, 403 or 422 still used its nonce: played back, it is a
    replay (401, audited), not the same question answered again."""
    first_answers = []
    for body in (
        protocol.dumps(report("NOPE", protocol.IN_REVIEW, 1)),  # 404: unknown case
        protocol.dumps(report("G1", protocol.IN_REVIEW, 1)),  # 403: handed to GA, not SCJG
        protocol.dumps(report("C1", protocol.NEEDS_CORRECTION, 1, materials_needed=[])),  # 422
    ):
        headers = sign(body, clock)
        first = await api.post(PATH, content=body, headers=headers)
        clock.advance(seconds=5)
        again = await api.post(PATH, content=body, headers=headers)
        first_answers.append(first.status_code)
        assert again.status_code == 401, again.text
        assert again.json()["detail"]["reason"] == "replayed"
    assert first_answers == [404, 403, 422]
    assert [r["reason"] for r in refusals(hall_app)] == [
        "replayed",
        "wrong_department",
        "replayed",
        "bad_body",
        "replayed",
    ]
    assert cases.moves == {}
    assert outbox_status(hall_app, "G1") == PENDING


async def test_a_callback_with_a_wrong_clock_is_refused(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    body = protocol.dumps(report("C1", protocol.IN_REVIEW, 1))
    headers = sign(body, clock, now=clock().timestamp() + 301)
    answer = await api.post(PATH, content=body, headers=headers)
    assert answer.status_code == 401
    assert refusals(hall_app)[0]["reason"] == "stale"


async def test_unknown_case_wrong_department_bad_body(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    assert (await send(api, clock, report("NOPE", protocol.IN_REVIEW, 1))).status_code == 404
    wrong = await send(api, clock, report("G1", protocol.IN_REVIEW, 1))
    assert wrong.status_code == 403
    assert wrong.json()["detail"]["code"] == "handoff.wrong_department"
    bad = await send(api, clock, report("C1", protocol.NEEDS_CORRECTION, 1, materials_needed=[]))
    assert bad.status_code == 422
    assert refusals(hall_app)[-1]["reason"] == "bad_body"
    assert outbox_status(hall_app, "G1") == PENDING


async def test_supervisors_see_and_retry_dead_handoffs(
    api: httpx.AsyncClient, hall_app: FastAPI, login_headers: Login, cases: FakeCases
) -> None:
    with hall_app.state.hall.db.write() as session:
        row = session.scalar(select(OutboxItem).where(OutboxItem.case_no == "C1"))
        assert row is not None
        row.status, row.attempts, row.last_error = DEAD, 8, "HTTP 500: boom"
        dead_id = row.id
    clerk = await login_headers("clerk1", 1)
    assert (await api.get("/api/v1/handoff", headers=clerk)).status_code == 403
    boss = await login_headers("supervisor")
    listed = await api.get("/api/v1/handoff", params={"status": "dead"}, headers=boss)
    assert [(r["case_no"], r["attempts"], r["last_error"]) for r in listed.json()] == [
        ("C1", 8, "HTTP 500: boom")
    ]
    summary = (await api.get("/api/v1/handoff/summary", headers=boss)).json()
    assert summary["totals"] == {"pending": 3, "delivered": 0, "dead": 1}
    assert summary["departments"]["GA"]["pending"] == 1
    headers = boss | {"Idempotency-Key": "retry-1"}
    retried = await api.post(f"/api/v1/handoff/{dead_id}/retry", headers=headers)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["status"], retried.json()["attempts"]) == (PENDING, 0)
    replay = await api.post(f"/api/v1/handoff/{dead_id}/retry", headers=headers)
    assert replay.json() == retried.json()
    again = await api.post(f"/api/v1/handoff/{dead_id}/retry", headers=boss)
    assert again.status_code == 409
    assert again.json()["detail"]["code"] == "handoff.not_dead"
    assert (await api.post("/api/v1/handoff/9999/retry", headers=boss)).status_code == 404
    with hall_app.state.hall.db.read() as session:
        audited = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "handoff.retry")
        ).all()
    assert [(a.actor, a.target) for a in audited] == [("supervisor", "C1")]
    view = await api.get("/api/v1/handoff/cases/C1", headers=boss)
    assert view.json()["handoffs"][0]["status"] == PENDING


async def test_a_callback_from_the_past_is_refused_and_audited(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    body = protocol.dumps(report("C1", protocol.IN_REVIEW, 1))
    headers = sign(body, clock, now=clock().timestamp() - 301)  # signed over 5 minutes ago
    answer = await api.post(PATH, content=body, headers=headers)
    assert answer.status_code == 401
    assert [r["reason"] for r in refusals(hall_app)] == ["stale"]
    assert cases.moves == {}


async def test_a_callback_about_another_departments_case_is_refused_and_audited(
    api: httpx.AsyncClient, hall_app: FastAPI, clock: FakeClock, cases: FakeCases
) -> None:
    wrong = await send(api, clock, report("G1", protocol.IN_REVIEW, 1))  # G1 belongs to GA
    assert wrong.status_code == 403
    assert wrong.json()["detail"]["code"] == "handoff.wrong_department"
    [refused] = refusals(hall_app)
    assert refused["reason"] == "wrong_department" and refused["department"] == "SCJG"
    assert refused["detail"] == "G1"
    assert state(hall_app, "G1") is None and outbox_status(hall_app, "G1") == PENDING
