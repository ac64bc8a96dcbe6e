"""Working days and promised dates (承诺办结日期).

Where a day's status comes from, in order:

1. ``chinesecalendar`` — the State Council arrangements it knows (2004–2026 in 1.11.0), with 调休
   (weekend days that are working days). A newer chinesecalendar that knows more years takes over
   those years automatically.
2. The hall holiday file (format in the header of ``clerk/data/holidays/hall-holidays.toml``) — a TOML file with holidays and
   adjusted working days per year; each year says whether it is ``official`` (copied from the
   published 国务院办公厅 notice) or ``estimated``. The file shipped with clerk holds an *estimated*
   2027 that halls replace when the notice is out.
3. Monday–Friday.

Any day counted from 2 with ``status = "estimated"`` or from 3 makes the result an *estimate*:
``WorkdayResult.estimated`` is True and ``notes`` say which year and why, for the screen and the
receipt ("含估算：2027 年节假日安排未发布，按周一至周五计算"). Nothing here raises for an
uncovered year.

Counting rule (受理次日起算): a limit of N 工作日 ends on the N-th working day *after* the day of
acceptance — the acceptance day itself is never counted, whether or not it is a working day (a
case accepted on a Saturday 延时服务 counts from Monday). A limit of N 自然日 ends N calendar days
after the acceptance day; when that day is not a working day, the deadline moves to the next
working day (期间届满的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日 —
《民法典》第二百零三条). A limit of 0 (即办件) is the acceptance day itself.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from clerk import i18n

__all__ = [
    "DEFAULT_HOLIDAY_FILE",
    "DayInfo",
    "EstimateNote",
    "HolidayFile",
    "HolidayFileError",
    "LimitUnit",
    "Source",
    "TimeLimit",
    "WorkCalendar",
    "WorkdayResult",
    "add_working_days",
    "coverage_gaps",
    "days_promise_passes_law",
    "default_calendar",
    "promised_date",
    "promised_within_legal",
]


class Source(StrEnum):
    OFFICIAL = "official"  # chinesecalendar
    HALL_FILE = "hall_file"  # hall file, year marked official
    HALL_ESTIMATE = "hall_estimate"  # hall file, year marked estimated
    WEEKDAYS = "weekdays"  # Monday–Friday fallback

    @property
    def estimated(self) -> bool:
        return self in (Source.HALL_ESTIMATE, Source.WEEKDAYS)


class LimitUnit(StrEnum):
    WORKING = "工作日"
    NATURAL = "自然日"

    @classmethod
    def parse(cls, value: str | LimitUnit) -> LimitUnit:
        if isinstance(value, LimitUnit):
            return value
        text = value.strip().lower()
        if text in ("工作日", "working", "working_days", "workday", "workdays", "wd"):
            return cls.WORKING
        if text in ("自然日", "日", "天", "natural", "calendar", "calendar_days", "days", "d"):
            return cls.NATURAL
        raise ValueError(f"unknown time-limit unit {value!r}")

    def label(self, lang: str | None = None) -> str:
        return i18n.t(
            "workdays.unit.working" if self is LimitUnit.WORKING else "workdays.unit.natural",
            lang=lang,
        )


@dataclass(frozen=True)
class TimeLimit:
    value: int
    unit: LimitUnit = LimitUnit.WORKING

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("a time limit cannot be negative")
        object.__setattr__(self, "unit", LimitUnit.parse(self.unit))

    def label(self, lang: str | None = None) -> str:
        return f"{self.value} {self.unit.label(lang)}"


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    workday: bool
    source: Source
    name: str | None = None


@dataclass(frozen=True)
class EstimateNote:
    year: int
    source: Source
    detail: str = ""  # the hall file's `source` text for estimated years

    @property
    def message_key(self) -> str:
        return f"workdays.estimate.{self.source.value}"

    def message(self, lang: str | None = None) -> str:
        return i18n.t(self.message_key, lang=lang, year=self.year)


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    estimated: bool = False
    notes: tuple[EstimateNote, ...] = ()
    limit: TimeLimit | None = None

    def note(self, lang: str | None = None) -> str | None:
        """One line for the screen/receipt, or None when every day came from an official source."""
        if not self.notes:
            return None
        return i18n.t("workdays.estimate.separator", lang=lang).join(
            n.message(lang) for n in self.notes
        )


class HolidayFileError(ValueError):
    """The hall holiday file cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class HallYear:
    year: int
    status: str  # "official" | "estimated"
    source: str
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: dict[dt.date, str] = field(default_factory=dict)


