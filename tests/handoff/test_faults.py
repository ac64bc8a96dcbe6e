"""Acceptance: fault tests against the REAL simulator process and the REAL hall service process
(`clerk serve`), with real cases accepted through the hall's HTTP API (the cases service writes
the outbox row in the acceptance transaction). After every fault: every accepted case is at the
back office exactly once (the simulator counts deliveries per idempotency key) and the case's
status in the hall equals the back office's final word."""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.backoffice import protocol
from tests.handoff.conftest import SECRET
from tests.handoff.procs import CLERK, Desk, Hall, Simulator, base_env, wait_for
from tests.support.hall import PostgresScratch, seeded_store, sqlite_url

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]

SETTLE_S = 30.0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "procs"
    path.mkdir()
    return path


class World:
    def __init__(self, sim: Simulator, hall: Hall, desk: Desk, boss: dict[str, str]) -> None:
        self.sim = sim
        self.hall = hall
        self.desk = desk
        self.boss = boss
        self.cases: list[str] = []

    def accept(self, n: int) -> list[str]:
        new = [self.desk.accept() for _ in range(n)]
        self.cases += new
        return new

    def handoffs(self, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else {}
        answer = self.hall.http.get("/api/v1/handoff", params=params, headers=self.boss)
        assert answer.status_code == 200, answer.text
        rows: list[dict[str, Any]] = answer.json()
        return rows

    def settle(self) -> dict[str, Any]:
        """Wait until the back office has every case, has finished with each and has told the
        hall; then check exactly-once and that the hall's statuses equal the back office's."""
        expected = set(self.cases)

        def done() -> bool:
            stats = self.sim.stats()
            cases = self.sim.cases()
            return (
                set(stats["by_key"]) == expected
                and set(cases) == expected
                and all(c["status"] in protocol.FINAL for c in cases.values())
                and stats["callbacks_pending"] == 0
            )

        wait_for(done, timeout=SETTLE_S, what="the back office to finish", interval=0.1)
        final = {no: c["status"] for no, c in self.sim.cases().items()}

        def agreed() -> bool:
            return all(self.desk.case(no)["status"] == final[no] for no in self.cases)

        wait_for(agreed, timeout=SETTLE_S, what="the hall to agree", interval=0.1)
        stats = self.sim.stats()
        assert stats["unique"] == len(expected)
        assert all(stats["by_key"][no] >= 1 for no in expected)
        assert {r["status"] for r in self.handoffs()} == {"delivered"}
        return stats

    def timeline(self, case_no: str) -> list[str]:
        return [e["to_status"] for e in self.desk.case(case_no)["events"]]


@contextmanager
def running_world(
    folder: Path,
    db_url: str,
    *,
    sim: dict[str, Any] | None = None,
    hall: dict[str, Any] | None = None,
) -> Iterator[World]:
    credentials = seeded_store(db_url)
    simulator = Simulator(folder, SECRET, callback=None, **(sim or {}))
    service = Hall(folder, SECRET, db_url, sim_url=simulator.url, **(hall or {}))
    simulator.args += ["--callback", service.url]
    try:
        simulator.spawn()
        service.spawn()
        simulator.wait_ready()
        service.wait_ready()
        desk = Desk(service, service.login("clerk1", credentials["clerk1"], 1))
        boss = service.login("supervisor", credentials["supervisor"])
        yield World(simulator, service, desk, boss)
    except BaseException:
        print("--- hall ---\n", service.output(), "\n--- simulator ---\n", simulator.output())
        raise
    finally:
        service.stop()
        simulator.stop()


@pytest.fixture
def world(folder: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    opts: dict[str, Any] = getattr(request, "param", {})
    with running_world(folder, sqlite_url(folder / "store"), **opts) as w:
        yield w


def test_down_then_500s_then_slow(world: World) -> None:
    sim = world.sim
    # 503 before anything is stored, until the hall has tried every case at least once (waiting
    # for the tries, not for a fixed time, so a slow machine cannot end the downtime early)
    sim.faults(down_for_s=120)
    world.accept(3)
    wait_for(
        lambda: (
            len(tried := world.handoffs("pending")) == 3 and all(r["attempts"] >= 1 for r in tried)
        ),
        timeout=30,
        what="a first try of every hand-off while the back office is down",
    )
    assert sim.stats()["received"] == 0
    sim.faults(down_for_s=0)
    wait_for(lambda: sim.stats()["unique"] == 3, timeout=10, what="recovery after downtime")

    sim.faults(error_500_rate=0.6)  # stored, but the hall hears 500: it must send again
    world.accept(4)
    wait_for(lambda: sim.stats()["unique"] == 7, timeout=15, what="deliveries through 500s")

    sim.faults(error_500_rate=0.0, slow_ms=1500)  # slower than the hall's 1 s timeout
    world.accept(3)
    wait_for(lambda: sim.stats()["unique"] == 10, timeout=10, what="slow deliveries")
    time.sleep(1.0)
    sim.faults(slow_ms=0)
    stats = world.settle()
    print(f"down/500/slow: {stats['received']} deliveries for {stats['unique']} cases")
    assert stats["duplicates"] >= 1  # the 500s and timeouts did make the hall send again
    for case_no in world.cases:
        timeline = world.timeline(case_no)
        assert timeline[:3] == ["accepted", "pending_delivery", "delivered"], timeline


ACCEPT_BUDGET_S = 1.5


@pytest.mark.parametrize("world", [{"hall": {"timeout_s": 10}}], indirect=True)
def test_the_clerk_never_waits_for_the_back_office(world: World) -> None:
    """Accepting answers at once whatever the back office does: the hand-off is an outbox row
    written with the case, delivered later by the dispatcher. The hall waits up to 10 s for the
    back office here, so an accept that waited for the 5 s delivery would blow the budget."""
    world.accept(1)  # learns the complete file from 一次性告知 (two extra requests, untimed)
    timings: dict[str, list[float]] = {}
    for name, switch in (("slow", {"slow_ms": 5000}), ("down", {"down_for_s": 30})):
        world.sim.faults(**switch)
        for _ in range(3):  # the first wakes the dispatcher; the next ones race with it
            started = time.monotonic()
            world.accept(1)
            timings.setdefault(name, []).append(time.monotonic() - started)
        if name == "slow":
            wait_for(
                lambda: any(r["attempts"] >= 1 for r in world.handoffs("pending")),
                timeout=10,
                what="a delivery in flight to the slow back office",
            )
    print(f"accept while the back office is slow/down: {timings}")
    assert max(max(t) for t in timings.values()) < ACCEPT_BUDGET_S, timings
    world.sim.faults(slow_ms=0, down_for_s=0)
    world.settle()


def test_the_simulator_refuses_forged_and_replayed_deliveries(folder: Path) -> None:
    """The reference back office checks what the hall sends it: a delivery signed with the
    wrong key and a genuine delivery played back are refused (401) and not stored."""
    sim = Simulator(folder, SECRET, callback=None, manual=True)
    sim.start()
    try:
        key = "31000020261123009999"
        body = protocol.dumps(
            protocol.envelope(
                department="SCJG",
                idempotency_key=key,
                payload={"case_no": key, "item_code": "SCJG-010"},
                callback_url=None,
            )
        )

        def deliver(headers: dict[str, str]) -> httpx.Response:
            extra = {"Content-Type": "application/json", protocol.H_IDEMPOTENCY: key}
            return sim.http.post(protocol.CASES_PATH, content=body, headers=headers | extra)

        def signed(secret: str) -> dict[str, str]:
            return protocol.sign(
                secret, method="POST", path=protocol.CASES_PATH, body=body, department="SCJG"
            )

        forged = deliver(signed("guessed-" + SECRET))
        assert forged.status_code == 401, forged.text
        assert forged.json()["reason"] == "bad_signature"
        assert sim.stats()["received"] == 0

        genuine = signed(SECRET)
        assert deliver(genuine).status_code == 201
        replayed = deliver(genuine)
        assert replayed.status_code == 401, replayed.text
        assert replayed.json()["reason"] == "replayed"

        stats = sim.stats()
        assert (stats["received"], stats["unique"], stats["duplicates"]) == (1, 1, 0)
        assert stats["refused"] == 2
        assert set(sim.cases()) == {key}
    except BaseException:
        print(sim.output())
        raise
    finally:
        sim.stop()


def test_the_simulator_signs_its_poll_answers(folder: Path) -> None:
    """Poll answers are signed for the request they answer (protocol §5)."""
    sim = Simulator(folder, SECRET, callback=None, manual=True)
    sim.start()
    try:
        key = "31000020261123009998"
        body = protocol.dumps(
            protocol.envelope(
                department="SCJG",
                idempotency_key=key,
                payload={"case_no": key},
                callback_url=None,
            )
        )
        headers = protocol.sign(
            SECRET, method="POST", path=protocol.CASES_PATH, body=body, department="SCJG"
        )
        headers |= {"Content-Type": "application/json", protocol.H_IDEMPOTENCY: key}
        assert sim.http.post(protocol.CASES_PATH, content=body, headers=headers).is_success
        path = f"{protocol.CASES_PATH}/{key}"
        ask = protocol.sign(SECRET, method="GET", path=path, body=b"", department="SCJG")
        answer = sim.http.get(path, headers=ask)
        assert answer.status_code == 200, answer.text
        protocol.verify_answer(
            SECRET,
            path=path,
            body=answer.content,
            headers=answer.headers,
            department="SCJG",
            request_nonce=ask[protocol.H_NONCE],
        )
        assert answer.json() == {"case_no": key, "status": "received", "seq": 0}
        with pytest.raises(protocol.SignatureError):  # not the answer to another question
            protocol.verify_answer(
                SECRET,
                path=path,
                body=answer.content,
                headers=answer.headers,
                department="SCJG",
                request_nonce=protocol.new_nonce(),
            )
    finally:
        sim.stop()


class Listener:
    """Follows the hall's live event stream (SSE) on a thread, as an open case view does."""

    def __init__(self, hall: Hall, headers: dict[str, str]) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.client = httpx.Client(base_url=hall.url, headers=headers, timeout=None)
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the event stream did not open"

    def _run(self) -> None:
        from httpx_sse import connect_sse

        with (
            contextlib.suppress(Exception),
            connect_sse(self.client, "GET", "/api/v1/events") as source,
        ):
            self.ready.set()
            for event in source.iter_sse():
                if event.event.startswith("case."):
                    self.events.append((event.event, json.loads(event.data)))

    def statuses(self, case_no: str) -> list[str]:
        return [
            d["status"]
            for t, d in list(self.events)
            if t == "case.status" and d["case_no"] == case_no
        ]

    def close(self) -> None:
        self.client.close()
        self.thread.join(5)


def test_duplicated_and_reordered_callbacks(world: World) -> None:
    listener = Listener(world.hall, world.desk.headers)
    world.sim.faults(duplicate_callbacks=True, reorder_callbacks=True)
    world.accept(6)
    stats = world.settle()
    assert stats["duplicates"] == 0
    final = {no: c["status"] for no, c in world.sim.cases().items()}
    wait_for(
        lambda: all(listener.statuses(no)[-1:] == [final[no]] for no in world.cases),
        timeout=10,
        what="case.status events on the live stream",
    )
    listener.close()
    # The faults really happened: every case's older reports (at least in_review) reached the
    # hall after its final one and were answered "stale", and every report came twice.
    assert stats["hall_stale"] >= len(world.cases), stats
    assert stats["hall_duplicate"] >= len(world.cases), stats
    for case_no in world.cases:
        timeline = world.timeline(case_no)
        # Newest first: the final status arrives first; the older ones are ignored as stale.
        assert timeline[-1] == world.sim.cases()[case_no]["status"]
        assert "in_review" not in timeline, timeline  # it came after the final word
        assert len(timeline) == len(set(timeline)), timeline


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def kill_world(request: pytest.FixtureRequest, folder: Path) -> Iterator[World]:
    if request.param == "sqlite":
        db_url = sqlite_url(folder / "store")
    else:
        scratch: PostgresScratch = request.getfixturevalue("postgres_scratch")
        db_url = scratch.schema_url()
    with running_world(folder, db_url, hall={"timeout_s": 1.5, "lease_s": 1}) as w:
        yield w


def test_kill_9_of_the_hall_during_delivery(kill_world: World) -> None:
    w = kill_world
    w.sim.faults(slow_ms=800)
    w.accept(12)
    wait_for(lambda: w.sim.stats()["received"] >= 2, timeout=10, what="first deliveries")
    pending_before = len(w.handoffs("pending"))
    w.hall.kill9()
    assert pending_before >= 1
    w.sim.faults(slow_ms=0)
    time.sleep(1.0)  # the back office goes on with what it got (and its callbacks fail)
    w.hall.start()
    stats = w.settle()
    print(
        f"kill -9: {pending_before} pending at the kill, {stats['received']} deliveries "
        f"for {stats['unique']} cases"
    )


@pytest.mark.parametrize("world", [{"hall": {"attempts": 3}}], indirect=True)
def test_dead_after_n_attempts_then_supervisor_retry(world: World, folder: Path) -> None:
    world.sim.faults(down_for_s=60)
    world.accept(2)
    wait_for(lambda: len(world.handoffs("dead")) == 2, timeout=10, what="two dead hand-offs")
    dead = world.handoffs("dead")
    assert {r["attempts"] for r in dead} == {3}
    assert all("503" in r["last_error"] for r in dead)
    summary = world.hall.http.get("/api/v1/handoff/summary", headers=world.boss).json()
    assert summary["totals"]["dead"] == 2
    assert world.sim.stats()["received"] == 0
    world.sim.faults(down_for_s=0)
    time.sleep(0.5)
    assert len(world.handoffs("dead")) == 2  # dead stays dead until someone acts

    # one through the API ...
    first = dead[0]["id"]
    answer = world.hall.http.post(
        f"/api/v1/handoff/{first}/retry", headers=world.boss | {"Idempotency-Key": "r1"}
    )
    assert answer.status_code == 200, answer.text
    # ... the other with the CLI, straight on the store
    env = base_env(folder / "cli-home", SECRET)
    db = world.hall.args[world.hall.args.index("--db") + 1]
    shown = subprocess.run(
        [CLERK, "--lang", "en", "--db", db, "handoff", "status", "--dead"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert shown.returncode == 0, shown.stderr
    assert dead[1]["case_no"] in shown.stdout
    retried = subprocess.run(
        [CLERK, "--lang", "en", "--db", db, "handoff", "retry", "--all-dead"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert retried.returncode == 0, retried.stderr
    assert "1 hand-off(s)" in retried.stdout
    stats = world.settle()  # exactly once by key (a slow answer under load may be resent)
    assert stats["unique"] == 2
    audit = httpx.get(
        f"{world.hall.url}/api/v1/audit", params={"limit": 200}, headers=world.boss
    ).json()
    retries = [a for a in audit if a["action"] == "handoff.retry"]
    assert sorted(a["actor"].split(":")[0] for a in retries) == ["cli", "supervisor"]


def test_embedded_hall_polls_a_back_office_that_cannot_call_back(folder: Path) -> None:
    """The embedded hall (uvicorn on a Unix socket, no TCP port) runs the dispatcher too; with
    no callback URL the back office cannot call back, so the hall polls GET /cases/{no}."""
    from clerk.config import Settings
    from tests.support.hall import running_embedded

    sim = Simulator(folder, SECRET, callback=None)
    sim.start()
    settings = Settings(
        service={"db": sqlite_url(folder / "store")},
        backoffice={
            "default_endpoint": sim.url,
            "callback_base": "",
            "backoff_base_s": 0.05,
            "tick_s": 0.05,
            "poll_interval_s": 0.3,
        },
        cases={"auto_ready": False},  # compare with the back office's word, not 出件
    )
    try:
        with running_embedded(settings) as hall:
            transport = httpx.HTTPTransport(uds=str(hall.socket_path))
            client = httpx.Client(transport=transport, base_url="http://hall", timeout=10)
            shim = type("Shim", (), {"http": client})()
            login = client.post(
                "/api/v1/auth/login",
                json={"username": "clerk1", "password": hall.credentials["clerk1"], "window_no": 1},
            ).json()
            desk = Desk(shim, {"Authorization": f"Bearer {login['token']}"})  # type: ignore[arg-type]
            cases = [desk.accept() for _ in range(3)]
            wait_for(
                lambda: (
                    all(c["status"] in protocol.FINAL for c in sim.cases().values())
                    and len(sim.cases()) == 3
                ),
                timeout=SETTLE_S,
                what="the back office to finish",
            )
            final = {no: c["status"] for no, c in sim.cases().items()}
            wait_for(
                lambda: all(desk.case(no)["status"] == final[no] for no in cases),
                timeout=SETTLE_S,
                what="the polls to bring the statuses",
            )
            stats = sim.stats()
            assert (stats["unique"], stats["callbacks_pending"]) == (3, 0)
            client.close()
    except BaseException:
        print(sim.output())
        raise
    finally:
        sim.stop()
