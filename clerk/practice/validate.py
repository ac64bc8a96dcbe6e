"""Check scenarios against the catalog with the REAL checklist engine, so they can't drift.

    states = material_states(scenario, materials, today)   # what the documents amount to
    verdict = expected_verdict(scenario, catalog, today)    # clerk.checklist.verdict on them
    problems = validate(scenario, catalog, today)           # [] when the scenario holds

How the documents become material states: a document without traps is 已收; a trap document
(expired ID, copy without seal, unsigned, wrong name, incomplete) counts as not received; a
material the applicant promises to supply later is 容缺 (due in five days), one replaced by a
signed commitment is 告知承诺; everything else is not received (缺, or 电子证照免提交 when the
hall's library holds the applicant's e-license, or 内部流转 when another chosen item produces it).

The expected decision and its material set must equal the verdict exactly: for 一次性告知 the
missing materials, for 容缺受理 the deferred ones, for 不予受理 the refusal (item + reason id, or
`applicant_type`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from clerk import checklist, i18n
from clerk.catalog.model import Catalog, Item, Theme
from clerk.clock import hall_today
from clerk.identity import IdType, check_expiry, validate_id, validate_phone, validate_uscc
from clerk.practice.model import (
    APPLICANT_TYPE_REASON,
    ORGANIZATION,
    ExpectedDecision,
    Scenario,
    ScenarioSet,
    Trap,
    parse_expiry,
)

__all__ = [
    "Problem",
    "agent_materials",
    "expected_verdict",
    "material_states",
    "subject_of",
    "validate",
    "validate_all",
    "verdict_summary",
]

AGENT = "agent"
RONGQUE_DAYS = 5


@dataclass(frozen=True)
class Problem:
    """One way a scenario disagrees with the catalog (translated when shown)."""

    scenario: str
    source: str
    key: str  # under practice.validate.
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str | None = None) -> str:
        return i18n.t(f"practice.validate.{self.key}", lang=lang, **dict(self.params))

    def __str__(self) -> str:
        return f"{self.source}: {self.scenario}: {self.text()}"


class UnknownCode(ValueError):
    pass


def subject_of(scenario: Scenario, catalog: Catalog) -> Theme | list[Item]:
    if scenario.subject.theme:
        theme = catalog.theme(scenario.subject.theme)
        if theme is None:
            raise UnknownCode(scenario.subject.theme)
        return theme
    items: list[Item] = []
    for code in scenario.subject.items:
        item = catalog.item(code)
        if item is None:
            raise UnknownCode(code)
        items.append(item)
    return items


def material_states(
    scenario: Scenario, materials: Sequence[checklist.MergedMaterial], today: date
) -> dict[str, checklist.Mark]:
    """What the documents on the counter amount to, material by material (see the module doc)."""
    names = {m.name: m for m in materials}
    states: dict[str, checklist.Mark] = {}
    for doc in scenario.documents:
        if doc.acceptable and doc.material in names:
            states[doc.material] = checklist.Mark(checklist.State.RECEIVED)
    for name in scenario.promises.rongque:
        material = names.get(name)
        if material is not None and material.rongque and name not in states:
            states[name] = checklist.Mark(
                checklist.State.DEFERRED, today + timedelta(days=RONGQUE_DAYS)
            )
    for name in scenario.promises.gaozhi:
        material = names.get(name)
        if material is not None and material.gaozhi and name not in states:
            states[name] = checklist.Mark(checklist.State.COMMITTED)
    return states


def applicant_of(scenario: Scenario) -> checklist.Applicant:
    return checklist.Applicant(
        scenario.persona.applicant_type, frozenset(scenario.persona.elicenses)
    )


def expected_verdict(
    scenario: Scenario, catalog: Catalog, today: date | None = None
) -> checklist.Verdict:
    """The real checklist engine's verdict on the scenario as the applicant presents it."""
    today = today or hall_today()
    subject = subject_of(scenario, catalog)
    materials = checklist.merged_materials(subject, scenario.answers)
    states = material_states(scenario, materials, today)
    return checklist.verdict(subject, scenario.answers, states, applicant_of(scenario))


def agent_materials(
    materials: Iterable[checklist.MergedMaterial],
) -> list[checklist.MergedMaterial]:
    """The materials the agent answer switches on (授权委托书及受托人身份证明)."""
    return [
        m
        for m in materials
        if any(part.when is not None and AGENT in part.when.keys for _, part in m.parts)
    ]


@dataclass(frozen=True)
class VerdictSummary:
    decision: str
    materials: tuple[str, ...]  # notify: missing; accept_deferred: deferred
    refusals: tuple[tuple[str, str], ...]  # (item, reason id or applicant_type)


def verdict_summary(verdict: checklist.Verdict) -> VerdictSummary:
    if verdict.decision is checklist.Decision.ACCEPT_DEFERRED:
        materials = tuple(d.material.name for d in verdict.deferred)
    elif verdict.decision is checklist.Decision.NOTIFY:
        materials = tuple(m.name for m in verdict.missing)
    else:
        materials = ()
    refusals = tuple((r.item, r.reason_id or APPLICANT_TYPE_REASON) for r in verdict.refusals)
    return VerdictSummary(verdict.decision.value, materials, refusals)


def _names(values: Iterable[str]) -> str:
    shown = "、".join(sorted(values))
    return shown or "—"


