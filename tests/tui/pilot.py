"""Small steps the Pilot tests share."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Static

from screens.app import ClerkApp

LIVE_PREFIX = "live-"
"""Workers in a group named live-* follow an event stream for the life of their widget (the
queue panel's, for one): `settle` does not wait for them — they never finish."""


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and the screen catch up."""
    app = pilot.app
    for _ in range(3):
        busy = [w for w in app.workers if not w.group.startswith(LIVE_PREFIX)]
        if busy:
            await app.workers.wait_for_complete(busy)
        await pilot.pause()


async def sign_in(
    pilot: Pilot[None], username: str, password: str, window: str | None = None
) -> None:
    app = pilot.app
    assert isinstance(app, ClerkApp)
    await settle(pilot)
    screen = app.screen
    screen.query_one("#username", Input).value = username
    screen.query_one("#password", Input).value = password
    if window is not None:
        screen.query_one("#window", Input).value = window
    screen.query_one("#window", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


def login_message(app: ClerkApp) -> str:
    return str(app.screen.query_one("#login-message", Static).render())


def text_of(app: ClerkApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())
