"""The checklist engine: which questions to ask, which materials and fields this applicant needs,
and whether the file is complete. Pure functions over the catalog model; no I/O.

A *subject* is what the clerk is handling: a theme (一件事) or a sequence of items.

    questions_for(subject, answers)        -> list[Question]     only the questions that matter
    resolve_answers(subject, answers)      -> dict[str, Answer]  effective answers (given/default)
    chosen_members(theme, answers)         -> list[ThemeMember]
    chosen_items(subject, answers)         -> list[Item]
    merged_materials(subject, answers)     -> list[MergedMaterial]  every material once (by name)
    merged_fields(subject, answers)        -> list[MergedField]     every field once (by id)
    material_statuses(materials, states, applicant) -> list[MaterialStatus]
    verdict(subject, answers, states, applicant)    -> Verdict
    merge_counts(subject, answers)         -> MergeCounts  before/after merging
    theme_counts(theme)                    -> ThemeCounts  default answers and all members
    parse_answer(situation, text)          -> Answer       for `--answer KEY=VALUE` and forms

Rules (FORMAT.md): a question is asked when any item (or the theme) that asks it shows it (its own
`when` holds); an answer given for a question that is not asked is ignored; an unasked or
unanswered question without a default satisfies no condition. Materials merge by name: strictest
form (原件和复印件 > 原件 > 复印件), largest count, a medium every item accepts (paper when none is
common), required if any item requires it, 容缺/告知承诺 only if every item allows it, an e-license
type if any item has one, acceptance standards combined.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from clerk import i18n
from clerk.catalog.model import (
    Answer,
    Answers,
    ApplicantType,
    Condition,
    Field,
    Form,
    Holder,
    Item,
    Material,
    Medium,
    Option,
    QuestionType,
    Situation,
    Source,
    Theme,
    ThemeMember,
)

Subject = Theme | Sequence[Item]

__all__ = [
    "Applicant",
    "Decision",
    "Deferred",
    "ItemVerdict",
    "Mark",
    "MaterialStatus",
    "MergeCounts",
    "MergedField",
    "MergedMaterial",
    "Question",
    "Reason",
    "Refusal",
    "State",
    "Subject",
    "ThemeCounts",
    "Verdict",
    "accepts",
    "agreed_default",
    "chosen_items",
    "chosen_members",
    "material_statuses",
    "merge_counts",
    "merged_fields",
    "merged_materials",
    "parse_answer",
    "parse_elicense",
    "questions_for",
    "refused_for_applicant",
    "requirement",
    "resolve_answers",
    "roles",
    "theme_counts",
    "verdict",
]


# =========================================================================== questions


@dataclass(frozen=True)
class Question:
    """A question to ask for this subject, once per id, with its current effective answer."""

    situation: Situation  # merged definition: first one seen, choice options united
    asked_by: tuple[str, ...]  # codes of the theme/items that ask it
    value: Answer | None  # the given answer, else the default, else None
    given: bool  # the applicant's answer was given (not a default)

    @property
    def id(self) -> str:
        return self.situation.id

    @property
    def answered(self) -> bool:
        return self.value is not None


@dataclass
class _Definitions:
    """Every definition of every question id, in the order first seen."""

    order: list[str] = field(default_factory=list)
    defs: dict[str, list[Situation]] = field(default_factory=dict)
    askers: dict[str, list[str]] = field(default_factory=dict)
    owners: dict[str, list[str]] = field(default_factory=dict)  # asker code per definition
    theme: str = ""  # the theme's code, whose own definitions rule its members'

    def add(self, code: str, situations: Iterable[Situation], *, theme: bool = False) -> None:
        if theme:
            self.theme = code
        for situation in situations:
            if situation.id not in self.defs:
                self.order.append(situation.id)
                self.defs[situation.id] = []
                self.askers[situation.id] = []
                self.owners[situation.id] = []
            self.defs[situation.id].append(situation)
            self.owners[situation.id].append(code)
            if code not in self.askers[situation.id]:
                self.askers[situation.id].append(code)

    def merged(self, qid: str) -> Situation:
        """One definition for the id, whatever order the items came in: the theme's own if it
        asks it, else the one of the smallest item code; choice options united. The default is
        the theme's, else the one every item agrees on; items that disagree leave it unset, so
        the question is asked, not guessed."""
        pairs = sorted(
            zip(self.owners[qid], self.defs[qid], strict=True),
            key=lambda p: (p[0] != self.theme, p[0]),
        )
        first = pairs[0][1]
        theme_def = first if pairs[0][0] == self.theme and self.theme else None
        options: list[Option] = list(first.options)
        if first.type is QuestionType.CHOICE:
            seen = {option.value for option in options}
            for _, other in pairs[1:]:
                for option in other.options:
                    if option.value not in seen:
                        seen.add(option.value)
                        options.append(option)
        default: Answer | None
        if theme_def is not None and theme_def.default is not None:
            default = theme_def.default
        else:
            default = agreed_default(s for _, s in pairs)
        return Situation(first.id, first.question, first.type, tuple(options), default, first.when)

    def resolve(self, answers: Answers) -> tuple[dict[str, Answer], dict[str, bool]]:
        """Effective answers of the shown questions, and which of them are shown."""
        values: dict[str, Answer] = {}
        shown: dict[str, bool] = {}
        visiting: set[str] = set()
        merged = {qid: self.merged(qid) for qid in self.order}

        def value(qid: str) -> Answer | None:
            if qid in shown:
                return values.get(qid)
            if qid not in self.defs or qid in visiting:
                return None  # unknown here, or a cycle: never satisfies a condition
            visiting.add(qid)
            is_shown = any(_holds_lazy(s.when, value) for s in self.defs[qid])
            visiting.discard(qid)
            shown[qid] = is_shown
            if is_shown:
                situation = merged[qid]
                given = answers.get(qid)
                if given is not None and _valid(situation, given):
                    values[qid] = given
                elif situation.default is not None:
                    values[qid] = situation.default
            return values.get(qid)

        for qid in self.order:
            value(qid)
        return values, shown


def agreed_default(situations: Iterable[Situation]) -> Answer | None:
    """The default all these definitions agree on (those without one abstain), else None."""
    defaults: list[Answer] = []
    for situation in situations:
        if situation.default is not None and not any(
            _same_answer(situation.default, d) for d in defaults
        ):
            defaults.append(situation.default)
    return defaults[0] if len(defaults) == 1 else None


def _same_answer(a: Answer, b: Answer) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def _holds_lazy(condition: Condition | None, value: Any) -> bool:
    if condition is None:
        return True
    return all(clause.holds(value(key)) for key, clause in condition.clauses)


def _valid(situation: Situation, answer: Answer) -> bool:
    if situation.type is QuestionType.BOOL:
        return isinstance(answer, bool)
    if situation.type is QuestionType.NUMBER:
        return isinstance(answer, (int, float)) and not isinstance(answer, bool)
    return isinstance(answer, str) and situation.option(answer) is not None


def _items_definitions(items: Sequence[Item]) -> _Definitions:
    defs = _Definitions()
    for item in items:
        defs.add(item.code, item.situations)
    return defs


def _theme_state(theme: Theme, answers: Answers) -> tuple[list[ThemeMember], _Definitions]:
    """Members chosen by the answers, reached as a fixpoint: members may ask questions that
    choose other members."""
    chosen = [m for m in theme.members if m.when is None]
    for _ in range(len(theme.members) + 2):
        defs = _Definitions()
        defs.add(theme.code, theme.questions, theme=True)
        for member in chosen:
            defs.add(member.code, member.item.situations)
        values, _ = defs.resolve(answers)
        now = [m for m in theme.members if m.when is None or m.when.holds(values)]
        if now == chosen:
            break
        chosen = now
    defs = _Definitions()
    defs.add(theme.code, theme.questions, theme=True)
    for member in chosen:
        defs.add(member.code, member.item.situations)
    return chosen, defs


def _state(subject: Subject, answers: Answers) -> tuple[list[Item], _Definitions]:
    if isinstance(subject, Theme):
        members, defs = _theme_state(subject, answers)
        return [m.item for m in members], defs
    items = _unique_items(subject)
    return items, _items_definitions(items)


def _unique_items(items: Iterable[Item]) -> list[Item]:
    seen: set[str] = set()
    out: list[Item] = []
    for item in items:
        if item.code not in seen:
            seen.add(item.code)
            out.append(item)
    return out


def chosen_members(theme: Theme, answers: Answers) -> list[ThemeMember]:
    """The theme's members that the answers choose, in the theme's order."""
    return _theme_state(theme, answers)[0]


def chosen_items(subject: Subject, answers: Answers) -> list[Item]:
    return _state(subject, answers)[0]


#: The situation whose answer says someone acts for the applicant (代办人).
AGENT = "agent"


def in_person_items(subject: Subject, answers: Answers) -> list[Item]:
    """The chosen items that do not foresee an agent — they do not ask `agent`, so no
    power-of-attorney material exists for them: the applicant comes in person (本人办理,
    e.g. 居民身份证 for the photo and fingerprints, 婚姻登记 for both parties)."""
    return [
        item
        for item in chosen_items(subject, answers)
        if not any(s.id == AGENT for s in item.situations)
    ]


def resolve_answers(subject: Subject, answers: Answers) -> dict[str, Answer]:
    """The effective answer of every asked question (given, else default)."""
    return _state(subject, answers)[1].resolve(answers)[0]


def questions_for(subject: Subject, answers: Answers) -> list[Question]:
    """Only the questions that matter: asked by the theme or a chosen item and shown because
    their own `when` holds; each id once; theme questions first, then item by item."""
    _, defs = _state(subject, answers)
    values, shown = defs.resolve(answers)
    out: list[Question] = []
    for qid in defs.order:
        if not shown.get(qid):
            continue
        situation = defs.merged(qid)
        given = answers.get(qid)
        out.append(
            Question(
                situation=situation,
                asked_by=tuple(defs.askers[qid]),
                value=values.get(qid),
                given=given is not None and _valid(situation, given),
            )
        )
    return out


# =========================================================================== merging


@dataclass(frozen=True)
class MergedMaterial:
    """One material of the checklist, once for every item that needs it."""

    name: str
    items: tuple[str, ...]  # codes of the items it serves, in the order handled
    form: Form
    count: int
    medium: Medium
    required: bool
    rongque: bool
    gaozhi: bool
    elicenses: tuple[str, ...]  # e-license types that can replace it (sorted)
    standards: tuple[str, ...]
    source: Source
    notes: tuple[str, ...] = ()
    blank_form: str | None = None
    example: str | None = None
    parts: tuple[tuple[str, Material], ...] = ()  # (item code, the item's own material)
    # The chosen item whose result provides this material (公司设立登记 → 营业执照): the
    # applicant does not bring it; it passes between the back offices once that item is done.
    produced_by: str | None = None
    # What the clerk physically takes: originals shown (the most any member needs) and copies
    # kept (each member's back office keeps its own, so they add up). Merging keeps both roles.
    originals: int = 0
    copies: int = 0
    holders: tuple[Holder, ...] = (Holder.APPLICANT,)  # whose document it is (every part's)

    @property
    def elicense(self) -> str | None:
        return self.elicenses[0] if self.elicenses else None

    @property
    def standard(self) -> str:
        return "；".join(self.standards)


@dataclass(frozen=True)
class MergedField:
    id: str
    label: str
    items: tuple[str, ...]


def _applicable_materials(items: Sequence[Item], values: Answers) -> list[tuple[str, Material]]:
    return [
        (item.code, material)
        for item in items
        for material in item.materials
        if material.when is None or material.when.holds(values)
    ]


def _applicable_fields(items: Sequence[Item], values: Answers) -> list[tuple[str, Field]]:
    return [
        (item.code, f)
        for item in items
        for f in item.fields
        if f.when is None or f.when.holds(values)
    ]


_SOURCE_ORDER = list(Source)


def merge(parts: Sequence[tuple[str, Material]]) -> list[MergedMaterial]:
    """Merge (item code, material) pairs by material name, keeping first-seen order."""
    groups: dict[str, list[tuple[str, Material]]] = {}
    for code, material in parts:
        groups.setdefault(material.name, []).append((code, material))
    return [_merge_group(name, group) for name, group in groups.items()]


def roles(material: Material) -> tuple[int, int]:
    """(originals shown, copies kept) for one item's material."""
    if material.form is Form.ORIGINAL:
        return material.count, 0
    if material.form is Form.COPY:
        return 0, material.count
    return 1, material.count  # 原件和复印件: the original shown, the copies kept


