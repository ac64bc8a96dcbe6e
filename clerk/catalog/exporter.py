"""Export a catalog with the national field names (docs/catalog-import.md), and the model back
to the FORMAT.md documents the loader reads.

`clerk catalog export --format json|csv` writes what `clerk catalog import` reads: an export
imported again gives the same items.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from clerk.catalog.model import (
    Catalog,
    Condition,
    Department,
    Holder,
    Item,
    Material,
    Situation,
    Theme,
)

# National basic-information field names (政务服务事项基本目录/实施清单), then our extensions (x_).
TASK_COLUMNS = [
    "task_code",
    "task_name",
    "dept_code",
    "dept_name",
    "task_type",
    "anticipate_day",
    "anticipate_type",
    "promise_day",
    "promise_type",
    "is_charge",
    "charge_standard",
    "service_object",
    "project_type",
    "accept_condition",
    "by_law",
    "handle_channel",
    "result_name",
    "x_produces",
    "x_name_en",
    "x_aliases",
    "x_dept_short",
    "x_dept_name_en",
    "x_refusal_reasons",
    "x_situations",
    "x_fields",
    "x_refuse_when",
]
MATERIAL_COLUMNS = [
    "material_name",
    "material_type",
    "material_format",
    "page_num",
    "is_need",
    "source_type",
    "accept_stand",
    "form_guid",
    "example_guid",
    "remark",
    "x_material_id",
    "x_material_when",
    "x_elicense",
    "x_rongque",
    "x_gaozhi",
]
CSV_COLUMNS = TASK_COLUMNS + MATERIAL_COLUMNS
YES, NO = "是", "否"
LIST_SEP = "\n"


# --------------------------------------------------------------------------- model -> FORMAT.md


def condition_doc(condition: Condition | None) -> dict[str, Any] | None:
    return None if condition is None else condition.to_json()


def situation_doc(situation: Situation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": situation.id,
        "question": situation.question,
        "type": situation.type.value,
    }
    if situation.options:
        doc["options"] = [{"value": o.value, "label": o.label} for o in situation.options]
    if situation.default is not None:
        doc["default"] = situation.default
    if situation.when is not None:
        doc["when"] = situation.when.to_json()
    return doc


def material_doc(material: Material) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": material.id,
        "name": material.name,
        "form": material.form.value,
        "count": material.count,
        "medium": material.medium.value,
        "required": material.required,
    }
    if material.when is not None:
        doc["when"] = material.when.to_json()
    doc.update(
        source=material.source.value,
        elicense=material.elicense,
        rongque=material.rongque,
        gaozhi=material.gaozhi,
        standard=material.standard,
    )
    if material.note:
        doc["note"] = material.note
    if material.blank_form:
        doc["blank_form"] = material.blank_form
    if material.example:
        doc["example"] = material.example
    if material.holder is not Holder.APPLICANT:
        doc["holder"] = material.holder.value
    if material.obtainable is not None:
        doc["obtainable"] = material.obtainable.value
    return doc


def item_doc(item: Item) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "type": item.type.value,
        "applicant_types": [t.value for t in item.applicant_types],
        "legal_limit": {"value": item.legal_limit.value, "unit": item.legal_limit.unit.value},
        "promised_limit": {
            "value": item.promised_limit.value,
            "unit": item.promised_limit.unit.value,
        },
        "handling": item.handling.value,
        "fee": {"charged": item.fee.charged, "text": item.fee.text},
        "conditions": list(item.conditions),
        "legal_basis": list(item.legal_basis),
        "channels": [c.value for c in item.channels],
        "result": item.result,
        "produces": list(item.produces),
        **({"establishes": item.establishes.value} if item.establishes else {}),
        "aliases": list(item.aliases),
        "refusal_reasons": [
            {"id": r.id, "text": r.text, "legal_basis": r.legal_basis} for r in item.refusal_reasons
        ],
        "situations": [situation_doc(s) for s in item.situations],
        "materials": [material_doc(m) for m in item.materials],
        "fields": [field_doc(f.id, f.label, f.when) for f in item.fields],
    }
    if item.refuse_when:
        doc["refuse_when"] = [
            {"when": r.when.to_json(), "reason": r.reason} for r in item.refuse_when
        ]
    return doc


def field_doc(fid: str, label: str, when: Condition | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": fid, "label": label}
    if when is not None:
        doc["when"] = when.to_json()
    return doc


def department_doc(department: Department) -> dict[str, Any]:
    return {
        "id": department.id,
        "name": department.name,
        "short": department.short,
        "name_en": department.name_en,
    }


def theme_doc(theme: Theme) -> dict[str, Any]:
    members: list[dict[str, Any]] = []
    for member in theme.members:
        entry: dict[str, Any] = {"item": member.code}
        if member.when is not None:
            entry["when"] = member.when.to_json()
        members.append(entry)
    return {
        "code": theme.code,
        "name": theme.name,
        "name_en": theme.name_en,
        "aliases": list(theme.aliases),
        "description": theme.description,
        "questions": [situation_doc(q) for q in theme.questions],
        "members": members,
    }


def dumps(doc: Any) -> str:
    """The catalog's file style: UTF-8 JSON, 2-space indent, ensure_ascii=false."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- national names


