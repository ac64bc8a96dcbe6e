"""Import a hall's own catalog from CSV or JSON with the national field names.

The mapping is documented in docs/catalog-import.md. The result is written, in the layout of
`clerk/catalog/data/`, to the hall catalog directory (`clerk.paths.data_dir()/catalog`), which
then becomes the active catalog. Rows that cannot be imported are rejected with reasons; the
rest is imported. Importing the same file again changes nothing (same version).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clerk import i18n
from clerk.catalog.errors import Issue
from clerk.catalog.exporter import dumps
from clerk.catalog.fill import FILE as FILL_FILE
from clerk.catalog.lexicon import FILE as LEXICON_FILE
from clerk.catalog.loader import (
    SourceFile,
    Validation,
    build_catalog,
    content_hash,
    hall_catalog_dir,
    read_directory,
)
from clerk.catalog.model import (
    ApplicantType,
    Catalog,
    Channel,
    Form,
    Handling,
    ItemType,
    Medium,
    Source,
    TimeUnit,
)

HALL_LABEL = "hall"
DEFAULT_REFUSAL = {
    "id": "R1",
    "text": "申请事项依法不属于本机关职权范围",
    "legal_basis": "",
}

# Column aliases found in national exports -> the name we read.
_ALIASES = {
    "is_fee": "is_charge",
    "server_type": "service_object",
    "fee_standard": "charge_standard",
    "accept_standard": "accept_stand",
    "material_source": "source_type",
    "result": "result_name",
}
_SPLIT_ANY = re.compile(r"[\n、,，;；/|]+")
_SPLIT_LINES = re.compile(r"\n+")
_SPLIT_ALIASES = re.compile(r"[\n、；;|]+")

_TRUE = {"是", "1", "true", "y", "yes", "必要", "必需", "必须"}
_FALSE = {"否", "0", "false", "n", "no", "非必要", "非必需", "容缺后补", "可选", ""}
_FORM = {
    "原件": Form.ORIGINAL,
    "复印件": Form.COPY,
    "原件和复印件": Form.ORIGINAL_AND_COPY,
    "原件及复印件": Form.ORIGINAL_AND_COPY,
    "原件、复印件": Form.ORIGINAL_AND_COPY,
    "原件+复印件": Form.ORIGINAL_AND_COPY,
    "原件/复印件": Form.ORIGINAL_AND_COPY,
}
_MEDIUM = {
    "纸质": Medium.PAPER,
    "纸质版": Medium.PAPER,
    "电子": Medium.ELECTRONIC,
    "电子版": Medium.ELECTRONIC,
    "纸质或电子": Medium.EITHER,
    "纸质/电子": Medium.EITHER,
    "纸质、电子": Medium.EITHER,
    "纸质和电子": Medium.EITHER,
}
_APPLICANT = {
    "自然人": ApplicantType.PERSON,
    "个人": ApplicantType.PERSON,
    "法人": ApplicantType.ORGANIZATION,
    "企业法人": ApplicantType.ORGANIZATION,
    "事业单位法人": ApplicantType.ORGANIZATION,
    "社会组织法人": ApplicantType.ORGANIZATION,
    "非法人企业": ApplicantType.ORGANIZATION,
    "其他组织": ApplicantType.ORGANIZATION,
    "企业": ApplicantType.ORGANIZATION,
    "个体工商户": ApplicantType.ORGANIZATION,
}


@dataclass(frozen=True)
class Rejection:
    row: str  # "12" (CSV line) or "tasks[3]" (JSON)
    code: str
    reason: str

    def __str__(self) -> str:
        where = i18n.t("catalog.import.row", row=self.row)
        return f"{where} {self.code}: {self.reason}".replace("  ", " ")


@dataclass
class ImportReport:
    path: Path
    items: int = 0
    departments: int = 0
    themes: int = 0
    version: str = ""
    changed: bool = False
    written: bool = False
    rejected: list[Rejection] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "items": self.items,
            "departments": self.departments,
            "themes": self.themes,
            "version": self.version,
            "changed": self.changed,
            "rejected": [{"row": r.row, "code": r.code, "reason": r.reason} for r in self.rejected],
        }


class CatalogImportError(Exception):
    """The file cannot be imported at all (unreadable, unknown format, nothing valid)."""


@dataclass
class _Task:
    where: str  # first row
    rows: list[str]
    code: str
    record: dict[str, Any]
    materials: list[tuple[str, dict[str, Any]]]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (row, reason)


# --------------------------------------------------------------------------- reading


def _norm_keys(record: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key is None:
            continue
        name = str(key).strip().lower()
        name = _ALIASES.get(name, name)
        if name not in out or out[name] in ("", None):
            out[name] = value
    return out


def read_tasks(path: Path) -> tuple[list[_Task], list[dict[str, Any]], str]:
    """Tasks (items) and themes from a CSV or JSON file, plus a catalog name."""
    suffix = path.suffix.lower()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogImportError(i18n.t("catalog.import.bad_file", detail=exc)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # spreadsheets saved on Chinese Windows
        except UnicodeDecodeError as exc:
            raise CatalogImportError(i18n.t("catalog.import.bad_file", detail=exc)) from exc
    if suffix == ".json":
        return _read_json(text)
    if suffix == ".csv":
        return _read_csv(text), [], ""
    raise CatalogImportError(i18n.t("catalog.import.unknown_format", path=path))


def _read_json(text: str) -> tuple[list[_Task], list[dict[str, Any]], str]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        detail = f"line {exc.lineno} column {exc.colno}: {exc.msg}"
        raise CatalogImportError(i18n.t("catalog.import.bad_file", detail=detail)) from exc
    themes: list[dict[str, Any]] = []
    name = ""
    if isinstance(doc, dict):
        raw_tasks = doc.get("tasks", [])
        raw_themes = doc.get("themes", [])
        themes = (
            [t for t in raw_themes if isinstance(t, dict)] if isinstance(raw_themes, list) else []
        )
        info = doc.get("catalog")
        if isinstance(info, dict) and isinstance(info.get("name"), str):
            name = info["name"]
    else:
        raw_tasks = doc
    if not isinstance(raw_tasks, list):
        raise CatalogImportError(i18n.t("catalog.import.bad_file", detail="tasks: list expected"))
    tasks: list[_Task] = []
    for index, entry in enumerate(raw_tasks):
        where = f"tasks[{index}]"
        if not isinstance(entry, dict):
            tasks.append(_Task(where, [where], "", {}, [], [(where, "not an object")]))
            continue
        record = _norm_keys(entry)
        mats = record.pop("materials", None) or []
        materials = [
            (f"{where}.materials[{i}]", _norm_keys(m) if isinstance(m, dict) else {})
            for i, m in enumerate(mats if isinstance(mats, list) else [])
        ]
        code = str(record.get("task_code") or "").strip()
        tasks.append(_Task(where, [where], code, record, materials))
    return tasks, themes, name


def _read_csv(text: str) -> list[_Task]:
    reader = csv.DictReader(io.StringIO(text))
    tasks: dict[str, _Task] = {}
    order: list[_Task] = []
    for line, row in enumerate(reader, start=2):
        record = _norm_keys(row)
        where = str(line)
        code = str(record.get("task_code") or "").strip()
        material = {k: record.pop(k) for k in list(record) if k in _MATERIAL_KEYS}
        has_material = bool(str(material.get("material_name") or "").strip())
        task = tasks.get(code) if code else None
        if task is None:
            task = _Task(where, [where], code, record, [])
            order.append(task)
            if code:
                tasks[code] = task
        else:
            task.rows.append(where)
            for key, value in record.items():
                if str(value or "").strip() and str(task.record.get(key) or "").strip() not in (
                    "",
                    str(value).strip(),
                ):
                    task.problems.append((where, i18n.t("catalog.import.conflict", column=key)))
                elif not str(task.record.get(key) or "").strip():
                    task.record[key] = value
        if has_material:
            task.materials.append((where, material))
    return order


_MATERIAL_KEYS = {
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
}


# --------------------------------------------------------------------------- converting


class _Row:
    """Reads one record's columns, recording problems instead of raising."""

    def __init__(self, task: _Task, where: str, record: Mapping[str, Any]) -> None:
        self.task, self.where, self.record = task, where, record

    def problem(self, text: str) -> None:
        self.task.problems.append((self.where, text))

    def text(self, column: str, *, required: bool = False) -> str:
        value = self.record.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(i18n.t("catalog.import.missing_column", column=column))
            return ""
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return str(value).strip()

    def items(self, column: str, splitter: re.Pattern[str]) -> list[str]:
        value = self.record.get(column)
        if value is None:
            return []
        if isinstance(value, list):
            parts = [str(v).strip() for v in value]
        else:
            parts = [p.strip() for p in splitter.split(str(value))]
        return [p for p in parts if p]

    def number(self, column: str, *, required: bool = True, default: int = 0) -> int:
        raw = self.text(column, required=required)
        if raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if value < 0 or not value.is_integer():
            self.problem(i18n.t("catalog.import.bad_number", column=column, got=raw))
            return default
        return int(value)

    def choice(
        self, column: str, table: Mapping[str, Any], *, required: bool = True, default: Any = None
    ) -> Any:
        raw = self.text(column, required=required)
        if raw == "":
            return default
        if raw in table:
            return table[raw]
        allowed = "、".join(dict.fromkeys(str(getattr(v, "value", v)) for v in table.values()))
        self.problem(i18n.t("catalog.import.bad_value", column=column, got=raw, allowed=allowed))
        return default

    def flag(self, column: str, default: bool) -> bool:
        raw = self.record.get(column)
        if isinstance(raw, bool):
            return raw
        text = self.text(column).lower()
        if text == "":
            return default
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.problem(i18n.t("catalog.import.bad_value", column=column, got=text, allowed="是、否"))
        return default

    def json(self, column: str) -> Any:
        value = self.record.get(column)
        if value is None or isinstance(value, list | dict):
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.problem(i18n.t("catalog.import.bad_json_column", column=column, detail=exc.msg))
            return None


