"""The catalog model (事项目录): frozen dataclasses, built by the loader, read by everyone.

The field names follow `clerk/catalog/FORMAT.md`. Enumerations keep the Chinese values of the
national basic-information standard as their values, so data files and exports read naturally.
Everything here is immutable and hashable; a `Catalog` is safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Union

from clerk.catalog.fill import FillRules
from clerk.catalog.lexicon import Lexicon

#: An answer to a situation question: bool for `bool`, the option value (str) for `choice`,
#: int or float for `number`.
Answer = Union[bool, str, int, float]  # noqa: UP007  (a runtime alias, used in isinstance-free code)
Answers = Mapping[str, Answer]


class ItemType(StrEnum):
    LICENSING = "行政许可"
    CONFIRMATION = "行政确认"
    PAYMENT = "行政给付"
    LEVY = "行政征收"
    ADJUDICATION = "行政裁决"
    REWARD = "行政奖励"
    FILING = "行政备案"
    OTHER_POWER = "其他行政权力"
    PUBLIC_SERVICE = "公共服务"


class ApplicantType(StrEnum):
    """The subject who applies and holds the result. 个体工商户 is its own subject: it holds
    licences in its own name (《食品经营许可和备案管理办法》第十二条: 以营业执照载明的主体作为申请人),
    while its 经营者 is a natural person."""

    PERSON = "自然人"
    ORGANIZATION = "法人"
    INDIVIDUAL_BUSINESS = "个体工商户"
    UNINCORPORATED = "非法人组织"


class TimeUnit(StrEnum):
    WORKDAY = "工作日"
    CALENDAR_DAY = "自然日"


class Handling(StrEnum):
    IMMEDIATE = "即办件"
    PROMISED = "承诺件"


class Channel(StrEnum):
    WINDOW = "窗口办理"
    ONLINE = "一网通办"
    KIOSK = "自助终端"
    POST = "快递送达"
    MOBILE = "移动端"


class Form(StrEnum):
    """Original/copy. `rank` orders strictness for merging: 原件和复印件 > 原件 > 复印件."""

    ORIGINAL_AND_COPY = "原件和复印件"
    ORIGINAL = "原件"
    COPY = "复印件"

    @property
    def rank(self) -> int:
        return {Form.COPY: 0, Form.ORIGINAL: 1, Form.ORIGINAL_AND_COPY: 2}[self]


class Medium(StrEnum):
    PAPER = "纸质"
    ELECTRONIC = "电子"
    EITHER = "纸质或电子"

    @property
    def accepts(self) -> frozenset[str]:
        if self is Medium.EITHER:
            return frozenset({"纸质", "电子"})
        return frozenset({self.value})


class Source(StrEnum):
    """Where a material comes from. The last three are obtained by the hall itself (免于提交):
    the applicant is never asked for them unless the clerk finds the data absent and marks 缺."""

    APPLICANT = "申请人自备"
    GOVERNMENT = "政府部门核发"
    INTERMEDIARY = "中介机构出具"
    WINDOW = "窗口提供（现场填写）"
    SHARED = "部门共享"
    VERIFIED = "系统核验"
    PUSHED = "系统推送"

    @property
    def obtained_by_hall(self) -> bool:
        return self in (Source.SHARED, Source.VERIFIED, Source.PUSHED)


class Holder(StrEnum):
    """Whose document a material is. Only that holder's e-license exempts it."""

    APPLICANT = "申请人"
    AGENT = "经办人"
    LEGAL_REP = "法定代表人"
    SPOUSE = "配偶"
    GUARDIAN = "监护人"
    SHAREHOLDERS = "股东"
    EACH_PARTY = "双方当事人"
    OTHER_PARTY = "其他当事人"

    @property
    def key(self) -> str:
        """The word for the command line and JSON (`--elicense spouse:居民身份证`)."""
        return self.name.lower()


class QuestionType(StrEnum):
    BOOL = "bool"
    CHOICE = "choice"
    NUMBER = "number"


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True, slots=True)
class Range:
    """A numeric clause: inclusive bounds, either may be open."""

    min: float | None = None
    max: float | None = None

    def holds(self, value: Answer | None) -> bool:
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.min is not None and value < self.min:
            return False
        return not (self.max is not None and value > self.max)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """A list clause: the answer is one of these values."""

    values: tuple[Answer, ...]

    def holds(self, value: Answer | None) -> bool:
        return value is not None and any(_same(v, value) for v in self.values)


