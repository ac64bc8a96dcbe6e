"""What every clerk screen shares: translated binding descriptions and the blink switch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Input

from screens.keymap import localize

if TYPE_CHECKING:
    from screens.app import ClerkApp

ResultT = TypeVar("ResultT")


def localize_bindings(node: DOMNode) -> None:
    """Replace the i18n keys in `node`'s binding descriptions by the current language's text."""
    node._bindings = localize(node._bindings)


def apply_blink(screen: Screen[Any]) -> None:
    """Snapshots need a steady cursor: the app may switch blinking off for every input."""
    app = cast("ClerkApp", screen.app)
    if not getattr(app, "cursor_blink", True):
        for field in screen.query(Input):
            field.cursor_blink = False


class ClerkScreen(Screen[None]):
    """Base class for full screens of the workstation."""

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        localize_bindings(self)

    @property
    def clerk(self) -> ClerkApp:
        from screens.app import ClerkApp

        assert isinstance(self.app, ClerkApp)
        return self.app

    def on_mount(self) -> None:
        apply_blink(self)


class ClerkModal(ModalScreen[ResultT]):
    """Base class for dialogs (help, confirmation)."""

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        localize_bindings(self)

    def on_mount(self) -> None:
        apply_blink(self)
