"""clerk.dashboard against a small day computed by hand (the numbers in the comments)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clerk.dashboard import (
    Alert,
    CaseDue,
    CaseFact,
    Dashboard,
    Figures,
    figures_from_dict,
    figures_to_dict,
    full,
    p90,
    snapshot_from_dict,
    snapshot_to_dict,
)
from tests.supervisor.sim import START, SimHall

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the hall's default zone

OLD_CASE = CaseFact(
    "31000020261110000010",
    "accepted",
    "in_review",
    datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI),
    date(2026, 11, 22),  # yesterday: overdue by one day
    3,
)


def small_day() -> tuple[SimHall, Dashboard]:
    """08:30 – 09:40 in the hall, two windows; the dashboard follows from an empty morning."""
    hall = SimHall.with_windows(2)
    hall.windows[1] = replace(hall.windows[1], categories=("A", "B"))
    hall.windows[2] = replace(hall.windows[2], categories=("B", "A"))
    hall.cases[OLD_CASE.case_no] = OLD_CASE
    dash = Dashboard.from_snapshot(hall.snapshot())
    seen = len(hall.events)

    def at(hh: int, mm: int) -> None:
        hall.now = START + timedelta(hours=hh - 8, minutes=mm - 30)

    at(8, 30)
    a1 = hall.issue("A")
    at(8, 32)
    a2 = hall.issue("A")
    at(8, 35)
    b1 = hall.issue("B")
    at(8, 40)
    hall.call(1, a1.id)  # wait 10 min
    at(8, 41)
    hall.start(a1.id)
    at(8, 50)
    hall.finish(a1.id)  # service 9 min, 08:xx
    hall.call(2, b1.id)  # wait 15 min
    at(8, 52)
    hall.no_show(b1.id)
    at(8, 55)
    hall.call(1, a2.id)  # wait 23 min
    at(9, 5)
    hall.finish(a2.id)  # never started: service from the call, 10 min, 09:xx
    at(9, 6)
    c1 = hall.walk_in(2, "C")  # no wait
    at(9, 10)
    hall.finish(c1.id)  # service 4 min, 09:xx
    hall.issue("A")  # A003 waits from 09:10
    at(9, 12)
    hall.pause(2, "午休")
    for decision in ("completed_on_spot", "completed_on_spot", "notice", "refused"):
        hall.decide(decision, window=1)
    hall.decide("accepted", promised_in_days=5)  # not near
    hall.decide("accepted", promised_in_days=1)  # near (tomorrow)
    at(9, 40)
    for event in hall.events[seen:]:
        dash.apply(event)
    return hall, dash


def check(f: Figures) -> None:
    assert f.waiting_total == 1
    by = {c.prefix: c for c in f.categories}
    assert (by["A"].waiting, by["A"].longest_wait_s) == (1, 30 * 60)
    assert (by["B"].waiting, by["B"].longest_wait_s) == (0, None)
    assert f.longest_wait_s == 30 * 60
    # waits 600, 900, 1380 s: average 960, p90 (3rd of 3) 1380
    assert f.called_total == 3
    assert f.avg_wait_s == pytest.approx(960.0)
    assert f.p90_wait_s == 1380.0
    # services 540, 600, 240 s: average 460, p90 600
    assert f.served_total == 3
    assert f.avg_service_s == pytest.approx(460.0)
    assert f.p90_service_s == 600.0
    assert f.served_by_hour == ((8, 1), (9, 2))
    w1, w2 = f.windows
    assert (w1.state, w1.served, w1.avg_service_s, w1.current) == ("idle", 2, 570.0, None)
    assert (w2.state, w2.pause_reason, w2.paused_s) == ("paused", "午休", 28 * 60)
    assert (w2.served, w2.avg_service_s, w2.clerk) == (1, 240.0, "clerk2")
    # six decisions today: 2 on the spot, 1 notice, 1 refusal
    assert f.decisions == 6
    assert f.on_spot_rate == pytest.approx(2 / 6)
    assert f.notice_rate == pytest.approx(1 / 6)
    assert f.refusal_rate == pytest.approx(1 / 6)
    assert (f.cases_overdue, f.cases_near) == (1, 1)
    assert f.due[0] == CaseDue(OLD_CASE.case_no, date(2026, 11, 22), -1)
    assert f.due[1].days == 1
    assert f.alerts == (Alert("wait", "A", 30, "企业服务"), Alert("paused", "2", 28, "午休"))


def test_full_recomputation_matches_the_hand_computed_day() -> None:
    hall, _ = small_day()
    check(full(hall.snapshot(), hall.now))


def test_incremental_dashboard_matches_the_hand_computed_day() -> None:
    hall, dash = small_day()
    check(dash.figures(hall.now))
    assert dash.figures(hall.now) == full(hall.snapshot(), hall.now)


def test_a_window_called_shows_its_ticket_and_serving_after_start() -> None:
    hall = SimHall.with_windows(1)
    dash = Dashboard.from_snapshot(hall.snapshot())
    t = hall.issue("B")
    hall.advance(60)
    hall.call(1, t.id)
    for e in hall.events:
        dash.apply(e)
    w = dash.figures(hall.now).windows[0]
    assert (w.state, w.current) == ("called", "B001")
    hall.start(t.id)
    dash.apply(hall.events[-1])
    assert dash.figures(hall.now).windows[0].state == "serving"


def test_closing_a_window_and_changing_its_categories() -> None:
    hall = SimHall.with_windows(2)
    dash = Dashboard.from_snapshot(hall.snapshot())
    hall.set_window(2, active=False, categories=("C",))
    dash.apply(hall.events[-1])
    w2 = dash.figures(hall.now).windows[1]
    assert (w2.state, w2.categories) == ("closed", ("C",))
    assert dash.figures(hall.now) == full(hall.snapshot(), hall.now)


def test_p90_is_nearest_rank() -> None:
    assert p90([]) is None
    assert p90([5]) == 5
    assert p90(list(range(1, 11))) == 9
    assert p90(list(range(1, 12))) == 10  # ceil(9.9) = 10th


def test_events_of_the_next_day_mark_the_dashboard_stale() -> None:
    hall = SimHall.with_windows(1)
    dash = Dashboard.from_snapshot(hall.snapshot())
    hall.advance(24 * 3600)
    hall.issue("A")
    dash.apply(hall.events[-1])
    assert dash.stale
    assert dash.figures(hall.now).waiting_total == 0


def test_json_round_trips() -> None:
    hall, _ = small_day()
    snap = hall.snapshot()
    assert snapshot_from_dict(snapshot_to_dict(snap)) == snap
    figures = full(snap, hall.now)
    assert figures_from_dict(figures_to_dict(figures)) == figures
