"""多表合一 fill: the value of each form field from what the hall already knows — the applicant
part of the form, the situation answers, the fetched e-licenses' data and the applicant's
earlier cases — following the catalog's fill rules (clerk/catalog/fill.py, `fill.json`).

    sources = Sources(applicant={"name": "…"}, answers=resolve_answers(subject, answers),
                      questions=questions, licenses={"营业执照": {"address": "…"}}, earlier={})
    filled = fill(merged_fields(subject, answers), rules, sources)   # field id -> Filled

A field the clerk has typed is never overwritten: the screen shows a filled value as the
field's placeholder and saves it only where nothing was typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clerk.catalog.fill import FillRules, FillSource
from clerk.catalog.model import Answer, QuestionType, Situation
from clerk.checklist import MergedField


@dataclass(frozen=True)
class Sources:
    applicant: Mapping[str, str] = field(default_factory=dict)  # fill.APPLICANT_KEYS
    answers: Mapping[str, Answer] = field(default_factory=dict)  # effective (resolved) answers
    questions: Mapping[str, Situation] = field(default_factory=dict)  # for option labels
    licenses: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # type -> data
    earlier: Mapping[str, str] = field(default_factory=dict)  # field id -> an earlier value


@dataclass(frozen=True)
class Filled:
    value: str
    source: FillSource  # where it came from (shown to the clerk)


def fill(fields: Sequence[MergedField], rules: FillRules, sources: Sources) -> dict[str, Filled]:
    """Every field the rules can fill, by id: the first of its sources that gives a value."""
    out: dict[str, Filled] = {}
    for merged in fields:
        for source in rules.sources(merged.id):
            value = _value(source, sources, merged.id)
            if value:
                out[merged.id] = Filled(value, source)
                break
    return out


def _value(source: FillSource, sources: Sources, field_id: str) -> str:
    if source.kind == "applicant":
        return sources.applicant.get(source.name, "").strip()
    if source.kind == "license":
        return str(sources.licenses.get(source.name, {}).get(source.key, "")).strip()
    if source.kind == "earlier":
        value = str(sources.earlier.get(field_id, "")).strip()
        return "" if "*" in value else value  # a masked ID or phone (310***) is no value
    answer = sources.answers.get(source.name)
    if answer is None:
        return ""
    text = _answer_text(answer)
    mapped = source.mapped(text)
    if mapped is not None:
        return mapped
    if source.map:  # a map that does not name this answer: the answer gives no value
        return ""
    return _label(answer, sources.questions.get(source.name))


def _answer_text(answer: Answer) -> str:
    if isinstance(answer, bool):
        return "true" if answer else "false"
    if isinstance(answer, float) and answer.is_integer():
        return str(int(answer))
    return str(answer)


def _label(answer: Answer, question: Situation | None) -> str:
    if question is None:
        return "" if isinstance(answer, bool) else _answer_text(answer)
    if question.type is QuestionType.NUMBER:
        return _answer_text(answer)
    return question.label_of(answer)
