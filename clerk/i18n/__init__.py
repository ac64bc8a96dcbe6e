"""Every user-visible string goes through `t`. zh-CN is the default; English with --lang en.

Strings live in TOML files under locales/<lang>/, one file per room of the code, so people working
in different rooms never edit the same file. `[login]\ntitle = "登录"` gives the key `login.title`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("zh-CN", "en")
DEFAULT = "zh-CN"
_current = DEFAULT


class MissingTranslation(KeyError):
    pass


def _folder(lang: str) -> str:
    return lang.replace("-", "_")


def _flatten(data: dict[str, Any], prefix: str, out: dict[str, str], source: str) -> None:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, path + ".", out, source)
        else:
            if path in out:
                raise ValueError(f"i18n key {path!r} defined twice ({source})")
            out[path] = str(value)


@cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    out: dict[str, str] = {}
    folder = resources.files("clerk.i18n").joinpath("locales", _folder(lang))
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            _flatten(tomllib.loads(entry.read_text("utf-8")), "", out, f"{lang}/{entry.name}")
    return out


def set_language(lang: str) -> None:
    global _current
    catalog(lang)
    _current = lang


def language() -> str:
    return _current


def t(key: str, /, lang: str | None = None, **values: Any) -> str:
    """The text for `key` in the current (or given) language, with {placeholders} filled."""
    table = catalog(lang or _current)
    try:
        text = table[key]
    except KeyError:
        raise MissingTranslation(key) from None
    return text.format(**values) if values else text


def has(key: str, lang: str | None = None) -> bool:
    return key in catalog(lang or _current)
