"""The seed-style figures of a theme (一件事): materials, fields, promised days and trips, before
and after the theme, for its typical applicant and over every combination of its questions.

The Xuhui article measures 我要开饭店 this way: promised time 38 → 7 working days, materials
34 → 8, trips 8 → 1, fields 186 → 81. Every figure here is computed by the checklist engine
(`clerk.checklist`) from the catalog; this module only counts.

    figures(theme, answers)   -> Figures   one applicant (the theme's defaults when answers is {})
    schedule(items, materials) -> Schedule  the theme's promised date: members run in parallel,
                                            a member waits for the member whose result it needs
    spread(theme)             -> Spread    min / median / max over every answer combination
    typical(theme)            -> list[(question, answer)]  who the defaults describe

Before the theme every member is its own application: its own materials and form, its own
promised time one after another, its own visit to its department's window. After it: one merged
list (less what passes between the back offices, 内部流转, and what the hall obtains itself), one
form (多表合一), one visit, and the members processed in parallel — except that a member needing
another member's result (`produces`: 营业执照 before 食品经营许可) starts when that one is done, or,
where its material allows 容缺, runs alongside and finishes no earlier.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clerk import checklist
from clerk.catalog.model import (
    Answer,
    AnyOf,
    Condition,
    Item,
    QuestionType,
    Range,
    Situation,
    Theme,
)
from clerk.decide import APPLICANT_KIND, APPLICANT_KINDS


@dataclass(frozen=True)
class Schedule:
    """Working days from acceptance: when each member is done, and the longest chain."""

    finish: tuple[tuple[str, int], ...]  # (item code, day it is done), in the theme's order
    path: tuple[str, ...]  # the critical path, first member first

    @property
    def days(self) -> int:
        return max((day for _, day in self.finish), default=0)


@dataclass(frozen=True)
class Figures:
    """One applicant's theme, before → after."""

    items: tuple[str, ...]  # the chosen members
    materials_before: int  # every member's own list, summed
    materials_merged: int  # once per name
    materials_to_bring: int  # less 内部流转 and what the hall obtains itself
    fields_before: int  # every member's own form, summed
    fields_after: int  # 多表合一: once per field id
    days_before: int  # members' promised limits one after another
    days_after: int  # the theme's promised date (critical path)
    path: tuple[str, ...]
    trips_before: int  # one visit per member, at its own department's window
    windows_before: int  # distinct departments' windows
    trips_after: int  # one visit to the comprehensive window
    refused: bool = False  # a member refuses this applicant: no figures an applicant sees

    def to_json(self) -> dict[str, Any]:
        return {
            "items": list(self.items),
            "materials": {
                "before": self.materials_before,
                "merged": self.materials_merged,
                "to_bring": self.materials_to_bring,
            },
            "fields": {"before": self.fields_before, "after": self.fields_after},
            "promised_workdays": {
                "before": self.days_before,
                "after": self.days_after,
                "critical_path": list(self.path),
            },
            "trips": {
                "before": self.trips_before,
                "windows_before": self.windows_before,
                "after": self.trips_after,
            },
        }


#: The figures `spread` summarizes, as (key, getter) — the keys are those of `Figures`.
METRICS: tuple[str, ...] = (
    "materials_before",
    "materials_merged",
    "materials_to_bring",
    "fields_before",
    "fields_after",
    "days_before",
    "days_after",
    "trips_before",
    "trips_after",
)


@dataclass(frozen=True)
class Range3:
    low: int
    median: int
    high: int

    def to_json(self) -> dict[str, int]:
        return {"min": self.low, "median": self.median, "max": self.high}


