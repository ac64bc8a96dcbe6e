"""A home panel whose keys call the hall: its message line and one call at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.containers import Vertical
from textual.widgets import Static

from clerk import i18n
from screens.errors import error_text, session_ended
from services.client import HallClientError

if TYPE_CHECKING:
    from screens.app import ClerkApp


class HallPanel(Vertical):
    """Subclasses name their message line and the text shown when a key is pressed again while
    the hall is still answering the last one."""

    MESSAGE_ID: ClassVar[str]
    BUSY_KEY: ClassVar[str]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.busy = False  # a call is waiting for the hall

    @property
    def clerk(self) -> ClerkApp:
        from screens.app import ClerkApp

        assert isinstance(self.app, ClerkApp)
        return self.app

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one(f"#{self.MESSAGE_ID}", Static)
        message.update(text)
        message.set_class(error, "-error")

    @property
    def message(self) -> str:
        return str(self.query_one(f"#{self.MESSAGE_ID}", Static).render())

    def _run(self, call: Callable[[], Awaitable[None]]) -> None:
        """One call at a time: a key pressed again while the hall answers is told so."""
        if self.busy:
            self.say(i18n.t(self.BUSY_KEY))
            return
        self.busy = True
        self._act(call)

    @work(group="hall-action")
    async def _act(self, call: Callable[[], Awaitable[None]]) -> None:
        try:
            await call()
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
                return
            self._failed(exc)
        finally:
            self.busy = False

    def _failed(self, exc: HallClientError) -> None:
        """A refused call becomes the panel's message; panels may explain more."""
        self.say(error_text(exc), error=True)
