"""Layout blocks shared by all renderers, and the thermal/plain-text line layout.

A layout is a list of blocks (title, fields, tables, paragraphs, a barcode…). The PDF renderer
draws them with real fonts; the text and ESC/POS renderers lay them out in fixed cells with
`lines()`: 58 mm paper = 32 cells, 80 mm = 48, a Chinese (GB18030 double-byte) character takes 2
cells. Every line `lines()` produces fits its width — long names wrap, they are never cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Banner:
    """A prominent line: 练习 / 补打."""

    text: str


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths for the PDF
    numbered: bool = True


@dataclass(frozen=True)
class Paragraph:
    text: str
    small: bool = False


@dataclass(frozen=True)
class Barcode:
    data: str


@dataclass(frozen=True)
class BigText:
    text: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Signatures:
    labels: tuple[str, ...]


Block = Title | Banner | Field | Heading | Table | Paragraph | Barcode | BigText | Rule | Signatures


@dataclass(frozen=True)
class Layout:
    hall_name: str
    blocks: tuple[Block, ...]
    footer: tuple[str, ...] = ()
    watermark: str | None = None  # 练习 / PRACTICE
    stamp: str | None = None  # 补打 2026-11-23 10:42
    title: str = ""


# ---------------------------------------------------------------- cells and wrapping

PAPER_COLUMNS = {"58mm": 32, "80mm": 48}
PAPER_DOTS = {"58mm": 384, "80mm": 576}
NO_LINE_START = set("，。、；：？！）》」』】〕”’,.;:?!)]}%·…")
NO_LINE_END = set("（《「『【〔“‘([{")


def cell_width(char: str) -> int:
    """Cells a character takes on a Chinese ESC/POS printer: ASCII 1, everything else 2."""
    return 1 if ord(char) < 0x80 else 2


def cells(text: str) -> int:
    return sum(cell_width(c) for c in text)


def _tokens(text: str) -> list[str]:
    """ASCII words stay together; every other character is a token of its own."""
    out: list[str] = []
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            out.append(word)
            word = ""
        out.append(char)
    if word:
        out.append(word)
    return out


def wrap(
    text: str,
    width: float,
    indent: str = "",
    first_indent: str = "",
    measure: Callable[[str], float] = cells,
) -> list[str]:
    """Wrap `text` to lines of at most `width` (cells, or whatever `measure` returns).

    Nothing is ever cut off. ASCII words move to the next line whole (unless longer than a line);
    Chinese breaks between any two characters, except that closing punctuation never starts a
    line and opening brackets never end one.
    """
    if width <= measure(indent) or width <= measure(first_indent):
        raise ValueError("width too small for the indent")
    out: list[str] = []
    for paragraph in text.split("\n"):
        cur = indent if out else first_indent
        for token in _tokens(paragraph):
            size = measure(token)
            if token.isspace() and cur.strip() == "":
                continue
            if measure(cur) + size <= width:
                cur += token
                continue
            if token.isspace():
                out.append(cur.rstrip())
                cur = indent
                continue
            if size > width - measure(indent):  # longer than a whole line: hard-break it
                for char in token:
                    if measure(cur) + measure(char) > width and cur.strip():
                        out.append(cur.rstrip())
                        cur = indent
                    cur += char
                continue
            carry = ""
            if token in NO_LINE_START and len(cur.strip()) > 1:
                carry, cur = cur[-1], cur[:-1]
            while cur.strip() and cur[-1] in NO_LINE_END and len(cur.strip()) > 1:
                carry, cur = cur[-1] + carry, cur[:-1]
            out.append(cur.rstrip())
            cur = indent + carry + token
        out.append(cur.rstrip())
    return out


def pad_center(text: str, width: int) -> str:
    gap = max(0, width - cells(text))
    return " " * (gap // 2) + text


def two_sided(left: str, right: str, width: int) -> str | None:
    gap = width - cells(left) - cells(right)
    return left + " " * gap + right if gap >= 1 else None


# ---------------------------------------------------------------- fixed-width lines

Style = Literal["normal", "bold", "big", "banner", "barcode", "rule"]


@dataclass(frozen=True)
class Line:
    text: str
    style: Style = "normal"
    centered: bool = False
    data: str = ""  # for style="barcode": the barcode content
    extra: dict[str, str] = field(default_factory=dict)


def lines(layout: Layout, width: int) -> list[Line]:
    """Lay a document out in `width` cells (32 for 58 mm, 48 for 80 mm)."""
    out: list[Line] = []

    def add(text: str, style: Style = "normal", centered: bool = False) -> None:
        out.append(Line(text, style, centered))

    def add_wrapped(
        text: str,
        style: Style = "normal",
        indent: str = "",
        centered: bool = False,
        first: str = "",
        w: int = width,
    ) -> None:
        for piece in wrap(text, w, indent=indent, first_indent=first):
            add(pad_center(piece, w) if centered else piece, style, centered)

    if layout.watermark:
        add_wrapped(f"*** {layout.watermark} ***", "banner", centered=True)
    add_wrapped(layout.hall_name, "bold", centered=True)
    if layout.stamp:
        add_wrapped(layout.stamp, "banner", centered=True)
    for block in layout.blocks:
        if isinstance(block, Title):
            add("")
            add_wrapped(block.text, "bold", centered=True)
        elif isinstance(block, Banner):
            add_wrapped(block.text, "banner", centered=True)
        elif isinstance(block, Field):
            style: Style = "bold" if block.strong else "normal"
            label = f"{block.label}："
            if cells(label) + cells(block.value) <= width:
                add(label + block.value, style)
            elif cells(label) <= width // 2:
                add_wrapped(block.value, style, indent="  ", first=label)
            else:
                add_wrapped(label, style)
                add_wrapped(block.value, style, indent="  ", first="  ")
        elif isinstance(block, Heading):
            add("")
            add_wrapped(f"【{block.text}】", "bold")
        elif isinstance(block, Table):
            for n, row in enumerate(block.rows, 1):
                mark = f"{n}. " if block.numbered else "- "
                add_wrapped(row[0], indent=" " * len(mark), first=mark)
                rest = [
                    f"{h}：{v}" if h else v
                    for h, v in zip(block.headers[1:], row[1:], strict=False)
                    if v
                ]
                pad = " " * len(mark)
                current = ""
                for part in rest:
                    joined = f"{current}  {part}" if current else part
                    if cells(pad + joined) <= width:
                        current = joined
                        continue
                    if current:
                        add(pad + current)
                    if cells(pad + part) <= width:
                        current = part
                    else:
                        add_wrapped(part, indent=pad + "  ", first=pad)
                        current = ""
                if current:
                    add(pad + current)
        elif isinstance(block, Paragraph):
            add_wrapped(block.text)
        elif isinstance(block, Barcode):
            out.append(Line("", "barcode", True, data=block.data))
            add_wrapped(block.data, "normal", centered=True)
        elif isinstance(block, BigText):
            # double width and height on the printer: half the cells per line
            add_wrapped(block.text, "big", centered=True, w=width // 2)
        elif isinstance(block, Rule):
            add("-" * width, "rule")
        elif isinstance(block, Signatures):
            add("")
            for label in block.labels:
                add_wrapped(f"{label}：" + "_" * max(4, width - cells(label) - 2 - 2))
                add("")
    if layout.footer:
        add("-" * width, "rule")
        for text in layout.footer:
            add_wrapped(text, centered=True)
    if layout.watermark:
        add_wrapped(f"*** {layout.watermark} ***", "banner", centered=True)
    return out
