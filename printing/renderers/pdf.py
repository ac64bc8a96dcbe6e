"""PDF (fpdf2), A4 or A5, with an embedded CJK font so the text stays extractable."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any

from clerk.i18n import t
from printing import layout as L
from printing.barcode import code128_image
from printing.documents import Document, number_of
from printing.fonts import FontChoice, find_cjk_font
from printing.layouts import layout as make_layout
from printing.pdf_fonts import add_cjk_fonts, lend_fonts

# fontTools' subsetter reports tables it drops (WenQuanYi's embedded bitmaps: "BDF NOT subset")
# on stderr through logging's last-resort handler — over the TUI's screen. They are not errors.
logging.getLogger("fontTools").setLevel(logging.ERROR)

__all__ = ["FontMissing", "render_pdf"]

PAGE = {"A4": (210.0, 297.0, 15.0), "A5": (148.0, 210.0, 10.0)}
GREY = (110, 110, 110)


class FontMissing(RuntimeError):
    """No CJK font: `clerk doctor` explains how to install one."""


def _pdf_class() -> type[Any]:
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    class _Paper(FPDF):
        watermark: str | None = None
        stamp: str | None = None
        running = ""
        footer_lines: tuple[str, ...] = ()
        small = 8.0

        def header(self) -> None:
            # page breaks happen in the middle of a cell: leave font, colours and position as found
            family, style, size = self.font_family, self.font_style, self.font_size_pt
            x, y = self.get_x(), self.get_y()
            with self.local_context():
                if self.watermark:
                    with self.local_context(fill_opacity=0.13, text_color=(200, 0, 0)):
                        self.set_font("cjk", "B", self.w / 4.2)
                        text = self.watermark.split()[0] if self.w < 160 else self.watermark
                        width = self.get_string_width(text)
                        cx, cy = self.w / 2, self.h / 2
                        with self.rotation(40, cx, cy):
                            self.text(cx - width / 2, cy + self.font_size / 3, text)
                if self.running and self.page_no() > 1:
                    self.set_font("cjk", "", self.small)
                    self.set_text_color(*GREY)
                    self.set_xy(self.l_margin, 5)
                    self.cell(0, 7, self.running, align="L")
                if self.stamp:
                    self.set_font("cjk", "B", 10)
                    self.set_text_color(200, 0, 0)
                    self.set_draw_color(200, 0, 0)
                    width = self.get_string_width(self.stamp) + 6
                    self.set_xy(self.w - self.r_margin - width, 5)
                    self.cell(width, 7, self.stamp, border=1, align="C")
            if family:
                self.set_font(family, style, size)
            self.set_xy(x, y)

        def set_font(self, family: Any = None, style: Any = "", size: float = 0) -> None:
            # a CJK font without a bold file has no bold face: "bold" is the regular one
            if family == "cjk" and "cjkB" not in self.fonts and isinstance(style, str):
                style = style.replace("B", "")
            super().set_font(family, style, size)

        def footer(self) -> None:
            with self.local_context():
                self.set_y(-self.b_margin + 2)
                self.set_font("cjk", "", self.small)
                self.set_text_color(*GREY)
                page = f"{self.page_no()}/{{nb}}"
                text = "    ".join((*self.footer_lines, page))
                self.multi_cell(0, self.small * 0.45, text, align="C", wrapmode=WrapMode.CHAR)

    return _Paper


def _font(font_path: str | None) -> FontChoice:
    choice = find_cjk_font(font_path)
    if choice is None:
        raise FontMissing(t("printing.error.no_font"))
    return choice


@dataclass(frozen=True)
class _Metrics:
    """Sizes shared by drawing and measuring, so that what is measured is what is drawn."""

    body: float  # body text size, pt
    line_h: float  # body line height, mm
    width: float  # text area width, mm
    margin: float
    scale: float
    date_label: str


# A heading is kept with its whole section when the section is at most this share of a page;
# a longer section keeps only its first lines with the heading.
KEEP_SECTION = 0.4
# fpdf2 compares summed glyph widths with the cell width; leave room for rounding.
EPS = 0.05


def render_pdf(
    doc: Document, paper: str = "A4", lang: str | None = None, font: str | None = None
) -> bytes:
    """The document as a PDF (A4 or A5)."""
    if paper not in PAGE:
        raise ValueError(f"PDF paper must be A4 or A5, not {paper}")
    choice = _font(font)
    lay = make_layout(doc, lang)
    page_w, _page_h, margin = PAGE[paper]
    scale = 1.0 if paper == "A4" else 0.86
    with warnings.catch_warnings():  # "Dimensions for page format A5 were fixed in 2.8.5"
        warnings.simplefilter("ignore", UserWarning)
        pdf = _pdf_class()(format=paper, unit="mm")
    pdf.set_margins(margin, margin + 2, margin)
    # the footer is one line (two on A5) of 8 pt: room for it and no more
    pdf.set_auto_page_break(True, margin + 2)
    add_cjk_fonts(pdf, choice, same_bold=False)
    number = number_of(doc)
    pdf.set_title(f"{lay.title} {number}")
    pdf.set_creator("clerk")
    pdf.set_lang("zh-CN" if (lang or "zh-CN") == "zh-CN" else "en")
    pdf.watermark = lay.watermark
    pdf.stamp = lay.stamp
    pdf.footer_lines = lay.footer
    # a page that comes apart from the first must still say which case it belongs to
    pdf.running = (
        t("printing.continued", lang=lang, title=lay.title, number=number) if number else ""
    )
    pdf.small = 8.0 * scale
    pdf.alias_nb_pages()
    pdf.add_page()
    body = 10 * scale
    m = _Metrics(
        body=body,
        line_h=body * 0.55,
        width=page_w - 2 * margin,
        margin=margin,
        scale=scale,
        date_label=t("printing.label.date", lang=lang),
    )

    _text(pdf, lay.hall_name, m, body * 0.95, "", m.line_h, "C", color=GREY)
    if lay.watermark:
        _text(pdf, f"【{lay.watermark}】", m, body, "B", m.line_h, "C", color=(200, 0, 0))

    blocks = list(lay.blocks)
    for n, block in enumerate(blocks):
        if isinstance(block, L.Heading):
            need = _keep_with_heading(pdf, block, blocks[n + 1 :], m)
            if pdf.get_y() + need > pdf.page_break_trigger and not _page_top(pdf):
                pdf.add_page()
        _draw(pdf, block, m)
    lend_fonts(pdf)
    return bytes(pdf.output())


def _page_top(pdf: Any) -> bool:
    """Nothing drawn on this page yet: a new page would only leave this one blank."""
    return bool(pdf.get_y() <= pdf.t_margin + 0.5)


def _keep_with_heading(pdf: Any, heading: L.Heading, rest: list[L.Block], m: _Metrics) -> float:
    """The height that must fit below a heading: its whole section when short, else its start."""
    section: list[L.Block] = []
    for block in rest:
        if isinstance(block, L.Heading | L.Rule):
            break
        section.append(block)
    own = _height(pdf, heading, m)
    whole = own + sum(_height(pdf, b, m) for b in section)
    if whole <= pdf.eph * KEEP_SECTION:
        return whole
    return own + (_height(pdf, section[0], m, lead=True) if section else 0.0)


# ---------------------------------------------------------------- drawing


def _draw(pdf: Any, block: L.Block, m: _Metrics) -> None:
    body, line_h = m.body, m.line_h
    if isinstance(block, L.Title):
        pdf.ln(1)
        _text(pdf, block.text, m, 18 * m.scale, "B", 18 * m.scale * 0.5, "C")
        pdf.ln(2)
    elif isinstance(block, L.Banner):
        pdf.ln(2)
        _text(pdf, block.text, m, body, "B", line_h * 1.2, "R")
    elif isinstance(block, L.Field):
        _field(pdf, block, m)
    elif isinstance(block, L.Heading):
        pdf.ln(2)
        _text(pdf, block.text, m, body * 1.05, "B", line_h * 1.2, "L")
        pdf.set_draw_color(150, 150, 150)
        pdf.line(m.margin, pdf.get_y(), m.margin + m.width, pdf.get_y())
        pdf.ln(1)
    elif isinstance(block, L.Table):
        _table(pdf, block, body * 0.92, m.width)
    elif isinstance(block, L.Paragraph):
        size = body * (0.85 if block.small else 1)
        _text(pdf, block.text, m, size, "", size * 0.58, "L", color=GREY if block.small else None)
        pdf.ln(0.8)
    elif isinstance(block, L.Barcode):
        _barcode(pdf, block.data, m)
    elif isinstance(block, L.BigText):
        _text(pdf, block.text, m, 48 * m.scale, "B", 48 * m.scale * 0.45, "C")
        pdf.ln(3)
    elif isinstance(block, L.Rule):
        pdf.ln(1.5)
        pdf.set_draw_color(0, 0, 0)
        pdf.line(m.margin, pdf.get_y(), m.margin + m.width, pdf.get_y())
        pdf.ln(1.5)
    elif isinstance(block, L.Signatures):
        _signatures(pdf, block, m)


def _text(
    pdf: Any,
    text: str,
    m: _Metrics,
    size: float,
    style: str,
    h: float,
    align: str,
    *,
    color: tuple[int, int, int] | None = None,
) -> None:
    pdf.set_font("cjk", style, size)
    if color is not None:
        pdf.set_text_color(*color)
    pdf.multi_cell(
        m.width,
        h,
        _wrapped(pdf, text, m.width),
        align=align,
        wrapmode="CHAR",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if color is not None:
        pdf.set_text_color(0, 0, 0)


def _lines(pdf: Any, text: str, size: float, style: str, width: float) -> int:
    pdf.set_font("cjk", style, size)
    return len(L.wrap(text, _usable(pdf, width), measure=pdf.get_string_width)) if text else 1


def _height(pdf: Any, block: L.Block, m: _Metrics, *, lead: bool = False) -> float:
    """The height `_draw` gives `block` (mm); `lead`: only the part that must not be left alone
    at the foot of a page (a table's header and first row, a paragraph's first two lines)."""
    body, line_h, width = m.body, m.line_h, m.width
    if isinstance(block, L.Title):
        size = 18 * m.scale
        return 3 + _lines(pdf, block.text, size, "B", width) * size * 0.5
    if isinstance(block, L.Banner):
        return 2 + _lines(pdf, block.text, body, "B", width) * line_h * 1.2
    if isinstance(block, L.Field):
        _label_w, label, value = _field_parts(pdf, block, m)
        return max(label.count("\n"), value.count("\n")) * line_h * 1.05 + line_h * 1.05
    if isinstance(block, L.Heading):
        return 3 + _lines(pdf, block.text, body * 1.05, "B", width) * line_h * 1.2
    if isinstance(block, L.Table):
        size = body * 0.92
        headers, _widths, rows = _table_cells(pdf, block, size, width)
        shown = [headers, *rows][: 2 if lead else None]
        return 1.5 + sum(
            max(v.count("\n") + 1 for v in row) * size * 0.5 + 2 * TABLE_VPAD for row in shown
        )
    if isinstance(block, L.Paragraph):
        size = body * (0.85 if block.small else 1)
        lines = _lines(pdf, block.text, size, "", width)
        return 0.8 + min(lines, 2 if lead else lines) * size * 0.58
    if isinstance(block, L.Barcode):
        return _barcode_size(block.data, m)[1] + 2.5 + 4 * m.scale + 1
    if isinstance(block, L.BigText):
        size = 48 * m.scale
        return 3 + _lines(pdf, block.text, size, "B", width) * size * 0.45
    if isinstance(block, L.Rule):
        return 3.0
    if isinstance(block, L.Signatures):
        # the last row ends at its line; the gap after it is not needed on this page
        return 2 + line_h * 1.4 * (1.6 * len(block.labels) - 0.6)
    return 0.0


def _field_parts(pdf: Any, block: L.Field, m: _Metrics) -> tuple[float, str, str]:
    """The label column's width, and label and value as the lines they are drawn in."""
    pdf.set_font("cjk", "B" if block.strong else "", m.body)
    label = block.label + "："
    natural = pdf.get_string_width(label) + 2 * pdf.c_margin + 0.5
    label_w = min(max(natural, m.width * 0.2), m.width * 0.4)
    return label_w, _wrapped(pdf, label, label_w), _wrapped(pdf, block.value, m.width - label_w)