def _as_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise HolidayFileError(f"{where}: {value!r} is not a date (write 2027-01-01)")


def _dates(entry: dict[str, Any], where: str) -> list[dt.date]:
    if "date" in entry:
        return [_as_date(entry["date"], where)]
    if "dates" in entry:
        return [_as_date(v, where) for v in entry["dates"]]
    if "from" in entry:
        start = _as_date(entry["from"], where)
        end = _as_date(entry.get("to", entry["from"]), where)
        if end < start:
            raise HolidayFileError(f"{where}: 'to' is before 'from'")
        return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    raise HolidayFileError(f"{where}: needs date, dates or from/to")


@dataclass(frozen=True)
class HolidayFile:
    """Years parsed from a hall holiday file (format: clerk/data/holidays/hall-holidays.toml)."""

    path: str
    years: dict[int, HallYear]

    @classmethod
    def parse(cls, text: str, path: str = "<string>") -> HolidayFile:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise HolidayFileError(f"{path}: {exc}") from exc
        years: dict[int, HallYear] = {}
        for key, table in data.items():
            if not key.isdigit():
                continue  # `format`, comments-as-keys and other metadata
            year = int(key)
            where = f"{path} [{key}]"
            if not isinstance(table, dict):
                raise HolidayFileError(f"{where}: must be a table")
            status = str(table.get("status", "")).strip()
            if status not in ("official", "estimated"):
                raise HolidayFileError(f'{where}: status must be "official" or "estimated"')
            hall = HallYear(year=year, status=status, source=str(table.get("source", "")))
            for kind, target in (("holiday", hall.holidays), ("workday", hall.workdays)):
                for n, entry in enumerate(table.get(kind, [])):
                    name = str(entry.get("name", ""))
                    for day in _dates(entry, f"{where} {kind} #{n + 1}"):
                        if day.year != year:
                            raise HolidayFileError(f"{where}: {day} is not in {year}")
                        target[day] = name
            both = set(hall.holidays) & set(hall.workdays)
            if both:
                raise HolidayFileError(f"{where}: {min(both)} is both a holiday and a workday")
            years[year] = hall
        return cls(path=path, years=years)

    @classmethod
    def load(cls, path: str | Path) -> HolidayFile:
        path = Path(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise HolidayFileError(f"{path}: {exc.strerror or exc}") from exc
        return cls.parse(text, str(path))


def _shipped_file() -> HolidayFile:
    ref = resources.files("clerk.data.holidays").joinpath("hall-holidays.toml")
    return HolidayFile.parse(ref.read_text("utf-8"), DEFAULT_HOLIDAY_FILE)


DEFAULT_HOLIDAY_FILE = "clerk/data/holidays/hall-holidays.toml"


class WorkCalendar:
    """Answers "is this a working day, and how sure are we?"."""

    def __init__(self, hall_file: HolidayFile | None = None, *, use_chinesecalendar: bool = True):
        self.hall_file = hall_file
        self.use_chinesecalendar = use_chinesecalendar
        self._cache: dict[dt.date, DayInfo] = {}

    def day(self, date: dt.date) -> DayInfo:
        cached = self._cache.get(date)
        if cached is None:
            cached = self._cache[date] = self._lookup(date)
        return cached

    def is_workday(self, date: dt.date) -> bool:
        return self.day(date).workday

    def _lookup(self, date: dt.date) -> DayInfo:
        if self.use_chinesecalendar:
            import chinese_calendar

            try:
                _on_holiday, name = chinese_calendar.get_holiday_detail(date)
                workday = chinese_calendar.is_workday(date)
            except NotImplementedError:
                pass
            else:
                return DayInfo(date, bool(workday), Source.OFFICIAL, name)
        if self.hall_file is not None:
            year = self.hall_file.years.get(date.year)
            if year is not None:
                source = Source.HALL_FILE if year.status == "official" else Source.HALL_ESTIMATE
                if date in year.workdays:
                    return DayInfo(date, True, source, year.workdays[date] or None)
                if date in year.holidays:
                    return DayInfo(date, False, source, year.holidays[date] or None)
                return DayInfo(date, date.weekday() < 5, source)
        return DayInfo(date, date.weekday() < 5, Source.WEEKDAYS)

    def notes_for(self, days: Iterable[DayInfo]) -> tuple[EstimateNote, ...]:
        seen: dict[tuple[int, Source], EstimateNote] = {}
        for info in days:
            if info.source.estimated and (info.date.year, info.source) not in seen:
                detail = ""
                if self.hall_file and info.date.year in self.hall_file.years:
                    detail = self.hall_file.years[info.date.year].source
                seen[(info.date.year, info.source)] = EstimateNote(
                    info.date.year, info.source, detail
                )
        return tuple(sorted(seen.values(), key=lambda n: (n.year, n.source.value)))


def default_calendar(holiday_file: str | Path | None = None) -> WorkCalendar:
    """chinesecalendar + the given hall file, or the shipped (estimated) file when None.

    Pass an empty string to use no hall file at all (Monday–Friday beyond chinesecalendar).
    """
    if holiday_file is None:
        return WorkCalendar(_shipped_file())
    if str(holiday_file) == "":
        return WorkCalendar(None)
    return WorkCalendar(HolidayFile.load(holiday_file))


#: How far ahead `clerk doctor` wants every working day known (promised dates reach that far).
COVERAGE_DAYS = 365


def coverage_gaps(
    calendar: WorkCalendar, today: dt.date, days: int = COVERAGE_DAYS
) -> tuple[EstimateNote, ...]:
    """The years (and why) in which the `days` after `today` are only estimated: neither
    chinesecalendar nor an `official` year of the hall file knows them. Empty when every promised
    date made today is exact."""
    return calendar.notes_for(
        calendar.day(today + dt.timedelta(days=i)) for i in range(1, days + 1)
    )


MAX_SPAN_DAYS = 3660  # a ten-year walk means a wrong limit, not a real deadline


def add_working_days(start: dt.date, n: int, calendar: WorkCalendar | None = None) -> WorkdayResult:
    """The n-th working day after `start` (start itself not counted); n = 0 → start."""
    calendar = calendar or default_calendar()
    if n < 0:
        raise ValueError("n must be >= 0")
    if isinstance(start, dt.datetime):
        start = start.date()
    seen: list[DayInfo] = []
    day = start
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if (day - start).days > MAX_SPAN_DAYS:
            raise ValueError(f"{n} working days reach beyond ten years")
        info = calendar.day(day)
        seen.append(info)
        if info.workday:
            counted += 1
    notes = calendar.notes_for(seen)
    return WorkdayResult(day, bool(notes), notes, TimeLimit(n, LimitUnit.WORKING))


def promised_date(
    accepted_at: dt.date | dt.datetime,
    limit: TimeLimit | tuple[int, str],
    calendar: WorkCalendar | None = None,
) -> WorkdayResult:
    """The promised completion date for a case accepted at `accepted_at` (受理次日起算)."""
    calendar = calendar or default_calendar()
    if not isinstance(limit, TimeLimit):
        limit = TimeLimit(limit[0], LimitUnit.parse(limit[1]))
    start = accepted_at.date() if isinstance(accepted_at, dt.datetime) else accepted_at
    if limit.unit is LimitUnit.WORKING:
        result = add_working_days(start, limit.value, calendar)
        return WorkdayResult(result.date, result.estimated, result.notes, limit)
    if limit.value == 0:
        return WorkdayResult(start, False, (), limit)
    day = start + dt.timedelta(days=limit.value)
    seen = [calendar.day(day)]
    while not seen[-1].workday:
        day += dt.timedelta(days=1)
        seen.append(calendar.day(day))
    notes = calendar.notes_for(seen)
    return WorkdayResult(day, bool(notes), notes, limit)


def promised_within_legal(
    accepted_at: dt.date | dt.datetime,
    promised: TimeLimit | tuple[int, str],
    legal: TimeLimit | tuple[int, str],
    calendar: WorkCalendar | None = None,
) -> WorkdayResult:
    """The promised date, never later than the legal limit's date. A promise in 工作日 can pass a
    legal limit in 自然日 around long holidays (居住证: 10 工作日 promised, 15 自然日 by law); the
    law wins, so the earlier of the two dates is promised. `limit` stays the promised one."""
    calendar = calendar or default_calendar()
    mine = promised_date(accepted_at, promised, calendar)
    law = promised_date(accepted_at, legal, calendar)
    if law.date < mine.date:
        return WorkdayResult(law.date, law.estimated, law.notes, mine.limit)
    return mine


def days_promise_passes_law(
    year: int,
    promised: TimeLimit | tuple[int, str],
    legal: TimeLimit | tuple[int, str],
    calendar: WorkCalendar | None = None,
) -> list[dt.date]:
    """The acceptance days of that year on which the promised date would pass the legal one."""
    calendar = calendar or default_calendar()
    day = dt.date(year, 1, 1)
    out: list[dt.date] = []
    while day.year == year:
        if calendar.day(day).workday and (
            promised_date(day, promised, calendar).date > promised_date(day, legal, calendar).date
        ):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


#: The longest 容缺 period a clerk may give (working days); more means a typing slip.
MAX_DUE_WORKING_DAYS = 60


class DueError(ValueError):
    """A due date the clerk typed that cannot be used; `key` names the message (workdays.due.*)."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, lang: str | None = None) -> str:
        return i18n.t(f"workdays.due.{self.key}", lang=lang, **self.values)


@dataclass(frozen=True)
class Due:
    date: dt.date
    working_days: int  # counted from today (today itself not counted)
    moved_from: dt.date | None = None  # the typed day was not a working day


def due_from_text(text: str, today: dt.date, calendar: WorkCalendar) -> Due:
    """The date by which a 容缺 material is to be supplied, from what the clerk typed: a date
    (2026-12-01, 2026/12/1, 12-01, 1201) or a count of working days (5, +5). A day off moves
    to the next working day; today or earlier, or more than MAX_DUE_WORKING_DAYS, is refused."""
    typed = text.strip().replace("／", "/").replace("－", "-")
    if not typed:
        raise DueError("empty")
    if typed.lstrip("+").isdigit() and (typed.startswith("+") or len(typed) <= 2):
        count = int(typed.lstrip("+"))
        if count < 1:
            raise DueError("zero")
        if count > MAX_DUE_WORKING_DAYS:
            raise DueError("too_far", most=MAX_DUE_WORKING_DAYS)
        result = add_working_days(today, count, calendar)
        return Due(result.date, count)
    date = _typed_date(typed, today)
    if date is None:
        raise DueError("unreadable", text=text.strip())
    if date <= today:
        raise DueError("not_after_today", date=date.isoformat())
    moved_from = None
    if not calendar.is_workday(date):
        moved_from = date
        while not calendar.is_workday(date):
            date += dt.timedelta(days=1)
    count = sum(
        1
        for offset in range(1, (date - today).days + 1)
        if calendar.is_workday(today + dt.timedelta(days=offset))
    )
    if count > MAX_DUE_WORKING_DAYS:
        raise DueError("too_far", most=MAX_DUE_WORKING_DAYS)
    return Due(date, count, moved_from)


def _typed_date(typed: str, today: dt.date) -> dt.date | None:
    """2026-12-01, 2026/12/1, 20261201, 12-01, 12/1, 1201 (month and day: this year's, or next
    year's when this year's is long past)."""
    parts = [p for p in typed.replace("/", "-").replace(".", "-").split("-") if p]
    try:
        if len(parts) == 3:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 1 and len(parts[0]) == 8 and parts[0].isdigit():
            p = parts[0]
            return dt.date(int(p[:4]), int(p[4:6]), int(p[6:]))
        if len(parts) == 2 or (len(parts) == 1 and len(parts[0]) == 4 and parts[0].isdigit()):
            month, day = parts if len(parts) == 2 else [parts[0][:2], parts[0][2:]]
            date = dt.date(today.year, int(month), int(day))
            # 01-05 typed in late December means next January; 11-20 typed on 11-23 is a slip
            return (
                date if (today - date).days < 180 else dt.date(today.year + 1, date.month, date.day)
            )
    except ValueError:
        return None
    return None
