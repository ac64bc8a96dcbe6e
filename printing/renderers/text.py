"""Plain text and rich renderables: the on-screen preview, laid out like the thermal slip."""

from __future__ import annotations

from typing import Any

from printing.documents import Document
from printing.layout import PAPER_COLUMNS, Line, lines
from printing.layouts import layout as make_layout

__all__ = ["render_lines", "render_rich", "render_text"]


def _columns(paper: str | int) -> int:
    if isinstance(paper, int):
        return paper
    return PAPER_COLUMNS.get(paper, 64)


def render_lines(doc: Document, paper: str | int = "80mm", lang: str | None = None) -> list[Line]:
    """The document in fixed cells: 58mm → 32, 80mm → 48, A4/A5 → 64, or an explicit width."""
    return lines(make_layout(doc, lang), _columns(paper))


def render_text(doc: Document, paper: str | int = "80mm", lang: str | None = None) -> str:
    out: list[str] = []
    for line in render_lines(doc, paper, lang):
        if line.style == "barcode":
            out.append(f"||| {line.data} |||".center(len(line.data) + 8))
        elif line.style == "big":  # printed double width: show the centring the printer does
            stripped = line.text.lstrip(" ")
            out.append(" " * 2 * (len(line.text) - len(stripped)) + stripped)
        else:
            out.append(line.text)
    return "\n".join(out) + "\n"


def render_rich(doc: Document, paper: str | int = "80mm", lang: str | None = None) -> Any:
    """A rich `Text` (usable in a Textual Static) with bold titles and red practice banners."""
    from rich.text import Text

    text = Text()
    for line in render_lines(doc, paper, lang):
        if line.style == "barcode":
            text.append(f"▌▌▐▌▐▐▌ {line.data} ▌▐▌▌▐▐▌\n", style="bold")
        elif line.style == "banner":
            text.append(line.text + "\n", style="bold red")
        elif line.style in ("bold", "big"):
            text.append(line.text + "\n", style="bold")
        elif line.style == "rule":
            text.append(line.text + "\n", style="dim")
        else:
            text.append(line.text + "\n")
    return text
