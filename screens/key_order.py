"""Keys in the order typed: a burst (scanner, password manager, fast typist) waits key by key.

Textual routes a key to the widget focused *when the app reads the key*. A key that moves focus
(Enter on a form field, Tab, a binding that opens a screen) only moves it once the widget and the
screen have handled it, through their message queues; the rest of a burst written to the terminal
at once has been routed to the old widget by then ("user⏎password⏎" all in the user field).

`KeyOrder` holds a key back while the previous one is still being handled: the app hands it each
key it reads; a held key is released, in order, once the app, the screen and the focused widget's
line of parents have handled everything before it and what that caused (two rounds of
after-refresh callbacks posted behind their queues come back with the queues empty). A key
that arrives while nothing is queued — every key a person types, every key a Pilot test presses —
goes through at once. A handler that never settles (a long await) holds the keys at most
`MAX_HOLD` seconds, then they go on as before; no key is ever dropped.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterator
from typing import Any

from textual import events
from textual.app import App, ScreenStackError
from textual.dom import DOMNode
from textual.message_pump import MessagePump

MAX_HOLD = 1.0
"""Seconds a held key waits for the app to settle before it goes on anyway."""


def _queued(pump: MessagePump) -> int:
    """Messages waiting on `pump`'s queue (not counting one being handled)."""
    return pump._message_queue.qsize() + (pump._pending_message is not None)


async def _round(pumps: list[MessagePump]) -> None:
    """Wait until each pump has handled everything queued on it before now (and whatever it is
    handling now), and the screen has refreshed and run the callbacks waiting for that
    (`call_after_refresh`, which moves focus after a scan): a callback posted behind them runs."""
    left = 0
    done = asyncio.Event()

    def arrived() -> None:
        nonlocal left
        left -= 1
        if left == 0:
            done.set()

    for pump in pumps:
        if pump.call_after_refresh(arrived):
            left += 1
    if left:
        await done.wait()


class KeyOrder:
    """Decides, for each key the app reads, whether it goes on now or waits its turn."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._held: deque[events.Key] = deque()
        self._released: set[int] = set()
        self._drain: asyncio.Task[None] | None = None
        self.held_total = 0
        """How many keys were ever held (the burst test and the bench read it)."""

    def _line(self) -> Iterator[MessagePump]:
        """The pumps a key and what it causes travel through: the screen, the focused widget
        and its parents."""
        app = self._app
        try:
            screen = app.screen
        except ScreenStackError:  # no screen yet (start-up) or none any more (exit)
            return
        yield screen
        node: DOMNode | None = app.focused
        while node is not None and node is not screen:
            yield node
            node = node.parent

    @property
    def holding(self) -> int:
        """Keys waiting their turn now."""
        return len(self._held)

    def _pumps(self) -> list[MessagePump]:
        return [self._app, *self._line()]

    def _quiet(self) -> bool:
        """Nothing queued on the app, the screen or the focused widget's line."""
        return all(_queued(pump) == 0 for pump in self._pumps())

    async def _settle(self) -> None:
        """Until two rounds in a row leave every queue on the line empty: whatever was being
        handled has finished and what it caused has been handled too."""
        started = time.monotonic()
        clean = 0
        while clean < 2 and time.monotonic() - started < MAX_HOLD:
            try:
                await asyncio.wait_for(_round(self._pumps()), MAX_HOLD)
            except TimeoutError:
                return
            clean = clean + 1 if self._quiet() else 0

    def hold(self, event: events.Key) -> bool:
        """True if the app must not handle `event` now (it is kept and released later)."""
        if event.is_forwarded:
            return False
        if id(event) in self._released:
            self._released.discard(id(event))
            return False
        if not self._held and self._quiet():
            return False
        self._held.append(event)
        self.held_total += 1
        if self._drain is None or self._drain.done():
            self._drain = asyncio.get_running_loop().create_task(self._release())
        return True

    async def _release(self) -> None:
        while self._held:
            await self._settle()
            key = self._held.popleft()
            self._released.add(id(key))
            self._app.post_message(key)