def _yes(flag: bool) -> str:
    return YES if flag else NO


def _json_cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def task_record(item: Item, department: Department) -> dict[str, Any]:
    """One item with the national field names (lists kept as lists, for JSON)."""
    doc = item_doc(item)
    return {
        "task_code": item.code,
        "task_name": item.name,
        "dept_code": department.id,
        "dept_name": department.name,
        "task_type": item.type.value,
        "anticipate_day": item.legal_limit.value,
        "anticipate_type": item.legal_limit.unit.value,
        "promise_day": item.promised_limit.value,
        "promise_type": item.promised_limit.unit.value,
        "is_charge": _yes(item.fee.charged),
        "charge_standard": item.fee.text,
        "service_object": [t.value for t in item.applicant_types],
        "project_type": item.handling.value,
        "accept_condition": list(item.conditions),
        "by_law": list(item.legal_basis),
        "handle_channel": [c.value for c in item.channels],
        "result_name": item.result,
        "x_produces": list(item.produces),
        "x_name_en": item.name_en,
        "x_aliases": list(item.aliases),
        "x_dept_short": department.short,
        "x_dept_name_en": department.name_en,
        "x_refusal_reasons": doc["refusal_reasons"],
        "x_situations": doc["situations"],
        "x_fields": doc["fields"],
        "x_refuse_when": doc.get("refuse_when", []),
        "materials": [material_record(m) for m in item.materials],
    }


def material_record(material: Material) -> dict[str, Any]:
    return {
        "material_name": material.name,
        "material_type": material.form.value,
        "material_format": material.medium.value,
        "page_num": material.count,
        "is_need": "必要" if material.required else "非必要",
        "source_type": material.source.value,
        "accept_stand": material.standard,
        "form_guid": material.blank_form or "",
        "example_guid": material.example or "",
        "remark": material.note,
        "x_material_id": material.id,
        "x_material_when": condition_doc(material.when),
        "x_elicense": material.elicense or "",
        "x_rongque": _yes(material.rongque),
        "x_gaozhi": _yes(material.gaozhi),
    }


def export_json(catalog: Catalog) -> str:
    payload = {
        "catalog": {"name": catalog.info.name, "version": catalog.version},
        "tasks": [task_record(item, catalog.department_of(item)) for item in catalog.items],
        "themes": [theme_doc(theme) for theme in catalog.themes],
    }
    return dumps(payload)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and not all(isinstance(v, str) for v in value):
            return _json_cell(value)
        return LIST_SEP.join(value)
    if isinstance(value, dict):
        return _json_cell(value)
    return str(value)


def export_csv(catalog: Catalog) -> str:
    """One row per material (an item without materials gets one row); task columns repeat.
    Themes are not part of the CSV form (use JSON to carry them)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in catalog.items:
        record = task_record(item, catalog.department_of(item))
        materials = record.pop("materials")
        task = {key: _cell(record[key]) for key in TASK_COLUMNS}
        for key in ("x_refusal_reasons", "x_situations", "x_fields", "x_refuse_when"):
            task[key] = _json_cell(record[key])
        for material in materials or [None]:
            row = dict(task)
            if material is not None:
                row.update({key: _cell(material[key]) for key in MATERIAL_COLUMNS})
            writer.writerow(row)
    return out.getvalue()
