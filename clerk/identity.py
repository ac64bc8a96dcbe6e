"""Identity validation and masking: ID documents, USCC, phone numbers, expiry.

Pure functions returning result objects. A result never carries a finished sentence: it carries an
i18n key (`message_key`) and the values to fill it with, so the intake screen shows the message in
the clerk's language at the field where the problem is (`result.message()`).

Rules chosen here (the screen and the tests rely on them):

* 居民身份证 — same verdict as python-stdnum's `stdnum.cn.ric` on length, format, checksum and birth
  date, plus two checks of our own: a birth date in the future or more than 150 years ago is
  refused. One deliberate difference: an address code that stdnum's region table does not know is
  *accepted with a warning* (`region_unknown`), because the table lags behind re-drawn districts
  and the card is in the clerk's hand; the screen asks the clerk to compare with the card.
* USCC (统一社会信用代码, GB 32100) — stdnum.cn.uscc's verdict for codes starting with a digit;
  codes starting with A, N or Y (issued under GB 32100, refused by stdnum as "invalid format") pass
  the same ISO 7064 MOD 31-3 check.
* Other documents (通行证, 居住证, 永久居留身份证, 护照) — format checks; 港澳台居民居住证 and the
  2023 外国人永久居留身份证 also carry the GB 11643 check digit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from stdnum.cn import ric as _ric
from stdnum.exceptions import InvalidComponent

from clerk import i18n
from clerk.clock import hall_today

__all__ = [
    "Check",
    "IdCheck",
    "IdType",
    "PhoneCheck",
    "check_expiry",
    "gb11643_check_digit",
    "mask",
    "mask_id",
    "mask_name",
    "mask_phone",
    "uscc_check_digit",
    "validate_id",
    "validate_phone",
    "validate_ric",
    "validate_uscc",
]


class IdType(StrEnum):
    RESIDENT = "resident_id"  # 居民身份证
    HKMO_PERMIT = "hkmo_permit"  # 港澳居民来往内地通行证
    TW_PERMIT = "tw_permit"  # 台湾居民来往大陆通行证
    HMT_RESIDENCE = "hmt_residence"  # 港澳台居民居住证
    FOREIGN_PR = "foreign_pr"  # 外国人永久居留身份证
    PASSPORT = "passport"  # 护照

    def label(self, lang: str | None = None) -> str:
        return i18n.t(f"identity.type.{self.value}", lang=lang)


@dataclass(frozen=True)
class Check:
    """A verdict. `code` is stable ("ok", "bad_checksum", …); `message_key` is its i18n key."""

    ok: bool
    code: str
    value: str = ""
    values: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def message_key(self) -> str:
        return f"identity.{self.code}"

    def message(self, lang: str | None = None) -> str:
        return i18n.t(self.message_key, lang=lang, **self.values)

    def warning_messages(self, lang: str | None = None) -> list[str]:
        return [i18n.t(f"identity.{w}", lang=lang, **self.values) for w in self.warnings]

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class IdCheck(Check):
    id_type: IdType = IdType.RESIDENT
    birth_date: dt.date | None = None
    age: int | None = None
    sex: str | None = None  # "M" / "F" where the number says so
    region: str | None = None


@dataclass(frozen=True)
class PhoneCheck(Check):
    kind: str | None = None  # "mobile" | "landline" | "service"


def _compact(text: str) -> str:
    return re.sub(r"[\s\-]", "", text or "").upper()


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def gb11643_check_digit(first17: str) -> str:
    """The GB 11643 (ISO 7064 MOD 11-2) check digit of 17 digits."""
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def _birth(number: str, start: int) -> dt.date | None:
    try:
        return dt.date(
            int(number[start : start + 4]),
            int(number[start + 4 : start + 6]),
            int(number[start + 6 : start + 8]),
        )
    except ValueError:
        return None


def _fail(code: str, id_type: IdType, value: str, **values: Any) -> IdCheck:
    return IdCheck(ok=False, code=code, value=value, values=values, id_type=id_type)


def _birth_problem(birth: dt.date | None, today: dt.date) -> str | None:
    if birth is None:
        return "bad_birth_date"
    if birth > today:
        return "future_birth_date"
    if today.year - birth.year > 150:
        return "bad_birth_date"
    return None


def validate_ric(number: str, today: dt.date | None = None) -> IdCheck:
    """居民身份证 (18 digits, last may be X)."""
    today = today or hall_today()
    kind = IdType.RESIDENT
    value = _compact(number)
    if not value:
        return _fail("empty", kind, value)
    if len(value) != 18:
        return _fail("wrong_length", kind, value, expected=18, actual=len(value))
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return _fail("bad_format", kind, value)
    if value[17] != _ric.calc_check_digit(value):
        return _fail("bad_checksum", kind, value)
    birth = _birth(value, 6)
    problem = _birth_problem(birth, today)
    if problem or birth is None:
        return _fail(problem or "bad_birth_date", kind, value)
    warnings: tuple[str, ...] = ()
    region: str | None = None
    try:
        info = _ric.get_birth_place(value)
        region = "".join(info.get(k, "") for k in ("province", "prefecture", "county")) or None
    except InvalidComponent:
        warnings = ("region_unknown",)
    return IdCheck(
        ok=True,
        code="ok",
        value=value,
        values={"code": value[:6]},
        warnings=warnings,
        id_type=kind,
        birth_date=birth,
        age=_age(birth, today),
        sex="M" if int(value[16]) % 2 else "F",
        region=region,
    )


_HKMO = re.compile(r"^[HM]\d{8}(\d{2})?$")
_TW = re.compile(r"^\d{8}$|^\d{10}[A-Z]?$")
_PR_OLD = re.compile(r"^[A-Z]{3}\d{12}$")
_PASSPORT = re.compile(r"^(?=.*\d)[A-Z0-9]{5,20}$")
_CN_PASSPORT = re.compile(r"^(E[0-9A-HJ-NP-Z]\d{7}|[EGDSP]\d{8})$")
_HMT_PREFIX = {"81": "HK", "82": "MO", "83": "TW"}


def _gb11643_number(value: str, kind: IdType, today: dt.date) -> IdCheck | None:
    """Shared part of the 18-digit numbers with a GB 11643 check digit; None when it passes."""
    if len(value) != 18:
        return _fail("wrong_length", kind, value, expected=18, actual=len(value))
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return _fail("bad_format", kind, value)
    if value[17] != gb11643_check_digit(value[:17]):
        return _fail("bad_checksum", kind, value)
    return None


def validate_id(id_type: IdType | str, number: str, today: dt.date | None = None) -> IdCheck:
    """Validate a number of the given document type."""
    kind = IdType(id_type)
    today = today or hall_today()
    if kind is IdType.RESIDENT:
        return validate_ric(number, today)
    value = _compact(number).replace("(", "").replace(")", "").replace("（", "").replace("）", "")
    if not value:
        return _fail("empty", kind, value)
    birth: dt.date | None = None
    sex: str | None = None
    if kind is IdType.HKMO_PERMIT:
        if not _HKMO.match(value):
            return _fail("bad_format_hkmo", kind, value)
    elif kind is IdType.TW_PERMIT:
        if not _TW.match(value):
            return _fail("bad_format_tw", kind, value)
    elif kind is IdType.HMT_RESIDENCE:
        failed = _gb11643_number(value, kind, today)
        if failed is not None:
            return failed
        if value[:2] not in _HMT_PREFIX or value[2:6] != "0000":
            return _fail("bad_format_hmt", kind, value)
        birth = _birth(value, 6)
        problem = _birth_problem(birth, today)
        if problem:
            return _fail(problem, kind, value)
        sex = "M" if int(value[16]) % 2 else "F"
    elif kind is IdType.FOREIGN_PR:
        if _PR_OLD.match(value):
            pass
        else:
            failed = _gb11643_number(value, kind, today)
            if failed is not None:
                return (
                    failed if failed.code != "bad_format" else _fail("bad_format_pr", kind, value)
                )
            if not value.startswith("9"):
                return _fail("bad_format_pr", kind, value)
            # 2023 layout: 9 + province (2) + nationality (3) + birth YYMMDD? — only the check
            # digit and the leading 9 are certain across issues; the birth part is not checked.
    elif kind is IdType.PASSPORT and not _PASSPORT.match(value):
        return _fail("bad_format_passport", kind, value)
    return IdCheck(
        ok=True,
        code="ok",
        value=value,
        id_type=kind,
        birth_date=birth,
        age=_age(birth, today) if birth else None,
        sex=sex,
    )


def is_chinese_passport(number: str) -> bool:
    return bool(_CN_PASSPORT.match(_compact(number)))


# ---------------------------------------------------------------- USCC (统一社会信用代码)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(3**i % 31 for i in range(17))
USCC_AUTHORITIES = frozenset("0123456789ANY")


def uscc_check_digit(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=False))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> Check:
    """统一社会信用代码: 18 characters, registering authority 1–9/A/N/Y, region digits, check."""
    value = re.sub(r"[\s\-]", "", code or "").upper()
    if not value:
        return Check(False, "empty", value)
    if len(value) != 18:
        return Check(False, "uscc_wrong_length", value, {"expected": 18, "actual": len(value)})
    if (
        value[0] not in USCC_AUTHORITIES
        or not value[1:8].isdigit()
        or any(c not in USCC_ALPHABET for c in value[8:])
    ):
        return Check(False, "uscc_bad_format", value)
    if value[17] != uscc_check_digit(value[:17]):
        return Check(False, "uscc_bad_checksum", value)
    return Check(True, "ok", value)


# ---------------------------------------------------------------- phones

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})(\d{7,8})(?:[#*转](\d{1,6}))?$")
_SERVICE = re.compile(r"^(400|800)\d{7}$|^95\d{3,6}$|^1\d{4}$")


def validate_phone(text: str) -> PhoneCheck:
    """Mainland mobile (1[3-9] + 9 digits, +86 allowed) or landline (area code + 7–8 digits)."""
    raw = re.sub(r"[\s\-()（）]", "", text or "")
    if not raw:
        return PhoneCheck(False, "empty", raw)
    if raw.startswith("+86"):
        raw = raw[3:]
    elif raw.startswith("0086"):
        raw = raw[4:]
    elif raw.startswith("86") and len(raw) == 13:
        raw = raw[2:]
    if _MOBILE.match(raw):
        return PhoneCheck(True, "ok", raw, kind="mobile")
    match = _LANDLINE.match(raw)
    if match:
        area, local, ext = match.groups()
        # 010 and 02x (Beijing, Shanghai, Tianjin, …) have 8-digit numbers; 0xxx ones 7 or 8.
        if len(area) == 3 and len(local) != 8:
            return PhoneCheck(False, "phone_bad_landline", raw)
        shown = f"{area}-{local}" + (f"-{ext}" if ext else "")
        return PhoneCheck(True, "ok", shown, kind="landline")
    if _SERVICE.match(raw):
        return PhoneCheck(True, "ok", raw, kind="service")
    if raw.startswith("1") and raw.isdigit():
        return PhoneCheck(False, "phone_bad_mobile", raw, {"actual": len(raw)})
    return PhoneCheck(False, "phone_bad_format", raw)


# ---------------------------------------------------------------- expiry (有效期)

LONG_TERM = ("长期", "long-term", "longterm", "long term", "permanent")


def check_expiry(
    end: dt.date | str | None, today: dt.date | None = None, warn_days: int = 30
) -> Check:
    """An ID's 有效期 end date: expired → not ok; "长期" → ok; expiring soon → ok with a warning."""
    today = today or hall_today()
    if end is None or (isinstance(end, str) and not end.strip()):
        return Check(False, "expiry_missing")
    if isinstance(end, str):
        text = end.strip()
        if text.lower() in LONG_TERM:
            return Check(True, "ok", "长期")
        text = text.replace(".", "-").replace("/", "-").replace("年", "-").replace("月", "-")
        text = text.replace("日", "")
        try:
            if re.fullmatch(r"\d{8}", text):
                end = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            else:
                end = dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            return Check(False, "expiry_bad_date", str(end))
    values = {"date": end.isoformat(), "days": (end - today).days}
    if end < today:
        return Check(False, "expired", end.isoformat(), values)
    if (end - today).days <= warn_days:
        return Check(True, "ok", end.isoformat(), values, warnings=("expiring_soon",))
    return Check(True, "ok", end.isoformat(), values)


