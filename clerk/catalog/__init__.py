"""The item catalog (事项目录): model, loader and validator, import/export, statistics.

    from clerk.catalog import load_active_catalog, Catalog, Item, Theme
    catalog = load_active_catalog()      # the hall's imported catalog, else the packaged demo
    catalog.item("SCJG-010"); catalog.theme("YJS-002"); catalog.get(code); catalog.version

The search index lives in `clerk.catalog.search`; the checklist engine in `clerk.checklist`.
"""

from clerk.catalog.errors import CatalogError, Issue
from clerk.catalog.loader import (
    PACKAGED_DIR,
    Validation,
    active_catalog_dir,
    hall_catalog_dir,
    load_active_catalog,
    load_catalog,
    validate_path,
)
from clerk.catalog.model import (
    Answer,
    Answers,
    ApplicantType,
    Catalog,
    CatalogInfo,
    Channel,
    Condition,
    Department,
    Fee,
    Field,
    Form,
    Handling,
    Holder,
    Item,
    ItemType,
    Material,
    Medium,
    Option,
    QuestionType,
    RefusalReason,
    RefuseRule,
    Situation,
    Source,
    Theme,
    ThemeMember,
    TimeLimit,
    TimeUnit,
)

__all__ = [
    "PACKAGED_DIR",
    "Answer",
    "Answers",
    "ApplicantType",
    "Catalog",
    "CatalogError",
    "CatalogInfo",
    "Channel",
    "Condition",
    "Department",
    "Fee",
    "Field",
    "Form",
    "Handling",
    "Holder",
    "Issue",
    "Item",
    "ItemType",
    "Material",
    "Medium",
    "Option",
    "QuestionType",
    "RefusalReason",
    "RefuseRule",
    "Situation",
    "Source",
    "Theme",
    "ThemeMember",
    "TimeLimit",
    "TimeUnit",
    "Validation",
    "active_catalog_dir",
    "hall_catalog_dir",
    "load_active_catalog",
    "load_catalog",
    "validate_path",
]
