"""The daily report's second-visit figures (clerk.reports): notices that came back, those
accepted, 二次办结率 — counted per notice, not per case, and blank when none came back."""

from __future__ import annotations

from datetime import UTC, date, datetime

from clerk import reports
from clerk.reports import ReportCase

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in the hall
DAY = date(2026, 11, 23)


def case(no: str, decision: str, follows: str | None = None) -> ReportCase:
    return ReportCase(no, AT, decision, window_no=1, clerk="clerk1", follows_notice=follows)


def test_notices_back_and_accepted() -> None:
    cases = [
        case("N1", "notice"),
        case("N2", "notice"),
        # N1 came back with two items: both accepted — one notice, not two
        case("A1", "accepted", "N1"),
        case("A2", "accepted_rongque", "N1"),
        # N2 came back and was noticed again: back, not accepted
        case("N3", "notice", "N2"),
    ]
    report = reports.build([], cases, first=DAY)
    total = report.total
    assert (total.returned, total.returned_accepted) == (2, 1)
    assert total.second_rate == 0.5
    assert reports.row_values(total)[-3:] == ["2", "1", "50%"]
    [window] = report.windows
    assert window.returned == 2
    again = reports.report_from_dict(reports.report_to_dict(report))
    assert again.total == total


def test_no_second_visit_leaves_the_rate_blank() -> None:
    report = reports.build([], [case("N1", "notice")], first=DAY)
    assert report.total.returned == 0 and report.total.second_rate is None
    assert reports.row_values(report.total)[-1] == ""
    assert "二次办结率" in reports.to_csv(report)
