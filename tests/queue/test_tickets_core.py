from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk.tickets import (
    Action,
    AppointmentRule,
    Status,
    TransitionError,
    Waiting,
    allowed_actions,
    estimate_wait,
    format_number,
    hall_day,
    next_status,
    pick_next,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the hall's default zone
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


def t(id_: int, cat: str, minutes_ago: int, **kw: object) -> Waiting:
    return Waiting(id=id_, category=cat, queue_time=NOW - timedelta(minutes=minutes_ago), **kw)  # type: ignore[arg-type]


def test_lifecycle_and_illegal_moves() -> None:
    s = next_status(Status.WAITING, Action.CALL)
    assert s is Status.CALLED
    assert next_status(s, Action.RECALL) is Status.CALLED
    assert next_status(s, Action.START) is Status.SERVING
    assert next_status(Status.SERVING, Action.FINISH) is Status.DONE
    with pytest.raises(TransitionError):
        next_status(Status.DONE, Action.CALL)
    with pytest.raises(TransitionError):
        next_status(Status.WAITING, Action.FINISH)


def test_no_show_can_be_reactivated_and_called_again() -> None:
    s = next_status(Status.CALLED, Action.NO_SHOW)
    assert Action.REACTIVATE in allowed_actions(s)
    assert next_status(s, Action.REACTIVATE) is Status.WAITING
    # a chosen number (指定叫号) may call a no-show directly
    assert next_status(s, Action.CALL) is Status.CALLED


def test_transferred_ticket_waits_and_can_be_called() -> None:
    s = next_status(Status.SERVING, Action.TRANSFER)
    assert s is Status.TRANSFERRED
    assert next_status(s, Action.CALL) is Status.CALLED


def test_order_priority_then_due_appointment_then_category_then_time() -> None:
    waiting = [
        t(1, "A", 50),
        t(2, "B", 60),
        t(3, "B", 5, appointment_at=NOW + timedelta(minutes=10)),
        t(4, "B", 1, priority=True),
    ]
    order = []
    pool = list(waiting)
    while (nxt := pick_next(pool, 1, ["A", "B"], NOW)) is not None:
        order.append(nxt.id)
        pool.remove(nxt)
    assert order == [4, 3, 1, 2]


def test_appointment_not_yet_due_waits_like_everyone() -> None:
    rule = AppointmentRule(early=timedelta(minutes=30), late=timedelta(minutes=15))
    far = t(1, "A", 1, appointment_at=NOW + timedelta(hours=2))
    early_bird = t(2, "A", 10)
    assert pick_next([far, early_bird], 1, ["A"], NOW, rule) == early_bird
    assert rule.check_in(NOW + timedelta(hours=2), NOW) == "early"
    assert rule.check_in(NOW - timedelta(minutes=20), NOW) == "late"


def test_window_only_calls_its_categories_and_its_transfers() -> None:
    other = t(1, "C", 90)
    for_window_2 = t(2, "C", 1, target_window=2)
    assert pick_next([other, for_window_2], 1, ["A"], NOW) is None
    assert pick_next([other, for_window_2], 2, ["A"], NOW) == for_window_2


def test_estimated_wait_uses_capacity_and_history() -> None:
    waiting = [t(i, "A", 100 - i) for i in range(1, 7)]
    windows = {1: ["A"], 2: ["A", "B"], 3: ["B", "A"]}
    est = estimate_wait(waiting[-1], waiting, windows, [3.0, 5.0, 4.0], NOW)
    assert est.ahead == 5
    # windows 1 and 2 hold A first (1 each), window 3 second (0.5); the history's mean is 4 min
    # (not the 8-minute default): 5 * 4 / 2.5 = 8
    assert est.minutes == 8
    assert estimate_wait(waiting[-1], waiting, windows, [], NOW).minutes == 16  # 5 * 8 / 2.5
    assert estimate_wait(waiting[-1], waiting, windows, [], NOW, 6.0).minutes == 12


def test_numbers_and_hall_day() -> None:
    assert format_number("A", 12) == "A012"
    late_utc = datetime(2026, 11, 23, 17, 0, tzinfo=ZoneInfo("UTC"))
    assert hall_day(late_utc).isoformat() == "2026-11-24"


@given(
    st.lists(
        st.tuples(st.sampled_from("ABC"), st.integers(0, 500), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
def test_calling_everyone_calls_each_ticket_once(specs: list[tuple[str, int, bool]]) -> None:
    pool = [t(i, cat, ago, priority=prio) for i, (cat, ago, prio) in enumerate(specs)]
    called: list[int] = []
    while pool:
        nxt = pick_next(pool, 1, ["A", "B", "C"], NOW)
        assert nxt is not None
        called.append(nxt.id)
        pool.remove(nxt)
    assert sorted(called) == list(range(len(specs)))
