"""The decision planner for scripts and catalog checks: a request in plain words (codes, answers,
applicant kind, what was received, e-licenses by holder) -> the checklist verdict, per item.

It adds no rule of its own: it turns the request into the checklist engine's inputs and asks
`clerk.planner.judge`, the verdict the hall, the workstation and practice decide on (the people,
the agent and the delivery, which a request does not name, are the planner's `plan_visit`).

    request = Request(("YJS-004",), applicant="individual_business", received="all")
    plan = make_plan(catalog, request)
    plan.verdict.decision, plan.per_item, to_json(plan)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from clerk import checklist, planner
from clerk.catalog.model import (
    Answer,
    ApplicantType,
    Catalog,
    Holder,
    Item,
    Situation,
    Theme,
    TimeUnit,
)

#: `--applicant` words -> (the subject's type, the `applicant_kind` answer it implies). A natural
#: person implies none: at the window he may apply for himself or for the 个体工商户 or company
#: being set up, which the subject's own answers say.
APPLICANT_KINDS: dict[str, tuple[ApplicantType, str | None]] = {
    "person": (ApplicantType.PERSON, None),
    "company": (ApplicantType.ORGANIZATION, "company"),
    "individual_business": (ApplicantType.INDIVIDUAL_BUSINESS, "individual_business"),
    # the hall's "organization" (any holder of a 统一社会信用代码 that is not a 个体工商户)
    "organization": (ApplicantType.ORGANIZATION, "company"),
}


#: The standard situation that says which subject the business is (FORMAT.md).
APPLICANT_KIND = "applicant_kind"


class RequestError(ValueError):
    """A request that names something the catalog does not have; the message is for the user."""


@dataclass(frozen=True)
class Request:
    codes: tuple[str, ...]
    answers: Mapping[str, str] = field(default_factory=dict)  # question id -> typed text
    applicant: str | None = None  # a key of APPLICANT_KINDS, or None: not checked
    received: str | tuple[str, ...] = "none"  # "all", "none", or material names / ids
    elicenses: tuple[str, ...] = ()  # "TYPE" (the applicant's) or "HOLDER:TYPE"


@dataclass(frozen=True)
class Promised:
    """Promised time: each item's, their sum (one after another), and the longest (parallel)."""

    per_item: tuple[tuple[str, int, TimeUnit], ...]
    serial_workdays: int
    parallel_workdays: int

    def to_json(self) -> dict[str, Any]:
        return {
            "per_item": {code: f"{value} {unit.value}" for code, value, unit in self.per_item},
            "sum_workdays": self.serial_workdays,
            "parallel_workdays": self.parallel_workdays,
        }


@dataclass(frozen=True)
class Plan:
    subject: Theme | list[Item]
    answers: dict[str, Answer]
    verdict: checklist.Verdict
    per_item: list[checklist.ItemVerdict]
    fields: list[checklist.MergedField]
    promised: Promised


def subject_of(catalog: Catalog, codes: Sequence[str]) -> Theme | list[Item]:
    found: list[Item | Theme] = []
    for code in codes:
        entry = catalog.get(code) or catalog.get(code.upper())
        if entry is None:
            raise RequestError(f"no item or theme with code {code!r}")
        found.append(entry)
    themes = [f for f in found if isinstance(f, Theme)]
    if themes:
        if len(found) > 1:
            raise RequestError("a theme is decided on its own, not together with other codes")
        return themes[0]
    return [f for f in found if isinstance(f, Item)]


def situations_of(subject: Theme | list[Item]) -> dict[str, Situation]:
    """Every question the subject could ask, by id (the first definition, for parsing)."""
    out: dict[str, Situation] = {}
    groups: list[tuple[Situation, ...]] = []
    if isinstance(subject, Theme):
        groups.append(subject.questions)
        groups.extend(m.item.situations for m in subject.members)
    else:
        groups.extend(item.situations for item in subject)
    for situations in groups:
        for situation in situations:
            out.setdefault(situation.id, situation)
    return out


def parse_answers(subject: Theme | list[Item], raw: Mapping[str, str]) -> dict[str, Answer]:
    known = situations_of(subject)
    answers: dict[str, Answer] = {}
    for key, text in raw.items():
        situation = known.get(key)
        if situation is None:
            raise RequestError(
                f"{key!r} is not a question asked here; choose from: {', '.join(known)}"
            )
        try:
            answers[key] = checklist.parse_answer(situation, text)
        except checklist.AnswerError as exc:
            raise RequestError(str(exc)) from exc
    return answers


