"""CODE128 for receipts: an image for PDFs (python-barcode) and the data for ESC/POS `GS k`."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["code128_image", "escpos_code128", "escpos_modules"]


def code128_image(
    data: str, module_mm: float = 0.33, height_mm: float = 12.0, dpi: int = 300
) -> Any:
    """A PIL image of `data` as CODE128 (no human-readable text; the layout prints the number)."""
    from barcode import Code128
    from barcode.writer import ImageWriter

    code = Code128(data, writer=ImageWriter())
    return code.render(
        {
            "module_width": module_mm,
            "module_height": height_mm,
            "quiet_zone": 10 * module_mm,
            "write_text": False,
            "dpi": dpi,
            "background": "white",
            "foreground": "black",
        }
    )


_DIGITS = re.compile(r"\d{4,}")


def escpos_code128(data: str) -> str:
    """Data for `GS k m=73`: code set B, switching to C (two digits per symbol) for long digit runs.

    That roughly halves the width of numeric case numbers, which matters on 58 mm paper.
    """
    if any(ord(c) > 0x7E or ord(c) < 0x20 for c in data):
        raise ValueError("CODE128 B needs printable ASCII")
    out: list[str] = []
    pos = 0
    for match in _DIGITS.finditer(data):
        start, end = match.span()
        if (end - start) % 2:
            # odd run: the first digit stays in B (or starts the string in B)
            start += 1
        if start > pos:
            out.append("{B" + data[pos:start].replace("{", "{{"))
        digits = data[start:end]
        out.append("{C" + "".join(chr(int(digits[i : i + 2])) for i in range(0, len(digits), 2)))
        pos = end
    if pos < len(data):
        out.append("{B" + data[pos:].replace("{", "{{"))
    return "".join(out)


def escpos_modules(escpos_data: str) -> int:
    """Width in modules of what `escpos_code128` produced (start, data, check, stop)."""
    symbols = 0
    i = 0
    while i < len(escpos_data):
        if escpos_data[i] == "{":
            if escpos_data[i + 1] == "{":
                symbols += 1
            elif i > 0:
                symbols += 1  # a code-set switch in the middle costs one symbol
            i += 2
            continue
        symbols += 1
        i += 1
    return 11 * (symbols + 2) + 13
