"""Problems a request can run into, as one exception type with a stable code.

Shape on the wire: HTTP status + {"detail": {"code", "message", ...extra}}. Codes are stable
(clients switch on them); messages come from clerk.i18n (`service.error.<code>`). This module has
no web-framework import, so the service layer (ops/) and the CLI use it too.
"""

from __future__ import annotations

from typing import Any

from clerk import i18n


def message(code: str, lang: str = "zh-CN", **values: Any) -> str:
    key = f"service.error.{code}"
    what = values.get("what")
    if isinstance(what, str) and i18n.has(f"service.what.{what}", lang):
        values = values | {"what": i18n.t(f"service.what.{what}", lang=lang)}
    if not i18n.has(key, lang):
        key = "service.error.unknown"
    try:
        return i18n.t(key, lang=lang, **values)
    except (KeyError, IndexError, ValueError):
        return i18n.t(key, lang=lang)


class ApiError(Exception):
    """Raise anywhere in a request to answer with the one error shape."""

    def __init__(
        self,
        status: int,
        code: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.extra = extra
        self.headers = headers

    def text(self, lang: str | None = None) -> str:
        """The message alone, in the given or current language (for the CLI)."""
        return message(self.code, lang or i18n.language(), **self.extra)

    def body(self, lang: str = "zh-CN") -> dict[str, Any]:
        return {
            "detail": {"code": self.code, "message": message(self.code, lang, **self.extra)}
            | self.extra
        }


def not_found(what: str, key: object) -> ApiError:
    return ApiError(404, "not_found", what=what, key=str(key))


def conflict(what: str, key: object) -> ApiError:
    return ApiError(409, "conflict", what=what, key=str(key))


def forbidden() -> ApiError:
    return ApiError(403, "auth.forbidden")


def invalid(code: str, **extra: Any) -> ApiError:
    """A request that parses but breaks a rule: 422 validation.<code>."""
    return ApiError(422, f"validation.{code}", **extra)
