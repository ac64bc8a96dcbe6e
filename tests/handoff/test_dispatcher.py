"""The dispatcher against a scripted back office (httpx.MockTransport): delivered on 2xx, retried
on 5xx and timeouts, dead on 4xx or after N attempts, polled when the back office is quiet."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from clerk.config import BackofficeSettings
from services.backoffice import protocol
from services.hall import migrate
from services.hall.db import Database
from services.hall.dispatcher import Dispatcher
from services.hall.handoff.models import DEAD, DELIVERED, PENDING, HandoffStatus, OutboxItem
from tests.handoff.conftest import SECRET
from tests.handoff.fakes import FakeCases, enqueue
from tests.support.hall import FakeClock

Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def db(store_url: str) -> Iterator[Database]:
    database = Database.open(store_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def make(
    db: Database, handler: Handler, clock: FakeClock, cases: FakeCases, **settings: object
) -> Dispatcher:
    config = BackofficeSettings(
        default_endpoint="http://bo.test/api",
        endpoints={"GA": "http://ga.test"},
        callback_base="http://hall.test",
        attempts=3,
        backoff_base_s=10,
        backoff_max_s=60,
        **settings,  # type: ignore[arg-type]
    )
    return Dispatcher(
        db,
        config,
        applier=cases,
        clock=clock,
        secret_for=lambda dept: SECRET,
        transport=httpx.MockTransport(handler),
        rng=random.Random(1),
    )


def item(db: Database, case_no: str) -> OutboxItem:
    with db.read() as session:
        row = session.scalar(select(OutboxItem).where(OutboxItem.case_no == case_no))
        assert row is not None
        return row


async def test_delivery_is_signed_and_moves_the_case(db: Database, clock: FakeClock) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"ok": True})

    cases = FakeCases()
    with db.write() as session:
        key = enqueue(session, "C1", now=clock())
        enqueue(session, "G1", "GA", now=clock())
    dispatcher = make(db, handler, clock, cases)
    assert await dispatcher.run_once() == 2
    await dispatcher.stop()
    by_url = {str(r.url): r for r in seen}
    request = by_url["http://bo.test/api/cases"]
    assert "http://ga.test/cases" in by_url
    assert request.headers[protocol.H_IDEMPOTENCY] == key
    assert request.headers[protocol.H_ATTEMPT] == "1"
    protocol.verify(
        SECRET,
        method="POST",
        path="/api/cases",
        body=request.content,
        headers=dict(request.headers),
    )
    body = json.loads(request.content)
    assert body["case_no"] == "C1"
    assert body["callback_url"] == "http://hall.test" + protocol.CALLBACK_PATH
    assert body["case"]["item_name"] == "食品经营许可"
    assert item(db, "C1").status == DELIVERED
    assert cases.moves == {"C1": ["delivered"], "G1": ["delivered"]}
    with db.read() as session:
        state = session.get(HandoffStatus, "C1")
        assert state is not None and (state.status, state.seq) == ("delivered", 0)


@pytest.mark.parametrize(
    "failure",
    [
        lambda r: httpx.Response(500, text="boom"),
        lambda r: httpx.Response(503),
        lambda r: httpx.Response(429),
        "timeout",
        "refused",
    ],
)
async def test_temporary_failures_are_retried_then_dead(
    db: Database, clock: FakeClock, failure: object
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if failure == "timeout":
            raise httpx.ReadTimeout("slow", request=request)
        if failure == "refused":
            raise httpx.ConnectError("refused", request=request)
        assert callable(failure)
        response: httpx.Response = failure(request)
        return response

    cases = FakeCases()
    with db.write() as session:
        enqueue(session, "C1", now=clock())
    dispatcher = make(db, handler, clock, cases)
    delays = []
    for attempt in (1, 2, 3):
        assert await dispatcher.run_once() == 1
        row = item(db, "C1")
        assert row.attempts == attempt
        if attempt < 3:
            assert row.status == PENDING
            delay = row.next_attempt_at - clock()
            delays.append(delay)
            assert await dispatcher.run_once() == 0  # not due yet
            clock.advance(seconds=delay.total_seconds())
    await dispatcher.stop()
    row = item(db, "C1")
    assert row.status == DEAD
    assert row.last_error
    assert timedelta(seconds=5) <= delays[0] <= timedelta(seconds=10)
    assert timedelta(seconds=10) <= delays[1] <= timedelta(seconds=20)
    assert cases.moves == {}


async def test_a_4xx_is_dead_at_once(db: Database, clock: FakeClock) -> None:
    cases = FakeCases()
    with db.write() as session:
        enqueue(session, "C1", now=clock())
    dispatcher = make(db, lambda r: httpx.Response(400, text="bad case"), clock, cases)
    await dispatcher.run_once()
    await dispatcher.stop()
    row = item(db, "C1")
    assert (row.status, row.attempts, row.last_http_status) == (DEAD, 1, 400)
    assert "bad case" in (row.last_error or "")


async def test_a_missing_secret_is_a_visible_temporary_failure(
    db: Database, clock: FakeClock
) -> None:
    with db.write() as session:
        enqueue(session, "C1", now=clock())
    dispatcher = make(db, lambda r: httpx.Response(201), clock, FakeCases())
    dispatcher._secret_for = lambda dept: None
    await dispatcher.run_once()
    await dispatcher.stop()
    row = item(db, "C1")
    assert row.status == PENDING
    assert "backoffice_scjg" in (row.last_error or "")


APPROVED_ANSWER = {
    "case_no": "C1",
    "status": "approved",
    "seq": 2,
    "at": "2026-11-23T02:00:00Z",
    "note": "",
    "materials_needed": [],
    "result": {"document_no": "X"},
}


def signed_answer(
    request: httpx.Request, data: dict[str, object], *, secret: str = SECRET
) -> httpx.Response:
    """The back office's answer to a poll, signed for that request (protocol §5)."""
    body = protocol.dumps(data)
    headers = protocol.sign_answer(
        secret,
        path=request.url.path,
        body=body,
        department=request.headers[protocol.H_DEPARTMENT],
        request_nonce=request.headers[protocol.H_NONCE],
    )
    return httpx.Response(200, content=body, headers=headers | {"Content-Type": "application/json"})


