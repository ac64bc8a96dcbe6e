"""ESC/POS bytes (python-escpos Dummy) for 58 mm and 80 mm thermal printers.

Chinese goes out as GB18030 after `FS &` (select Chinese character mode), through `_raw`, never
through python-escpos' code-page machinery (which turns Chinese into '?'). The case number is a
native CODE128 (`GS k`), with code set C for long digit runs so it fits 58 mm paper.
"""

from __future__ import annotations

import contextlib
import io

from printing.barcode import escpos_code128, escpos_modules
from printing.documents import Document
from printing.layout import PAPER_COLUMNS, PAPER_DOTS, cells, lines
from printing.layouts import layout as make_layout

__all__ = ["CHINESE_MODE", "ENCODING", "render_escpos"]

INIT = b"\x1b@"
CHINESE_MODE = b"\x1c&"  # FS & — select Chinese (double-byte) character mode
ENCODING = "gb18030"


def render_escpos(
    doc: Document, paper: str = "58mm", lang: str | None = None, cut: bool = True
) -> bytes:
    """The complete job for one document (init … cut)."""
    from escpos.printer import Dummy

    if paper not in PAPER_COLUMNS:
        raise ValueError(f"ESC/POS paper must be 58mm or 80mm, not {paper}")
    width = PAPER_COLUMNS[paper]
    p = Dummy()
    p._raw(INIT + CHINESE_MODE)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):  # python-escpos prints "Using hardware barcode…"
        for line in lines(make_layout(doc, lang), width):
            if line.style == "barcode":
                data = escpos_code128(line.data)
                modules = escpos_modules(data)
                module = 3 if modules * 3 <= PAPER_DOTS[paper] - 16 else 2
                p._raw(b"\x1ba\x01")  # centre
                p.barcode(
                    data,
                    "CODE128",
                    height=72,
                    width=module,
                    pos="OFF",
                    function_type="B",
                    align_ct=False,
                )
                p._raw(b"\x1ba\x00")
                continue
            big = line.style == "big"
            bold = line.style in ("bold", "big", "banner")
            p.set(bold=bold, double_height=big, double_width=big, invert=line.style == "banner")
            text = line.text
            if line.style == "banner":  # inverted: fill the whole line so it reads as a band
                text = text + " " * max(0, width - 1 - cells(text))
            p._raw(text.encode(ENCODING) + b"\n")
        p.set(bold=False, double_height=False, double_width=False, invert=False)
        if cut:
            p.cut()
    return bytes(p.output)
