"""Scoring is pure: right decisions score full marks; each kind of mistake costs points and gets
feedback that cites the catalog rule behind it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from clerk import checklist, i18n
from clerk.catalog.loader import load_active_catalog
from clerk.practice.loader import load_scenarios
from clerk.practice.model import ORGANIZATION, Scenario
from clerk.practice.scoring import Attempt, ItemChoice, Score, score
from clerk.practice.validate import material_states, subject_of
from tests.practice.play import TODAY, right_decisions

CATALOG = load_active_catalog()


@pytest.fixture(autouse=True)
def chinese() -> None:
    i18n.set_language("zh-CN")


def scenario(sid: str) -> Scenario:
    found = load_scenarios().get(sid)
    assert found is not None
    return found


def right_marks(s: Scenario) -> dict[str, checklist.Mark]:
    materials = checklist.merged_materials(subject_of(s, CATALOG), s.answers)
    return material_states(s, materials, TODAY)


def play(
    s: Scenario,
    *,
    marks: dict[str, checklist.Mark] | None = None,
    answers: dict[str, Any] | None = None,
    choices: list[dict[str, Any]] | None = None,
    kind: str | None = None,
    seconds: float = 60,
) -> Score:
    attempt = Attempt(
        theme=s.subject.theme,
        items=s.subject.items,
        answers=s.answers if answers is None else answers,
        marks=right_marks(s) if marks is None else marks,
        applicant_kind=kind or s.persona.kind,
        elicenses=frozenset(s.persona.elicenses),
        choices=tuple(
            ItemChoice(c["item"], c["decision"], c.get("refusal_reason"))
            for c in (choices or right_decisions(s))
        ),
        seconds=seconds,
        keystrokes=42,
    )
    return score(s, CATALOG, attempt, TODAY)


def texts(result: Score) -> str:
    return "\n".join(f.text() for f in result.feedback)


@pytest.mark.parametrize("sid", [s.id for s in load_scenarios()])
def test_every_scenario_played_right_scores_full_marks(sid: str) -> None:
    result = play(scenario(sid))
    assert result.points == 100, texts(result)
    assert result.decision_ok and result.perfect
    assert result.precision == result.recall == 1.0
    assert [f.key for f in result.feedback] == ["all_right"]


def test_taking_a_copy_without_seal_cites_the_standard() -> None:
    s = scenario("P-SCJG-005-A")
    marks = right_marks(s)
    marks["经营场所使用证明"] = checklist.Mark(checklist.State.RECEIVED)  # fell for the trap
    result = play(s, marks=marks, choices=[{"item": "SCJG-005", "decision": "accept"}])
    assert not result.decision_ok
    assert result.decision == "accept" and result.expected_decision == "notify"
    assert result.recall == 0.0 and result.precision == 1.0
    assert result.missed == ("经营场所使用证明",)
    assert result.points == 0 + 0 + 20 + 10  # decision, recall, precision, time
    feedback = texts(result)
    assert "决定不对：应为「一次性告知」，你的决定是「受理」" in feedback
    assert "复印件未按标准签字或加盖公章" in feedback
    assert "复印件由申请人签字或盖章" in feedback  # the catalog's acceptance standard


def test_asking_for_what_was_brought_costs_precision() -> None:
    s = scenario("P-SCJG-005-A")
    marks = right_marks(s)
    del marks["申请人身份证明"]  # the ID card was fine
    result = play(s, marks=marks, choices=[{"item": "SCJG-005", "decision": "notice"}])
    assert result.decision_ok
    assert result.unneeded == ("申请人身份证明",)
    assert result.precision == 0.5 and result.recall == 1.0
    assert result.points == 50 + 20 + 10 + 10
    assert "多要了 申请人身份证明：申请人已提交合格的材料" in texts(result)


def test_a_missed_situation_names_the_question() -> None:
    s = scenario("P-SCJG-005-B")  # family-run: 户口簿 needed
    answers = dict(s.answers, family_run=False)
    result = play(s, answers=answers, choices=[{"item": "SCJG-005", "decision": "accept"}])
    assert result.missed == ("户口簿",)
    feedback = texts(result)
    assert "「是否以家庭形式经营？」应为「是」，你选了「否」" in feedback
    assert "情形 「是否以家庭形式经营？」＝是 使它成为必需" in feedback


def test_a_wrong_refusal_reason_and_the_legal_basis() -> None:
    s = scenario("P-MZJ-001-C")  # 涉外: R5
    result = play(s, choices=[{"item": "MZJ-001", "decision": "refuse", "refusal_reason": "R3"}])
    assert result.decision_ok and result.refusal_ok is False
    assert result.points == 60 + 0 + 10
    assert "《婚姻登记条例》（国务院令第804号）第二条第二款" in texts(result)


def test_accepting_what_must_be_refused() -> None:
    s = scenario("P-SCJG-010-A")  # a person applying for a licence for organisations
    result = play(
        s,
        kind=ORGANIZATION,
        answers=dict(s.answers, applicant_kind="company"),
        choices=[{"item": "SCJG-010", "decision": "accept"}],
    )
    assert not result.decision_ok
    feedback = texts(result)
    assert "申请人类型不对" in feedback
    assert "食品经营许可（新办） 的申请人须为 法人" in feedback


def test_rongque_instead_of_a_notice() -> None:
    s = scenario("P-RSJ-003-A")
    marks = right_marks(s)
    del marks["终止或解除劳动关系证明"]
    result = play(s, marks=marks, choices=[{"item": "RSJ-003", "decision": "notice"}])
    assert not result.decision_ok and result.recall == 1.0
    assert "允许容缺：应先容缺受理" in texts(result)


def test_slow_work_loses_the_time_points() -> None:
    s = scenario("P-MZJ-001-A")  # easy: par 180 s
    assert play(s, seconds=180).points == 100
    assert play(s, seconds=360).points == 95
    slow = play(s, seconds=600)
    assert slow.points == 90 and "熟练标准为 180 秒以内" in texts(slow)


def test_feedback_in_english() -> None:
    i18n.set_language("en")
    s = scenario("P-SCJG-005-A")
    marks = right_marks(s)
    marks["经营场所使用证明"] = checklist.Mark(checklist.State.RECEIVED)
    result = play(s, marks=marks, choices=[{"item": "SCJG-005", "decision": "accept"}])
    assert "Wrong decision" in texts(result)
    data = result.to_json("en")
    assert data["keystrokes"] == 42 and data["missed"] == ["经营场所使用证明"]
    assert date.fromisoformat("2026-11-23") == TODAY
