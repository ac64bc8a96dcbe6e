"""The case view's dialogs: 补正后重新提交, 出件 (hand over), 邮寄 (mail).

Each dialog collects what the clerk checked and hands it to `submit` (an async callable given by
the case view that calls the hall); `submit` answers None on success (the dialog closes with
True) or the hall's message (shown in the dialog, which stays open with everything typed — e.g.
a collector who is neither the applicant nor an authorized agent: nothing was recorded).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, SelectionList, Static

from clerk import i18n
from screens.base import ClerkModal
from screens.keymap import KeyAction, register

Submit = Callable[[dict[str, Any]], Awaitable[str | None]]

CONFIRM = KeyAction("caseview.dialog_confirm", "ctrl+s", "confirm", "caseview.keys.confirm")
CANCEL = KeyAction("caseview.dialog_cancel", "escape", "cancel", "caseview.keys.cancel")


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"caseview.{key}", **values)


class _CaseDialog(ClerkModal[bool]):
    BINDINGS = register(CONFIRM, CANCEL)
    DEFAULT_CSS = """
    _CaseDialog { align: center middle; background: $background 60%; }
    .cv-dialog-box {
        width: 84; max-width: 96%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    .cv-dialog-title { text-style: bold; color: $accent; width: 100%; }
    .cv-dialog-hint { color: $text-muted; }
    .cv-dialog-error { color: $error; text-style: bold; height: auto; }
    .cv-dialog-box Input { margin: 0; }
    .cv-dialog-box SelectionList { height: auto; max-height: 12; }
    """

    def __init__(self, submit: Submit, *, id: str) -> None:
        super().__init__(id=id)
        self.submit = submit
        self.busy = False

    def values(self) -> dict[str, Any] | None:
        """What to send, or None after saying what is missing."""
        raise NotImplementedError

    def say(self, text: str) -> None:
        self.query_one(".cv-dialog-error", Static).update(text)

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(False)

    def action_confirm(self) -> None:
        if self.busy:
            return
        values = self.values()
        if values is not None:
            self.busy = True
            self.say("")
            self._send(values)

    @work(exclusive=True, group="caseview-dialog")
    async def _send(self, values: dict[str, Any]) -> None:
        try:
            problem = await self.submit(values)
        finally:
            self.busy = False
        if problem is None:
            self.dismiss(True)
        else:
            self.say(problem)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one it confirms."""
        event.stop()
        fields = [w for w in self.query("Input, Checkbox, SelectionList") if w.can_focus]
        if event.input in fields and event.input is not fields[-1]:
            fields[fields.index(event.input) + 1].focus()
        else:
            self.action_confirm()


class ResubmitDialog(_CaseDialog):
    """Tick the materials the back office asked for; all must be in."""

    def __init__(self, case_no: str, needed: Sequence[str], submit: Submit) -> None:
        super().__init__(submit, id="resubmit-dialog")
        self.case_no = case_no
        self.needed = list(needed)

    def compose(self) -> ComposeResult:
        with Vertical(classes="cv-dialog-box"):
            yield Label(_t("resubmit.title", case_no=self.case_no), classes="cv-dialog-title")
            yield Static(_t("resubmit.hint"), classes="cv-dialog-hint", markup=False)
            yield SelectionList[str](*[(n, n) for n in self.needed], id="resubmit-materials")
            yield Input(placeholder=_t("resubmit.note"), id="resubmit-note")
            yield Static("", classes="cv-dialog-error", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(SelectionList).focus()

    def values(self) -> dict[str, Any] | None:
        ticked = list(self.query_one(SelectionList).selected)
        missing = [n for n in self.needed if n not in ticked]
        if missing:
            self.say(_t("resubmit.incomplete", names="、".join(missing)))
            return None
        note = self.query_one("#resubmit-note", Input).value
        return {"received": ticked or list(self.needed), "note": note}


class HandoverDialog(_CaseDialog):
    """Who collects: name, ID number, and whether a 授权委托书 was received."""

    def __init__(self, case_no: str, lines: Sequence[str], submit: Submit) -> None:
        super().__init__(submit, id="handover-dialog")
        self.case_no = case_no
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(classes="cv-dialog-box"):
            yield Label(_t("handover.title", case_no=self.case_no), classes="cv-dialog-title")
            yield Static(_t("handover.hint"), classes="cv-dialog-hint", markup=False)
            for line in self.lines:
                yield Static(line, markup=False)
            yield Input(placeholder=_t("handover.name"), id="handover-name")
            yield Input(placeholder=_t("handover.id_number"), id="handover-id")
            yield Checkbox(_t("handover.authorized"), id="handover-authorized")
            yield Static("", classes="cv-dialog-error", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#handover-name", Input).focus()

    def values(self) -> dict[str, Any] | None:
        name = self.query_one("#handover-name", Input).value.strip()
        number = self.query_one("#handover-id", Input).value.strip()
        if not name:
            self.say(i18n.t("service.error.casework.collector_name_required"))
            self.query_one("#handover-name", Input).focus()
            return None
        return {
            "collector_name": name,
            "collector_id_number": number,
            "authorization_received": self.query_one(Checkbox).value,
        }


class MailDialog(_CaseDialog):
    """The address from intake (editable) and the tracking number."""

    def __init__(self, case_no: str, delivery: dict[str, Any], submit: Submit) -> None:
        super().__init__(submit, id="mail-dialog")
        self.case_no = case_no
        self.delivery = delivery

    def compose(self) -> ComposeResult:
        d = self.delivery
        with Vertical(classes="cv-dialog-box"):
            yield Label(_t("mail.title", case_no=self.case_no), classes="cv-dialog-title")
            yield Static(_t("mail.hint"), classes="cv-dialog-hint", markup=False)
            yield Label(_t("mail.recipient"))
            yield Input(str(d.get("recipient") or ""), id="mail-recipient")
            yield Label(_t("mail.address"))
            yield Input(str(d.get("address") or ""), id="mail-address")
            yield Label(_t("mail.carrier"))
            yield Input(_t("mail.carrier_default"), id="mail-carrier")
            yield Label(_t("mail.tracking_no"))
            yield Input("", id="mail-tracking")
            yield Static("", classes="cv-dialog-error", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#mail-tracking", Input).focus()

    def values(self) -> dict[str, Any] | None:
        def value(name: str) -> str:
            return self.query_one(f"#mail-{name}", Input).value.strip()

        return {
            "recipient": value("recipient") or None,
            "address": value("address"),
            "carrier": value("carrier"),
            "tracking_no": value("tracking"),
        }
