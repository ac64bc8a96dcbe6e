"""Realistic sample documents for `clerk print sample`, the printer test page and the tests."""

from __future__ import annotations

import datetime as dt

from clerk.identity import IdType
from clerk.workdays import LimitUnit, TimeLimit, WorkCalendar, default_calendar, promised_date
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


def _num(number: str, practice: bool) -> str:
    return practice_number(number) if practice else number


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
        limits = [TimeLimit(10, LimitUnit.WORKING), TimeLimit(20, LimitUnit.WORKING)]
        results = [promised_date(AT, lim, calendar) for lim in limits]
        promised, note = promised_fields(results, lang)
        return AcceptanceReceipt(
            hall=hall,
            issued_at=AT,
            practice=practice,
            case_number=_num(CASE, practice),
            applicant=person,
            items=(
                item_line(
                    "食品经营许可（新办）",
                    code="310106-SP-001",
                    case_number=_num(CASE, practice),
                    limit=limits[0],
                    promised=results[0],
                    lang=lang,
                ),
                item_line(
                    "公共场所卫生许可（新办）",
                    code="310106-WS-014",
                    case_number=_num("3101062026121800435", practice),
                    limit=limits[1],
                    promised=results[1],
                    lang=lang,
                ),
            ),
            materials=(
                MaterialLine("食品经营许可申请书", "原件", 1),
                MaterialLine("营业执照", "电子证照", 1, "电子证照免提交"),
                MaterialLine("法定代表人身份证明", "复印件", 1, "核验原件"),
                MaterialLine("经营场所平面布局图及设备布局图", "原件", 1),
                MaterialLine("食品安全管理制度文本", "原件", 1),
                MaterialLine("公共场所卫生许可申请表", "原件", 1),
            ),
            commitments=(
                Commitment(
                    CommitmentKind.RONGQUE, "房屋租赁合同（原件核验）", dt.date(2026, 12, 25)
                ),
                Commitment(
                    CommitmentKind.PROMISE, "从业人员健康证明", dt.date(2027, 1, 15), "开业前提交"
                ),
            ),
            promised_date=promised,
            promised_note=note,
            delivery=Delivery.MAIL,
            delivery_detail="上海市徐汇区漕溪北路****号",
            window="5 号综合窗口",
            clerk="王敏（工号 0817）",
        )
    if kind == "notice":
        return OneTimeNotice(
            hall=hall,
            issued_at=AT,
            practice=practice,
            notice_number=_num("GZ3101062026121800112", practice),
            applicant=person,
            items=(
                item_line("食品经营许可（新办）", code="310106-SP-001"),
                item_line("公共场所卫生许可（新办）", code="310106-WS-014"),
            ),
            missing=(
                MissingMaterial(
                    "经营场所使用证明（房屋租赁合同或产权证明）",
                    "复印件",
                    1,
                    "加盖出租方公章或由产权人签字；租期应覆盖申请之日",
                    ("食品经营许可（新办）", "公共场所卫生许可（新办）"),
                ),
                MissingMaterial("食品安全管理人员培训考核合格证明", "复印件", 1, "在有效期内"),
                MissingMaterial(
                    "经营场所平面布局图",
                    "原件",
                    1,
                    "标明功能区、设备位置及面积，比例不小于 1:100，申请人签字",
                ),
                MissingMaterial(
                    "卫生检测报告",
                    "原件",
                    1,
                    "由有资质的检测机构出具，检测日期在申请前 3 个月内",
                    ("公共场所卫生许可（新办）",),
                ),
                MissingMaterial(
                    "法定代表人委托书",
                    "原件",
                    1,
                    "使用本中心范本，法定代表人签字并加盖公章",
                    note="委托他人代办时提供；范本见窗口或网站“表格下载”",
                ),
            ),
            window="5 号综合窗口",
            clerk="王敏（工号 0817）",
        )
    if kind == "refusal":
        return RefusalNotice(
            hall=hall,
            issued_at=AT,
            practice=practice,
            notice_number=_num("BS3101062026121800009", practice),
            applicant=person,
            items=(item_line("烟草专卖零售许可证核发", code="—"),),
            reason="您申请的“烟草专卖零售许可证核发”依法由区烟草专卖局受理和决定，不属于本中心"
            "综合窗口的受理范围。请携带申请材料向区烟草专卖局政务服务窗口（示范路 88 号）申请。",
            legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项：申请事项依法不属于本行政"
            "机关职权范围的，应当即时作出不予受理的决定，并告知申请人向有关行政机关申请。",
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
            items=(item_line("食品经营许可（新办）", code="310106-SP-001"),),
            result="准予许可；《食品经营许可证》正本 1 份、副本 1 份",
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
