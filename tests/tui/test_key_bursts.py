"""A burst of keys written to the terminal at once (a scanner, a password manager) lands in the
order typed: on the login form and in the intake screen's ID field, each key where a person
typing slowly would have put it (screens/key_order.py)."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from screens.app import ClerkApp
from screens.home import HomeScreen
from screens.login import LoginScreen
from tests.support.hall import RunningHall
from tests.tui.conftest import SIZE, AppFactory
from tests.tui.pilot import settle, sign_in
from tests.tui.test_intake import ID, open_intake

KEYS = {"enter": "\r", "tab": "\t"}


def burst(app: ClerkApp, *keys: str) -> None:
    """Every key on the app's queue at once, as the terminal driver does with one read of a
    scanner's burst: nothing is handled before the last key is queued. A key is a name from
    KEYS or one printable character."""
    for key in keys:
        if key in KEYS:
            event = events.Key(key, KEYS[key])
        else:
            name = key if key.isalnum() else unicodedata.name(key).lower().replace(" ", "_")
            event = events.Key(name, key)
        event.set_sender(app)
        app.post_message(event)


async def wait_idle(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, ClerkApp)
    for _ in range(100):
        await pilot.pause(0.05)
        await settle(pilot)
        if not app.key_order.holding:
            break
    await pilot.pause(0.05)
    await settle(pilot)


async def test_login_burst_fills_each_field_and_signs_in(
    hall: RunningHall, make_app: AppFactory
) -> None:
    app = make_app(window=None)
    password = hall.credentials["clerk2"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        burst(app, *"clerk2", "enter", *password, "enter", "2", "enter")
        await wait_idle(pilot)
        assert app.key_order.held_total > 0  # the burst really arrived faster than handled
        assert isinstance(app.screen, HomeScreen), (
            screen.query_one("#username", Input).value,
            screen.query_one("#window", Input).value,
        )
        assert app.session is not None and app.session.user.username == "clerk2"
        assert app.session.window is not None and app.session.window.number == 2


async def test_login_burst_stops_where_the_keys_stop(make_app: AppFactory) -> None:
    app = make_app(window=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        burst(app, *"clerk2", "enter", *"pw", "tab", "7")
        await wait_idle(pilot)
        assert screen.query_one("#username", Input).value == "clerk2"
        assert screen.query_one("#password", Input).value == "pw"
        assert screen.query_one("#window", Input).value == "7"
        assert app.focused is screen.query_one("#window", Input)


async def test_id_field_burst_then_the_next_field(hall: RunningHall, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "clerk1", hall.credentials["clerk1"])
        screen = await open_intake(pilot, offer_drafts=False)
        await pilot.press(*"spjy", "enter")
        await settle(pilot)
        number = screen.query_one("#applicant-id_number", Input)
        valid = screen.query_one("#applicant-id_valid_until", Input)
        phone = screen.query_one("#applicant-phone", Input)
        # typed by hand: the number, Tab, the date, Tab, the phone
        number.focus()
        await settle(pilot)
        burst(app, *ID, "tab", *"2036.01.01", "tab", *"13812345678")
        await wait_idle(pilot)
        assert (number.value, valid.value, phone.value) == (ID, "2036.01.01", "13812345678")
        assert app.focused is phone
        # a scanner: the number and its Enter read as a scan, which moves focus on; the keys
        # after it go where the scan moved focus, not into the ID field
        number.value = ""
        number.focus()
        await settle(pilot)
        burst(app, *ID, "enter", "2")
        await wait_idle(pilot)
        assert number.value == ID
        assert app.focused is not number
