"""The one time rule: moments are aware UTC; the hall's day and every time shown are in its zone.

- `now()` is the real clock (aware UTC). Code that needs "now" takes a `Clock` (the hall's and
  the workstation's are injected, so a test runs on one fake clock) and falls back to `now`.
- Moments are stored and compared as aware datetimes; a naive one is a bug and is refused
  (`NaiveTime`), except where text from outside is read (`parse_instant`: naive text means UTC,
  the store's convention).
- The hall's zone is a setting (`[hall] time_zone`, default Asia/Shanghai), put in force by
  each composition root (`use_zone`); the machine's own zone (TZ, /etc/localtime) is never
  used — a workstation set to UTC shows the same times as one set to Shanghai.
- Every screen and paper formats times through the helpers here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"

Clock = Callable[[], datetime]

_zone = ZoneInfo(DEFAULT_ZONE)


class NaiveTime(ValueError):
    """A naive datetime where a moment was needed (its zone would be a guess)."""


def now() -> datetime:
    """The real clock: this moment, aware, in UTC."""
    return datetime.now(UTC)


# ---- the hall's zone


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone `name` ("Asia/Shanghai"); ValueError naming it when it is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai)"
        ) from exc


def use_zone(name: str) -> ZoneInfo:
    """Put the hall's zone in force for this process (the composition roots call it with
    `settings.hall.time_zone`)."""
    global _zone
    _zone = zone_named(name)
    return _zone


def hall_zone() -> ZoneInfo:
    return _zone


# ---- moments


def aware(moment: datetime) -> datetime:
    """`moment`, checked to be aware."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveTime(f"naive datetime {moment.isoformat()} where a moment was needed")
    return moment


def as_utc(moment: datetime) -> datetime:
    return aware(moment).astimezone(UTC)


def parse_instant(text: str | datetime) -> datetime:
    """An ISO 8601 moment read from outside (the hall's JSON, a stored string), aware UTC.
    Text without an offset is UTC — how the store writes (SQLite keeps moments naive)."""
    if isinstance(text, datetime):
        moment = text
    else:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_hall(moment: datetime) -> datetime:
    """`moment` on the hall's wall clock (aware, in the hall's zone)."""
    return aware(moment).astimezone(_zone)


def hall_day(moment: datetime) -> date:
    """The hall day a moment belongs to: numbering, reports and deadlines turn at the hall's
    midnight."""
    return to_hall(moment).date()


def hall_today(clock: Clock = now) -> date:
    return hall_day(clock())


def hall_moment(day: date, wall: time) -> datetime:
    """The moment (aware UTC) the hall's clock reads `wall` on `day`."""
    return datetime.combine(day, wall.replace(tzinfo=None), _zone).astimezone(UTC)


def hall_midnight(day: date) -> datetime:
    """The first moment (aware UTC) of the hall day `day`."""
    return hall_moment(day, time(0, 0))


def hall_days(first: date, last: date) -> tuple[datetime, datetime]:
    """[start, end) of the hall days first..last, as aware UTC moments."""
    return hall_midnight(first), hall_midnight(last + timedelta(days=1))


# ---- shown to people (screens, papers, reports): always the hall's wall clock


def time_text(moment: datetime, *, seconds: bool = False) -> str:
    """09:30 (or 09:30:15)."""
    return to_hall(moment).strftime("%H:%M:%S" if seconds else "%H:%M")


def datetime_text(moment: datetime, *, seconds: bool = False, year: bool = True) -> str:
    """2026-11-23 09:30 (with seconds: 09:30:15; without the year: 11-23 09:30)."""
    pattern = ("%Y-%m-%d " if year else "%m-%d ") + ("%H:%M:%S" if seconds else "%H:%M")
    return to_hall(moment).strftime(pattern)


def file_stamp(moment: datetime) -> str:
    """20261123-093015: the hall's wall clock in file names."""
    return to_hall(moment).strftime("%Y%m%d-%H%M%S")


def elapsed_text(since: datetime | None, until: datetime) -> str:
    """ "04:05" (minutes:seconds) or "1:02:03" from `since` to `until`; never negative."""
    if since is None:
        return "--:--"
    seconds = max(0, int((aware(until) - aware(since)).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def log_stamp(epoch: float) -> str:
    """A log line's time: UTC, ISO 8601 with milliseconds and Z (logs are read across zones)."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