def _enum_table(enum: type[Any]) -> dict[str, Any]:
    return {member.value: member for member in enum}


def _task_doc(task: _Task) -> tuple[dict[str, Any], dict[str, str]]:
    """(item document in FORMAT.md, department fields) for one task."""
    row = _Row(task, task.where, task.record)
    code = row.text("task_code", required=True)
    name = row.text("task_name", required=True)
    dept_name = row.text("dept_name", required=True)
    legal_unit = row.choice("anticipate_type", _enum_table(TimeUnit), default=TimeUnit.WORKDAY)
    promised_unit = row.choice("promise_type", _enum_table(TimeUnit), default=TimeUnit.WORKDAY)
    handling = row.choice("project_type", _enum_table(Handling), required=False)
    if handling is None:  # some exports carry 即办件/承诺件 in handle_type
        if row.text("handle_type"):
            handling = row.choice("handle_type", _enum_table(Handling), default=Handling.PROMISED)
        else:
            row.problem(i18n.t("catalog.import.missing_column", column="project_type"))
            handling = Handling.PROMISED
    applicants: list[str] = []
    for part in row.items("service_object", _SPLIT_ANY):
        kind = _APPLICANT.get(part)
        if kind is None:
            allowed = "、".join(_APPLICANT)
            row.problem(
                i18n.t(
                    "catalog.import.bad_value", column="service_object", got=part, allowed=allowed
                )
            )
        elif kind.value not in applicants:
            applicants.append(kind.value)
    if not applicants and not row.items("service_object", _SPLIT_ANY):
        row.problem(i18n.t("catalog.import.missing_column", column="service_object"))
    channels: list[str] = []
    for part in row.items("handle_channel", _SPLIT_ANY):
        channel = _enum_table(Channel).get(part)
        if channel is None:
            allowed = "、".join(c.value for c in Channel)
            row.problem(
                i18n.t(
                    "catalog.import.bad_value", column="handle_channel", got=part, allowed=allowed
                )
            )
        elif channel.value not in channels:
            channels.append(channel.value)
    charged = row.flag("is_charge", False)
    fee_text = row.text("charge_standard") or ("收费" if charged else "不收费")
    doc: dict[str, Any] = {
        "code": code,
        "name": name,
        "name_en": row.text("x_name_en"),
        "type": row.choice("task_type", _enum_table(ItemType), default=ItemType.OTHER_POWER).value,
        "applicant_types": applicants,
        "legal_limit": {"value": row.number("anticipate_day"), "unit": legal_unit.value},
        "promised_limit": {"value": row.number("promise_day"), "unit": promised_unit.value},
        "handling": handling.value,
        "fee": {"charged": charged, "text": fee_text},
        "conditions": row.items("accept_condition", _SPLIT_LINES),
        "legal_basis": row.items("by_law", _SPLIT_LINES),
        "channels": channels,
        "result": row.text("result_name"),
        "produces": row.items("x_produces", _SPLIT_ALIASES),
        "aliases": row.items("x_aliases", _SPLIT_ALIASES),
        "refusal_reasons": row.json("x_refusal_reasons") or [dict(DEFAULT_REFUSAL)],
        "situations": row.json("x_situations") or [],
        "materials": [],
        "fields": row.json("x_fields") or [],
    }
    refuse_when = row.json("x_refuse_when")
    if refuse_when:
        doc["refuse_when"] = refuse_when
    for index, (where, record) in enumerate(task.materials, start=1):
        doc["materials"].append(_material_doc(task, where, record, index))
    dept = {
        "code": row.text("dept_code"),
        "name": dept_name,
        "short": row.text("x_dept_short") or dept_name,
        "name_en": row.text("x_dept_name_en"),
    }
    return doc, dept