@dataclass(frozen=True)
class Spread:
    """Every combination of the theme's own questions (业态 and 情形), weighted so that each
    answer the applicant could give counts once; the members' own detail questions (company
    form, foreign investment …) keep their defaults. Combinations where a member refuses the
    applicant are counted apart: nobody gets those figures."""

    combinations: int  # answer combinations of the theme's questions
    refused: int  # of them, refused by a member
    ranges: tuple[tuple[str, Range3], ...]  # (metric, min/median/max) over the others

    def get(self, metric: str) -> Range3:
        return dict(self.ranges)[metric]

    def to_json(self) -> dict[str, Any]:
        return {
            "combinations": self.combinations,
            "refused": self.refused,
            **{key: value.to_json() for key, value in self.ranges},
        }


# =========================================================================== one applicant


def schedule(items: Sequence[Item], materials: Sequence[checklist.MergedMaterial]) -> Schedule:
    """The theme's promised date. Each member takes its promised limit (自然日 counted as that
    many working days: never shorter than the promise). A material one member `produces` for
    another is a wait: the consumer starts when the producer is done, unless every consumer's
    material allows 容缺 — then it starts at once and is done no earlier than the producer."""
    days = {item.code: item.promised_limit.value for item in items}
    hard: dict[str, set[str]] = {code: set() for code in days}
    soft: dict[str, set[str]] = {code: set() for code in days}
    for material in materials:
        producer = material.produced_by
        if producer is None or producer not in days:
            continue
        for code in material.items:
            if code == producer or code not in days:
                continue
            parts = [part for c, part in material.parts if c == code]
            (soft if parts and all(p.rongque for p in parts) else hard)[code].add(producer)
    finish: dict[str, int] = {}
    via: dict[str, str | None] = {}
    visiting: set[str] = set()

    def done(code: str) -> int:
        if code in finish:
            return finish[code]
        if code in visiting:  # a cycle in the data: break it rather than loop
            return 0
        visiting.add(code)
        start, start_via = 0, None
        for dep in sorted(hard[code]):
            if done(dep) > start:
                start, start_via = done(dep), dep
        end, end_via = start + days[code], start_via
        for dep in sorted(soft[code]):
            if done(dep) > end:
                end, end_via = done(dep), dep
        visiting.discard(code)
        finish[code], via[code] = end, end_via
        return end

    for item in items:
        done(item.code)
    path: list[str] = []
    if finish:
        last = max(items, key=lambda i: (finish[i.code], -items.index(i))).code
        node: str | None = last
        while node is not None and node not in path:
            path.append(node)
            node = via.get(node)
    return Schedule(tuple((i.code, finish[i.code]) for i in items), tuple(reversed(path)))


def figures(theme: Theme, answers: Mapping[str, Answer]) -> Figures:
    """The figures of one applicant: the given answers, the theme's defaults for the rest."""
    items = checklist.chosen_items(theme, answers)
    materials = checklist.merged_materials(theme, answers)
    fields = checklist.merged_fields(theme, answers)
    values = checklist.resolve_answers(theme, answers)
    plan = schedule(items, materials)
    bring = [m for m in materials if m.produced_by is None and not m.source.obtained_by_hall]
    return Figures(
        items=tuple(i.code for i in items),
        materials_before=sum(len(m.parts) for m in materials),
        materials_merged=len(materials),
        materials_to_bring=len(bring),
        fields_before=sum(len(f.items) for f in fields),
        fields_after=len(fields),
        days_before=sum(i.promised_limit.value for i in items),
        days_after=plan.days,
        path=plan.path,
        trips_before=len(items),
        windows_before=len({i.department for i in items}),
        trips_after=1 if items else 0,
        refused=_refused(items, values),
    )


def _refused(items: Sequence[Item], values: Mapping[str, Answer]) -> bool:
    """Whether a member refuses this applicant: by a `refuse_when` rule, or because the
    subject the answers name (`applicant_kind`) is not one the member accepts."""
    if any(rule.when.holds(values) for item in items for rule in item.refuse_when):
        return True
    kind = values.get(APPLICANT_KIND)
    if isinstance(kind, str) and kind in APPLICANT_KINDS:
        return bool(checklist.refused_for_applicant(items, APPLICANT_KINDS[kind][0]))
    return False


