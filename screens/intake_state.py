"""The intake form as data, and everything the intake screen derives from it — no Textual here,
so it is tested without a terminal (tests/intake/).

    form = IntakeForm()                       # what the clerk has typed and ticked so far
    form.to_state() / IntakeForm.from_state() # the draft's `state` (services.hall.cases.schemas)
    view = derive(catalog, form, today)       # questions, checklist, verdict, field messages
    plan_decisions(view, choice, refusal)     # one ItemDecision per chosen item

The agent (代办人) switch is the answer `agent` (the catalog's items ask it and switch
授权委托书及受托人身份证明 on with it), so the checklist and the switch can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from clerk import checklist, formfill, i18n, planner
from clerk.catalog import fill as fill_rules
from clerk.catalog.model import Answer, ApplicantType, Catalog, Item, Theme
from clerk.identity import (
    IdType,
    check_expiry,
    validate_id,
    validate_phone,
    validate_uscc,
)

PERSON = "person"
ORGANIZATION = "organization"
AGENT = checklist.AGENT  # the situation that switches the power-of-attorney material on
PICKUP, MAIL = "pickup", "mail"

#: The document types a clerk picks from (IdType values, in the order shown).
ID_TYPES: tuple[IdType, ...] = (
    IdType.RESIDENT,
    IdType.HKMO_PERMIT,
    IdType.TW_PERMIT,
    IdType.PASSPORT,
    IdType.FOREIGN_PR,
    IdType.HMT_RESIDENCE,
)


def _t(key: str, **values: Any) -> str:
    return i18n.t(f"intake.{key}", **values)


@dataclass
class Person:
    name: str = ""
    id_type: str = IdType.RESIDENT.value
    id_number: str = ""
    id_valid_until: str = ""
    phone: str = ""

    def to_state(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "id_valid_until": self.id_valid_until,
            "phone": self.phone,
        }

    @classmethod
    def from_state(cls, data: Mapping[str, Any] | None) -> Person:
        data = data or {}
        id_type = str(data.get("id_type") or IdType.RESIDENT.value)
        if id_type not in {t.value for t in IdType}:
            id_type = IdType.RESIDENT.value
        return cls(
            name=str(data.get("name") or ""),
            id_type=id_type,
            id_number=str(data.get("id_number") or ""),
            id_valid_until=str(data.get("id_valid_until") or ""),
            phone=str(data.get("phone") or ""),
        )


@dataclass
class IntakeForm:
    """Everything typed, answered and ticked for one applicant at the window."""

    kind: str = PERSON
    applicant: Person = field(default_factory=Person)
    uscc: str = ""
    legal_rep: str = ""
    agent: Person = field(default_factory=Person)
    theme: str | None = None
    items: list[str] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    marks: dict[str, checklist.Mark] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    elicenses: list[str] = field(default_factory=list)
    # 多表合一 sources the hall looked up (not saved: looked up again when a draft resumes):
    # the fetched e-licenses' data by type, and the fields of the applicant's latest case
    licenses: dict[str, dict[str, str]] = field(default_factory=dict)
    earlier: dict[str, str] = field(default_factory=dict)
    delivery_method: str = PICKUP
    delivery_address: str = ""
    delivery_recipient: str = ""
    delivery_phone: str = ""
    notes: str = ""
    # a second visit: the 一次性告知 it answers and what that visit had (second_visit.py)
    follows_notice: str = ""
    notice: dict[str, Any] = field(default_factory=dict)

    def is_empty(self) -> bool:
        """Nothing typed or chosen yet (no draft is worth saving)."""
        return self == IntakeForm(delivery_method=self.delivery_method)

    # ------------------------------------------------------------------ agent

    @property
    def agent_on(self) -> bool:
        return self.answers.get(AGENT) is True

    def set_agent(self, on: bool) -> None:
        self.answers[AGENT] = on

    # ------------------------------------------------------------------ subject

    @property
    def codes(self) -> list[str]:
        return [self.theme] if self.theme else list(self.items)

    def subject(self, catalog: Catalog) -> Theme | list[Item]:
        if self.theme:
            theme = catalog.theme(self.theme)
            if theme is not None:
                return theme
        return [item for code in self.items if (item := catalog.item(code)) is not None]

    def add(self, catalog: Catalog, code: str) -> bool:
        """Add an item or start from a theme; False when it was already there or unknown."""
        if catalog.theme(code) is not None:
            if self.theme == code:
                return False
            self.theme = code
            self.items = []
            return True
        if catalog.item(code) is None or code in self.items:
            return False
        if self.theme:  # items added to a theme: leave it, keep its chosen items and answers
            theme = catalog.theme(self.theme)
            if theme is not None:
                self.items, self.answers = checklist.leave_theme(theme, self.answers)
            self.theme = None
            if code in self.items:
                return False
        self.items.append(code)
        return True

    def remove(self, code: str) -> None:
        if self.theme == code:
            self.theme = None
        elif code in self.items:
            self.items.remove(code)

    def applicant_type(self) -> ApplicantType:
        return planner.applicant_type(self.kind)

    def checklist_applicant(self) -> checklist.Applicant:
        return checklist.Applicant(self.applicant_type(), frozenset(self.elicenses))

    def lookup_number(self) -> str:
        """The number the e-license library knows the applicant by."""
        return self.uscc if self.kind == ORGANIZATION else self.applicant.id_number

    def applicant_values(self) -> dict[str, str]:
        """What the applicant part of the form says, by the fill rules' applicant keys."""
        person = self.kind == PERSON
        contact = (
            self.agent.name
            if self.agent_on and self.agent.name.strip()
            else (self.applicant.name if person else self.legal_rep)
        )
        id_type = ""
        if person and self.applicant.id_number.strip():
            id_type = IdType(self.applicant.id_type).label()
        return {
            "name": self.applicant.name,
            "uscc": self.uscc,
            "legal_rep": self.legal_rep or (self.applicant.name if person else ""),
            "phone": self.applicant.phone,
            "id_type": id_type,
            "id_number": self.applicant.id_number if person else "",
            "legal_rep_id": self.applicant.id_number if not person else "",
            "contact_name": contact,
            "agent_name": self.agent.name if self.agent_on else "",
            "agent_id_number": self.agent.id_number if self.agent_on else "",
        }

    def filled(self, catalog: Catalog) -> dict[str, formfill.Filled]:
        """多表合一: every field the catalog's fill rules can fill from what the hall knows."""
        subject = self.subject(catalog)
        questions = {q.id: q.situation for q in checklist.questions_for(subject, self.answers)}
        sources = formfill.Sources(
            applicant=self.applicant_values(),
            answers=checklist.resolve_answers(subject, self.answers),
            questions=questions,
            licenses=self.licenses,
            earlier=self.earlier,
        )
        rules = catalog.fill or fill_rules.packaged()
        return formfill.fill(checklist.merged_fields(subject, self.answers), rules, sources)

    def field_value(self, fid: str, filled: dict[str, formfill.Filled]) -> str:
        """A 多表合一 field: typed value, else the filled one."""
        typed = self.fields.get(fid)
        if typed:
            return typed
        found = filled.get(fid)
        return found.value if found else ""

    # ------------------------------------------------------------------ the draft's state

    def to_state(self, catalog: Catalog | None = None) -> dict[str, Any]:
        """The draft `state` (shape: services.hall.cases.schemas.DraftState)."""
        applicant = self.applicant.to_state()
        applicant.update(
            kind=self.kind,
            uscc=self.uscc,
            legal_rep=self.legal_rep,
            elicenses=sorted(self.elicenses),
        )
        if self.kind == ORGANIZATION:  # the person's ID rows are hidden for an organization
            applicant.update(id_type=None, id_number="", id_valid_until="")
        fields = dict(self.fields)
        if catalog is not None:  # 多表合一: what the hall knows fills the fields not typed
            for fid, found in self.filled(catalog).items():
                if not fields.get(fid):
                    fields[fid] = found.value
        state: dict[str, Any] = {
            "applicant": applicant,
            "agent": None,
            "theme": self.theme,
            "items": list(self.items),
            "answers": dict(self.answers),
            "materials": {
                name: {"state": mark.state.value, "due": mark.due.isoformat() if mark.due else None}
                for name, mark in self.marks.items()
            },
            "fields": fields,
            "delivery": {
                "method": self.delivery_method,
                "recipient": self.delivery_recipient,
                "phone": self.delivery_phone,
                "address": self.delivery_address,
            },
            "notes": self.notes,
            "form": {"typed_fields": dict(self.fields)},
        }
        if self.follows_notice:
            state["follows_notice"] = self.follows_notice
            state["notice"] = dict(self.notice)
        if self.agent_on:
            agent = self.agent.to_state()
            agent["authorized"] = self.agent_authorized(catalog) if catalog else False
            state["agent"] = agent
        return state

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> IntakeForm:
        applicant = state.get("applicant") or {}
        agent = state.get("agent") or {}
        delivery = state.get("delivery") or {}
        marks: dict[str, checklist.Mark] = {}
        for name, raw in (state.get("materials") or {}).items():
            try:
                mark_state = checklist.State(str((raw or {}).get("state") or "缺"))
            except ValueError:
                continue
            due_text = (raw or {}).get("due")
            due = dt.date.fromisoformat(str(due_text)) if due_text else None
            marks[str(name)] = checklist.Mark(mark_state, due)
        typed = (state.get("form") or {}).get("typed_fields")
        answers: dict[str, Answer] = {}
        for key, value in (state.get("answers") or {}).items():
            if isinstance(value, (bool, int, float, str)):
                answers[str(key)] = value
        return cls(
            kind=ORGANIZATION if applicant.get("kind") == ORGANIZATION else PERSON,
            applicant=Person.from_state(applicant),
            uscc=str(applicant.get("uscc") or ""),
            legal_rep=str(applicant.get("legal_rep") or ""),
            agent=Person.from_state(agent),
            theme=state.get("theme") or None,
            items=[str(i) for i in state.get("items") or []],
            answers=answers,
            marks=marks,
            fields={
                str(k): str(v)
                for k, v in (
                    typed if isinstance(typed, dict) else state.get("fields") or {}
                ).items()
            },
            elicenses=[str(e) for e in applicant.get("elicenses") or []],
            delivery_method=MAIL if delivery.get("method") == MAIL else PICKUP,
            delivery_address=str(delivery.get("address") or ""),
            delivery_recipient=str(delivery.get("recipient") or ""),
            delivery_phone=str(delivery.get("phone") or ""),
            notes=str(state.get("notes") or ""),
            follows_notice=str(state.get("follows_notice") or ""),
            notice=dict(state.get("notice") or {}),
        )

    @property
    def notice_received(self) -> list[str]:
        """A second visit: the materials the first visit received, marked again (to confirm)."""
        return [str(n) for n in self.notice.get("received") or []]

    # ------------------------------------------------------------------ agent materials

    def agent_materials(self, catalog: Catalog) -> list[checklist.MergedMaterial]:
        """The materials the agent switch brings in (those whose condition names `agent`)."""
        subject = self.subject(catalog)
        return [
            m
            for m in checklist.merged_materials(subject, self.answers)
            if any(part.when is not None and AGENT in part.when.keys for _, part in m.parts)
        ]

    def agent_authorized(self, catalog: Catalog) -> bool:
        materials = self.agent_materials(catalog)
        return bool(materials) and all(
            (mark := self.marks.get(m.name)) is not None and mark.state is checklist.State.RECEIVED
            for m in materials
        )


