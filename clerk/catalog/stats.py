"""Catalog statistics for `clerk catalog stats`: counts, items per department, and for each
theme the seed-style figures of its typical applicant (the theme's defaults; clerk/figures.py).

A theme's members can exclude each other (公司设立 or 个体工商户设立, 食品经营许可 or 预包装备案):
a union over every member is a list no applicant ever sees, so the headline is one applicant's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clerk.catalog.model import Catalog
from clerk.figures import Figures, figures


@dataclass(frozen=True)
class ThemeMerge:
    code: str
    name: str
    members: int
    typical: Figures  # the theme's default answers: one applicant's figures

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "members": self.members,
            "typical": self.typical.to_json(),
        }


@dataclass(frozen=True)
class CatalogStats:
    name: str
    version: str
    demo: bool
    items: int
    departments: int
    themes: int
    per_department: tuple[tuple[str, str, int], ...]  # (id, name, items)
    theme_merge: tuple[ThemeMerge, ...]
    materials: int  # material entries over all items
    distinct_materials: int

    def to_json(self) -> dict[str, Any]:
        return {
            "catalog": self.name,
            "version": self.version,
            "demo": self.demo,
            "items": self.items,
            "departments": self.departments,
            "themes": self.themes,
            "materials": self.materials,
            "distinct_materials": self.distinct_materials,
            "items_per_department": [
                {"id": d, "name": n, "items": c} for d, n, c in self.per_department
            ],
            "theme_merge": [t.to_json() for t in self.theme_merge],
        }


def catalog_stats(catalog: Catalog) -> CatalogStats:
    merges = []
    for theme in sorted(catalog.themes, key=lambda t: t.code):
        merges.append(ThemeMerge(theme.code, theme.name, len(theme.members), figures(theme, {})))
    return CatalogStats(
        name=catalog.info.name,
        version=catalog.version,
        demo=catalog.is_demo,
        items=len(catalog.items),
        departments=len(catalog.departments),
        themes=len(catalog.themes),
        per_department=tuple(
            (d.id, d.name, len(catalog.items_of(d.id))) for d in catalog.departments
        ),
        theme_merge=tuple(merges),
        materials=sum(len(item.materials) for item in catalog.items),
        distinct_materials=len({m.name for item in catalog.items for m in item.materials}),
    )
