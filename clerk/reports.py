"""Daily reports (日报): figures per category, per window and per clerk over a range of hall days.
Pure: the hall service reads the facts (services/hall/supervisor/facts.py), this module counts.

For every row:

- tickets: category rows and the total — tickets issued (arrivals); window and clerk rows —
  tickets handled there / by them (called at least once);
- served, no-show (still no-show at the end of its day counts as expired), expired;
- wait: first call - issue (walk-ins left out), average / p90 (nearest rank) / longest;
- service time: finish - start of the tickets done, average / p90;
- outcomes: cases decided (one per item) — accepted (incl. 容缺), on the spot (现场办结),
  notice (一次性告知), refused (不予受理);
- second visits: notices that came back (distinct 一次性告知书 a case decided in the period
  answers), those of them accepted (a case answering it accepted or finished on the spot), and
  二次办结率 = accepted / came back (blank when none came back);
- by hour (hall-local): arrivals for categories and the total, tickets done for windows and
  clerks.

A ticket belongs to the category it was served in (a transfer moves it), to the window that
last held it and to the clerk who finished it (else who last called it).
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from clerk import i18n
from clerk.clock import hall_day, to_hall

__all__ = [
    "DailyReport",
    "ReportCase",
    "ReportRow",
    "ReportTicket",
    "build",
    "report_from_dict",
    "report_to_dict",
    "to_csv",
]

ACCEPTED = frozenset({"accepted", "accepted_rongque"})
MICRO = timedelta(microseconds=1)


@dataclass(frozen=True)
class ReportTicket:
    number: str
    day: date
    category: str
    status: str
    issued_at: datetime
    first_called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    window_no: int | None = None
    clerk: str | None = None
    walk_in: bool = False


@dataclass(frozen=True)
class ReportCase:
    case_no: str
    decided_at: datetime
    decision: str
    window_no: int | None = None
    clerk: str | None = None
    category: str | None = None
    follows_notice: str | None = None  # the 一次性告知 this case answers (a second visit)


@dataclass(frozen=True)
class ReportRow:
    key: str
    label: str
    tickets: int
    served: int
    no_show: int
    expired: int
    avg_wait_s: float | None
    p90_wait_s: float | None
    max_wait_s: float | None
    avg_service_s: float | None
    p90_service_s: float | None
    cases: int
    accepted: int
    on_spot: int
    notice: int
    refused: int
    hours: tuple[int, ...]  # 24 counts, hall-local hours 0..23
    returned: int = 0  # 一次性告知书 that came back (second visits)
    returned_accepted: int = 0  # of them, accepted on the second visit

    @property
    def second_rate(self) -> float | None:
        """二次办结率: notices accepted on the second visit / notices that came back."""
        return self.returned_accepted / self.returned if self.returned else None


@dataclass(frozen=True)
class AuditHead:
    """The audit chain's newest row when the report was made (its anchor on paper)."""

    count: int
    hash: str


@dataclass(frozen=True)
class DailyReport:
    first: date
    last: date
    total: ReportRow
    categories: tuple[ReportRow, ...]
    windows: tuple[ReportRow, ...]
    clerks: tuple[ReportRow, ...]
    audit_head: AuditHead | None = None

    @property
    def hour_span(self) -> tuple[int, int]:
        """First and last hour with anything in it (8..17 for an empty report)."""
        rows = (self.total, *self.windows)
        used = [h for h in range(24) if any(r.hours[h] for r in rows)]
        return (min(used), max(used)) if used else (8, 17)


def _p90(values: Sequence[float]) -> float | None:
    if not values:
        return None
    return values[math.ceil(0.9 * len(values)) - 1]


def _hour(moment: datetime) -> int:
    return to_hall(moment).hour


def _row(
    key: str,
    label: str,
    tickets: Sequence[ReportTicket],
    cases: Sequence[ReportCase],
    hour_of: Callable[[ReportTicket], datetime | None],
) -> ReportRow:
    waits = sorted(
        (t.first_called_at - t.issued_at) / MICRO / 1_000_000
        for t in tickets
        if t.first_called_at is not None and not t.walk_in
    )
    done = [t for t in tickets if t.status == "done"]
    services = sorted(
        (t.finished_at - t.started_at) / MICRO / 1_000_000
        for t in done
        if t.finished_at is not None and t.started_at is not None
    )
    hours = [0] * 24
    for t in tickets:
        moment = hour_of(t)
        if moment is not None:
            hours[_hour(moment)] += 1
    return ReportRow(
        key=key,
        label=label,
        tickets=len(tickets),
        served=len(done),
        no_show=sum(1 for t in tickets if t.status == "no_show"),
        expired=sum(1 for t in tickets if t.status == "expired"),
        avg_wait_s=sum(waits) / len(waits) if waits else None,
        p90_wait_s=_p90(waits),
        max_wait_s=waits[-1] if waits else None,
        avg_service_s=sum(services) / len(services) if services else None,
        p90_service_s=_p90(services),
        cases=len(cases),
        accepted=sum(1 for c in cases if c.decision in ACCEPTED),
        on_spot=sum(1 for c in cases if c.decision == "completed_on_spot"),
        notice=sum(1 for c in cases if c.decision == "notice"),
        refused=sum(1 for c in cases if c.decision == "refused"),
        hours=tuple(hours),
        returned=len({c.follows_notice for c in cases if c.follows_notice}),
        returned_accepted=len(
            {
                c.follows_notice
                for c in cases
                if c.follows_notice
                and (c.decision in ACCEPTED or c.decision == "completed_on_spot")
            }
        ),
    )


