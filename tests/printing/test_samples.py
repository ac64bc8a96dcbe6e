"""`clerk print sample` documents say what the catalog says: real item codes, names, time
limits, materials, refusal reasons and legal bases (the packaged demo catalog)."""

from __future__ import annotations

from clerk import checklist
from clerk.catalog.loader import load_catalog
from printing.documents import AcceptanceReceipt, HandoverRecord, OneTimeNotice, RefusalNotice
from printing.samples import SAMPLE_ANSWERS, SAMPLE_ITEMS, sample


def test_receipt_items_and_limits_are_the_catalogs() -> None:
    catalog = load_catalog()
    doc = sample("receipt")
    assert isinstance(doc, AcceptanceReceipt)
    assert tuple(line.code for line in doc.items) == SAMPLE_ITEMS
    for line in doc.items:
        item = catalog.item(line.code)
        assert item is not None and line.name == item.name
        assert line.limit.startswith(str(item.promised_limit.value))  # 7 / 10 工作日
        assert line.promised is not None
    merged = checklist.merged_materials(
        [i for c in SAMPLE_ITEMS if (i := catalog.item(c)) is not None], SAMPLE_ANSWERS
    )
    names = {m.name for m in merged}
    listed = {m.name for m in doc.materials} | {c.material for c in doc.commitments}
    assert listed == names  # every material of the checklist, nothing invented
    licence = next(m for m in doc.materials if m.name == "营业执照")
    assert licence.form == "电子证照"  # the catalog names its e-license
    deferred = [c for c in doc.commitments if c.kind.name == "RONGQUE"]
    assert deferred and all(
        next(m for m in merged if m.name == c.material).rongque for c in deferred
    )


def test_notice_lists_catalog_materials_with_their_standards() -> None:
    catalog = load_catalog()
    doc = sample("notice")
    assert isinstance(doc, OneTimeNotice) and doc.missing
    items = [i for c in SAMPLE_ITEMS if (i := catalog.item(c)) is not None]
    by_name = {m.name: m for m in checklist.merged_materials(items, SAMPLE_ANSWERS)}
    for missing in doc.missing:
        assert missing.standard == by_name[missing.name].standard


def test_refusal_cites_the_items_own_reason_and_basis() -> None:
    item = load_catalog().item("SCJG-010")
    assert item is not None
    doc = sample("refusal")
    assert isinstance(doc, RefusalNotice)
    assert doc.items[0].code == "SCJG-010"
    (reason,) = [r for r in item.refusal_reasons if r.id == "R1"]  # 仅销售预包装食品: 备案
    assert reason.text in doc.reason and doc.legal_basis == reason.legal_basis


def test_handover_gives_the_items_result() -> None:
    item = load_catalog().item("SCJG-010")
    assert item is not None
    doc = sample("handover")
    assert isinstance(doc, HandoverRecord) and doc.result == item.result
