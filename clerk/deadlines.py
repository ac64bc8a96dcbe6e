"""Deadline flags of a case: how close it is to (or how far past) its promised date.

Pure: the caller passes the promised date, the hall day and the hall's working-day calendar
(clerk.workdays). Counting is in working days, like the promise itself:

    working days left = working days d with  today < d <= promised
    overdue           = today > promised (working days over: promised < d <= today)

A case is *near* its deadline when at most `near_workdays` working days are left (the promised
day itself included: on the promised day 0 are left). Only open cases have a deadline: once the
back office has decided (results ready, handed over, mailed) or the case never went to the back
office, the state is NONE.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from clerk import i18n
from clerk.workdays import WorkCalendar

__all__ = ["OPEN_STATUSES", "Deadline", "DeadlineState", "deadline", "workdays_between"]

# Statuses in which the hall still waits for the back office's decision.
OPEN_STATUSES = frozenset(
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

MAX_SPAN_DAYS = 3660  # never count beyond ten years (a typo in a date)


class DeadlineState(StrEnum):
    NONE = "none"  # no promise, or the case is no longer waiting for a decision
    OK = "ok"
    NEAR = "near"  # 临期
    OVERDUE = "overdue"  # 超期

    def label(self, lang: str | None = None) -> str:
        return i18n.t(f"caseview.deadline.{self.value}", lang=lang)


@dataclass(frozen=True)
class Deadline:
    state: DeadlineState
    promised: dt.date | None = None
    workdays_left: int | None = None  # >= 0 unless overdue
    workdays_over: int | None = None  # > 0 when overdue

    @property
    def flagged(self) -> bool:
        return self.state in (DeadlineState.NEAR, DeadlineState.OVERDUE)

    def text(self, lang: str | None = None) -> str:
        """临期（剩 1 个工作日） / 超期 2 个工作日 / ''."""
        if self.state is DeadlineState.NEAR:
            return i18n.t("caseview.deadline.near_text", lang=lang, days=self.workdays_left)
        if self.state is DeadlineState.OVERDUE:
            return i18n.t("caseview.deadline.overdue_text", lang=lang, days=self.workdays_over)
        if self.state is DeadlineState.OK:
            return i18n.t("caseview.deadline.ok_text", lang=lang, days=self.workdays_left)
        return ""

    def as_dict(self) -> dict[str, object]:
        return {
            "state": self.state.value,
            "promised": self.promised.isoformat() if self.promised else None,
            "workdays_left": self.workdays_left,
            "workdays_over": self.workdays_over,
        }


def workdays_between(start: dt.date, end: dt.date, calendar: WorkCalendar) -> int:
    """Working days d with start < d <= end (0 when end <= start)."""
    count = 0
    day = start
    limit = start + dt.timedelta(days=MAX_SPAN_DAYS)
    while day < end and day < limit:
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            count += 1
    return count


def deadline(
    promised: dt.date | None,
    today: dt.date,
    calendar: WorkCalendar,
    *,
    status: str,
    near_workdays: int = 1,
) -> Deadline:
    """The deadline state of a case in `status` promised for `promised`, seen on `today`."""
    if promised is None or status not in OPEN_STATUSES:
        return Deadline(DeadlineState.NONE, promised)
    if today > promised:
        over = max(1, workdays_between(promised, today, calendar))
        return Deadline(DeadlineState.OVERDUE, promised, workdays_over=over)
    left = workdays_between(today, promised, calendar)
    state = DeadlineState.NEAR if left <= max(0, near_workdays) else DeadlineState.OK
    return Deadline(state, promised, workdays_left=left)
