"""/api/v1 windows and categories (the foundation's endpoints).

Changes to a window publish the live event `window.changed` in their transaction
(services.hall.ops.windows.publish_changed, the same helper the supervisor's actions use), and
the queue's event bus is poked after the commit, so dashboards and the windows' queue panels see
the change at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from services.hall.deps import ReadyHall, Unit, require, unit_for
from services.hall.models import Window
from services.hall.ops import windows as window_ops
from services.hall.queue.router import Ctx, QueueContext
from services.hall.schemas import (
    CategoryCreateIn,
    CategoryOut,
    WindowCategoriesIn,
    WindowCreateIn,
    WindowOut,
    WindowUpdateIn,
)

router = APIRouter(tags=["windows"])
ManagerUnit = Annotated[Unit, Depends(unit_for("admin", "supervisor"))]


@router.get("/windows", response_model=list[WindowOut])
def list_windows(hall: ReadyHall) -> list[WindowOut]:
    """Public (no token): the login screen offers the windows to sit at."""
    with hall.db.read() as session:
        return [WindowOut.of(w) for w in window_ops.list_windows(session)]


def _announced(session: Session, window: Window, unit: Unit) -> WindowOut:
    """The window as answered, with its `window.changed` event added to the transaction."""
    window_ops.publish_changed(session, window, unit.now)
    return WindowOut.of(window)


def _poked(response: JSONResponse, ctx: QueueContext) -> JSONResponse:
    """After the commit: open event streams look at the table now (not at the next poll)."""
    ctx.bus.poke()
    return response


@router.post("/windows", status_code=201, response_model=WindowOut)
def create_window(body: WindowCreateIn, unit: ManagerUnit, ctx: Ctx) -> JSONResponse:
    response = unit.respond(
        lambda s: _announced(
            s,
            window_ops.create(
                s,
                unit.actor,
                number=body.number,
                name=body.name,
                categories=body.categories,
                active=body.active,
                now=unit.now,
            ),
            unit,
        ),
        status=201,
    )
    return _poked(response, ctx)


@router.patch("/windows/{number}", response_model=WindowOut)
def update_window(number: int, body: WindowUpdateIn, unit: ManagerUnit, ctx: Ctx) -> JSONResponse:
    """Rename a window, or open/close it (active)."""
    response = unit.respond(
        lambda s: _announced(
            s,
            window_ops.update_window(
                s, unit.actor, number=number, name=body.name, active=body.active, now=unit.now
            ),
            unit,
        )
    )
    return _poked(response, ctx)


@router.put("/windows/{number}/categories", response_model=WindowOut)
def set_window_categories(
    number: int, body: WindowCategoriesIn, unit: ManagerUnit, ctx: Ctx
) -> JSONResponse:
    """Replace the categories a window serves; the first is its primary category."""
    response = unit.respond(
        lambda s: _announced(
            s,
            window_ops.set_categories(
                s, unit.actor, number=number, categories=body.categories, now=unit.now
            ),
            unit,
        )
    )
    return _poked(response, ctx)


@router.get("/categories", response_model=list[CategoryOut], dependencies=[Depends(require())])
def list_categories(hall: ReadyHall) -> list[CategoryOut]:
    with hall.db.read() as session:
        return [CategoryOut.of(c) for c in window_ops.list_categories(session)]


@router.post("/categories", status_code=201, response_model=CategoryOut)
def create_category(body: CategoryCreateIn, unit: ManagerUnit) -> JSONResponse:
    return unit.respond(
        lambda s: CategoryOut.of(
            window_ops.create_category(
                s, unit.actor, prefix=body.prefix, name=body.name, now=unit.now
            )
        ),
        status=201,
    )
