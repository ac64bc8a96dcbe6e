"""The checklist engine: the questions, materials and fields this applicant needs, and the verdict.

Which questions to ask, which materials and fields this applicant needs, and whether the file is
complete. Pure functions over the catalog model; no I/O.

This package's names are its public API (`from clerk import checklist`; `checklist.State` …,
used all over the hall, the screens, printing and practice); each job has its own module:

    questions   questions_for / resolve_answers / chosen_members / chosen_items / leave_theme /
                parse_answer
    merging     merged_materials / merged_fields (多表合一) / requirement: one line per material
    counts      merge_counts / theme_counts: materials and fields before and after merging
    applicant   Applicant / accepts / refused_for_applicant / in_person_items / parse_elicense
    verdict     State / Mark / material_statuses / verdict -> Verdict (per item: per_item())

A *subject* is what the clerk is handling: a theme (一件事) or a sequence of items. The rules are
in FORMAT.md and in each module's docstring. Whether a decision may be taken (the people, the
delivery, 容缺 dates) is clerk.planner's, which builds on this verdict.
"""

from __future__ import annotations

from clerk.checklist.applicant import (
    AGENT,
    Applicant,
    accepts,
    in_person_items,
    parse_elicense,
    refused_for_applicant,
)
from clerk.checklist.counts import (
    MergeCounts,
    ThemeCounts,
    merge_counts,
    theme_counts,
    union_counts,
)
from clerk.checklist.merging import (
    MergedField,
    MergedMaterial,
    enum_label,
    merge,
    merged_fields,
    merged_materials,
    requirement,
    roles,
)
from clerk.checklist.questions import (
    AnswerError,
    Question,
    Subject,
    agreed_default,
    chosen_items,
    chosen_members,
    leave_theme,
    parse_answer,
    questions_for,
    resolve_answers,
)
from clerk.checklist.verdict import (
    Decision,
    Deferred,
    ItemVerdict,
    Mark,
    MaterialStatus,
    Reason,
    Refusal,
    State,
    States,
    Verdict,
    material_statuses,
    verdict,
)

__all__ = [
    "AGENT",
    "AnswerError",
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
    "States",
    "Subject",
    "ThemeCounts",
    "Verdict",
    "accepts",
    "agreed_default",
    "chosen_items",
    "chosen_members",
    "enum_label",
    "in_person_items",
    "leave_theme",
    "material_statuses",
    "merge",
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
    "union_counts",
    "verdict",
]
