"""The supervisor's dialogs: a small form (one or more labelled fields, Enter walks down and
submits on the last, Escape cancels) returning {field id: text}, or None."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from clerk import i18n
from screens.base import ClerkModal
from screens.keymap import KeyAction, register

DIALOG_CANCEL = KeyAction(
    "sup_dialog_cancel", "escape", "cancel", "supervisor.keys.dialog_cancel", show=False
)


@dataclass(frozen=True)
class Field:
    id: str
    label: str  # i18n key
    value: str = ""
    placeholder: str = ""  # i18n key
    required: bool = True
    max_length: int = 200


Check = Callable[[dict[str, str]], str | None]
"""Validates the answers: an error text to show, or None."""


class FormDialog(ClerkModal[dict[str, str] | None]):
    BINDINGS: ClassVar = register(DIALOG_CANCEL)

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        *,
        note: str = "",
        check: Check | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.title_text = title
        self.fields = list(fields)
        self.note = note
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dash-dialog"):
            yield Static(self.title_text, classes="dash-dialog-title", markup=False)
            if self.note:
                yield Static(self.note, classes="dash-dialog-note", markup=False)
            for f in self.fields:
                yield Label(i18n.t(f.label))
                yield Input(
                    value=f.value,
                    placeholder=i18n.t(f.placeholder) if f.placeholder else "",
                    id=f"dash-field-{f.id}",
                    max_length=f.max_length,
                )
            yield Static("", classes="dash-dialog-error", markup=False)
            yield Static(i18n.t("supervisor.dialog.hint"), classes="dash-dialog-hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query(Input).first().focus()

    def error(self, text: str) -> None:
        self.query_one(".dash-dialog-error", Static).update(text)

    def answers(self) -> dict[str, str]:
        return {
            f.id: self.query_one(f"#dash-field-{f.id}", Input).value.strip() for f in self.fields
        }

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index < len(inputs) - 1:
            inputs[index + 1].focus()
            return
        answers = self.answers()
        for f in self.fields:
            if f.required and not answers[f.id]:
                self.error(i18n.t("supervisor.dialog.required", field=i18n.t(f.label)))
                self.query_one(f"#dash-field-{f.id}", Input).focus()
                return
        if self.check is not None:
            problem = self.check(answers)
            if problem:
                self.error(problem)
                return
        self.dismiss(answers)

    def action_cancel(self) -> None:
        self.dismiss(None)
