"""The CJK font for PDFs, parsed once per process and lent to each document.

fpdf2's `add_font` parses the whole font file (a CJK face has ~45,000 glyphs: glyph names,
outlines, metrics, cmap) for every document and again for the "bold" face, even when it is the
same file; that parsing was most of a receipt's second. Here the font is parsed once (per file
and face); each document gets its own light copy of fpdf2's font object (its own subset map,
missing-glyph list, index) sharing the parsed tables, which nothing changes.

fpdf2 subsets the font in place when the PDF is written (fontTools' Subsetter rewrites the
tables it is given). `lend_ttfont` gives the subsetter a font of its own instead: new table
objects with new containers that point to the parsed data, and private copies of the glyphs the
document uses, so the shared tables stay whole for the next document. Only the tables a PDF
viewer reads are lent (outlines, metrics, cmap, names, hinting); layout tables (GSUB/GPOS/GDEF)
and bitmaps are not embedded — fpdf2 has already placed every glyph.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from printing.fonts import FontChoice

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["add_cjk_font", "add_cjk_fonts", "lend_fonts", "parsed_fonts"]

# what a PDF viewer needs of a TrueType face (fpdf2 writes ToUnicode and widths itself)
LENT_TABLES = (
    "head",
    "hhea",
    "maxp",
    "OS/2",
    "hmtx",
    "vhea",
    "vmtx",
    "cmap",
    "loca",
    "glyf",
    "post",
    "name",
    "cvt ",
    "fpgm",
    "prep",
    "gasp",
)

_lock = threading.Lock()
_parsed: dict[tuple[str, int], Any] = {}


def parsed_fonts() -> int:
    """How many font faces this process has parsed (the bench and the tests read it)."""
    return len(_parsed)


def _master(path: Path, index: int) -> Any:
    """fpdf2's font object for the face, parsed on first use and kept for the process."""
    key = (str(path), index)
    with _lock:
        font = _parsed.get(key)
        if font is None:
            from fpdf import FPDF
            from fpdf.fonts import TTFFont

            scratch = FPDF()
            scratch.add_font("cjk", "", str(path), collection_font_number=index)
            font = scratch.fonts["cjk"]
            assert isinstance(font, TTFFont)
            ttfont = font.ttfont
            for tag in LENT_TABLES:  # decompile now, once, not in each document
                if tag in ttfont:
                    ttfont[tag]
            ttfont.getGlyphOrder()
            _parsed[key] = font
    return font


def add_cjk_fonts(
    pdf: FPDF, choice: FontChoice, family: str = "cjk", *, same_bold: bool = True
) -> None:
    """The regular and the bold face. A font without a bold file gets the regular face again
    as "bold" (embedded twice) unless `same_bold` is False: then there is no bold style, and
    the caller draws "bold" text in the regular face (one face embedded, half the work)."""
    add_cjk_font(pdf, family, "", choice.path, choice.index)
    if choice.bold_path is not None:
        add_cjk_font(pdf, family, "B", choice.bold_path, choice.bold_index)
    elif same_bold:
        add_cjk_font(pdf, family, "B", choice.path, choice.index)


def add_cjk_font(pdf: FPDF, family: str, style: str, path: Path, index: int) -> None:
    """`pdf.add_font(family, style, path, collection_font_number=index)`, without parsing."""
    from fpdf.enums import TextEmphasis
    from fpdf.fonts import SubsetMap

    master = _master(path, index)
    fontkey = f"{family.lower()}{style}"
    font = copy.copy(master)
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.emphasis = TextEmphasis.coerce(style)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    font.desc = copy.copy(master.desc)  # a PDF object: numbered when this document is written
    pdf.fonts[fontkey] = font


def lend_fonts(pdf: FPDF) -> None:
    """Before `pdf.output()`: each shared font gets a TTFont of its own to be subset."""
    shared = {id(font.ttfont): font.ttfont for font in _parsed.values()}
    from fpdf.fonts import TTFFont

    for font in pdf.fonts.values():
        master = shared.get(id(font.ttfont)) if isinstance(font, TTFFont) else None
        if isinstance(font, TTFFont) and master is not None:
            chars = {
                code: glyph.glyph_name
                for glyph, _ in font.subset.items()
                if glyph is not None and isinstance(glyph.unicode, tuple)
                for code in glyph.unicode
            }
            names = set(font.subset.get_all_glyph_names())
            font.ttfont = lend_ttfont(master, names, chars)


def lend_ttfont(master: Any, glyph_names: set[str], chars: dict[int, str]) -> Any:
    """A TTFont the subsetter may rewrite, for a document using `glyph_names`; its cmap holds
    only `chars` (code point -> glyph name) — the PDF finds glyphs by number, not by cmap."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    # Bounding boxes stay the parsed ones: recomputing them would expand and recompile every
    # outline of the subset (most of the remaining time), for a box no viewer needs exact.
    lent = TTFont(recalcTimestamp=False, recalcBBoxes=False)
    lent.sfntVersion = master.sfntVersion
    order = list(master.getGlyphOrder())
    lent.setGlyphOrder(order)
    for tag in LENT_TABLES:
        if tag not in master:
            continue
        table = copy.copy(master[tag])
        if tag == "glyf":
            table.glyphs = dict(table.glyphs)
            table.glyphOrder = order
            for name in _with_components(master[tag], glyph_names | {order[0]}):
                table.glyphs[name] = copy.deepcopy(table.glyphs[name])
        elif tag == "cmap":
            table.tables = [_cmap_part(sub, chars) for sub in table.tables if sub.format != 14]
            table.numSubTables = len(table.tables)
        elif tag == "name":
            table.names = list(table.names)
        lent[tag] = table
    return lent


def _cmap_part(sub: Any, chars: dict[int, str]) -> Any:
    part = copy.copy(sub)
    wide = sub.format in (12, 13)
    part.cmap = {code: name for code, name in chars.items() if wide or code <= 0xFFFF}
    return part


def _with_components(glyf: Any, names: set[str]) -> set[str]:
    """The glyphs and the glyphs their composites are made of."""
    found: set[str] = set()
    todo = [name for name in names if name in glyf.glyphs]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        todo.extend(c for c in glyf.glyphs[name].getComponentNames(glyf) if c not in found)
    return found