def _merge_group(name: str, group: list[tuple[str, Material]]) -> MergedMaterial:
    # Every choice below is made over the parts sorted by item code, so the merged line is the
    # same whatever order the items were added in; `items` keeps the order handled, for display.
    ordered = sorted(group, key=lambda part: part[0])
    materials = [m for _, m in ordered]
    originals = max(roles(m)[0] for m in materials)
    copies = sum(roles(m)[1] for m in materials)
    if originals and copies:
        form = Form.ORIGINAL_AND_COPY
    elif originals:
        form = Form.ORIGINAL
    else:
        form = Form.COPY
    media = frozenset.intersection(*(m.medium.accepts for m in materials))
    if media == Medium.EITHER.accepts:
        medium = Medium.EITHER
    elif media:
        medium = Medium(next(iter(media)))
    else:
        medium = Medium.PAPER  # no common medium: paper, which the window can scan
    codes: list[str] = []
    for code, _ in group:
        if code not in codes:
            codes.append(code)
    return MergedMaterial(
        name=name,
        items=tuple(codes),
        form=form,
        count=copies or originals,
        medium=medium,
        required=any(m.required for m in materials),
        rongque=all(m.rongque for m in materials),
        gaozhi=all(m.gaozhi for m in materials),
        elicenses=tuple(sorted({m.elicense for m in materials if m.elicense})),
        standards=_distinct(m.standard for m in materials),
        source=min((m.source for m in materials), key=_SOURCE_ORDER.index),
        notes=_distinct(m.note for m in materials),
        blank_form=next((m.blank_form for m in materials if m.blank_form), None),
        example=next((m.example for m in materials if m.example), None),
        parts=tuple(group),
        originals=originals,
        copies=copies,
        holders=tuple(sorted({m.holder for m in materials}, key=list(Holder).index)),
    )


