"""Which questions a subject asks and their effective answers; the items a theme's answers choose.

A *subject* is what the clerk is handling: a theme (一件事) or a sequence of items. A question is
asked when any item (or the theme) that asks it shows it (its own `when` holds); an answer given
for a question that is not asked is ignored; an unasked or unanswered question without a default
satisfies no condition. A question's default is the theme's, else the one every item agrees on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from clerk import i18n
from clerk.catalog.model import (
    Answer,
    Answers,
    Condition,
    Item,
    Option,
    QuestionType,
    Situation,
    Theme,
    ThemeMember,
)

Subject = Theme | Sequence[Item]


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
class Definitions:
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


def _items_definitions(items: Sequence[Item]) -> Definitions:
    defs = Definitions()
    for item in items:
        defs.add(item.code, item.situations)
    return defs


def _theme_state(theme: Theme, answers: Answers) -> tuple[list[ThemeMember], Definitions]:
    """Members chosen by the answers, reached as a fixpoint: members may ask questions that
    choose other members."""
    chosen = [m for m in theme.members if m.when is None]
    for _ in range(len(theme.members) + 2):
        defs = Definitions()
        defs.add(theme.code, theme.questions, theme=True)
        for member in chosen:
            defs.add(member.code, member.item.situations)
        values, _ = defs.resolve(answers)
        now = [m for m in theme.members if m.when is None or m.when.holds(values)]
        if now == chosen:
            break
        chosen = now
    defs = Definitions()
    defs.add(theme.code, theme.questions, theme=True)
    for member in chosen:
        defs.add(member.code, member.item.situations)
    return chosen, defs


def subject_state(subject: Subject, answers: Answers) -> tuple[list[Item], Definitions]:
    if isinstance(subject, Theme):
        members, defs = _theme_state(subject, answers)
        return [m.item for m in members], defs
    items = unique_items(subject)
    return items, _items_definitions(items)


def unique_items(items: Iterable[Item]) -> list[Item]:
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
    return subject_state(subject, answers)[0]


def leave_theme(theme: Theme, answers: Answers) -> tuple[list[str], dict[str, Answer]]:
    """Leaving a theme for its chosen items (an item is added to it): the members' codes and the
    answers in effect, the theme's defaults now given. Without this the items' own defaults
    would silently take over (我要开超市 + an item: 散装食品 → 热食制售, 300 ㎡ → 100 ㎡); with it
    the items get what the clerk saw, and the list stays a function of the items and answers."""
    members = [m.code for m in chosen_members(theme, answers)]
    return members, {**resolve_answers(theme, answers), **answers}


def resolve_answers(subject: Subject, answers: Answers) -> dict[str, Answer]:
    """The effective answer of every asked question (given, else default)."""
    return subject_state(subject, answers)[1].resolve(answers)[0]


def questions_for(subject: Subject, answers: Answers) -> list[Question]:
    """Only the questions that matter: asked by the theme or a chosen item and shown because
    their own `when` holds; each id once; theme questions first, then item by item."""
    _, defs = subject_state(subject, answers)
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
