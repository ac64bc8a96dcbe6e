"""How much merging saves: materials and fields before and after, for a subject or a theme."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clerk.catalog.model import (
    Answers,
    Item,
    Theme,
)
from clerk.checklist.merging import applicable_fields, applicable_materials, link_produced, merge
from clerk.checklist.questions import Subject, subject_state, unique_items


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
    items, defs = subject_state(subject, answers)
    values, _ = defs.resolve(answers)
    materials = applicable_materials(items, values)
    fields = applicable_fields(items, values)
    produced = {m.name for m in link_produced(merge(materials), items) if m.produced_by}
    return MergeCounts(
        materials_before=len(materials),
        materials_after=len({m.name for _, m in materials} - produced),
        fields_before=len(fields),
        fields_after=len({f.id for _, f in fields}),
    )


def union_counts(items: Sequence[Item]) -> MergeCounts:
    """The union over all answers: every material and field any answer could bring in."""
    items = unique_items(items)
    every = merge([(item.code, m) for item in items for m in item.materials])
    produced = {m.name for m in link_produced(every, items) if m.produced_by}
    return MergeCounts(
        materials_before=sum(len(item.materials) for item in items),
        materials_after=len({m.name for item in items for m in item.materials} - produced),
        fields_before=sum(len(item.fields) for item in items),
        fields_after=len({f.id for item in items for f in item.fields}),
    )


def theme_counts(theme: Theme) -> ThemeCounts:
    return ThemeCounts(all_members=union_counts(theme.items), default=merge_counts(theme, {}))