def poll_refusals(db: Database) -> list[dict[str, object]]:
    from services.hall.models import AuditEntry

    with db.read() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "handoff.poll_refused")
            .order_by(AuditEntry.id)
        )
        return [dict(r.data) for r in rows]


async def test_quiet_cases_are_polled(db: Database, clock: FakeClock) -> None:
    polls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201)
        polls.append(request.url.path)
        protocol.verify(
            SECRET, method="GET", path=request.url.path, body=b"", headers=dict(request.headers)
        )
        return signed_answer(request, APPROVED_ANSWER)

    cases = FakeCases()
    with db.write() as session:
        enqueue(session, "C1", now=clock())
    dispatcher = make(db, handler, clock, cases, poll_interval_s=60)
    await dispatcher.run_once()
    assert polls == []  # just delivered: not quiet yet
    clock.advance(seconds=61)
    await dispatcher.run_once()
    assert polls == ["/api/cases/C1"]
    assert cases.moves["C1"] == ["delivered", "approved"]
    clock.advance(seconds=30)
    await dispatcher.run_once()
    assert len(polls) == 1  # checked less than an interval ago
    await dispatcher.stop()


async def test_unsigned_forged_or_replayed_poll_answers_are_refused(
    db: Database, clock: FakeClock
) -> None:
    """A poll answer moves the case like a callback, so it is held to the same signature: an
    unsigned one, one signed with another key and a genuine one replayed to a later poll are
    refused and audited, the case stays where it was, and the hall polls again."""
    recorded: list[httpx.Response] = []
    answers = ["unsigned", "forged", "genuine-for-nobody", "replayed", "genuine"]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(201)
        kind = answers.pop(0)
        if kind == "unsigned":
            return httpx.Response(200, json=APPROVED_ANSWER)
        if kind == "forged":
            return signed_answer(request, APPROVED_ANSWER, secret="guessed-" + SECRET)
        if kind == "genuine-for-nobody":  # a real answer, captured, then a 503 is what we get
            recorded.append(signed_answer(request, APPROVED_ANSWER))
            return httpx.Response(503)
        if kind == "replayed":  # the captured answer, played back to this later poll
            old = recorded[0]
            return httpx.Response(200, content=old.content, headers=old.headers)
        return signed_answer(request, APPROVED_ANSWER)

    cases = FakeCases()
    with db.write() as session:
        enqueue(session, "C1", now=clock())
    dispatcher = make(db, handler, clock, cases, poll_interval_s=60)
    await dispatcher.run_once()  # delivered
    for _ in range(4):
        clock.advance(seconds=61)
        await dispatcher.run_once()
        assert cases.moves["C1"] == ["delivered"]
    assert answers == ["genuine"]  # every refused answer was followed by another poll
    assert [r["reason"] for r in poll_refusals(db)] == ["missing", "bad_signature", "replayed"]
    assert dispatcher.refused_answers == 3
    clock.advance(seconds=61)
    await dispatcher.run_once()
    await dispatcher.stop()
    assert answers == []
    assert cases.moves["C1"] == ["delivered", "approved"]