def _material_doc(task: _Task, where: str, record: Mapping[str, Any], index: int) -> dict[str, Any]:
    row = _Row(task, where, record)
    doc: dict[str, Any] = {
        "id": row.text("x_material_id") or f"M{index:02d}",
        "name": row.text("material_name", required=True),
        "form": row.choice("material_type", _FORM, default=Form.COPY).value,
        "count": max(1, row.number("page_num", required=False, default=1)),
        "medium": row.choice(
            "material_format", _MEDIUM, required=False, default=Medium.PAPER
        ).value,
        "required": row.flag("is_need", True),
    }
    when = row.json("x_material_when")
    if when:
        doc["when"] = when
    source = row.choice(
        "source_type", _enum_table(Source), required=False, default=Source.APPLICANT
    )
    doc.update(
        source=source.value,
        elicense=row.text("x_elicense") or None,
        rongque=row.flag("x_rongque", False),
        gaozhi=row.flag("x_gaozhi", False),
        standard=row.text("accept_stand"),
    )
    for column, key in (
        ("remark", "note"),
        ("form_guid", "blank_form"),
        ("example_guid", "example"),
    ):
        value = row.text(column)
        if value:
            doc[key] = value
    return doc


def _dept_id(dept: Mapping[str, str], used: dict[str, str]) -> str:
    """The department's id: its dept_code, else the pinyin initials of its name."""
    base = re.sub(r"[^0-9A-Za-z_-]", "", dept["code"]) if dept["code"] else ""
    if not base:
        from pypinyin import Style, lazy_pinyin

        letters = lazy_pinyin(dept["name"], style=Style.FIRST_LETTER, errors="ignore")
        base = re.sub(r"[^0-9A-Za-z]", "", "".join(letters)).upper() or "DEPT"
    candidate, n = base, 2
    while candidate in used and used[candidate] != dept["name"]:
        candidate, n = f"{base}{n}", n + 1
    used[candidate] = dept["name"]
    return candidate


