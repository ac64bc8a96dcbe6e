"""The papers a window hands out, as data. Each kind has one layout (printing/layouts.py) and is
rendered to text, PDF or ESC/POS by the renderers.

Documents hold only what is printed: ID numbers and phones arrive already masked (the builders in
printing/builders.py mask them), so a document can be logged, previewed or kept for a reprint
without carrying personal data in clear.

Practice documents (``practice=True``) print a 练习 / PRACTICE watermark and may only carry
practice numbers (``LX`` prefix); a real document may never carry one. Both rules are enforced
when the document is created, so a training receipt can't pass for a real one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from clerk import clock

if TYPE_CHECKING:
    from clerk.config import HallInfo

PRACTICE_PREFIX = "LX"

__all__ = [
    "PRACTICE_PREFIX",
    "AcceptanceReceipt",
    "Applicant",
    "Commitment",
    "CommitmentKind",
    "Delivery",
    "Document",
    "Hall",
    "HandoverRecord",
    "ItemLine",
    "MaterialLine",
    "MissingMaterial",
    "OneTimeNotice",
    "RefusalNotice",
    "TicketSlip",
    "as_reprint",
    "is_practice_number",
]


def is_practice_number(number: str) -> bool:
    return number.upper().startswith(PRACTICE_PREFIX)


@dataclass(frozen=True)
class Hall:
    name: str
    address: str = ""
    phone: str = ""
    footer: str = ""
    code: str = ""
    query_url: str = ""

    @classmethod
    def from_settings(cls, info: HallInfo) -> Hall:
        return cls(
            name=info.name,
            address=info.address,
            phone=info.phone,
            footer=info.footer,
            code=info.code,
            query_url=getattr(info, "query_url", "") or "",
        )


@dataclass(frozen=True)
class Applicant:
    """Who the paper is for. `id_masked` / `phone_masked` are masked already."""

    name: str
    id_label: str = ""  # 居民身份证 / 护照 / 统一社会信用代码 …
    id_masked: str = ""
    phone_masked: str = ""
    organization: str = ""  # for a legal person: the organization's name (name = 经办人)
    agent: str = ""  # 代办人, when someone applies on the applicant's behalf


class Delivery(StrEnum):
    PICKUP = "pickup"  # 窗口领取
    MAIL = "mail"  # 邮寄送达


class CommitmentKind(StrEnum):
    RONGQUE = "rongque"  # 容缺受理: material to be supplied by a date
    PROMISE = "promise"  # 告知承诺: commitment signed, checked later


@dataclass(frozen=True)
class ItemLine:
    name: str
    code: str = ""
    case_number: str = ""  # one case per item in a visit; may differ from the receipt number
    limit: str = ""  # "20 工作日"
    promised: dt.date | None = None


@dataclass(frozen=True)
class MaterialLine:
    name: str
    form: str = ""  # 原件 / 复印件 / 电子证照
    count: int = 1
    note: str = ""


@dataclass(frozen=True)
class Commitment:
    kind: CommitmentKind
    material: str
    due: dt.date
    note: str = ""


@dataclass(frozen=True)
class MissingMaterial:
    """One missing material and what exactly the applicant must bring (一次性告知)."""

    name: str
    form: str = ""  # 原件 / 复印件 …
    count: int = 1
    standard: str = ""  # acceptance standard: 复印件加盖公章, 有效期内 …
    items: tuple[str, ...] = ()  # the items it serves (several in a theme)
    note: str = ""  # where to get it, blank form number …


T = TypeVar("T", bound="Document")


@dataclass(frozen=True, kw_only=True)
class Document:
    hall: Hall
    issued_at: dt.datetime  # aware (clerk.clock); printed on the hall's wall clock
    practice: bool = False
    reprint_at: dt.datetime | None = None  # set → printed as 补打 with this time

    kind: str = field(default="document", init=False)

    def numbers(self) -> tuple[str, ...]:
        """Every case/notice number the paper prints (checked against practice mode)."""
        return ()

    def __post_init__(self) -> None:
        clock.aware(self.issued_at)  # a naive time would print in a guessed zone
        if self.reprint_at is not None:
            clock.aware(self.reprint_at)
        for number in self.numbers():
            if not number:
                continue
            if self.practice and not is_practice_number(number):
                raise ValueError(f"practice document with a real number {number!r}")
            if not self.practice and is_practice_number(number):
                raise ValueError(f"real document with a practice number {number!r}")


def as_reprint(doc: T, at: dt.datetime | None = None) -> T:
    """The same document marked 补打 with the time of the reprint (aware; now when not given)."""
    return replace(doc, reprint_at=(at or clock.now()).replace(microsecond=0))


@dataclass(frozen=True, kw_only=True)
class TicketSlip(Document):
    """排队小票."""

    number: str
    category: str
    people_ahead: int
    wait_minutes: int | None = None
    window_hint: str = ""  # "请留意叫号，前往 3–8 号综合窗口"
    kind: str = field(default="ticket", init=False)

    def numbers(self) -> tuple[str, ...]:
        return (self.number,) if self.practice else ()


@dataclass(frozen=True, kw_only=True)
class AcceptanceReceipt(Document):
    """受理回执: one per visit, listing every item accepted in it."""

    case_number: str
    applicant: Applicant
    items: tuple[ItemLine, ...]
    materials: tuple[MaterialLine, ...] = ()
    commitments: tuple[Commitment, ...] = ()
    promised_date: dt.date | None = None
    promised_note: str | None = None  # "含估算：…" when the date is an estimate
    delivery: Delivery = Delivery.PICKUP
    delivery_detail: str = ""  # pickup place, or the (masked) mailing address
    window: str = ""
    clerk: str = ""
    kind: str = field(default="receipt", init=False)

    def numbers(self) -> tuple[str, ...]:
        return (self.case_number, *(i.case_number for i in self.items))


@dataclass(frozen=True, kw_only=True)
class OneTimeNotice(Document):
    """一次性告知书: every missing material with its requirement, in one paper."""

    notice_number: str
    applicant: Applicant
    items: tuple[ItemLine, ...]
    missing: tuple[MissingMaterial, ...]
    window: str = ""
    clerk: str = ""
    kind: str = field(default="notice", init=False)

    def numbers(self) -> tuple[str, ...]:
        return (self.notice_number,)


@dataclass(frozen=True, kw_only=True)
class RefusalNotice(Document):
    """不予受理通知书 with the applicant's remedies."""

    notice_number: str
    applicant: Applicant
    items: tuple[ItemLine, ...]
    reason: str
    legal_basis: str
    review_body: str = ""  # 行政复议机关
    court: str = ""  # 有管辖权的人民法院
    window: str = ""
    clerk: str = ""
    kind: str = field(default="refusal", init=False)

    def numbers(self) -> tuple[str, ...]:
        return (self.notice_number,)


@dataclass(frozen=True, kw_only=True)
class HandoverRecord(Document):
    """出件凭证: the result handed out, to whom, when, by whom."""

    case_number: str
    items: tuple[ItemLine, ...]
    result: str  # "准予许可；《食品经营许可证》正本 1 份、副本 1 份"
    collector_name: str
    collector_id_masked: str = ""
    relation: str = ""  # 本人 / 受托人 / 法定代表人 …
    window: str = ""
    clerk: str = ""
    kind: str = field(default="handover", init=False)

    def numbers(self) -> tuple[str, ...]:
        return (self.case_number,)


KINDS: dict[str, type[Document]] = {
    "ticket": TicketSlip,
    "receipt": AcceptanceReceipt,
    "notice": OneTimeNotice,
    "refusal": RefusalNotice,
    "handover": HandoverRecord,
}


def number_of(doc: Document) -> str:
    """The main number of a document (for file names, barcodes, logs)."""
    value: Any = (
        getattr(doc, "case_number", None)
        or getattr(doc, "notice_number", None)
        or getattr(doc, "number", None)
        or ""
    )
    return str(value)
