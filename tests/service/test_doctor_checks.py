"""`clerk doctor` fails, with the fix spelled out, where the hall could not work: a SQLite store
whose folder cannot hold it, and a hall holiday file that cannot be read."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk.cli.main import cli
from clerk.clock import Clock
from clerk.config import Settings
from clerk.doctor import CheckResult, verdict_key
from services import checks

TODAY = date(2026, 12, 7)


def doctor(
    *args: str, env: dict[str, str] | None = None, clock: Clock | None = None
) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--lang", "en", *args, "doctor"], env=env, obj=clock)
    assert "Traceback" not in result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def line(out: str, name: str) -> str:
    [found] = [row for row in out.splitlines() if f" {name}: " in row]
    return found


def test_a_missing_folder_fails(tmp_path: Path) -> None:
    folder = tmp_path / "no" / "such"
    code, out = doctor("--db", f"sqlite:///{folder / 'hall.sqlite3'}")
    assert code == 1, out
    assert line(out, "database").startswith("✗")
    assert f"{folder} does not exist" in out
    assert f"mkdir -p {folder}" in out
    assert "A required check failed." in out
    assert not folder.exists()  # doctor looks; it creates nothing


def test_a_folder_that_is_a_file_fails(tmp_path: Path) -> None:
    plain = tmp_path / "plain-file"
    plain.write_text("not a folder", "utf-8")
    code, out = doctor("--db", f"sqlite:///{plain / 'hall.sqlite3'}")
    assert code == 1, out
    assert line(out, "database").startswith("✗")
    # a path under a regular file does not "exist" as a folder, whoever runs the test
    assert str(plain) in line(out, "database")


@pytest.mark.skipif(
    os.geteuid() == 0,
    reason="root may write to a read-only (0500) folder: run the suite as a non-root user to run this",
)
def test_a_read_only_folder_fails(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        code, out = doctor("--db", f"sqlite:///{folder / 'hall.sqlite3'}")
    finally:
        folder.chmod(0o700)
    assert code == 1, out
    assert "not writable" in line(out, "database")


def test_a_writable_folder_still_passes(tmp_path: Path) -> None:
    code, out = doctor("--db", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    assert code == 0, out
    assert line(out, "database").startswith("✓") and "does not exist yet" in out


def test_the_shipped_holiday_file_passes(tmp_path: Path) -> None:
    # on 2025-06-01 chinesecalendar knows every day of the twelve months ahead
    covered = at(datetime(2025, 6, 1, 1, 0, tzinfo=UTC))
    code, out = doctor("--db", f"sqlite:///{tmp_path / 'new.sqlite3'}", clock=covered)
    assert code == 0, out
    assert line(out, "hall holiday file").startswith("✓ hall holiday file: clerk/data/holidays")


def test_a_broken_holiday_file_fails(tmp_path: Path) -> None:
    bad = tmp_path / "holidays.toml"
    bad.write_text('[2027]\nstatus = "official"\nholiday = [{ date = "2028-01-01" }]\n', "utf-8")
    env = {"CLERK_HALL__HOLIDAY_FILE": str(bad)}
    code, out = doctor("--db", f"sqlite:///{tmp_path / 'new.sqlite3'}", env=env)
    assert code == 1, out
    row = line(out, "hall holiday file")
    assert row.startswith("✗") and str(bad) in row and "2028-01-01 is not in 2027" in row
    assert f"Correct {bad}" in out


def test_a_missing_holiday_file_fails(tmp_path: Path) -> None:
    gone = tmp_path / "gone.toml"
    result = checks.check_holidays(Settings(hall={"holiday_file": str(gone)}), TODAY)
    assert not result.ok and result.required
    assert str(gone) in result.detail and result.fix and str(gone) in result.fix


def test_no_holiday_file_at_all_is_a_choice() -> None:
    result = checks.check_holidays(Settings(hall={"holiday_file": ""}), TODAY)
    assert result.ok and "周一至周五" in result.detail


OFFICIAL_2030 = """
[2030]
status = "official"
source = "国办发明电〔2029〕X号（测试用）"
[[2030.holiday]]
name = "元旦"
date = 2030-01-01
[2031]
status = "official"
source = "国办发明电〔2030〕X号（测试用）"
"""


def at(moment: datetime) -> Clock:
    return lambda: moment


def test_months_nobody_published_are_a_warning_not_all_passed(tmp_path: Path) -> None:
    # the hall's day is 2030-01-02: chinesecalendar stops at 2026, the shipped file at 2027
    code, out = doctor(
        "--db",
        f"sqlite:///{tmp_path / 'new.sqlite3'}",
        clock=at(datetime(2030, 1, 2, 1, 0, tzinfo=UTC)),
    )
    assert code == 0, out  # promised dates are still made, as estimates
    row = line(out, "hall holiday file")
    assert row.startswith("! ") and "promised dates up to 2031-01-02" in row, row
    assert "the 2030 public-holiday arrangement is not published" in row
    assert "2031" in row
    assert "publishes the 2030, 2031 holiday arrangement" in out
    assert "All required checks passed." not in out
    assert "with warnings" in out


def test_an_official_hall_file_for_the_year_ahead_passes(tmp_path: Path) -> None:
    official = tmp_path / "holidays.toml"
    official.write_text(OFFICIAL_2030, "utf-8")
    result = checks.check_holidays(Settings(hall={"holiday_file": str(official)}), date(2030, 1, 2))
    assert result.ok, result.detail
    assert "2030, 2031" in result.detail


def test_the_shipped_2027_estimate_is_a_warning_today() -> None:
    result = checks.check_holidays(Settings(), TODAY)
    assert not result.ok and not result.required
    assert "2027 年节假日按本厅估算安排计算" in result.detail
    assert result.fix and "hall.holiday_file" in result.fix


def test_the_verdict_line_tells_warnings_from_all_passed() -> None:
    good = CheckResult("a", True, "fine")
    warn = CheckResult("b", False, "fallback", required=False)
    bad = CheckResult("c", False, "broken")
    assert verdict_key([good]) == "admin.doctor.passed"
    assert verdict_key([good, warn]) == "admin.doctor.warned"
    assert verdict_key([good, warn, bad]) == "admin.doctor.failed"
