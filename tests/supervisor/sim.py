"""A tiny pure model of a hall day for the dashboard's tests and bench: it keeps the facts the hall
service stores (clerk.dashboard.TicketFact / WindowFact / CaseFact) and, for every change, the
live event the service publishes (same types and payload keys as services/hall/queue/service.py
and services/hall/cases/service.py). `snapshot(now)` is what GET /api/v1/dashboard would answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from clerk.dashboard import CaseFact, DashEvent, Snapshot, TicketFact, WindowFact
from clerk.tickets import hall_day

START = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 08:30 in the hall


@dataclass
class SimHall:
    categories: tuple[tuple[str, str], ...] = (
        ("A", "企业服务"),
        ("B", "社会事务"),
        ("C", "不动产"),
    )
    now: datetime = START
    tickets: dict[int, TicketFact] = field(default_factory=dict)
    windows: dict[int, WindowFact] = field(default_factory=dict)
    cases: dict[str, CaseFact] = field(default_factory=dict)
    seq: dict[str, int] = field(default_factory=dict)
    events: list[DashEvent] = field(default_factory=list)
    next_id: int = 1
    next_case: int = 1
    event_id: int = 0
    pending: int = 0
    dead: int = 0
    open_clerks: bool = True

    @classmethod
    def with_windows(cls, count: int, **kwargs: Any) -> SimHall:
        hall = cls(**kwargs)
        prefixes = [p for p, _ in hall.categories]
        for n in range(1, count + 1):
            cats = (prefixes[n % len(prefixes)], prefixes[(n + 1) % len(prefixes)])
            hall.windows[n] = WindowFact(n, f"{n} 号窗", True, cats, clerk=f"clerk{n}")
        return hall

    @property
    def day(self) -> date:
        return hall_day(self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def _publish(self, type_: str, payload: dict[str, Any]) -> DashEvent:
        self.event_id += 1
        event = DashEvent(type_, payload | {"at": self.now.isoformat()}, self.event_id)
        self.events.append(event)
        return event

    def _ticket_event(self, type_: str, t: TicketFact) -> DashEvent:
        return self._publish(
            type_,
            {
                "id": t.id,
                "number": t.number,
                "category": t.category,
                "status": t.status,
                "window_no": t.window_no,
                "target_window": None,
                "priority": False,
                "walk_in": t.walk_in,
                "reactivated": False,
                "recalls": 0,
            },
        )

    # ---- tickets

    def issue(self, category: str) -> TicketFact:
        n = self.seq[category] = self.seq.get(category, 0) + 1
        t = TicketFact(self.next_id, f"{category}{n:03d}", category, "waiting", self.now, self.now)
        self.next_id += 1
        self.tickets[t.id] = t
        self._ticket_event("ticket.issued", t)
        return t

    def walk_in(self, window: int, category: str) -> TicketFact:
        n = self.seq[category] = self.seq.get(category, 0) + 1
        now = self.now
        t = TicketFact(
            self.next_id,
            f"{category}{n:03d}",
            category,
            "serving",
            now,
            now,
            first_called_at=now,
            called_at=now,
            started_at=now,
            window_no=window,
            walk_in=True,
        )
        self.next_id += 1
        self.tickets[t.id] = t
        self._ticket_event("ticket.issued", t)
        self._ticket_event("ticket.serving", t)
        return t

    def holding(self, window: int) -> TicketFact | None:
        return next(
            (
                t
                for t in self.tickets.values()
                if t.status in ("called", "serving") and t.window_no == window
            ),
            None,
        )

    def call(self, window: int, ticket_id: int) -> TicketFact:
        t = self.tickets[ticket_id]
        assert t.status in ("waiting", "transferred", "no_show")
        t = replace(
            t,
            status="called",
            window_no=window,
            called_at=self.now,
            first_called_at=t.first_called_at or self.now,
        )
        self.tickets[t.id] = t
        self._ticket_event("ticket.called", t)
        return t

    def recall(self, ticket_id: int) -> None:
        self._ticket_event("ticket.recalled", self.tickets[ticket_id])

    def start(self, ticket_id: int) -> None:
        t = self.tickets[ticket_id]
        assert t.status == "called"
        t = self.tickets[t.id] = replace(t, status="serving", started_at=self.now)
        self._ticket_event("ticket.serving", t)

    def no_show(self, ticket_id: int) -> None:
        t = self.tickets[ticket_id]
        assert t.status == "called"
        t = self.tickets[t.id] = replace(t, status="no_show")
        self._ticket_event("ticket.no_show", t)

    def reactivate(self, ticket_id: int) -> None:
        t = self.tickets[ticket_id]
        assert t.status == "no_show"
        t = self.tickets[t.id] = replace(t, status="waiting", queue_time=self.now)
        self._ticket_event("ticket.reactivated", t)

    def transfer(self, ticket_id: int, category: str) -> None:
        t = self.tickets[ticket_id]
        assert t.status in ("waiting", "transferred", "called", "serving")
        t = self.tickets[t.id] = replace(t, status="transferred", category=category)
        self._ticket_event("ticket.transferred", t)

    def finish(self, ticket_id: int) -> None:
        t = self.tickets[ticket_id]
        assert t.status in ("called", "serving")
        t = self.tickets[t.id] = replace(
            t, status="done", finished_at=self.now, started_at=t.started_at or t.called_at
        )
        self._ticket_event("ticket.done", t)

    def expire(self, ticket_id: int) -> None:
        t = self.tickets[ticket_id]
        assert t.status in ("waiting", "transferred", "called", "serving", "no_show")
        t = self.tickets[t.id] = replace(t, status="expired", finished_at=self.now)
        self._ticket_event("ticket.expired", t)

    # ---- windows

    def pause(self, window: int, reason: str) -> None:
        self.windows[window] = replace(
            self.windows[window], paused=True, pause_reason=reason, paused_at=self.now
        )
        self._publish("window.paused", {"window_no": window, "reason": reason})

    def resume(self, window: int) -> None:
        self.windows[window] = replace(
            self.windows[window], paused=False, pause_reason=None, paused_at=None
        )
        self._publish("window.resumed", {"window_no": window})

    def set_window(
        self, window: int, *, active: bool | None = None, categories: tuple[str, ...] | None = None
    ) -> None:
        w = self.windows[window]
        w = self.windows[window] = replace(
            w,
            active=w.active if active is None else active,
            categories=w.categories if categories is None else categories,
        )
        self._publish(
            "window.changed",
            {
                "window_no": window,
                "active": w.active,
                "categories": list(w.categories),
                "name": w.name,
            },
        )

    # ---- cases

    def decide(self, decision: str, promised_in_days: int | None = None, window: int = 1) -> str:
        case_no = f"310000{self.day:%Y%m%d}{self.next_case:05d}0"
        self.next_case += 1
        status = "pending_delivery" if decision in ("accepted", "accepted_rongque") else decision
        promised = (
            self.day + timedelta(days=promised_in_days) if promised_in_days is not None else None
        )
        case = CaseFact(case_no, decision, status, self.now, promised, window)
        self.cases[case_no] = case
        self._publish("case.created", self._case_payload(case))
        return case_no

    def case_status(self, case_no: str, status: str) -> None:
        case = self.cases[case_no] = replace(self.cases[case_no], status=status)
        self._publish("case.status", self._case_payload(case) | {"from": "x"})

    def _case_payload(self, case: CaseFact) -> dict[str, Any]:
        return {
            "case_no": case.case_no,
            "visit_id": 1,
            "item_code": "X",
            "status": case.status,
            "decision": case.decision,
            "window_no": case.window_no,
            "ticket_id": None,
            "promised_date": case.promised_date.isoformat() if case.promised_date else None,
        }

    # ---- what the hall would answer

    def snapshot(self, **settings: Any) -> Snapshot:
        day = self.day
        open_statuses = {
            "accepted",
            "accepted_rongque",
            "pending_delivery",
            "delivered",
            "in_review",
            "needs_correction",
            "resubmitted",
        }
        return Snapshot(
            day=day,
            taken_at=self.now,
            last_event_id=self.event_id,
            categories=self.categories,
            windows=tuple(self.windows[n] for n in sorted(self.windows)),
            tickets=tuple(t for t in self.tickets.values() if hall_day(t.issued_at) == day),
            cases=tuple(
                c
                for c in self.cases.values()
                if hall_day(c.decided_at) == day
                or (c.status in open_statuses and c.promised_date is not None)
            ),
            handoff_pending=self.pending,
            handoff_dead=self.dead,
            **settings,
        )
