"""The CJK font is parsed once per process and lent to each PDF; the documents stay whole:
every one still carries its own text, whatever the documents before it used."""

from __future__ import annotations

import io

from pypdf import PdfReader

from printing import pdf_fonts
from printing.fonts import find_cjk_font
from printing.renderers.pdf import render_pdf
from printing.samples import KINDS, long_receipt, sample
from tests.printing.conftest import pdf_text, squash


def test_one_parse_for_every_document_and_the_bold_style() -> None:
    render_pdf(sample("ticket"))
    parsed = pdf_fonts.parsed_fonts()
    assert parsed >= 1
    for kind in KINDS:
        render_pdf(sample(kind), "A5")
    assert pdf_fonts.parsed_fonts() == parsed


def test_a_document_after_others_has_all_its_text() -> None:
    first = render_pdf(sample("receipt"))
    render_pdf(long_receipt())  # other characters, more of them
    render_pdf(sample("refusal"))
    again = render_pdf(sample("receipt"))
    assert squash(pdf_text(again)) == squash(pdf_text(first))
    # and the shared font was not cut down to the last document's glyphs
    choice = find_cjk_font()
    assert choice is not None
    master = pdf_fonts._master(choice.path, choice.index)
    assert len(master.ttfont.getGlyphOrder()) > 20000
    assert len(master.ttfont["glyf"].glyphs) == len(master.ttfont.getGlyphOrder())


def test_one_face_embedded_when_the_font_has_no_bold() -> None:
    choice = find_cjk_font()
    assert choice is not None
    data = render_pdf(sample("receipt"))
    reader = PdfReader(io.BytesIO(data))
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert len(fonts) == (2 if choice.bold_path else 1)
