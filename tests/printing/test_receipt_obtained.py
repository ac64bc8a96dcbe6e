"""The receipt says how a material the clerk checked as 核验：免于提交 was obtained (issue 14,
point 2): a REAL decided visit (embedded hall, demo catalog), RSJ-003 with the 退工证明 found
recorded (已办理退工备案的由系统核验免交)."""

from __future__ import annotations

from clerk import checklist
from clerk.catalog.loader import load_catalog
from printing.builders import visit_documents
from printing.documents import AcceptanceReceipt
from services.client import HallClient
from tests.printing.conftest import squash
from tests.printing.test_builders import HALL, decide, desk, hall, text

__all__ = ["desk", "hall"]  # the fixtures, used by name

CHECKED = "终止或解除劳动关系证明"
PERSON = {
    "kind": "person",
    "name": "张晓明",
    "id_type": "resident_id",
    "id_number": "310106199003074513",
    "phone": "13812345678",
}


async def test_the_receipt_says_the_hall_checked_it(desk: HallClient) -> None:
    item = load_catalog().item("RSJ-003")
    assert item is not None
    names = [m.name for m in checklist.merged_materials([item], {})]
    assert CHECKED in names
    marks = {n: {"state": "已收"} for n in names if n != CHECKED}
    marks[CHECKED] = {"state": checklist.State.OBTAINED.value}
    visit = await decide(
        desk, {"applicant": PERSON, "items": ["RSJ-003"], "materials": marks}, "accept"
    )
    [case] = visit.cases
    row = next(m for m in case.materials if m["name"] == CHECKED)
    assert row["state"] == "免于提交" and row["obtained_by"] == "系统核验"
    [receipt] = visit_documents(visit, hall=HALL)
    assert isinstance(receipt, AcceptanceReceipt)
    line = next(m for m in receipt.materials if m.name == CHECKED)
    assert line.form == "核验：免于提交（系统核验）"
    assert squash(CHECKED + "核验：免于提交（系统核验）") in text(receipt)
