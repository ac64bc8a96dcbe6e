"""The papers of a REAL decided visit (an embedded hall, the demo catalog), built by
printing.builders.visit_documents and rendered to PDF: what the applicant takes home."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from clerk.catalog.loader import load_catalog
from clerk.checklist import chosen_items
from printing.builders import visit_documents
from printing.documents import AcceptanceReceipt, Hall, OneTimeNotice
from printing.renderers.pdf import render_pdf
from services.client import HallClient
from services.client_cases import VisitRecord
from tests.printing.conftest import pdf_text, squash
from tests.support.hall import FakeClock, RunningHall, hall_settings, running_embedded, sqlite_url

HALL = Hall(name="示范区政务服务中心", phone="021-12345678")
ORG = {
    "kind": "organization",
    "name": "示范餐饮有限公司",
    "uscc": "91310106MA1FL0001M",
    "legal_rep": "李四",
    "id_type": "resident_id",
    "id_number": "110105199003071239",
    "phone": "13812345678",
}
FOOD = {"applicant_kind": "company", "food_category": "catering_hot", "area": 80}
FOOD_MARKS = {
    "食品经营许可申请表": {"state": "已收"},
    "营业执照": {"state": "已收"},
    "法定代表人身份证明": {"state": "已收"},
    "平面布局图": {"state": "容缺", "due": "2026-11-30"},
    "食品安全管理制度文本": {"state": "告知承诺"},
    "从业人员健康证明": {"state": "已收"},
}


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[RunningHall]:
    with running_embedded(hall_settings(sqlite_url(tmp_path / "store")), clock=FakeClock()) as h:
        yield h


@pytest.fixture
async def desk(hall: RunningHall) -> AsyncIterator[HallClient]:
    client = hall.client()
    await client.login("clerk1", hall.credentials["clerk1"], 1)
    yield client
    await client.aclose()


async def decide(client: HallClient, state: dict[str, Any], decision: str) -> VisitRecord:
    draft = await client.create_draft(state)
    catalog = load_catalog()
    subject = catalog.theme(state["theme"]) if state.get("theme") else None
    if subject is not None:
        codes = [i.code for i in chosen_items(subject, state.get("answers") or {})]
    else:
        codes = list(state["items"])
    return await client.decide(draft.id, [{"item": c, "decision": decision} for c in codes])


def text(doc: Any) -> str:
    return squash(pdf_text(render_pdf(doc, "A4")))


async def test_receipt_of_an_accepted_visit_keeps_commitments_and_names(
    desk: HallClient,
) -> None:
    state = {"applicant": ORG, "items": ["SCJG-010"], "answers": FOOD, "materials": FOOD_MARKS}
    visit = await decide(desk, state, "accept")
    [receipt] = visit_documents(visit, hall=HALL, clerk_names={"clerk1": "王敏（工号 0817）"})
    assert isinstance(receipt, AcceptanceReceipt)
    assert [(c.kind.value, c.material) for c in receipt.commitments] == [
        ("rongque", "平面布局图"),
        ("promise", "食品安全管理制度文本"),
    ]
    assert str(receipt.commitments[0].due) == "2026-11-30"
    assert receipt.applicant.id_label == "统一社会信用代码"
    printed = text(receipt)
    for expected in (
        "食品经营许可（新办）",
        visit.cases[0].case_no,
        "容缺受理材料",
        "平面布局图2026-11-30",
        "告知承诺事项",
        "食品安全管理制度文本",
        "统一社会信用代码：91310106MA1FL0001M",
        "示范餐饮有限公司",
        "王敏（工号0817）",
        "食品经营许可申请表原件1份",
    ):
        assert squash(expected) in printed, expected
    assert "13812345678" not in printed and "138****5678" in printed


async def test_notice_prints_forms_counts_and_item_names(desk: HallClient) -> None:
    person = {"kind": "person", "name": "张晓明", "id_type": "resident_id"}
    person |= {"id_number": "310101199003074511", "phone": "13812345678"}
    visit = await decide(desk, {"applicant": person, "theme": "YJS-007"}, "notice")
    assert len(visit.cases) > 1
    [notice] = visit_documents(visit, hall=HALL)
    assert isinstance(notice, OneTimeNotice)
    proof = next(m for m in notice.missing if m.name == "申请人身份证明")
    assert (proof.form, proof.count) == ("原件", 2)  # the catalog's 原件 2 份, not a default
    names = {c.item_code: c.item_name for c in visit.cases}
    assert set(proof.items) <= set(names.values()) and len(proof.items) > 1
    printed = text(notice)
    assert squash("申请人身份证明") in printed and "2份" in printed
    assert squash(f"申请人身份证明（用于：{'、'.join(proof.items)}）") in printed
    for code in names:  # "用于：" names the items, never their codes
        assert f"用于：{code}" not in printed and f"、{code}" not in printed


async def test_a_reprint_says_what_the_original_said(desk: HallClient) -> None:
    state = {"applicant": ORG, "items": ["SCJG-010"], "answers": FOOD, "materials": FOOD_MARKS}
    visit = await decide(desk, state, "accept")
    again = await desk.visit(visit.id)  # read back later, as the case view does
    [original] = visit_documents(visit, hall=HALL)
    [rebuilt] = visit_documents(again, hall=HALL)
    assert rebuilt == original
