"""The case view (办件详情): who, what, the file, the decision, the promised date with its deadline
flag, what the back office asked for, the result — and the STATUS TIMELINE, live.

Live: the first read (`client.case_work`) carries the hall's event cursor; a worker follows the
event stream from there (`client.events`, reconnecting by itself) and reads the case again when a
`case.status` event names it — 已推送 → 审批中 → 办结 appear without a key press.

Keys (ids remappable in `[keymap]`), offered only when the case's status allows them:
    r  补正提交      needs_correction: tick the materials received, resubmit (same case number)
    a  结果到窗口    approved / denied / certificate_made: ready for pickup + SMS to the applicant
    h  出件          check the collector, hand over, print the 出件凭证 (HandoverRecord)
    m  邮寄          address + tracking number -> 已寄出
    p  补打回执      reprint the acceptance receipt marked 补打 with the time
    F5 refresh, Esc back
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from clerk import clock as clerk_clock
from clerk import i18n
from clerk.cases import CaseStatus
from printing import builders
from printing import documents as docs
from printing.documents import is_practice_number
from screens.base import ClerkScreen
from screens.components.caseview_dialogs import HandoverDialog, MailDialog, ResubmitDialog
from screens.components.steady_footer import SteadyFooter
from screens.errors import error_text, session_ended
from screens.keymap import KeyAction, register
from services.client import HallClientError
from services.client_pickup import CASE_EVENT, CaseWork

log = logging.getLogger("screens.case_view")

BACK = KeyAction("caseview.back", "escape", "back", "caseview.keys.back")
REFRESH = KeyAction("caseview.refresh", "f5", "refresh", "caseview.keys.refresh")
RESUBMIT = KeyAction("caseview.resubmit", "r", "resubmit", "caseview.keys.resubmit")
READY = KeyAction("caseview.ready", "a", "ready", "caseview.keys.ready")
HANDOVER = KeyAction("caseview.handover", "h", "handover", "caseview.keys.handover")
MAIL = KeyAction("caseview.mail", "m", "mail", "caseview.keys.mail")
REPRINT = KeyAction("caseview.reprint", "p", "reprint", "caseview.keys.reprint")
SECOND_VISIT = KeyAction("caseview.second_visit", "v", "second_visit", "caseview.keys.second_visit")
CASEVIEW_KEYS = (BACK, REFRESH, RESUBMIT, READY, HANDOVER, MAIL, REPRINT, SECOND_VISIT)

# action name -> the hall's action id (CaseWork.actions)
NEEDS = {"resubmit": "resubmit", "ready": "ready", "handover": "handover", "mail": "mail"}
NEEDS["reprint"] = "reprint"
NEEDS["second_visit"] = "second_visit"

LIVE_GROUP = "live-caseview"
RETRY_S = 2.0

STATUS_STYLE = {
    "needs_correction": "bold yellow",
    "approved": "bold green",
    "certificate_made": "bold green",
    "ready_for_pickup": "bold green",
    "handed_over": "green",
    "mailed": "green",
    "denied": "bold red",
    "refused": "red",
}


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"caseview.{key}", **values)


def status_label(status: str) -> str:
    try:
        return CaseStatus(status).label()
    except ValueError:
        return status


def local(moment: datetime | None, *, with_date: bool = True) -> str:
    if moment is None:
        return "—"
    if not with_date:
        return clerk_clock.time_text(moment, seconds=True)
    return clerk_clock.datetime_text(moment, seconds=True, year=False)


def deadline_text(work_: CaseWork) -> tuple[str, str]:
    flag = work_.deadline
    if flag.state == "overdue":
        return _t("deadline.overdue_text", days=flag.workdays_over), "bold red"
    if flag.state == "near":
        return _t("deadline.near_text", days=flag.workdays_left), "bold yellow"
    if flag.state == "ok":
        return _t("deadline.ok_text", days=flag.workdays_left), "green"
    return "", ""


def timeline_text(work_: CaseWork) -> Text:
    """One line per status change, oldest first, with what each change carried."""
    text = Text()
    events = work_.case.events
    if not events:
        text.append(_t("timeline.empty"), style="dim")
        return text
    for event in events:
        data = event.data or {}
        actor = event.actor
        if event.window_no:
            actor = _t("timeline.by_window", actor=actor, window=event.window_no)
        text.append(local(event.at) + "  ", style="dim")
        text.append(status_label(event.to_status), style=STATUS_STYLE.get(event.to_status, "bold"))
        text.append(f"  {actor}", style="dim")
        details: list[str] = []
        if event.note:
            details.append(event.note)
        if data.get("skipped"):
            names = "、".join(status_label(s) for s in data["skipped"])
            details.append(_t("timeline.skipped", statuses=names).strip())
        if data.get("materials_needed"):
            details.append(
                _t("timeline.materials_needed", names="、".join(data["materials_needed"]))
            )
        if event.to_status == "resubmitted" and data.get("received"):
            details.append(
                _t(
                    "timeline.resubmitted",
                    round=data.get("round"),
                    names="、".join(data["received"]),
                )
            )
        result = data.get("result")
        if isinstance(result, dict) and result.get("document_no"):
            details.append(_t("timeline.document", number=result["document_no"]))
        notified = data.get("notified")
        if isinstance(notified, dict):
            details.append(
                _t("timeline.notified", to=notified["to"])
                if notified.get("to")
                else _t("timeline.notify_skipped")
            )
        collector = data.get("collector")
        if isinstance(collector, dict):
            details.append(
                _t(
                    "timeline.handed",
                    name=collector.get("name", ""),
                    relation=_t(f"relation.{collector.get('relation', 'self')}"),
                    id=collector.get("id_masked", ""),
                )
            )
        if event.to_status == "mailed" and data.get("tracking_no"):
            details.append(
                _t(
                    "timeline.mailed",
                    carrier=data.get("carrier") or "",
                    tracking_no=data["tracking_no"],
                )
            )
        if details:
            text.append("\n    " + "；".join(details))
        text.append("\n")
    return text


def summary_text(work_: CaseWork) -> Text:
    case = work_.case
    text = Text()
    text.append(
        _t("view.item", item=case.item_name, department=case.department_name) + "\n", "bold"
    )
    applicant = case.applicant
    text.append(
        _t(
            "view.applicant",
            name=applicant.get("name", ""),
            id=applicant.get("uscc") or applicant.get("id_number") or "",
            phone=applicant.get("phone") or "",
        )
        + "\n"
    )
    if applicant.get("uscc") and (applicant.get("legal_rep") or applicant.get("id_number")):
        text.append(
            _t(
                "view.contact",
                legal_rep=applicant.get("legal_rep") or "—",
                id=applicant.get("id_number") or "—",
            )
            + "\n"
        )
    if case.agent:
        text.append(
            _t("view.agent", name=case.agent.get("name", ""), id=case.agent.get("id_number", ""))
            + "\n"
        )
    if case.follows_notice:
        text.append(_t("view.follows_notice", number=case.follows_notice) + "\n")
    text.append(
        _t(
            "view.decision",
            decision=status_label(case.decision),
            decided=local(case.decided_at),
            window=case.window_no or "-",
            clerk=case.clerk,
        )
        + "\n"
    )
    if case.promised.date is not None:
        text.append(
            _t(
                "view.promised",
                date=case.promised.date.isoformat(),
                limit=case.promised.limit or "",
            )
        )
        flag, style = deadline_text(work_)
        if flag:
            text.append("  " + flag, style=style)
        text.append("\n")
        if case.promised.estimated and case.promised.note:
            text.append(_t("view.estimate", note=case.promised.note) + "\n", style="italic")
    else:
        text.append(_t("view.no_promise") + "\n")
    delivery = case.delivery
    if delivery.get("method") == "mail":
        text.append(_t("view.delivery_mail", address=delivery.get("address", "")) + "\n")
    else:
        text.append(_t("view.delivery_pickup") + "\n")
    correction = work_.correction
    if correction is not None:
        style = "bold yellow" if correction.open else "dim"
        text.append("\n" + _t("view.correction_title") + "\n", style=style)
        for name in correction.materials_needed:
            text.append(f"  • {name}\n", style=style)
        if correction.note:
            text.append("  " + _t("view.correction_note", note=correction.note) + "\n")
        if not correction.open and correction.rounds:
            text.append("  " + _t("view.correction_done", rounds=correction.rounds) + "\n", "dim")
    if work_.result.get("status"):
        text.append("\n" + _t("view.result_line", text=work_.result.get("text", "")) + "\n", "bold")
    if work_.handover:
        collector = work_.handover.get("collector") or {}
        text.append(
            _t(
                "view.handover_line",
                name=collector.get("name", ""),
                relation=_t(f"relation.{collector.get('relation', 'self')}"),
                id=collector.get("id_masked", ""),
                at=local(_parse(work_.handover.get("at"))),
                window=work_.handover.get("window_no") or "-",
                clerk=work_.handover.get("clerk", ""),
            )
            + "\n",
            "green",
        )
    if work_.mail:
        text.append(
            _t(
                "view.mail_line",
                carrier=work_.mail.get("carrier", ""),
                tracking_no=work_.mail.get("tracking_no", ""),
                address=work_.mail.get("address", ""),
            )
            + "\n",
            "green",
        )
    if case.materials:
        text.append("\n" + _t("view.materials") + "\n", "bold")
        for row in case.materials:
            text.append(
                "  "
                + _t("view.material_row", state=row.get("state", ""), name=row.get("name", ""))
                + "\n"
            )
    return text


def _parse(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return clerk_clock.parse_instant(str(value)) if value else None


class CaseViewScreen(ClerkScreen):
    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/caseview.tcss"]
    BINDINGS = register(*CASEVIEW_KEYS)

    def __init__(self, case_no: str) -> None:
        super().__init__(id="case-view")
        self.case_no = case_no.strip()
        self.work: CaseWork | None = None
        self.cursor: int | None = None
        self.following = False
        self.live_updates = 0  # case.status events about this case seen (tests)
        self.loaded = asyncio.Event()
        self.printed: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="cv-main"):
            yield Static(_t("view.loading", case_no=self.case_no), id="cv-header", markup=False)
            with Horizontal(id="cv-body"):
                with VerticalScroll(id="cv-left"):
                    yield Static("", id="cv-summary", markup=False)
                with Vertical(id="cv-right"):
                    yield Static(_t("timeline.title"), id="cv-timeline-title", markup=False)
                    with VerticalScroll(id="cv-timeline-scroll"):
                        yield Static("", id="cv-timeline", markup=False)
            yield Static("", id="cv-live", markup=False)
            yield Static("", id="cv-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    # ---- showing

    @property
    def status(self) -> str:
        return self.work.case.status if self.work else ""

    def show(self, work_: CaseWork) -> None:
        before = self.status
        self.work = work_
        case = work_.case
        header = Text()
        header.append(_t("view.case_no", case_no=case.case_no) + "   ", "bold")
        header.append(
            _t("view.status", status=status_label(case.status)),
            STATUS_STYLE.get(case.status, "bold"),
        )
        flag, style = deadline_text(work_)
        if work_.deadline.flagged:
            header.append("   ⚠ " + flag, style)
        self.query_one("#cv-header", Static).update(header)
        self.query_one("#cv-summary", Static).update(summary_text(work_))
        self.query_one("#cv-timeline", Static).update(timeline_text(work_))
        self.query_one("#cv-timeline-scroll", VerticalScroll).scroll_end(animate=False)
        self.set_class(work_.deadline.state == "overdue", "-overdue")
        self.set_class(work_.deadline.state == "near", "-near")
        if before and before != case.status:
            self.say(_t("view.updated", status=status_label(case.status)))
        self.refresh_bindings()

    def say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#cv-message", Static)
        line.set_class(error, "-error")
        line.update(text)

    @property
    def message(self) -> str:
        return str(self.query_one("#cv-message", Static).render())

    def timeline_plain(self) -> str:
        return timeline_text(self.work).plain if self.work else ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needed = NEEDS.get(action)
        if needed is None:
            return True
        return self.work is not None and needed in self.work.actions

    # ---- reading and following

    @work(exclusive=True, group="caseview-load")
    async def load(self) -> None:
        try:
            work_ = await self.clerk.client.case_work(self.case_no)
        except HallClientError as exc:
            self._failed(exc)
            return
        self.show(work_)
        self.loaded.set()
        if not self.following:
            self.following = True
            self.cursor = work_.event_cursor
            self.follow()

    def _failed(self, exc: HallClientError) -> None:
        if session_ended(exc):
            self.clerk.session_lost(error_text(exc))
        else:
            self.say(error_text(exc), error=True)

    @work(exclusive=True, group=LIVE_GROUP)
    async def follow(self) -> None:
        live = self.query_one("#cv-live", Static)
        while True:
            try:
                live.update("● " + _t("view.live"))
                async for event in self.clerk.client.events(last_event_id=self.cursor):
                    self.cursor = event.id or self.cursor
                    if event.type == CASE_EVENT and event.data.get("case_no") == self.case_no:
                        self.live_updates += 1
                        self.load()
            except HallClientError as exc:
                if session_ended(exc):
                    self.clerk.session_lost(error_text(exc))
                    return
                live.update(_t("view.live_lost", detail=error_text(exc)))
            await asyncio.sleep(RETRY_S)

    # ---- actions

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.load()

    @work(exclusive=True, group="caseview-second-visit")
    async def action_second_visit(self) -> None:
        """A 一次性告知 case: the applicant is back — an intake filled from the first visit."""
        from screens.intake import IntakeScreen

        self.say(_t("view.second_visit_opening"))
        try:
            draft = await self.clerk.client.second_visit(self.case_no)
        except HallClientError as exc:
            self._failed(exc)
            return
        catalog, index = await self.clerk.catalog_and_index()
        self.say("")
        self.app.push_screen(
            IntakeScreen(catalog, index, self.clerk.client, draft=draft, offer_drafts=False)
        )

    def action_resubmit(self) -> None:
        if self.work is None or self.work.correction is None:
            return
        needed = list(self.work.correction.materials_needed)

        async def submit(values: dict[str, Any]) -> str | None:
            try:
                work_ = await self.clerk.client.resubmit(
                    self.case_no, values["received"], note=values["note"]
                )
            except HallClientError as exc:
                return error_text(exc)
            self.show(work_)
            self.say(_t("view.resubmitted", round=work_.record.get("round", "")))
            return None

        self.app.push_screen(ResubmitDialog(self.case_no, needed, submit))

    def action_ready(self) -> None:
        self._ready()

    @work(exclusive=True, group="caseview-act")
    async def _ready(self) -> None:
        try:
            work_ = await self.clerk.client.mark_ready(self.case_no)
        except HallClientError as exc:
            self._failed(exc)
            return
        self.show(work_)
        self.say(_t("view.ready_done"))

    def action_handover(self) -> None:
        if self.work is None:
            return
        case = self.work.case
        lines = [
            _t(
                "handover.applicant_is",
                name=case.applicant.get("name", ""),
                id=case.applicant.get("id_number") or case.applicant.get("uscc") or "",
            )
        ]
        if case.agent:
            lines.append(
                _t(
                    "handover.agent_is",
                    name=case.agent.get("name", ""),
                    id=case.agent.get("id_number", ""),
                )
            )
        lines.append(_t("handover.result", text=self.work.result.get("text", "")))

        async def submit(values: dict[str, Any]) -> str | None:
            try:
                work_ = await self.clerk.client.hand_over(self.case_no, **values)
            except HallClientError as exc:
                return error_text(exc)
            self.show(work_)
            collector = work_.record.get("collector") or {}
            self.say(
                _t(
                    "view.handed_done",
                    name=collector.get("name", ""),
                    relation=_t(f"relation.{collector.get('relation', 'self')}"),
                )
            )
            self._print(self._handover_record(work_), "view.printed_handover")
            return None

        self.app.push_screen(HandoverDialog(self.case_no, lines, submit))

    def action_mail(self) -> None:
        if self.work is None:
            return

        async def submit(values: dict[str, Any]) -> str | None:
            try:
                work_ = await self.clerk.client.mail_result(self.case_no, **values)
            except HallClientError as exc:
                return error_text(exc)
            self.show(work_)
            self.say(_t("view.mailed_done", tracking_no=work_.record.get("tracking_no", "")))
            return None

        self.app.push_screen(MailDialog(self.case_no, dict(self.work.case.delivery), submit))

    def action_reprint(self) -> None:
        self._reprint()

    # ---- paper

    def _now(self) -> datetime:
        return clerk_clock.aware(self.clerk.clock())

    def _hall(self) -> docs.Hall:
        return docs.Hall.from_settings(self.clerk.settings.hall)

    def _window(self) -> str:
        session = self.clerk.session
        return str(session.window.number) if session and session.window else ""

    def _clerk_name(self) -> str:
        session = self.clerk.session
        return session.user.display_name if session else ""

    def _handover_record(self, work_: CaseWork) -> docs.HandoverRecord:
        case = work_.case
        record = work_.record
        collector = record.get("collector") or {}
        return docs.HandoverRecord(
            hall=self._hall(),
            issued_at=self._now().replace(microsecond=0),
            case_number=case.case_no,
            items=(
                docs.ItemLine(
                    case.item_name, case.item_code, case.case_no, case.promised.limit or ""
                ),
            ),
            result=str((record.get("result") or {}).get("text") or work_.result.get("text", "")),
            collector_name=str(collector.get("name", "")),
            collector_id_masked=str(collector.get("id_masked", "")),
            relation=_t(f"relation.{collector.get('relation', 'self')}"),
            window=self._window(),
            clerk=self._clerk_name(),
        )

    @work(exclusive=True, group="caseview-reprint")
    async def _reprint(self) -> None:
        if self.work is None:
            return
        case = self.work.case
        try:
            visit = await self.clerk.client.visit(case.visit_id)
        except HallClientError as exc:
            self._failed(exc)
            return
        session = self.clerk.session
        names = {session.user.username: session.user.display_name} if session else {}
        # the very receipt the intake printed (printing.builders), marked 补打
        receipt = next(
            (
                d
                for d in builders.visit_documents(
                    visit,
                    hall=self._hall(),
                    practice=is_practice_number(case.case_no),
                    clerk_names=names,
                )
                if isinstance(d, docs.AcceptanceReceipt)
            ),
            None,
        )
        if receipt is None:
            self.say(_t("view.no_receipt"), error=True)
            return
        when = self._now().replace(microsecond=0)
        reprint = docs.as_reprint(receipt, when)
        self._print(reprint, "view.reprinted", at=local(when))

    @work(group="caseview-print")
    async def _print(self, doc: docs.Document, done_key: str, **values: Any) -> None:
        """Print in a thread; a printer problem is said on screen (the case is saved already)."""
        from printing.printers import PrintError, printer_from_settings

        def run() -> str:
            result = printer_from_settings(self.clerk.settings.printer).print(doc)
            return str(result.path or result.message())

        try:
            where = await asyncio.to_thread(run)
        except PrintError as exc:
            self.say(_t("view.print_failed", detail=exc.message()), error=True)
            return
        except Exception as exc:  # never lose the screen over paper
            log.exception("printing %s failed", doc.kind)
            self.say(_t("view.print_failed", detail=str(exc) or type(exc).__name__), error=True)
            return
        self.printed.append(where)
        self.say(_t(done_key, where=where, **values))
