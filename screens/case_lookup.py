"""办件查询: find a case by its number (typed, or scanned from the receipt's barcode — a
keyboard-wedge scanner "types" the digits and Enter in a burst), the applicant's ID number or
USCC, or a phone number; a list of what matched; Enter opens the case view.

A scanned (or typed) case number that matches exactly one case opens it at once: the applicant
hands over the receipt, the clerk scans it, the case is on screen. Typing while the list has the
focus goes to the search field, so a scan never gets lost.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from clerk import i18n
from clerk.cases import CaseNumberError, normalize_case_number, parse_case_number
from screens.base import ClerkScreen
from screens.case_view import CaseViewScreen, status_label
from screens.components.steady_footer import SteadyFooter
from screens.errors import error_text, session_ended
from screens.keymap import KeyAction, register
from services.client import HallClientError
from services.client_cases import CaseSummary

LOOKUP_BACK = KeyAction("caselookup.back", "escape", "back", "caseview.keys.back")
LOOKUP_FOCUS = KeyAction("caselookup.focus", "ctrl+f", "focus_search", "caseview.keys.lookup")


def promised_cell(case: CaseSummary) -> str:
    """The promised date in the list, marked when it is an estimate (a year nobody published)."""
    if case.promised_date is None:
        return "—"
    shown = case.promised_date.isoformat()
    return _t("lookup.promised_estimated", date=shown) if case.promised_estimated else shown


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"caseview.{key}", **values)


def as_case_number(text: str) -> str | None:
    """The case number in `text` when it is one (scanned or typed), else None."""
    try:
        return str(parse_case_number(normalize_case_number(text)))
    except CaseNumberError:
        return None


def looks_like_case_number(text: str) -> bool:
    value = normalize_case_number(text)
    return len(value) == 20 and value.isdigit()


class CaseLookupScreen(ClerkScreen):
    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/caseview.tcss"]
    BINDINGS = register(LOOKUP_BACK, LOOKUP_FOCUS)

    def __init__(self, query: str = "") -> None:
        super().__init__(id="case-lookup")
        self.initial = query
        self.found: list[CaseSummary] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="lookup-main"):
            yield Static(_t("lookup.title"), id="lookup-title", markup=False)
            yield Input(self.initial, placeholder=_t("lookup.placeholder"), id="lookup-input")
            yield Static(_t("lookup.hint"), id="lookup-hint", markup=False)
            yield DataTable(id="lookup-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="lookup-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(DataTable)
        table.add_columns(
            _t("lookup.col_case"),
            _t("lookup.col_item"),
            _t("lookup.col_applicant"),
            _t("lookup.col_status"),
            _t("lookup.col_promised"),
        )
        self.query_one(Input).focus()
        if self.initial.strip():
            self.search(self.initial)

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#lookup-message", Static)
        line.set_class(error, "-error")
        line.update(text)

    @property
    def message(self) -> str:
        return str(self.query_one("#lookup-message", Static).render())

    def action_back(self) -> None:
        self.dismiss()

    def action_focus_search(self) -> None:
        self.query_one(Input).focus()

    def on_key(self, event: events.Key) -> None:
        """A scan (or typing) while the list has the focus goes to the search field.

        Not a binding: this is text entry redirected (any letter or digit, as typed or as a
        scanner sends it), not a command — there is no key to name, show or remap."""
        field = self.query_one(Input)
        if self.focused is field or not event.is_printable or not event.character:
            return
        if event.character.isalnum():
            field.value = event.character  # a new query starts
            field.cursor_position = len(field.value)
            field.focus()
            event.stop()
            event.prevent_default()

    @on(Input.Submitted, "#lookup-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.search(event.value)

    @on(DataTable.RowSelected, "#lookup-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key:
            self.app.push_screen(CaseViewScreen(str(key)))

    @work(exclusive=True, group="caselookup")
    async def search(self, text: str) -> None:
        query = text.strip()
        if not query:
            return
        number = as_case_number(query)
        if number is None and looks_like_case_number(query):
            try:
                parse_case_number(query)
            except CaseNumberError as exc:
                self.say(_t("lookup.bad_number", message=exc.message()), error=True)
                return
        self.say(_t("lookup.searching"))
        try:
            found = await self.clerk.client.find_cases(number or query)
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
            else:
                self.say(error_text(exc), error=True)
            return
        self.show(found)
        if not found:
            self.say(_t("lookup.none", q=query), error=True)
            return
        self.say(_t("lookup.found", count=len(found)))
        if number is not None and len(found) == 1:
            self.query_one(Input).value = ""
            self.app.push_screen(CaseViewScreen(found[0].case_no))
        else:
            self.query_one(DataTable).focus()

    def show(self, found: list[CaseSummary]) -> None:
        self.found = found
        table = self.query_one(DataTable)
        table.clear()
        for case in found:
            table.add_row(
                case.case_no,
                case.item_name,
                f"{case.applicant_name} {case.applicant_id_masked or ''}".strip(),
                status_label(case.status),
                promised_cell(case),
                key=case.case_no,
            )
