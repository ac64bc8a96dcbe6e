"""Score one attempt at a scenario — pure, no I/O.

    score(scenario, catalog, attempt, today) -> Score

What is scored (100 points):
- the decision (受理 / 容缺受理 / 一次性告知 / 不予受理): 50 points (60 when the right answer is
  a refusal);
- the materials found missing, against what the checklist engine says for the scenario:
  recall (every missing material named: 20) and precision (nothing asked for that wasn't needed:
  20); for a refusal, the right reason instead (30);
- time: 10 points up to the difficulty's par time, falling to 0 at three times par.
Keystrokes are reported, not scored.

Feedback cites the catalog rule behind each mistake: the material's requirement and acceptance
standard (a copy without seal is not acceptable per the standard), the item's refusal reason and
its legal basis, the situation (情形) whose answer switched a material on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clerk import checklist, i18n, planner
from clerk.catalog.model import Answer, AnyOf, Catalog, Condition, Item, Range, Theme
from clerk.clock import hall_today
from clerk.practice.model import (
    APPLICANT_TYPE_REASON,
    ExpectedDecision,
    Scenario,
)
from clerk.practice.validate import expected_verdict, subject_of, verdict_summary

__all__ = ["Attempt", "Feedback", "ItemChoice", "Score", "score", "trainee_decision"]

ACCEPT, NOTICE, REFUSE = "accept", "notice", "refuse"  # the intake's per-item choices


@dataclass(frozen=True)
class ItemChoice:
    item: str
    decision: str  # accept / notice / refuse
    refusal_reason: str | None = None  # a catalog reason id (None: in words, or a type refusal)


@dataclass(frozen=True)
class Attempt:
    """What the trainee did: the intake form at the moment of the decision, and the decision."""

    theme: str | None
    items: tuple[str, ...]
    answers: Mapping[str, Answer]
    marks: Mapping[str, checklist.Mark]
    applicant_kind: str  # person / organization
    elicenses: frozenset[str]
    choices: tuple[ItemChoice, ...]
    seconds: float = 0.0
    keystrokes: int = 0

    def subject(self, catalog: Catalog) -> Theme | list[Item]:
        if self.theme:
            theme = catalog.theme(self.theme)
            if theme is not None:
                return theme
        return [item for code in self.items if (item := catalog.item(code)) is not None]

    @property
    def applicant(self) -> checklist.Applicant:
        return checklist.Applicant(planner.applicant_type(self.applicant_kind), self.elicenses)


@dataclass(frozen=True)
class Feedback:
    """One line of feedback; `key` under practice.feedback., translated when shown."""

    key: str
    params: tuple[tuple[str, Any], ...] = ()
    ok: bool = False  # praise rather than a mistake

    def text(self, lang: str | None = None) -> str:
        return i18n.t(f"practice.feedback.{self.key}", lang=lang, **dict(self.params))

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "key": self.key,
            "params": {k: v for k, v in self.params},
            "ok": self.ok,
            "text": self.text(lang),
        }


@dataclass(frozen=True)
class Score:
    points: int
    decision: str  # what the trainee decided (checklist.Decision value)
    expected_decision: str
    decision_ok: bool
    refusal_ok: bool | None  # None: no refusal expected
    found: tuple[str, ...]  # materials the trainee named missing (notice) or deferred (容缺)
    expected_missing: tuple[str, ...]
    missed: tuple[str, ...]  # expected, not named
    unneeded: tuple[str, ...]  # named, not needed
    precision: float
    recall: float
    seconds: float
    keystrokes: int
    par_seconds: int
    feedback: tuple[Feedback, ...] = field(default=())

    @property
    def perfect(self) -> bool:
        return (
            self.decision_ok
            and not self.missed
            and not self.unneeded
            and (self.refusal_ok is not False)
        )

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "points": self.points,
            "decision": self.decision,
            "expected_decision": self.expected_decision,
            "decision_ok": self.decision_ok,
            "refusal_ok": self.refusal_ok,
            "found": list(self.found),
            "expected_missing": list(self.expected_missing),
            "missed": list(self.missed),
            "unneeded": list(self.unneeded),
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "seconds": round(self.seconds, 1),
            "keystrokes": self.keystrokes,
            "par_seconds": self.par_seconds,
            "feedback": [f.to_json(lang) for f in self.feedback],
        }


def trainee_decision(choices: Sequence[ItemChoice], verdict: checklist.Verdict) -> str:
    """The visit's decision as the trainee made it (a checklist.Decision value)."""
    kinds = {c.decision for c in choices}
    if REFUSE in kinds:
        return checklist.Decision.REFUSE.value
    if NOTICE in kinds:
        return checklist.Decision.NOTIFY.value
    if not kinds:
        return checklist.Decision.UNDECIDED.value
    if verdict.deferred:
        return checklist.Decision.ACCEPT_DEFERRED.value
    return checklist.Decision.ACCEPT.value


