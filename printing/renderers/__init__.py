"""Renderers: text (on-screen preview), PDF (fpdf2) and ESC/POS (python-escpos)."""

from __future__ import annotations

from printing.renderers.text import render_lines, render_rich, render_text

__all__ = ["render_escpos", "render_lines", "render_pdf", "render_rich", "render_text"]


def render_pdf(*args: object, **kwargs: object) -> bytes:
    from printing.renderers.pdf import render_pdf as _render

    return _render(*args, **kwargs)  # type: ignore[arg-type]


def render_escpos(*args: object, **kwargs: object) -> bytes:
    from printing.renderers.escpos import render_escpos as _render

    return _render(*args, **kwargs)  # type: ignore[arg-type]
