"""FieldsForm: 多表合一 — every form field of the chosen items once.

Fields the applicant part already answers (名称, 统一社会信用代码, 法定代表人, 电话 …) show that
value as their placeholder and are filled from it when the draft is saved; typing overrides.
Each field says how many items it serves. Posts `FieldsForm.Changed(field_id, value)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Static

from clerk import i18n
from clerk.checklist import MergedField
from screens.components.steady_text import show


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


class FieldsForm(Vertical):
    @dataclass
    class Changed(Message):
        form: FieldsForm
        field: str
        value: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ids: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(_t("fields.title"), classes="intake-section", id="fields-title")
        yield Vertical(id="fields-list")

    async def show(
        self,
        fields: Sequence[MergedField],
        typed: Mapping[str, str],
        autofill: Callable[[str], str],
        before: int,
    ) -> None:
        ids = tuple(f.id for f in fields)
        show(
            self.query_one("#fields-title", Static),
            _t("fields.title_counts", count=len(fields), before=before)
            if fields
            else _t("fields.title"),
        )
        container = self.query_one("#fields-list", Vertical)
        if ids != self._ids:
            self._ids = ids
            await container.remove_children()
            rows = [Horizontal(classes="intake-row intake-field-row") for _ in fields]
            await container.mount_all(rows)
            for row, merged in zip(rows, fields, strict=True):
                label = merged.label
                if len(merged.items) > 1:
                    label += " " + _t("fields.shared", count=len(merged.items))
                await row.mount_all(
                    [
                        Label(label, classes="intake-field-label"),
                        Input(
                            typed.get(merged.id, ""), id=f"f-{merged.id}", classes="merged-field"
                        ),
                    ]
                )
        for merged in fields:
            for widget in self.query(f"#f-{merged.id}"):
                if isinstance(widget, Input):
                    widget.placeholder = autofill(merged.id) or ""

    @on(Input.Changed, ".merged-field")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        wid = event.input.id or ""
        self.post_message(self.Changed(self, wid.removeprefix("f-"), event.value))

    @on(Input.Submitted, ".merged-field")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()
