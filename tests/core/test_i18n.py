import re
import string

import pytest

from clerk import i18n


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages() -> None:
    zh = i18n.catalog("zh-CN")
    en = i18n.catalog("en")
    assert sorted(set(zh) - set(en)) == [], "keys missing in English"
    assert sorted(set(en) - set(zh)) == [], "keys missing in Chinese"


def test_placeholders_agree_between_languages() -> None:
    zh = i18n.catalog("zh-CN")
    en = i18n.catalog("en")
    wrong = [key for key in zh if _fields(zh[key]) != _fields(en[key])]
    assert wrong == []


def test_chinese_is_default_and_english_switches() -> None:
    assert i18n.language() == "zh-CN"
    assert re.search(r"[\u4e00-\u9fff]", i18n.t("app.name"))
    i18n.set_language("en")
    assert i18n.t("app.name") == "Comprehensive Window Workstation"


def test_missing_key_is_an_error_not_a_blank() -> None:
    with pytest.raises(i18n.MissingTranslation):
        i18n.t("no.such.key")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        i18n.set_language("fr")
