"""A loaded catalog's items and themes as the index's SearchDocs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clerk.catalog.search.hits import SearchDoc

if TYPE_CHECKING:
    from clerk.catalog.model import Catalog


def docs_from_catalog(catalog: Catalog) -> list[SearchDoc]:
    """One SearchDoc per item and per theme of a loaded catalog."""
    docs: list[SearchDoc] = []
    for item in catalog.items:
        dept = catalog.department(item.department)
        themes: list[str] = []
        for theme in catalog.themes_with(item.code):
            themes.append(theme.name)
        docs.append(
            SearchDoc(
                code=item.code,
                name=item.name,
                name_en=item.name_en,
                aliases=tuple(item.aliases),
                department=dept.name if dept else item.department,
                department_short=dept.short if dept else "",
                themes=tuple(themes),
                applicant_types=tuple(a.value for a in item.applicant_types),
                kind="item",
                department_id=item.department,
                handling=item.handling.value,
                promised_value=item.promised_limit.value,
                promised_unit=item.promised_limit.unit.value,
                result=item.result,
                conditions=tuple(item.conditions),
                materials=tuple(m.name for m in item.materials),
                questions=tuple(s.question for s in item.situations),
            )
        )
    for theme in catalog.themes:
        applicants = sorted({a.value for m in theme.members for a in m.item.applicant_types})
        docs.append(
            SearchDoc(
                code=theme.code,
                name=theme.name,
                name_en=theme.name_en,
                aliases=tuple(theme.aliases),
                applicant_types=tuple(applicants),
                kind="theme",
                description=theme.description,
                questions=tuple(q.question for q in theme.questions),
            )
        )
    return docs
