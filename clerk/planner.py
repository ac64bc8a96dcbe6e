"""The one decision planner: a visit as typed -> per-item verdicts and what stops a decision.

Pure (no I/O). The hall (services/hall/cases), practice (services/hall/practice), the workstation
(screens/intake_state.py) and `clerk catalog decide` (clerk/decide.py) all decide through it; none
re-checks on its own.

    visit = visit_of(subject, state)          # a draft's `state` (DraftState shape) as plain data
    plan = plan_visit(visit, today)           # verdict, per item, problems (people, mail, 容缺 dates)
    plan.stopping(accepting=True)             # the problems that stop this decision, in order
    planned = plan_choices(plan, choices, lang)   # one case status (and refusal) per item, or
                                                  # DecisionError (cannot_accept, nothing_missing …)
    promise(item, today, calendar)            # the promised date, never past the legal limit

A problem's `code` is the hall's stable error code (`cases.id_required` …), translated from
`service.error.<code>`; the hall answers 422 with the first one, the workstation lists them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clerk import checklist, i18n
from clerk.cases import CaseStatus, Decision, decision_status
from clerk.catalog.model import Answers, ApplicantType, Handling, Item
from clerk.identity import IdType, check_expiry, validate_id, validate_phone, validate_uscc
from clerk.workdays import LimitUnit, TimeLimit, WorkCalendar, WorkdayResult, promised_within_legal

__all__ = [
    "ORGANIZATION",
    "PERSON",
    "Choice",
    "DecisionError",
    "ItemPlan",
    "Party",
    "Plan",
    "Planned",
    "Problem",
    "Visit",
    "applicant_type",
    "item_plans",
    "judge",
    "parse_marks",
    "parse_state",
    "plan_choices",
    "plan_visit",
    "problems",
    "promise",
    "reason_rows",
    "refusal_of",
    "visit_of",
]

PERSON, ORGANIZATION = "person", "organization"

#: Mark words a draft may carry besides the State values and names (older clients, scripts).
_STATE_WORDS: dict[str, checklist.State] = {
    **{s.value: s for s in checklist.State},
    **{s.name.lower(): s for s in checklist.State},
    "rongque": checklist.State.DEFERRED,
    "gaozhi": checklist.State.COMMITTED,
    "e_license": checklist.State.ELICENSE,
}


def applicant_type(kind: str) -> ApplicantType:
    """The checklist's applicant type of the form's kind (person / organization)."""
    return ApplicantType.ORGANIZATION if kind == ORGANIZATION else ApplicantType.PERSON


def parse_state(word: str) -> checklist.State | None:
    text = word.strip()
    return _STATE_WORDS.get(text) or _STATE_WORDS.get(text.lower())


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def parse_marks(materials: Mapping[str, Any]) -> dict[str, checklist.Mark]:
    """A draft's material marks ({name: {"state", "due"}}) -> checklist marks; unknown words are
    dropped (the material then counts as unmarked)."""
    out: dict[str, checklist.Mark] = {}
    for name, raw in materials.items():
        mark = raw if isinstance(raw, Mapping) else {"state": getattr(raw, "state", "")}
        due = mark.get("due") if isinstance(raw, Mapping) else getattr(raw, "due", None)
        parsed = parse_state(str(mark.get("state") or ""))
        if parsed is not None:
            out[str(name)] = checklist.Mark(parsed, _date(due))
    return out


# =========================================================================== the visit


@dataclass(frozen=True)
class Party:
    """A person as typed: the applicant (or an organisation's contact person) or the agent."""

    name: str = ""
    id_type: str = ""  # an IdType value; "" is a 居民身份证
    id_number: str = ""
    valid_until: str = ""
    phone: str = ""

    @property
    def typed(self) -> bool:
        return any(v.strip() for v in (self.name, self.id_number, self.phone, self.valid_until))


@dataclass(frozen=True)
class Visit:
    """Everything a decision depends on, as plain data."""

    subject: checklist.Subject
    answers: Answers
    marks: Mapping[str, checklist.Mark]
    kind: str = PERSON
    applicant: Party | None = None  # None: nobody named yet
    uscc: str = ""
    elicenses: frozenset[str] = frozenset()
    agent: Party | None = None
    mail: bool = False  # the result is mailed (送达方式: 邮寄)
    address: str = ""

    @property
    def agent_present(self) -> bool:
        """The applicant said someone acts for them (the `agent` answer), or agent data came in."""
        return self.answers.get(checklist.AGENT) is True or (
            self.agent is not None and self.agent.typed
        )

    def checklist_applicant(self) -> checklist.Applicant:
        return checklist.Applicant(applicant_type(self.kind), self.elicenses)


def _party(data: Any) -> Party | None:
    if not isinstance(data, Mapping):
        return None
    return Party(
        name=str(data.get("name") or ""),
        id_type=str(data.get("id_type") or ""),
        id_number=str(data.get("id_number") or ""),
        valid_until=str(data.get("id_valid_until") or ""),
        phone=str(data.get("phone") or ""),
    )


def visit_of(subject: checklist.Subject, state: Mapping[str, Any]) -> Visit:
    """A draft's `state` (services.hall.cases.schemas.DraftState, as a dict) -> a Visit."""
    applicant = state.get("applicant")
    data: Mapping[str, Any] = applicant if isinstance(applicant, Mapping) else {}
    delivery = state.get("delivery")
    send: Mapping[str, Any] = delivery if isinstance(delivery, Mapping) else {}
    return Visit(
        subject=subject,
        answers=dict(state.get("answers") or {}),
        marks=parse_marks(state.get("materials") or {}),
        kind=ORGANIZATION if data.get("kind") == ORGANIZATION else PERSON,
        applicant=_party(applicant),
        uscc=str(data.get("uscc") or ""),
        elicenses=frozenset(str(e) for e in data.get("elicenses") or ()),
        agent=_party(state.get("agent")),
        mail=send.get("method") == "mail",
        address=str(send.get("address") or ""),
    )


# =========================================================================== problems


@dataclass(frozen=True)
class Problem:
    """Something that stops a decision, with the form field at fault."""

    code: str  # the hall's error code; text under service.error.<code>
    field: str
    params: tuple[tuple[str, Any], ...] = ()
    accepting_only: bool = True  # False: stops any decision (a number that is wrong as typed)

    def text(self, lang: str | None = None) -> str:
        return i18n.t(f"service.error.{self.code}", lang=lang, **dict(self.params))

    @property
    def extra(self) -> dict[str, Any]:
        return {"field": self.field, **dict(self.params)}


def _id_problem(id_type: str, number: str, today: dt.date, where: str) -> Problem | None:
    try:
        check = validate_id(id_type or IdType.RESIDENT.value, number, today)
    except ValueError:
        return Problem("cases.bad_applicant_id", where, (("problem", id_type),), False)
    if not check.ok:
        return Problem("cases.bad_applicant_id", where, (("problem", check.message()),), False)
    return None


def _expiry_problem(party: Party, today: dt.date, where: str) -> Problem | None:
    """A 有效期 typed in and found past. An empty date is let through, as at the window: the
    clerk saw the document."""
    if not party.valid_until.strip():
        return None
    expiry = check_expiry(party.valid_until, today)
    if not expiry.ok:
        return Problem("cases.id_not_valid", where, (("problem", expiry.message()),))
    return None


def problems(visit: Visit, today: dt.date) -> list[Problem]:
    """Every problem, in the order the hall checks them (its 422 is the first that applies)."""
    out: list[Problem] = []

    def add(problem: Problem | None) -> None:
        if problem is not None:
            out.append(problem)

    person = visit.applicant
    if person is None or not person.name.strip():
        return [Problem("cases.applicant_required", "name", (), False)]
    if visit.kind == ORGANIZATION:
        if visit.uscc.strip():
            check = validate_uscc(visit.uscc)
            if not check.ok:
                add(Problem("cases.bad_uscc", "uscc", (("problem", check.message()),), False))
        else:
            add(Problem("cases.id_required", "uscc"))
        if person.id_number.strip():  # the contact person's document
            add(_id_problem(person.id_type, person.id_number, today, "id_number"))
    elif person.id_number.strip():
        add(_id_problem(person.id_type, person.id_number, today, "id_number"))
    else:
        add(Problem("cases.id_required", "id_number"))
    add(_expiry_problem(person, today, "id_valid_until"))
    if person.phone.strip():
        phone = validate_phone(person.phone)
        if not phone.ok:
            add(Problem("cases.bad_phone", "phone", (("problem", phone.message()),), False))
    agent = visit.agent
    if visit.agent_present:
        if agent is None or not agent.name.strip():
            add(Problem("cases.agent_name_required", "agent.name"))
        else:
            add(_expiry_problem(agent, today, "agent.id_valid_until"))
    if agent is not None and agent.name.strip() and agent.id_number.strip():
        add(_id_problem(agent.id_type, agent.id_number, today, "agent.id_number"))
    if visit.agent_present:
        in_person = checklist.in_person_items(visit.subject, visit.answers)
        if in_person:  # 本人办理: no agent can be accepted for these
            names = "、".join(i.name for i in in_person)
            add(Problem("cases.in_person_only", "agent", (("items", names),)))
    if visit.mail and not visit.address.strip():
        add(Problem("cases.mail_address_required", "delivery.address"))
    for name, mark in visit.marks.items():
        if mark.state is checklist.State.DEFERRED and mark.due is not None and mark.due < today:
            params = (("material", name), ("due", mark.due.isoformat()))
            add(Problem("cases.rongque_due_past", "materials", params))
    return out


# =========================================================================== the plan


@dataclass(frozen=True)
class ItemPlan:
    """The visit's verdict seen from one item: judged on the materials it needs, its own
    refusals and the questions left unanswered (which hold up every item)."""

    item: Item
    decision: checklist.Decision
    reasons: tuple[checklist.Reason, ...]
    statuses: tuple[checklist.MaterialStatus, ...]
    missing: tuple[checklist.MergedMaterial, ...]
    deferred: tuple[checklist.Deferred, ...]
    refusals: tuple[checklist.Refusal, ...]


@dataclass(frozen=True)
class Plan:
    visit: Visit
    verdict: checklist.Verdict
    items: tuple[ItemPlan, ...]
    answers: dict[str, Any]  # effective answers (given, else default)
    problems: tuple[Problem, ...] = ()

    def stopping(self, *, accepting: bool) -> list[Problem]:
        """The problems that stop this decision (an acceptance: all of them)."""
        return [p for p in self.problems if accepting or not p.accepting_only]

    @property
    def can_accept(self) -> bool:
        return self.verdict.can_accept and not self.problems


def _concerns(reason: checklist.Reason, code: str, names: set[str]) -> bool:
    params = dict(reason.params)
    if reason.key == "refused":
        return bool(params.get("item") == code)
    if "material" in params:
        return params["material"] in names
    return True


def item_plans(verdict: checklist.Verdict, items: Sequence[Item]) -> tuple[ItemPlan, ...]:
    by_code = {entry.code: entry for entry in verdict.per_item()}
    out: list[ItemPlan] = []
    for item in items:
        entry = by_code[item.code]
        statuses = tuple(s for s in verdict.statuses if item.code in s.material.items)
        names = {s.material.name for s in statuses}
        out.append(
            ItemPlan(
                item=item,
                decision=entry.decision,
                reasons=tuple(r for r in verdict.reasons if _concerns(r, item.code, names)),
                statuses=statuses,
                missing=entry.missing,
                deferred=tuple(d for d in verdict.deferred if item.code in d.material.items),
                refusals=entry.refusals,
            )
        )
    return tuple(out)


def judge(
    subject: checklist.Subject,
    answers: Answers,
    marks: checklist.States,
    applicant: checklist.Applicant | None,
    lang: str | None = None,
) -> tuple[checklist.Verdict, tuple[ItemPlan, ...]]:
    """The checklist's verdict and its split by item (no people, no delivery)."""
    verdict = checklist.verdict(subject, answers, marks, applicant, lang=lang)
    items = checklist.chosen_items(subject, answers)
    return verdict, item_plans(verdict, items)


def plan_visit(visit: Visit, today: dt.date, lang: str | None = None) -> Plan:
    verdict, items = judge(
        visit.subject, visit.answers, visit.marks, visit.checklist_applicant(), lang
    )
    return Plan(
        visit=visit,
        verdict=verdict,
        items=items,
        answers=dict(checklist.resolve_answers(visit.subject, visit.answers)),
        problems=tuple(problems(visit, today)),
    )


# =========================================================================== choices


@dataclass(frozen=True)
class Choice:
    """The clerk's decision on one item (services.hall.cases.schemas.ItemDecisionIn)."""

    item: str
    decision: str  # accept / notice / refuse
    refusal_reason: str | None = None  # the id of one of the item's refusal reasons
    reason: str | None = None  # a reason in words …
    legal_basis: str | None = None  # … with its legal basis
    note: str = ""


class DecisionError(ValueError):
    """A choice the plan does not allow; `status` and `code` are the hall's (409/422)."""

    def __init__(self, status: int, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.extra = extra


@dataclass(frozen=True)
class Planned:
    plan: ItemPlan
    choice: Choice
    status: CaseStatus
    refusal: dict[str, Any] | None  # reason_id, text, legal_basis


def refusal_of(item: Item, choice: Choice, found: Sequence[checklist.Refusal]) -> dict[str, Any]:
    """The refusal recorded: the chosen reason of the item (its text and basis may be edited),
    else a reason in words with its legal basis, else the one the answers trigger."""
    if choice.refusal_reason:
        reason = item.refusal_reason(choice.refusal_reason)
        if reason is None:
            raise DecisionError(422, "cases.unknown_refusal_reason", reason=choice.refusal_reason)
        return {
            "reason_id": reason.id,
            "text": (choice.reason or "").strip() or reason.text,
            "legal_basis": (choice.legal_basis or "").strip() or reason.legal_basis,
        }
    text, basis = (choice.reason or "").strip(), (choice.legal_basis or "").strip()
    if text and basis:
        return {"reason_id": None, "text": text, "legal_basis": basis}
    if found:
        first = found[0]
        return {
            "reason_id": first.reason_id or None,
            "text": first.text,
            "legal_basis": first.legal_basis,
        }
    raise DecisionError(422, "cases.refusal_reason_required", item=item.code)


def reason_rows(reasons: Sequence[checklist.Reason], lang: str | None) -> list[dict[str, Any]]:
    return [
        {"key": r.key, "text": r.text(lang), **{k: str(v) for k, v in r.params}} for r in reasons
    ]


def plan_choices(
    plan: Plan, choices: Mapping[str, Choice], lang: str | None = None
) -> list[Planned]:
    """One case per item: its first status and refusal. DecisionError when an acceptance is
    not allowed by the verdict (409 cases.cannot_accept, with the reasons), a 一次性告知 has
    nothing missing (409 cases.nothing_missing), or a refusal has no reason (422)."""
    out: list[Planned] = []
    for entry in plan.items:
        choice = choices[entry.item.code]
        decision = Decision(choice.decision)
        refusal: dict[str, Any] | None = None
        if decision is Decision.ACCEPT:
            if entry.decision not in (
                checklist.Decision.ACCEPT,
                checklist.Decision.ACCEPT_DEFERRED,
            ):
                raise DecisionError(
                    409,
                    "cases.cannot_accept",
                    item=entry.item.code,
                    verdict=entry.decision.value,
                    reasons=reason_rows(
                        [r for r in entry.reasons if r.key not in ("complete", "committed")], lang
                    ),
                    missing=[m.name for m in entry.missing],
                    unanswered=list(plan.verdict.unanswered),
                )
        elif decision is Decision.NOTICE:
            if not entry.missing:
                raise DecisionError(409, "cases.nothing_missing", item=entry.item.code)
        else:
            refusal = refusal_of(entry.item, choice, entry.refusals)
        status = decision_status(
            decision,
            deferred=entry.decision is checklist.Decision.ACCEPT_DEFERRED,
            immediate=entry.item.handling is Handling.IMMEDIATE,
        )
        out.append(Planned(entry, choice, status, refusal))
    return out


def promise(item: Item, today: dt.date, calendar: WorkCalendar) -> WorkdayResult:
    """The promised date of an accepted item, never past the legal limit (a 工作日 promise vs a
    自然日 law around holidays)."""
    limit = TimeLimit(item.promised_limit.value, LimitUnit.parse(item.promised_limit.unit.value))
    legal = TimeLimit(item.legal_limit.value, LimitUnit.parse(item.legal_limit.unit.value))
    return promised_within_legal(today, limit, legal, calendar)