# =========================================================================== derived view


@dataclass(frozen=True)
class FieldMessage:
    text: str
    error: bool = True  # False: a warning (shown, does not block)


@dataclass(frozen=True)
class IntakeView:
    """What the screen shows, derived from the form in one pass."""

    subject: Theme | list[Item]
    items: tuple[Item, ...]  # chosen items (a theme: its chosen members)
    questions: tuple[checklist.Question, ...]
    statuses: tuple[checklist.MaterialStatus, ...]
    fields: tuple[checklist.MergedField, ...]
    verdict: checklist.Verdict
    messages: dict[str, FieldMessage]  # by field id (applicant.id_number, kind, agent, ...)
    blockers: tuple[str, ...]  # why the file can't be accepted beyond the verdict

    @property
    def can_accept(self) -> bool:
        return self.verdict.can_accept and not self.blockers

    @property
    def decision(self) -> checklist.Decision:
        return self.verdict.decision


def _id_messages(
    prefix: str, person: Person, today: dt.date, messages: dict[str, FieldMessage]
) -> None:
    if person.id_number.strip():
        check = validate_id(person.id_type, person.id_number, today)
        if not check.ok:
            messages[f"{prefix}.id_number"] = FieldMessage(check.message())
        elif check.warnings:
            messages[f"{prefix}.id_number"] = FieldMessage(
                "；".join(check.warning_messages()), error=False
            )
        elif check.age is not None:
            messages[f"{prefix}.id_number"] = FieldMessage(
                _t("field.id_ok", age=check.age, sex=i18n.t(f"identity.sex.{check.sex}")),
                error=False,
            )
    if person.id_valid_until.strip():
        expiry = check_expiry(person.id_valid_until, today)
        if not expiry.ok:
            messages[f"{prefix}.id_valid_until"] = FieldMessage(expiry.message())
        elif expiry.warnings:
            messages[f"{prefix}.id_valid_until"] = FieldMessage(
                "；".join(expiry.warning_messages()), error=False
            )
    if person.phone.strip():
        phone = validate_phone(person.phone)
        if not phone.ok:
            messages[f"{prefix}.phone"] = FieldMessage(phone.message())