def _found(
    choices: Sequence[ItemChoice], verdict: checklist.Verdict, decision: str
) -> tuple[str, ...]:
    """What the trainee told the applicant is missing, as the engine's verdict summary counts
    it: a notice's list (materials of the items given 一次性告知), or the 容缺 materials of an
    acceptance."""
    if decision == checklist.Decision.NOTIFY.value:
        noticed = {c.item for c in choices if c.decision == NOTICE}
        return tuple(dict.fromkeys(m.name for m in verdict.missing if noticed & set(m.items)))
    if decision == checklist.Decision.ACCEPT_DEFERRED.value:
        return tuple(dict.fromkeys(d.material.name for d in verdict.deferred))
    return ()


def _decision_label(value: str, lang: str | None = None) -> str:
    return checklist.Decision(value).label(lang)


def _condition_text(
    condition: Condition, subject: Theme | list[Item], answers: Mapping[str, Answer]
) -> str:
    """「经营场所是否为自有产权？」＝否 — a material's `when`, in the catalog's words."""
    questions = {q.id: q.situation for q in checklist.questions_for(subject, answers)}
    parts: list[str] = []
    for key, clause in condition.clauses:
        situation = questions.get(key)
        question = situation.question if situation else key
        if isinstance(clause, AnyOf):
            labels = [situation.label_of(v) if situation else str(v) for v in clause.values]
            parts.append(f"「{question}」＝{'/'.join(labels)}")
        elif isinstance(clause, Range):
            bounds = []
            if clause.min is not None:
                bounds.append(f"≥{clause.min:g}")
            if clause.max is not None:
                bounds.append(f"≤{clause.max:g}")
            parts.append(f"「{question}」{' '.join(bounds)}")
    return "，".join(parts)


def _switched_by(material: checklist.MergedMaterial) -> Condition | None:
    for _, part in material.parts:
        if part.when is not None:
            return part.when
    return None


def _efficiency(seconds: float, par: int) -> float:
    if seconds <= par:
        return 1.0
    return max(0.0, 1.0 - (seconds - par) / (2 * par))