# --------------------------------------------------------------------------- importing


@dataclass
class Converted:
    files: list[SourceFile]
    rejected: list[Rejection]
    validation: Validation


def convert(path: Path) -> Converted:
    """Read an import file and turn it into catalog files, rejecting what cannot be imported."""
    tasks, themes, catalog_name = read_tasks(path)
    rejected: list[Rejection] = []
    by_code: dict[str, tuple[_Task, dict[str, Any], dict[str, str]]] = {}
    for task in tasks:
        doc, dept = _task_doc(task)
        if task.code and task.code in by_code:
            other = by_code[task.code][0].where
            rejected.append(
                Rejection(
                    task.where,
                    task.code,
                    i18n.t("catalog.import.duplicate_code", code=task.code, other=other),
                )
            )
            continue
        if task.problems:
            for where, reason in task.problems:
                rejected.append(Rejection(where, task.code, reason))
            continue
        by_code[task.code] = (task, doc, dept)

    info = {
        "name": catalog_name or f"{path.stem} 事项目录",
        "version_label": HALL_LABEL,
        "demo": False,
        "notice": "",
    }
    live_themes = list(themes)
    for _ in range(len(by_code) + len(themes) + 2):
        files = _files(info, by_code, live_themes)
        validation = build_catalog(files, str(path))
        if validation.catalog is not None:
            return Converted(files, rejected, validation)
        bad_codes = {issue.code for issue in validation.errors}
        progress = False
        for code in list(by_code):
            if code in bad_codes:
                task = by_code.pop(code)[0]
                for issue in validation.errors:
                    if issue.code == code:
                        rejected.append(Rejection(task.where, code, _issue_text(issue)))
                progress = True
        theme_codes = {str(t.get("code", "")) for t in live_themes}
        for theme in list(live_themes):
            code = str(theme.get("code", ""))
            if code in bad_codes or (not code and "" in bad_codes):
                live_themes.remove(theme)
                for issue in validation.errors:
                    if issue.code == code:
                        rejected.append(Rejection(f"themes:{code}", code, _issue_text(issue)))
                progress = True
        if not progress:
            # errors not tied to one item or theme (e.g. a department): report and stop
            for issue in validation.errors:
                if issue.code not in theme_codes:
                    rejected.append(Rejection(issue.file, issue.code, _issue_text(issue)))
            return Converted(files, rejected, validation)
    return Converted(files, rejected, validation)


