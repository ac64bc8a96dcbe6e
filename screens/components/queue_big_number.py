"""A ticket number in large characters (A012), for the kiosk: Textual's `Digits` draws 0-9 and
A-F three lines high; a prefix letter it cannot draw sits in a three-line block of its own."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.renderables.digits import DIGITS
from textual.widgets import Digits, Static


class BigNumber(Horizontal):
    def __init__(self, number: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.number = number

    @staticmethod
    def split(number: str) -> tuple[str, str]:
        """(letters Digits cannot draw, the rest)."""
        index = 0
        while index < len(number) and number[index] not in DIGITS:
            index += 1
        return number[:index], number[index:]

    def compose(self) -> ComposeResult:
        head, rest = self.split(self.number)
        yield Static(head, classes="big-number-letter", markup=False)
        yield Digits(rest, classes="big-number-digits")

    def on_mount(self) -> None:
        self.query_one(".big-number-letter", Static).display = bool(self.split(self.number)[0])

    def show(self, number: str) -> None:
        self.number = number
        head, rest = self.split(number)
        letter = self.query_one(".big-number-letter", Static)
        letter.update(head)
        letter.display = bool(head)
        self.query_one(Digits).update(rest)