def _link_produced(materials: list[MergedMaterial], items: Sequence[Item]) -> list[MergedMaterial]:
    """Mark materials that another chosen item produces. An item never supplies its own inputs:
    a material also needed by its producer (the seller's 不动产权证书 for the transfer that
    issues the buyer's) is still brought by the applicant."""
    producers: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: i.code):
        for name in item.produces:
            producers.setdefault(name, []).append(item.code)
    out: list[MergedMaterial] = []
    for material in materials:
        candidates = [c for c in producers.get(material.name, ()) if c not in material.items]
        if candidates:
            material = replace(material, produced_by=candidates[0])
        out.append(material)
    return out


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        if value and value not in out:
            out.append(value)
    return tuple(out)


def merged_materials(subject: Subject, answers: Answers) -> list[MergedMaterial]:
    """Every applicable material of the chosen items, once per name."""
    items, defs = _state(subject, answers)
    values, _ = defs.resolve(answers)
    return _link_produced(merge(_applicable_materials(items, values)), items)


def merged_fields(subject: Subject, answers: Answers) -> list[MergedField]:
    """Every applicable form field of the chosen items, once per id (多表合一)."""
    items, defs = _state(subject, answers)
    values, _ = defs.resolve(answers)
    return _merge_fields(_applicable_fields(items, values))


