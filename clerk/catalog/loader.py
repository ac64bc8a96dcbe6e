"""Load and validate a catalog directory (the layout of `clerk/catalog/data/`, FORMAT.md).

    load_catalog()                 the packaged demonstration catalog
    load_catalog(path)             a directory in the data layout (catalog.json, items/, themes/)
    load_active_catalog()          the hall's imported catalog if present, else the packaged demo
    validate_path(path)            a directory, or one department/theme file checked against the
                                   packaged catalog -> Validation(errors, warnings)

Every problem is collected (file, item code, field path) and raised together as `CatalogError`;
a broken catalog never half-loads. Warnings (too few aliases, …) never stop a load.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from clerk import paths
from clerk.catalog import fill, lexicon, soundness
from clerk.catalog.errors import CatalogError, Issue
from clerk.catalog.model import (
    AnyOf,
    ApplicantType,
    Catalog,
    CatalogInfo,
    Channel,
    Clause,
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
    Range,
    RefusalReason,
    RefuseRule,
    Situation,
    Source,
    Theme,
    ThemeMember,
    TimeLimit,
    TimeUnit,
)

PACKAGED_DIR = Path(__file__).resolve().parent / "data"
HASH_LENGTH = 8

E = TypeVar("E", bound=StrEnum)

_CATALOG_KEYS = {"name", "version_label", "demo", "notice"}
_DEPT_FILE_KEYS = {"department", "items"}
_DEPT_KEYS = {"id", "name", "short", "name_en"}
_ITEM_KEYS = {
    "code",
    "name",
    "name_en",
    "type",
    "applicant_types",
    "legal_limit",
    "promised_limit",
    "handling",
    "fee",
    "conditions",
    "legal_basis",
    "channels",
    "result",
    "produces",
    "establishes",
    "aliases",
    "refusal_reasons",
    "situations",
    "materials",
    "fields",
    "refuse_when",
}
_ITEM_REQUIRED = (
    "code",
    "name",
    "type",
    "applicant_types",
    "legal_limit",
    "promised_limit",
    "handling",
    "fee",
    "refusal_reasons",
    "materials",
)
_SITUATION_KEYS = {"id", "question", "type", "options", "default", "when"}
_MATERIAL_KEYS = {
    "id",
    "name",
    "form",
    "count",
    "medium",
    "required",
    "when",
    "source",
    "elicense",
    "rongque",
    "gaozhi",
    "standard",
    "note",
    "blank_form",
    "example",
    "holder",
    "obtainable",
}
_FIELD_KEYS = {"id", "label", "when"}
_PLAIN_FIELD_KEYS = {"id", "label"}
_THEME_FILE_KEYS = {"themes"}
_THEME_KEYS = {"code", "name", "name_en", "aliases", "description", "questions", "members"}
_MEMBER_KEYS = {"item", "when"}
_MIN_ALIASES = 3
_FIELD_RANGE = (5, 20)


@dataclass(frozen=True)
class SourceFile:
    """One catalog file: its path relative to the catalog root and its raw bytes."""

    name: str  # "items/SCJG.json"
    data: bytes


@dataclass
class Validation:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    catalog: Catalog | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# =========================================================================== reading files


def read_directory(root: Path) -> list[SourceFile]:
    """The catalog files under `root` in a stable order: catalog.json, items/*, themes/*, and
    the search lexicon (lexicon.json) when there is one."""
    files: list[SourceFile] = []
    info = root / "catalog.json"
    if info.is_file():
        files.append(SourceFile("catalog.json", info.read_bytes()))
    for sub in ("items", "themes"):
        folder = root / sub
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                files.append(SourceFile(f"{sub}/{path.name}", path.read_bytes()))
    for extra in (lexicon.FILE, fill.FILE):
        path = root / extra
        if path.is_file():
            files.append(SourceFile(extra, path.read_bytes()))
    return files


def content_hash(files: Iterable[SourceFile]) -> str:
    digest = hashlib.sha256()
    for source in sorted(files, key=lambda f: f.name):
        digest.update(source.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(source.data).digest())
    return digest.hexdigest()[:HASH_LENGTH]


# =========================================================================== the builder


class _Builder:
    """Turns parsed JSON documents into a Catalog, collecting every issue on the way."""

    def __init__(self) -> None:
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.file = ""
        self.code = ""

    # -- reporting ----------------------------------------------------------------------
    def error(self, path: str, key: str, /, **params: Any) -> None:
        self.errors.append(Issue(self.file, self.code, path, key, tuple(params.items())))

    def warn(self, path: str, key: str, /, **params: Any) -> None:
        self.warnings.append(Issue(self.file, self.code, path, key, tuple(params.items())))

    # -- primitive readers (report and return a fallback, so checking goes on) ----------
    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.error(path, "not_object", got=_kind(value))
        return None

    def keys(self, data: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(_join(path, key), "unknown_key", key=key)

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.error(_join(path, key), "missing")
            return ""
        if not isinstance(value, str):
            self.error(_join(path, key), "not_text", got=_kind(value))
            return ""
        if required and not value.strip():
            self.error(_join(path, key), "empty")
        return value

    def opt_text(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(_join(path, key), "not_text", got=_kind(value))
            return None
        return value or None

    def flag(
        self, data: Mapping[str, Any], key: str, path: str, default: bool | None = None
    ) -> bool:
        value = data.get(key)
        if value is None:
            if default is None:
                self.error(_join(path, key), "missing")
                return False
            return default
        if not isinstance(value, bool):
            self.error(_join(path, key), "not_bool", got=_kind(value))
            return False
        return value

    def integer(self, data: Mapping[str, Any], key: str, path: str, minimum: int) -> int:
        value = data.get(key)
        if value is None:
            self.error(_join(path, key), "missing")
            return minimum
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(_join(path, key), "not_int", got=_kind(value))
            return minimum
        if value < minimum:
            self.error(_join(path, key), "too_small", minimum=minimum, got=value)
            return minimum
        return value

    def texts(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key)
        if value is None:
            if required:
                self.error(_join(path, key), "missing")
            return ()
        if not isinstance(value, list):
            self.error(_join(path, key), "not_list", got=_kind(value))
            return ()
        out: list[str] = []
        for index, entry in enumerate(value):
            if isinstance(entry, str) and entry.strip():
                out.append(entry)
            else:
                self.error(f"{_join(path, key)}[{index}]", "not_text", got=_kind(entry))
        return tuple(out)

    def enum(self, enum: type[E], value: Any, path: str) -> E | None:
        if value is None:
            self.error(path, "missing")
            return None
        member = enum._value2member_map_.get(value) if isinstance(value, str) else None
        if isinstance(member, enum):  # the map is typed dict[Any, Enum]; this narrows it to E
            return member
        try:
            return enum(value)
        except ValueError:
            allowed = "、".join(member.value for member in enum)
            self.error(path, "bad_enum", got=_show(value), allowed=allowed)
            return None

    def enums(self, enum: type[E], data: Mapping[str, Any], key: str, path: str) -> tuple[E, ...]:
        value = data.get(key)
        here = _join(path, key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.error(here, "not_list", got=_kind(value))
            return ()
        out: list[E] = []
        for index, entry in enumerate(value):
            member = self.enum(enum, entry, f"{here}[{index}]")
            if member is not None and member not in out:
                out.append(member)
        return tuple(out)

    def entries(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(_join(path, key), "not_list", got=_kind(value))
            return []
        return [(f"{_join(path, key)}[{index}]", entry) for index, entry in enumerate(value)]

    # -- catalog.json ------------------------------------------------------------------
    def info(self, doc: Any) -> CatalogInfo:
        self.file, self.code = "catalog.json", ""
        data = self.obj(doc, "") or {}
        self.keys(data, _CATALOG_KEYS, "")
        return CatalogInfo(
            name=self.text(data, "name", ""),
            version_label=self.text(data, "version_label", ""),
            demo=self.flag(data, "demo", "", default=False),
            notice=self.text(data, "notice", "", required=False),
        )

    # -- conditions --------------------------------------------------------------------
    def condition(
        self, raw: Any, path: str, scope: Mapping[str, Situation], *, self_id: str = ""
    ) -> Condition | None:
        if raw is None:
            return None
        data = self.obj(raw, path)
        if data is None:
            return None
        if not data:
            self.error(path, "empty")
            return None
        clauses: list[tuple[str, Clause]] = []
        for key, spec in data.items():
            here = _join(path, key)
            situation = scope.get(key)
            if situation is None or key == self_id:
                self.error(here, "unknown_situation", id=key)
                continue
            clause = self.clause(spec, here, situation)
            if clause is not None:
                clauses.append((key, clause))
        return Condition(tuple(clauses))

    def clause(self, spec: Any, path: str, situation: Situation) -> Clause | None:
        if isinstance(spec, dict):
            if situation.type is not QuestionType.NUMBER:
                self.error(path, "range_not_number", id=situation.id)
                return None
            extra = set(spec) - {"min", "max"}
            if extra or not spec:
                self.error(path, "bad_range")
                return None
            bounds: dict[str, float | None] = {"min": None, "max": None}
            for key in ("min", "max"):
                if key in spec:
                    value = spec[key]
                    if isinstance(value, bool) or not isinstance(value, (int, float)):
                        self.error(_join(path, key), "not_number", got=_kind(value))
                        return None
                    bounds[key] = value
            low, high = bounds["min"], bounds["max"]
            if low is not None and high is not None and low > high:
                self.error(path, "bad_range")
                return None
            return Range(low, high)
        if not isinstance(spec, list) or not spec:
            self.error(path, "bad_clause")
            return None
        ok = True
        for index, value in enumerate(spec):
            if not _valid_answer(situation, value):
                self.error(
                    f"{path}[{index}]",
                    "bad_answer",
                    id=situation.id,
                    got=_show(value),
                    allowed=_allowed(situation),
                )
                ok = False
        return AnyOf(tuple(spec)) if ok else None

    # -- situations --------------------------------------------------------------------
    def situation(self, raw: Any, path: str) -> tuple[Situation, Any] | None:
        """Parse a question; its `when` is returned raw, resolved once all ids are known."""
        data = self.obj(raw, path)
        if data is None:
            return None
        self.keys(data, _SITUATION_KEYS, path)
        sid = self.text(data, "id", path)
        question = self.text(data, "question", path)
        qtype = self.enum(QuestionType, data.get("type"), _join(path, "type"))
        options: list[Option] = []
        raw_options = data.get("options")
        if qtype is QuestionType.CHOICE:
            if not isinstance(raw_options, list) or not raw_options:
                self.error(_join(path, "options"), "choice_needs_options")
            else:
                seen: set[str] = set()
                for opath, entry in self.entries(data, "options", path):
                    odata = self.obj(entry, opath)
                    if odata is None:
                        continue
                    self.keys(odata, {"value", "label"}, opath)
                    value = self.text(odata, "value", opath)
                    label = self.text(odata, "label", opath)
                    if value in seen:
                        self.error(_join(opath, "value"), "duplicate_option", value=value)
                    seen.add(value)
                    options.append(Option(value, label))
        elif raw_options is not None:
            self.error(_join(path, "options"), "options_not_choice")
        situation = Situation(
            id=sid, question=question, type=qtype or QuestionType.BOOL, options=tuple(options)
        )
        default = data.get("default")
        if default is not None and qtype is not None and not _valid_answer(situation, default):
            self.error(
                _join(path, "default"),
                "bad_answer",
                id=sid,
                got=_show(default),
                allowed=_allowed(situation),
            )
            default = None
        return (
            Situation(sid, question, situation.type, situation.options, default, None),
            data.get("when"),
        )

    def situations(
        self, data: Mapping[str, Any], key: str, path: str, outer: Mapping[str, Situation]
    ) -> tuple[Situation, ...]:
        """Parse a list of questions; `when` may refer to any of them or to `outer`."""
        parsed: list[tuple[str, Situation, Any]] = []
        seen: set[str] = set()
        for spath, entry in self.entries(data, key, path):
            result = self.situation(entry, spath)
            if result is None:
                continue
            situation, when = result
            if situation.id in seen:
                self.error(_join(spath, "id"), "duplicate_id", id=situation.id)
                continue
            seen.add(situation.id)
            parsed.append((spath, situation, when))
        scope = dict(outer)
        scope.update((s.id, s) for _, s, _ in parsed)
        out: list[Situation] = []
        for spath, situation, when in parsed:
            condition = self.condition(when, _join(spath, "when"), scope, self_id=situation.id)
            out.append(_with_when(situation, condition))
        return tuple(out)

    # -- departments and items ---------------------------------------------------------
    def department_file(
        self, name: str, doc: Any, theme_scope: Mapping[str, dict[str, Situation]]
    ) -> tuple[Department | None, list[Item]]:
        self.file, self.code = name, ""
        data = self.obj(doc, "")
        if data is None:
            return None, []
        self.keys(data, _DEPT_FILE_KEYS, "")
        ddata = self.obj(data.get("department"), "department")
        department: Department | None = None
        if ddata is not None:
            self.keys(ddata, _DEPT_KEYS, "department")
            department = Department(
                id=self.text(ddata, "id", "department"),
                name=self.text(ddata, "name", "department"),
                short=self.text(ddata, "short", "department"),
                name_en=self.text(ddata, "name_en", "department", required=False),
            )
        dept_id = department.id if department else ""
        items: list[Item] = []
        if not isinstance(data.get("items"), list):
            self.error(
                "items", "not_list" if "items" in data else "missing", got=_kind(data.get("items"))
            )
            return department, items
        for index, raw in enumerate(data["items"]):
            item = self.item(raw, f"items[{index}]", dept_id, theme_scope)
            if item is not None:
                items.append(item)
        return department, items

    def item(
        self, raw: Any, where: str, dept_id: str, theme_scope: Mapping[str, dict[str, Situation]]
    ) -> Item | None:
        self.code = ""
        data = self.obj(raw, where)
        if data is None:
            return None
        code = data.get("code")
        self.code = code if isinstance(code, str) and code else where
        errors_before = len(self.errors)
        self.keys(data, _ITEM_KEYS, "")
        if "code" in data:
            self.text(data, "code", "")
        for key in _ITEM_REQUIRED:
            if key not in data:
                self.error(key, "missing")
        name = self.text(data, "name", "") if "name" in data else ""
        item_type = self.enum(ItemType, data.get("type"), "type") if "type" in data else None
        applicant_types = self.enums(ApplicantType, data, "applicant_types", "")
        if "applicant_types" in data and not applicant_types:
            self.error("applicant_types", "empty")
        legal = self.time_limit(data.get("legal_limit"), "legal_limit")
        promised = self.time_limit(data.get("promised_limit"), "promised_limit")
        handling = (
            self.enum(Handling, data.get("handling"), "handling") if "handling" in data else None
        )
        if handling is Handling.IMMEDIATE and promised is not None and promised.value != 0:
            self.error("promised_limit.value", "immediate_not_zero", got=promised.value)
        fee = self.fee(data.get("fee"))
        # refusal reasons
        reasons: list[RefusalReason] = []
        for rpath, entry in self.entries(data, "refusal_reasons", ""):
            rdata = self.obj(entry, rpath)
            if rdata is None:
                continue
            self.keys(rdata, {"id", "text", "legal_basis"}, rpath)
            rid = self.text(rdata, "id", rpath)
            if any(r.id == rid for r in reasons):
                self.error(_join(rpath, "id"), "duplicate_id", id=rid)
            reasons.append(
                RefusalReason(
                    rid,
                    self.text(rdata, "text", rpath),
                    self.text(rdata, "legal_basis", rpath, required=False),
                )
            )
        if "refusal_reasons" in data and not reasons and isinstance(data["refusal_reasons"], list):
            self.error("refusal_reasons", "empty")
        # situations: own questions, plus the questions of every theme the item belongs to
        outer = theme_scope.get(self.code, {})
        situations = self.situations(data, "situations", "", outer)
        scope = dict(outer)
        scope.update((s.id, s) for s in situations)
        # materials
        materials: list[Material] = []
        seen_ids: set[str] = set()
        seen_names: set[str] = set()
        for mpath, entry in self.entries(data, "materials", ""):
            material = self.material(entry, mpath, scope)
            if material is None:
                continue
            if material.id in seen_ids:
                self.error(_join(mpath, "id"), "duplicate_id", id=material.id)
            if material.name in seen_names:
                self.error(_join(mpath, "name"), "duplicate_material", name=material.name)
            seen_ids.add(material.id)
            seen_names.add(material.name)
            materials.append(material)
        if isinstance(data.get("materials"), list) and not materials and not data["materials"]:
            self.warn("materials", "no_materials")
        # fields
        fields: list[Field] = []
        field_ids: set[str] = set()
        for fpath, entry in self.entries(data, "fields", ""):
            if type(entry) is dict and entry.keys() <= _PLAIN_FIELD_KEYS:
                fid, label = entry.get("id"), entry.get("label")
                if type(fid) is str and type(label) is str and fid.strip() and label.strip() \
                        and fid not in field_ids:  # fmt: skip
                    field_ids.add(fid)
                    fields.append(Field(fid, label))
                    continue
            fdata = self.obj(entry, fpath)
            if fdata is None:
                continue
            self.keys(fdata, _FIELD_KEYS, fpath)
            fid = self.text(fdata, "id", fpath)
            if fid in field_ids:
                self.error(_join(fpath, "id"), "duplicate_id", id=fid)
            field_ids.add(fid)
            fields.append(
                Field(
                    fid,
                    self.text(fdata, "label", fpath),
                    self.condition(fdata.get("when"), _join(fpath, "when"), scope),
                )
            )
        low, high = _FIELD_RANGE
        if not low <= len(fields) <= high:
            self.warn("fields", "field_count", count=len(fields), low=low, high=high)
        # refuse_when
        rules: list[RefuseRule] = []
        for rpath, entry in self.entries(data, "refuse_when", ""):
            rdata = self.obj(entry, rpath)
            if rdata is None:
                continue
            self.keys(rdata, {"when", "reason"}, rpath)
            if "when" not in rdata:
                self.error(_join(rpath, "when"), "missing")
            condition = self.condition(rdata.get("when"), _join(rpath, "when"), scope)
            reason = self.text(rdata, "reason", rpath)
            if reason and not any(r.id == reason for r in reasons):
                self.error(_join(rpath, "reason"), "unknown_reason", id=reason)
            if condition is not None:
                rules.append(RefuseRule(condition, reason))
        aliases = self.texts(data, "aliases", "")
        if len(aliases) < _MIN_ALIASES:
            self.warn("aliases", "few_aliases", count=len(aliases), minimum=_MIN_ALIASES)
        conditions = self.texts(data, "conditions", "")
        legal_basis = self.texts(data, "legal_basis", "")
        channels = self.enums(Channel, data, "channels", "")
        name_en = self.text(data, "name_en", "", required=False)
        result = self.text(data, "result", "", required=False)
        produces = self.texts(data, "produces", "")
        establishes = None
        if data.get("establishes") is not None:
            establishes = self.enum(ApplicantType, data["establishes"], "establishes")
        if (
            len(self.errors) > errors_before
            or item_type is None
            or handling is None
            or legal is None
            or promised is None
            or fee is None
        ):
            return None
        return Item(
            code=self.code,
            name=name,
            department=dept_id,
            type=item_type,
            applicant_types=applicant_types,
            legal_limit=legal,
            promised_limit=promised,
            handling=handling,
            fee=fee,
            refusal_reasons=tuple(reasons),
            materials=tuple(materials),
            name_en=name_en,
            conditions=conditions,
            legal_basis=legal_basis,
            channels=channels,
            result=result,
            produces=produces,
            establishes=establishes,
            aliases=aliases,
            situations=situations,
            fields=tuple(fields),
            refuse_when=tuple(rules),
        )

    def time_limit(self, raw: Any, path: str) -> TimeLimit | None:
        if raw is None:
            return None
        data = self.obj(raw, path)
        if data is None:
            return None
        self.keys(data, {"value", "unit"}, path)
        value = self.integer(data, "value", path, 0)
        unit = self.enum(TimeUnit, data.get("unit"), _join(path, "unit"))
        return TimeLimit(value, unit) if unit is not None else None

    def fee(self, raw: Any) -> Fee | None:
        if raw is None:
            return None
        data = self.obj(raw, "fee")
        if data is None:
            return None
        self.keys(data, {"charged", "text"}, "fee")
        return Fee(self.flag(data, "charged", "fee"), self.text(data, "text", "fee"))

    def material(self, raw: Any, path: str, scope: Mapping[str, Situation]) -> Material | None:
        handled, fast = _fast_material(raw, self, path, scope)
        if handled:
            return fast
        data = self.obj(raw, path)
        if data is None:
            return None
        self.keys(data, _MATERIAL_KEYS, path)
        before = len(self.errors)
        mid = self.text(data, "id", path)
        name = self.text(data, "name", path)
        form = self.enum(Form, data.get("form"), _join(path, "form"))
        count = self.integer(data, "count", path, 1)
        medium = self.enum(Medium, data.get("medium"), _join(path, "medium"))
        required = self.flag(data, "required", path)
        when = self.condition(data.get("when"), _join(path, "when"), scope)
        source = Source.APPLICANT
        if "source" in data:
            source = self.enum(Source, data["source"], _join(path, "source")) or source
        holder = Holder.APPLICANT
        if "holder" in data:
            holder = self.enum(Holder, data["holder"], _join(path, "holder")) or holder
        obtainable: Source | None = None
        if data.get("obtainable") is not None:
            obtainable = self.enum(Source, data["obtainable"], _join(path, "obtainable"))
            if obtainable is not None and not obtainable.obtained_by_hall:
                allowed = "、".join(s.value for s in Source if s.obtained_by_hall)
                self.error(
                    _join(path, "obtainable"), "bad_enum", got=obtainable.value, allowed=allowed
                )
                obtainable = None
        material = Material(
            id=mid,
            name=name,
            form=form or Form.COPY,
            count=count,
            medium=medium or Medium.PAPER,
            required=required,
            when=when,
            source=source,
            elicense=self.opt_text(data, "elicense", path),
            rongque=self.flag(data, "rongque", path, default=False),
            gaozhi=self.flag(data, "gaozhi", path, default=False),
            standard=self.text(data, "standard", path, required=False),
            note=self.text(data, "note", path, required=False),
            blank_form=self.opt_text(data, "blank_form", path),
            example=self.opt_text(data, "example", path),
            holder=holder,
            obtainable=obtainable,
        )
        return material if len(self.errors) == before else None

    # -- themes ------------------------------------------------------------------------
    def theme_questions(self, name: str, doc: Any) -> list[tuple[str, Any, tuple[Situation, ...]]]:
        """First pass over a theme file: (path, raw theme, parsed questions) per theme."""
        self.file, self.code = name, ""
        data = self.obj(doc, "")
        if data is None:
            return []
        self.keys(data, _THEME_FILE_KEYS, "")
        out: list[tuple[str, Any, tuple[Situation, ...]]] = []
        if not isinstance(data.get("themes"), list):
            self.error(
                "themes",
                "not_list" if "themes" in data else "missing",
                got=_kind(data.get("themes")),
            )
            return out
        for index, raw in enumerate(data["themes"]):
            where = f"themes[{index}]"
            tdata = self.obj(raw, where)
            if tdata is None:
                continue
            code = tdata.get("code")
            self.code = code if isinstance(code, str) and code else where
            out.append((where, tdata, self.situations(tdata, "questions", "", {})))
        return out

    def theme(
        self,
        group: str,
        where: str,
        data: dict[str, Any],
        questions: tuple[Situation, ...],
        items: Mapping[str, Item],
    ) -> Theme | None:
        code = data.get("code")
        self.code = code if isinstance(code, str) and code else where
        before = len(self.errors)
        self.keys(data, _THEME_KEYS, "")
        self.text(data, "code", "")
        name = self.text(data, "name", "")
        members: list[ThemeMember] = []
        raw_members = data.get("members")
        if not isinstance(raw_members, list) or not raw_members:
            self.error("members", "missing" if raw_members is None else "empty")
        for mpath, entry in self.entries(data, "members", ""):
            mdata = self.obj(entry, mpath)
            if mdata is None:
                continue
            self.keys(mdata, _MEMBER_KEYS, mpath)
            icode = self.text(mdata, "item", mpath)
            item = items.get(icode)
            if icode and item is None:
                self.error(_join(mpath, "item"), "unknown_item", code=icode)
                continue
            if any(m.code == icode for m in members):
                self.error(_join(mpath, "item"), "duplicate_member", code=icode)
                continue
            scope: dict[str, Situation] = {}
            for other in raw_members if isinstance(raw_members, list) else []:
                other_item = items.get(other.get("item", "")) if isinstance(other, dict) else None
                if other_item is not None:
                    scope.update((s.id, s) for s in other_item.situations)
            scope.update((q.id, q) for q in questions)
            when = self.condition(mdata.get("when"), _join(mpath, "when"), scope)
            if item is not None:
                members.append(ThemeMember(item, when))
        if len(self.errors) > before:
            return None
        return Theme(
            code=self.code,
            name=name,
            members=tuple(members),
            name_en=self.text(data, "name_en", "", required=False),
            aliases=self.texts(data, "aliases", ""),
            description=self.text(data, "description", "", required=False),
            questions=questions,
            group=group,
        )


# =========================================================================== entry points


def build_catalog(files: list[SourceFile], source: str = "") -> Validation:
    """Parse and validate the given files. Never raises for bad data: see `.errors`."""
    builder = _Builder()
    docs: list[tuple[str, Any]] = []
    for entry in files:
        try:
            docs.append((entry.name, json.loads(entry.data.decode("utf-8"))))
        except UnicodeDecodeError as exc:
            builder.errors.append(Issue(entry.name, "", "", "not_utf8", (("detail", str(exc)),)))
        except json.JSONDecodeError as exc:
            builder.errors.append(
                Issue(
                    entry.name,
                    "",
                    f"line {exc.lineno} column {exc.colno}",
                    "bad_json",
                    (("detail", exc.msg),),
                )
            )
    info_docs = [doc for name, doc in docs if name == "catalog.json"]
    dept_docs = [(name, doc) for name, doc in docs if name.startswith("items/")]
    theme_docs = [(name, doc) for name, doc in docs if name.startswith("themes/")]
    names = {entry.name for entry in files}
    if "catalog.json" not in names:
        builder.errors.append(Issue("catalog.json", "", "", "missing_file"))
    info = builder.info(info_docs[0]) if info_docs else CatalogInfo("", "", False)

    # pass 1: theme questions, so an item's conditions may use its themes' shared questions
    raw_themes: list[tuple[str, str, dict[str, Any], tuple[Situation, ...]]] = []
    for name, doc in theme_docs:
        for where, tdata, questions in builder.theme_questions(name, doc):
            raw_themes.append((name, where, tdata, questions))
    theme_scope: dict[str, dict[str, Situation]] = {}
    for _name, _where, tdata, questions in raw_themes:
        for member in tdata.get("members") or []:
            if isinstance(member, dict) and isinstance(member.get("item"), str):
                scope = theme_scope.setdefault(member["item"], {})
                for question in questions:
                    scope.setdefault(question.id, question)

    # pass 2: departments and items
    departments: list[Department] = []
    items: dict[str, Item] = {}
    code_origin: dict[str, str] = {}
    dept_origin: dict[str, str] = {}
    for name, doc in dept_docs:
        department, dept_items = builder.department_file(name, doc, theme_scope)
        builder.code = ""
        if department is not None and department.id:
            if department.id in dept_origin:
                builder.error(
                    "department.id",
                    "duplicate_department",
                    id=department.id,
                    other=dept_origin[department.id],
                )
            else:
                dept_origin[department.id] = name
                departments.append(department)
        for item in dept_items:
            builder.code = item.code
            if item.code in code_origin:
                builder.error(
                    "code", "duplicate_code", code=item.code, other=code_origin[item.code]
                )
                continue
            code_origin[item.code] = name
            items[item.code] = item
    # codes of items that failed to parse still count for duplicate detection and references
    broken_codes = _raw_codes(dept_docs) - set(items)

    # pass 3: themes
    themes: list[Theme] = []
    for name, where, tdata, questions in raw_themes:
        builder.file = name
        group = Path(name).stem
        theme = builder.theme(group, where, tdata, questions, _ItemsView(items, broken_codes))
        if theme is None:
            continue
        builder.code = theme.code
        if theme.code in code_origin:
            builder.error("code", "duplicate_code", code=theme.code, other=code_origin[theme.code])
            continue
        code_origin[theme.code] = name
        themes.append(theme)

    _check_question_types(builder, items.values(), themes)
    unsound, doubtful = soundness.check(items.values(), themes, code_origin)
    builder.errors.extend(unsound)
    builder.warnings.extend(doubtful)
    words = None
    rules = None
    for name, doc in docs:
        if name == lexicon.FILE:
            builder.file, builder.code = name, ""
            words = lexicon.parse(doc, builder.error)
        elif name == fill.FILE:
            builder.file, builder.code = name, ""
            rules = fill.parse(doc, builder.error)
            known = {s.id for i in items.values() for s in i.situations}
            known.update(q.id for t in themes for q in t.questions)
            for fid, ways in rules.fields:
                for way in ways:
                    if way.kind == "answer" and way.name not in known:
                        builder.error(f"fields.{fid}", "unknown_situation", id=way.name)
    result = Validation(errors=builder.errors, warnings=builder.warnings)
    if not result.errors:
        result.catalog = Catalog(
            info=info,
            departments=tuple(departments),
            items=tuple(items.values()),
            themes=tuple(themes),
            content_hash=content_hash(files),
            source=source,
            lexicon=words,
            fill=rules,
        )
    return result


class _ItemsView(dict[str, Item]):
    """Items by code; codes of items that failed to parse resolve silently (already reported)."""

    def __init__(self, items: Mapping[str, Item], broken: set[str]) -> None:
        super().__init__(items)
        self.broken = broken

    def get(self, key: str, default: Any = None) -> Any:
        if key in self.broken:
            return _PLACEHOLDER
        return super().get(key, default)


_PLACEHOLDER = Item(
    code="",
    name="",
    department="",
    type=ItemType.OTHER_POWER,
    applicant_types=(),
    legal_limit=TimeLimit(0, TimeUnit.WORKDAY),
    promised_limit=TimeLimit(0, TimeUnit.WORKDAY),
    handling=Handling.IMMEDIATE,
    fee=Fee(False, ""),
    refusal_reasons=(),
    materials=(),
)


def _raw_codes(dept_docs: list[tuple[str, Any]]) -> set[str]:
    codes: set[str] = set()
    for _, doc in dept_docs:
        if isinstance(doc, dict) and isinstance(doc.get("items"), list):
            for raw in doc["items"]:
                if isinstance(raw, dict) and isinstance(raw.get("code"), str):
                    codes.add(raw["code"])
    return codes


def _check_question_types(builder: _Builder, items: Iterable[Item], themes: list[Theme]) -> None:
    """Same id = same question: its type must agree wherever it is asked."""
    first: dict[str, tuple[QuestionType, str]] = {}
    places: list[tuple[str, str, tuple[Situation, ...], str]] = []
    for theme in themes:
        places.append((f"themes/{theme.group}.json", theme.code, theme.questions, "questions"))
    for item in items:
        places.append(("", item.code, item.situations, "situations"))
    for file, code, situations, key in places:
        for index, situation in enumerate(situations):
            seen = first.get(situation.id)
            if seen is None:
                first[situation.id] = (situation.type, code)
            elif seen[0] is not situation.type:
                builder.errors.append(
                    Issue(
                        file,
                        code,
                        f"{key}[{index}].type",
                        "question_type_conflict",
                        (
                            ("id", situation.id),
                            ("type", situation.type.value),
                            ("other", seen[1]),
                            ("other_type", seen[0].value),
                        ),
                    )
                )


def load_files(files: list[SourceFile], source: str = "") -> Catalog:
    result = build_catalog(files, source)
    if result.catalog is None:
        raise CatalogError(result.errors)
    return result.catalog


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Load a catalog directory (default: the packaged demo). Raises CatalogError."""
    root = Path(path) if path is not None else PACKAGED_DIR
    if not root.is_dir():
        raise CatalogError([Issue(str(root), "", "", "no_directory")])
    return load_files(read_directory(root), "package" if path is None else str(root))


def hall_catalog_dir() -> Path:
    """Where `clerk catalog import` puts the hall's own catalog."""
    return paths.data_dir() / "catalog"


def active_catalog_dir() -> Path:
    hall = hall_catalog_dir()
    return hall if (hall / "catalog.json").is_file() else PACKAGED_DIR


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple[tuple[str, int, int], ...], Catalog]] = {}


def _signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    out: list[tuple[str, int, int]] = []
    for path in [
        root / "catalog.json",
        *sorted(root.glob("items/*.json")),
        *sorted(root.glob("themes/*.json")),
        root / lexicon.FILE,
        root / fill.FILE,
    ]:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        out.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def load_active_catalog() -> Catalog:
    """The hall's imported catalog if there is one, else the packaged demonstration catalog.

    Cached per directory while its files are unchanged, so every caller shares one object.
    """
    root = active_catalog_dir()
    signature = _signature(root)
    key = str(root)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == signature:
            return cached[1]
    catalog = load_catalog(None if root == PACKAGED_DIR else root)
    with _cache_lock:
        _cache[key] = (signature, catalog)
    return catalog


def validate_path(path: Path | str, base: Path | None = None) -> Validation:
    """Validate a catalog directory, or one department/theme file against the packaged catalog
    (the file replaces the packaged file of the same department id / theme file name)."""
    target = Path(path)
    if target.is_dir():
        return build_catalog(read_directory(target), str(target))
    if not target.is_file():
        return Validation(errors=[Issue(str(target), "", "", "no_file")])
    data = target.read_bytes()
    files = read_directory(base or PACKAGED_DIR)
    kind, key = _file_kind(data)
    if kind == "themes":
        name = f"themes/{target.name}"
        files = [f for f in files if f.name != name]
    else:
        name = f"items/{target.name}"
        files = [f for f in files if f.name != name and _file_kind(f.data) != ("items", key)]
    files.append(SourceFile(name, data))
    return build_catalog(files, str(target))


def _file_kind(data: bytes) -> tuple[str, str]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "items", ""
    if isinstance(doc, dict) and "themes" in doc and "department" not in doc:
        return "themes", ""
    dept = doc.get("department") if isinstance(doc, dict) else None
    dept_id = dept.get("id") if isinstance(dept, dict) else ""
    return "items", dept_id if isinstance(dept_id, str) else ""


# =========================================================================== helpers


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    return {
        type(None): "null",
        bool: "bool",
        int: "number",
        float: "number",
        str: "text",
        list: "list",
        dict: "object",
    }.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _valid_answer(situation: Situation, value: Any) -> bool:
    if situation.type is QuestionType.BOOL:
        return isinstance(value, bool)
    if situation.type is QuestionType.NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str) and situation.option(value) is not None


def _allowed(situation: Situation) -> str:
    if situation.type is QuestionType.BOOL:
        return "true, false"
    if situation.type is QuestionType.NUMBER:
        return "number"
    return ", ".join(option.value for option in situation.options)


def _with_when(situation: Situation, when: Condition | None) -> Situation:
    return Situation(
        situation.id,
        situation.question,
        situation.type,
        situation.options,
        situation.default,
        when,
    )


_FORMS: dict[Any, Form] = {f.value: f for f in Form}
_MEDIA: dict[Any, Medium] = {m.value: m for m in Medium}
_SOURCES: dict[Any, Source] = {s.value: s for s in Source}
_HOLDERS: dict[Any, Holder] = {h.value: h for h in Holder}


def _fast_material(
    raw: Any, builder: _Builder, path: str, scope: Mapping[str, Situation]
) -> tuple[bool, Material | None]:
    """The common case without per-key bookkeeping. (False, None) sends it through the careful
    path, which reports every problem; the result is the same as the careful path's."""
    if type(raw) is not dict or not raw.keys() <= _MATERIAL_KEYS:
        return False, None
    get = raw.get
    mid, name, count, required = get("id"), get("name"), get("count"), get("required")
    form, medium = _FORMS.get(get("form")), _MEDIA.get(get("medium"))
    source = _SOURCES.get(get("source", "申请人自备"))
    holder = _HOLDERS.get(get("holder", "申请人"))
    if get("obtainable") is not None:
        return False, None  # rare: the careful path checks it
    if (
        type(mid) is not str
        or not mid.strip()
        or type(name) is not str
        or not name.strip()
        or type(count) is not int
        or count < 1
        or type(required) is not bool
        or form is None
        or medium is None
        or source is None
        or holder is None
    ):
        return False, None
    rongque, gaozhi = get("rongque", False), get("gaozhi", False)
    standard, note = get("standard", ""), get("note", "")
    elicense, blank, example = get("elicense"), get("blank_form"), get("example")
    if (
        type(rongque) is not bool
        or type(gaozhi) is not bool
        or type(standard) is not str
        or type(note) is not str
        or not (elicense is None or type(elicense) is str)
        or not (blank is None or type(blank) is str)
        or not (example is None or type(example) is str)
    ):
        return False, None
    when = None
    raw_when = get("when")
    if raw_when is not None:
        before = len(builder.errors)
        when = builder.condition(raw_when, _join(path, "when"), scope)
        if len(builder.errors) > before:
            return True, None  # reported already
    return True, Material(
        mid,
        name,
        form,
        count,
        medium,
        required,
        when,
        source,
        elicense or None,
        rongque,
        gaozhi,
        standard,
        note,
        blank or None,
        example or None,
        holder,
    )
