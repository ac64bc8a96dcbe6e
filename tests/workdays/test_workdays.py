import datetime as dt
from pathlib import Path

import pytest

from clerk import i18n
from clerk.workdays import (
    DueError,
    HolidayFile,
    HolidayFileError,
    LimitUnit,
    Source,
    TimeLimit,
    WorkCalendar,
    add_working_days,
    coverage_gaps,
    default_calendar,
    due_from_text,
    promised_date,
)

D = dt.date
OFFICIAL_2027 = """
format = "clerk-holidays/1"
[2027]
status = "official"
source = "国办发明电〔2026〕X号（测试用）"
[[2027.holiday]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03
[[2027.workday]]
name = "调休"
date = 2027-01-09
"""


def test_national_day_2026_with_adjusted_saturday() -> None:
    # Mon 28 Sep: 29, 30 count; 1–7 Oct off; 8, 9 count; Sat 10 Oct is a 调休 working day
    result = promised_date(dt.datetime(2026, 9, 28, 15, 0), TimeLimit(5, LimitUnit.WORKING))
    assert result.date == D(2026, 10, 10)
    assert not result.estimated and result.note() is None


def test_spring_festival_2026() -> None:
    # Fri 13 Feb 2026: Sat 14 Feb is a 调休 working day (1), 15–23 off, 24.. count
    assert add_working_days(D(2026, 2, 13), 1).date == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 3).date == D(2026, 2, 25)


def test_acceptance_day_is_not_counted_even_on_a_saturday() -> None:
    # 受理次日起算: accepted Saturday 21 Nov 2026 → day 1 is Monday 23 Nov
    assert add_working_days(D(2026, 11, 21), 1).date == D(2026, 11, 23)
    assert add_working_days(D(2026, 11, 23), 1).date == D(2026, 11, 24)
    assert add_working_days(D(2026, 11, 23), 0).date == D(2026, 11, 23)


def test_span_into_2027_with_the_shipped_estimated_file() -> None:
    result = promised_date(D(2026, 12, 25), TimeLimit(10))
    # Dec 28–31 (4), 1–3 Jan off in the estimate, Jan 4–8 (9), Jan 11 (10)
    assert result.date == D(2027, 1, 11)
    assert result.estimated
    assert [n.source for n in result.notes] == [Source.HALL_ESTIMATE]
    assert "含估算" in (result.note() or "")
    assert "2027" in (result.note() or "")


def test_span_into_2027_with_an_official_hall_file(tmp_path: Path) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(OFFICIAL_2027, "utf-8")
    calendar = default_calendar(path)
    result = promised_date(D(2026, 12, 25), TimeLimit(10), calendar)
    # Dec 28–31 (4), Jan 4–8 (9), Sat Jan 9 is a working day (10)
    assert result.date == D(2027, 1, 9)
    assert not result.estimated and result.notes == ()
    assert calendar.day(D(2027, 1, 1)).name == "元旦"
    assert calendar.day(D(2027, 1, 1)).source is Source.HALL_FILE


def test_span_into_2027_without_a_file_is_an_estimate() -> None:
    calendar = default_calendar("")
    result = promised_date(D(2026, 12, 25), TimeLimit(10), calendar)
    assert result.date == D(2027, 1, 8)  # Monday–Friday only: 1 Jan counts
    assert result.estimated
    assert result.notes[0].source is Source.WEEKDAYS
    assert result.note() == "含估算：2027 年节假日安排未发布，按周一至周五计算"
    assert "not published" in (result.note("en") or "")


def test_never_crashes_on_years_nobody_knows() -> None:
    calendar = WorkCalendar(None)
    for year in (2003, 2027, 2030, 2099):
        result = add_working_days(D(year, 6, 1), 30, calendar)
        assert result.date.year == year
    assert add_working_days(D(2003, 6, 1), 5, calendar).estimated


def test_natural_days_move_off_a_holiday() -> None:
    # 20 自然日 from 11 Sep 2026 ends Thu 1 Oct (国庆) → moves to Thu 8 Oct
    result = promised_date(D(2026, 9, 11), (20, "自然日"))
    assert result.date == D(2026, 10, 8)
    assert promised_date(D(2026, 11, 2), (10, "natural")).date == D(2026, 11, 12)
    assert promised_date(D(2026, 11, 2), (0, "自然日")).date == D(2026, 11, 2)