# ---------------------------------------------------------------- masking


def mask(text: str, keep_start: int, keep_end: int, char: str = "*") -> str:
    if len(text) <= keep_start + keep_end:
        return char * len(text) if len(text) <= 2 else text[0] + char * (len(text) - 1)
    return text[:keep_start] + char * (len(text) - keep_start - keep_end) + text[-keep_end:]


def mask_id(number: str) -> str:
    """3101**********1234 for 18 digits; shorter numbers keep less."""
    value = _compact(number)
    if len(value) >= 15:
        return mask(value, 4, 4)
    if len(value) >= 8:
        return mask(value, 2, 2)
    return mask(value, 1, 1)


def mask_phone(number: str) -> str:
    """138****5678; landlines keep area code and last four: 021-****5678."""
    checked = validate_phone(number)
    raw = checked.value if checked.ok else re.sub(r"\D", "", number or "")
    if checked.kind == "landline":
        area, local = raw.split("-")[:2]
        return f"{area}-{mask(local, 0, 4)}"
    if len(raw) == 11:
        return mask(raw, 3, 4)
    return mask(raw, min(3, len(raw) // 3), min(4, len(raw) // 3))


def mask_name(name: str) -> str:
    """张*明 / 张* / 欧**明; Latin names keep the first letter of each word."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name or name.isascii():
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if "·" in name:  # 少数民族/外国译名: 阿卜杜·热合曼 → 阿**·热**
        return "·".join(p[0] + "*" * (len(p) - 1) for p in name.split("·"))
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
