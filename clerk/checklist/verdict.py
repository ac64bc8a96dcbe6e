"""The completeness verdict: each material's state, the refusals, and the decision, explained.

A clerk's mark is honoured only where the material allows it; the decision is accept / 容缺受理 /
一次性告知 / 不予受理 / 待定.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from clerk import i18n
from clerk.catalog.model import (
    Answers,
    Holder,
)
from clerk.checklist.applicant import Applicant, refused_for_applicant
from clerk.checklist.merging import (
    MergedMaterial,
    applicable_materials,
    enum_label,
    link_produced,
    merge,
    requirement,
)
from clerk.checklist.questions import Subject, subject_state


class State(StrEnum):
    RECEIVED = "已收"
    MISSING = "缺"
    ELICENSE = "电子证照免提交"
    DEFERRED = "容缺"
    COMMITTED = "告知承诺"
    IN_FLOW = "内部流转"  # produced by another item of the same visit or theme
    # the hall obtains it itself (部门共享 / 系统核验 / 系统推送): always, or as the clerk
    # checked (核验：免于提交) for a material whose exemption depends on the data being there
    OBTAINED = "免于提交"


@dataclass(frozen=True)
class Mark:
    """The clerk's mark on a material. 容缺 needs the date by which it will be supplied."""

    state: State
    due: date | None = None


States = Mapping[str, "State | Mark"]


@dataclass(frozen=True)
class Reason:
    """One line of the verdict's explanation, translated when shown."""

    key: str  # under checklist.reason.
    params: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str | None = None) -> str:
        return i18n.t(f"checklist.reason.{self.key}", lang=lang, **dict(self.params))

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class MaterialStatus:
    material: MergedMaterial
    state: State  # effective: an invalid mark counts as 缺
    due: date | None = None
    problem: Reason | None = None  # why a mark was not honoured

    @property
    def outstanding(self) -> bool:
        """Needed and not in hand (deferred and committed ones are not outstanding)."""
        return self.material.required and self.state is State.MISSING


@dataclass(frozen=True)
class Refusal:
    item: str
    reason_id: str  # "" for an applicant type the item does not accept
    text: str
    legal_basis: str


@dataclass(frozen=True)
class Deferred:
    material: MergedMaterial
    due: date | None


class Decision(StrEnum):
    ACCEPT = "accept"  # 齐全 → 受理
    ACCEPT_DEFERRED = "accept_deferred"  # only 容缺 materials missing → 容缺受理
    NOTIFY = "notify"  # 一次性告知: every missing required material
    REFUSE = "refuse"  # 不予受理
    UNDECIDED = "undecided"  # nothing chosen yet, or a question has no answer

    def label(self, lang: str | None = None) -> str:
        return i18n.t(f"checklist.decision.{self.value}", lang=lang)


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reasons: tuple[Reason, ...]  # why — the clerk sees why accept is disabled
    statuses: tuple[MaterialStatus, ...]
    missing: tuple[MergedMaterial, ...] = ()  # every missing required material (一次性告知)
    deferred: tuple[Deferred, ...] = ()  # 容缺, with due dates
    committed: tuple[MergedMaterial, ...] = ()  # 告知承诺
    refusals: tuple[Refusal, ...] = ()
    unanswered: tuple[str, ...] = ()  # question ids asked without an answer
    items: tuple[str, ...] = ()  # codes of the chosen items, in the order handled

    @property
    def can_accept(self) -> bool:
        return self.decision in (Decision.ACCEPT, Decision.ACCEPT_DEFERRED)

    def per_item(self) -> list[ItemVerdict]:
        """The verdict of each chosen item: refused by its own refusals, else 一次性告知 while
        a material it needs is missing, else accepted (容缺 if one it needs is deferred)."""
        out: list[ItemVerdict] = []
        for code in self.items:
            refusals = tuple(r for r in self.refusals if r.item == code)
            missing = tuple(m for m in self.missing if code in m.items)
            deferred = tuple(d for d in self.deferred if code in d.material.items)
            if refusals:
                decision = Decision.REFUSE
            elif self.unanswered:
                decision = Decision.UNDECIDED
            elif missing:
                decision = Decision.NOTIFY
            elif deferred:
                decision = Decision.ACCEPT_DEFERRED
            else:
                decision = Decision.ACCEPT
            out.append(ItemVerdict(code, decision, refusals, missing))
        return out


@dataclass(frozen=True)
class ItemVerdict:
    code: str
    decision: Decision
    refusals: tuple[Refusal, ...]
    missing: tuple[MergedMaterial, ...]


def _mark(value: State | Mark | None) -> Mark | None:
    if value is None:
        return None
    return value if isinstance(value, Mark) else Mark(value)


