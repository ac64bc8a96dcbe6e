"""Papers are dated on the hall's wall clock whatever the machine's zone (issue 21): a visit
decided at 16:30 UTC — 00:30 the next day in the hall (Asia/Shanghai) — is dated that next day,
in its time line and its case number, with the process in UTC and in Asia/Shanghai."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from printing.builders import visit_documents
from printing.documents import AcceptanceReceipt, OneTimeNotice, as_reprint
from printing.renderers.text import render_text
from printing.samples import KINDS, sample
from services.client import HallClient
from tests.printing.test_builders import FOOD, FOOD_MARKS, HALL, ORG, decide
from tests.support.hall import FakeClock, RunningHall, hall_settings, running_embedded, sqlite_url
from tests.support.timezones import machine_zone

__all__ = ["machine_zone"]

AFTER_MIDNIGHT = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC)  # 2026-11-24 00:30 in the hall


@pytest.fixture
def hall(tmp_path: Path, machine_zone: str) -> Iterator[RunningHall]:
    settings = hall_settings(sqlite_url(tmp_path / "store"))
    with running_embedded(settings, clock=FakeClock(AFTER_MIDNIGHT)) as running:
        yield running


@pytest.fixture
async def desk(hall: RunningHall) -> AsyncIterator[HallClient]:
    client = hall.client()
    await client.login("clerk1", hall.credentials["clerk1"], 1)
    yield client
    await client.aclose()


async def test_a_receipt_after_midnight_is_dated_the_hall_day(desk: HallClient) -> None:
    state = {"applicant": ORG, "items": ["SCJG-010"], "answers": FOOD, "materials": FOOD_MARKS}
    visit = await decide(desk, state, "accept")
    [receipt] = visit_documents(visit, hall=HALL)
    assert isinstance(receipt, AcceptanceReceipt)
    printed = render_text(receipt, "A4")
    assert "2026-11-24 00:30" in printed
    assert "2026-11-23 16:30" not in printed
    assert "20261124" in receipt.case_number  # numbered on the hall's day
    reprint = render_text(as_reprint(receipt, AFTER_MIDNIGHT + dt.timedelta(hours=9)), "A4")
    assert "2026-11-24 09:30" in reprint  # 补打 at 01:30 UTC the next day


async def test_a_notice_after_midnight_is_dated_the_hall_day(desk: HallClient) -> None:
    person = {"kind": "person", "name": "张晓明", "id_type": "resident_id"}
    person |= {"id_number": "310101199003074511", "phone": "13812345678"}
    visit = await decide(desk, {"applicant": person, "theme": "YJS-007"}, "notice")
    [notice] = visit_documents(visit, hall=HALL)
    assert isinstance(notice, OneTimeNotice)
    assert "2026-11-24 00:30" in render_text(notice, "A4")


@pytest.mark.parametrize("kind", KINDS)
def test_every_paper_prints_the_hall_time(kind: str, machine_zone: str) -> None:
    doc = dataclasses.replace(sample(kind), issued_at=AFTER_MIDNIGHT)
    printed = render_text(doc, "A4")
    assert "2026-11-24 00:30" in printed, printed
    assert "16:30" not in printed
