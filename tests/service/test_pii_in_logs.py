"""Personal data stays out of every log and out of the store's files: a real `clerk serve`
accepts cases, they are looked up by phone, USCC and case number (in the body, and the old way
in the query string), and no log the hall or the workstation wrote holds a full number — nor does the
SQLite store's file."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clerk import logs
from services.client import HallClient
from tests.handoff.procs import HALL_KEYS, Desk, Hall
from tests.support.hall import PostgresScratch, seeded_store, sqlite_url

CONTACT_ID = "110105199003071239"  # the organization's contact person (resident ID)
PHONE = "13900001111"  # procs.applicant's phone
# a 个体工商户 (机构类别 92): its code names the person who runs it, so it is personal data too
SOLE_TRADER_USCC = "92310115MA1K3YJ12D"


class ContactDesk(Desk):
    def _state(self) -> dict[str, Any]:
        state = super()._state()
        state["applicant"] = {
            **state["applicant"],
            "id_number": CONTACT_ID,
            "uscc": SOLE_TRADER_USCC,
        }
        return state


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def hall_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "store")
        return
    scratch: PostgresScratch = request.getfixturevalue("postgres_scratch")
    yield scratch.schema_url()


def _grep(folder: Path, needles: tuple[str, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        hits = sum(data.count(n.encode()) for n in needles)
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def test_no_full_number_in_any_log_or_store_file(
    hall_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clerk_home: Path
) -> None:
    for name, value in HALL_KEYS.items():  # the same keys as the hall process (docs/security.md)
        monkeypatch.setenv(name, value)
    credentials = seeded_store(hall_url)
    folder = tmp_path / "world"
    folder.mkdir()
    hall = Hall(folder, "s" * 32, hall_url, sim_url="http://127.0.0.1:9", enabled=False)
    hall.start()
    try:
        hall.wait_ready()
        headers = hall.login("clerk1", credentials["clerk1"], 1)
        desk = ContactDesk(hall, headers)
        numbers = [desk.accept(), desk.accept()]
        # the old way (query string) and the new one (body), by phone, USCC and case number
        for q in (PHONE, "+86 139-0000-1111", SOLE_TRADER_USCC, numbers[0]):
            answer = hall.http.get("/api/v1/cases", params={"q": q}, headers=headers)
            assert answer.status_code == 200 and answer.json(), (q, answer.text)
            answer = hall.http.post("/api/v1/cases/search", json={"q": q}, headers=headers)
            assert answer.status_code == 200 and answer.json(), (q, answer.text)
        # the workstation, with its own log file
        logs.setup()
        logging.getLogger("services").setLevel(logging.DEBUG)

        async def workstation() -> list[str]:
            token = headers["Authorization"].split()[1]
            async with HallClient(hall.url, token=token) as client:
                return [c.case_no for c in await client.find_cases(PHONE)]

        assert set(asyncio.run(workstation())) >= set(numbers)
    finally:
        hall.stop()
    needles = (CONTACT_ID, PHONE, SOLE_TRADER_USCC, SOLE_TRADER_USCC[8:])
    hall_side = _grep(folder, needles)
    work_side = _grep(clerk_home, needles)
    store_side = _grep(tmp_path / "store", needles) if hall_url.startswith("sqlite") else {}
    assert hall_side == {} and work_side == {} and store_side == {}, (
        hall_side,
        work_side,
        store_side,
    )
    # and the access log did see those lookups (masked), so the check above could fail
    out = "".join(p.read_text("utf-8", "replace") for p in folder.glob("hall-*.out"))
    assert "/api/v1/cases?q=139****11" in out and "POST /api/v1/cases/search" in out
    assert "/api/v1/cases?q=923101********J12D" in out
