"""The /api/v1 routers. A new room adds its module here and to ROUTERS (see ../README.md)."""

from __future__ import annotations

from fastapi import APIRouter

from services.hall.practice import router as practice  # the practice room (its own tables)
from services.hall.routers import audit, auth, health, users, windows

ROUTERS: list[APIRouter] = [
    health.router,
    auth.router,
    users.router,
    windows.router,
    audit.router,
    practice.router,
]
