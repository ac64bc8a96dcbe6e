"""A promise in 工作日 never passes a legal limit in 自然日 (issue 14.9): around long holidays ten
working days are more than fifteen calendar days, and the law wins."""

from __future__ import annotations

import datetime as dt

from clerk.catalog.loader import load_catalog
from clerk.catalog.model import TimeUnit
from clerk.workdays import (
    days_promise_passes_law,
    default_calendar,
    promised_date,
    promised_within_legal,
)


def _limits(code: str) -> tuple[tuple[int, str], tuple[int, str]]:
    item = load_catalog().item(code)
    assert item is not None
    return (
        (item.promised_limit.value, item.promised_limit.unit.value),
        (item.legal_limit.value, item.legal_limit.unit.value),
    )


def test_ga010_promise_alone_passes_the_law_before_the_spring_festival() -> None:
    calendar = default_calendar()
    promised, legal = _limits("GA-010")
    days = days_promise_passes_law(2026, promised, legal, calendar)
    assert days, "GA-010 promises 10 working days against a legal 15 calendar days"
    day = days[0]
    assert promised_date(day, promised, calendar).date > promised_date(day, legal, calendar).date


def test_no_item_promises_past_its_legal_limit_on_any_day_of_2026() -> None:
    calendar = default_calendar()
    catalog = load_catalog()
    mixed = [
        i
        for i in catalog.items
        if i.promised_limit.unit is TimeUnit.WORKDAY and i.legal_limit.unit is TimeUnit.CALENDAR_DAY
    ]
    assert mixed
    for item in mixed:
        promised = (item.promised_limit.value, item.promised_limit.unit.value)
        legal = (item.legal_limit.value, item.legal_limit.unit.value)
        day = dt.date(2026, 1, 1)
        while day.year == 2026:
            capped = promised_within_legal(day, promised, legal, calendar).date
            assert capped <= promised_date(day, legal, calendar).date, (item.code, day)
            assert capped <= promised_date(day, promised, calendar).date
            day += dt.timedelta(days=7 if day.month not in (1, 2, 9, 10) else 1)
