import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidComponent, ValidationError

from clerk import i18n
from clerk.identity import (
    USCC_ALPHABET,
    IdType,
    check_expiry,
    gb11643_check_digit,
    mask_id,
    mask_name,
    mask_phone,
    uscc_check_digit,
    validate_id,
    validate_phone,
    validate_ric,
    validate_uscc,
)

TODAY = dt.date(2026, 11, 23)
VALID = "310101199003074511"


def with_check(first17: str) -> str:
    return first17 + gb11643_check_digit(first17)


def test_valid_resident_id_gives_birth_age_sex() -> None:
    result = validate_ric(VALID, TODAY)
    assert result.ok and result.code == "ok"
    assert result.birth_date == dt.date(1990, 3, 7)
    assert result.age == 36
    assert result.sex == "M"
    assert result.warnings == ()
    assert validate_ric("3101 0119 9003 07451 1", TODAY).ok  # spaces from a scanner


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "empty"),
        ("31010119900307451", "wrong_length"),
        ("3101011990030745111", "wrong_length"),
        ("31010119900307451A", "bad_format"),
        ("310101199003074512", "bad_checksum"),
        (with_check("31010119900230451"), "bad_birth_date"),  # 30 February
        (with_check("31010120300101451"), "future_birth_date"),
    ],
)
def test_wrong_resident_ids_have_reason_codes(number: str, code: str) -> None:
    result = validate_ric(number, TODAY)
    assert not result.ok
    assert result.code == code
    assert result.message_key == f"identity.{code}"
    assert result.message()  # a sentence in both languages
    assert result.message("en")


def test_unknown_region_is_accepted_with_a_warning() -> None:
    number = with_check("99999919900307451")
    with pytest.raises(InvalidComponent):
        ric.validate(number)
    result = validate_ric(number, TODAY)
    assert result.ok
    assert result.warnings == ("region_unknown",)
    assert "999999" in result.warning_messages()[0]


REGIONS = st.sampled_from(["110101", "310101", "440305", "510104", "650102", "999999", "000000"])


@st.composite
def ric_numbers(draw: st.DrawFn) -> str:
    region = draw(REGIONS)
    year = draw(st.integers(1890, 2030))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    seq = draw(st.integers(0, 999))
    body = f"{region}{year:04d}{month:02d}{day:02d}{seq:03d}"
    if draw(st.booleans()):
        return with_check(body)
    return body + draw(st.sampled_from("0123456789X"))


@settings(max_examples=400, deadline=None)
@given(ric_numbers())
def test_resident_id_agrees_with_stdnum(number: str) -> None:
    ours = validate_ric(number, TODAY)
    try:
        ric.validate(number)
        theirs = "ok"
    except InvalidComponent:
        theirs = "component"  # bad birth date or unknown region
    except ValidationError:
        theirs = "invalid"
    if theirs == "ok":
        assert ours.ok or ours.code in ("future_birth_date", "bad_birth_date")
        if ours.ok:
            assert ours.warnings == ()
    elif theirs == "component":
        assert (ours.ok and ours.warnings == ("region_unknown",)) or ours.code in (
            "bad_birth_date",
            "future_birth_date",
        )
    else:
        assert not ours.ok
    assert ours.ok == (ours.code == "ok")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_gb11643_check_digit_matches_stdnum(first17: str) -> None:
    assert gb11643_check_digit(first17) == ric.calc_check_digit(first17 + "0")


@settings(max_examples=300)
@given(
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.text(alphabet=USCC_ALPHABET, min_size=10, max_size=10),
)
def test_uscc_agrees_with_stdnum_for_digit_prefixes(head: str, tail: str) -> None:
    code = head + tail
    assert validate_uscc(code).ok == uscc.is_valid(code)
    good = code[:17] + uscc.calc_check_digit(code[:17])
    assert uscc_check_digit(code[:17]) == uscc.calc_check_digit(code[:17])
    assert validate_uscc(good).ok and uscc.is_valid(good)


@settings(max_examples=200)
@given(
    st.sampled_from("ANY"),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)
def test_uscc_accepts_a_n_y_prefixes_that_stdnum_rejects(
    first: str, digits: str, tail: str
) -> None:
    body = first + digits + tail
    code = body + uscc_check_digit(body)
    assert not uscc.is_valid(code)  # stdnum: invalid format
    assert validate_uscc(code).ok
    wrong = body + USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % 31]
    assert validate_uscc(wrong).code == "uscc_bad_checksum"


