"""`clerk doctor` fails, with the fix spelled out, where the hall could not work: a SQLite store
whose folder cannot hold it, and a hall holiday file that cannot be read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk.cli.main import cli
from clerk.config import Settings
from services import checks


def doctor(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--lang", "en", *args, "doctor"], env=env)
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


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only (0500) folder")
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
    code, out = doctor("--db", f"sqlite:///{tmp_path / 'new.sqlite3'}")
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
    result = checks.check_holidays(Settings(hall={"holiday_file": str(gone)}))
    assert not result.ok and result.required
    assert str(gone) in result.detail and result.fix and str(gone) in result.fix


def test_no_holiday_file_at_all_is_a_choice() -> None:
    result = checks.check_holidays(Settings(hall={"holiday_file": ""}))
    assert result.ok and "周一至周五" in result.detail
