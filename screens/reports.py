"""The daily report screen (日报): a day or a range of days, the figures per category, per window
and per clerk (clerk.reports), exported as CSV or PDF into <data dir>/reports/."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static

from clerk import i18n, paths
from clerk.clock import hall_day
from clerk.reports import (
    COLUMNS,
    DailyReport,
    ReportRow,
    period_text,
    row_names,
    row_values,
    to_csv,
)
from screens.base import ClerkScreen
from screens.components.steady_footer import SteadyFooter
from screens.errors import error_text, session_ended
from screens.keymap import KeyAction, register
from services.client import HallClientError

LOAD = KeyAction("report_load", "f5", "load", "supervisor.report_keys.load")
CSV = KeyAction("report_export_csv", "f7", "export('csv')", "supervisor.report_keys.csv")
PDF = KeyAction("report_export_pdf", "f9", "export('pdf')", "supervisor.report_keys.pdf")
CLOSE = KeyAction("report_close", "escape", "close", "supervisor.report_keys.close")
SECTIONS = ("category", "window", "clerk")


def reports_folder() -> Path:
    return paths.data_dir() / "reports"


def _parse(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class ReportScreen(ClerkScreen):
    CSS_PATH: ClassVar = "styles/supervisor.tcss"
    BINDINGS = register(LOAD, CSV, PDF, CLOSE)

    def __init__(self) -> None:
        super().__init__(id="reports")
        self.report: DailyReport | None = None
        self.exported: Path | None = None

    def compose(self) -> ComposeResult:
        today_text = hall_day(self.clerk.clock()).isoformat()
        yield Static(i18n.t("supervisor.report.title"), id="report-title", markup=False)
        with Horizontal(id="report-form"):
            yield Label(i18n.t("supervisor.report_screen.from"))
            yield Input(value=today_text, id="report-from", max_length=10)
            yield Label(i18n.t("supervisor.report_screen.to"))
            yield Input(placeholder=i18n.t("supervisor.report_screen.to_hint"), id="report-to",
                        max_length=10)  # fmt: skip
        yield Static("", id="report-total", markup=False)
        with VerticalScroll(id="report-tables"):
            for section in SECTIONS:
                yield Static(i18n.t(f"supervisor.report.by_{section}"), markup=False)
                yield DataTable(id=f"report-{section}", zebra_stripes=True)
        yield Static("", id="report-message", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        for section in SECTIONS:
            table = self.query_one(f"#report-{section}", DataTable)
            table.add_columns(
                i18n.t("supervisor.report.col.key"),
                i18n.t("supervisor.report.col.label"),
                *(i18n.t(f"supervisor.report.col.{c}") for c in COLUMNS),
            )
        self.query_one("#report-from", Input).focus()
        self.action_load()

    def say(self, text: str, *, error: bool = False) -> None:
        widget = self.query_one("#report-message", Static)
        widget.update(text)
        widget.set_class(error, "-error")

    @property
    def message(self) -> str:
        return str(self.query_one("#report-message", Static).render())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "report-from":
            self.query_one("#report-to", Input).focus()
        else:
            self.action_load()

    def _range(self) -> tuple[date, date | None] | None:
        first = _parse(self.query_one("#report-from", Input).value)
        to_text = self.query_one("#report-to", Input).value.strip()
        last = _parse(to_text) if to_text else None
        if first is None or (to_text and last is None):
            self.say(i18n.t("supervisor.report_screen.bad_date"), error=True)
            return None
        return first, last

    def action_load(self) -> None:
        wanted = self._range()
        if wanted is not None:
            self.load(*wanted)

    @work(exclusive=True, group="report-load")
    async def load(self, first: date, last: date | None) -> None:
        try:
            report = await self.clerk.client.daily_report(first, last)
        except HallClientError as exc:
            if session_ended(exc):
                self.clerk.session_lost(error_text(exc))
                return
            self.say(error_text(exc), error=True)
            return
        self.show(report)

    def show(self, report: DailyReport) -> None:
        self.report = report
        total = report.total
        self.query_one("#report-total", Static).update(
            i18n.t(
                "supervisor.report_screen.total",
                period=period_text(report),
                tickets=total.tickets,
                served=total.served,
                wait=row_values(total)[4] or "—",
                service=row_values(total)[7] or "—",
                cases=total.cases,
            )
        )
        groups: dict[str, tuple[ReportRow, ...]] = {
            "category": report.categories,
            "window": report.windows,
            "clerk": report.clerks,
        }
        for section, rows in groups.items():
            table = self.query_one(f"#report-{section}", DataTable)
            table.clear()
            for row in rows:
                table.add_row(*row_names(row), *row_values(row))
        self.say(i18n.t("supervisor.report_screen.loaded", period=period_text(report)))

    def action_export(self, fmt: str) -> None:
        if self.report is None:
            self.say(i18n.t("supervisor.report_screen.nothing"), error=True)
            return
        report = self.report
        name = f"daily-{report.first.isoformat()}"
        if report.last != report.first:
            name += f"_{report.last.isoformat()}"
        target = reports_folder() / f"{name}.{fmt}"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "csv":
                target.write_bytes(("\ufeff" + to_csv(report)).encode("utf-8"))
            else:
                from printing.report_pdf import ReportFontMissing, render_report_pdf

                try:
                    data = render_report_pdf(
                        report,
                        hall_name=self.clerk.settings.hall.name,
                        generated_at=self.clerk.clock(),
                        font=self.clerk.settings.printer.font,
                    )
                except ReportFontMissing as exc:
                    self.say(str(exc), error=True)
                    return
                target.write_bytes(data)
        except OSError as exc:
            self.say(f"{target}: {exc.strerror or exc}", error=True)
            return
        self.exported = target
        self.say(i18n.t("supervisor.report_screen.exported", path=str(target)))

    def action_close(self) -> None:
        self.dismiss()
