"""需补正 → 补正后重新提交 against the REAL processes: the back-office simulator (`clerk
backoffice-sim --manual`, moved by hand like its approver screen does) calling back a real hall
service (`clerk serve`) on SQLite and PostgreSQL. The second delivery carries the key
`<case_no>:r1`; the simulator counts it once, continues the case's seq, and the approved,
certified result then waits for pickup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.caseview.conftest import SECRET
from tests.handoff.procs import Desk, Hall, Simulator, wait_for
from tests.support.hall import PostgresScratch, seeded_store, sqlite_url

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

NEEDED = ["营业执照副本（经营范围已变更）"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "store")
    scratch: PostgresScratch = request.getfixturevalue("postgres_scratch")
    return scratch.schema_url()


@pytest.fixture
def world(tmp_path: Path, db_url: str) -> Iterator[tuple[Simulator, Hall, Desk]]:
    folder = tmp_path / "procs"
    folder.mkdir()
    credentials = seeded_store(db_url)
    sim = Simulator(folder, SECRET, callback=None, manual=True)
    hall = Hall(folder, SECRET, db_url, sim_url=sim.url, auto_ready=True)
    sim.args += ["--callback", hall.url]
    try:
        sim.spawn()
        hall.spawn()
        sim.wait_ready()
        hall.wait_ready()
        yield sim, hall, Desk(hall, hall.login("clerk1", credentials["clerk1"], 1))
    except BaseException:
        print("--- hall ---\n", hall.output(), "\n--- simulator ---\n", sim.output())
        raise
    finally:
        hall.stop()
        sim.stop()


def approve(sim: Simulator, number: str, status: str, **body: Any) -> None:
    answer = sim.http.post(f"/approver/cases/{number}", json={"status": status, **body})
    assert answer.status_code == 200, answer.text


def test_resubmission_reaches_the_back_office_once_under_a_new_key(
    world: tuple[Simulator, Hall, Desk],
) -> None:
    sim, hall, desk = world
    number = desk.accept()
    wait_for(lambda: number in sim.cases(), timeout=15, what="the first delivery")
    approve(sim, number, "in_review")
    approve(sim, number, "needs_correction", note="经营范围不符", materials_needed=NEEDED)
    wait_for(
        lambda: desk.case(number)["status"] == "needs_correction",
        timeout=15,
        what="需补正 called back",
    )
    answer = hall.http.post(
        f"/api/v1/cases/{number}/resubmit",
        json={"received": NEEDED, "note": "已补正"},
        headers=desk.headers | {"Idempotency-Key": f"resubmit-{number}"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["record"]["idempotency_key"] == f"{number}:r1"
    again = hall.http.post(  # a retry after a lost answer: the same answer, no new delivery
        f"/api/v1/cases/{number}/resubmit",
        json={"received": NEEDED, "note": "已补正"},
        headers=desk.headers | {"Idempotency-Key": f"resubmit-{number}"},
    )
    assert again.json() == answer.json()

    def second_delivery() -> bool:
        stats = sim.stats()
        return stats["by_key"].get(f"{number}:r1") == 1

    wait_for(second_delivery, timeout=15, what="the resubmission at the back office")
    stats = sim.stats()
    assert stats["unique"] == 2
    assert stats["by_key"] == {number: 1, f"{number}:r1": 1}
    wait_for(lambda: desk.case(number)["status"] == "delivered", timeout=10, what="delivered")

    approve(sim, number, "in_review")
    approve(sim, number, "approved")
    approve(sim, number, "certificate_made")
    wait_for(
        lambda: desk.case(number)["status"] == "ready_for_pickup",
        timeout=15,
        what="the result waiting for pickup",
    )
    timeline = [e["to_status"] for e in desk.case(number)["events"]]
    assert timeline.count("delivered") == 2
    assert timeline[timeline.index("needs_correction") :][:3] == [
        "needs_correction",
        "resubmitted",
        "delivered",
    ]
    assert timeline[-2:] == ["certificate_made", "ready_for_pickup"]
    assert sim.stats()["unique"] == 2
