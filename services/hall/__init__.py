"""The hall service: FastAPI + SQLAlchemy 2 + Alembic. See README.md in this folder.

`create_app(settings)` builds the ASGI app; nothing here opens a database at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.hall.app import create_app as create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from services.hall.app import create_app

        return create_app
    raise AttributeError(name)