def score(
    scenario: Scenario,
    catalog: Catalog,
    attempt: Attempt,
    today: date | None = None,
    lang: str | None = None,
) -> Score:
    """Score the attempt against the checklist engine's verdict on the scenario."""
    today = today or hall_today()
    expected_subject = subject_of(scenario, catalog)
    expected = expected_verdict(scenario, catalog, today)
    summary = verdict_summary(expected)
    expected_names = summary.materials
    exp_statuses = {s.material.name: s for s in expected.statuses}

    subject = attempt.subject(catalog)
    mine, _ = planner.judge(subject, attempt.answers, attempt.marks, attempt.applicant)
    decision = trainee_decision(attempt.choices, mine)
    found = _found(attempt.choices, mine, decision)
    feedback: list[Feedback] = []

    def add(key: str, ok: bool = False, **params: Any) -> None:
        feedback.append(Feedback(key, tuple(params.items()), ok))

    # --- what was handled: the items, the applicant's kind, the answers
    want_items = [i.code for i in checklist.chosen_items(expected_subject, scenario.answers)]
    got_items = [i.code for i in checklist.chosen_items(subject, attempt.answers)]
    if set(want_items) != set(got_items):
        names = {i.code: i.name for i in catalog.items}
        add(
            "wrong_subject",
            expected="、".join(f"{c} {names.get(c, c)}" for c in want_items) or "—",
            got="、".join(f"{c} {names.get(c, c)}" for c in got_items) or "—",
        )
    if attempt.applicant_kind != scenario.persona.kind:
        add(
            "wrong_kind",
            expected=i18n.t(f"practice.kind.{scenario.persona.kind}", lang=lang),
            got=i18n.t(f"practice.kind.{attempt.applicant_kind}", lang=lang),
        )
    questions = {q.id: q for q in checklist.questions_for(expected_subject, scenario.answers)}
    given = checklist.resolve_answers(subject, attempt.answers)
    for qid, wanted in scenario.answers.items():
        question = questions.get(qid)
        if question is None:
            continue
        got_value = given.get(qid)
        if got_value is None or not _same(got_value, wanted):
            switched = [
                m.name
                for m in checklist.merged_materials(expected_subject, scenario.answers)
                if (cond := _switched_by(m)) is not None and qid in cond.keys
            ]
            add(
                "wrong_answer",
                question=question.situation.question,
                expected=question.situation.label_of(wanted),
                got=question.situation.label_of(got_value) if got_value is not None else "—",
                materials="、".join(switched) or "—",
            )

    # --- the decision
    expected_decision = summary.decision
    decision_ok = decision == expected_decision
    refusal_ok: bool | None = None
    if scenario.expected.decision is ExpectedDecision.REFUSE:
        wanted_item = scenario.expected.refusal_item or ""
        wanted_reason = scenario.expected.refusal_reason or ""
        refusal_ok = False
        if decision_ok:
            choice = next((c for c in attempt.choices if c.item == wanted_item), None)
            own = [r for r in mine.refusals if r.item == wanted_item]
            if choice is not None and choice.decision == REFUSE:
                if wanted_reason == APPLICANT_TYPE_REASON:
                    refusal_ok = any(not r.reason_id for r in own)
                else:
                    refusal_ok = choice.refusal_reason == wanted_reason or (
                        choice.refusal_reason is None
                        and any(r.reason_id == wanted_reason for r in own)
                    )
    if not decision_ok:
        add(
            "wrong_decision",
            expected=_decision_label(expected_decision, lang),
            got=_decision_label(decision, lang)
            if decision in {d.value for d in checklist.Decision}
            else decision,
        )
    if scenario.expected.decision is ExpectedDecision.REFUSE and not refusal_ok:
        _refusal_rule(scenario, catalog, expected, add, lang)
    elif decision == checklist.Decision.REFUSE.value and not decision_ok:
        add("no_refusal_ground", expected=_decision_label(expected_decision, lang))
    if (
        scenario.expected.decision is ExpectedDecision.ACCEPT_DEFERRED
        and decision == checklist.Decision.NOTIFY.value
    ):
        add("rongque_rule", materials="、".join(expected_names))

    # --- the materials
    if scenario.expected.decision is ExpectedDecision.REFUSE:
        missed: tuple[str, ...] = ()
        unneeded: tuple[str, ...] = ()
        precision = recall = 1.0 if refusal_ok else 0.0
    else:
        want = set(expected_names)
        have = set(found)
        missed = tuple(n for n in expected_names if n not in have)
        unneeded = tuple(n for n in found if n not in want)
        hits = len(want & have)
        precision = hits / len(have) if have else 1.0
        recall = hits / len(want) if want else 1.0
        for name in missed:
            _missed_feedback(scenario, name, exp_statuses.get(name), expected_subject, add, lang)
        mine_statuses = {s.material.name: s for s in mine.statuses}
        for name in unneeded:
            _unneeded_feedback(
                scenario,
                name,
                exp_statuses.get(name),
                mine_statuses.get(name),
                expected_subject,
                add,
            )

    # --- time
    par = scenario.difficulty.par_seconds
    if attempt.seconds > par:
        add("slow", seconds=round(attempt.seconds), par=par)

    if scenario.expected.decision is ExpectedDecision.REFUSE:
        points = 60 * decision_ok + 30 * bool(refusal_ok) + 10 * _efficiency(attempt.seconds, par)
    else:
        points = (
            50 * decision_ok + 20 * recall + 20 * precision + 10 * _efficiency(attempt.seconds, par)
        )
    result = Score(
        points=round(points),
        decision=decision,
        expected_decision=expected_decision,
        decision_ok=decision_ok,
        refusal_ok=refusal_ok,
        found=found,
        expected_missing=tuple(expected_names),
        missed=missed,
        unneeded=unneeded,
        precision=precision,
        recall=recall,
        seconds=attempt.seconds,
        keystrokes=attempt.keystrokes,
        par_seconds=par,
        feedback=tuple(feedback),
    )
    if result.perfect:
        feedback.insert(
            0,
            Feedback(
                "all_right", (("decision", _decision_label(expected_decision, lang)),), ok=True
            ),
        )
        result = Score(**{**result.__dict__, "feedback": tuple(feedback)})
    return result


