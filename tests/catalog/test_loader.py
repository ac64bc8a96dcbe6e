"""The loader and validator: every error named by file, item code and field path; all errors
together; a broken catalog never half-loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerk.catalog import CatalogError, load_catalog, validate_path
from clerk.catalog.loader import build_catalog, hall_catalog_dir, load_active_catalog
from clerk.catalog.model import AnyOf, Form, Medium, QuestionType, Range

from .factory import files_of, fresh, load_layout, write_layout


def errors_of(layout: dict) -> list[str]:
    result = build_catalog(files_of(layout))
    assert result.catalog is None, "expected the catalog to be refused"
    return [str(e) for e in result.errors]


def test_good_catalog_loads_with_lookups() -> None:
    catalog = load_layout(fresh())
    assert len(catalog) == 3
    assert [d.id for d in catalog.departments] == ["AAA", "BBB"]
    item = catalog.item("AAA-001")
    assert item is not None and item.department == "AAA"
    assert [i.code for i in catalog.items_of("AAA")] == ["AAA-001", "AAA-002"]
    theme = catalog.theme("YJS-001")
    assert theme is not None and [m.code for m in theme.members] == ["AAA-001", "BBB-001"]
    assert catalog.get("YJS-001") is theme and catalog.get("AAA-002") is catalog.item("AAA-002")
    assert catalog.themes_with("BBB-001") == (theme,)
    assert "AAA-001" in catalog and "nope" not in catalog
    m3 = item.materials[2]
    assert m3.form is Form.ORIGINAL and m3.medium is Medium.EITHER and m3.rongque
    assert m3.when is not None
    assert dict(m3.when.clauses) == {"biz_mode": AnyOf(("shop",)), "area": Range(150, None)}
    area = item.situation("area")
    assert area is not None and area.type is QuestionType.NUMBER and area.default == 100
    assert item.refuse_when[0].reason == "R2"


def test_version_is_label_plus_content_hash() -> None:
    a = load_layout(fresh())
    b = load_layout(fresh())
    assert a.version == b.version
    assert a.version.startswith("test-1+") and len(a.version) == len("test-1+") + 8
    changed = fresh()
    changed["items/BBB.json"]["items"][0]["name"] = "改了名字"
    assert load_layout(changed).version != a.version


def test_broken_json_names_the_file_and_line() -> None:
    layout = fresh()
    layout["items/BBB.json"] = b'{"department": {"id": "BBB",\n  "name": }'
    errors = errors_of(layout)
    assert any(e.startswith("items/BBB.json: line 2") and "JSON" in e for e in errors)


def test_unknown_situation_reference_names_file_code_and_path() -> None:
    layout = fresh()
    layout["items/AAA.json"]["items"][0]["materials"][2]["when"] = {"aera": {"min": 150}}
    errors = errors_of(layout)
    assert errors == ['items/AAA.json: AAA-001 materials[2].when.aera: 未知情形 "aera"']


def test_duplicate_codes_across_files_and_with_themes() -> None:
    layout = fresh()
    layout["items/BBB.json"]["items"].append(layout["items/AAA.json"]["items"][0])
    layout["themes/open.json"]["themes"].append(
        {**layout["themes/open.json"]["themes"][0], "code": "BBB-001"}
    )
    errors = errors_of(layout)
    assert (
        'items/BBB.json: AAA-001 code: 编码 "AAA-001" 重复（已在 items/AAA.json 中使用）' in errors
    )
    assert any(e.startswith("themes/open.json: BBB-001 code:") for e in errors)


def test_bad_enum_lists_the_allowed_values() -> None:
    layout = fresh()
    layout["items/AAA.json"]["items"][1]["materials"][0]["form"] = "扫描件"
    errors = errors_of(layout)
    assert len(errors) == 1
    assert errors[0].startswith('items/AAA.json: AAA-002 materials[0].form: 取值 "扫描件" 无效')
    assert "原件和复印件" in errors[0]


def test_all_errors_are_collected_together() -> None:
    layout = fresh()
    a1 = layout["items/AAA.json"]["items"][0]
    a1["type"] = "行政审批"
    a1["materials"][0]["count"] = 0
    a1["refuse_when"][0]["reason"] = "R9"
    a1["situations"][1]["default"] = "market"
    layout["items/BBB.json"]["items"][0]["applicant_types"] = ["个人"]
    layout["themes/open.json"]["themes"][0]["members"].append({"item": "ZZZ-404"})
    layout["themes/open.json"]["themes"][0]["members"][0]["when"] = {"outdoor_sign": ["yes"]}
    errors = errors_of(layout)
    expected = [
        "items/AAA.json: AAA-001 type:",
        "items/AAA.json: AAA-001 materials[0].count:",
        "items/AAA.json: AAA-001 refuse_when[0].reason:",
        "items/AAA.json: AAA-001 situations[1].default:",
        "items/BBB.json: BBB-001 applicant_types[0]:",
        "themes/open.json: YJS-001 members[2].item:",
        "themes/open.json: YJS-001 members[0].when.outdoor_sign[0]:",
    ]
    for prefix in expected:
        assert any(e.startswith(prefix) for e in errors), (prefix, errors)


def test_unknown_keys_and_missing_fields() -> None:
    layout = fresh()
    m = layout["items/AAA.json"]["items"][0]["materials"][1]
    m["wehn"] = m.pop("when")
    del layout["items/AAA.json"]["items"][0]["handling"]
    errors = errors_of(layout)
    assert 'items/AAA.json: AAA-001 materials[1].wehn: 未知字段 "wehn"（见 FORMAT.md）' in errors
    assert "items/AAA.json: AAA-001 handling: 缺少此字段" in errors


def test_conditions_may_use_the_questions_of_the_items_themes() -> None:
    layout = fresh()
    layout["items/BBB.json"]["items"][0]["materials"][0]["when"] = {"outdoor_sign": [True]}
    load_layout(layout)  # BBB-001 belongs to YJS-001, which asks outdoor_sign
    layout["items/AAA.json"]["items"][1]["materials"][0]["when"] = {"outdoor_sign": [True]}
    errors = errors_of(layout)  # AAA-002 belongs to no theme that asks it
    assert errors == [
        'items/AAA.json: AAA-002 materials[0].when.outdoor_sign: 未知情形 "outdoor_sign"'
    ]


def test_same_question_id_must_have_one_type() -> None:
    layout = fresh()
    layout["items/BBB.json"]["items"][0]["situations"][0] = {
        "id": "agent",
        "question": "代办人数",
        "type": "number",
    }
    layout["items/BBB.json"]["items"][0]["materials"][1]["when"] = {"agent": {"min": 1}}
    layout["items/BBB.json"]["items"][0]["refuse_when"] = []
    errors = errors_of(layout)
    assert any("agent" in e and "题型不一致" in e for e in errors), errors


def test_choice_values_and_ranges_are_checked() -> None:
    layout = fresh()
    mats = layout["items/AAA.json"]["items"][0]["materials"]
    mats[2]["when"] = {"biz_mode": ["market"], "area": {"min": 200, "max": 100}}
    mats[1]["when"] = {"agent": {"min": 1}}
    errors = errors_of(layout)
    assert any(
        e.startswith("items/AAA.json: AAA-001 materials[2].when.biz_mode[0]") for e in errors
    )
    assert any(e.startswith("items/AAA.json: AAA-001 materials[2].when.area") for e in errors)
    assert any(e.startswith("items/AAA.json: AAA-001 materials[1].when.agent") for e in errors)


def test_directory_loading_and_errors_raise_together(tmp_path: Path) -> None:
    root = write_layout(tmp_path / "cat", fresh())
    catalog = load_catalog(root)
    assert catalog.source == str(root) and len(catalog) == 3
    (root / "items" / "BBB.json").write_text("{", "utf-8")
    (root / "themes" / "open.json").write_text('{"themes": [{"code": "X"}]}', "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    text = str(info.value)
    assert "items/BBB.json" in text and "themes/open.json" in text
    assert len(info.value.issues) >= 3


def test_validate_single_file_against_a_base(tmp_path: Path) -> None:
    base = write_layout(tmp_path / "base", fresh())
    doc = fresh()["items/AAA.json"]
    doc["items"][0]["materials"][0]["medium"] = "传真"
    single = tmp_path / "AAA-new.json"
    import json

    single.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = validate_path(single, base=base)
    assert [str(e).split(":")[1].strip() for e in result.errors] == ["AAA-001 materials[0].medium"]
    doc["items"][0]["materials"][0]["medium"] = "纸质"
    single.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    result = validate_path(single, base=base)
    assert result.ok and result.catalog is not None and len(result.catalog) == 3


def test_warnings_do_not_stop_loading() -> None:
    layout = fresh()
    layout["items/AAA.json"]["items"][0]["aliases"] = ["一个"]
    result = build_catalog(files_of(layout))
    assert result.catalog is not None
    assert any(w.key == "few_aliases" and w.code == "AAA-001" for w in result.warnings)


def test_active_catalog_prefers_the_hall_catalog(tmp_path: Path) -> None:
    hall = write_layout(hall_catalog_dir(), fresh())
    catalog = load_active_catalog()
    assert catalog.source == str(hall)
    assert load_active_catalog() is catalog  # cached while unchanged
