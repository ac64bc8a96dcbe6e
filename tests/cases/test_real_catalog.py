"""One decision against the real demo catalog: 食品经营许可（新办） SCJG-010."""

from __future__ import annotations

import pytest

from clerk.catalog import Catalog, load_active_catalog
from clerk.identity import uscc_check_digit
from tests.cases.conftest import Desk

USCC = "91310000MA1FL0000" + uscc_check_digit("91310000MA1FL0000")


@pytest.fixture
def catalog() -> Catalog:
    return load_active_catalog()


async def test_food_business_licence(desk: Desk, catalog: Catalog) -> None:
    item = catalog.item("SCJG-010")
    assert item is not None
    st = {
        "applicant": {
            "kind": "organization",
            "name": "示范餐饮有限公司",
            "uscc": USCC,
            "legal_rep": "李四",
            "phone": "13900001111",
        },
        "items": ["SCJG-010"],
        "answers": {"applicant_kind": "company", "food_category": "catering_hot", "area": 80},
    }
    # nothing ticked: 一次性告知 lists what this applicant needs
    draft = await desk.draft(st)
    r = await desk.decide_raw(draft["id"], [{"item": "SCJG-010", "decision": "accept"}])
    assert r.status_code == 409 and r.json()["detail"]["verdict"] == "notify"
    missing = r.json()["detail"]["missing"]
    assert "食品经营许可申请表" in missing and "授权委托书及受托人身份证明" not in missing

    st["materials"] = {name: {"state": "已收"} for name in missing}
    await desk.api.put(
        f"/api/v1/drafts/{draft['id']}", json={"version": 1, "state": st}, headers=desk.headers
    )
    r = await desk.decide_raw(draft["id"], [{"item": "SCJG-010", "decision": "accept"}])
    assert r.status_code == 201, r.text
    [case] = r.json()["cases"]
    assert case["status"] == "pending_delivery" and case["decision"] == "accepted"
    assert case["item"]["department"] == item.department
    assert case["promised"]["limit"] == "7 工作日"
    assert case["promised"]["date"] == "2026-12-02"  # Mon 11-23 + 7 working days
    assert case["catalog_version"] == catalog.version
    assert case["applicant"]["uscc"] == USCC
