"""TUI tests run the real app against a real embedded hall (tests/support/hall.py).

`make_app` builds a ClerkApp with a fixed config, a frozen header clock and no cursor blinking,
so Pilot tests and snapshots see the same screen every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clerk import i18n
from clerk.config import Settings
from screens.app import ClerkApp
from services.client import HallClient
from tests.support.hall import FakeClock, RunningHall, hall_settings, running_embedded, sqlite_url

FROZEN = datetime(2026, 11, 23, 1, 30, 0, tzinfo=UTC)  # 09:30 in the hall (Asia/Shanghai)
SIZE = (100, 30)
MAX_FAILURES = 3


@pytest.fixture
def hall_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hall(tmp_path: Path, hall_clock: FakeClock) -> Iterator[RunningHall]:
    """The demo hall (clerk1..clerk4, supervisor, trainer, admin) on a Unix socket."""
    settings = hall_settings(
        sqlite_url(tmp_path / "store"), login_max_failures=MAX_FAILURES, login_lockout_minutes=15
    )
    with running_embedded(settings, clock=hall_clock) as running:
        yield running


def tui_settings(**values: Any) -> Settings:
    """The workstation's settings for tests: window 1, dark theme, no keymap unless given."""
    values.setdefault("window", 1)
    return Settings(**values)


AppFactory = Callable[..., ClerkApp]


@pytest.fixture
def make_app(hall: RunningHall) -> AppFactory:
    def build(
        *, lang: str = "zh-CN", client: HallClient | None = None, **settings: Any
    ) -> ClerkApp:
        i18n.set_language(lang)
        return ClerkApp(
            tui_settings(lang=lang, **settings),
            client or hall.client(),
            clock=lambda: FROZEN,
            cursor_blink=False,
        )

    return build
