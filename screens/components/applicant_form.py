"""ApplicantForm: who applies — a person or an organization — and the agent (代办人).

Every input posts `ApplicantForm.Changed(field, value)` (field ids like "applicant.id_number",
"kind", "agent_on"); the intake screen keeps the form data and sends back messages to show
under each field with `show_messages()`. Enter in the ID number / USCC field parses a scanner
burst (screens.intake_state.parse_scan) and posts `Scanned`; Enter elsewhere moves on.

ID numbers and phones are masked while the field is not focused (MaskedInput), unless the
screen reveals them (`set_revealed(True)`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Select, Static

from clerk import i18n
from clerk.identity import IdType, mask_id, mask_phone
from screens.components.steady_text import show
from screens.intake_state import ID_TYPES, ORGANIZATION, PERSON, FieldMessage, IntakeForm, Scan
from screens.intake_state import parse_scan as _parse_scan


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


class MaskedInput(Input):
    """An Input that shows its value masked (3101**********1234) while it is not focused."""

    masked: reactive[bool] = reactive(True)

    def __init__(
        self, *, mask_kind: str = "id", placeholder: str = "", id: str | None = None
    ) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self.mask_kind = mask_kind

    @property
    def _value(self) -> Text:
        if self.masked and not self.has_focus and self.value:
            shown = mask_phone(self.value) if self.mask_kind == "phone" else mask_id(self.value)
            return Text(shown, no_wrap=True, overflow="ignore", end="")
        return super()._value


class ApplicantForm(Vertical):
    """The applicant part of the intake form."""

    @dataclass
    class Changed(Message):
        form: ApplicantForm
        field: str
        value: str | bool

    @dataclass
    class Scanned(Message):
        form: ApplicantForm
        scan: Scan
        target: str  # "applicant" / "agent"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._loading = False
        self.kind = PERSON

    # ------------------------------------------------------------------ layout

    def _row(self, label: str, *widgets: Input | Select[str], key: str) -> ComposeResult:
        with Horizontal(classes="intake-row", id=f"row-{key.replace('.', '-')}"):
            yield Label(label, classes="intake-label")
            yield from widgets
        yield Static("", classes="intake-message", id=f"msg-{key.replace('.', '-')}", markup=False)

    def _id_select(self, prefix: str) -> Select[str]:
        return Select(
            [(t.label(), t.value) for t in ID_TYPES],
            value=IdType.RESIDENT.value,
            allow_blank=False,
            id=f"{prefix}-id_type",
            classes="id-type",
        )

    def compose(self) -> ComposeResult:
        yield Static(_t("applicant.title"), classes="intake-section")
        with Horizontal(classes="intake-row", id="row-kind"):
            yield Label(_t("applicant.kind"), classes="intake-label")
            with RadioSet(id="applicant-kind"):
                yield RadioButton(_t("applicant.person"), value=True, id="kind-person")
                yield RadioButton(_t("applicant.organization"), id="kind-organization")
        yield Static("", classes="intake-message", id="msg-applicant-kind", markup=False)
        with Vertical(id="applicant-person"):
            yield from self._row(
                _t("applicant.name"),
                Input(id="applicant-name", placeholder=_t("applicant.name_hint")),
                key="applicant.name",
            )
            yield from self._row(
                _t("applicant.id"),
                self._id_select("applicant"),
                key="applicant.id_type",
            )
            yield from self._row(
                _t("applicant.id_number"),
                MaskedInput(id="applicant-id_number", placeholder=_t("applicant.scan_hint")),
                key="applicant.id_number",
            )
            yield from self._row(
                _t("applicant.valid_until"),
                Input(id="applicant-id_valid_until", placeholder=_t("applicant.valid_hint")),
                key="applicant.id_valid_until",
            )
        with Vertical(id="applicant-organization"):
            yield from self._row(
                _t("applicant.org_name"),
                Input(id="applicant-org_name", placeholder=_t("applicant.org_name_hint")),
                key="applicant.org_name",
            )
            yield from self._row(
                _t("applicant.uscc"),
                Input(id="applicant-uscc", placeholder=_t("applicant.uscc_hint")),
                key="applicant.uscc",
            )
            yield from self._row(
                _t("applicant.legal_rep"),
                Input(id="applicant-legal_rep"),
                key="applicant.legal_rep",
            )
        yield from self._row(
            _t("applicant.phone"),
            MaskedInput(id="applicant-phone", mask_kind="phone"),
            key="applicant.phone",
        )
        yield Checkbox(_t("agent.toggle"), id="agent-on")
        yield Static("", classes="intake-message", id="msg-agent", markup=False)
        with Vertical(id="agent-fields"):
            yield from self._row(_t("agent.name"), Input(id="agent-name"), key="agent.name")
            yield from self._row(_t("agent.id"), self._id_select("agent"), key="agent.id_type")
            yield from self._row(
                _t("applicant.id_number"),
                MaskedInput(id="agent-id_number", placeholder=_t("applicant.scan_hint")),
                key="agent.id_number",
            )
            yield from self._row(
                _t("applicant.valid_until"),
                Input(id="agent-id_valid_until", placeholder=_t("applicant.valid_hint")),
                key="agent.id_valid_until",
            )
            yield from self._row(
                _t("applicant.phone"),
                MaskedInput(id="agent-phone", mask_kind="phone"),
                key="agent.phone",
            )

    def on_mount(self) -> None:
        self._show_kind(PERSON)
        self.query_one("#agent-fields").display = False
        for message in self.query(".intake-message"):
            message.display = False

    # ------------------------------------------------------------------ public API

    @property
    def id_input(self) -> Input:
        """Where a scan goes: the USCC for an organization, else the ID number."""
        if self.kind == ORGANIZATION:
            return self.query_one("#applicant-uscc", Input)
        return self.query_one("#applicant-id_number", Input)

    def load(self, form: IntakeForm) -> None:
        """Show `form` without posting Changed messages."""
        self._loading = True
        try:
            self._show_kind(form.kind)
            self.query_one("#kind-organization", RadioButton).value = form.kind == ORGANIZATION
            self.query_one("#kind-person", RadioButton).value = form.kind != ORGANIZATION
            person = form.applicant
            name_id = "#applicant-org_name" if form.kind == ORGANIZATION else "#applicant-name"
            self.query_one(name_id, Input).value = person.name
            self.query_one("#applicant-id_type", Select).value = person.id_type
            self.query_one("#applicant-id_number", Input).value = person.id_number
            self.query_one("#applicant-id_valid_until", Input).value = person.id_valid_until
            self.query_one("#applicant-phone", Input).value = person.phone
            self.query_one("#applicant-uscc", Input).value = form.uscc
            self.query_one("#applicant-legal_rep", Input).value = form.legal_rep
            self.query_one("#agent-on", Checkbox).value = form.agent_on
            self.query_one("#agent-fields").display = form.agent_on
            agent = form.agent
            self.query_one("#agent-name", Input).value = agent.name
            self.query_one("#agent-id_type", Select).value = agent.id_type
            self.query_one("#agent-id_number", Input).value = agent.id_number
            self.query_one("#agent-id_valid_until", Input).value = agent.id_valid_until
            self.query_one("#agent-phone", Input).value = agent.phone
        finally:
            self.call_after_refresh(self._done_loading)

    def _done_loading(self) -> None:
        self._loading = False

    def set_revealed(self, revealed: bool) -> None:
        for field in self.query(MaskedInput):
            field.masked = not revealed
            field.refresh()

    def show_messages(self, messages: Mapping[str, FieldMessage]) -> None:
        for widget in self.query(".intake-message"):
            key = (widget.id or "").removeprefix("msg-").replace("-", ".", 1)
            if key == "applicant.org_name":
                key = "applicant.name"
            message = messages.get(key)
            assert isinstance(widget, Static)
            if message is None:
                widget.display = False
                show(widget, "")
                continue
            widget.display = True
            widget.update_classes({"-error": message.error, "-warning": not message.error})
            show(widget, ("✗ " if message.error else "· ") + message.text)

    # ------------------------------------------------------------------ events

    def _show_kind(self, kind: str) -> None:
        self.kind = kind
        self.query_one("#applicant-person").display = kind != ORGANIZATION
        self.query_one("#applicant-organization").display = kind == ORGANIZATION
        # the person part stays for an organization's contact? keep ID type/number hidden
        self.query_one("#row-applicant-id_type").display = kind != ORGANIZATION

    def _post(self, field: str, value: str | bool) -> None:
        if not self._loading:
            self.post_message(self.Changed(self, field, value))

    @on(RadioSet.Changed, "#applicant-kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        kind = ORGANIZATION if event.pressed.id == "kind-organization" else PERSON
        if kind == self.kind:
            return
        # carry the name over: the person's name field and the organization's are different
        old = "#applicant-name" if kind == ORGANIZATION else "#applicant-org_name"
        new = "#applicant-org_name" if kind == ORGANIZATION else "#applicant-name"
        with self.prevent(Input.Changed):
            self.query_one(new, Input).value = self.query_one(old, Input).value
        self._show_kind(kind)
        self._post("kind", kind)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        widget_id = event.input.id or ""
        prefix, _, name = widget_id.partition("-")
        if name == "org_name":
            name = "name"
        self._post(f"{prefix}.{name}", event.value)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        widget_id = event.select.id or ""
        prefix, _, name = widget_id.partition("-")
        if isinstance(event.value, str):
            self._post(f"{prefix}.{name}", event.value)

    @on(Checkbox.Changed, "#agent-on")
    def _agent_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#agent-fields").display = event.value
        self._post("agent_on", event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        widget_id = event.input.id or ""
        if widget_id in ("applicant-id_number", "applicant-uscc", "agent-id_number"):
            scan = _parse_scan(event.value)
            if scan is not None:
                target = "agent" if widget_id.startswith("agent") else "applicant"
                self.post_message(self.Scanned(self, scan, target))
                return
        self.screen.focus_next()

    def apply_scan(self, scan: Scan, target: str) -> None:
        """Put a parsed scan into the fields (posting Changed for each, like typing would)."""
        if target == "agent":
            if scan.name:
                self.query_one("#agent-name", Input).value = scan.name
            self.query_one("#agent-id_number", Input).value = scan.number
            if scan.valid_until:
                self.query_one("#agent-id_valid_until", Input).value = scan.valid_until
            return
        if scan.kind != self.kind:
            button = "#kind-organization" if scan.kind == ORGANIZATION else "#kind-person"
            self.query_one(button, RadioButton).value = True
            self._show_kind(scan.kind)
            self._post("kind", scan.kind)
        if scan.kind == ORGANIZATION:
            typed_into = self.query_one("#applicant-id_number", Input)
            if (
                "|" in typed_into.value
                or "｜" in typed_into.value
                or (typed_into.value.strip().upper() == scan.number)
            ):
                typed_into.value = ""  # the burst landed in the person's ID field
            if scan.name:
                self.query_one("#applicant-org_name", Input).value = scan.name
            self.query_one("#applicant-uscc", Input).value = scan.number
            if scan.legal_rep:
                self.query_one("#applicant-legal_rep", Input).value = scan.legal_rep
        else:
            typed_into = self.query_one("#applicant-uscc", Input)
            if (
                "|" in typed_into.value
                or "｜" in typed_into.value
                or (typed_into.value.strip().upper() == scan.number)
            ):
                typed_into.value = ""  # the burst landed in the organization's USCC field
            if scan.name:
                self.query_one("#applicant-name", Input).value = scan.name
            self.query_one("#applicant-id_number", Input).value = scan.number
            if scan.valid_until:
                self.query_one("#applicant-id_valid_until", Input).value = scan.valid_until