def _same(a: Answer, b: Answer) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _refusal_rule(
    scenario: Scenario, catalog: Catalog, expected: checklist.Verdict, add: Any, lang: str | None
) -> None:
    item = catalog.item(scenario.expected.refusal_item or "")
    name = item.name if item else scenario.expected.refusal_item or ""
    reason = scenario.expected.refusal_reason or ""
    if reason == APPLICANT_TYPE_REASON and item is not None:
        add(
            "applicant_type_rule",
            item=name,
            allowed="、".join(checklist.enum_label(t, lang) for t in item.applicant_types),
            got=checklist.enum_label(scenario.persona.applicant_type, lang),
            basis="；".join(item.legal_basis[:1]) or "—",
        )
        return
    refusal = next((r for r in expected.refusals if r.reason_id == reason), None)
    if refusal is None and item is not None:
        catalog_reason = item.refusal_reason(reason)
        text = catalog_reason.text if catalog_reason else reason
        basis = catalog_reason.legal_basis if catalog_reason else ""
    else:
        text = refusal.text if refusal else reason
        basis = refusal.legal_basis if refusal else ""
    trigger = ""
    if item is not None:
        for rule in item.refuse_when:
            if rule.reason == reason:
                subject = subject_of(scenario, catalog)
                trigger = _condition_text(rule.when, subject, scenario.answers)
                break
    add("refusal_rule", item=name, reason=text, basis=basis or "—", trigger=trigger or "—")


def _missed_feedback(
    scenario: Scenario,
    name: str,
    status: checklist.MaterialStatus | None,
    subject: Theme | list[Item],
    add: Any,
    lang: str | None,
) -> None:
    requirement = checklist.requirement(status.material, lang) if status else ""
    doc = scenario.document_for(name)
    if status is not None and status.state is checklist.State.DEFERRED:
        add("missed_rongque", material=name, requirement=requirement)
        return
    if doc is not None and doc.traps:
        for trap in doc.traps:
            add(
                "missed_trap",
                material=name,
                description=doc.description,
                trap=i18n.t(f"practice.trap.{trap.value}", lang=lang),
                requirement=requirement,
            )
        return
    condition = _switched_by(status.material) if status else None
    if condition is not None:
        add(
            "missed_situation",
            material=name,
            condition=_condition_text(condition, subject, scenario.answers),
            requirement=requirement,
        )
        return
    add("missed_material", material=name, requirement=requirement)


def _unneeded_feedback(
    scenario: Scenario,
    name: str,
    expected_status: checklist.MaterialStatus | None,
    my_status: checklist.MaterialStatus | None,
    subject: Theme | list[Item],
    add: Any,
) -> None:
    doc = scenario.document_for(name)
    if expected_status is None:
        material = my_status.material if my_status else None
        condition = _switched_by(material) if material else None
        add(
            "unneeded_not_required",
            material=name,
            condition=_condition_text(condition, subject, scenario.answers) if condition else "—",
        )
        return
    if expected_status.state is checklist.State.ELICENSE:
        add("unneeded_elicense", material=name, types="、".join(expected_status.material.elicenses))
    elif expected_status.state is checklist.State.IN_FLOW:
        add("unneeded_in_flow", material=name, producer=expected_status.material.produced_by or "—")
    elif doc is not None and doc.acceptable:
        add(
            "unneeded_brought",
            material=name,
            description=doc.description,
            standard=expected_status.material.standard or "—",
        )
    elif not expected_status.material.required:
        add("unneeded_optional", material=name)
    else:
        add("unneeded", material=name)