def test_uscc_examples() -> None:
    assert validate_uscc("91110000600037341L").ok
    assert validate_uscc("9111 0000 6000 3734 1L").ok
    assert validate_uscc("91110000600037341").code == "uscc_wrong_length"
    assert validate_uscc("B1110000600037341L").code == "uscc_bad_format"
    assert validate_uscc("9111000060003734IL").code == "uscc_bad_format"  # I is not in the alphabet
    assert validate_uscc("91110000600037341M").code == "uscc_bad_checksum"


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        (IdType.HKMO_PERMIT, "H12345678", True),
        (IdType.HKMO_PERMIT, "M1234567801", True),
        (IdType.HKMO_PERMIT, "X12345678", False),
        (IdType.TW_PERMIT, "12345678", True),
        (IdType.TW_PERMIT, "1234567", False),
        (IdType.HMT_RESIDENCE, with_check("81000019900307451"), True),
        (IdType.HMT_RESIDENCE, with_check("31010119900307451"), False),  # not 81/82/83 0000
        (
            IdType.HMT_RESIDENCE,
            "81000019900307451" + ("1" if gb11643_check_digit("81000019900307451") != "1" else "2"),
            False,
        ),
        (IdType.FOREIGN_PR, with_check("93115619900307451"), True),
        (IdType.FOREIGN_PR, "USA310000900101", True),
        (IdType.FOREIGN_PR, "12345", False),
        (IdType.PASSPORT, "E12345678", True),
        (IdType.PASSPORT, "EA1234567", True),
        (IdType.PASSPORT, "ABCDEFG", False),
    ],
)
def test_other_documents(kind: IdType, number: str, ok: bool) -> None:
    result = validate_id(kind, number, TODAY)
    assert result.ok is ok, result.code
    assert result.id_type is kind
    if not ok:
        assert result.message() and result.message("en")


def test_resident_id_through_validate_id() -> None:
    assert validate_id("resident_id", VALID, TODAY).age == 36
    assert IdType.PASSPORT.label() == "护照"
    assert IdType.PASSPORT.label("en") == "Passport"


@pytest.mark.parametrize(
    ("text", "ok", "kind", "value"),
    [
        ("13812345678", True, "mobile", "13812345678"),
        ("+86 138 1234 5678", True, "mobile", "13812345678"),
        ("021-12345678", True, "landline", "021-12345678"),
        ("010-1234567", False, None, None),  # Beijing numbers have 8 digits
        ("0755 1234567", True, "landline", "0755-1234567"),
        ("0571-87654321", True, "landline", "0571-87654321"),
        ("0571-8765432", True, "landline", "0571-8765432"),
        ("1381234567", False, None, None),
        ("12812345678", False, None, None),
        ("hello", False, None, None),
        ("", False, None, None),
    ],
)
def test_phones(text: str, ok: bool, kind: str | None, value: str | None) -> None:
    result = validate_phone(text)
    assert result.ok is ok
    if ok:
        assert result.kind == kind and result.value == value
    else:
        assert result.message()


def test_expiry() -> None:
    expired = check_expiry("2026-01-31", TODAY)
    assert not expired.ok and expired.code == "expired"
    assert "2026-01-31" in expired.message()
    assert "expired" in expired.message("en")
    assert check_expiry("长期", TODAY).ok
    assert check_expiry(dt.date(2036, 1, 1), TODAY).ok
    assert check_expiry("2036.01.01", TODAY).ok
    assert check_expiry("20360101", TODAY).ok
    soon = check_expiry("2026-12-01", TODAY)
    assert soon.ok and soon.warnings == ("expiring_soon",)
    assert check_expiry("", TODAY).code == "expiry_missing"
    assert check_expiry("soon", TODAY).code == "expiry_bad_date"


def test_masks() -> None:
    assert mask_id("310101199003071234") == "3101**********1234"
    assert mask_id("E12345678") == "E1*****78"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("021-12345678") == "021-****5678"
    assert mask_name("张晓明") == "张*明"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳小明") == "欧**明"
    assert mask_name("John Smith") == "J*** S****"
    assert mask_name("阿卜杜·热合曼") == "阿**·热**"


def test_messages_exist_in_english() -> None:
    i18n.set_language("en")
    assert validate_ric("1", TODAY).message().startswith("The number must have 18")