def _field(pdf: Any, block: L.Field, m: _Metrics) -> None:
    h = m.line_h * 1.05
    label_w, label, value = _field_parts(pdf, block, m)
    need = _height(pdf, block, m)
    if pdf.get_y() + need > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font("cjk", "B" if block.strong else "", m.body)
    y = pdf.get_y()
    pdf.set_x(pdf.l_margin)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(label_w, h, label, align="L", wrapmode="CHAR", new_x="RIGHT", new_y="TOP")
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(
        m.width - label_w, h, value, align="L", wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), y + need))


def _signatures(pdf: Any, block: L.Signatures, m: _Metrics) -> None:
    """One row per signer: "label: ________   date: ________"."""
    h = m.line_h * 1.4
    pdf.set_font("cjk", "", m.body)
    if pdf.get_y() + _height(pdf, block, m) > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_draw_color(0, 0, 0)
    for label in block.labels:
        y = pdf.get_y()
        x = pdf.l_margin
        for text, share in ((label + "：", 0.62), (m.date_label + "：", 0.38)):
            pdf.set_xy(x, y)
            pdf.cell(pdf.get_string_width(text) + 2 * pdf.c_margin, h, text)
            end = x + m.width * share - 6
            pdf.line(pdf.get_x(), y + h * 0.85, end, y + h * 0.85)
            x += m.width * share
        pdf.set_xy(pdf.l_margin, y + h * 1.6)


