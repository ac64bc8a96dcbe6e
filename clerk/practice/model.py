"""The practice scenario model: who comes to the window, what they bring, what they answer, and
what the right decision is. Frozen dataclasses built by clerk.practice.loader.

A scenario (scenarios/*.json, see loader.py for the JSON shape):

    Scenario(id, title, difficulty, subject, persona, agent, answers, documents, promises,
             expected, traps, brief, lesson)

- `subject`: the item codes (or one theme code) the applicant needs — what the trainee must find.
- `persona`: the applicant — a person (checksum-valid fake 居民身份证 number) or an organisation
  (checksum-valid fake USCC + legal representative), phone, what they say at the window, the
  e-licenses the hall's library holds for them.
- `documents`: what they put on the counter. Each names the catalog material it is meant to be
  and carries trap flags (`Trap`): a trap document is not acceptable and counts as not received.
  `extra` documents are not on the checklist at all (the trainee must not ask for them).
- `promises`: materials the applicant undertakes to supply later (容缺) or replaces by a signed
  commitment (告知承诺) — only honoured where the catalog allows it.
- `expected`: the right decision (accept / accept_deferred / notify / refuse), the materials a
  一次性告知 lists (or the 容缺 ones), the refusal (item + reason id, or `applicant_type`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from clerk.catalog.model import Answer, ApplicantType


class Difficulty(StrEnum):
    EASY = "easy"  # 入门: one item, complete or one plain gap
    MEDIUM = "medium"  # 进阶: a trap in the papers, a situation that switches a material on
    HARD = "hard"  # 困难: themes, several traps, refusals

    @property
    def rank(self) -> int:
        return {Difficulty.EASY: 1, Difficulty.MEDIUM: 2, Difficulty.HARD: 3}[self]

    @property
    def par_seconds(self) -> int:
        """The time a practised clerk needs; the efficiency score is full up to it."""
        return {Difficulty.EASY: 180, Difficulty.MEDIUM: 300, Difficulty.HARD: 480}[self]


class Trap(StrEnum):
    """What is wrong with a document (or with the visit as a whole)."""

    EXPIRED_ID = "expired_id"  # 身份证件已过有效期
    COPY_WITHOUT_SEAL = "copy_without_seal"  # 复印件未加盖公章
    UNSIGNED = "unsigned"  # 未签字（申请表、委托书）
    WRONG_NAME = "wrong_name"  # 名称/姓名与申请人不一致
    INCOMPLETE = "incomplete"  # 缺页、要素不全
    # visit-level traps (not on one document)
    WRONG_APPLICANT_TYPE = "wrong_applicant_type"  # 自然人办理仅限法人的事项
    AGENT_WITHOUT_AUTHORIZATION = "agent_without_authorization"  # 代办无授权委托书
    RONGQUE_MISSING = "rongque_missing"  # 缺的材料允许容缺
    OUTSIDE_REMIT = "outside_remit"  # 不属于本机关职权范围（refuse_when）
    SITUATION = "situation"  # 一个情形使某材料成为必需，申请人却没说

    @property
    def on_document(self) -> bool:
        return self in DOCUMENT_TRAPS


DOCUMENT_TRAPS = frozenset(
    {Trap.EXPIRED_ID, Trap.COPY_WITHOUT_SEAL, Trap.UNSIGNED, Trap.WRONG_NAME, Trap.INCOMPLETE}
)


class ExpectedDecision(StrEnum):
    """The checklist's decisions a scenario may expect (clerk.checklist.Decision values)."""

    ACCEPT = "accept"
    ACCEPT_DEFERRED = "accept_deferred"
    NOTIFY = "notify"
    REFUSE = "refuse"


APPLICANT_TYPE_REASON = "applicant_type"  # Expected.refusal_reason for a wrong applicant type

PERSON, ORGANIZATION = "person", "organization"  # the intake form's applicant kinds


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str = ""
    id_valid_until: str = ""  # ISO date or 长期
    phone: str = ""


@dataclass(frozen=True)
class Persona:
    """The applicant at the window."""

    kind: str  # PERSON / ORGANIZATION
    name: str  # a person's name, or the organisation's name
    phone: str
    id_number: str = ""  # a person's 居民身份证 number
    id_valid_until: str = ""
    uscc: str = ""  # an organisation's 统一社会信用代码
    legal_rep: str = ""
    says: str = ""  # what they tell the clerk, in their own words
    elicenses: tuple[str, ...] = ()  # e-license types the hall's library holds for them

    @property
    def applicant_type(self) -> ApplicantType:
        return ApplicantType.ORGANIZATION if self.kind == ORGANIZATION else ApplicantType.PERSON

    @property
    def number(self) -> str:
        return self.uscc if self.kind == ORGANIZATION else self.id_number


@dataclass(frozen=True)
class Document:
    """One document the applicant brought."""

    material: str  # the catalog material name it is meant to be
    description: str  # what the clerk sees on the counter
    traps: tuple[Trap, ...] = ()
    extra: bool = False  # not on this applicant's checklist at all

    @property
    def acceptable(self) -> bool:
        return not self.traps and not self.extra


@dataclass(frozen=True)
class Promises:
    rongque: tuple[str, ...] = ()  # 容缺: supplied later
    gaozhi: tuple[str, ...] = ()  # 告知承诺: a signed commitment instead


@dataclass(frozen=True)
class Expected:
    decision: ExpectedDecision
    missing: tuple[str, ...] = ()  # notify: the 一次性告知 list; accept_deferred: the 容缺 ones
    refusal_item: str | None = None
    refusal_reason: str | None = None  # a catalog reason id, or APPLICANT_TYPE_REASON


@dataclass(frozen=True)
class Subject:
    items: tuple[str, ...] = ()
    theme: str | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.theme,) if self.theme else self.items


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    difficulty: Difficulty
    subject: Subject
    persona: Persona
    expected: Expected
    answers: dict[str, Answer] = field(default_factory=dict)
    documents: tuple[Document, ...] = ()
    promises: Promises = Promises()
    agent: Person | None = None
    traps: tuple[Trap, ...] = ()  # every trap of the scenario (documents' and the visit's)
    brief: str = ""  # for the trainee: the situation in a sentence
    lesson: str = ""  # for the trainer: the point of the scenario
    source: str = field(default="", compare=False)  # the file it came from

    @property
    def all_traps(self) -> tuple[Trap, ...]:
        found: list[Trap] = list(self.traps)
        for doc in self.documents:
            for trap in doc.traps:
                if trap not in found:
                    found.append(trap)
        return tuple(found)

    def document_for(self, material: str) -> Document | None:
        for doc in self.documents:
            if doc.material == material:
                return doc
        return None


@dataclass(frozen=True)
class ScenarioSet:
    scenarios: tuple[Scenario, ...]

    def get(self, scenario_id: str) -> Scenario | None:
        for scenario in self.scenarios:
            if scenario.id == scenario_id:
                return scenario
        return None

    def by_difficulty(self, difficulty: Difficulty | None) -> list[Scenario]:
        return [s for s in self.scenarios if difficulty is None or s.difficulty is difficulty]

    def __iter__(self) -> Iterator[Scenario]:
        return iter(self.scenarios)

    def __len__(self) -> int:
        return len(self.scenarios)


def parse_expiry(text: str) -> date | None:
    """An ISO date; None for 长期 (no end) or nothing."""
    text = text.strip()
    if not text or text == "长期":
        return None
    return date.fromisoformat(text)
