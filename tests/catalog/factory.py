"""Small catalogs built in code, for logic tests that must not depend on the demo data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from clerk.catalog.loader import SourceFile, build_catalog
from clerk.catalog.model import (
    AnyOf,
    ApplicantType,
    Catalog,
    Condition,
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

# ---------------------------------------------------------------- model objects


def cond(**clauses: Any) -> Condition:
    out = []
    for key, value in clauses.items():
        if isinstance(value, dict):
            out.append((key, Range(value.get("min"), value.get("max"))))
        else:
            out.append((key, AnyOf(tuple(value))))
    return Condition(tuple(out))


def mat(
    name: str,
    *,
    mid: str = "M01",
    form: Form = Form.COPY,
    count: int = 1,
    medium: Medium = Medium.PAPER,
    required: bool = True,
    when: Condition | None = None,
    elicense: str | None = None,
    rongque: bool = False,
    gaozhi: bool = False,
    standard: str = "",
    source: Source = Source.APPLICANT,
    holder: Holder = Holder.APPLICANT,
    obtainable: Source | None = None,
) -> Material:
    return Material(
        id=mid,
        name=name,
        form=form,
        count=count,
        medium=medium,
        required=required,
        when=when,
        elicense=elicense,
        rongque=rongque,
        gaozhi=gaozhi,
        standard=standard,
        source=source,
        holder=holder,
        obtainable=obtainable,
    )


def bool_q(sid: str, default: bool | None = False, when: Condition | None = None) -> Situation:
    return Situation(sid, f"{sid}?", QuestionType.BOOL, (), default, when)


def choice_q(
    sid: str, values: list[str], default: str | None = None, when: Condition | None = None
) -> Situation:
    options = tuple(Option(v, v.upper()) for v in values)
    return Situation(sid, f"{sid}?", QuestionType.CHOICE, options, default, when)


def num_q(sid: str, default: float | None = None, when: Condition | None = None) -> Situation:
    return Situation(sid, f"{sid}?", QuestionType.NUMBER, (), default, when)


def item(
    code: str,
    materials: list[Material] | None = None,
    *,
    situations: list[Situation] | None = None,
    fields: list[Field] | None = None,
    applicant_types: tuple[ApplicantType, ...] = (ApplicantType.PERSON, ApplicantType.ORGANIZATION),
    refuse_when: list[RefuseRule] | None = None,
    reasons: list[RefusalReason] | None = None,
) -> Item:
    mats = materials or []
    mats = [
        Material(**{**{s: getattr(m, s) for s in Material.__slots__}, "id": f"M{i:02d}"})  # type: ignore[arg-type]
        for i, m in enumerate(mats, 1)
    ]
    return Item(
        code=code,
        name=f"事项{code}",
        department="D1",
        type=ItemType.LICENSING,
        applicant_types=applicant_types,
        legal_limit=TimeLimit(20, TimeUnit.WORKDAY),
        promised_limit=TimeLimit(5, TimeUnit.WORKDAY),
        handling=Handling.PROMISED,
        fee=Fee(False, "不收费"),
        refusal_reasons=tuple(
            reasons or [RefusalReason("R1", "不属于本机关职权范围", "《行政许可法》第三十二条")]
        ),
        materials=tuple(mats),
        situations=tuple(situations or []),
        fields=tuple(fields or []),
        legal_basis=("《某某条例》第一条",),
        refuse_when=tuple(refuse_when or []),
    )


def theme(
    code: str,
    members: list[tuple[Item, Condition | None]],
    questions: list[Situation] | None = None,
) -> Theme:
    return Theme(
        code=code,
        name=f"主题{code}",
        members=tuple(ThemeMember(i, w) for i, w in members),
        questions=tuple(questions or []),
    )


# ---------------------------------------------------------------- JSON documents


INFO = {"name": "测试目录", "version_label": "test-1", "demo": True, "notice": "测试用"}


def item_doc(code: str, **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": code,
        "name": f"测试事项{code}",
        "name_en": f"Test item {code}",
        "type": "行政许可",
        "applicant_types": ["法人", "自然人"],
        "legal_limit": {"value": 20, "unit": "工作日"},
        "promised_limit": {"value": 7, "unit": "工作日"},
        "handling": "承诺件",
        "fee": {"charged": False, "text": "不收费"},
        "conditions": ["已取得营业执照"],
        "legal_basis": ["《中华人民共和国食品安全法》第三十五条"],
        "channels": ["窗口办理", "一网通办"],
        "result": "许可证",
        "aliases": ["别名一", "别名二", "别名三"],
        "refusal_reasons": [
            {
                "id": "R1",
                "text": "申请事项依法不需要取得行政许可",
                "legal_basis": "《行政许可法》第三十二条",
            },
            {
                "id": "R2",
                "text": "申请事项依法不属于本机关职权范围",
                "legal_basis": "《行政许可法》第三十二条",
            },
        ],
        "situations": [
            {"id": "agent", "question": "是否委托他人代为办理？", "type": "bool", "default": False},
            {
                "id": "biz_mode",
                "question": "经营方式",
                "type": "choice",
                "options": [
                    {"value": "shop", "label": "实体门店"},
                    {"value": "online", "label": "仅网络经营"},
                ],
                "default": "shop",
            },
            {
                "id": "area",
                "question": "经营场所面积",
                "type": "number",
                "default": 100,
                "when": {"biz_mode": ["shop"]},
            },
        ],
        "materials": [
            {
                "id": "M01",
                "name": "营业执照",
                "form": "复印件",
                "count": 1,
                "medium": "纸质",
                "required": True,
                "source": "政府部门核发",
                "elicense": "营业执照",
                "rongque": False,
                "gaozhi": False,
                "standard": "复印件加盖公章",
            },
            {
                "id": "M02",
                "name": "授权委托书及受托人身份证明",
                "form": "原件",
                "count": 1,
                "medium": "纸质",
                "required": True,
                "when": {"agent": [True]},
            },
            {
                "id": "M03",
                "name": "平面布局图",
                "form": "原件",
                "count": 1,
                "medium": "纸质或电子",
                "required": True,
                "when": {"biz_mode": ["shop"], "area": {"min": 150}},
                "rongque": True,
            },
        ],
        "fields": [
            {"id": "applicant_name", "label": "申请人名称"},
            {"id": "uscc", "label": "统一社会信用代码"},
            {"id": "phone", "label": "联系电话"},
            {"id": "business_address", "label": "经营场所"},
            {"id": "food_area", "label": "面积", "when": {"biz_mode": ["shop"]}},
        ],
        "refuse_when": [{"when": {"biz_mode": ["online"], "agent": [True]}, "reason": "R2"}],
    }
    doc.update(overrides)
    return doc


def dept_doc(dept_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "department": {
            "id": dept_id,
            "name": f"区{dept_id}局",
            "short": dept_id,
            "name_en": dept_id,
        },
        "items": items,
    }


def theme_doc(code: str, members: list[str], **overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "code": code,
        "name": f"我要{code}",
        "name_en": f"Theme {code}",
        "aliases": ["甲", "乙", "丙"],
        "description": "测试主题",
        "questions": [
            {
                "id": "outdoor_sign",
                "question": "是否设置户外招牌？",
                "type": "bool",
                "default": False,
            }
        ],
        "members": [{"item": code} for code in members],
    }
    doc.update(overrides)
    return doc


def good_layout() -> dict[str, Any]:
    """A small valid catalog as {relative path: document}."""
    return {
        "catalog.json": INFO,
        "items/AAA.json": dept_doc("AAA", [item_doc("AAA-001"), item_doc("AAA-002")]),
        "items/BBB.json": dept_doc("BBB", [item_doc("BBB-001")]),
        "themes/open.json": {
            "themes": [
                theme_doc("YJS-001", ["AAA-001", "BBB-001"]),
            ]
        },
    }


def files_of(layout: dict[str, Any]) -> list[SourceFile]:
    out = []
    for name, doc in layout.items():
        data = (
            doc
            if isinstance(doc, bytes)
            else json.dumps(doc, ensure_ascii=False, indent=2).encode()
        )
        out.append(SourceFile(name, data))
    return out


def write_layout(root: Path, layout: dict[str, Any]) -> Path:
    for name, doc in layout.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = (
            doc
            if isinstance(doc, bytes)
            else json.dumps(doc, ensure_ascii=False, indent=2).encode()
        )
        path.write_bytes(data)
    return root


def load_layout(layout: dict[str, Any]) -> Catalog:
    result = build_catalog(files_of(layout))
    assert result.catalog is not None, "\n".join(map(str, result.errors))
    return result.catalog


def fresh() -> dict[str, Any]:
    return copy.deepcopy(good_layout())
