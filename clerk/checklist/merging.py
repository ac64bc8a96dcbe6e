"""Merging the chosen items' materials and fields into one checklist (合并材料, 多表合一).

Also how each merged line is worded (`requirement`).

Materials merge by name: originals shown (the most any member needs) and copies kept (summed:
each back office keeps its own), a medium every item accepts (paper when none is common),
required if any item requires it, 容缺/告知承诺/核验免交 (`obtainable`) only if every item allows
it, the e-license types of any item, acceptance standards combined. A material another chosen item produces passes
between the back offices (内部流转). Every choice is made in item-code order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from clerk import i18n
from clerk.catalog.model import (
    Answers,
    Field,
    Form,
    Holder,
    Item,
    Material,
    Medium,
    Source,
)
from clerk.checklist.questions import Subject, subject_state


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
    # How the hall obtains it when the data is there (已共享的免提交): the clerk may mark it
    # 核验：免于提交. Only when every part is so exempt (or obtained by the hall anyway).
    obtainable: Source | None = None

    @property
    def hall_source(self) -> Source | None:
        """How the hall obtains it: always (its source), or when checked (obtainable)."""
        return self.source if self.source.obtained_by_hall else self.obtainable

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


def applicable_materials(items: Sequence[Item], values: Answers) -> list[tuple[str, Material]]:
    return [
        (item.code, material)
        for item in items
        for material in item.materials
        if material.when is None or material.when.holds(values)
    ]


def applicable_fields(items: Sequence[Item], values: Answers) -> list[tuple[str, Field]]:
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
        obtainable=_obtainable(materials),
    )


def _obtainable(materials: Sequence[Material]) -> Source | None:
    """The first conditional way (by item code) when every part is exempt one way or another."""
    if not all(m.obtainable is not None or m.source.obtained_by_hall for m in materials):
        return None
    return next((m.obtainable for m in materials if m.obtainable is not None), None)


def link_produced(materials: list[MergedMaterial], items: Sequence[Item]) -> list[MergedMaterial]:
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
    items, defs = subject_state(subject, answers)
    values, _ = defs.resolve(answers)
    return link_produced(merge(applicable_materials(items, values)), items)


def merged_fields(subject: Subject, answers: Answers) -> list[MergedField]:
    """Every applicable form field of the chosen items, once per id (多表合一)."""
    items, defs = subject_state(subject, answers)
    values, _ = defs.resolve(answers)
    return _merge_fields(applicable_fields(items, values))


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
