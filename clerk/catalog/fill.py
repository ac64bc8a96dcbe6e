"""The 多表合一 fill rules (表单字段自动填充): where each form field's value can come from.

Catalog data, not code: `fill.json` in a catalog directory (the packaged one in
`clerk/catalog/data/`; a hall's imported catalog may carry its own, else the packaged one
applies). One entry per field id — the same id is the same field in every item — with its
sources in the order they are tried; the first that gives a value fills the field:

    {"fields": {
      "business_address": [{"license": "营业执照", "key": "address"}, {"earlier": true}],
      "food_area": [{"answer": "area"}],
      "food_main_category": [{"answer": "food_category",
                              "map": {"catering_hot": "餐饮服务经营者", "bulk": "食品销售经营者"}}],
      "contact_name": [{"applicant": "contact_name"}, {"earlier": true}]
    }}

The fill itself is `clerk.formfill.fill`. The format is in clerk/catalog/FORMAT.md ("Form fill").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from clerk.catalog.errors import Report, read_packaged

FILE = "fill.json"
PACKAGED = Path(__file__).resolve().parent / "data" / FILE

#: What the applicant part of the intake form knows (clerk.formfill.applicant_values).
APPLICANT_KEYS = frozenset(
    {
        "name",
        "uscc",
        "legal_rep",
        "phone",
        "id_type",
        "id_number",
        "legal_rep_id",
        "contact_name",
        "agent_name",
        "agent_id_number",
    }
)
KINDS = ("applicant", "answer", "license", "earlier")


@dataclass(frozen=True, slots=True)
class FillSource:
    """One place a field's value can come from. `kind` is one of KINDS; `name` is the applicant
    key, the question id or the e-license type; `key` the licence's data key; `map` turns an
    answer's value (true/false, an option value, a number as text) into the field's text."""

    kind: str
    name: str = ""
    key: str = ""
    map: tuple[tuple[str, str], ...] = ()

    def mapped(self, value: str) -> str | None:
        for source, text in self.map:
            if source == value:
                return text
        return None


@dataclass(frozen=True, slots=True)
class FillRules:
    fields: tuple[tuple[str, tuple[FillSource, ...]], ...] = ()

    def sources(self, field_id: str) -> tuple[FillSource, ...]:
        for fid, sources in self.fields:
            if fid == field_id:
                return sources
        return ()

    @property
    def answer_ids(self) -> frozenset[str]:
        return frozenset(s.name for _, group in self.fields for s in group if s.kind == "answer")


def parse(doc: Any, report: Report) -> FillRules:
    """Fill rules from the parsed JSON document; every problem goes to `report` (path, i18n key
    under `catalog.error.`, params) and the entry is skipped, so checking goes on."""
    if not isinstance(doc, Mapping):
        report("", "not_object", got=type(doc).__name__)
        return FillRules()
    for key in doc:
        if key != "fields":
            report(key, "unknown_key", key=key)
    raw = doc.get("fields", {})
    if not isinstance(raw, Mapping):
        report("fields", "not_object", got=type(raw).__name__)
        return FillRules()
    out: list[tuple[str, tuple[FillSource, ...]]] = []
    for fid, entries in raw.items():
        where = f"fields.{fid}"
        if not isinstance(entries, list):
            report(where, "not_list", got=type(entries).__name__)
            continue
        sources = [_source(entry, f"{where}[{i}]", report) for i, entry in enumerate(entries)]
        out.append((str(fid), tuple(s for s in sources if s is not None)))
    return FillRules(tuple(out))


def _source(entry: Any, where: str, report: Report) -> FillSource | None:
    if not isinstance(entry, Mapping):
        report(where, "not_object", got=type(entry).__name__)
        return None
    kinds = [k for k in KINDS if k in entry]
    allowed = {*KINDS, "key", "map"}
    for key in entry:
        if key not in allowed:
            report(f"{where}.{key}", "unknown_key", key=key)
    if len(kinds) != 1:
        report(where, "missing")
        return None
    kind = kinds[0]
    value = entry[kind]
    if kind == "earlier":
        if value is not True:
            report(f"{where}.earlier", "not_text", got=type(value).__name__)
            return None
        return FillSource("earlier")
    if not isinstance(value, str) or not value.strip():
        report(f"{where}.{kind}", "not_text", got=type(value).__name__)
        return None
    if kind == "applicant" and value not in APPLICANT_KEYS:
        report(f"{where}.applicant", "unknown_key", key=value)
        return None
    key = entry.get("key", "")
    if kind == "license" and (not isinstance(key, str) or not key):
        report(f"{where}.key", "missing")
        return None
    mapping = entry.get("map", {})
    if not isinstance(mapping, Mapping) or not all(isinstance(v, str) for v in mapping.values()):
        report(f"{where}.map", "not_object", got=type(mapping).__name__)
        mapping = {}
    pairs = tuple((_text(k), str(v)) for k, v in mapping.items())
    return FillSource(kind, value.strip(), str(key), pairs)


def _text(value: Any) -> str:
    """A map key as the answer it matches: JSON keys are text, so true/false stay lower case."""
    return str(value).lower() if isinstance(value, bool) else str(value)


@cache
def packaged() -> FillRules:
    """The fill rules shipped with clerk (used when a catalog carries none)."""
    return read_packaged(PACKAGED, parse)
