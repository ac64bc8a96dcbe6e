"""What search returns: the documents it indexes, its hits and the field each hit matched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["item", "theme"]

# Which field a hit matched.
CODE = "code"
NAME = "name"
ALIAS = "alias"
PINYIN = "pinyin"
INITIALS = "initials"
ENGLISH = "english"
THEME = "theme"
DEPARTMENT = "department"
FUZZY = "fuzzy"
WORDS = "words"  # the words of a sentence (clerk/catalog/sentence.py)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What the index knows of one item or theme."""

    code: str
    name: str
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    department: str = ""
    department_short: str = ""
    themes: tuple[str, ...] = ()
    applicant_types: tuple[str, ...] = ()
    kind: Kind = "item"
    department_id: str = ""
    handling: str = ""  # 即办件 / 承诺件
    promised_value: int | None = None
    promised_unit: str = ""
    # what the sentence stage also reads (an item's result, conditions and materials; a
    # theme's description)
    result: str = ""
    conditions: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    description: str = ""
    questions: tuple[str, ...] = ()
    """The situation questions in asking order (a theme's shared ones): the intake's guide."""


@dataclass(slots=True, eq=False)
class Hit:
    doc: SearchDoc
    score: float
    field: str
    spans: tuple[Span, ...] = ()
    """Matched character ranges [start, end) in `doc.name`."""
    matched_text: str = ""
    """The text that matched when it is not the name (an alias, the English name…)."""
    text_spans: tuple[Span, ...] = ()
    """Matched ranges in `matched_text`."""

    @property
    def code(self) -> str:
        return self.doc.code

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def kind(self) -> Kind:
        return self.doc.kind

    @property
    def department(self) -> str:
        return self.doc.department

    @property
    def guide(self) -> str:
        """The first question the intake asks for this hit (智能导引), or "" when it asks none."""
        return self.doc.questions[0] if self.doc.questions else ""

    @property
    def guided(self) -> bool:
        """Found from what the applicant said (a sentence) and has questions to ask: the intake
        opens on the first question (业态 → 场景 → 情形) rather than on the ID field."""
        return self.field == WORDS and bool(self.doc.questions)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.doc.code,
            "name": self.doc.name,
            "kind": self.doc.kind,
            "department": self.doc.department,
            "score": round(self.score, 2),
            "field": self.field,
            "spans": [list(s) for s in self.spans],
            "matched_text": self.matched_text,
            "text_spans": [list(s) for s in self.text_spans],
            "handling": self.doc.handling,
            "guide": self.guide or None,
            "promised": (
                None
                if self.doc.promised_value is None
                else {"value": self.doc.promised_value, "unit": self.doc.promised_unit}
            ),
        }


@dataclass(frozen=True, slots=True)
class IndexStats:
    documents: int
    build_ms: float
    pinyin_converted: int
    from_cache: bool = False
