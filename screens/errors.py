"""Hall client errors as the clerk reads them on screen (never a traceback).

The client already words every error in the current language (services/client.py:
client.error.* / service.error.*, "大厅服务不可达：…" included), so the screens show `message`;
this module only decides what an error means for the shell.
"""

from __future__ import annotations

from services.client import HallClientError, TokenExpired, TokenInvalid


def session_ended(exc: BaseException) -> bool:
    """True when the hall no longer accepts our token: the clerk must sign in again."""
    return isinstance(exc, TokenExpired | TokenInvalid)


def error_text(exc: HallClientError) -> str:
    return exc.message
