"""The daily report's day is the hall's day (issue 21): a ticket served at 23:50 in the hall
belongs to that day, one served at 00:30 to the next — though both are the same UTC date —
with the process in UTC and in Asia/Shanghai, on SQLite and PostgreSQL. The store keeps the
moments in UTC and gives them back aware and unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from clerk import reports
from clerk.clock import hall_days, hall_midnight
from services.hall.bootstrap import open_store
from services.hall.queue.models import Ticket
from tests.supervisor.conftest import People
from tests.support.hall import FakeClock, RunningHall
from tests.support.timezones import machine_zone

__all__ = ["machine_zone"]

EVENING = datetime(2026, 11, 23, 15, 50, tzinfo=UTC)  # 23:50 in the hall, 2026-11-23
NIGHT = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # 00:30 in the hall, 2026-11-24


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(EVENING)  # everyone signs in at 23:50


async def serve_one(people: People, clock: FakeClock) -> str:
    ticket = await people.kiosk.issue_ticket("A")
    clock.advance(minutes=2)
    await people.clerks[1].call_next(1)
    clock.advance(minutes=3)
    await people.clerks[1].finish(1)
    return ticket.number


async def test_the_report_day_turns_at_the_halls_midnight(
    people: People, clock: FakeClock, hall: RunningHall, machine_zone: str
) -> None:
    first = await serve_one(people, clock)
    clock.now = NIGHT
    second = await serve_one(people, clock)
    assert first == second == "A001"  # numbering restarts at the hall's midnight, not UTC's

    day1 = await people.supervisor.daily_report(date(2026, 11, 23))
    day2 = await people.supervisor.daily_report(date(2026, 11, 24))
    assert (day1.total.tickets, day2.total.tickets) == (1, 1)
    assert day1.total.hours[23] == 1 and day2.total.hours[0] == 1  # issued 23:50 and 00:30
    today = await people.supervisor.daily_report()  # "today" is the hall's 11-24
    assert today.first == date(2026, 11, 24)

    # the store: UTC moments, back aware and equal (SQLite keeps them as naive UTC text)
    store = open_store(hall.settings)
    try:
        with store.db.read() as session:
            rows = list(session.scalars(select(Ticket).order_by(Ticket.id)))
    finally:
        store.close()
    assert [t.day for t in rows] == [date(2026, 11, 23), date(2026, 11, 24)]
    assert [t.issued_at for t in rows] == [EVENING, NIGHT]
    assert all(t.issued_at.utcoffset() == timedelta(0) for t in rows)


def test_cases_count_on_the_hall_day_they_were_decided() -> None:
    def case(no: str, at: datetime) -> reports.ReportCase:
        return reports.ReportCase(no, at, "accepted", 1, "clerk1", "A")

    late = datetime(2026, 11, 24, 16, 10, tzinfo=UTC)  # 00:10 on the 25th in the hall
    cases = [case("1", EVENING), case("2", NIGHT), case("3", late)]
    day2 = reports.build([], cases, first=date(2026, 11, 24))
    assert day2.total.cases == 1  # only 00:30 on the 24th: the others are the 23rd and the 25th
    assert day2.total.hours == (0,) * 24  # no tickets
    assert hall_days(date(2026, 11, 24), date(2026, 11, 24)) == (
        hall_midnight(date(2026, 11, 24)),
        datetime(2026, 11, 24, 16, 0, tzinfo=UTC),
    )
    assert hall_midnight(date(2026, 11, 24)) == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
