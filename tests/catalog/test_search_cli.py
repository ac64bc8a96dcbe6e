"""`clerk catalog search`: JSON shape, filters, text output."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import clerk.cli.catalog as catalog_cli
from clerk.cli.main import cli
from tests.catalog.factory import dept_doc, item_doc, load_layout, theme_doc


@pytest.fixture(autouse=True)
def small_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = load_layout(
        {
            "catalog.json": {"name": "测试", "version_label": "t", "demo": True, "notice": "测试"},
            "items/SCJG.json": dept_doc(
                "SCJG",
                [
                    item_doc(
                        "SCJG-010",
                        name="食品经营许可（新办）",
                        aliases=["开饭店要办的证", "食品许可证", "餐饮许可"],
                        applicant_types=["法人", "自然人"],
                    ),
                    item_doc("SCJG-011", name="食品经营许可（变更）", applicant_types=["法人"]),
                ],
            ),
            "items/RSJ.json": dept_doc(
                "RSJ",
                [
                    item_doc(
                        "RSJ-003",
                        name="失业保险金申领",
                        aliases=["失业金", "领失业金", "失业补助"],
                        applicant_types=["自然人"],
                        handling="即办件",
                        promised_limit={"value": 0, "unit": "工作日"},
                    )
                ],
            ),
            "themes/food.json": {
                "themes": [
                    theme_doc(
                        "YJS-002",
                        ["SCJG-010"],
                        name="我要开饭店",
                        aliases=["开饭店", "开餐馆", "开餐厅"],
                    )
                ]
            },
        }
    )
    monkeypatch.setattr(catalog_cli, "_load", lambda: catalog)


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["catalog", "search", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_json_shape() -> None:
    data = json.loads(run("shipin", "--json"))
    assert isinstance(data, list) and data
    first = data[0]
    assert {"code", "name", "department", "score", "field", "spans", "kind"} <= set(first)
    assert first["code"] in {"SCJG-010", "SCJG-011"}
    assert first["department"] == "区SCJG局"
    assert first["field"] == "pinyin" and first["spans"] == [[0, 2]]
    assert isinstance(first["score"], float | int)
    assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)


def test_limit_and_filters() -> None:
    assert len(json.loads(run("食品", "--json", "--limit", "1"))) == 1
    got = json.loads(run("食品经营", "--json", "--applicant", "自然人"))
    assert [d["code"] for d in got] == ["SCJG-010"]
    got = json.loads(run("s", "--json", "--dept", "RSJ"))
    assert [d["code"] for d in got] == ["RSJ-003"]
    got = json.loads(run("开饭店", "--json", "--kind", "theme"))
    assert [d["code"] for d in got] == ["YJS-002"]


def test_query_with_spaces_is_one_query() -> None:
    got = json.loads(run("shi", "ye", "jin", "--json"))
    assert got[0]["code"] == "RSJ-003"


def test_text_output_marks_the_match_and_says_how_it_matched() -> None:
    out = run("失业金")
    assert "RSJ-003" in out
    assert "俗称" in out and "【失业金】" in out
    out = run("经营许可")
    assert "食品【经营许可】" in out


def test_nothing_found() -> None:
    assert "没有找到" in run("zzzzzz")
    assert json.loads(run("zzzzzz", "--json")) == []


def test_english_interface() -> None:
    result = CliRunner().invoke(cli, ["--lang", "en", "catalog", "search", "失业金"])
    assert result.exit_code == 0
    assert "alias" in result.output