def _issued(t: ReportTicket) -> datetime | None:
    return t.issued_at


def _finished(t: ReportTicket) -> datetime | None:
    return t.finished_at if t.status == "done" else None


def build(
    tickets: Iterable[ReportTicket],
    cases: Iterable[ReportCase],
    *,
    first: date,
    last: date | None = None,
    category_names: Mapping[str, str] | None = None,
    window_names: Mapping[int, str] | None = None,
    clerk_names: Mapping[str, str] | None = None,
    audit_head: AuditHead | None = None,
) -> DailyReport:
    """The report of the hall days first..last (the facts may hold more; they are filtered)."""
    last = last or first
    if last < first:
        first, last = last, first
    ts = [t for t in tickets if first <= t.day <= last]
    cs = [c for c in cases if first <= hall_day(c.decided_at) <= last]
    cat_names = dict(category_names or {})
    win_names = dict(window_names or {})
    who = dict(clerk_names or {})

    by_cat: dict[str, list[ReportTicket]] = defaultdict(list)
    by_win: dict[int, list[ReportTicket]] = defaultdict(list)
    by_clerk: dict[str, list[ReportTicket]] = defaultdict(list)
    for t in ts:
        by_cat[t.category].append(t)
        if t.first_called_at is not None and t.window_no is not None:
            by_win[t.window_no].append(t)
        if t.first_called_at is not None and t.clerk:
            by_clerk[t.clerk].append(t)
    cases_cat: dict[str, list[ReportCase]] = defaultdict(list)
    cases_win: dict[int, list[ReportCase]] = defaultdict(list)
    cases_clerk: dict[str, list[ReportCase]] = defaultdict(list)
    for c in cs:
        if c.category:
            cases_cat[c.category].append(c)
        if c.window_no is not None:
            cases_win[c.window_no].append(c)
        if c.clerk:
            cases_clerk[c.clerk].append(c)

    categories = tuple(
        _row(p, cat_names.get(p, ""), by_cat.get(p, []), cases_cat.get(p, []), _issued)
        for p in sorted(set(by_cat) | set(cases_cat) | set(cat_names))
    )
    windows = tuple(
        _row(str(n), win_names.get(n, ""), by_win.get(n, []), cases_win.get(n, []), _finished)
        for n in sorted(set(by_win) | set(cases_win))
    )
    clerks = tuple(
        _row(u, who.get(u, u), by_clerk.get(u, []), cases_clerk.get(u, []), _finished)
        for u in sorted(set(by_clerk) | set(cases_clerk))
    )
    total = _row("*", "", ts, cs, _issued)
    return DailyReport(first, last, total, categories, windows, clerks, audit_head)


# --- output ------------------------------------------------------------------------------------


def _minutes(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 60:.1f}"


COLUMNS = (
    "tickets",
    "served",
    "no_show",
    "expired",
    "avg_wait",
    "p90_wait",
    "max_wait",
    "avg_service",
    "p90_service",
    "cases",
    "accepted",
    "on_spot",
    "notice",
    "refused",
    "returned",
    "returned_accepted",
    "second_rate",
)


def row_values(row: ReportRow) -> list[str]:
    """The row's figures as text, in COLUMNS order (times in minutes, one decimal)."""
    return [
        str(row.tickets),
        str(row.served),
        str(row.no_show),
        str(row.expired),
        _minutes(row.avg_wait_s),
        _minutes(row.p90_wait_s),
        _minutes(row.max_wait_s),
        _minutes(row.avg_service_s),
        _minutes(row.p90_service_s),
        str(row.cases),
        str(row.accepted),
        str(row.on_spot),
        str(row.notice),
        str(row.refused),
        str(row.returned),
        str(row.returned_accepted),
        "" if row.second_rate is None else f"{row.second_rate:.0%}",
    ]


