"""The supervisor's figures for one hall day, from ticket, window and case facts. Pure.

Two ways to the same figures:

- `full(snapshot, now)` recomputes everything from the facts (the baseline, and what the hall
  service answers on GET /api/v1/dashboard);
- `Dashboard.from_snapshot(snapshot)` then `apply(event)` for every live event and
  `figures(now)` whenever the screen redraws: the state is kept in running sums, sorted samples
  and heaps, so one event costs O(log n) and a redraw O(windows + categories).

Both give equal `Figures` for the same facts (tests/supervisor/test_dashboard_props.py checks it
on random days with hypothesis; bench/dashboard.py times both).

Definitions (hall-local day and hours, Asia/Shanghai):

- waiting: tickets in status waiting or transferred, by the category they wait in now; the
  current wait of one is `now - queue_time` (a transfer keeps the place, a reactivation restarts
  it); longest current wait per category and overall;
- wait (today's average and p90): first call - issue, for every ticket called today; walk-ins
  (登记无号, served at once) did not wait and are left out;
- service time: finish - start of every ticket done today (a ticket finished without "start"
  starts when it was called, as the hall records it);
- p90: nearest rank — the value at position ceil(0.9 n) of the sorted samples;
- served per hour: tickets done, by the hour of their finish;
- per window: the clerk signed in there, serving / called / idle / paused (+reason) / closed,
  the current ticket, tickets done there today and their average service time;
- rates (现场办结率, 一次性告知率, 不予受理率): cases decided today with that decision, over all
  cases decided today (one case per item decided);
- cases due: open cases (accepted … resubmitted: the hall still owes the result) whose promised
  date has passed (overdue) or comes within `near_days` calendar days (near) — the hall turns
  its configured working days into calendar days for the snapshot's day, so this stays plain
  date arithmetic;
- hand-off: pending and dead deliveries, as last read (and re-read on `handoff.changed`);
- alerts: a category whose longest wait passes `wait_target_minutes`; an open window paused
  longer than `pause_alert_minutes`.

Durations are kept as integer microseconds so both ways add them up exactly; figures show seconds.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from clerk.clock import to_hall
from clerk.tickets import hall_day

__all__ = [
    "OPEN_CASE_STATUSES",
    "Alert",
    "CaseDue",
    "CaseFact",
    "CategoryFigures",
    "DashEvent",
    "Dashboard",
    "Figures",
    "Snapshot",
    "TicketFact",
    "WindowFact",
    "WindowFigures",
    "figures_from_dict",
    "figures_to_dict",
    "full",
    "p90",
    "snapshot_from_dict",
    "snapshot_to_dict",
]

WAITING = frozenset({"waiting", "transferred"})
ACTIVE = frozenset({"called", "serving"})
OPEN_CASE_STATUSES = frozenset(
    {
        "accepted",
        "accepted_rongque",
        "pending_delivery",
        "delivered",
        "in_review",
        "needs_correction",
        "resubmitted",
    }
)
DECISIONS = ("completed_on_spot", "notice", "refused")
MICRO = timedelta(microseconds=1)
DUE_LIST = 10
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def _us(later: datetime, earlier: datetime) -> int:
    return (later - earlier) // MICRO


def _seconds(us: int | None) -> float | None:
    return None if us is None else us / 1_000_000


def p90(sorted_values: Sequence[int]) -> int | None:
    """Nearest-rank 90th percentile of already sorted values (None for none)."""
    if not sorted_values:
        return None
    return sorted_values[math.ceil(0.9 * len(sorted_values)) - 1]


def _hour(moment: datetime) -> int:
    return to_hall(moment).hour


# --- facts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketFact:
    """One ticket of the day. `window_no`: the window holding it, else the last one that did."""

    id: int
    number: str
    category: str
    status: str
    issued_at: datetime
    queue_time: datetime
    first_called_at: datetime | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    window_no: int | None = None
    walk_in: bool = False


@dataclass(frozen=True)
class WindowFact:
    number: int
    name: str
    active: bool = True
    categories: tuple[str, ...] = ()
    paused: bool = False
    pause_reason: str | None = None
    paused_at: datetime | None = None
    clerk: str | None = None


@dataclass(frozen=True)
class CaseFact:
    case_no: str
    decision: str
    status: str
    decided_at: datetime
    promised_date: date | None = None
    window_no: int | None = None


@dataclass(frozen=True)
class Snapshot:
    """What the hall knows at one moment (GET /api/v1/dashboard → "snapshot")."""

    day: date
    taken_at: datetime
    last_event_id: int = 0
    categories: tuple[tuple[str, str], ...] = ()  # (prefix, name)
    windows: tuple[WindowFact, ...] = ()
    tickets: tuple[TicketFact, ...] = ()
    cases: tuple[CaseFact, ...] = ()
    handoff_pending: int = 0
    handoff_dead: int = 0
    wait_target_minutes: int = 15
    pause_alert_minutes: int = 10
    near_days: int = 2


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFigures:
    prefix: str
    name: str
    waiting: int
    longest_wait_s: int | None


@dataclass(frozen=True)
class WindowFigures:
    number: int
    name: str
    clerk: str | None
    state: str  # serving / called / idle / paused / closed
    pause_reason: str | None
    paused_s: int | None
    current: str | None  # the ticket number it holds
    categories: tuple[str, ...]
    served: int
    avg_service_s: float | None


@dataclass(frozen=True)
class CaseDue:
    case_no: str
    promised_date: date
    days: int  # promised date - today: negative when overdue


@dataclass(frozen=True)
class Alert:
    kind: str  # "wait" (subject: category prefix) / "paused" (subject: window number)
    subject: str
    minutes: int
    detail: str = ""


@dataclass(frozen=True)
class Figures:
    day: date
    now: datetime
    categories: tuple[CategoryFigures, ...]
    waiting_total: int
    longest_wait_s: int | None
    called_total: int
    avg_wait_s: float | None
    p90_wait_s: float | None
    served_total: int
    avg_service_s: float | None
    p90_service_s: float | None
    served_by_hour: tuple[tuple[int, int], ...]
    windows: tuple[WindowFigures, ...]
    decisions: int
    on_spot_rate: float | None
    notice_rate: float | None
    refusal_rate: float | None
    cases_overdue: int
    cases_near: int
    due: tuple[CaseDue, ...]
    handoff_pending: int
    handoff_dead: int
    alerts: tuple[Alert, ...]
    wait_target_minutes: int = 15


def _rate(count: int, total: int) -> float | None:
    return None if total == 0 else count / total


def _window_state(w: WindowFact, current: TicketFact | None) -> str:
    if not w.active:
        return "closed"
    if w.paused:
        return "paused"
    if current is not None:
        return current.status
    return "idle"


def _alerts(
    categories: Iterable[CategoryFigures],
    windows: Iterable[WindowFigures],
    target_minutes: int,
    pause_minutes: int,
) -> tuple[Alert, ...]:
    out: list[Alert] = []
    for c in categories:
        if c.longest_wait_s is not None and c.longest_wait_s > target_minutes * 60:
            out.append(Alert("wait", c.prefix, c.longest_wait_s // 60, c.name))
    for w in windows:
        if w.state == "paused" and w.paused_s is not None and w.paused_s > pause_minutes * 60:
            out.append(Alert("paused", str(w.number), w.paused_s // 60, w.pause_reason or ""))
    return tuple(out)


def _due_list(
    pairs: Iterable[tuple[date, str]], day: date, near_days: int
) -> tuple[int, int, tuple[CaseDue, ...]]:
    overdue = near = 0
    listed: list[CaseDue] = []
    for promised, case_no in sorted(pairs):
        days = (promised - day).days
        if days < 0:
            overdue += 1
        elif days <= near_days:
            near += 1
        else:
            continue
        if len(listed) < DUE_LIST:
            listed.append(CaseDue(case_no, promised, days))
    return overdue, near, tuple(listed)


def full(snapshot: Snapshot, now: datetime | None = None) -> Figures:
    """Every figure recomputed from the facts (the baseline)."""
    now = now or snapshot.taken_at
    day = snapshot.day
    tickets = snapshot.tickets
    known = {prefix for prefix, _ in snapshot.categories}
    waiting_all = [t for t in tickets if t.status in WAITING]
    extra = sorted({t.category for t in waiting_all} - known)
    categories = []
    for prefix, name in [*snapshot.categories, *((p, "") for p in extra)]:
        mine = [t for t in waiting_all if t.category == prefix]
        longest = max((_us(now, t.queue_time) for t in mine), default=None)
        categories.append(
            CategoryFigures(
                prefix, name, len(mine), None if longest is None else longest // 1_000_000
            )
        )
    waits = sorted(
        _us(t.first_called_at, t.issued_at)
        for t in tickets
        if t.first_called_at is not None and not t.walk_in
    )
    done: list[tuple[TicketFact, datetime]] = [
        (t, t.finished_at) for t in tickets if t.status == "done" and t.finished_at is not None
    ]
    services = sorted(_us(end, t.started_at) for t, end in done if t.started_at is not None)
    by_hour = Counter(_hour(end) for _, end in done)
    windows = []
    for w in sorted(snapshot.windows, key=lambda x: x.number):
        current = next((t for t in tickets if t.status in ACTIVE and t.window_no == w.number), None)
        served = [(t, end) for t, end in done if t.window_no == w.number]
        times = [_us(end, t.started_at) for t, end in served if t.started_at is not None]
        state = _window_state(w, current)
        windows.append(
            WindowFigures(
                number=w.number,
                name=w.name,
                clerk=w.clerk,
                state=state,
                pause_reason=w.pause_reason if state == "paused" else None,
                paused_s=_us(now, w.paused_at) // 1_000_000
                if state == "paused" and w.paused_at is not None
                else None,
                current=current.number if current is not None else None,
                categories=w.categories,
                served=len(served),
                avg_service_s=sum(times) / 1_000_000 / len(times) if times else None,
            )
        )
    today_cases = [c for c in snapshot.cases if hall_day(c.decided_at) == day]
    decided = Counter(c.decision for c in today_cases)
    overdue, near, due = _due_list(
        (
            (c.promised_date, c.case_no)
            for c in snapshot.cases
            if c.status in OPEN_CASE_STATUSES and c.promised_date is not None
        ),
        day,
        snapshot.near_days,
    )
    longest_all = max((_us(now, t.queue_time) for t in waiting_all), default=None)
    cats = tuple(categories)
    wins = tuple(windows)
    return Figures(
        day=day,
        now=now,
        categories=cats,
        waiting_total=len(waiting_all),
        longest_wait_s=None if longest_all is None else longest_all // 1_000_000,
        called_total=len(waits),
        avg_wait_s=sum(waits) / len(waits) / 1_000_000 if waits else None,
        p90_wait_s=_seconds(p90(waits)),
        served_total=len(done),
        avg_service_s=sum(services) / len(services) / 1_000_000 if services else None,
        p90_service_s=_seconds(p90(services)),
        served_by_hour=tuple(sorted(by_hour.items())),
        windows=wins,
        decisions=len(today_cases),
        on_spot_rate=_rate(decided["completed_on_spot"], len(today_cases)),
        notice_rate=_rate(decided["notice"], len(today_cases)),
        refusal_rate=_rate(decided["refused"], len(today_cases)),
        cases_overdue=overdue,
        cases_near=near,
        due=due,
        handoff_pending=snapshot.handoff_pending,
        handoff_dead=snapshot.handoff_dead,
        alerts=_alerts(cats, wins, snapshot.wait_target_minutes, snapshot.pause_alert_minutes),
        wait_target_minutes=snapshot.wait_target_minutes,
    )


# --- the incremental dashboard -----------------------------------------------------------------


class EventLike(Protocol):
    @property
    def type(self) -> str: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class DashEvent:
    """A live event as the dashboard reads it (services.client.Event has the same shape)."""

    type: str
    data: Mapping[str, Any]
    id: int = 0


def _at(data: Mapping[str, Any]) -> datetime | None:
    value = data.get("at")
    if isinstance(value, datetime):
        return value
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _opt_int(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class _Win:
    fact: WindowFact
    served: int = 0
    service_us: int = 0
    service_n: int = 0
    current: int | None = None  # ticket id


@dataclass
class Dashboard:
    """Figures kept up to date event by event (see the module docstring)."""

    day: date
    categories: dict[str, str] = field(default_factory=dict)
    wait_target_minutes: int = 15
    pause_alert_minutes: int = 10
    near_days: int = 2
    handoff_pending: int = 0
    handoff_dead: int = 0
    last_event_id: int = 0
    stale: bool = False  # an event of a later day arrived: read a new snapshot
    events_applied: int = 0
    tickets: dict[int, TicketFact] = field(default_factory=dict)
    windows: dict[int, _Win] = field(default_factory=dict)
    cases: dict[str, CaseFact] = field(default_factory=dict)
    _waiting: Counter[str] = field(default_factory=Counter)
    _heaps: dict[str, list[tuple[datetime, int]]] = field(default_factory=dict)
    _waits: list[int] = field(default_factory=list)
    _services: list[int] = field(default_factory=list)
    _wait_sum: int = 0
    _service_sum: int = 0
    _by_hour: Counter[int] = field(default_factory=Counter)
    _served: int = 0
    _decided: Counter[str] = field(default_factory=Counter)
    _decided_total: int = 0
    _due: dict[date, list[str]] = field(default_factory=dict)  # sorted case numbers
    _due_cache: tuple[int, int, tuple[CaseDue, ...]] | None = None

    # ---- building

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Dashboard:
        dash = cls(
            day=snapshot.day,
            categories=dict(snapshot.categories),
            wait_target_minutes=snapshot.wait_target_minutes,
            pause_alert_minutes=snapshot.pause_alert_minutes,
            near_days=snapshot.near_days,
            handoff_pending=snapshot.handoff_pending,
            handoff_dead=snapshot.handoff_dead,
            last_event_id=snapshot.last_event_id,
        )
        for w in snapshot.windows:
            dash.windows[w.number] = _Win(w)
        for t in snapshot.tickets:
            dash._enter(t)
            if t.first_called_at is not None:
                dash._called(t)
            if t.status == "done" and t.finished_at is not None:
                dash._done(t)
        for c in snapshot.cases:
            dash._case_enter(c)
        return dash

    def set_handoff(self, pending: int, dead: int) -> None:
        self.handoff_pending = pending
        self.handoff_dead = dead

    def set_clerks(self, clerks: Mapping[int, str | None]) -> None:
        for number, clerk in clerks.items():
            win = self.windows.get(number)
            if win is not None:
                win.fact = replace(win.fact, clerk=clerk)

    # ---- ticket bookkeeping: every change is leave(old) + enter(new)

    def _enter(self, t: TicketFact) -> None:
        self.tickets[t.id] = t
        if t.status in WAITING:
            self._waiting[t.category] += 1
            heapq.heappush(self._heaps.setdefault(t.category, []), (t.queue_time, t.id))
        elif t.status in ACTIVE and t.window_no is not None:
            win = self._win(t.window_no)
            win.current = t.id

    def _leave(self, t: TicketFact) -> None:
        if t.status in WAITING:
            self._waiting[t.category] -= 1
            if self._waiting[t.category] == 0:
                del self._waiting[t.category]
        elif t.status in ACTIVE and t.window_no is not None:
            win = self.windows.get(t.window_no)
            if win is not None and win.current == t.id:
                win.current = None

    def _win(self, number: int) -> _Win:
        win = self.windows.get(number)
        if win is None:
            win = self.windows[number] = _Win(WindowFact(number, str(number)))
        return win

    def _called(self, t: TicketFact) -> None:
        """The first call of a ticket: a wait sample."""
        if t.first_called_at is not None and not t.walk_in:
            us = _us(t.first_called_at, t.issued_at)
            insort(self._waits, us)
            self._wait_sum += us

    def _done(self, t: TicketFact) -> None:
        assert t.finished_at is not None
        self._served += 1
        self._by_hour[_hour(t.finished_at)] += 1
        win = self._win(t.window_no) if t.window_no is not None else None
        if win is not None:
            win.served += 1
        if t.started_at is not None:
            us = _us(t.finished_at, t.started_at)
            insort(self._services, us)
            self._service_sum += us
            if win is not None:
                win.service_us += us
                win.service_n += 1

    def _replace(self, old: TicketFact, new: TicketFact) -> None:
        self._leave(old)
        self._enter(new)
        if old.first_called_at is None and new.first_called_at is not None:
            self._called(new)
        if old.status != "done" and new.status == "done" and new.finished_at is not None:
            self._done(new)

    # ---- cases

    def _case_open(self, c: CaseFact) -> bool:
        return c.status in OPEN_CASE_STATUSES and c.promised_date is not None

    def _case_enter(self, c: CaseFact) -> None:
        old = self.cases.get(c.case_no)
        if old is not None:
            self._case_leave(old)
        self.cases[c.case_no] = c
        if hall_day(c.decided_at) == self.day:
            self._decided[c.decision] += 1
            self._decided_total += 1
        if self._case_open(c):
            assert c.promised_date is not None
            insort(self._due.setdefault(c.promised_date, []), c.case_no)
            self._due_cache = None

    def _case_leave(self, c: CaseFact) -> None:
        if hall_day(c.decided_at) == self.day:
            self._decided[c.decision] -= 1
            self._decided_total -= 1
        if self._case_open(c):
            assert c.promised_date is not None
            bucket = self._due.get(c.promised_date)
            if bucket is not None:
                at = bisect_left(bucket, c.case_no)
                if at < len(bucket) and bucket[at] == c.case_no:
                    del bucket[at]
                if not bucket:
                    del self._due[c.promised_date]
                self._due_cache = None

    # ---- events

    def apply(self, event: EventLike) -> None:
        """One live event (services/hall/queue/events.py TYPES, plus window.changed)."""
        kind = event.type
        data = event.data
        self.events_applied += 1
        event_id = getattr(event, "id", 0)
        if isinstance(event_id, int) and event_id > self.last_event_id:
            self.last_event_id = event_id
        at = _at(data)
        if at is not None and hall_day(at) != self.day:
            if hall_day(at) > self.day:
                self.stale = True
            return
        if kind.startswith("ticket."):
            if at is not None:
                self._ticket_event(kind, data, at)
        elif kind == "window.paused":
            number = _opt_int(data.get("window_no"))
            if number is not None:
                win = self._win(number)
                win.fact = replace(
                    win.fact,
                    paused=True,
                    pause_reason=str(data.get("reason") or "") or None,
                    paused_at=at,
                )
        elif kind == "window.resumed":
            number = _opt_int(data.get("window_no"))
            if number is not None:
                win = self._win(number)
                win.fact = replace(win.fact, paused=False, pause_reason=None, paused_at=None)
        elif kind == "window.changed":
            number = _opt_int(data.get("window_no"))
            if number is not None:
                win = self._win(number)
                changes: dict[str, Any] = {}
                if "active" in data:
                    changes["active"] = bool(data["active"])
                if "categories" in data:
                    changes["categories"] = tuple(str(c) for c in data["categories"] or ())
                if data.get("name"):
                    changes["name"] = str(data["name"])
                win.fact = replace(win.fact, **changes)
        elif kind in ("case.created", "case.status"):
            self._case_event(kind, data, at)
        elif kind == "handoff.changed":
            self.set_handoff(
                int(data.get("pending", self.handoff_pending)),
                int(data.get("dead", self.handoff_dead)),
            )

    def _ticket_event(self, kind: str, data: Mapping[str, Any], at: datetime) -> None:
        ticket_id = _opt_int(data.get("id"))
        if ticket_id is None:
            return
        old = self.tickets.get(ticket_id)
        status = str(data.get("status") or "")
        window = _opt_int(data.get("window_no"))
        category = str(data.get("category") or (old.category if old else ""))
        if kind == "ticket.issued":
            if old is not None:
                return
            walk_in = bool(data.get("walk_in")) or status in ACTIVE
            new = TicketFact(
                id=ticket_id,
                number=str(data.get("number") or ""),
                category=category,
                status=status or "waiting",
                issued_at=at,
                queue_time=at,
                first_called_at=at if walk_in else None,
                called_at=at if walk_in else None,
                started_at=at if walk_in else None,
                window_no=window,
                walk_in=walk_in,
            )
            self._enter(new)
            return
        if old is None:
            return  # a ticket of another day, or one the snapshot already had finished
        if kind == "ticket.called":
            new = replace(
                old,
                status="called",
                window_no=window,
                called_at=at,
                first_called_at=old.first_called_at or at,
            )
        elif kind == "ticket.serving":
            new = replace(old, status="serving", window_no=window, started_at=at)
        elif kind == "ticket.no_show":
            new = replace(old, status="no_show", window_no=window)
        elif kind == "ticket.reactivated":
            new = replace(old, status="waiting", queue_time=at, window_no=window)
        elif kind == "ticket.transferred":
            new = replace(old, status="transferred", category=category, window_no=window)
        elif kind == "ticket.done":
            new = replace(
                old,
                status="done",
                window_no=window,
                finished_at=at,
                started_at=old.started_at or old.called_at or at,
            )
        elif kind == "ticket.expired":
            new = replace(old, status="expired", window_no=window, finished_at=at)
        else:  # ticket.recalled and anything new: nothing the figures show
            return
        self._replace(old, new)

    def _case_event(self, kind: str, data: Mapping[str, Any], at: datetime | None) -> None:
        case_no = str(data.get("case_no") or "")
        if not case_no:
            return
        old = self.cases.get(case_no)
        promised_raw = data.get("promised_date")
        promised = date.fromisoformat(str(promised_raw)) if promised_raw else None
        status = str(data.get("status") or "")
        if kind == "case.created" and old is None:
            if at is None:
                return
            self._case_enter(
                CaseFact(
                    case_no=case_no,
                    decision=str(data.get("decision") or status),
                    status=status,
                    decided_at=at,
                    promised_date=promised,
                    window_no=_opt_int(data.get("window_no")),
                )
            )
        elif old is not None:
            self._case_enter(replace(old, status=status or old.status, decision=old.decision))
        elif status in OPEN_CASE_STATUSES and promised is not None and at is not None:
            # an open case decided on an earlier day (not in the snapshot): keep it for due dates
            self._case_enter(
                CaseFact(
                    case_no=case_no,
                    decision=str(data.get("decision") or ""),
                    status=status,
                    decided_at=LONG_AGO,
                    promised_date=promised,
                    window_no=_opt_int(data.get("window_no")),
                )
            )

    # ---- reading

    def _longest_us(self, prefix: str, now: datetime) -> int | None:
        heap = self._heaps.get(prefix)
        while heap:
            queue_time, ticket_id = heap[0]
            t = self.tickets.get(ticket_id)
            if (
                t is not None
                and t.status in WAITING
                and t.category == prefix
                and t.queue_time == queue_time
            ):
                return _us(now, queue_time)
            heapq.heappop(heap)
        return None

    def figures(self, now: datetime) -> Figures:
        categories = []
        longest_all: int | None = None
        listed = list(self.categories.items())
        listed += [(p, "") for p in sorted(self._waiting) if p not in self.categories]
        for prefix, name in listed:
            longest = self._longest_us(prefix, now) if self._waiting.get(prefix) else None
            if longest is not None and (longest_all is None or longest > longest_all):
                longest_all = longest
            categories.append(
                CategoryFigures(
                    prefix,
                    name,
                    self._waiting.get(prefix, 0),
                    None if longest is None else longest // 1_000_000,
                )
            )
        windows = []
        for number in sorted(self.windows):
            win = self.windows[number]
            w = win.fact
            current = self.tickets.get(win.current) if win.current is not None else None
            state = _window_state(w, current)
            windows.append(
                WindowFigures(
                    number=number,
                    name=w.name,
                    clerk=w.clerk,
                    state=state,
                    pause_reason=w.pause_reason if state == "paused" else None,
                    paused_s=_us(now, w.paused_at) // 1_000_000
                    if state == "paused" and w.paused_at is not None
                    else None,
                    current=current.number if current is not None else None,
                    categories=w.categories,
                    served=win.served,
                    avg_service_s=win.service_us / 1_000_000 / win.service_n
                    if win.service_n
                    else None,
                )
            )
        total = self._decided_total
        overdue, near, due = self._due_counts()
        cats = tuple(categories)
        wins = tuple(windows)
        waits, services = self._waits, self._services
        return Figures(
            day=self.day,
            now=now,
            categories=cats,
            waiting_total=sum(self._waiting.values()),
            longest_wait_s=None if longest_all is None else longest_all // 1_000_000,
            called_total=len(waits),
            avg_wait_s=self._wait_sum / len(waits) / 1_000_000 if waits else None,
            p90_wait_s=_seconds(p90(waits)),
            served_total=self._served,
            avg_service_s=self._service_sum / len(services) / 1_000_000 if services else None,
            p90_service_s=_seconds(p90(services)),
            served_by_hour=tuple(sorted((h, n) for h, n in self._by_hour.items() if n)),
            windows=wins,
            decisions=total,
            on_spot_rate=_rate(self._decided["completed_on_spot"], total),
            notice_rate=_rate(self._decided["notice"], total),
            refusal_rate=_rate(self._decided["refused"], total),
            cases_overdue=overdue,
            cases_near=near,
            due=due,
            handoff_pending=self.handoff_pending,
            handoff_dead=self.handoff_dead,
            alerts=_alerts(cats, wins, self.wait_target_minutes, self.pause_alert_minutes),
            wait_target_minutes=self.wait_target_minutes,
        )

    def _due_counts(self) -> tuple[int, int, tuple[CaseDue, ...]]:
        """Open cases per promised date: count the overdue and near ones, list the first few
        (kept until a case changes)."""
        if self._due_cache is not None:
            return self._due_cache
        overdue = near = 0
        listed: list[CaseDue] = []
        for promised in sorted(self._due):
            days = (promised - self.day).days
            if days > self.near_days:
                break
            bucket = self._due[promised]
            if days < 0:
                overdue += len(bucket)
            else:
                near += len(bucket)
            for case_no in bucket[: DUE_LIST - len(listed)]:
                listed.append(CaseDue(case_no, promised, days))
        self._due_cache = (overdue, near, tuple(listed))
        return self._due_cache


# --- JSON --------------------------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _dt(value: Any) -> datetime | None:
    return None if not value else datetime.fromisoformat(str(value))


def _d(value: Any) -> date | None:
    return None if not value else date.fromisoformat(str(value))


def snapshot_to_dict(s: Snapshot) -> dict[str, Any]:
    return {
        "day": s.day.isoformat(),
        "taken_at": s.taken_at.isoformat(),
        "last_event_id": s.last_event_id,
        "categories": [list(c) for c in s.categories],
        "windows": [
            {
                "number": w.number,
                "name": w.name,
                "active": w.active,
                "categories": list(w.categories),
                "paused": w.paused,
                "pause_reason": w.pause_reason,
                "paused_at": _iso(w.paused_at),
                "clerk": w.clerk,
            }
            for w in s.windows
        ],
        # tickets as rows: 10,000 of them stay small
        "ticket_columns": list(_TICKET_COLUMNS),
        "tickets": [
            [
                t.id,
                t.number,
                t.category,
                t.status,
                _iso(t.issued_at),
                _iso(t.queue_time),
                _iso(t.first_called_at),
                _iso(t.called_at),
                _iso(t.started_at),
                _iso(t.finished_at),
                t.window_no,
                t.walk_in,
            ]
            for t in s.tickets
        ],
        "cases": [
            {
                "case_no": c.case_no,
                "decision": c.decision,
                "status": c.status,
                "decided_at": _iso(c.decided_at),
                "promised_date": _iso(c.promised_date),
                "window_no": c.window_no,
            }
            for c in s.cases
        ],
        "handoff": {"pending": s.handoff_pending, "dead": s.handoff_dead},
        "settings": {
            "wait_target_minutes": s.wait_target_minutes,
            "pause_alert_minutes": s.pause_alert_minutes,
            "near_days": s.near_days,
        },
    }


_TICKET_COLUMNS = (
    "id",
    "number",
    "category",
    "status",
    "issued_at",
    "queue_time",
    "first_called_at",
    "called_at",
    "started_at",
    "finished_at",
    "window_no",
    "walk_in",
)


def snapshot_from_dict(data: Mapping[str, Any]) -> Snapshot:
    settings = data.get("settings") or {}
    handoff = data.get("handoff") or {}
    tickets = []
    for row in data.get("tickets") or ():
        (
            id_,
            number,
            category,
            status,
            issued,
            queued,
            first,
            called,
            started,
            finished,
            window,
            walk_in,
        ) = row
        tickets.append(
            TicketFact(
                id=int(id_),
                number=str(number),
                category=str(category),
                status=str(status),
                issued_at=datetime.fromisoformat(str(issued)),
                queue_time=datetime.fromisoformat(str(queued)),
                first_called_at=_dt(first),
                called_at=_dt(called),
                started_at=_dt(started),
                finished_at=_dt(finished),
                window_no=_opt_int(window),
                walk_in=bool(walk_in),
            )
        )
    return Snapshot(
        day=date.fromisoformat(str(data["day"])),
        taken_at=datetime.fromisoformat(str(data["taken_at"])),
        last_event_id=int(data.get("last_event_id") or 0),
        categories=tuple((str(p), str(n)) for p, n in data.get("categories") or ()),
        windows=tuple(
            WindowFact(
                number=int(w["number"]),
                name=str(w["name"]),
                active=bool(w.get("active", True)),
                categories=tuple(str(c) for c in w.get("categories") or ()),
                paused=bool(w.get("paused")),
                pause_reason=w.get("pause_reason"),
                paused_at=_dt(w.get("paused_at")),
                clerk=w.get("clerk"),
            )
            for w in data.get("windows") or ()
        ),
        tickets=tuple(tickets),
        cases=tuple(
            CaseFact(
                case_no=str(c["case_no"]),
                decision=str(c["decision"]),
                status=str(c["status"]),
                decided_at=datetime.fromisoformat(str(c["decided_at"])),
                promised_date=_d(c.get("promised_date")),
                window_no=_opt_int(c.get("window_no")),
            )
            for c in data.get("cases") or ()
        ),
        handoff_pending=int(handoff.get("pending", 0)),
        handoff_dead=int(handoff.get("dead", 0)),
        wait_target_minutes=int(settings.get("wait_target_minutes", 15)),
        pause_alert_minutes=int(settings.get("pause_alert_minutes", 10)),
        near_days=int(settings.get("near_days", 2)),
    )


def figures_to_dict(f: Figures) -> dict[str, Any]:
    return {
        "day": f.day.isoformat(),
        "now": f.now.isoformat(),
        "categories": [
            {
                "prefix": c.prefix,
                "name": c.name,
                "waiting": c.waiting,
                "longest_wait_s": c.longest_wait_s,
            }
            for c in f.categories
        ],
        "waiting_total": f.waiting_total,
        "longest_wait_s": f.longest_wait_s,
        "called_total": f.called_total,
        "avg_wait_s": f.avg_wait_s,
        "p90_wait_s": f.p90_wait_s,
        "served_total": f.served_total,
        "avg_service_s": f.avg_service_s,
        "p90_service_s": f.p90_service_s,
        "served_by_hour": [list(p) for p in f.served_by_hour],
        "windows": [
            {
                "number": w.number,
                "name": w.name,
                "clerk": w.clerk,
                "state": w.state,
                "pause_reason": w.pause_reason,
                "paused_s": w.paused_s,
                "current": w.current,
                "categories": list(w.categories),
                "served": w.served,
                "avg_service_s": w.avg_service_s,
            }
            for w in f.windows
        ],
        "decisions": f.decisions,
        "on_spot_rate": f.on_spot_rate,
        "notice_rate": f.notice_rate,
        "refusal_rate": f.refusal_rate,
        "cases_overdue": f.cases_overdue,
        "cases_near": f.cases_near,
        "due": [
            {"case_no": d.case_no, "promised_date": d.promised_date.isoformat(), "days": d.days}
            for d in f.due
        ],
        "handoff_pending": f.handoff_pending,
        "handoff_dead": f.handoff_dead,
        "alerts": [
            {"kind": a.kind, "subject": a.subject, "minutes": a.minutes, "detail": a.detail}
            for a in f.alerts
        ],
        "wait_target_minutes": f.wait_target_minutes,
    }


def figures_from_dict(data: Mapping[str, Any]) -> Figures:
    return Figures(
        day=date.fromisoformat(str(data["day"])),
        now=datetime.fromisoformat(str(data["now"])),
        categories=tuple(
            CategoryFigures(
                str(c["prefix"]), str(c["name"]), int(c["waiting"]), c.get("longest_wait_s")
            )
            for c in data["categories"]
        ),
        waiting_total=int(data["waiting_total"]),
        longest_wait_s=data.get("longest_wait_s"),
        called_total=int(data["called_total"]),
        avg_wait_s=data.get("avg_wait_s"),
        p90_wait_s=data.get("p90_wait_s"),
        served_total=int(data["served_total"]),
        avg_service_s=data.get("avg_service_s"),
        p90_service_s=data.get("p90_service_s"),
        served_by_hour=tuple((int(h), int(n)) for h, n in data["served_by_hour"]),
        windows=tuple(
            WindowFigures(
                number=int(w["number"]),
                name=str(w["name"]),
                clerk=w.get("clerk"),
                state=str(w["state"]),
                pause_reason=w.get("pause_reason"),
                paused_s=w.get("paused_s"),
                current=w.get("current"),
                categories=tuple(w.get("categories") or ()),
                served=int(w["served"]),
                avg_service_s=w.get("avg_service_s"),
            )
            for w in data["windows"]
        ),
        decisions=int(data["decisions"]),
        on_spot_rate=data.get("on_spot_rate"),
        notice_rate=data.get("notice_rate"),
        refusal_rate=data.get("refusal_rate"),
        cases_overdue=int(data["cases_overdue"]),
        cases_near=int(data["cases_near"]),
        due=tuple(
            CaseDue(str(d["case_no"]), date.fromisoformat(str(d["promised_date"])), int(d["days"]))
            for d in data["due"]
        ),
        handoff_pending=int(data["handoff_pending"]),
        handoff_dead=int(data["handoff_dead"]),
        alerts=tuple(
            Alert(str(a["kind"]), str(a["subject"]), int(a["minutes"]), str(a.get("detail", "")))
            for a in data["alerts"]
        ),
        wait_target_minutes=int(data.get("wait_target_minutes", 15)),
    )
