"""Renderers: text (on-screen preview), PDF (fpdf2) and ESC/POS (python-escpos)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from printing.renderers.text import render_lines, render_rich, render_text

__all__ = ["render_escpos", "render_lines", "render_pdf", "render_rich", "render_text"]

# the checker sees the real signatures; at run time fpdf2 and escpos load on first use
if TYPE_CHECKING:
    from printing.renderers.escpos import render_escpos
    from printing.renderers.pdf import render_pdf
else:

    def render_pdf(*args, **kwargs):
        from printing.renderers.pdf import render_pdf as _render

        return _render(*args, **kwargs)

    def render_escpos(*args, **kwargs):
        from printing.renderers.escpos import render_escpos as _render

        return _render(*args, **kwargs)