def row_names(row: ReportRow) -> tuple[str, str]:
    """(key, label) as shown: the total row is named in the current language."""
    if row.key == "*":
        return "", i18n.t("supervisor.report.total")
    return row.key, row.label


def period_text(report: DailyReport) -> str:
    if report.first == report.last:
        return report.first.isoformat()
    return f"{report.first.isoformat()} – {report.last.isoformat()}"


def to_csv(report: DailyReport) -> str:
    """One CSV (UTF-8, opens in spreadsheet programs with a BOM added by the writer of the file):
    a section per grouping, each with the figures and then the counts per hour."""
    t = i18n.t
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([t("supervisor.report.title"), period_text(report)])
    first_hour, last_hour = report.hour_span
    hours = list(range(first_hour, last_hour + 1))
    sections = (
        ("total", (report.total,), "arrivals"),
        ("category", report.categories, "arrivals"),
        ("window", report.windows, "served"),
        ("clerk", report.clerks, "served"),
    )
    for name, rows, hour_kind in sections:
        w.writerow([])
        w.writerow([t(f"supervisor.report.by_{name}")])
        w.writerow(
            [
                t("supervisor.report.col.key"),
                t("supervisor.report.col.label"),
                *(t(f"supervisor.report.col.{c}") for c in COLUMNS),
                *(t(f"supervisor.report.hour_{hour_kind}", hour=h) for h in hours),
            ]
        )
        for row in rows:
            w.writerow([*row_names(row), *row_values(row), *(row.hours[h] for h in hours)])
    if report.audit_head is not None:
        w.writerow([])
        w.writerow([t("supervisor.report.audit_head", count=report.audit_head.count)])
        w.writerow([report.audit_head.count, report.audit_head.hash])
    return out.getvalue()


def _row_to_dict(row: ReportRow) -> dict[str, Any]:
    return {
        "key": row.key,
        "label": row.label,
        "tickets": row.tickets,
        "served": row.served,
        "no_show": row.no_show,
        "expired": row.expired,
        "avg_wait_s": row.avg_wait_s,
        "p90_wait_s": row.p90_wait_s,
        "max_wait_s": row.max_wait_s,
        "avg_service_s": row.avg_service_s,
        "p90_service_s": row.p90_service_s,
        "cases": row.cases,
        "accepted": row.accepted,
        "on_spot": row.on_spot,
        "notice": row.notice,
        "refused": row.refused,
        "hours": list(row.hours),
        "returned": row.returned,
        "returned_accepted": row.returned_accepted,
        "second_rate": row.second_rate,
    }


def _row_from_dict(data: Mapping[str, Any]) -> ReportRow:
    return ReportRow(
        key=str(data["key"]),
        label=str(data["label"]),
        tickets=int(data["tickets"]),
        served=int(data["served"]),
        no_show=int(data["no_show"]),
        expired=int(data["expired"]),
        avg_wait_s=data.get("avg_wait_s"),
        p90_wait_s=data.get("p90_wait_s"),
        max_wait_s=data.get("max_wait_s"),
        avg_service_s=data.get("avg_service_s"),
        p90_service_s=data.get("p90_service_s"),
        cases=int(data["cases"]),
        accepted=int(data["accepted"]),
        on_spot=int(data["on_spot"]),
        notice=int(data["notice"]),
        refused=int(data["refused"]),
        hours=tuple(int(h) for h in data["hours"]),
        returned=int(data.get("returned") or 0),
        returned_accepted=int(data.get("returned_accepted") or 0),
    )


def report_to_dict(report: DailyReport) -> dict[str, Any]:
    return {
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
        "total": _row_to_dict(report.total),
        "categories": [_row_to_dict(r) for r in report.categories],
        "windows": [_row_to_dict(r) for r in report.windows],
        "clerks": [_row_to_dict(r) for r in report.clerks],
        "audit_head": (
            {"count": report.audit_head.count, "hash": report.audit_head.hash}
            if report.audit_head
            else None
        ),
    }


def report_from_dict(data: Mapping[str, Any]) -> DailyReport:
    return DailyReport(
        first=date.fromisoformat(str(data["first"])),
        last=date.fromisoformat(str(data["last"])),
        total=_row_from_dict(data["total"]),
        categories=tuple(_row_from_dict(r) for r in data["categories"]),
        windows=tuple(_row_from_dict(r) for r in data["windows"]),
        clerks=tuple(_row_from_dict(r) for r in data["clerks"]),
        audit_head=(
            AuditHead(int(head["count"]), str(head["hash"]))
            if isinstance(head := data.get("audit_head"), Mapping)
            else None
        ),
    )
