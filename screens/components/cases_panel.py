"""The window home's cases panel (办件): a lookup field (case number, a scanned receipt, ID number,
phone) and this hall's worklist — results waiting for pickup, results to mail, cases the back
office sent back (需补正), cases over or close to their promised date, and today's cases of this
window. Enter on a row opens the case view. Live: the list is read again when a case event
arrives on the hall's stream.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, Static, TabbedContent

from clerk import i18n
from screens.base import localize_bindings
from screens.case_lookup import as_case_number
from screens.case_view import CaseViewScreen, status_label
from screens.errors import error_text, session_ended
from screens.keymap import KeyAction, register
from services.client import HallClientError
from services.client_pickup import CASE_CREATED, CASE_EVENT, Worklist, WorkRow

if TYPE_CHECKING:
    from screens.app import ClerkApp

log = logging.getLogger("screens.cases_panel")

CASES_REFRESH = KeyAction("cases.refresh", "ctrl+r", "reload", "caseview.keys.refresh")
CASES_FIND = KeyAction("cases.find", "ctrl+f", "focus_lookup", "caseview.keys.lookup")

LIVE_GROUP = "live-cases"
RETRY_S = 2.0
SECTIONS = (
    ("ready_for_pickup", "panel.ready", "bold green"),
    ("to_mail", "panel.to_mail", "bold cyan"),
    ("needs_correction", "panel.correction", "bold yellow"),
    ("deadline", "panel.deadline", "bold red"),
    ("recent", "panel.recent", ""),
)


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"caseview.{key}", **values)


def flag_text(row: WorkRow) -> Text:
    flag = row.deadline
    if flag.state == "overdue":
        return Text(_t("deadline.overdue_text", days=flag.workdays_over), "bold red")
    if flag.state == "near":
        return Text(_t("deadline.near_text", days=flag.workdays_left), "bold yellow")
    return Text("")


class CasesPanel(Vertical):
    DEFAULT_CSS = """
    CasesPanel { height: 1fr; }
    CasesPanel #cases-lookup { margin: 0; }
    CasesPanel #cases-counts { height: auto; padding: 0 1; }
    CasesPanel #cases-table { height: 1fr; }
    CasesPanel #cases-message { height: auto; color: $text-muted; }
    CasesPanel #cases-message.-error { color: $error; }
    """
    BINDINGS: ClassVar = register(CASES_REFRESH, CASES_FIND)
    can_focus = False

    def __init__(self, *, id: str | None = "cases-panel") -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self.worklist: Worklist | None = None
        self.loads = 0
        self.ready = asyncio.Event()

    @property
    def clerk(self) -> ClerkApp:
        from screens.app import ClerkApp

        assert isinstance(self.app, ClerkApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_t("panel.lookup"), id="cases-lookup")
        yield Static("", id="cases-counts", markup=False)
        yield DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="cases-message", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "",
            _t("lookup.col_case"),
            _t("lookup.col_item"),
            _t("lookup.col_applicant"),
            _t("lookup.col_status"),
            _t("lookup.col_promised"),
            _t("lookup.col_flag"),
        )
        self.reload()
        self.follow()
        try:
            tabs = self.screen.query_one("#panel-tabs", TabbedContent)
        except NoMatches:
            return
        self.watch(tabs, "active", self._tab_changed, init=False)

    def _tab_changed(self, active: str) -> None:
        parent = self.parent
        if parent is not None and parent.id == active:
            self.query_one("#cases-lookup", Input).focus()

    def has_unsaved(self) -> bool:
        return False

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#cases-message", Static)
        line.set_class(error, "-error")
        line.update(text)

    def action_reload(self) -> None:
        self.reload()

    def action_focus_lookup(self) -> None:
        self.query_one("#cases-lookup", Input).focus()

    # ---- reading

    def _window(self) -> int | None:
        session = self.clerk.session
        return session.window.number if session and session.window else None

    @work(exclusive=True, group="cases-load")
    async def reload(self) -> None:
        try:
            found = await self.clerk.client.worklist(window_no=self._window())
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
            else:
                self.say(error_text(exc), error=True)
            return
        self.show(found)
        self.loads += 1
        self.ready.set()

    def show(self, found: Worklist) -> None:
        self.worklist = found
        counts = Text()
        table = self.query_one(DataTable)
        table.clear()
        seen: set[str] = set()
        for name, label, style in SECTIONS:
            rows: tuple[WorkRow, ...] = getattr(found, name)
            counts.append(_t(label, count=len(rows)) + "   ", style if rows else "dim")
            for row in rows:
                if row.case_no in seen:
                    continue
                seen.add(row.case_no)
                table.add_row(
                    Text(_t(label, count="").strip(), style),
                    row.case_no,
                    row.item_name,
                    f"{row.applicant_name} {row.applicant_id_masked or ''}".strip(),
                    status_label(row.status),
                    row.promised_date.isoformat() if row.promised_date else "—",
                    flag_text(row),
                    key=row.case_no,
                )
        self.query_one("#cases-counts", Static).update(counts)

    def row_keys(self) -> list[str]:
        table = self.query_one(DataTable)
        return [str(key.value) for key in table.rows]

    @work(exclusive=True, group=LIVE_GROUP)
    async def follow(self) -> None:
        while True:
            try:
                async for event in self.clerk.client.events():
                    if event.type in (CASE_EVENT, CASE_CREATED):
                        self.reload()
            except HallClientError as exc:
                if session_ended(exc):
                    return
                log.info("cases panel stream interrupted: %s", exc.code)
            await asyncio.sleep(RETRY_S)

    # ---- opening cases

    @on(DataTable.RowSelected, "#cases-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(CaseViewScreen(str(event.row_key.value)))

    @on(Input.Submitted, "#cases-lookup")
    def _lookup(self, event: Input.Submitted) -> None:
        from screens.case_lookup import CaseLookupScreen

        text = event.value.strip()
        event.input.value = ""
        if not text:
            return
        number = as_case_number(text)
        if number is not None:  # a scanned receipt: straight to the case
            self.app.push_screen(CaseViewScreen(number))
        else:
            self.app.push_screen(CaseLookupScreen(text))