def _same(a: Answer, b: Answer) -> bool:
    """Equality that keeps True from matching 1 (bool is an int in Python)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


Clause = Union[AnyOf, Range]  # noqa: UP007


@dataclass(frozen=True, slots=True)
class Condition:
    """Every clause must hold (AND). An unanswered question never satisfies a clause."""

    clauses: tuple[tuple[str, Clause], ...]

    def holds(self, answers: Answers) -> bool:
        return all(clause.holds(answers.get(key)) for key, clause in self.clauses)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.clauses)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, clause in self.clauses:
            if isinstance(clause, Range):
                bounds: dict[str, float] = {}
                if clause.min is not None:
                    bounds["min"] = clause.min
                if clause.max is not None:
                    bounds["max"] = clause.max
                out[key] = bounds
            else:
                out[key] = list(clause.values)
        return out


def holds(condition: Condition | None, answers: Answers) -> bool:
    """A missing condition always holds."""
    return condition is None or condition.holds(answers)


# --------------------------------------------------------------------------- item parts


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Situation:
    """情形: a question whose answer switches materials and fields on or off."""

    id: str
    question: str
    type: QuestionType
    options: tuple[Option, ...] = ()
    default: Answer | None = None
    when: Condition | None = None

    def option(self, value: str) -> Option | None:
        for option in self.options:
            if option.value == value:
                return option
        return None

    def label_of(self, value: Answer | None) -> str:
        if value is None:
            return ""
        if self.type is QuestionType.CHOICE and isinstance(value, str):
            option = self.option(value)
            return option.label if option else value
        if self.type is QuestionType.BOOL:
            return "是" if value is True else "否"
        return str(value)


@dataclass(frozen=True, slots=True)
class TimeLimit:
    value: int
    unit: TimeUnit

    def __str__(self) -> str:
        return f"{self.value} {self.unit.value}"


@dataclass(frozen=True, slots=True)
class Fee:
    charged: bool
    text: str


@dataclass(frozen=True, slots=True)
class RefusalReason:
    id: str
    text: str
    legal_basis: str = ""


@dataclass(frozen=True, slots=True)
class RefuseRule:
    """`refuse_when`: answers that put the application outside what may be accepted."""

    when: Condition
    reason: str  # a RefusalReason id of the same item


@dataclass(frozen=True, slots=True)
class Material:
    id: str
    name: str  # the merge key
    form: Form
    count: int
    medium: Medium
    required: bool
    when: Condition | None = None
    source: Source = Source.APPLICANT
    elicense: str | None = None
    rongque: bool = False
    gaozhi: bool = False
    standard: str = ""
    note: str = ""
    blank_form: str | None = None
    example: str | None = None
    holder: Holder = Holder.APPLICANT
    # A conditional exemption (已共享的免提交, 已备案的系统核验免交): how the hall obtains it when
    # the data is there. The applicant is asked for it unless the clerk checks and marks it
    # 核验：免于提交 (State.OBTAINED).
    obtainable: Source | None = None


@dataclass(frozen=True, slots=True)
class Field:
    id: str
    label: str
    when: Condition | None = None


@dataclass(frozen=True, slots=True)
class Department:
    id: str
    name: str
    short: str
    name_en: str = ""


@dataclass(frozen=True, slots=True)
class Item:
    """One 政务服务事项 as the hall carries it (national basic-information fields)."""

    code: str
    name: str
    department: str  # Department.id
    type: ItemType
    applicant_types: tuple[ApplicantType, ...]
    legal_limit: TimeLimit
    promised_limit: TimeLimit
    handling: Handling
    fee: Fee
    refusal_reasons: tuple[RefusalReason, ...]
    materials: tuple[Material, ...]
    name_en: str = ""
    conditions: tuple[str, ...] = ()
    legal_basis: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()
    result: str = ""
    # Canonical material names this item's result provides (营业执照, 结婚证 …): inside a theme
    # or a multi-item visit, another item needing them gets them from this one, not the applicant.
    produces: tuple[str, ...] = ()
    # The subject this item registers (公司设立登记 → 法人, 个体工商户设立登记 → 个体工商户): in the
    # same visit, the natural person at the window applies for that subject to the other items.
    establishes: ApplicantType | None = None
    aliases: tuple[str, ...] = ()
    situations: tuple[Situation, ...] = ()
    fields: tuple[Field, ...] = ()
    refuse_when: tuple[RefuseRule, ...] = ()

    def situation(self, sid: str) -> Situation | None:
        for situation in self.situations:
            if situation.id == sid:
                return situation
        return None

    def refusal_reason(self, rid: str) -> RefusalReason | None:
        for reason in self.refusal_reasons:
            if reason.id == rid:
                return reason
        return None

    def accepts(self, applicant: ApplicantType) -> bool:
        return applicant in self.applicant_types


@dataclass(frozen=True, slots=True)
class ThemeMember:
    item: Item
    when: Condition | None = None

    @property
    def code(self) -> str:
        return self.item.code


@dataclass(frozen=True, slots=True)
class Theme:
    """一件事: a bundle of items with shared questions and one merged material list."""

    code: str
    name: str
    members: tuple[ThemeMember, ...]
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""
    questions: tuple[Situation, ...] = ()
    group: str = field(default="", compare=False)  # the themes/<group>.json it came from

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(member.item for member in self.members)


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    name: str
    version_label: str
    demo: bool
    notice: str = ""


@dataclass(frozen=True)
class Catalog:
    """A validated catalog. Build it with the loader; the lookups are precomputed."""

    info: CatalogInfo
    departments: tuple[Department, ...]
    items: tuple[Item, ...]
    themes: tuple[Theme, ...]
    content_hash: str  # short hash of the files' content
    source: str = ""  # where it was loaded from (a path or "package")
    lexicon: Lexicon | None = None  # the catalog's search lexicon (lexicon.json), if it has one
    fill: FillRules | None = None  # the catalog's 多表合一 fill rules (fill.json), if it has one
    _items_by_code: dict[str, Item] = field(default_factory=dict, repr=False, compare=False)
    _themes_by_code: dict[str, Theme] = field(default_factory=dict, repr=False, compare=False)
    _departments_by_id: dict[str, Department] = field(
        default_factory=dict, repr=False, compare=False
    )
    _items_by_department: dict[str, tuple[Item, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _themes_by_item: dict[str, tuple[Theme, ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._items_by_code.update((item.code, item) for item in self.items)
        self._themes_by_code.update((theme.code, theme) for theme in self.themes)
        self._departments_by_id.update((dept.id, dept) for dept in self.departments)
        by_dept: dict[str, list[Item]] = {dept.id: [] for dept in self.departments}
        for item in self.items:
            by_dept.setdefault(item.department, []).append(item)
        self._items_by_department.update((k, tuple(v)) for k, v in by_dept.items())
        by_item: dict[str, list[Theme]] = {}
        for theme in self.themes:
            for member in theme.members:
                by_item.setdefault(member.code, []).append(theme)
        self._themes_by_item.update((k, tuple(v)) for k, v in by_item.items())

    # -- identity
    @property
    def version(self) -> str:
        """What a case records: the version label plus a short content hash."""
        return f"{self.info.version_label}+{self.content_hash}"

    @property
    def is_demo(self) -> bool:
        return self.info.demo

    # -- lookups
    def item(self, code: str) -> Item | None:
        return self._items_by_code.get(code)

    def theme(self, code: str) -> Theme | None:
        return self._themes_by_code.get(code)

    def department(self, dept_id: str) -> Department | None:
        return self._departments_by_id.get(dept_id)

    def get(self, code: str) -> Item | Theme | None:
        """An item or a theme by its code (codes are unique across both)."""
        return self._items_by_code.get(code) or self._themes_by_code.get(code)

    def items_of(self, dept_id: str) -> tuple[Item, ...]:
        return self._items_by_department.get(dept_id, ())

    def themes_with(self, item_code: str) -> tuple[Theme, ...]:
        return self._themes_by_item.get(item_code, ())

    def department_of(self, item: Item) -> Department:
        return self._departments_by_id[item.department]

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, code: object) -> bool:
        return code in self._items_by_code or code in self._themes_by_code