def material_statuses(
    materials: Sequence[MergedMaterial], states: States, applicant: Applicant | None = None
) -> list[MaterialStatus]:
    """The effective state of each material. Unmarked materials are 缺, or 电子证照免提交 when the
    applicant holds a matching e-license. A mark the material does not allow counts as 缺."""
    who = applicant or Applicant()
    out: list[MaterialStatus] = []
    for material in materials:
        mark = _mark(states.get(material.name))
        # every holder of the document must have that e-license fetched (配偶的身份证 is not
        # replaced by the applicant's own e-license)
        holds_license = any(
            all(who.holds(h, e) for h in material.holders) for e in material.elicenses
        )
        if mark is None and material.produced_by is not None:
            out.append(MaterialStatus(material, State.IN_FLOW))
            continue
        if mark is None and material.source.obtained_by_hall:
            out.append(MaterialStatus(material, State.OBTAINED))
            continue
        if mark is None or mark.state is State.MISSING:
            if mark is None and holds_license:
                out.append(MaterialStatus(material, State.ELICENSE))
            else:
                out.append(MaterialStatus(material, State.MISSING))
            continue
        problem: Reason | None = None
        if mark.state is State.DEFERRED and not material.rongque:
            problem = Reason("rongque_not_allowed", (("material", material.name),))
        elif mark.state is State.DEFERRED and mark.due is None:
            problem = Reason("rongque_needs_due", (("material", material.name),))
        elif mark.state is State.COMMITTED and not material.gaozhi:
            problem = Reason("gaozhi_not_allowed", (("material", material.name),))
        elif mark.state is State.ELICENSE and not material.elicenses:
            problem = Reason("no_elicense", (("material", material.name),))
        elif (
            mark.state is State.ELICENSE
            and applicant is not None
            and any(h is not Holder.APPLICANT for h in material.holders)
            and not holds_license
        ):
            others = [h for h in material.holders if h is not Holder.APPLICANT]
            holder = enum_label(others[0])
            problem = Reason("wrong_holder", (("material", material.name), ("holder", holder)))
        elif mark.state is State.OBTAINED and material.hall_source is None:
            problem = Reason("not_obtained", (("material", material.name),))
        elif mark.state is State.IN_FLOW and material.produced_by is None:
            problem = Reason("not_in_flow", (("material", material.name),))
        if problem is not None:
            out.append(MaterialStatus(material, State.MISSING, None, problem))
        else:
            out.append(MaterialStatus(material, mark.state, mark.due))
    return out


def verdict(
    subject: Subject,
    answers: Answers,
    states: States,
    applicant: Applicant | None = None,
    lang: str | None = None,
) -> Verdict:
    """The completeness verdict, explained.

    不予受理 when a `refuse_when` holds or an item does not accept the applicant's type;
    otherwise 待定 while a question has no answer; otherwise 一次性告知 listing every missing
    required material; otherwise 容缺受理 when only 容缺 materials are outstanding; else 受理.
    """
    items, defs = subject_state(subject, answers)
    values, shown = defs.resolve(answers)
    materials = link_produced(merge(applicable_materials(items, values)), items)
    statuses = material_statuses(materials, states, applicant)
    reasons: list[Reason] = []

    refusals: list[Refusal] = []
    wrong_type = (
        {i.code for i in refused_for_applicant(items, applicant.type)}
        if applicant is not None and applicant.type is not None
        else set()
    )
    for item in items:
        if applicant is not None and applicant.type is not None and item.code in wrong_type:
            allowed = "、".join(enum_label(t, lang) for t in item.applicant_types)
            text = i18n.t(
                "checklist.reason.applicant_type",
                lang=lang,
                item=item.name,
                allowed=allowed,
                got=enum_label(applicant.type, lang),
            )
            refusals.append(Refusal(item.code, "", text, "；".join(item.legal_basis[:1])))
        for rule in item.refuse_when:
            if rule.when.holds(values):
                reason = item.refusal_reason(rule.reason)
                if reason is not None:
                    refusals.append(Refusal(item.code, reason.id, reason.text, reason.legal_basis))
    for refusal in refusals:
        reasons.append(
            Reason(
                "refused",
                (
                    ("item", refusal.item),
                    ("text", refusal.text),
                    ("basis", refusal.legal_basis or "—"),
                ),
            )
        )

    unanswered = tuple(qid for qid in defs.order if shown.get(qid) and qid not in values)
    for qid in unanswered:
        reasons.append(Reason("unanswered", (("question", defs.merged(qid).question),)))

    missing = tuple(s.material for s in statuses if s.outstanding)
    deferred = tuple(Deferred(s.material, s.due) for s in statuses if s.state is State.DEFERRED)
    committed = tuple(s.material for s in statuses if s.state is State.COMMITTED)
    for status in statuses:
        if status.problem is not None:
            reasons.append(status.problem)
    for material in missing:
        reasons.append(
            Reason(
                "missing",
                (("material", material.name), ("requirement", requirement(material, lang))),
            )
        )
    for entry in deferred:
        reasons.append(
            Reason(
                "deferred",
                (
                    ("material", entry.material.name),
                    ("due", entry.due.isoformat() if entry.due else "—"),
                ),
            )
        )
    for material in committed:
        reasons.append(Reason("committed", (("material", material.name),)))

    if not items:
        decision = Decision.UNDECIDED
        reasons.insert(0, Reason("no_items"))
    elif refusals:
        decision = Decision.REFUSE
    elif unanswered:
        decision = Decision.UNDECIDED
    elif missing:
        decision = Decision.NOTIFY
    elif deferred:
        decision = Decision.ACCEPT_DEFERRED
    else:
        decision = Decision.ACCEPT
        reasons.insert(0, Reason("complete"))
    return Verdict(
        decision=decision,
        reasons=tuple(reasons),
        statuses=tuple(statuses),
        missing=missing,
        deferred=deferred,
        committed=committed,
        refusals=tuple(refusals),
        unanswered=unanswered,
        items=tuple(item.code for item in items),
    )