def validate(scenario: Scenario, catalog: Catalog, today: date | None = None) -> list[Problem]:
    """Every way the scenario disagrees with the catalog and the checklist engine."""
    today = today or hall_today()
    problems: list[Problem] = []

    def add(key: str, **params: Any) -> None:
        problems.append(Problem(scenario.id, scenario.source, key, tuple(params.items())))

    try:
        subject = subject_of(scenario, catalog)
    except UnknownCode as exc:
        add("unknown_code", code=str(exc))
        return problems
    persona = scenario.persona
    answers = scenario.answers

    # --- the applicant's papers are realistic: checksum-valid numbers, valid phones
    if persona.kind == ORGANIZATION:
        if not validate_uscc(persona.uscc).ok:
            add("bad_uscc", number=persona.uscc)
        if not persona.legal_rep.strip():
            add("no_legal_rep")
    elif not validate_id(IdType.RESIDENT, persona.id_number, today).ok:
        add("bad_id", who=persona.name, number=persona.id_number)
    if not validate_phone(persona.phone).ok:
        add("bad_phone", number=persona.phone)
    people = [(persona.name, persona.id_number, persona.id_valid_until)]
    if scenario.agent is not None:
        agent = scenario.agent
        if not validate_id(IdType.RESIDENT, agent.id_number, today).ok:
            add("bad_id", who=agent.name, number=agent.id_number)
        people.append((agent.name, agent.id_number, agent.id_valid_until))

    # --- the answers are the subject's questions, with valid values
    questions = {q.id: q for q in checklist.questions_for(subject, answers)}
    for key in answers:
        question = questions.get(key)
        if question is None:
            add("answer_not_asked", question=key)
        elif not question.given:
            add("answer_invalid", question=key, value=str(answers[key]))
    if answers.get(AGENT) is True and scenario.agent is None:
        add("agent_missing")
    if scenario.agent is not None and answers.get(AGENT) is not True:
        add("agent_not_answered")

    # --- the documents are the checklist's materials (or declared extras)
    materials = checklist.merged_materials(subject, answers)
    by_name = {m.name: m for m in materials}
    for doc in scenario.documents:
        if doc.extra and doc.material in by_name:
            add("extra_on_checklist", material=doc.material)
        elif not doc.extra and doc.material not in by_name:
            add("document_not_needed", material=doc.material)
    for name in scenario.promises.rongque:
        material = by_name.get(name)
        if material is None:
            add("document_not_needed", material=name)
        elif not material.rongque:
            add("no_rongque", material=name)
    for name in scenario.promises.gaozhi:
        material = by_name.get(name)
        if material is None:
            add("document_not_needed", material=name)
        elif not material.gaozhi:
            add("no_gaozhi", material=name)

    # --- the traps are really there
    expired = [
        name
        for name, _, until in people
        if until.strip() and not check_expiry(parse_expiry(until), today).ok
    ]
    id_trapped = any(Trap.EXPIRED_ID in d.traps for d in scenario.documents)
    if id_trapped and not expired:
        add("trap_expired_not_expired")
    if expired and not id_trapped:
        add("expired_not_trapped", who="、".join(expired))
    traps = set(scenario.all_traps)
    items = checklist.chosen_items(subject, answers)
    values = checklist.resolve_answers(subject, answers)
    wrong = checklist.refused_for_applicant(items, persona.applicant_type)
    if Trap.WRONG_APPLICANT_TYPE in traps and not wrong:
        add("trap_absent", trap=Trap.WRONG_APPLICANT_TYPE.value)
    if Trap.OUTSIDE_REMIT in traps and not any(
        rule.when.holds(values) for i in items for rule in i.refuse_when
    ):
        add("trap_absent", trap=Trap.OUTSIDE_REMIT.value)
    if Trap.RONGQUE_MISSING in traps and not scenario.promises.rongque:
        add("trap_absent", trap=Trap.RONGQUE_MISSING.value)
    states = material_states(scenario, materials, today)
    if Trap.AGENT_WITHOUT_AUTHORIZATION in traps:
        needed = agent_materials(materials)
        if (
            answers.get(AGENT) is not True
            or not needed
            or all(
                (mark := states.get(m.name)) is not None and mark.state is checklist.State.RECEIVED
                for m in needed
            )
        ):
            add("trap_absent", trap=Trap.AGENT_WITHOUT_AUTHORIZATION.value)

    # --- the expected decision is the engine's, exactly
    verdict = checklist.verdict(subject, answers, states, applicant_of(scenario))
    if verdict.unanswered:
        add("unanswered", questions="、".join(verdict.unanswered))
    got = verdict_summary(verdict)
    expected = scenario.expected
    if got.decision != expected.decision.value:
        add(
            "decision_mismatch",
            expected=expected.decision.value,
            got=got.decision,
            reasons="；".join(r.text() for r in verdict.reasons[:4]) or "—",
        )
    elif expected.decision in (ExpectedDecision.NOTIFY, ExpectedDecision.ACCEPT_DEFERRED):
        if set(got.materials) != set(expected.missing):
            add(
                "missing_mismatch",
                expected=_names(expected.missing),
                got=_names(got.materials),
            )
    elif expected.decision is ExpectedDecision.REFUSE:
        wanted = (expected.refusal_item or "", expected.refusal_reason or "")
        if wanted not in got.refusals:
            add(
                "refusal_mismatch",
                expected=f"{wanted[0]} {wanted[1]}",
                got="、".join(f"{i} {r}" for i, r in got.refusals) or "—",
            )
    if expected.decision is ExpectedDecision.ACCEPT and expected.missing:
        add("accept_with_missing", materials=_names(expected.missing))
    return problems


def validate_all(
    scenarios: ScenarioSet, catalog: Catalog, today: date | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    for scenario in scenarios:
        problems.extend(validate(scenario, catalog, today))
    return problems
