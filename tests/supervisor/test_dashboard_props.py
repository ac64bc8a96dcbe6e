"""Incremental == full: on random days, the dashboard that follows the events shows exactly the
figures a full recomputation of the same facts gives — at every step, from any starting snapshot."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerk.dashboard import Dashboard, full
from tests.supervisor.sim import SimHall

CATS = ("A", "B", "C")
STEP = st.tuples(
    st.sampled_from(
        (
            "issue",
            "issue",
            "issue",
            "call",
            "call",
            "start",
            "finish",
            "finish",
            "no_show",
            "reactivate",
            "transfer",
            "expire",
            "walk_in",
            "recall",
            "pause",
            "resume",
            "window",
            "decide",
            "case_status",
        )
    ),
    st.integers(0, 10_000),
    st.integers(0, 300),
)


def _do(hall: SimHall, op: str, pick: int, seconds: int) -> None:
    hall.advance(seconds)
    windows = sorted(hall.windows)
    window = windows[pick % len(windows)]
    tickets = list(hall.tickets.values())

    def some(*statuses: str) -> int | None:
        found = [t.id for t in tickets if t.status in statuses]
        return found[pick % len(found)] if found else None

    if op == "issue":
        hall.issue(CATS[pick % 3])
    elif op == "walk_in":
        if hall.holding(window) is None:
            hall.walk_in(window, CATS[pick % 3])
    elif op == "call":
        target = some("waiting", "transferred", "no_show")
        if target is not None and hall.holding(window) is None:
            hall.call(window, target)
    elif op in ("start", "no_show", "recall"):
        target = some("called")
        if target is not None:
            getattr(hall, op)(target)
    elif op == "finish":
        target = some("called", "serving")
        if target is not None:
            hall.finish(target)
    elif op == "reactivate":
        target = some("no_show")
        if target is not None:
            hall.reactivate(target)
    elif op == "transfer":
        target = some("waiting", "transferred", "called", "serving")
        if target is not None:
            hall.transfer(target, CATS[(pick // 3) % 3])
    elif op == "expire":
        target = some("waiting", "transferred", "no_show")
        if target is not None:
            hall.expire(target)
    elif op == "pause":
        hall.pause(window, f"原因{pick % 4}")
    elif op == "resume":
        hall.resume(window)
    elif op == "window":
        hall.set_window(
            window, active=bool(pick % 3), categories=(CATS[pick % 3], CATS[(pick + 1) % 3])
        )
    elif op == "decide":
        decision = (
            "completed_on_spot",
            "notice",
            "refused",
            "accepted",
            "accepted_rongque",
        )[pick % 5]
        hall.decide(decision, promised_in_days=(pick % 9) - 4, window=window)
    elif op == "case_status":
        open_cases = [c for c, f in hall.cases.items() if f.status == "pending_delivery"]
        if open_cases:
            hall.case_status(
                open_cases[pick % len(open_cases)], ("delivered", "in_review")[pick % 2]
            )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.lists(STEP, max_size=25),
    after=st.lists(STEP, min_size=1, max_size=60),
    windows=st.integers(1, 4),
)
def test_incremental_equals_full_on_random_days(
    before: list[tuple[str, int, int]], after: list[tuple[str, int, int]], windows: int
) -> None:
    hall = SimHall.with_windows(windows)
    for step in before:
        _do(hall, *step)
    dash = Dashboard.from_snapshot(hall.snapshot())
    assert dash.figures(hall.now) == full(hall.snapshot(), hall.now)
    seen = len(hall.events)
    for step in after:
        _do(hall, *step)
        for event in hall.events[seen:]:
            dash.apply(event)
        seen = len(hall.events)
        assert dash.figures(hall.now) == full(hall.snapshot(), hall.now)
