"""The supervisor's thresholds, as the dashboard counts with them.

They are part of clerk.config.Settings (`[supervisor]` in the config file, `CLERK_SUPERVISOR__*`
in the environment, shown by `clerk config show`):

    [supervisor]
    pause_alert_minutes = 10   # alert when an open window stays paused longer
    near_days = 2              # open cases with at most this many working days left are "near"

"Near" is counted in working days with the hall's calendar, like the cases room's
`[cases] near_deadline_workdays`. clerk.dashboard compares calendar days (it has no calendar and
runs in the workstation too), so the hall turns the working days into the calendar days they
span from the snapshot's day; a snapshot is good for one hall day only (a later day's event
makes the client read a new one), so the translation never goes out of date.
The hall's wait target is the core setting `wait_target_minutes`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clerk.config import Settings
from clerk.workdays import WorkCalendar, add_working_days, default_calendar


def near_calendar_days(day: date, workdays: int, calendar: WorkCalendar) -> int:
    """The most calendar days after `day` a promised date may lie and still have at most
    `workdays` working days left (clerk.deadlines.workdays_between: days d, day < d <= promised).

    That is the day before the (workdays + 1)-th working day after `day`."""
    beyond = add_working_days(day, max(0, workdays) + 1, calendar).date
    return (beyond - day).days - 1


@dataclass(frozen=True)
class Thresholds:
    wait_target_minutes: int
    pause_alert_minutes: int
    near_days: int
    """calendar days, for `day` (see near_calendar_days)"""


def thresholds(settings: Settings, day: date, calendar: WorkCalendar | None = None) -> Thresholds:
    calendar = calendar or default_calendar(settings.hall.holiday_file)
    return Thresholds(
        wait_target_minutes=settings.wait_target_minutes,
        pause_alert_minutes=settings.supervisor.pause_alert_minutes,
        near_days=near_calendar_days(day, settings.supervisor.near_days, calendar),
    )