def handoff_events(db: Database) -> list[dict[str, object]]:
    from services.hall.queue.models import QueueEvent

    with db.read() as session:
        rows = session.scalars(
            select(QueueEvent).where(QueueEvent.type == "handoff.changed").order_by(QueueEvent.id)
        )
        return [dict(r.payload) for r in rows]


async def test_delivered_and_dead_publish_handoff_changed(db: Database, clock: FakeClock) -> None:
    """The supervisors' dashboard learns of a delivered or dead hand-off from the event stream,
    with the counts after the move — not only when a supervisor retries."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":  # the poll of delivered C1: nothing to say yet
            return httpx.Response(404)
        case_no = json.loads(request.content)["case_no"]
        return httpx.Response(201) if case_no == "C1" else httpx.Response(500)

    with db.write() as session:
        enqueue(session, "C1", now=clock())
        enqueue(session, "C2", now=clock())
    dispatcher = make(db, handler, clock, FakeCases())  # attempts=3
    await dispatcher.run_once()
    events = handoff_events(db)
    assert [(e["pending"], e["dead"]) for e in events] == [(1, 0)]  # C1 delivered; a retry is not
    for _ in range(2):
        clock.advance(seconds=120)
        await dispatcher.run_once()
    await dispatcher.stop()
    assert item(db, "C2").status == DEAD
    events = handoff_events(db)
    assert [(e["pending"], e["dead"]) for e in events] == [(1, 0), (0, 1)]
    assert all("at" in e for e in events)


async def test_stop_gives_back_rows_in_flight(db: Database, clock: FakeClock) -> None:
    import asyncio

    started = asyncio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        started.set()
        await asyncio.sleep(30)
        return httpx.Response(201)

    with db.write() as session:
        enqueue(session, "C1", now=clock())
    config = BackofficeSettings(default_endpoint="http://bo.test", tick_s=0.01)
    dispatcher = Dispatcher(
        db,
        config,
        applier=FakeCases(),
        clock=clock,
        secret_for=lambda d: SECRET,
        transport=httpx.MockTransport(slow),  # type: ignore[arg-type]
    )
    dispatcher.start()
    await asyncio.wait_for(started.wait(), 10)
    await dispatcher.stop()
    row = item(db, "C1")
    assert (row.status, row.attempts, row.claimed_until) == (PENDING, 0, None)
