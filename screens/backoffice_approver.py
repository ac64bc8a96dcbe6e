"""The approver screen of the reference back office (`clerk backoffice-approver`): the cases the
simulator received, and keys that move the selected one to 审批中 / 办结 / 需补正 / 不予许可 /
已制证. It talks to the SIMULATOR over HTTP (httpx), never to the hall; the simulator then calls
the hall back, signed, as a real back office would. Start the simulator with --manual."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx
from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Static

from clerk import i18n
from screens.base import localize_bindings
from screens.components.steady_footer import SteadyFooter
from screens.keymap import KeyAction, register

STATUSES = ("in_review", "approved", "needs_correction", "denied", "certificate_made")

APPROVER_KEYS = (
    KeyAction("approver.in_review", "r", "move('in_review')", "handoff.approver.in_review"),
    KeyAction("approver.approved", "a", "move('approved')", "handoff.approver.approved"),
    KeyAction(
        "approver.needs_correction",
        "c",
        "move('needs_correction')",
        "handoff.approver.needs_correction",
    ),
    KeyAction("approver.denied", "d", "move('denied')", "handoff.approver.denied"),
    KeyAction(
        "approver.certificate_made",
        "m",
        "move('certificate_made')",
        "handoff.approver.certificate_made",
    ),
    KeyAction("approver.refresh", "f5", "reload", "handoff.approver.refresh"),
)
QUIT_KEY = KeyAction("approver.quit", "ctrl+q", "quit", "handoff.approver.quit", priority=True)


def status_label(status: str) -> str:
    key = f"handoff.status.{status}"
    return i18n.t(key) if i18n.has(key) else status


class ApproverScreen(Screen[None]):
    CSS_PATH = "styles/backoffice_approver.tcss"
    BINDINGS: ClassVar[list[BindingType]] = register(*APPROVER_KEYS)

    def __init__(
        self,
        url: str,
        *,
        client: httpx.AsyncClient | None = None,
        refresh_s: float = 2.0,
    ) -> None:
        super().__init__()
        localize_bindings(self)
        self.url = url.rstrip("/")
        self.http = client or httpx.AsyncClient(base_url=self.url, timeout=5.0)
        self.refresh_s = refresh_s
        self.cases: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Static(f"{i18n.t('handoff.approver.title')} — {self.url}", id="approver-title")
        yield DataTable(id="approver-cases", cursor_type="row", zebra_stripes=True)
        yield Static("", id="approver-message")
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in ("case", "department", "item", "status", "seq"):
            table.add_column(i18n.t(f"handoff.approver.col_{key}"), key=key)
        self.action_reload()
        self.set_interval(self.refresh_s, self.action_reload)

    async def on_unmount(self) -> None:
        await self.http.aclose()

    def say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#approver-message", Static)
        message.update(text)
        message.set_class(error, "error")

    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.cases or table.cursor_row < 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0))
        return str(row_key.value) if row_key.value is not None else None

    def show(self, cases: list[dict[str, Any]]) -> None:
        table = self.query_one(DataTable)
        keep = self.selected()
        self.cases = cases
        table.clear()
        for case in cases:
            table.add_row(
                case["case_no"],
                case.get("department", ""),
                case.get("item", ""),
                status_label(str(case["status"])),
                str(case.get("seq", 0)),
                key=case["case_no"],
            )
        if keep is not None:
            for index, case in enumerate(cases):
                if case["case_no"] == keep:
                    table.move_cursor(row=index)
        if not cases:
            self.say(i18n.t("handoff.approver.empty"))

    @work(exclusive=True, group="approver-load")
    async def action_reload(self) -> None:
        try:
            answer = await self.http.get("/approver/cases")
            answer.raise_for_status()
        except httpx.HTTPError as exc:
            self.say(
                i18n.t("handoff.approver.unreachable", url=self.url, error=type(exc).__name__),
                error=True,
            )
            return
        self.show(list(answer.json()))

    @work(exclusive=True, group="approver-move")
    async def action_move(self, status: str) -> None:
        case_no = self.selected()
        if case_no is None or status not in STATUSES:
            return
        try:
            answer = await self.http.post(f"/approver/cases/{case_no}", json={"status": status})
        except httpx.HTTPError as exc:
            self.say(i18n.t("handoff.approver.refused", error=type(exc).__name__), error=True)
            return
        if answer.status_code != 200:
            error = answer.json().get("error", answer.status_code)
            self.say(i18n.t("handoff.approver.refused", error=error), error=True)
            return
        self.say(i18n.t("handoff.approver.moved", case_no=case_no, status=status_label(status)))
        self.action_reload()


class ApproverApp(App[None]):
    """A one-screen app around ApproverScreen (`clerk backoffice-approver`)."""

    BINDINGS: ClassVar[list[BindingType]] = register(QUIT_KEY)

    def __init__(self, url: str, *, refresh_s: float = 2.0) -> None:
        super().__init__()
        localize_bindings(self)
        self.url = url
        self.refresh_s = refresh_s
        self.title = i18n.t("handoff.approver.title")

    def on_mount(self) -> None:
        self.push_screen(ApproverScreen(self.url, refresh_s=self.refresh_s))
