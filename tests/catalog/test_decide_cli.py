"""`clerk catalog decide` and the checklist's 内部流转 lines, on the demo catalog (issue 14.5):
the CLI text, the JSON and the planner agree."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from clerk.cli.main import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_checklist_header_counts_the_lines_it_lists_and_marks_internal_flow() -> None:
    code, out = run("catalog", "checklist", "YJS-002")
    assert code == 0, out
    header = re.search(r"合并后 (\d+) 项，合并前 \d+ 项；其中内部流转 (\d+) 项", out)
    assert header, out
    lines = re.findall(r"^\s+\d+\. (\S+)", out, flags=re.M)
    assert int(header.group(1)) == len(lines)
    flow = [line for line in out.splitlines() if "内部流转 ←" in line]
    assert int(header.group(2)) == len(flow) == 2
    assert any("营业执照" in line and "SCJG-001" in line for line in flow)
    licence = [line for line in out.splitlines() if re.match(r"^\s+\d+\. 营业执照 ", line)]
    assert len(licence) == 1 and "[必要" not in licence[0]


def test_checklist_json_names_the_producer() -> None:
    code, out = run("catalog", "checklist", "YJS-002", "--json")
    assert code == 0, out
    materials = {m["name"]: m for m in json.loads(out)["materials"]}
    assert materials["营业执照"]["produced_by"] == "SCJG-001"
    assert materials["食品经营许可证"]["produced_by"] == "SCJG-010"
    assert materials["公司章程"]["produced_by"] is None


def test_decide_json_sole_trader_grocery_with_everything_received() -> None:
    code, out = run(
        "catalog",
        "decide",
        "YJS-004",
        "--applicant",
        "individual_business",
        "--received",
        "all",
        "--json",
    )
    assert code == 0, out
    data = json.loads(out)
    assert set(data) >= {"items", "materials", "fields", "promised"}
    verdicts = {i["code"]: i["verdict"] for i in data["items"]}
    assert verdicts == {
        "SCJG-005": "accept",
        "SCJG-014": "accept",
        "SWW-001": "accept",
        "YCZM-001": "accept",
        "LHSR-001": "accept",
    }
    assert all(set(i) >= {"code", "verdict", "reasons", "missing"} for i in data["items"])
    states = {m["name"]: m["state"] for m in data["materials"]}
    assert states["营业执照"] == "内部流转"


def test_decide_text_lists_what_is_missing_per_item() -> None:
    code, out = run(
        "catalog", "decide", "GJJ-004", "--applicant", "person", "--elicense", "居民身份证"
    )
    assert code == 0, out
    assert "一次性告知" in out and "缺：配偶身份证明" in out
    assert "缺：申请人身份证明" not in out
    code, out = run(
        "catalog",
        "decide",
        "GJJ-004",
        "--applicant",
        "person",
        "--elicense",
        "居民身份证",
        "--elicense",
        "spouse:居民身份证",
    )
    assert code == 0, out
    assert "缺：配偶身份证明" not in out


def test_decide_received_by_material_id_and_errors_are_messages() -> None:
    code, out = run(
        "catalog", "decide", "ZJW-001", "--applicant", "company", "--received", "M01", "--json"
    )
    assert code == 0, out
    missing = json.loads(out)["items"][0]["missing"]
    assert "建筑工程施工许可申请表" not in missing and missing
    code, out = run("catalog", "decide", "NOPE-1")
    assert code != 0 and "Traceback" not in out
    code, out = run("catalog", "decide", "GJJ-004", "--elicense", "cousin:居民身份证")
    assert code != 0 and "cousin" in out
