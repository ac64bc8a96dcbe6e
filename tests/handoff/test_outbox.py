"""The outbox on SQLite and PostgreSQL: written in the caller's transaction, claimed safely
(SKIP LOCKED + lease), retried with backoff, dead after N, revived by a supervisor."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.hall import migrate, outbox
from services.hall.db import Database
from services.hall.dispatcher import Backoff
from services.hall.handoff.models import DEAD, DELIVERED, PENDING, OutboxItem
from tests.handoff.fakes import enqueue

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.fixture
def db(store_url: str) -> Iterator[Database]:
    database = Database.open(store_url)
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


def rows(db: Database) -> list[OutboxItem]:
    with db.read() as session:
        return list(session.scalars(select(OutboxItem).order_by(OutboxItem.id)))


def test_enqueue_commits_with_the_caller(db: Database) -> None:
    with db.write() as session:
        enqueue(session, "C1")
    assert [(r.case_no, r.status, r.attempts) for r in rows(db)] == [("C1", PENDING, 0)]


def test_enqueue_rolls_back_with_the_caller(db: Database) -> None:
    with pytest.raises(RuntimeError), db.write() as session:
        enqueue(session, "C1")
        raise RuntimeError("the acceptance failed")
    assert rows(db) == []


def test_enqueue_is_idempotent_per_key(db: Database) -> None:
    with db.write() as session:
        enqueue(session, "C1")
        enqueue(session, "C1")
    with db.write() as session:
        enqueue(session, "C1")
    assert len(rows(db)) == 1


def test_enqueue_needs_a_case_number(db: Database) -> None:
    with pytest.raises(ValueError), db.write() as session:
        outbox.enqueue(session, department="GA", idempotency_key="k", payload={})


def test_enqueue_wakes_dispatchers_after_commit(db: Database) -> None:
    woken: list[int] = []
    wake = lambda: woken.append(1)  # noqa: E731
    outbox.add_waker(wake)
    try:
        with db.write() as session:
            enqueue(session, "C1")
            assert woken == []
        assert woken == [1]
    finally:
        outbox.remove_waker(wake)


def test_claim_takes_due_rows_once_until_the_lease_ends(db: Database) -> None:
    with db.write() as session:
        for n in range(3):
            enqueue(session, f"C{n}")
    with db.write() as session:
        first = outbox.claim(session, worker="a", now=NOW + LEASE, lease=LEASE, limit=2)
    with db.write() as session:
        second = outbox.claim(session, worker="b", now=NOW + LEASE, lease=LEASE, limit=10)
    assert [c.case_no for c in first] == ["C0", "C1"]
    assert [c.case_no for c in second] == ["C2"]
    assert all(c.attempt == 1 for c in first + second)
    # Worker a dies; after its lease, its rows go to someone else (attempt 2).
    with db.write() as session:
        again = outbox.claim(session, worker="c", now=NOW + 3 * LEASE, lease=LEASE)
    assert sorted(c.case_no for c in again) == ["C0", "C1", "C2"]
    assert {c.attempt for c in again} == {2}


def test_concurrent_claims_never_share_a_row(db: Database) -> None:
    with db.write() as session:
        for n in range(40):
            enqueue(session, f"C{n:02d}")
    taken: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for _ in range(20):
                with db.write() as session:
                    got = outbox.claim(session, worker=name, now=NOW + LEASE, lease=LEASE, limit=3)
                with lock:
                    taken.extend(c.case_no for c in got)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(taken) == [f"C{n:02d}" for n in range(40)]


def test_failures_back_off_then_die(db: Database) -> None:
    with db.write() as session:
        enqueue(session, "C1")
    now = NOW + LEASE
    for attempt in range(1, 4):
        with db.write() as session:
            [item] = outbox.claim(session, worker="w", now=now, lease=LEASE)
            assert item.attempt == attempt
            status = outbox.mark_failed(
                session,
                item.id,
                worker="w",
                now=now,
                error="HTTP 500",
                http_status=500,
                permanent=False,
                max_attempts=3,
                delay=timedelta(seconds=10),
            )
        if attempt < 3:
            assert status == PENDING
            with db.write() as session:  # not due yet
                assert outbox.claim(session, worker="w", now=now, lease=LEASE) == []
            now += timedelta(seconds=10)
    assert status == DEAD
    [row] = rows(db)
    assert (row.status, row.attempts, row.last_http_status) == (DEAD, 3, 500)


def test_a_4xx_is_dead_at_once_and_a_supervisor_revives_it(db: Database) -> None:
    with db.write() as session:
        enqueue(session, "C1")
    with db.write() as session:
        [item] = outbox.claim(session, worker="w", now=NOW + LEASE, lease=LEASE)
        outbox.mark_failed(
            session,
            item.id,
            worker="w",
            now=NOW + LEASE,
            error="HTTP 400",
            http_status=400,
            permanent=True,
            max_attempts=8,
            delay=timedelta(seconds=1),
        )
    assert rows(db)[0].status == DEAD
    with db.write() as session:
        outbox.revive(session, item.id, now=NOW + 2 * LEASE)
    [row] = rows(db)
    assert (row.status, row.attempts) == (PENDING, 0)
    with db.write() as session:
        assert outbox.mark_delivered(session, row.id, now=NOW, http_status=201) is not None
        assert outbox.mark_delivered(session, row.id, now=NOW, http_status=201) is None
    assert rows(db)[0].status == DELIVERED


def test_a_stale_worker_cannot_judge_a_row_it_lost(db: Database) -> None:
    with db.write() as session:
        enqueue(session, "C1")
    with db.write() as session:
        [item] = outbox.claim(session, worker="old", now=NOW + LEASE, lease=LEASE)
    with db.write() as session:
        outbox.claim(session, worker="new", now=NOW + 3 * LEASE, lease=LEASE)
    with db.write() as session:
        assert (
            outbox.mark_failed(
                session,
                item.id,
                worker="old",
                now=NOW,
                error="x",
                http_status=None,
                permanent=True,
                max_attempts=1,
                delay=timedelta(0),
            )
            is None
        )
    assert rows(db)[0].status == PENDING


def test_counts(db: Database) -> None:
    with db.write() as session:
        enqueue(session, "C1", "SCJG")
        enqueue(session, "C2", "SCJG")
        enqueue(session, "C3", "GA")
    with db.read() as session:
        assert outbox.counts(session) == {
            "SCJG": {"pending": 2, "delivered": 0, "dead": 0},
            "GA": {"pending": 1, "delivered": 0, "dead": 0},
        }


def test_backoff_grows_with_jitter_and_caps() -> None:
    backoff = Backoff(base_s=1.0, max_s=30.0)
    rng = random.Random(7)
    delays = [backoff.delay(n, rng).total_seconds() for n in range(1, 9)]
    for n, delay in enumerate(delays, start=1):
        step = min(30.0, 2 ** (n - 1))
        assert step / 2 <= delay <= step
    assert delays[-1] <= 30.0
    assert len({round(backoff.delay(3, rng).total_seconds(), 6) for _ in range(20)}) > 1