def derive(catalog: Catalog, form: IntakeForm, today: dt.date) -> IntakeView:
    """The view of the form; its verdict and blockers are the hall's planner's (clerk.planner),
    so the window predicts exactly what the hall will decide."""
    subject = form.subject(catalog)
    answers = form.answers
    plan = planner.plan_visit(planner.visit_of(subject, form.to_state()), today)
    verdict = plan.verdict
    items = tuple(checklist.chosen_items(subject, answers))
    questions = tuple(checklist.questions_for(subject, answers))
    fields = tuple(checklist.merged_fields(subject, answers))
    messages: dict[str, FieldMessage] = {}

    # --- the applicant
    if form.kind == ORGANIZATION:
        if form.uscc.strip():
            check = validate_uscc(form.uscc)
            if not check.ok:
                messages["applicant.uscc"] = FieldMessage(check.message())
        if form.applicant.phone.strip() and not validate_phone(form.applicant.phone).ok:
            messages["applicant.phone"] = FieldMessage(
                validate_phone(form.applicant.phone).message()
            )
    else:
        _id_messages("applicant", form.applicant, today, messages)
    refused_types = checklist.refused_for_applicant(items, form.applicant_type())
    if refused_types:
        messages["applicant.kind"] = FieldMessage(
            _t(
                "field.wrong_kind",
                items="、".join(i.name for i in refused_types),
                allowed="、".join(
                    checklist.enum_label(t) for t in refused_types[0].applicant_types
                ),
                got=checklist.enum_label(form.applicant_type()),
            )
        )

    # --- the agent
    if form.agent_on:
        _id_messages("agent", form.agent, today, messages)
        agent_materials = form.agent_materials(catalog)
        if agent_materials and not form.agent_authorized(catalog):
            messages["agent"] = FieldMessage(
                _t("field.agent_unauthorized", material="、".join(m.name for m in agent_materials))
            )
    for problem in plan.problems:
        if problem.code == "cases.in_person_only":
            messages["agent"] = FieldMessage(_t("field.agent_in_person", **dict(problem.params)))
    return IntakeView(
        subject=subject,
        items=items,
        questions=questions,
        statuses=verdict.statuses,
        fields=fields,
        verdict=verdict,
        messages=messages,
        # what blocks an acceptance beyond the checklist: what the hall would answer with 422
        blockers=tuple(p.text() for p in plan.problems),
    )


