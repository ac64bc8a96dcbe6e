"""`clerk catalog …` with click's CliRunner, against a small hall catalog built in code."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk.catalog.loader import hall_catalog_dir
from clerk.cli.main import cli

from .factory import fresh, write_layout


@pytest.fixture
def hall() -> Path:
    return write_layout(hall_catalog_dir(), fresh())


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_stats_json(hall: Path) -> None:
    code, out = run("catalog", "stats", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert (data["items"], data["departments"], data["themes"]) == (3, 2, 1)
    assert data["version"].startswith("test-1+")
    (theme,) = data["theme_merge"]
    assert theme["code"] == "YJS-001" and theme["members"] == 2
    typical = theme["typical"]
    # the defaults (shop, 100 ㎡, no agent): each member needs only its 营业执照 of three
    # materials, so the typical applicant sees 2 → 1, not the union's 6 → 3
    assert typical["materials"] == {"before": 2, "merged": 1, "to_bring": 1}
    assert typical["fields"] == {"before": 10, "after": 5}
    assert typical["promised_workdays"]["before"] == 14  # 7 + 7
    assert typical["promised_workdays"]["after"] == 7  # nothing links them: in parallel
    assert typical["trips"] == {"before": 2, "windows_before": 2, "after": 1}
    assert data["items_per_department"][0] == {"id": "AAA", "name": "区AAA局", "items": 2}


def test_stats_text_in_both_languages(hall: Path) -> None:
    code, out = run("catalog", "stats")
    assert code == 0 and "部门" in out and "YJS-001" in out and "2→1→1" in out and "14→7" in out
    code, out = run("--lang", "en", "catalog", "stats")
    assert code == 0 and "Departments" in out and "2→1→1" in out


def test_stats_of_one_theme(hall: Path) -> None:
    code, out = run("catalog", "stats", "--theme", "YJS-001", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["code"] == "YJS-001"
    assert data["typical"]["applicant"] == [{"question": "是否设置户外招牌？", "answer": "否"}]
    every = data["all_combinations"]
    # the theme asks one question (outdoor_sign), which changes nothing here: 2 combinations
    assert (every["combinations"], every["refused"]) == (2, 0)
    assert every["materials_before"] == {"min": 2, "median": 2, "max": 2}
    code, out = run("catalog", "stats", "--theme", "YJS-001")
    assert code == 0 and "逐项相加 14 个工作日 → 并联办理 7 个工作日" in out and "中位" in out
    code, out = run("--lang", "en", "catalog", "stats", "--theme", "YJS-001")
    assert code == 0 and "14 working days one after another → 7 in parallel" in out
    code, out = run("catalog", "stats", "--theme", "AAA-001")
    assert code == 1  # an item is not a theme


def test_show_item_and_theme(hall: Path) -> None:
    code, out = run("catalog", "show", "AAA-001")
    assert code == 0, out
    for text in (
        "测试事项AAA-001",
        "法定时限",
        "20 工作日",
        "营业执照",
        "复印件加盖公章",
        "当 biz_mode=实体门店, area≥150",
        "《行政许可法》第三十二条",
        "不予受理情形",
    ):
        assert text in out, text
    code, out = run("catalog", "show", "YJS-001")
    assert code == 0 and "BBB-001" in out and "2→1→1" in out
    code, out = run("catalog", "show", "AAA")
    assert code == 1 and "AAA-001" in out  # not found, with suggestions


def test_validate_good_and_bad(tmp_path: Path) -> None:
    good = write_layout(tmp_path / "good", fresh())
    code, out = run("catalog", "validate", str(good))
    assert code == 0 and "校验通过" in out and "3 个事项" in out
    layout = fresh()
    layout["items/AAA.json"]["items"][0]["materials"][0]["form"] = "扫描件"
    layout["themes/open.json"]["themes"][0]["members"].append({"item": "NOPE-1"})
    bad = write_layout(tmp_path / "bad", layout)
    code, out = run("catalog", "validate", str(bad))
    assert code == 1
    assert "items/AAA.json: AAA-001 materials[0].form" in out
    assert 'themes/open.json: YJS-001 members[2].item: 未知事项 "NOPE-1"' in out
    code, out = run("catalog", "validate", str(bad), "--json")
    assert code == 1 and len(json.loads(out)["errors"]) == 2


def test_import_reimport_and_export_round_trip(hall: Path, tmp_path: Path) -> None:
    code, out = run("catalog", "export", "--format", "csv", "-o", str(tmp_path / "x.csv"))
    assert code == 0, out
    with (tmp_path / "x.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    broken = {**rows[0], "task_code": "AAA-999", "task_type": "行政审批"}
    with (tmp_path / "y.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([*rows, broken])
    code, out = run("catalog", "import", str(tmp_path / "y.csv"))
    assert code == 0, out
    assert "已导入 3 个事项" in out and "拒收 1 行" in out and "AAA-999" in out
    code, out = run("catalog", "import", str(tmp_path / "y.csv"))
    assert code == 0 and "内容未变" in out
    code, out = run("catalog", "export", "--format", "json")
    data = json.loads(out)
    assert [t["task_code"] for t in data["tasks"]] == ["AAA-001", "AAA-002", "BBB-001"]


def test_checklist_with_answers(hall: Path) -> None:
    code, out = run(
        "catalog", "checklist", "YJS-001", "--answer", "area=200", "-a", "agent=是", "--json"
    )
    assert code == 0, out
    data = json.loads(out)
    names = [m["name"] for m in data["materials"]]
    assert names == ["营业执照", "授权委托书及受托人身份证明", "平面布局图"]
    assert data["materials"][0]["items"] == ["AAA-001", "BBB-001"]
    q = {q["id"]: q for q in data["questions"]}
    assert q["area"]["value"] == 200 and q["area"]["given"] and not q["biz_mode"]["given"]
    code, out = run("catalog", "checklist", "AAA-001", "-a", "biz_mode=online")
    assert code == 0 and "area" not in out and "平面布局图" not in out
    code, out = run("catalog", "checklist", "AAA-001", "-a", "biz_mode=market")
    assert code == 2 and "biz_mode" in out
    code, out = run("catalog", "checklist", "AAA-001", "-a", "nope=1")
    assert code == 2 and "agent" in out