def _merge_fields(parts: Sequence[tuple[str, Field]]) -> list[MergedField]:
    labels: dict[str, str] = {}
    codes: dict[str, list[str]] = {}
    for code, f in parts:
        labels.setdefault(f.id, f.label)
        served = codes.setdefault(f.id, [])
        if code not in served:
            served.append(code)
    return [MergedField(fid, labels[fid], tuple(codes[fid])) for fid in labels]


def requirement(material: MergedMaterial, lang: str | None = None) -> str:
    """What the applicant must bring, e.g. "原件和复印件 2 份，纸质；复印件加盖公章", or for a
    merged line that needs both roles "原件 1 份（核验后退还）+ 复印件 2 份（留存），纸质"."""
    if material.source.obtained_by_hall:
        return i18n.t("checklist.obtained", lang=lang, source=enum_label(material.source, lang))
    if material.originals and material.copies and len(material.parts) > 1:
        text = i18n.t(
            "checklist.roles",
            lang=lang,
            originals=material.originals,
            copies=material.copies,
            medium=enum_label(material.medium, lang),
        )
    else:
        text = i18n.t(
            "checklist.requirement",
            lang=lang,
            form=enum_label(material.form, lang),
            count=material.count,
            medium=enum_label(material.medium, lang),
        )
    if material.standard:
        text += i18n.t("checklist.standard_sep", lang=lang) + material.standard
    return text