# =========================================================================== decisions

ACCEPT, NOTICE, REFUSE = "accept", "notice", "refuse"


@dataclass(frozen=True)
class RefusalChoice:
    item: str
    reason_id: str
    text: str
    legal_basis: str


def refusal_choices(view: IntakeView) -> list[RefusalChoice]:
    """Refusal reasons to choose from: those the answers trigger first, then every reason of
    every chosen item."""
    out: list[RefusalChoice] = []
    seen: set[tuple[str, str]] = set()
    for refusal in view.verdict.refusals:
        key = (refusal.item, refusal.reason_id)
        if key not in seen:
            seen.add(key)
            out.append(
                RefusalChoice(refusal.item, refusal.reason_id, refusal.text, refusal.legal_basis)
            )
    for item in view.items:
        for reason in item.refusal_reasons:
            key = (item.code, reason.id)
            if key not in seen:
                seen.add(key)
                out.append(RefusalChoice(item.code, reason.id, reason.text, reason.legal_basis))
    return out


def item_missing(view: IntakeView, code: str) -> list[checklist.MergedMaterial]:
    return [m for m in view.verdict.missing if code in m.items]


def plan_decisions(
    view: IntakeView, choice: str, refusal: RefusalChoice | None = None, note: str = ""
) -> list[dict[str, Any]]:
    """One decision per chosen item (services.client_cases.ItemDecision as JSON).

    accept: every item. notice: items with missing materials get 一次性告知, the complete ones are
    accepted in the same visit. refuse: every item; the chosen reason where it belongs, the
    item's own triggered reason otherwise, else the chosen reason in words."""
    out: list[dict[str, Any]] = []
    for item in view.items:
        entry: dict[str, Any] = {"item": item.code, "decision": choice, "note": note}
        if choice == NOTICE and not item_missing(view, item.code):
            entry["decision"] = ACCEPT
        elif choice == REFUSE:
            own = [r for r in view.verdict.refusals if r.item == item.code]
            if refusal is not None and refusal.item == item.code and refusal.reason_id:
                entry["refusal_reason"] = refusal.reason_id
            elif own:
                if own[0].reason_id:
                    entry["refusal_reason"] = own[0].reason_id
                else:
                    entry["reason"], entry["legal_basis"] = own[0].text, own[0].legal_basis or "—"
            elif refusal is not None:
                entry["reason"] = refusal.text
                entry["legal_basis"] = refusal.legal_basis or "—"
        out.append(entry)
    return out


