"""SituationPanel: only the situation questions (情形) that matter for the chosen items.

`show(questions)` rebuilds the controls when the set of questions changes and otherwise only
updates their values; every answer posts `SituationPanel.Answered(question_id, value)` at once,
so the checklist follows the answer immediately. A yes/no question is a checkbox (Space or
Enter toggles), a choice a select, a number an input. Questions still on their default say so.
The `agent` question is left to the applicant form's 代办人 switch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from clerk import i18n
from clerk.catalog.model import Answer, QuestionType
from clerk.checklist import Question
from screens.components.steady_text import show
from screens.intake_state import AGENT


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


class SituationPanel(Vertical):
    @dataclass
    class Answered(Message):
        panel: SituationPanel
        question: str
        value: Answer

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ids: tuple[str, ...] = ()
        self._questions: dict[str, Question] = {}

    def compose(self) -> ComposeResult:
        yield Static(_t("situations.title"), classes="intake-section")
        yield Static(_t("situations.none"), id="situations-empty", markup=False)
        yield Vertical(id="situations-list")

    @property
    def question_ids(self) -> tuple[str, ...]:
        return self._ids

    def first_control(self) -> Widget | None:
        controls = list(self.query(".situation-control"))
        return controls[0] if controls else None

    def _label(self, question: Question) -> str:
        text = question.situation.question
        if not question.given and question.value is not None:
            return f"{text}  {_t('situations.default')}"
        if question.value is None:
            return f"{text}  {_t('situations.unanswered')}"
        return text

    def _control(self, question: Question) -> Widget:
        situation = question.situation
        wid = f"q-{situation.id}"
        if situation.type is QuestionType.BOOL:
            return Checkbox(
                self._label(question),
                value=question.value is True,
                id=wid,
                classes="situation-control",
            )
        if situation.type is QuestionType.CHOICE:
            select: Select[str] = Select(
                [(o.label, o.value) for o in situation.options],
                value=question.value if isinstance(question.value, str) else Select.NULL,
                allow_blank=question.value is None,
                prompt=_t("situations.choose"),
                id=wid,
                classes="situation-control",
            )
            return select
        value = "" if question.value is None else str(question.value)
        return Input(value, type="number", id=wid, classes="situation-control")

    async def show(self, questions: Sequence[Question]) -> None:
        shown = [q for q in questions if q.id != AGENT]
        ids = tuple(q.id for q in shown)
        self._questions = {q.id: q for q in shown}
        self.query_one("#situations-empty").display = not shown
        container = self.query_one("#situations-list", Vertical)
        if ids != self._ids:
            self._ids = ids
            focused = self.screen.focused
            refocus = focused.id if focused is not None and focused in self.query("*") else None
            await container.remove_children()
            rows: list[Widget] = []
            for question in shown:
                if question.situation.type is QuestionType.BOOL:
                    rows.append(self._control(question))
                else:
                    rows.append(Horizontal(classes="intake-row intake-situation-row"))
            await container.mount_all(rows)
            for row, question in zip(rows, shown, strict=True):
                if isinstance(row, Horizontal):
                    await row.mount_all(
                        [
                            Label(
                                self._label(question),
                                classes="intake-situation-label",
                                id=f"ql-{question.id}",
                            ),
                            self._control(question),
                        ]
                    )
            if refocus:
                for widget in self.query(f"#{refocus}"):
                    widget.focus()
            return
        self._update_values(shown)

    def _update_values(self, shown: Sequence[Question]) -> None:
        for question in shown:
            wid = f"#q-{question.id}"
            for control in self.query(wid):
                if isinstance(control, Checkbox):
                    with control.prevent(Checkbox.Changed):
                        control.value = question.value is True
                    text = self._label(question)
                    if control.label.plain != text:  # a new label lays the screen out
                        control.label = text
                elif isinstance(control, Select):
                    if isinstance(question.value, str) and control.value != question.value:
                        with control.prevent(Select.Changed):
                            control.value = question.value
                elif isinstance(control, Input) and not control.has_focus:
                    value = "" if question.value is None else str(question.value)
                    if control.value != value:
                        with control.prevent(Input.Changed):
                            control.value = value
            for label in self.query(f"#ql-{question.id}"):
                if isinstance(label, Label):
                    show(label, self._label(question))

    # ------------------------------------------------------------------ events

    def _answer(self, widget_id: str | None, value: Answer) -> None:
        if widget_id and widget_id.startswith("q-"):
            self.post_message(self.Answered(self, widget_id[2:], value))

    @on(Checkbox.Changed, ".situation-control")
    def _checked(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._answer(event.checkbox.id, event.value)

    @on(Select.Changed, ".situation-control")
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, str):
            self._answer(event.select.id, event.value)

    @on(Input.Changed, ".situation-control")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value.strip()
        try:
            number = float(text)
        except ValueError:
            return
        value: Answer = int(number) if number.is_integer() and "." not in text else number
        self._answer(event.input.id, value)

    @on(Input.Submitted, ".situation-control")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()
