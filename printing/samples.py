"""Realistic sample documents for `clerk print sample`, the printer test page and the tests.

The items, their codes, time limits, materials, refusal reasons and legal bases come from the
packaged demo catalog (a restaurant that also sells cigarettes: SCJG-010 食品经营许可 and
YCZM-001 烟草专卖零售许可),
through the same checklist engine as a real visit, so a sample never says what the catalog does
not.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from clerk import checklist
from clerk.catalog.model import Catalog, Item
from clerk.catalog.model import TimeUnit as CatalogUnit
from clerk.identity import IdType
from clerk.workdays import (
    LimitUnit,
    TimeLimit,
    WorkCalendar,
    add_working_days,
    default_calendar,
    promised_within_legal,
)
from printing.builders import applicant, item_line, practice_number, promised_fields
from printing.documents import (
    AcceptanceReceipt,
    Commitment,
    CommitmentKind,
    Delivery,
    Document,
    Hall,
    HandoverRecord,
    MaterialLine,
    MissingMaterial,
    OneTimeNotice,
    RefusalNotice,
    TicketSlip,
)

__all__ = ["KINDS", "long_receipt", "sample"]

KINDS = ("ticket", "receipt", "notice", "refusal", "handover")

AT = dt.datetime(2026, 12, 18, 2, 32, tzinfo=dt.UTC)  # 10:32 in the hall (Asia/Shanghai)
CASE = "3101062026121800427"
DEFAULT_HALL = Hall(
    name="示范区政务服务中心",
    address="示范路 1 号",
    phone="021-12345678",
    footer="最多跑一次 · 一窗通办",
    code="310106",
)


#: The sample visit: the items (packaged demo catalog) and the applicant's answers.
SAMPLE_ITEMS = ("SCJG-010", "YCZM-001")
SAMPLE_ANSWERS: dict[str, str | bool | int] = {"applicant_kind": "company"}
REFUSED_ITEM, REFUSED_ANSWERS = "SCJG-010", {"food_category": "prepackaged"}


def _num(number: str, practice: bool) -> str:
    return practice_number(number) if practice else number


@cache
def _catalog() -> Catalog:
    from clerk.catalog.loader import load_catalog

    return load_catalog()


def sample_items() -> list[Item]:
    catalog = _catalog()
    return [item for code in SAMPLE_ITEMS if (item := catalog.item(code)) is not None]


def limit_of(item: Item) -> TimeLimit:
    unit = (
        LimitUnit.WORKING if item.promised_limit.unit is CatalogUnit.WORKDAY else LimitUnit.NATURAL
    )
    return TimeLimit(item.promised_limit.value, unit)


def _legal_of(item: Item) -> TimeLimit:
    unit = LimitUnit.WORKING if item.legal_limit.unit is CatalogUnit.WORKDAY else LimitUnit.NATURAL
    return TimeLimit(item.legal_limit.value, unit)


def _materials() -> list[checklist.MergedMaterial]:
    return checklist.merged_materials(sample_items(), SAMPLE_ANSWERS)


def _names(codes: tuple[str, ...]) -> tuple[str, ...]:
    catalog = _catalog()
    return tuple(item.name for code in codes if (item := catalog.item(code)) is not None)


def sample(
    kind: str,
    hall: Hall | None = None,
    practice: bool = False,
    calendar: WorkCalendar | None = None,
    lang: str | None = None,
) -> Document:
    """A realistic document of `kind` (ticket, receipt, notice, refusal, handover)."""
    hall = hall or DEFAULT_HALL
    calendar = calendar or default_calendar()
    person = applicant("张晓明", IdType.RESIDENT, "310101199003074511", "13812345678", lang=lang)
    if kind == "ticket":
        return TicketSlip(
            hall=hall,
            issued_at=AT,
            practice=practice,
            number=_num("A023", practice),
            category="企业开办 · 食品经营",
            people_ahead=6,
            wait_minutes=18,
            window_hint="请留意叫号，前往 3–8 号综合窗口办理",
        )
    if kind == "receipt":
        items = sample_items()
        results = [promised_within_legal(AT, limit_of(i), _legal_of(i), calendar) for i in items]
        promised, note = promised_fields(results, lang)
        lines: list[MaterialLine] = []
        commitments: list[Commitment] = []
        due = add_working_days(AT.date(), 5, calendar).date
        for m in _materials():
            if m.produced_by is not None:
                lines.append(MaterialLine(m.name, "内部流转", m.count, f"由 {m.produced_by} 产生"))
            elif m.elicenses and "营业执照" in m.elicenses:
                lines.append(MaterialLine(m.name, "电子证照", 1))  # the form says it: 免提交
            elif m.rongque and not commitments:
                commitments.append(Commitment(CommitmentKind.RONGQUE, m.name, due))
            elif m.gaozhi and len(commitments) < 2:
                commitments.append(Commitment(CommitmentKind.PROMISE, m.name, due, "开业前提交"))
            else:
                lines.append(MaterialLine(m.name, m.form.value, m.count))
        return AcceptanceReceipt(
            hall=hall,
            issued_at=AT,
            practice=practice,
            case_number=_num(CASE, practice),
            applicant=person,
            items=tuple(
                item_line(
                    item.name,
                    code=item.code,
                    case_number=_num(f"{CASE[:-2]}{27 + n:02d}", practice),
                    limit=limit_of(item),
                    promised=result,
                    lang=lang,
                )
                for n, (item, result) in enumerate(zip(items, results, strict=True))
            ),
            materials=tuple(lines),
            commitments=tuple(commitments),
            promised_date=promised,
            promised_note=note,
            delivery=Delivery.MAIL,
            delivery_detail="上海市徐汇区漕溪北路****号",
            window="5 号综合窗口",
            clerk="王敏（工号 0817）",
        )
    if kind == "notice":
        wanted = {
            "经营场所使用证明",
            "平面布局图",
            "从业人员健康证明",
            "食品安全管理人员培训考核合格证明",
        }
        missing = [m for m in _materials() if m.name in wanted]
        return OneTimeNotice(
            hall=hall,
            issued_at=AT,
            practice=practice,
            notice_number=_num("GZ3101062026121800112", practice),
            applicant=person,
            items=tuple(item_line(i.name, code=i.code) for i in sample_items()),
            missing=tuple(
                MissingMaterial(
                    m.name,
                    m.form.value,
                    m.count,
                    m.standard,
                    _names(m.items) if len(m.items) > 1 else (),
                )
                for m in missing
            ),
            window="5 号综合窗口",
            clerk="王敏（工号 0817）",
        )
    if kind == "refusal":
        refused = _catalog().item(REFUSED_ITEM)
        assert refused is not None, REFUSED_ITEM
        rule = next(r for r in refused.refuse_when if r.when.holds(REFUSED_ANSWERS))
        reason = refused.refusal_reason(rule.reason)
        assert reason is not None, rule.reason
        return RefusalNotice(
            hall=hall,
            issued_at=AT,
            practice=practice,
            notice_number=_num("BS3101062026121800009", practice),
            applicant=person,
            items=(item_line(refused.name, code=refused.code),),
            reason=f"您申请的“{refused.name}”：{reason.text}。",
            legal_basis=reason.legal_basis,
            review_body="示范区人民政府",
            court="示范区人民法院",
            window="5 号综合窗口",
            clerk="王敏（工号 0817）",
        )
    if kind == "handover":
        collector = applicant("李华", IdType.RESIDENT, "310105198511226025", lang=lang)
        return HandoverRecord(
            hall=hall,
            issued_at=dt.datetime(2027, 1, 5, 6, 20, tzinfo=dt.UTC),  # 14:20 in the hall
            practice=practice,
            case_number=_num(CASE, practice),
            items=(item_line(sample_items()[0].name, code=sample_items()[0].code),),
            result=sample_items()[0].result,
            collector_name=collector.name,
            collector_id_masked=collector.id_masked,
            relation="受托人（凭授权委托书）",
            window="统一出件窗口 12 号",
            clerk="陈静（工号 0921）",
        )
    raise ValueError(f"unknown document kind {kind!r}; choose one of {', '.join(KINDS)}")


def long_receipt(hall: Hall | None = None, practice: bool = False) -> AcceptanceReceipt:
    """The stress case: 5 items with long names, 20 materials, commitments — nothing may be cut."""
    base = sample("receipt", hall, practice)
    assert isinstance(base, AcceptanceReceipt)
    names = [
        "食品经营许可（新办）——含网络经营、预包装食品销售（含冷藏冷冻食品）、散装食品销售及热食类食品制售",
        "公共场所卫生许可（新办）（住宿场所、沐浴场所、美容美发场所及游泳场所等多业态综合经营）",
        "户外广告设施设置许可及店招店牌设置备案（沿街商铺立面整治区域内的新设、变更与延续）",
        "城镇污水排入排水管网许可（餐饮、洗涤、美容美发等排水户新办，含隔油设施验收）",
        "酒类商品零售经营备案及烟草专卖零售许可证核发告知（跨部门一件事“开饭店”联办）",
    ]
    items = tuple(
        item_line(
            name,
            code=f"310106-ZH-{n:03d}",
            case_number=base.case_number[:-2] + f"{n:02d}",
            limit=TimeLimit(5 * n, LimitUnit.WORKING),
            promised=base.promised_date,
        )
        for n, name in enumerate(names, 1)
    )
    materials = tuple(
        MaterialLine(
            f"第{n}项材料：{'经营场所使用证明及产权人同意转租的书面意见（含附图）' if n % 3 == 0 else '申请人主体资格证明文件'}"
            f"（编号 MAT-{n:04d}-LONG-IDENTIFIER）",
            "复印件" if n % 2 else "原件",
            n % 3 + 1,
            "核验原件后退回，复印件加盖公章" if n % 4 == 0 else "",
        )
        for n in range(1, 21)
    )
    from dataclasses import replace

    return replace(
        base,
        applicant=replace(base.applicant, name="阿卜杜热合曼·买买提明·艾力江·司马义·库尔班"),
        items=items,
        materials=materials,
    )
