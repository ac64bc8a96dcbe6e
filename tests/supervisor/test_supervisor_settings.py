"""[supervisor] pause_alert_minutes / near_days are clerk.config settings (file, environment,
validation, `clerk config show`), and "near" counts working days exactly like the cases room's
clerk.deadlines rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk import config, paths
from clerk.cli.main import cli as cli_main
from clerk.config import Settings
from clerk.deadlines import DeadlineState, deadline
from clerk.workdays import WorkCalendar
from services.hall.supervisor.settings import near_calendar_days, thresholds
from tests.support.hall import FakeClock, RunningHall, running_embedded, sqlite_url

MONDAY = date(2026, 11, 23)
WEEKDAYS_ONLY = WorkCalendar(None, use_chinesecalendar=False)


def write_config(text: str) -> Path:
    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(text, "utf-8")
    return cfg


def test_defaults() -> None:
    s = Settings()
    assert (s.supervisor.pause_alert_minutes, s.supervisor.near_days) == (10, 2)


def test_from_the_file_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = write_config("[supervisor]\npause_alert_minutes = 7\nnear_days = 3\n")
    monkeypatch.setenv("CLERK_SUPERVISOR__NEAR_DAYS", "5")
    eff = config.load_settings()
    assert eff.settings.supervisor.pause_alert_minutes == 7
    assert eff.origins["supervisor.pause_alert_minutes"] == f"file {cfg}"
    assert eff.settings.supervisor.near_days == 5
    assert eff.origins["supervisor.near_days"] == "env CLERK_SUPERVISOR__NEAR_DAYS"


@pytest.mark.parametrize(
    "table", ["pause_alert_minutes = -1", "near_days = -2", 'near_days = "soon"']
)
def test_bad_values_are_a_clear_error(table: str) -> None:
    write_config(f"[supervisor]\n{table}\n")
    with pytest.raises(config.ConfigError, match="supervisor"):
        config.load_settings()


def test_config_show_lists_them() -> None:
    write_config("[supervisor]\npause_alert_minutes = 12\n")
    result = CliRunner().invoke(cli_main, ["config", "show"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "supervisor." in line]
    assert any("supervisor.pause_alert_minutes" in line and "12" in line for line in lines)
    assert any("supervisor.near_days" in line and "2" in line for line in lines)


@pytest.mark.parametrize(
    ("day", "workdays", "calendar_days"),
    [
        (MONDAY, 0, 0),  # only today itself
        (MONDAY, 1, 1),  # Tuesday
        (MONDAY, 2, 2),  # Wednesday
        (MONDAY + timedelta(days=4), 0, 2),  # Friday: the weekend has no working day left
        (MONDAY + timedelta(days=4), 1, 3),  # Friday: up to Monday
        (MONDAY + timedelta(days=5), 1, 2),  # Saturday: up to Monday
    ],
)
def test_near_working_days_as_calendar_days(day: date, workdays: int, calendar_days: int) -> None:
    assert near_calendar_days(day, workdays, WEEKDAYS_ONLY) == calendar_days


@pytest.mark.parametrize("workdays", [0, 1, 2, 5])
def test_near_agrees_with_the_cases_rooms_deadline_rule(workdays: int) -> None:
    """The dashboard's "near" (promised within near_days calendar days) and the cases room's
    (at most near_deadline_workdays working days left) pick the same cases, with the hall's
    real calendar across the National Day holiday of 2026."""
    calendar = WorkCalendar()
    for offset in range(30):
        today = date(2026, 9, 20) + timedelta(days=offset)
        span = near_calendar_days(today, workdays, calendar)
        for ahead in range(0, 25):
            promised = today + timedelta(days=ahead)
            state = deadline(
                promised, today, calendar, status="accepted", near_workdays=workdays
            ).state
            assert (state is DeadlineState.NEAR) == (ahead <= span), (today, promised)


def test_thresholds_come_from_the_settings() -> None:
    s = Settings(wait_target_minutes=20, supervisor={"pause_alert_minutes": 4, "near_days": 1})
    limits = thresholds(s, MONDAY + timedelta(days=4), WEEKDAYS_ONLY)
    assert (limits.wait_target_minutes, limits.pause_alert_minutes, limits.near_days) == (20, 4, 3)


@pytest.fixture
def strict_hall(tmp_path: Path) -> Iterator[RunningHall]:
    settings = Settings(
        service={"db": sqlite_url(tmp_path / "store")},
        backoffice={"enabled": False},
        supervisor={"pause_alert_minutes": 3, "near_days": 4},
    )
    with running_embedded(settings, clock=FakeClock()) as running:
        yield running


async def test_the_hall_serves_the_configured_thresholds(strict_hall: RunningHall) -> None:
    client = strict_hall.client()
    try:
        await client.login("supervisor", strict_hall.credentials["supervisor"])
        snapshot = (await client.dashboard()).snapshot
    finally:
        await client.aclose()
    assert snapshot.day == MONDAY
    assert snapshot.pause_alert_minutes == 3
    # Four working days from Monday reach Friday; Saturday and Sunday add no working day.
    assert snapshot.near_days == 6