def _usable(pdf: Any, width: float) -> float:
    """What text may fill of a `width` mm multi_cell: fpdf2 keeps c_margin clear on each side
    (1 mm), and wraps again whatever overflows — which left single characters on a line."""
    return width - 2 * float(pdf.c_margin) - EPS


def _wrapped(pdf: Any, text: str, width: float) -> str:
    """Text broken into the lines a `width` mm multi_cell (no padding) shows in the current
    font, kinsoku rules applied; fpdf2 then has nothing left to wrap."""
    return "\n".join(L.wrap(text, _usable(pdf, width), measure=pdf.get_string_width))


PAD = 1.2


def _col_widths(pdf: Any, columns: list[list[str]], main: int, width: float) -> list[float]:
    """Each column as wide as its longest value (capped); the main column takes the rest."""
    natural = [max(pdf.get_string_width(v) for v in col) + 2 * PAD + 1 for col in columns]
    widths = [min(n, width * 0.3) for n in natural]
    others = sum(w for i, w in enumerate(widths) if i != main)
    if width - others < width * 0.34:  # squeeze the short columns to keep the main one readable
        factor = (width * 0.66) / others
        widths = [w * factor for w in widths]
        others = width * 0.66
    widths[main] = width - others
    return widths


def _table_cells(
    pdf: Any, block: L.Table, size: float, width: float
) -> tuple[list[str], list[float], list[list[str]]]:
    """Headers, column widths and the body cells wrapped to their columns."""
    headers = list(block.headers)
    rows = [list(r) for r in block.rows]
    if block.numbered:
        headers = ["#", *headers]
        rows = [[str(n), *r] for n, r in enumerate(rows, 1)]
    main = 1 if block.numbered else 0
    # drop columns that are empty in every row (e.g. no notes at all)
    keep = [i for i in range(len(headers)) if i <= main or any(r[i] for r in rows)]
    headers = [headers[i] for i in keep]
    rows = [[r[i] for i in keep] for r in rows]
    pdf.set_font("cjk", "B", size)
    head_w = [pdf.get_string_width(h) + 2 * PAD + 1 for h in headers]
    pdf.set_font("cjk", "", size)
    columns = [[r[i] for r in rows] for i in range(len(headers))]
    widths = _col_widths(pdf, columns, main, width)
    widths = [
        max(w, hw) if i != main else w for i, (w, hw) in enumerate(zip(widths, head_w, strict=True))
    ]
    widths[main] = width - sum(w for i, w in enumerate(widths) if i != main)
    # a table cell has padding instead of fpdf2's c_margin: the text may fill the rest
    body = [
        [
            "\n".join(L.wrap(v, widths[i] - 2 * PAD - EPS, measure=pdf.get_string_width))
            if v
            else ""
            for i, v in enumerate(r)
        ]
        for r in rows
    ]
    return headers, widths, body


