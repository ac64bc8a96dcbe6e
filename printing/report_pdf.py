"""The daily report (clerk.reports.DailyReport) as a PDF: A4 landscape, the hall's CJK font
embedded so the text stays extractable; one table per grouping and the arrivals per hour as bars."""

from __future__ import annotations

import warnings
from datetime import datetime

from clerk import i18n
from clerk.clock import datetime_text
from clerk.reports import COLUMNS, DailyReport, ReportRow, period_text, row_names, row_values
from printing.fonts import INSTALL_HINT, find_cjk_font
from printing.pdf_fonts import add_cjk_fonts, lend_fonts

__all__ = ["ReportFontMissing", "render_report_pdf"]

MARGIN = 12.0
GREY = (110, 110, 110)
HEAD_FILL = (225, 233, 245)
BAR = (40, 90, 160)


class ReportFontMissing(RuntimeError):
    """No CJK font on this machine."""


def _widths(total: float) -> list[float]:
    """Code, name, then the figures."""
    code, name = 14.0, 40.0
    rest = (total - code - name) / len(COLUMNS)
    return [code, name, *([rest] * len(COLUMNS))]


def _table(pdf: object, title: str, rows: tuple[ReportRow, ...], width: float) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    t = i18n.t
    pdf.set_font("cjk", "B", 11)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    widths = _widths(width)
    header = [t("supervisor.report.col.key"), t("supervisor.report.col.label")] + [
        t(f"supervisor.report.col.{c}") for c in COLUMNS
    ]
    pdf.set_font("cjk", "B", 7)
    pdf.set_fill_color(*HEAD_FILL)
    for w, text in zip(widths, header, strict=True):
        # times are in minutes (said once under the title): keep each heading on one line
        short = text.replace("(分)", "").replace(" (min)", "")
        pdf.cell(w, 6, short, border=1, align="C", fill=True)
    pdf.ln(6)
    pdf.set_font("cjk", "", 8)
    if not rows:
        pdf.cell(0, 6, t("supervisor.report.none"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    for row in rows:
        if pdf.will_page_break(6):
            pdf.add_page()
        key, label = row_names(row)
        cells = [key, label, *row_values(row)]
        for i, (w, text) in enumerate(zip(widths, cells, strict=True)):
            pdf.cell(w, 6, text, border=1, align="L" if i < 2 else "R")
        pdf.ln(6)
    pdf.ln(3)


def _hours(pdf: object, report: DailyReport, width: float) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    first, last = report.hour_span
    hours = list(range(first, last + 1))
    counts = [report.total.hours[h] for h in hours]
    top = max(counts) or 1
    chart_h = 40.0
    if pdf.will_page_break(chart_h + 20):
        pdf.add_page()
    pdf.set_font("cjk", "B", 11)
    pdf.cell(0, 8, i18n.t("supervisor.report.hours_title"), new_x="LMARGIN", new_y="NEXT")
    base = pdf.get_y() + chart_h + 5
    slot = min(18.0, width / max(1, len(hours)))
    pdf.set_font("cjk", "", 8)
    for i, (hour, count) in enumerate(zip(hours, counts, strict=True)):
        x = pdf.l_margin + i * slot
        h = chart_h * count / top
        pdf.set_fill_color(*BAR)
        if h > 0:
            pdf.rect(x + slot * 0.15, base - h, slot * 0.7, h, style="F")
        pdf.set_xy(x, base - h - 5)
        pdf.cell(slot, 4, str(count), align="C")
        pdf.set_xy(x, base + 1)
        pdf.cell(slot, 4, f"{hour}:00", align="C")
    pdf.set_xy(pdf.l_margin, base + 8)


def render_report_pdf(
    report: DailyReport,
    *,
    hall_name: str,
    generated_at: datetime,
    font: str | None = None,
) -> bytes:
    choice = find_cjk_font(font)
    if choice is None:
        raise ReportFontMissing(i18n.t("supervisor.report.no_font", hint=INSTALL_HINT))
    from fpdf import FPDF

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pdf = FPDF(orientation="L", format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    add_cjk_fonts(pdf, choice)
    t = i18n.t
    title = t("supervisor.report.title")
    pdf.set_title(f"{title} {period_text(report)}")
    pdf.set_creator("clerk")
    pdf.set_lang("zh-CN" if i18n.language() == "zh-CN" else "en")
    pdf.add_page()
    width = pdf.w - 2 * MARGIN
    pdf.set_font("cjk", "", 10)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 6, hall_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", "B", 16)
    pdf.cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 9)
    pdf.cell(
        0,
        6,
        t("supervisor.report.period", period=period_text(report))
        + "    "
        + t("supervisor.report.generated", at=datetime_text(generated_at))
        + "    "
        + t("supervisor.report.minutes_note"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    _table(pdf, t("supervisor.report.by_total"), (report.total,), width)
    _table(pdf, t("supervisor.report.by_category"), report.categories, width)
    _table(pdf, t("supervisor.report.by_window"), report.windows, width)
    _table(pdf, t("supervisor.report.by_clerk"), report.clerks, width)
    _hours(pdf, report, width)
    if report.audit_head is not None:
        pdf.ln(3)
        pdf.set_font("cjk", "", 8)
        pdf.set_text_color(*GREY)
        head = report.audit_head
        pdf.multi_cell(0, 5, t("supervisor.report.audit_head", count=head.count) + "：" + head.hash)
        pdf.set_text_color(0, 0, 0)
    lend_fonts(pdf)
    return bytes(pdf.output())