def test_limit_parsing_and_labels() -> None:
    assert TimeLimit(5, "working").unit is LimitUnit.WORKING  # type: ignore[arg-type]
    assert TimeLimit(5).label() == "5 工作日"
    assert TimeLimit(5, LimitUnit.NATURAL).label("en") == "5 calendar days"
    with pytest.raises(ValueError):
        LimitUnit.parse("fortnights")
    with pytest.raises(ValueError):
        TimeLimit(-1)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[2027]\nstatus = 'maybe'\n", "status"),
        ("[2027]\nstatus = 'official'\n[[2027.holiday]]\nname='x'\n", "needs date"),
        ("[2027]\nstatus = 'official'\n[[2027.holiday]]\ndate=2028-01-01\n", "not in 2027"),
        (
            "[2027]\nstatus = 'official'\n[[2027.holiday]]\nfrom=2027-01-05\nto=2027-01-01\n",
            "before",
        ),
        (
            "[2027]\nstatus = 'official'\n[[2027.holiday]]\ndate=2027-01-02\n"
            "[[2027.workday]]\ndate=2027-01-02\n",
            "both",
        ),
        ("[2027\n", "holidays.toml"),
    ],
)
def test_holiday_file_errors_name_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "holidays.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(HolidayFileError, match=problem):
        HolidayFile.load(path)


def test_missing_holiday_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HolidayFileError, match=r"nope\.toml"):
        default_calendar(tmp_path / "nope.toml")


def test_shipped_file_is_labelled_as_an_estimate() -> None:
    calendar = default_calendar()
    assert calendar.hall_file is not None
    year = calendar.hall_file.years[2027]
    assert year.status == "estimated"
    assert "估算" in year.source
    info = calendar.day(D(2027, 2, 8))  # 春节 in the estimate
    assert not info.workday and info.source is Source.HALL_ESTIMATE


def test_english_estimate_note() -> None:
    i18n.set_language("en")
    result = promised_date(D(2026, 12, 25), TimeLimit(10))
    assert (result.note() or "").startswith("Estimate: 2027 holidays")


# --------------------------------------------------------------------------- 容缺 due dates


@pytest.mark.parametrize(
    ("typed", "due", "days", "moved"),
    [
        ("5", D(2026, 11, 30), 5, None),
        ("+5", D(2026, 11, 30), 5, None),
        ("2026-12-01", D(2026, 12, 1), 6, None),
        ("2026/12/1", D(2026, 12, 1), 6, None),
        ("20261201", D(2026, 12, 1), 6, None),
        ("12-01", D(2026, 12, 1), 6, None),
        ("1205", D(2026, 12, 7), 10, D(2026, 12, 5)),  # a Saturday moves to Monday
        ("2027-01-01", D(2027, 1, 4), 29, D(2027, 1, 1)),  # 元旦
    ],
)
def test_due_dates_as_clerks_type_them(
    typed: str, due: dt.date, days: int, moved: dt.date | None
) -> None:
    got = due_from_text(typed, D(2026, 11, 23), default_calendar())
    assert (got.date, got.working_days, got.moved_from) == (due, days, moved)


def test_month_and_day_in_late_december_mean_next_january() -> None:
    got = due_from_text("01-05", D(2026, 12, 28), default_calendar())
    assert got.date == D(2027, 1, 5)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("", "empty"),
        ("0", "zero"),
        ("61", "too_far"),
        ("2027-06-30", "too_far"),
        ("2026-11-23", "not_after_today"),
        ("11-20", "not_after_today"),
        ("next week", "unreadable"),
        ("2026-02-30", "unreadable"),
    ],
)
def test_unusable_due_dates_say_why(typed: str, key: str) -> None:
    with pytest.raises(DueError) as caught:
        due_from_text(typed, D(2026, 11, 23), default_calendar())
    assert caught.value.key == key
    assert caught.value.message("zh-CN") and caught.value.message("en")


# ---------------------------------------------------------------- coverage of the next 12 months


def test_the_shipped_file_leaves_2027_an_estimate() -> None:
    gaps = coverage_gaps(default_calendar(), D(2026, 12, 7))
    assert [(n.year, n.source) for n in gaps] == [(2027, Source.HALL_ESTIMATE)]


def test_an_official_year_covers_the_months_ahead() -> None:
    calendar = WorkCalendar(HolidayFile.parse(OFFICIAL_2027))
    assert coverage_gaps(calendar, D(2026, 6, 1)) == ()  # 2026 official, 2027 from the notice
    assert [n.year for n in coverage_gaps(calendar, D(2027, 6, 15))] == [2028]


@pytest.mark.parametrize("today", [D(2027, 6, 15), D(2030, 1, 2), D(2099, 3, 1)])
def test_any_year_nobody_published_is_a_gap(today: dt.date) -> None:
    gaps = coverage_gaps(default_calendar(), today)
    years = sorted({n.year for n in gaps})
    assert years == sorted({today.year, (today + dt.timedelta(days=365)).year})
    assert all(n.source.estimated for n in gaps)
