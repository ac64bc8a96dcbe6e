"""`clerk report daily` on a small day: CSV figures, and a PDF whose text (pypdf) holds them."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk.cli.main import cli
from clerk.reports import ReportCase, ReportTicket, build, to_csv
from clerk.tickets import hall_day
from services.client import HallClient
from tests.supervisor.conftest import quiet_settings
from tests.support.hall import FakeClock, running_embedded, sqlite_url

DAY = date(2026, 11, 23)


@pytest.fixture
def store(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "report-store")


@pytest.fixture
async def worked_day(store: str) -> str:
    """09:30 A001 issued, 09:34 called at window 1, 09:39 done (wait 4, service 5);
    09:31 B001, 09:41 called at window 2, started 09:42, done 09:45 (wait 10, service 3);
    09:32 A002, 09:40 called at window 1... no-show; 09:33 A003 still waiting at the end."""
    clock = FakeClock()  # 09:30 in the hall
    with running_embedded(quiet_settings(store), clock=clock) as hall:
        kiosk = hall.client()
        c1, c2 = hall.client(), hall.client()
        await c1.login("clerk1", hall.credentials["clerk1"], window_no=1)
        await c2.login("clerk2", hall.credentials["clerk2"], window_no=2)
        try:
            await kiosk.issue_ticket("A")  # 09:30
            clock.advance(minutes=1)
            await kiosk.issue_ticket("B")  # 09:31
            clock.advance(minutes=1)
            await kiosk.issue_ticket("A")  # 09:32
            clock.advance(minutes=1)
            await kiosk.issue_ticket("A")  # 09:33 (waits)
            clock.advance(minutes=1)
            await _call(c1, 1, "A001")  # 09:34
            clock.advance(minutes=5)
            await c1.finish(1)  # 09:39
            clock.advance(minutes=1)
            await _call(c1, 1, "A002")  # 09:40
            await c1.no_show(1)
            clock.advance(minutes=1)
            await _call(c2, 2, "B001")  # 09:41
            clock.advance(minutes=1)
            await c2.start(2)  # 09:42
            clock.advance(minutes=3)
            await c2.finish(2)  # 09:45
        finally:
            for client in (kiosk, c1, c2):
                await client.aclose()
    return store


async def _call(client: HallClient, window: int, number: str) -> None:
    ticket = await client.call_number(window, number)
    assert ticket.number == number


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_daily_csv(worked_day: str, tmp_path: Path) -> None:
    out = tmp_path / "day.csv"
    said = run("--db", worked_day, "report", "daily", "--date", "2026-11-23", "--format", "csv",
               "--output", str(out))  # fmt: skip
    assert "day.csv" in said
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[3]
    total = dict(zip(header, rows[4], strict=False))
    assert total["名称"] == "合计"
    assert (total["号票"], total["办结"], total["过号"]) == ("4", "2", "1")
    # waits 4, 10 and 8 min (A002 called at 09:40): average 7.3, p90 10.0; service 5 and 3
    assert (total["平均等候(分)"], total["P90等候(分)"], total["最长等候(分)"]) == (
        "7.3",
        "10.0",
        "10.0",
    )
    assert (total["平均办理(分)"], total["P90办理(分)"]) == ("4.0", "5.0")
    assert total["9时取号"] == "4"
    text = raw.decode("utf-8-sig")
    assert "按窗口人员" in text and "王芳" in text and "李强" in text


def test_daily_pdf_holds_the_figures(worked_day: str, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "day.pdf"
    run("--db", worked_day, "report", "daily", "--date", "2026-11-23", "--format", "pdf",
        "--output", str(out))  # fmt: skip
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    for needle in ("政务服务中心日报", "2026-11-23", "按取号类别", "按窗口", "王芳", "平均等候",
                   "7.3", "10.0", "4.0", "分时段取号"):  # fmt: skip
        assert needle in text, needle
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
            check=True,
            timeout=60,
        )
        assert list(tmp_path.glob("p*.png"))


def test_a_range_of_days_and_stdout(worked_day: str) -> None:
    out = run("--db", worked_day, "report", "daily", "--date", "2026-11-22", "--to", "2026-11-23",
              "--format", "csv", "--output", "-")  # fmt: skip
    assert "2026-11-22 – 2026-11-23" in out
    empty = run("--db", worked_day, "report", "daily", "--date", "2026-11-20", "--format", "csv",
                "--output", "-")  # fmt: skip
    assert "合计" in empty


def test_report_core_groups_and_ranges() -> None:
    from datetime import UTC, datetime

    t0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in the hall
    m = timedelta(minutes=1)
    tickets = [
        ReportTicket("A001", DAY, "A", "done", t0, t0 + 2 * m, t0 + 3 * m, t0 + 9 * m, 1, "u1"),
        ReportTicket("B001", DAY, "B", "expired", t0 + m),
        ReportTicket("A001", DAY - timedelta(days=1), "A", "done", t0, t0, t0, t0 + m, 2, "u2"),
        ReportTicket("C001", DAY, "C", "done", t0, t0, t0, t0 + 4 * m, 2, "u2", walk_in=True),
    ]
    cases = [
        ReportCase("1", t0 + 9 * m, "completed_on_spot", 1, "u1", "A"),
        ReportCase("2", t0 + 9 * m, "accepted_rongque", 1, "u1", "A"),
        ReportCase("3", t0 - timedelta(days=1), "refused", 2, "u2", "A"),
    ]
    report = build(tickets, cases, first=DAY, clerk_names={"u1": "王芳"})
    assert report.total.tickets == 3 and report.total.expired == 1
    assert report.total.avg_wait_s == 120.0  # the walk-in did not wait
    assert (report.total.on_spot, report.total.accepted, report.total.refused) == (1, 1, 0)
    assert [r.key for r in report.windows] == ["1", "2"]
    assert report.clerks[0].label == "王芳" and report.clerks[1].label == "u2"
    assert report.total.hours[9] == 3
    both = build(tickets, cases, first=DAY - timedelta(days=1), last=DAY)
    assert both.total.tickets == 4 and both.total.refused == 1
    assert "合计" in to_csv(both)
    assert hall_day(t0) == DAY


@pytest.mark.parametrize(
    ("lang", "wanted"),
    [("en", "--output - (standard output) works only with --format csv"), ("zh-CN", "只能与")],
)
def test_report_to_stdout_only_as_csv_says_so_in_the_language(lang: str, wanted: str) -> None:
    result = CliRunner().invoke(
        cli, ["--lang", lang, "report", "daily", "--format", "pdf", "--output", "-"]
    )
    assert result.exit_code == 2
    assert wanted in result.output


@pytest.mark.parametrize(
    ("lang", "wanted"),
    [("en", "--out - (standard output) works only with --format text"), ("zh-CN", "只能与")],
)
def test_print_sample_to_stdout_only_as_text_says_so_in_the_language(
    lang: str, wanted: str
) -> None:
    """Shares its message with the report command (shell.cli.stdout_only)."""
    result = CliRunner().invoke(
        cli, ["--lang", lang, "print", "sample", "ticket", "--format", "escpos", "--out", "-"]
    )
    assert result.exit_code == 2, result.output
    assert wanted in result.output