def enum_label(value: StrEnum, lang: str | None = None) -> str:
    """A catalog enum value in the UI language (the data keeps the Chinese value)."""
    key = f"catalog.enum.{type(value).__name__}.{value.name}"
    return i18n.t(key, lang=lang) if i18n.has(key, lang) else value.value


# =========================================================================== counts


@dataclass(frozen=True)
class MergeCounts:
    materials_before: int  # sum over the chosen items
    materials_after: int  # after merging by name
    fields_before: int
    fields_after: int

    def to_json(self) -> dict[str, int]:
        return {
            "materials_before": self.materials_before,
            "materials_after": self.materials_after,
            "fields_before": self.fields_before,
            "fields_after": self.fields_after,
        }


@dataclass(frozen=True)
class ThemeCounts:
    all_members: MergeCounts  # headline: every member chosen, every material/field of each
    default: MergeCounts  # the theme's default answers


def merge_counts(subject: Subject, answers: Answers) -> MergeCounts:
    items, defs = _state(subject, answers)
    values, _ = defs.resolve(answers)
    materials = _applicable_materials(items, values)
    fields = _applicable_fields(items, values)
    produced = {m.name for m in _link_produced(merge(materials), items) if m.produced_by}
    return MergeCounts(
        materials_before=len(materials),
        materials_after=len({m.name for _, m in materials} - produced),
        fields_before=len(fields),
        fields_after=len({f.id for _, f in fields}),
    )


def union_counts(items: Sequence[Item]) -> MergeCounts:
    """The union over all answers: every material and field any answer could bring in."""
    items = _unique_items(items)
    every = merge([(item.code, m) for item in items for m in item.materials])
    produced = {m.name for m in _link_produced(every, items) if m.produced_by}
    return MergeCounts(
        materials_before=sum(len(item.materials) for item in items),
        materials_after=len({m.name for item in items for m in item.materials} - produced),
        fields_before=sum(len(item.fields) for item in items),
        fields_after=len({f.id for item in items for f in item.fields}),
    )


def theme_counts(theme: Theme) -> ThemeCounts:
    return ThemeCounts(all_members=union_counts(theme.items), default=merge_counts(theme, {}))


# =========================================================================== states and verdict


class State(StrEnum):
    RECEIVED = "已收"
    MISSING = "缺"
    ELICENSE = "电子证照免提交"
    DEFERRED = "容缺"
    COMMITTED = "告知承诺"
    IN_FLOW = "内部流转"  # produced by another item of the same visit or theme
    OBTAINED = "免于提交"  # the hall obtains it itself (部门共享 / 系统核验 / 系统推送)


