"""Import (CSV/JSON, national field names) and export round trips."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from clerk.catalog.exporter import CSV_COLUMNS, export_csv, export_json
from clerk.catalog.importer import CatalogImportError, import_file
from clerk.catalog.loader import hall_catalog_dir, load_active_catalog, load_catalog

from .factory import fresh, load_layout

HEADER = [
    "task_code",
    "task_name",
    "dept_name",
    "task_type",
    "anticipate_day",
    "anticipate_type",
    "promise_day",
    "promise_type",
    "is_charge",
    "charge_standard",
    "service_object",
    "project_type",
    "accept_condition",
    "by_law",
    "handle_channel",
    "material_name",
    "material_type",
    "material_format",
    "page_num",
    "is_need",
    "accept_stand",
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(out.getvalue(), "utf-8")
    return path


def task(code: str, name: str, dept: str = "区民政局", **over: str) -> list[str]:
    base = {
        "task_code": code,
        "task_name": name,
        "dept_name": dept,
        "task_type": "行政确认",
        "anticipate_day": "20",
        "anticipate_type": "工作日",
        "promise_day": "5",
        "promise_type": "工作日",
        "is_charge": "否",
        "charge_standard": "",
        "service_object": "自然人",
        "project_type": "承诺件",
        "accept_condition": "本区户籍",
        "by_law": "《某条例》第三条",
        "handle_channel": "窗口办理、一网通办",
        "material_name": "申请人身份证明",
        "material_type": "原件",
        "material_format": "纸质",
        "page_num": "1",
        "is_need": "必要",
        "accept_stand": "原件核验后退还",
    }
    base.update(over)
    return [base[h] for h in HEADER]


def test_csv_import_with_rejected_rows_and_unchanged_reimport(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "hall.csv",
        [
            task("MZ-001", "低保申请"),
            task(
                "MZ-001",
                "低保申请",
                material_name="户口簿",
                material_type="原件及复印件",
                material_format="纸质/电子",
                page_num="2",
            ),
            task("MZ-002", "临时救助", task_type="行政审批"),
            task("MZ-003", "", service_object="自然人"),
            task("RS-001", "失业登记", dept="区人社局", anticipate_day="十"),
            task(
                "RS-002",
                "就业困难人员认定",
                dept="区人社局",
                service_object="个人、企业",
                project_type="即办件",
                promise_day="0",
            ),
            task("RS-003", "即办但有时限", dept="区人社局", project_type="即办件", promise_day="3"),
        ],
    )
    report = import_file(src)
    assert report.changed and report.items == 2 and report.departments == 2
    rejected = {(r.code, r.row) for r in report.rejected}
    assert ("MZ-002", "4") in rejected  # bad task_type
    assert ("MZ-003", "5") in rejected  # no task_name
    assert ("RS-001", "6") in rejected  # anticipate_day not a number
    assert ("RS-003", "8") in rejected  # 即办件 with a promised time limit (validator)
    texts = " ".join(r.reason for r in report.rejected)
    assert "行政审批" in texts and "task_name" in texts and "anticipate_day" in texts
    catalog = load_active_catalog()
    assert catalog.source == str(hall_catalog_dir()) and not catalog.is_demo
    assert catalog.version == report.version and catalog.version.startswith("hall+")
    low = catalog.item("MZ-001")
    assert low is not None and [m.name for m in low.materials] == ["申请人身份证明", "户口簿"]
    hukou = low.materials[1]
    assert hukou.form.value == "原件和复印件" and hukou.medium.value == "纸质或电子"
    assert hukou.count == 2
    rs2 = catalog.item("RS-002")
    assert rs2 is not None and [t.value for t in rs2.applicant_types] == ["自然人", "法人"]
    assert [d.id for d in catalog.departments] == ["QMZJ", "QRSJ"]  # pinyin initials

    again = import_file(src)
    assert not again.changed and again.version == report.version


def test_nothing_importable_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "bad.csv", [task("X-1", "", task_type="??")])
    with pytest.raises(CatalogImportError):
        import_file(src)
    assert not (hall_catalog_dir() / "catalog.json").exists()
    other = tmp_path / "hall.xlsx"
    other.write_text("x", "utf-8")
    with pytest.raises(CatalogImportError, match="csv"):
        import_file(other)


def test_json_import_with_national_names_and_rejects(tmp_path: Path) -> None:
    doc = {
        "tasks": [
            {
                "task_code": "GA-001",
                "task_name": "居民身份证换领",
                "dept_name": "区公安分局",
                "task_type": "行政确认",
                "anticipate_day": 60,
                "anticipate_type": "自然日",
                "promise_day": 20,
                "promise_type": "工作日",
                "is_fee": "是",
                "charge_standard": "工本费 20 元",
                "server_type": ["自然人"],
                "project_type": "承诺件",
                "by_law": ["《居民身份证法》第十一条"],
                "materials": [
                    {"material_name": "户口簿", "material_type": "原件", "is_need": "必要"}
                ],
            },
            {"task_code": "GA-001", "task_name": "重复", "dept_name": "区公安分局"},
            {
                "task_code": "GA-002",
                "task_name": "坏的情形",
                "dept_name": "区公安分局",
                "task_type": "行政确认",
                "anticipate_day": 1,
                "promise_day": 1,
                "service_object": "自然人",
                "project_type": "承诺件",
                "x_situations": [{"id": "q", "question": "?", "type": "choice"}],
                "materials": [],
            },
        ]
    }
    src = tmp_path / "hall.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    report = import_file(src)
    assert report.items == 1
    assert {r.code for r in report.rejected} == {"GA-001", "GA-002"}
    item = load_active_catalog().item("GA-001")
    assert item is not None and item.fee.charged and item.legal_limit.unit.value == "自然日"
    assert item.refusal_reasons[0].id == "R1"  # a default refusal reason when none is given


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_gives_the_same_items(tmp_path: Path, fmt: str) -> None:
    original = load_layout(fresh())
    text = export_json(original) if fmt == "json" else export_csv(original)
    src = tmp_path / f"export.{fmt}"
    src.write_text(text, "utf-8")
    report = import_file(src)
    assert report.rejected == [] and report.items == len(original.items)
    imported = load_catalog(hall_catalog_dir())
    assert imported.items == original.items
    assert imported.departments == original.departments
    if fmt == "json":
        assert [t.code for t in imported.themes] == [t.code for t in original.themes]
        assert imported.themes[0].members == original.themes[0].members
    # and exporting the imported catalog again gives the same items
    text2 = export_json(imported) if fmt == "json" else export_csv(imported)
    if fmt == "csv":
        assert text2 == text


def test_csv_export_uses_national_columns() -> None:
    text = export_csv(load_layout(fresh()))
    header = next(csv.reader(io.StringIO(text)))
    assert header == CSV_COLUMNS
    for name in (
        "task_name",
        "task_code",
        "dept_name",
        "task_type",
        "anticipate_day",
        "promise_day",
        "is_charge",
        "service_object",
        "project_type",
        "by_law",
    ):
        assert name in header


def test_a_reimport_keeps_the_halls_own_search_lexicon(tmp_path: Path) -> None:
    src = tmp_path / "export.json"
    src.write_text(export_json(load_layout(fresh())), "utf-8")
    import_file(src)
    words = hall_catalog_dir() / "lexicon.json"
    words.write_text(
        json.dumps({"synonyms": [{"say": ["仙逝"], "means": ["去世"]}]}, ensure_ascii=False),
        "utf-8",
    )
    catalog = load_active_catalog()
    assert catalog.lexicon is not None and catalog.lexicon.synonyms[0].say == ("仙逝",)
    import_file(src)  # the item export carries no lexicon: the hall's stays
    assert words.is_file()
    again = load_active_catalog()
    assert again.lexicon is not None and again.lexicon.synonyms[0].say == ("仙逝",)