def _issue_text(issue: Issue) -> str:
    where = " ".join(p for p in (issue.path,) if p)
    return f"{where}: {issue.message}" if where else issue.message


def _files(
    info: dict[str, Any],
    tasks: Mapping[str, tuple[_Task, dict[str, Any], dict[str, str]]],
    themes: list[dict[str, Any]],
) -> list[SourceFile]:
    used: dict[str, str] = {}
    departments: dict[str, tuple[dict[str, str], list[dict[str, Any]]]] = {}
    for _task, doc, dept in tasks.values():
        key = dept["code"] or dept["name"]
        if key not in departments:
            departments[key] = ({**dept, "id": _dept_id(dept, used)}, [])
        departments[key][1].append(doc)
    files = [SourceFile("catalog.json", dumps(info).encode("utf-8"))]
    for dept, docs in departments.values():
        doc = {
            "department": {k: dept[k] for k in ("id", "name", "short", "name_en")},
            "items": docs,
        }
        files.append(SourceFile(f"items/{dept['id']}.json", dumps(doc).encode("utf-8")))
    if themes:
        files.append(SourceFile("themes/hall.json", dumps({"themes": themes}).encode("utf-8")))
    return sorted(files, key=lambda f: f.name)


def import_file(path: Path | str, target: Path | None = None) -> ImportReport:
    """Import `path` into the hall catalog directory (or `target`). Raises CatalogImportError when
    nothing can be imported; otherwise returns the report (rejected rows included)."""
    source = Path(path)
    root = target or hall_catalog_dir()
    converted = convert(source)
    report = ImportReport(path=root, rejected=converted.rejected)
    catalog: Catalog | None = converted.validation.catalog
    if catalog is None or not catalog.items:
        raise CatalogImportError(i18n.t("catalog.import.nothing"))
    report.items = len(catalog.items)
    report.departments = len(catalog.departments)
    report.themes = len(catalog.themes)
    report.version = catalog.version
    existing = read_directory(root) if root.is_dir() else []
    files = list(converted.files)
    # the hall's own search lexicon and fill rules are not part of an item export: keep them
    files.extend(f for f in existing if f.name in (LEXICON_FILE, FILL_FILE))
    if existing and content_hash(existing) == content_hash(files):
        return report
    _write_atomically(root, files)
    report.changed = report.written = True
    return report


def _write_atomically(root: Path, files: list[SourceFile]) -> None:
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".catalog-", dir=root.parent))
    try:
        for entry in files:
            target = staging / entry.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(entry.data)
        old = root.with_name(root.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        if root.exists():
            os.replace(root, old)
        os.replace(staging, root)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
