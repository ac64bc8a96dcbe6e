"""Printing: receipt, ticket and notice PDFs and the ESC/POS receipt, warm and first in a process.

Baselines measured side by side in the same run, in the same interpreter:
  - "fpdf2 as documented": one `add_font` of the same CJK font (regular and "B" from the same
    file, as clerk did before) and one line of text, written out — what any fpdf2 document with
    this font costs when the font is parsed per document;
  - "ESC/POS floor": python-escpos' Dummy printer given the receipt's lines as plain text.
The first document of a fresh interpreter (imports and the font parse) is measured in a child
process, several times.

    .venv/bin/python bench/printing.py [--runs 15] [--cold 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# bench/ is sys.path[0] when this runs as a script; bench/queue.py would shadow the stdlib queue.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

TARGETS_MS = {"receipt PDF": 150.0, "ticket PDF": 50.0, "ESC/POS receipt": 20.0}


def _ms(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _fpdf_documented() -> bytes:
    from fpdf import FPDF

    from printing.fonts import find_cjk_font

    choice = find_cjk_font()
    assert choice is not None
    pdf = FPDF()
    pdf.add_font("cjk", "", str(choice.path), collection_font_number=choice.index)
    pdf.add_font("cjk", "B", str(choice.path), collection_font_number=choice.index)
    pdf.add_page()
    pdf.set_font("cjk", "", 12)
    pdf.cell(0, 10, "受理回执 3101062026121800427")
    return bytes(pdf.output())


def _escpos_floor(lines: list[str]) -> bytes:
    from escpos.printer import Dummy

    printer = Dummy()
    for line in lines:
        printer._raw(line.encode("gb18030") + b"\n")
    printer.cut()
    return bytes(printer.output)


def _cold_child(kind: str) -> None:
    start = time.perf_counter()
    from printing.samples import sample

    if kind == "escpos":
        from printing.renderers.escpos import render_escpos

        render_escpos(sample("receipt"))
    else:
        from printing.renderers.pdf import render_pdf

        render_pdf(sample(kind))
    print(json.dumps({"ms": (time.perf_counter() - start) * 1000}))


def _cold(kind: str, runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind],
            capture_output=True,
            text=True,
            env=env,
            cwd=HERE.parent,
            check=True,
        )
        out.append(json.loads(done.stdout.strip().splitlines()[-1])["ms"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cold", type=int, default=3)
    opts = parser.parse_args()

    from printing import pdf_fonts
    from printing.layout import PAPER_COLUMNS, lines
    from printing.layouts import layout
    from printing.renderers.escpos import render_escpos
    from printing.renderers.pdf import render_pdf
    from printing.samples import sample

    receipt, ticket, notice = sample("receipt"), sample("ticket"), sample("notice")
    plain = [line.text for line in lines(layout(receipt, None), PAPER_COLUMNS["80mm"])]
    # warm-up: imports, the font parse, the first subset
    render_pdf(receipt)
    render_escpos(receipt)
    _fpdf_documented()
    _escpos_floor(plain)

    # interleaved, so a busy moment of the shared machine hits every row alike
    rows: dict[str, list[float]] = {
        "fpdf2 as documented (baseline)": [],
        "receipt PDF": [],
        "ticket PDF": [],
        "notice PDF": [],
        "ESC/POS floor (baseline)": [],
        "ESC/POS receipt": [],
    }
    for _ in range(opts.runs):
        rows["fpdf2 as documented (baseline)"] += _ms(_fpdf_documented, 1)
        rows["receipt PDF"] += _ms(lambda: render_pdf(receipt), 1)
        rows["ticket PDF"] += _ms(lambda: render_pdf(ticket), 1)
        rows["notice PDF"] += _ms(lambda: render_pdf(notice), 1)
        rows["ESC/POS floor (baseline)"] += _ms(lambda: _escpos_floor(plain), 1)
        rows["ESC/POS receipt"] += _ms(lambda: render_escpos(receipt), 1)

    base_pdf = statistics.median(rows["fpdf2 as documented (baseline)"])
    base_pos = statistics.median(rows["ESC/POS floor (baseline)"])
    print(f"printing, warm, {opts.runs} runs interleaved; load average {os.getloadavg()[0]:.1f}")
    print(f"font faces parsed in this process: {pdf_fonts.parsed_fonts()}\n")
    print(f"{'document':<32}{'p50 ms':>9}{'max ms':>9}{'x base':>9}{'target':>9}")
    print("-" * 68)
    for name, values in rows.items():
        base = base_pos if "ESC/POS" in name else base_pdf
        target = TARGETS_MS.get(name)
        print(
            f"{name:<32}{statistics.median(values):>9.1f}{max(values):>9.1f}"
            f"{statistics.median(values) / base:>9.2f}"
            f"{(f'{target:.0f}' if target else ''):>9}"
        )
    if opts.cold:
        print(f"\nfirst document in a fresh interpreter (imports + font), median of {opts.cold}")
        print("-" * 68)
        for kind in ("receipt", "ticket", "escpos"):
            ms = statistics.median(_cold(kind, opts.cold))
            print(f"{kind:<32}{ms:>9.1f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _cold_child(sys.argv[2])
    else:
        main()
