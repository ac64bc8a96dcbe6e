"""clerk.clock, the one time rule: aware UTC moments, the hall's day and its wall clock in the
configured zone ([hall] time_zone), whatever the machine's own zone (UTC and Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from click.testing import CliRunner

from clerk import clock, config, paths
from clerk.cli.main import cli
from tests.core.test_config import _shown
from tests.support.timezones import machine_zone

__all__ = ["machine_zone"]

MOMENT = datetime(2026, 11, 23, 16, 30, 15, tzinfo=UTC)  # 00:30:15 on the 24th in Shanghai


def test_now_is_aware_utc() -> None:
    moment = clock.now()
    assert moment.tzinfo is UTC


def test_the_hall_wall_clock_whatever_the_machines_zone(machine_zone: str) -> None:
    assert clock.to_hall(MOMENT).isoformat() == "2026-11-24T00:30:15+08:00"
    assert clock.hall_day(MOMENT) == date(2026, 11, 24)
    assert clock.hall_today(lambda: MOMENT) == date(2026, 11, 24)
    assert clock.time_text(MOMENT) == "00:30"
    assert clock.time_text(MOMENT, seconds=True) == "00:30:15"
    assert clock.datetime_text(MOMENT) == "2026-11-24 00:30"
    assert clock.datetime_text(MOMENT, seconds=True, year=False) == "11-24 00:30:15"
    assert clock.file_stamp(MOMENT) == "20261124-003015"
    assert clock.hall_midnight(date(2026, 11, 24)) == datetime(2026, 11, 23, 16, tzinfo=UTC)
    assert clock.hall_moment(date(2026, 11, 24), time(17, 30)) == datetime(
        2026, 11, 24, 9, 30, tzinfo=UTC
    )


def test_a_naive_moment_is_refused() -> None:
    naive = datetime(2026, 11, 23, 9, 30)
    for use in (clock.to_hall, clock.hall_day, clock.time_text, clock.aware, clock.as_utc):
        with pytest.raises(clock.NaiveTime):
            use(naive)
    with pytest.raises(clock.NaiveTime):
        clock.elapsed_text(naive, MOMENT)


def test_text_from_outside_without_an_offset_is_utc() -> None:
    assert clock.parse_instant("2026-11-23T16:30:15") == MOMENT
    assert clock.parse_instant("2026-11-23T16:30:15Z") == MOMENT
    assert clock.parse_instant("2026-11-24T00:30:15+08:00") == MOMENT
    assert clock.parse_instant(MOMENT).tzinfo is UTC


def test_elapsed_text() -> None:
    assert clock.elapsed_text(None, MOMENT) == "--:--"
    assert clock.elapsed_text(MOMENT, MOMENT + timedelta(minutes=4, seconds=5)) == "04:05"
    assert clock.elapsed_text(MOMENT, MOMENT + timedelta(hours=1, seconds=3)) == "1:00:03"
    assert clock.elapsed_text(MOMENT, MOMENT - timedelta(seconds=5)) == "00:00"  # never negative


def test_another_hall_zone_with_summer_time() -> None:  # tests/conftest.py puts it back
    clock.use_zone("Europe/Berlin")
    assert clock.time_text(MOMENT) == "17:30"
    # the day summer time ends has 25 hours: the day's bounds are the hall's midnights
    start, end = clock.hall_days(date(2026, 10, 25), date(2026, 10, 25))
    assert end - start == timedelta(hours=25)


def test_the_zone_is_a_setting_shown_by_config_show() -> None:
    assert config.Settings().hall.time_zone == "Asia/Shanghai"
    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[hall]\ntime_zone = "Asia/Urumqi"\n', "utf-8")
    result = CliRunner().invoke(cli, ["--lang", "en", "config", "show"])
    assert result.exit_code == 0, result.output
    assert _shown(result.output)["hall.time_zone"] == ("Asia/Urumqi", f"file {cfg}")
    assert clock.hall_zone().key == "Asia/Urumqi"  # the CLI put it in force


def test_an_unknown_zone_is_a_clear_config_error() -> None:
    cfg = paths.config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[hall]\ntime_zone = "Asia/Peking"\n', "utf-8")
    with pytest.raises(config.ConfigError, match="unknown time zone 'Asia/Peking'"):
        config.load_settings()
    result = CliRunner().invoke(cli, ["config", "show"])
    assert result.exit_code != 0 and "Asia/Peking" in result.output
