"""SVG snapshots of the login and home screens, 100x30, fixed config, frozen clock, no cursor
blinking, in both languages. Update after a deliberate change with `--snapshot-update`."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.support.hall import RunningHall
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.pilot import settle, sign_in

LANGS = ["zh-CN", "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_login_screen(snap_compare: Any, make_app: AppFactory, lang: str) -> None:
    app = make_app(lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("lang", LANGS)
def test_login_screen_with_error(
    snap_compare: Any, hall: RunningHall, make_app: AppFactory, lang: str
) -> None:
    async def wrong_password(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "clerk1", "wrong")

    app = make_app(lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=wrong_password)


@pytest.mark.parametrize("lang", LANGS)
def test_home_screen(snap_compare: Any, hall: RunningHall, make_app: AppFactory, lang: str) -> None:
    async def signed_in(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        await settle(pilot)

    app = make_app(lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=signed_in)


def test_home_screen_light_theme(
    snap_compare: Any, hall: RunningHall, make_app: AppFactory
) -> None:
    async def signed_in(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "clerk3", hall.credentials["clerk3"], window="3")
        await settle(pilot)

    app = make_app(theme="light", window=3)
    assert snap_compare(app, terminal_size=SIZE, run_before=signed_in)


def test_help_screen(snap_compare: Any, hall: RunningHall, make_app: AppFactory) -> None:
    async def help_on_home(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        await pilot.press("f1")
        await settle(pilot)

    app = make_app(keymap={"logout": "ctrl+o"})
    assert snap_compare(app, terminal_size=SIZE, run_before=help_on_home)
