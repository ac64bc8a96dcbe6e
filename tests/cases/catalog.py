"""A small hand-built catalog for the cases tests (the logic, not the demo data)."""

from __future__ import annotations

from clerk.catalog.model import (
    AnyOf,
    ApplicantType,
    Catalog,
    CatalogInfo,
    Condition,
    Department,
    Fee,
    Form,
    Handling,
    Item,
    ItemType,
    Material,
    Medium,
    QuestionType,
    RefusalReason,
    RefuseRule,
    Situation,
    Theme,
    ThemeMember,
    TimeLimit,
    TimeUnit,
)

PERSON = (ApplicantType.PERSON,)


def material(mid: str, name: str, **kw: object) -> Material:
    return Material(
        id=mid,
        name=name,
        form=kw.pop("form", Form.ORIGINAL),  # type: ignore[arg-type]
        count=1,
        medium=Medium.EITHER,
        required=kw.pop("required", True),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


AGENT = Situation("agent", "是否委托他人办理？", QuestionType.BOOL, default=False)
IN_REMIT = Situation("in_remit", "是否属于本机关职权范围？", QuestionType.BOOL, default=True)

PROMISED = Item(
    code="T-001",
    name="测试许可（承诺件）",
    department="D1",
    type=ItemType.LICENSING,
    applicant_types=PERSON,
    legal_limit=TimeLimit(20, TimeUnit.WORKDAY),
    promised_limit=TimeLimit(5, TimeUnit.WORKDAY),
    handling=Handling.PROMISED,
    fee=Fee(False, "不收费"),
    refusal_reasons=(
        RefusalReason(
            "R1", "申请事项依法不属于本机关职权范围", "《行政许可法》第三十二条第一款第（二）项"
        ),
        RefusalReason("R2", "申请人不具备申请资格", "《测试条例》第五条"),
    ),
    materials=(
        material("M1", "申请表"),
        material("M2", "身份证", elicense="居民身份证", form=Form.COPY),
        material("M3", "平面布局图", rongque=True),
        material("M4", "健康证明", rongque=True),
        material("M5", "管理制度", gaozhi=True),
        material("M6", "授权委托书", when=Condition((("agent", AnyOf((True,))),))),
    ),
    situations=(AGENT, IN_REMIT),
    refuse_when=(RefuseRule(Condition((("in_remit", AnyOf((False,))),)), "R1"),),
    legal_basis=("《测试条例》",),
)

IMMEDIATE = Item(
    code="T-002",
    name="测试登记（即办件）",
    department="D2",
    type=ItemType.CONFIRMATION,
    applicant_types=PERSON,
    legal_limit=TimeLimit(0, TimeUnit.WORKDAY),
    promised_limit=TimeLimit(0, TimeUnit.WORKDAY),
    handling=Handling.IMMEDIATE,
    fee=Fee(False, "不收费"),
    refusal_reasons=(RefusalReason("R1", "不属于受理范围", "《测试办法》第二条"),),
    materials=(material("M1", "申请表"), material("M2", "户口簿")),
)

THEME = Theme(
    code="YJS-T",
    name="测试一件事",
    members=(ThemeMember(PROMISED), ThemeMember(IMMEDIATE)),
)

CATALOG = Catalog(
    info=CatalogInfo(name="测试目录", version_label="test-1", demo=True),
    departments=(
        Department("D1", "测试局", "测试"),
        Department("D2", "登记处", "登记"),
    ),
    items=(PROMISED, IMMEDIATE),
    themes=(THEME,),
    content_hash="abc123",
)

ALL_PROMISED = {
    "申请表": {"state": "已收"},
    "身份证": {"state": "已收"},
    "平面布局图": {"state": "已收"},
    "健康证明": {"state": "已收"},
    "管理制度": {"state": "已收"},
}
ALL_IMMEDIATE = {"申请表": {"state": "已收"}, "户口簿": {"state": "已收"}}

ID_NUMBER = "110105199003071239"
PHONE = "13812345678"


def applicant(**extra: object) -> dict[str, object]:
    return {
        "kind": "person",
        "name": "张三",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        **extra,
    }


def state(items: list[str], materials: dict[str, object], **extra: object) -> dict[str, object]:
    return {"applicant": applicant(), "items": items, "materials": materials, **extra}
