"""The shipped scenarios hold against the real catalog and checklist engine; a wrong one fails
`clerk practice validate` with a message naming the scenario and the mismatch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clerk import i18n
from clerk.catalog.loader import load_active_catalog
from clerk.cli.main import cli
from clerk.identity import validate_id, validate_uscc
from clerk.practice.loader import ScenarioError, load_scenarios, packaged_files, read_files
from clerk.practice.model import ORGANIZATION, Difficulty, ExpectedDecision, Trap
from clerk.practice.validate import validate_all
from tests.practice.play import TODAY

SCENARIOS = Path(__file__).resolve().parents[2] / "clerk" / "practice" / "scenarios"


@pytest.fixture(autouse=True)
def chinese() -> None:
    i18n.set_language("zh-CN")


def test_shipped_scenarios_validate() -> None:
    problems = validate_all(load_scenarios(), load_active_catalog(), TODAY)
    assert [str(p) for p in problems] == []


def test_coverage() -> None:
    scenarios = load_scenarios()
    assert len(scenarios) >= 30
    items = {code for s in scenarios for code in s.subject.items}
    themes = {s.subject.theme for s in scenarios if s.subject.theme}
    assert len(items) >= 15 and len(themes) >= 3
    assert {s.difficulty for s in scenarios} == set(Difficulty)
    assert {s.expected.decision for s in scenarios} == set(ExpectedDecision)
    traps = {t for s in scenarios for t in s.all_traps}
    for wanted in (
        Trap.EXPIRED_ID,
        Trap.COPY_WITHOUT_SEAL,
        Trap.WRONG_APPLICANT_TYPE,
        Trap.AGENT_WITHOUT_AUTHORIZATION,
        Trap.RONGQUE_MISSING,
        Trap.OUTSIDE_REMIT,
    ):
        assert wanted in traps, wanted


def test_personas_carry_checksum_valid_numbers() -> None:
    for s in load_scenarios():
        if s.persona.kind == ORGANIZATION:
            assert validate_uscc(s.persona.uscc).ok, s.id
        else:
            assert validate_id("resident_id", s.persona.id_number, TODAY).ok, s.id


def test_cli_validate_passes_on_the_shipped_scenarios() -> None:
    result = CliRunner().invoke(cli, ["practice", "validate", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "校验通过" in result.output


def _wrong_copy(tmp_path: Path) -> Path:
    data = json.loads((SCENARIOS / "people.json").read_text("utf-8"))
    scenario = next(s for s in data["scenarios"] if s["id"] == "P-MZJ-001-B")
    scenario["expected"] = {"decision": "accept"}  # the ID has expired: it must be a notice
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps({"scenarios": [scenario]}, ensure_ascii=False), "utf-8")
    return path


def test_cli_validate_fails_clearly_on_a_wrong_expected_decision(tmp_path: Path) -> None:
    path = _wrong_copy(tmp_path)
    result = CliRunner().invoke(cli, ["practice", "validate", str(path), "--today", "2026-11-23"])
    assert result.exit_code == 1
    assert "P-MZJ-001-B" in result.output
    assert "期望的决定是 accept，清单引擎的结论是 notify" in result.output
    assert "申请人身份证明" in result.output
    assert "Traceback" not in result.output


def test_cli_validate_in_english_names_the_mismatch(tmp_path: Path) -> None:
    data = json.loads((SCENARIOS / "enterprise.json").read_text("utf-8"))
    scenario = next(s for s in data["scenarios"] if s["id"] == "P-SCJG-005-A")
    scenario["expected"]["missing"] = ["经营场所使用证明", "户口簿"]
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(scenario, ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(
        cli, ["--lang", "en", "practice", "validate", str(path), "--today", "2026-11-23"]
    )
    assert result.exit_code == 1
    assert "P-SCJG-005-A" in result.output
    assert "expected materials 户口簿、经营场所使用证明" in result.output


def test_unknown_keys_and_traps_are_errors(tmp_path: Path) -> None:
    bad = {
        "id": "X",
        "title": "t",
        "difficulty": "easy",
        "items": ["MZJ-001"],
        "persona": {"kind": "person", "name": "甲", "phone": "13800000000"},
        "expected": {"decision": "accept"},
        "documnets": [],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), "utf-8")
    with pytest.raises(ScenarioError, match="X: unknown key\\(s\\) in scenario: documnets"):
        read_files([path])
    del bad["documnets"]
    bad["traps"] = ["expird_id"]
    path.write_text(json.dumps(bad), "utf-8")
    with pytest.raises(ScenarioError, match="unknown trap 'expird_id'"):
        read_files([path])


def test_declared_traps_must_be_there(tmp_path: Path) -> None:
    data = json.loads((SCENARIOS / "people.json").read_text("utf-8"))
    scenario = next(s for s in data["scenarios"] if s["id"] == "P-MZJ-001-A")
    scenario["traps"] = ["outside_remit"]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario, ensure_ascii=False), "utf-8")
    problems = validate_all(read_files([path]), load_active_catalog(), TODAY)
    assert [p.key for p in problems] == ["trap_absent"]


def test_cli_list_and_export() -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["practice", "list", "--difficulty", "easy"])
    assert listed.exit_code == 0 and "P-MZJ-001-A" in listed.output
    assert "P-GA-014-A" not in listed.output  # hard
    exported = runner.invoke(cli, ["practice", "export", "--format", "csv"])
    assert exported.exit_code == 0
    lines = exported.output.splitlines()
    assert lines[0].startswith("id,difficulty,title,subject")
    assert len(lines) == len(load_scenarios()) + 1


def test_packaged_files_are_json() -> None:
    names = [name for name, _ in packaged_files()]
    assert names == sorted(names) and all(n.endswith(".json") for n in names)