def _applicant(request: Request) -> checklist.Applicant | None:
    mine: set[str] = set()
    others: set[tuple[Holder, str]] = set()
    for text in request.elicenses:
        try:
            holder, kind = checklist.parse_elicense(text)
        except ValueError as exc:
            raise RequestError(str(exc)) from exc
        if holder is Holder.APPLICANT:
            mine.add(kind)
        else:
            others.add((holder, kind))
    kind_type: ApplicantType | None = None
    if request.applicant is not None:
        if request.applicant not in APPLICANT_KINDS:
            allowed = ", ".join(APPLICANT_KINDS)
            raise RequestError(f"unknown applicant {request.applicant!r}; allowed: {allowed}")
        kind_type = APPLICANT_KINDS[request.applicant][0]
    if kind_type is None and not mine and not others:
        return None
    return checklist.Applicant(kind_type, frozenset(mine), frozenset(others))


def _states(
    materials: Sequence[checklist.MergedMaterial], received: str | tuple[str, ...]
) -> dict[str, checklist.State]:
    """Received materials -> marks. "all" marks what the applicant brings (not what is passed
    on internally or obtained by the hall); names or any member's material id select."""
    if received == "none":
        return {}
    wanted = set(received) if not isinstance(received, str) else set()
    out: dict[str, checklist.State] = {}
    for m in materials:
        if received == "all":
            if m.produced_by is None and not m.source.obtained_by_hall:
                out[m.name] = checklist.State.RECEIVED
            continue
        ids = {part.id for _, part in m.parts} | {f"{code}:{part.id}" for code, part in m.parts}
        if m.name in wanted or ids & wanted:
            out[m.name] = checklist.State.RECEIVED
    return out


def promised_of(items: Sequence[Item]) -> Promised:
    """Each item's promised time; calendar days count as they are (no conversion)."""
    per = tuple((i.code, i.promised_limit.value, i.promised_limit.unit) for i in items)
    work = [value for _, value, unit in per if unit is TimeUnit.WORKDAY]
    return Promised(per, sum(work), max(work, default=0))


def make_plan(catalog: Catalog, request: Request) -> Plan:
    subject = subject_of(catalog, request.codes)
    answers = parse_answers(subject, request.answers)
    implied = (
        APPLICANT_KINDS[request.applicant][1] if request.applicant in APPLICANT_KINDS else None
    )
    if implied is not None and APPLICANT_KIND in situations_of(subject):
        answers.setdefault(APPLICANT_KIND, implied)
    materials = checklist.merged_materials(subject, answers)
    states = _states(materials, request.received)
    v, _ = planner.judge(subject, answers, states, _applicant(request))
    items = checklist.chosen_items(subject, answers)
    return Plan(
        subject=subject,
        answers=answers,
        verdict=v,
        per_item=v.per_item(),
        fields=checklist.merged_fields(subject, answers),
        promised=promised_of(items),
    )


def material_json(status: checklist.MaterialStatus, lang: str | None = None) -> dict[str, Any]:
    m = status.material
    return {
        "name": m.name,
        "items": list(m.items),
        "state": status.state.value,
        "form": m.form.value,
        "count": m.count,
        "originals": m.originals,
        "copies": m.copies,
        "medium": m.medium.value,
        "required": m.required,
        "source": m.source.value,
        "holders": [h.key for h in m.holders],
        "elicenses": list(m.elicenses),
        "produced_by": m.produced_by,
        "requirement": checklist.requirement(m, lang),
    }


def to_json(plan: Plan, lang: str | None = None) -> dict[str, Any]:
    return {
        "decision": plan.verdict.decision.value,
        "items": [
            {
                "code": entry.code,
                "verdict": "accept"
                if entry.decision is checklist.Decision.ACCEPT_DEFERRED
                else entry.decision.value,
                "deferred": entry.decision is checklist.Decision.ACCEPT_DEFERRED,
                "reasons": [r.text for r in entry.refusals],
                "missing": [m.name for m in entry.missing],
            }
            for entry in plan.per_item
        ],
        "reasons": [r.text(lang) for r in plan.verdict.reasons],
        "unanswered": list(plan.verdict.unanswered),
        "materials": [material_json(s, lang) for s in plan.verdict.statuses],
        "fields": [{"id": f.id, "label": f.label, "items": list(f.items)} for f in plan.fields],
        "promised": plan.promised.to_json(),
    }
