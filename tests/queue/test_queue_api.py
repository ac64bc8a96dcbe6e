"""The queue through its HTTP API (in-process app, injected clock), on SQLite and PostgreSQL.

The demo hall: windows 1[A,D] 2[A,B] 3[B,D] 4[C,A] 5[C,D] 6[V,A,B,C]; clerk1..clerk4 at 1..4.
The clock starts at 2026-11-23 09:30 in the hall (01:30 UTC); closing is 17:30.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.hall import audit
from services.hall.models import AuditEntry
from services.hall.queue.models import QueueEvent, Ticket, TicketEvent
from tests.queue.conftest import issue
from tests.support.hall import FakeClock

AtWindow = Callable[..., Awaitable[dict[str, str]]]
API = "/api/v1"


async def call_next(api: httpx.AsyncClient, window: int, headers: dict[str, str]) -> httpx.Response:
    return await api.post(f"{API}/windows/{window}/call-next", headers=headers)


def code(answer: httpx.Response) -> str:
    return str(answer.json()["detail"]["code"])


def db_rows(app: FastAPI, model: type, *where: object) -> list[object]:
    with app.state.hall.db.read() as s:
        return list(s.scalars(select(model).where(*where)))  # type: ignore[arg-type]


async def test_numbers_per_category_and_wait_estimate(
    api: httpx.AsyncClient, staff: dict[str, str]
) -> None:
    a1 = await issue(api, staff, "A")
    a2 = await issue(api, staff, "A")
    b1 = await issue(api, staff, "b")
    a3 = await issue(api, staff, "A")
    assert [a1["number"], a2["number"], b1["number"], a3["number"]] == [
        "A001",
        "A002",
        "B001",
        "A003",
    ]
    assert a1["status"] == "waiting" and a1["category"] == "A"
    assert [a1["people_ahead"], a2["people_ahead"], a3["people_ahead"]] == [0, 1, 2]
    # A is primary at windows 1 and 2 and secondary at 4 and 6: capacity 3, 8 min default.
    assert a3["estimated_wait_minutes"] == 6
    detail = (await api.get(f"{API}/tickets/{a3['id']}", headers=staff)).json()
    assert detail["people_ahead"] == 2 and detail["estimated_wait_minutes"] == 6
    assert [h["action"] for h in detail["history"]] == ["issue"]
    unknown = await api.post(f"{API}/tickets", json={"category": "Z"}, headers=staff)
    assert unknown.status_code == 404


async def test_wait_estimate_uses_todays_service_times_in_the_category(
    api: httpx.AsyncClient, at_window: AtWindow, login_headers: AtWindow, clock: FakeClock
) -> None:
    """Three A tickets served in 4 minutes each today: the estimate uses 4 minutes, not the
    8-minute default — nor a 30-minute A service yesterday, nor a 14-minute D service today."""

    async def serve(window: int, headers: dict[str, str], category: str, minutes: float) -> None:
        await issue(api, headers, category)
        answer = await call_next(api, window, headers)
        assert answer.status_code == 200 and answer.json()["category"] == category
        await api.post(f"{API}/windows/{window}/start", headers=headers)
        clock.advance(minutes=minutes)
        finished = await api.post(f"{API}/windows/{window}/finish", headers=headers)
        assert finished.json()["status"] == "done"

    clock.now = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # yesterday 10:00 in the hall
    await serve(1, await at_window(1), "A", 30)
    clock.now = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # today 09:30
    w1, staff = await at_window(1), await login_headers("supervisor")
    for _ in range(3):
        await serve(1, w1, "A", 4)
    await serve(1, w1, "D", 14)  # window 1 serves D second: nothing in A is waiting now
    tickets = [await issue(api, staff, "A") for _ in range(6)]
    last = tickets[-1]
    # Five ahead; A is primary at windows 1 and 2, secondary at 4 and 6: capacity 3.
    # 5 * 4 / 3 = 6.67 -> 7 (the default would give 14; with yesterday's or D's times, more).
    assert last["people_ahead"] == 5
    assert last["estimated_wait_minutes"] == 7
    detail = (await api.get(f"{API}/tickets/{last['id']}", headers=staff)).json()
    assert detail["estimated_wait_minutes"] == 7
    queue = (await api.get(f"{API}/queue", headers=staff)).json()
    a = next(c for c in queue["categories"] if c["prefix"] == "A")
    assert a["estimated_wait_minutes"] == 8  # a newcomer behind six: 6 * 4 / 3


async def test_kiosk_issues_without_token_rate_limited(
    api: httpx.AsyncClient, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLERK_QUEUE__PUBLIC_ISSUE_PER_MINUTE", "3")
    for _ in range(3):
        answer = await api.post(f"{API}/tickets", json={"category": "A", "priority": None})
        assert answer.status_code == 201, answer.text
    limited = await api.post(f"{API}/tickets", json={"category": "A"})
    assert limited.status_code == 429 and code(limited) == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    bad_token = await api.post(
        f"{API}/tickets", json={"category": "A"}, headers={"Authorization": "Bearer nope"}
    )
    assert bad_token.status_code == 401  # a wrong token is refused, not treated as a kiosk


async def test_kiosk_issuing_can_require_a_token(
    api: httpx.AsyncClient, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLERK_QUEUE__PUBLIC_ISSUE", "false")
    answer = await api.post(f"{API}/tickets", json={"category": "A"})
    assert answer.status_code == 401 and code(answer) == "auth.token_missing"


async def test_call_order_priority_then_appointment_then_category_then_time(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow, clock: FakeClock
) -> None:
    w1 = await at_window(1)  # serves A (primary) then D
    d1 = await issue(api, staff, "D")
    clock.advance(minutes=1)
    a1 = await issue(api, staff, "A")
    clock.advance(minutes=1)
    d_old = await issue(api, staff, "D", "老年人")
    bad = await api.post(f"{API}/tickets", json={"category": "A", "priority": "VIP"}, headers=staff)
    assert bad.status_code == 422 and code(bad) == "validation.priority"
    # An appointment in category D, due now, checked in at the kiosk.
    booked = await api.post(
        f"{API}/appointments",
        json={
            "category": "D",
            "slot_start": (clock.now + timedelta(minutes=5)).isoformat(),
            "name": "预约人",
        },
        headers=staff,
    )
    assert booked.status_code == 201, booked.text
    clock.advance(minutes=1)
    checked = await api.post(
        f"{API}/appointments/check-in", json={"code": booked.json()["code"]}, headers=staff
    )
    assert checked.status_code == 201, checked.text
    appt = checked.json()
    assert appt["appointment_at"] is not None and appt["number"] == "D003"
    order = []
    for _ in range(4):
        answer = await call_next(api, 1, w1)
        assert answer.status_code == 200, answer.text
        order.append(answer.json()["number"])
        await api.post(f"{API}/windows/1/finish", headers=w1)
    assert order == [d_old["number"], appt["number"], a1["number"], d1["number"]]
    assert (await call_next(api, 1, w1)).status_code == 204


async def test_window_rules(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow
) -> None:
    w1 = await at_window(1)
    await issue(api, staff, "A")
    await issue(api, staff, "A")
    other = await call_next(api, 2, w1)
    assert other.status_code == 403 and code(other) == "queue.not_your_window"
    supervisor_call = await call_next(api, 1, staff)
    assert supervisor_call.status_code == 403
    first = await call_next(api, 1, w1)
    assert first.status_code == 200
    busy = await call_next(api, 1, w1)
    assert busy.status_code == 409 and code(busy) == "queue.window_busy"
    assert busy.json()["detail"]["ticket"] == "A001"
    idle = await api.post(f"{API}/windows/2/recall", headers=await at_window(2))
    assert idle.status_code == 409 and code(idle) == "queue.window_idle"
    mismatch = await api.post(f"{API}/windows/1/finish", json={"ticket_id": 999}, headers=w1)
    assert mismatch.status_code == 409 and code(mismatch) == "queue.ticket_mismatch"


async def test_recall_is_counted(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow
) -> None:
    w1 = await at_window(1)
    ticket = await issue(api, staff, "A")
    await call_next(api, 1, w1)
    for expected in (1, 2):
        answer = await api.post(
            f"{API}/windows/1/recall", json={"ticket_id": ticket["id"]}, headers=w1
        )
        assert answer.status_code == 200 and answer.json()["recalls"] == expected
    started = await api.post(f"{API}/windows/1/start", headers=w1)
    assert started.json()["status"] == "serving"
    again = await api.post(f"{API}/windows/1/recall", headers=w1)
    assert again.status_code == 409 and code(again) == "queue.bad_transition"
    history = (await api.get(f"{API}/tickets/{ticket['id']}", headers=w1)).json()["history"]
    assert [h["action"] for h in history] == ["issue", "call", "recall", "recall", "start"]
    assert all(h["window_no"] == 1 for h in history[1:])
    assert history[1]["actor"] == "clerk1"


async def test_no_show_and_reactivate_stay_visible(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow, clock: FakeClock
) -> None:
    w1 = await at_window(1)
    a1 = await issue(api, staff, "A")
    clock.advance(minutes=1)
    a2 = await issue(api, staff, "A")
    await call_next(api, 1, w1)
    gone = await api.post(f"{API}/windows/1/no-show", headers=w1)
    assert gone.json()["status"] == "no_show"
    queue = (await api.get(f"{API}/queue", headers=w1)).json()
    assert queue["windows"][0]["current"] is None
    clock.advance(minutes=5)
    back = await api.post(f"{API}/tickets/{a1['id']}/reactivate", headers=w1)
    assert back.status_code == 200, back.text
    body = back.json()
    assert body["status"] == "waiting" and body["reactivated"] is True
    assert datetime.fromisoformat(body["queue_time"]) == clock.now
    assert body["people_ahead"] == 1  # behind A002, which waited since before the reactivation
    listing = (await api.get(f"{API}/tickets", params={"status": "waiting"}, headers=w1)).json()
    assert [(t["number"], t["reactivated"]) for t in listing] == [("A002", False), ("A001", True)]
    queue = (await api.get(f"{API}/queue", headers=w1)).json()
    assert {c["prefix"]: c["waiting"] for c in queue["categories"]}["A"] == 2
    assert (await call_next(api, 1, w1)).json()["number"] == a2["number"]
    await api.post(f"{API}/windows/1/finish", headers=w1)
    assert (await call_next(api, 1, w1)).json()["number"] == "A001"
    twice = await api.post(f"{API}/tickets/{a1['id']}/reactivate", headers=w1)
    assert twice.status_code == 409


async def test_call_a_chosen_number(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow
) -> None:
    w1 = await at_window(1)
    for _ in range(3):
        await issue(api, staff, "A")
    chosen = await api.post(f"{API}/windows/1/call-number", json={"number": "a003"}, headers=w1)
    assert chosen.status_code == 200 and chosen.json()["number"] == "A003"
    await api.post(f"{API}/windows/1/no-show", headers=w1)
    # A no-show can be called by number directly.
    again = await api.post(f"{API}/windows/1/call-number", json={"number": "A003"}, headers=w1)
    assert again.status_code == 200 and again.json()["calls"] == 2
    await api.post(f"{API}/windows/1/finish", headers=w1)
    done = await api.post(f"{API}/windows/1/call-number", json={"number": "A003"}, headers=w1)
    assert done.status_code == 409 and code(done) == "queue.not_callable"
    missing = await api.post(f"{API}/windows/1/call-number", json={"number": "A099"}, headers=w1)
    assert missing.status_code == 404
    # Another window cannot take a ticket already called elsewhere.
    await api.post(f"{API}/windows/1/call-number", json={"number": "A002"}, headers=w1)
    w2 = await at_window(2)
    taken = await api.post(f"{API}/windows/2/call-number", json={"number": "A002"}, headers=w2)
    assert taken.status_code == 409 and code(taken) == "queue.not_callable"


async def test_transfer_keeps_the_issue_time(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow, clock: FakeClock
) -> None:
    w1, w2, w3, w4 = [await at_window(n) for n in (1, 2, 3, 4)]
    a1 = await issue(api, staff, "A")
    clock.advance(minutes=10)
    b1 = await issue(api, staff, "B")
    await call_next(api, 1, w1)
    await api.post(f"{API}/windows/1/start", headers=w1)
    clock.advance(minutes=3)
    moved = await api.post(f"{API}/windows/1/transfer", json={"category": "B"}, headers=w1)
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["status"], body["category"], body["issued_category"]) == ("transferred", "B", "A")
    assert body["queue_time"] == a1["queue_time"] and body["number"] == "A001"
    assert body["people_ahead"] is None  # only waiting tickets carry an estimate in actions
    # Window 3 (B first) gets the transferred A001 before B001: it was issued earlier.
    assert (await call_next(api, 3, w3)).json()["number"] == "A001"
    await api.post(f"{API}/windows/3/transfer", json={"window": 2}, headers=w3)
    # Only window 2 may call a ticket sent to it; window 4 (C, A) gets nothing of it.
    assert (await call_next(api, 4, w4)).status_code == 204
    queue = (await api.get(f"{API}/queue", headers=w2)).json()
    assert queue["windows"][1]["waiting_for_window"] == 1
    got = (await call_next(api, 2, w2)).json()
    assert got["number"] == "A001" and got["target_window"] is None
    assert b1["status"] == "waiting"
    nowhere = await api.post(f"{API}/windows/2/transfer", json={}, headers=w2)
    assert nowhere.status_code == 422 and code(nowhere) == "validation.transfer_target"
    # A supervisor moves a waiting ticket.
    moved_b = await api.post(
        f"{API}/tickets/{b1['id']}/transfer", json={"category": "C"}, headers=staff
    )
    assert moved_b.status_code == 200 and moved_b.json()["category"] == "C"
    clerk_try = await api.post(
        f"{API}/tickets/{b1['id']}/transfer", json={"category": "A"}, headers=w1
    )
    assert clerk_try.status_code == 403


async def test_pause_blocks_calling(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow
) -> None:
    w1 = await at_window(1)
    await issue(api, staff, "A")
    no_reason = await api.post(f"{API}/windows/1/pause", json={"reason": " "}, headers=w1)
    assert no_reason.status_code == 422
    paused = await api.post(f"{API}/windows/1/pause", json={"reason": "午休"}, headers=w1)
    assert paused.status_code == 200 and paused.json()["paused"] is True
    blocked = await call_next(api, 1, w1)
    assert blocked.status_code == 409 and code(blocked) == "queue.window_paused"
    assert "午休" in blocked.json()["detail"]["message"]
    window = (await api.get(f"{API}/queue", headers=w1)).json()["windows"][0]
    assert (window["paused"], window["pause_reason"]) == (True, "午休")
    other_clerk = await api.post(f"{API}/windows/1/resume", headers=await at_window(2))
    assert other_clerk.status_code == 403
    resumed = await api.post(f"{API}/windows/1/resume", headers=staff)  # a supervisor may
    assert resumed.json()["paused"] is False
    assert (await call_next(api, 1, w1)).status_code == 200


async def test_finish_with_cases_and_walk_in(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow, hall_app: FastAPI
) -> None:
    w1 = await at_window(1)
    ticket = await issue(api, staff, "A")
    await call_next(api, 1, w1)
    done = await api.post(
        f"{API}/windows/1/finish",
        json={"ticket_id": ticket["id"], "cases": ["C-1", "C-2"]},
        headers=w1,
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["cases"]) == ("done", ["C-1", "C-2"])
    walk = await api.post(f"{API}/windows/1/walk-in", json={"category": "D"}, headers=w1)
    assert walk.status_code == 201, walk.text
    body = walk.json()
    assert (body["status"], body["walk_in"], body["window_no"], body["number"]) == (
        "serving",
        True,
        1,
        "D001",
    )
    assert code(await call_next(api, 1, w1)) == "queue.window_busy"
    finished = await api.post(f"{API}/windows/1/finish", headers=w1)
    assert finished.json()["walk_in"] is True
    # Every change is a ticket event, an audit row (the chain holds) and a live event.
    with hall_app.state.hall.db.read() as s:
        actions = list(
            s.scalars(select(AuditEntry.action).where(AuditEntry.action.like("queue.%")))
        )
        assert actions == [
            "queue.issue",
            "queue.call",
            "queue.finish",
            "queue.walk_in",
            "queue.finish",
        ]
        assert audit.verify(s).ok
        types = list(s.scalars(select(QueueEvent.type).order_by(QueueEvent.id)))
        steps = s.scalar(select(func.count()).select_from(TicketEvent))
    assert types == [
        "ticket.issued",
        "queue.changed",
        "ticket.called",
        "queue.changed",
        "ticket.done",
        "ticket.issued",
        "ticket.serving",
        "ticket.done",
    ]
    assert steps == 5


async def test_retried_call_next_calls_one_ticket(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow, hall_app: FastAPI
) -> None:
    w1 = await at_window(1)
    await issue(api, staff, "A")
    await issue(api, staff, "A")
    key = w1 | {"Idempotency-Key": "call-1"}
    first = await api.post(f"{API}/windows/1/call-next", headers=key)
    retry = await api.post(f"{API}/windows/1/call-next", headers=key)
    assert first.status_code == retry.status_code == 200
    assert first.json() == retry.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    called = db_rows(hall_app, Ticket, Ticket.status == "called")
    assert len(called) == 1
    # "Nothing waits" changed nothing, so it is not stored: the same key asked again once a
    # ticket waits gets that ticket — once; asked again, the same answer comes back.
    await api.post(f"{API}/windows/1/finish", headers=w1)
    w3 = await at_window(3)
    empty = w3 | {"Idempotency-Key": "call-2"}
    assert (await api.post(f"{API}/windows/3/call-next", headers=empty)).status_code == 204
    await issue(api, staff, "B")
    got = await api.post(f"{API}/windows/3/call-next", headers=empty)
    assert got.status_code == 200 and got.json()["number"] == "B001"
    replay = await api.post(f"{API}/windows/3/call-next", headers=empty)
    assert replay.json() == got.json() and replay.headers["Idempotent-Replayed"] == "true"


async def test_end_of_day_expires_and_numbering_restarts(
    api: httpx.AsyncClient,
    staff: dict[str, str],
    at_window: AtWindow,
    login_headers: AtWindow,
    clock: FakeClock,
) -> None:
    w1, w2 = await at_window(1), await at_window(2)
    for _ in range(3):
        await issue(api, staff, "A")
    await call_next(api, 1, w1)  # A001 called
    await call_next(api, 2, w2)  # A002 called, then serving
    await api.post(f"{API}/windows/2/start", headers=w2)
    # 17:31 in the hall (09:31 UTC): past closing.
    clock.now = datetime(2026, 11, 23, 9, 31, tzinfo=UTC)
    w1, staff = await at_window(1), await login_headers("supervisor")  # tokens last 8 hours
    queue = (await api.get(f"{API}/queue", headers=w1)).json()
    assert queue["closed"] is True and queue["waiting_total"] == 0
    by_number = {
        t["number"]: t["status"] for t in (await api.get(f"{API}/tickets", headers=w1)).json()
    }
    assert by_number == {"A001": "expired", "A002": "serving", "A003": "expired"}
    late = await issue(api, staff, "A")  # overtime: issued after closing, waits until tomorrow
    assert late["number"] == "A004" and late["status"] == "waiting"
    # The next day: numbering restarts; what was left yesterday expires.
    clock.now = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    w1, staff = await at_window(1), await login_headers("supervisor")
    fresh = await issue(api, staff, "A")
    assert fresh["number"] == "A001" and fresh["people_ahead"] == 0
    yesterday = {
        t["number"]: t["status"]
        for t in (await api.get(f"{API}/tickets", params={"day": "2026-11-23"}, headers=w1)).json()
    }
    assert yesterday == {"A001": "expired", "A002": "expired", "A003": "expired", "A004": "expired"}
    assert (await call_next(api, 1, w1)).json()["number"] == "A001"
    history = (await api.get(f"{API}/tickets/{late['id']}", headers=w1)).json()["history"]
    assert history[-1]["action"] == "expire" and history[-1]["actor"] == "system:closing"


async def test_appointments_check_in_rules(
    api: httpx.AsyncClient, staff: dict[str, str], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLERK_QUEUE__LATE_CHECK_IN", "normal")
    slot = clock.now + timedelta(hours=1)
    made = await api.post(
        f"{API}/appointments",
        json={
            "category": "V",
            "slot_start": slot.isoformat(),
            "name": "张三",
            "id_number": "110101199003074514",
        },
        headers=staff,
    )
    assert made.status_code == 201, made.text
    appointment = made.json()
    assert appointment["id_masked"] == "1101**********4514"
    early = await api.post(f"{API}/appointments/check-in", json={"id_number": "110101199003074514"})
    assert early.status_code == 409 and code(early) == "queue.appointment_early"
    assert early.json()["detail"]["minutes"] == 30
    clock.advance(minutes=40)  # 20 minutes before the slot: within the 30-minute early window
    ok = await api.post(
        f"{API}/appointments/check-in", json={"id_number": "110101 199003074514".replace(" ", "")}
    )
    assert ok.status_code == 201, ok.text
    ticket = ok.json()
    assert ticket["number"] == "V001" and ticket["appointment"]["status"] == "checked_in"
    assert datetime.fromisoformat(ticket["appointment_at"]) == slot
    used = await api.post(f"{API}/appointments/check-in", json={"code": appointment["code"]})
    assert used.status_code == 409 and used.json()["detail"]["ticket"] == "V001"
    # Late arrival: an ordinary ticket without the appointment's place.
    late_slot = clock.now - timedelta(minutes=40)
    late = await api.post(
        f"{API}/appointments",
        json={"category": "V", "slot_start": late_slot.isoformat(), "name": "李四"},
        headers=staff,
    )
    got = await api.post(f"{API}/appointments/check-in", json={"code": late.json()["code"]})
    assert got.status_code == 201 and got.json()["appointment_at"] is None
    listed = (await api.get(f"{API}/appointments", headers=staff)).json()
    assert [a["name"] for a in listed] == ["李四", "张三"]
    nothing = await api.post(f"{API}/appointments/check-in", json={})
    assert nothing.status_code == 422


async def test_late_check_in_can_be_refused(
    api: httpx.AsyncClient, staff: dict[str, str], clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLERK_QUEUE__LATE_CHECK_IN", "refuse")
    late = await api.post(
        f"{API}/appointments",
        json={
            "category": "A",
            "slot_start": (clock.now - timedelta(hours=1)).isoformat(),
            "name": "王五",
        },
        headers=staff,
    )
    refused = await api.post(f"{API}/appointments/check-in", json={"code": late.json()["code"]})
    assert refused.status_code == 409 and code(refused) == "queue.appointment_late"


async def test_queue_and_board(
    api: httpx.AsyncClient, staff: dict[str, str], at_window: AtWindow
) -> None:
    w1 = await at_window(1)
    await issue(api, staff, "A", "孕妇")
    await issue(api, staff, "C")
    assert (await api.get(f"{API}/queue")).status_code == 401
    await call_next(api, 1, w1)
    queue = (await api.get(f"{API}/queue", headers=w1)).json()
    assert queue["waiting_total"] == 1 and queue["last_event_id"] > 0
    assert queue["windows"][0]["current"]["number"] == "A001"
    board = (await api.get(f"{API}/queue/board")).json()  # public
    assert board["windows"][0] == {
        "number": 1,
        "name": "综合受理 1 号窗",
        "paused": False,
        "number_called": "A001",
        "status": "called",
    }
    assert board["waiting"]["C"] == 1