@dataclass(frozen=True)
class Mark:
    """The clerk's mark on a material. 容缺 needs the date by which it will be supplied."""

    state: State
    due: date | None = None


States = Mapping[str, "State | Mark"]


@dataclass(frozen=True)
class Applicant:
    """What the verdict needs to know about the applicant."""

    type: ApplicantType | None = None  # None: not known yet, not checked
    elicenses: frozenset[str] = frozenset()  # e-license types the applicant holds
    # e-licenses of the other people whose documents the file holds: (holder, type)
    others: frozenset[tuple[Holder, str]] = frozenset()

    def holds(self, holder: Holder, elicense: str) -> bool:
        """Whether that holder's e-license of that type has been fetched."""
        if holder is Holder.APPLICANT:
            return elicense in self.elicenses or (holder, elicense) in self.others
        return (holder, elicense) in self.others


def parse_elicense(text: str) -> tuple[Holder, str]:
    """`居民身份证` (the applicant's) or `spouse:居民身份证` (HOLDER:TYPE, holder by key or by
    its Chinese name) -> (holder, type). ValueError for an unknown holder."""
    head, sep, tail = text.partition(":")
    if not sep:
        return Holder.APPLICANT, text.strip()
    word = head.strip()
    for holder in Holder:
        if word in (holder.key, holder.value):
            return holder, tail.strip()
    allowed = ", ".join(h.key for h in Holder)
    raise ValueError(f"unknown holder {word!r}; allowed: {allowed}")


def accepts(
    item: Item, applicant: ApplicantType, establishing: Iterable[ApplicantType] = ()
) -> bool:
    """Whether the item accepts this applicant. A natural person who, in the same visit, sets up
    the subject another item `establishes` (个体工商户设立登记 → 个体工商户, 公司设立登记 → 法人)
    applies for that subject: a 个体工商户's 经营者 is a natural person and the 个体工商户 holds
    the licences in its own name (《食品经营许可和备案管理办法》: 以营业执照载明的主体作为申请人)."""
    if item.accepts(applicant):
        return True
    return applicant is ApplicantType.PERSON and any(item.accepts(s) for s in establishing)


def refused_for_applicant(items: Sequence[Item], applicant: ApplicantType) -> list[Item]:
    """The chosen items that do not accept this applicant, given what the visit establishes."""
    establishing = [i.establishes for i in items if i.establishes is not None]
    return [item for item in items if not accepts(item, applicant, establishing)]


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
        elif mark.state is State.OBTAINED and not material.source.obtained_by_hall:
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
    items, defs = _state(subject, answers)
    values, shown = defs.resolve(answers)
    materials = _link_produced(merge(_applicable_materials(items, values)), items)
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


# =========================================================================== answers from text

_TRUE = {"true", "yes", "y", "1", "是", "有", "对"}
_FALSE = {"false", "no", "n", "0", "否", "无", "不是", "没有"}


class AnswerError(ValueError):
    """A typed answer that does not fit the question; the message is for the user."""


def parse_answer(situation: Situation, text: str) -> Answer:
    """Turn typed text into an answer for this question (choice: value or label)."""
    raw = text.strip()
    if situation.type is QuestionType.BOOL:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise AnswerError(i18n.t("checklist.answer.bool", id=situation.id, got=raw))
    if situation.type is QuestionType.NUMBER:
        try:
            number = float(raw)
        except ValueError:
            raise AnswerError(i18n.t("checklist.answer.number", id=situation.id, got=raw)) from None
        return int(number) if number.is_integer() and "." not in raw else number
    for option in situation.options:
        if raw in (option.value, option.label):
            return option.value
    allowed = ", ".join(f"{o.value} ({o.label})" for o in situation.options)
    raise AnswerError(i18n.t("checklist.answer.choice", id=situation.id, got=raw, allowed=allowed))