TABLE_VPAD = 0.8


def _table(pdf: Any, block: L.Table, size: float, width: float) -> None:
    from fpdf.fonts import FontFace

    headers, widths, body = _table_cells(pdf, block, size, width)
    first = [headers, *body][:2]
    lead = sum(max(v.count("\n") + 1 for v in row) * size * 0.5 + 2 * TABLE_VPAD for row in first)
    if pdf.get_y() + lead > pdf.page_break_trigger:  # never a lonely header at the bottom
        pdf.add_page()
    pdf.set_font("cjk", "", size)
    pdf.set_draw_color(170, 170, 170)
    with pdf.table(
        col_widths=widths,
        width=width,
        line_height=size * 0.5,
        padding=(TABLE_VPAD, PAD),
        text_align="LEFT",
        wrapmode="CHAR",
        headings_style=FontFace(
            emphasis="BOLD" if "cjkB" in pdf.fonts else None, fill_color=(235, 235, 235)
        ),
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        for row in [headers, *body]:
            cells = table.row()
            for value in row:
                cells.cell(value)
    pdf.ln(1.5)


def _barcode_size(data: str, m: _Metrics) -> tuple[float, float]:
    image = code128_image(data, module_mm=0.33, height_mm=11 * m.scale)
    w_mm = image.size[0] / 300 * 25.4
    h_mm = image.size[1] / 300 * 25.4
    if w_mm > m.width:
        h_mm *= m.width / w_mm
        w_mm = m.width
    return w_mm, h_mm


def _barcode(pdf: Any, data: str, m: _Metrics) -> None:
    image = code128_image(data, module_mm=0.33, height_mm=11 * m.scale)
    w_mm, h_mm = _barcode_size(data, m)
    if pdf.get_y() + h_mm + 8 > pdf.h - pdf.b_margin:
        pdf.add_page()
    x = m.margin + (m.width - w_mm) / 2
    pdf.image(image, x=x, y=pdf.get_y() + 1, w=w_mm, h=h_mm)
    pdf.set_y(pdf.get_y() + h_mm + 1.5)
    pdf.set_font("cjk", "", 9 * m.scale)
    pdf.multi_cell(0, 4 * m.scale, data, align="C", wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
