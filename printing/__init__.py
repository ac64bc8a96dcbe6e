"""Printing: documents (data) → layouts → renderers (text, PDF, ESC/POS) → printers.

What the intake and queue code call::

    from printing import AcceptanceReceipt, applicant, item_line, printer_from_settings
    doc = AcceptanceReceipt(hall=hall(settings), issued_at=now, case_number=..., ...)
    preview = render_rich(doc)                      # on-screen, before printing
    try:
        result = printer_from_settings(settings.printer).print(doc)
    except PrintError as err:                       # the case is already saved
        show(err.message(), err.hint()); ... err.retry()
    reprint = as_reprint(doc)                       # 补打 with the time

Heavy libraries (fpdf2, python-escpos, python-barcode) load only when a PDF or ESC/POS job is made.
"""

from __future__ import annotations

from printing.builders import applicant, hall, item_line, practice_number, promised_fields
from printing.documents import (
    AcceptanceReceipt,
    Applicant,
    Commitment,
    CommitmentKind,
    Delivery,
    Document,
    Hall,
    HandoverRecord,
    ItemLine,
    MaterialLine,
    MissingMaterial,
    OneTimeNotice,
    RefusalNotice,
    TicketSlip,
    as_reprint,
)
from printing.printers import PrintError, PrintResult, printer_from_settings
from printing.renderers import render_escpos, render_pdf, render_rich, render_text

__all__ = [
    "AcceptanceReceipt",
    "Applicant",
    "Commitment",
    "CommitmentKind",
    "Delivery",
    "Document",
    "Hall",
    "HandoverRecord",
    "ItemLine",
    "MaterialLine",
    "MissingMaterial",
    "OneTimeNotice",
    "PrintError",
    "PrintResult",
    "RefusalNotice",
    "TicketSlip",
    "applicant",
    "as_reprint",
    "hall",
    "item_line",
    "practice_number",
    "printer_from_settings",
    "promised_fields",
    "render_escpos",
    "render_pdf",
    "render_rich",
    "render_text",
]
