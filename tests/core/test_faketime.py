"""The real clock moved with `faketime` (Debian package faketime): `clerk` run in a subprocess
believes it is 16:30 UTC on 2026-11-23 — 00:30 on the 24th in the hall — with the machine's
zone UTC and Asia/Shanghai. What it stores and shows is the hall's day and wall clock.

Without faketime these tests FAIL and say how to install it (scripts/sysdeps.sh does in
`make test` as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.timezones import MACHINE_ZONES

INSTALL = "apt-get install -y faketime"
MOMENT = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)
CLERK = [sys.executable, "-m", "clerk.cli.main"]


def faketime() -> str:
    found = shutil.which("faketime")
    if not found:
        pytest.fail(f"faketime is not installed; install it with:  {INSTALL}", pytrace=False)
    return found


def run(zone: str, home: Path, *args: str) -> str:
    # faketime reads its timestamp in the process's zone: give it that zone's wall clock
    wall = MOMENT.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")
    env = {**os.environ, "TZ": zone, "CLERK_HOME": str(home), "CLERK_ARGON2_PROFILE": "fast"}
    env["CLERK_LANG"] = "zh-CN"
    done = subprocess.run(
        [faketime(), "-f", f"@{wall}", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("zone", MACHINE_ZONES)
def test_the_cli_under_faketime_shows_the_halls_day(zone: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(zone, home, *CLERK, "demo", "seed")
    users = run(zone, home, *CLERK, "users", "list")
    assert "2026-11-24 00:30" in users and "2026-11-23 16:30" not in users
    report = run(zone, home, *CLERK, "report", "daily", "--format", "csv", "--output", "-")
    assert report.splitlines()[0].endswith(",2026-11-24")  # "today" is the hall's day


@pytest.mark.parametrize("zone", MACHINE_ZONES)
def test_papers_under_faketime_carry_the_hall_time(zone: str, tmp_path: Path) -> None:
    script = (
        "from clerk import clock\n"
        "from printing.documents import as_reprint\n"
        "from printing.renderers.text import render_text\n"
        "from printing.samples import sample\n"
        "print(clock.hall_today(), clock.time_text(clock.now()))\n"
        "print(render_text(as_reprint(sample('receipt')), 'A4'))\n"
    )
    shown = run(zone, tmp_path / "home", sys.executable, "-c", script)
    assert shown.startswith("2026-11-24 00:30\n"), shown
    assert "2026-11-24 00:30" in shown.split("\n", 1)[1]  # the 补打 time
