"""ResultDialog: what the decision produced — case numbers, the promised date — and the paper.

The cases are already saved in the hall when this opens (a case is committed before its receipt
is printed). The papers (受理回执 / 一次性告知书 / 不予受理通知书) are previewed with the text
renderer and printed in a worker; a printer failure shows the error with P to retry and never
touches the saved cases. Enter or Esc closes (and ends the intake).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from clerk import i18n
from printing.documents import Document
from printing.renderers.text import render_rich
from screens.base import ClerkModal
from screens.keymap import KeyAction, register

PRINT = KeyAction("intake_print", "p", "print", "intake.keys.print")
CLOSE = KeyAction("intake_result_close", "enter,escape", "close", "intake.keys.result_close")

Printer = Callable[[Document], str]
"""Prints one document, returns where it went (a printer name, a file); raises on failure."""


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


class ResultDialog(ClerkModal[None]):
    BINDINGS = register(PRINT, CLOSE)

    def __init__(
        self,
        summary: Text,
        documents: Sequence[Document],
        printer: Printer | None,
        *,
        auto_print: bool = True,
    ) -> None:
        super().__init__(id="result-dialog")
        self.summary = summary
        self.documents = list(documents)
        self.printer = printer
        self.auto_print = auto_print
        self.printed: list[str] = []
        self._done: dict[int, str] = {}  # index of a document printed -> where it went
        self.print_error: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="result-box"):
            yield Static(_t("result.title"), id="result-title")
            yield Static(self.summary, id="result-summary", markup=False)
            with VerticalScroll(id="result-preview-scroll"):
                yield Static(
                    Group(*[render_rich(doc, "80mm") for doc in self.documents])
                    if self.documents
                    else _t("result.no_paper"),
                    id="result-preview",
                )
            yield Static("", id="result-print", markup=False)
            yield Static(_t("result.hint"), id="result-hint", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        if self.auto_print and self.documents:
            self.action_print()
        elif self.printer is None:
            self._status(_t("result.no_printer"), error=False)

    def _status(self, message: str, *, error: bool) -> None:
        line = self.query_one("#result-print", Static)
        line.set_class(error, "-error")
        line.update(message)

    def action_print(self) -> None:
        if self.printer is None or not self.documents:
            self._status(_t("result.no_printer"), error=False)
            return
        self._status(_t("result.printing"), error=False)
        self._print_all()

    @work(exclusive=True, group="intake-print", thread=True)
    def _print_all(self) -> None:
        assert self.printer is not None
        # a retry (P) after a failure prints only what has not come out yet: a paper printed
        # twice would be a second original, not a 补打
        for index, document in enumerate(self.documents):
            if index in self._done:
                continue
            try:
                self._done[index] = self.printer(document)
            except Exception as exc:  # any printer failure: said on screen, the cases stay saved
                told = getattr(exc, "message", None)
                message = (told() if callable(told) else told) or str(exc) or type(exc).__name__
                self.app.call_from_thread(self._failed, str(message))
                return
        self.app.call_from_thread(self._printed, [self._done[i] for i in sorted(self._done)])

    def _failed(self, message: str) -> None:
        self.print_error = message
        self._status(_t("result.print_failed", error=message, press="P"), error=True)

    def _printed(self, where: list[str]) -> None:
        self.print_error = None
        self.printed = where
        self._status(
            _t("result.printed", where="；".join(w for w in where if w) or "—"), error=False
        )

    def action_close(self) -> None:
        self.dismiss(None)