def typical(theme: Theme) -> list[tuple[str, str]]:
    """Who the theme's defaults describe: each shown question of the theme and its answer."""
    own = {q.id for q in theme.questions}
    return [
        (q.situation.question, q.situation.label_of(q.value))
        for q in checklist.questions_for(theme, {})
        if q.id in own and q.value is not None
    ]


# =========================================================================== every combination


def _clauses(theme: Theme) -> dict[str, list[Any]]:
    """Every clause of every condition the theme and its members hold, by question id."""
    out: dict[str, list[Any]] = {}

    def add(condition: Condition | None) -> None:
        if condition is not None:
            for key, clause in condition.clauses:
                out.setdefault(key, []).append(clause)

    for question in theme.questions:
        add(question.when)
    for member in theme.members:
        add(member.when)
        item = member.item
        for situation in item.situations:
            add(situation.when)
        for material in item.materials:
            add(material.when)
        for f in item.fields:
            add(f.when)
        for rule in item.refuse_when:
            add(rule.when)
    return out


def branches(situation: Situation, clauses: Sequence[Any]) -> list[tuple[Answer, int]]:
    """The answers worth trying for a theme question (the options the theme offers), each with
    how many answers it stands for: options that every condition treats alike count as one
    (weighted), a number is tried on each side of every bound a condition puts on it."""
    if situation.type is QuestionType.BOOL:
        return [(True, 1), (False, 1)]
    if situation.type is QuestionType.CHOICE:
        groups: dict[tuple[bool, ...], list[str]] = {}
        for option in situation.options:
            signature = tuple(isinstance(c, AnyOf) and c.holds(option.value) for c in clauses)
            groups.setdefault(signature, []).append(option.value)
        return [(values[0], len(values)) for values in groups.values()]
    points: set[float] = set()
    for clause in clauses:
        if isinstance(clause, Range):
            if clause.min is not None:
                points.update((clause.min, clause.min - 1))
            if clause.max is not None:
                points.update((clause.max, clause.max + 1))
    if not points:  # no condition looks at it: its default (or nothing) stands for all
        return [(situation.default, 1)] if situation.default is not None else []
    return [
        (int(p) if float(p).is_integer() else p, 1) for p in sorted(p for p in points if p >= 0)
    ]


def combinations(theme: Theme) -> Iterator[tuple[dict[str, Answer], int]]:
    """Every combination of the theme's own questions that are asked (a question the answers
    hide is not asked), with its weight; in a stable order."""
    own = {q.id: q for q in theme.questions}
    clauses = _clauses(theme)

    def walk(answers: dict[str, Answer], weight: int) -> Iterator[tuple[dict[str, Answer], int]]:
        shown = {q.id for q in checklist.questions_for(theme, answers)}
        for qid, situation in own.items():
            if qid in shown and qid not in answers:
                options = branches(situation, clauses.get(qid, []))
                if not options:
                    continue
                for value, count in options:
                    yield from walk({**answers, qid: value}, weight * count)
                return
        yield answers, weight

    yield from walk({}, 1)


def _median(pairs: Iterable[tuple[int, int]]) -> int:
    ordered = sorted(pairs)
    total = sum(weight for _, weight in ordered)
    seen = 0
    for value, weight in ordered:
        seen += weight
        if 2 * seen >= total:
            return value
    return 0


def spread(theme: Theme) -> Spread:
    """Min / median / max of every figure over every answer combination of the theme."""
    rows: list[tuple[Figures, int]] = []
    total = refused = 0
    for answers, weight in combinations(theme):
        total += weight
        result = figures(theme, answers)
        if result.refused:
            refused += weight
            continue
        rows.append((result, weight))
    ranges: list[tuple[str, Range3]] = []
    for metric in METRICS:
        pairs = [(int(getattr(f, metric)), w) for f, w in rows]
        values = [v for v, _ in pairs]
        ranges.append(
            (
                metric,
                Range3(min(values, default=0), _median(pairs), max(values, default=0)),
            )
        )
    return Spread(total, refused, tuple(ranges))
