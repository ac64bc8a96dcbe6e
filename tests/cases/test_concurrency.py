"""Twenty windows deciding at once: every case number unique, consecutive, valid."""

from __future__ import annotations

import asyncio

from clerk.cases import parse_case_number
from tests.cases.catalog import ALL_IMMEDIATE, state
from tests.cases.conftest import Desk


async def test_twenty_parallel_decisions(desk: Desk) -> None:
    drafts = [await desk.draft(state(["T-002"], ALL_IMMEDIATE)) for _ in range(20)]
    answers = await asyncio.gather(
        *(desk.decide_raw(d["id"], [{"item": "T-002", "decision": "accept"}]) for d in drafts)
    )
    assert all(r.status_code == 201 for r in answers), [
        r.text for r in answers if r.status_code != 201
    ]
    numbers = [r.json()["case_numbers"][0] for r in answers]
    assert len(set(numbers)) == 20
    assert sorted(parse_case_number(n).sequence for n in numbers) == list(range(1, 21))
