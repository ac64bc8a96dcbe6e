"""ChecklistTable: the merged material list (every material once) with its state per row.

Columns: state, material, form × count and medium, the items it serves, acceptance standard.
Keys on the highlighted row (ids in KEYS, remappable): Space cycles through the states the
material allows; R 已收, X 缺, D 容缺 (due date: the screen's default), C 告知承诺,
E 电子证照免提交, V 核验：免于提交 (the hall has the data: 已共享的免提交, 已备案的系统核验免交). Each posts `ChecklistTable.Marked(name, state)`; the screen decides (and says
why when a state is not allowed for that material).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from clerk import i18n
from clerk.checklist import MaterialStatus, State, enum_label
from screens.base import localize_bindings
from screens.keymap import KeyAction, register

CYCLE = KeyAction("intake_mark_cycle", "space", "mark('cycle')", "intake.keys.mark_cycle")
RECEIVED = KeyAction("intake_mark_received", "r", "mark('received')", "intake.keys.mark_received")
MISSING = KeyAction(
    "intake_mark_missing", "x", "mark('missing')", "intake.keys.mark_missing", show=False
)
DEFERRED = KeyAction("intake_mark_deferred", "d", "mark('deferred')", "intake.keys.mark_deferred")
COMMITTED = KeyAction(
    "intake_mark_committed", "c", "mark('committed')", "intake.keys.mark_committed", show=False
)
ELICENSE = KeyAction(
    "intake_mark_elicense", "e", "mark('elicense')", "intake.keys.mark_elicense", show=False
)
# 核验：免于提交 — the clerk checked that the hall has the data (已共享的免提交 …)
OBTAINED = KeyAction(
    "intake_mark_obtained", "v", "mark('obtained')", "intake.keys.mark_obtained", show=False
)
KEYS = (CYCLE, RECEIVED, MISSING, DEFERRED, COMMITTED, ELICENSE, OBTAINED)

BY_NAME: dict[str, State | None] = {
    "received": State.RECEIVED,
    "missing": State.MISSING,
    "deferred": State.DEFERRED,
    "committed": State.COMMITTED,
    "elicense": State.ELICENSE,
    "obtained": State.OBTAINED,
    "cycle": None,
}

STATE_CLASS = {
    State.RECEIVED: "received",
    State.MISSING: "missing",
    State.ELICENSE: "elicense",
    State.DEFERRED: "deferred",
    State.COMMITTED: "committed",
    State.IN_FLOW: "in_flow",
    State.OBTAINED: "obtained",
}


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


class ChecklistTable(DataTable[Text]):
    BINDINGS: ClassVar = register(*KEYS)
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "checklist--received",
        "checklist--missing",
        "checklist--optional",
        "checklist--elicense",
        "checklist--deferred",
        "checklist--committed",
        "checklist--in_flow",
        "checklist--obtained",
    }

    @dataclass
    class Marked(Message):
        table: ChecklistTable
        material: str
        state: State | None  # None: cycle

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        localize_bindings(self)
        self.statuses: list[MaterialStatus] = []

    def on_mount(self) -> None:
        self.add_column(_t("checklist.state"), key="state", width=12)
        self.add_column(_t("checklist.material"), key="material", width=26)
        self.add_column(_t("checklist.requirement"), key="requirement", width=18)
        self.add_column(_t("checklist.items"), key="items", width=9)
        self.add_column(_t("checklist.standard"), key="standard")

    @property
    def current(self) -> MaterialStatus | None:
        if not self.statuses or self.cursor_row < 0 or self.cursor_row >= len(self.statuses):
            return None
        return self.statuses[self.cursor_row]

    def _style(self, status: MaterialStatus) -> str:
        if status.state is State.MISSING and not status.material.required:
            return "checklist--optional"
        return f"checklist--{STATE_CLASS[status.state]}"

    def _state_cell(self, status: MaterialStatus) -> Text:
        style = self.get_component_rich_style(self._style(status), partial=True)
        label = _t(f"state.{STATE_CLASS[status.state]}")
        if status.state is State.MISSING and not status.material.required:
            label = _t("checklist.optional")
        if status.state is State.DEFERRED and status.due:
            label = f"{label} {status.due:%m-%d}"
        mark = {
            "received": "✓",
            "elicense": "⚡",
            "deferred": "◔",
            "committed": "✎",
            "in_flow": "⇄",
            "obtained": "⊙",
        }.get(STATE_CLASS[status.state], "✗" if status.material.required else "·")
        return Text(f"{mark} {label}", style=style)

    def show(self, statuses: Sequence[MaterialStatus], item_labels: dict[str, str]) -> None:
        """Show these rows; the cursor stays on the same material when it is still there."""
        keep = self.current.material.name if self.current else None
        self.statuses = list(statuses)
        self.clear()
        for status in self.statuses:
            material = status.material
            requirement = _t(
                "checklist.form_count",
                form=enum_label(material.form),
                count=material.count,
                medium=enum_label(material.medium),
            )
            flags = []
            if material.rongque:
                flags.append(_t("checklist.flag_rongque"))
            if material.gaozhi:
                flags.append(_t("checklist.flag_gaozhi"))
            if material.elicenses:
                flags.append(_t("checklist.flag_elicense"))
            if material.obtainable is not None and status.state is not State.OBTAINED:
                flags.append(_t("checklist.flag_obtainable"))
            standard = material.standard
            if flags:
                standard = f"[{'/'.join(flags)}] {standard}"
            items = "、".join(item_labels.get(code, code) for code in material.items)
            self.add_row(
                self._state_cell(status),
                Text(material.name, overflow="ellipsis", no_wrap=True),
                Text(requirement),
                Text(items, overflow="ellipsis", no_wrap=True),
                Text(standard, overflow="ellipsis", no_wrap=True),
                key=material.name,
            )
        if keep is not None:
            for row, status in enumerate(self.statuses):
                if status.material.name == keep:
                    self.move_cursor(row=row, animate=False)
                    break

    def action_mark(self, which: str) -> None:
        status = self.current
        if status is None:
            return
        self.post_message(self.Marked(self, status.material.name, BY_NAME.get(which)))