def default_choice(view: IntakeView) -> str:
    if view.verdict.decision is checklist.Decision.REFUSE:
        return REFUSE
    if view.can_accept:
        return ACCEPT
    return NOTICE


def material_requirement(status: checklist.MaterialStatus) -> str:
    return checklist.requirement(status.material)


def cycle_state(status: checklist.MaterialStatus) -> checklist.State:
    """The next state for the `space` key: 缺 → 已收 → (容缺) → (告知承诺) → (电子证照) →
    (内部流转) → (核验：免于提交) → 缺, skipping the states the material does not allow."""
    material = status.material
    order: list[checklist.State] = [checklist.State.MISSING, checklist.State.RECEIVED]
    if material.rongque:
        order.append(checklist.State.DEFERRED)
    if material.gaozhi:
        order.append(checklist.State.COMMITTED)
    if material.elicenses:
        order.append(checklist.State.ELICENSE)
    if material.produced_by is not None:
        order.append(checklist.State.IN_FLOW)
    if material.obtainable is not None:
        order.append(checklist.State.OBTAINED)
    current = status.state if status.state in order else checklist.State.MISSING
    return order[(order.index(current) + 1) % len(order)]


def allowed(status: checklist.MaterialStatus, state: checklist.State) -> str | None:
    """Why `state` can't be set on this material (a message), or None when it can."""
    material = status.material
    if state is checklist.State.DEFERRED and not material.rongque:
        return _t("mark.no_rongque", material=material.name)
    if state is checklist.State.COMMITTED and not material.gaozhi:
        return _t("mark.no_gaozhi", material=material.name)
    if state is checklist.State.ELICENSE and not material.elicenses:
        return _t("mark.no_elicense", material=material.name)
    if state is checklist.State.OBTAINED and material.hall_source is None:
        return _t("mark.no_obtained", material=material.name)
    return None


def outstanding(statuses: Sequence[checklist.MaterialStatus]) -> list[checklist.MaterialStatus]:
    """Materials still to tick: 缺 (required or not), not those the e-license library covers."""
    return [s for s in statuses if s.state is checklist.State.MISSING]


# =========================================================================== scanner bursts


@dataclass(frozen=True)
class Scan:
    """What a keyboard-wedge scanner (or a typed Enter) put into the ID field.

    Accepted, one line ending in Enter (the scanner's suffix):
      号码                          an ID number or a USCC alone
      姓名|号码                      e.g. a reader configured for name and number
      姓名|号码|有效期               an ID-card reader burst; 有效期 is the end date
                                    (2036.03.07, 20360307, 2036-03-07, 长期) or the printed
                                    range "2016.03.07-2036.03.07"
      名称|统一社会信用代码[|法定代表人]   a business-licence scan
    `|` may also be the full-width `｜`. A number that passes the USCC check and is not a valid
    居民身份证 makes the applicant an organization."""

    kind: str
    number: str
    name: str = ""
    valid_until: str = ""
    legal_rep: str = ""


_RANGE_SEPARATORS = ("-", "–", "—", "至", "~")


def _expiry_end(text: str) -> str:
    text = text.strip()
    for sep in _RANGE_SEPARATORS:
        if sep in text:
            _, _, tail = text.rpartition(sep)
            # "2016.03.07-2036.03.07": two dates; "2036-03-07" alone has short parts
            if len(tail.strip()) >= 8 or tail.strip() in ("长期",):
                return tail.strip()
    return text


def parse_scan(text: str) -> Scan | None:
    raw = text.strip().replace("｜", "|")
    if not raw:
        return None
    parts = [p.strip() for p in raw.split("|")]
    if len(parts) == 1:
        name, number, rest = "", parts[0], []
    else:
        name, number, rest = parts[0], parts[1], parts[2:]
    number = "".join(number.split()).upper()
    if not number:
        return None
    is_uscc = validate_uscc(number).ok and not validate_id(IdType.RESIDENT, number).ok
    if is_uscc:
        return Scan(ORGANIZATION, number, name, "", rest[0] if rest else "")
    return Scan(PERSON, number, name, _expiry_end(rest[0]) if rest else "")
