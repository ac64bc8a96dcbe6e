"""Conditional exemptions (issue 14, point 2): a material the hall obtains when the data is there
(已共享的免提交, 已备案的系统核验免交) is asked of the applicant unless the clerk checks and marks
it 核验：免于提交; then it is not missing, and the merged line says how the hall obtains it."""

from __future__ import annotations

from clerk import checklist
from clerk.catalog.loader import build_catalog, load_active_catalog
from clerk.catalog.model import Source
from clerk.checklist import Decision, Mark, State

from .factory import files_of, fresh, item, mat

SHARED = Source.SHARED


def test_unmarked_it_is_missing_marked_it_is_obtained() -> None:
    items = [item("AAA-001", [mat("规划许可证", obtainable=SHARED), mat("申请表", mid="M02")])]
    received = {"申请表": Mark(State.RECEIVED)}
    v = checklist.verdict(items, {}, received)
    assert v.decision is Decision.NOTIFY and [m.name for m in v.missing] == ["规划许可证"]
    v = checklist.verdict(items, {}, {**received, "规划许可证": Mark(State.OBTAINED)})
    assert v.decision is Decision.ACCEPT and not v.missing
    [status] = [s for s in v.statuses if s.material.name == "规划许可证"]
    assert status.state is State.OBTAINED and status.material.hall_source is SHARED


def test_a_material_without_the_exemption_cannot_be_marked_obtained() -> None:
    items = [item("AAA-001", [mat("租赁合同")])]
    v = checklist.verdict(items, {}, {"租赁合同": Mark(State.OBTAINED)})
    assert v.decision is Decision.NOTIFY
    assert v.statuses[0].problem is not None and v.statuses[0].problem.key == "not_obtained"


def test_merged_only_when_every_item_allows_it() -> None:
    """Item B needs the paper whatever is shared: the merged line cannot be checked away."""
    a = item("AAA-001", [mat("规划许可证", obtainable=SHARED)])
    b = item("BBB-001", [mat("规划许可证")])
    both = checklist.merged_materials([a, b], {})
    assert both[0].obtainable is None and both[0].hall_source is None
    alone = checklist.merged_materials([a], {})
    assert alone[0].obtainable is SHARED
    hall = item("BBB-001", [mat("规划许可证", source=Source.VERIFIED)])
    assert checklist.merged_materials([a, hall], {})[0].obtainable is SHARED


def test_the_loader_reads_it_and_refuses_a_source_the_hall_cannot_obtain() -> None:
    layout = fresh()
    layout["items/BBB.json"]["items"][0]["materials"][0]["obtainable"] = "系统核验"
    result = build_catalog(files_of(layout))
    assert result.catalog is not None
    code = layout["items/BBB.json"]["items"][0]["code"]
    found = result.catalog.item(code)
    assert found is not None and found.materials[0].obtainable is Source.VERIFIED
    layout["items/BBB.json"]["items"][0]["materials"][0]["obtainable"] = "申请人自备"
    result = build_catalog(files_of(layout))
    assert result.catalog is None
    assert any("obtainable" in str(e) and "部门共享" in str(e) for e in result.errors)


def test_the_demo_catalog_marks_its_conditional_exemptions() -> None:
    catalog = load_active_catalog()
    marked = {(i.code, m.id): m for i in catalog.items for m in i.materials if m.obtainable}
    assert len(marked) >= 50
    # their own standard says so, and they stay the applicant's unless checked
    assert all("免" in m.standard + m.note for m in marked.values())
    assert all(not m.source.obtained_by_hall for m in marked.values())
    assert marked[("GJJ-005", "M04")].obtainable is Source.VERIFIED  # 已备案的系统核验免交
    assert marked[("ZJW-001", "M04")].obtainable is Source.SHARED  # 已共享的免提交
