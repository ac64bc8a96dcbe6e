"""/api/v1 for supervisors (roles supervisor, admin). See README.md in this folder.

Mutations run through the queue's `QueueContext.run` (one write transaction with the audit rows
and events, Idempotency-Key honoured, the event bus poked after the commit)."""

# No `from __future__ import annotations`: FastAPI evaluates the Annotated dependencies.

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from clerk import dashboard, reports
from clerk.tickets import hall_day
from services.hall import audit
from services.hall.deps import ReadyHall, require
from services.hall.models import Window
from services.hall.ops.auth import Principal
from services.hall.problems import ApiError
from services.hall.queue.router import Ctx, RawBody
from services.hall.supervisor import facts, service
from services.hall.supervisor.settings import thresholds

ROLES = ("supervisor", "admin")
MAX_REPORT_DAYS = 92

router = APIRouter(tags=["supervisor"])
Supervisor = Annotated[Principal, Depends(require(*ROLES))]


class CategoriesIn(BaseModel):
    categories: list[str] = Field(max_length=20)


class MoveIn(BaseModel):
    source: str = Field(alias="from", max_length=4)
    target: str = Field(alias="to", max_length=4)
    count: int | None = Field(default=None, ge=1, le=10_000)

    model_config = {"populate_by_name": True}


class BroadcastIn(BaseModel):
    message: str = Field(max_length=500)
    windows: list[int] | None = None


def _window_out(window: Window) -> dict[str, Any]:
    return {
        "number": window.number,
        "name": window.name,
        "active": window.active,
        "categories": window.category_prefixes,
    }


@router.get("/dashboard")
def get_dashboard(hall: ReadyHall, ctx: Ctx, _: Supervisor) -> JSONResponse:
    """The facts of today (`snapshot`, for a client that follows the events with
    clerk.dashboard.Dashboard) and the figures computed from them (`figures`)."""
    ctx.expire_now()
    now = hall.now()
    limits = thresholds(hall.settings, hall_day(now))
    with hall.db.read() as session:
        snap = facts.snapshot(
            session,
            now,
            wait_target_minutes=limits.wait_target_minutes,
            pause_alert_minutes=limits.pause_alert_minutes,
            near_days=limits.near_days,
        )
    return JSONResponse(
        {
            "snapshot": dashboard.snapshot_to_dict(snap),
            "figures": dashboard.figures_to_dict(dashboard.full(snap, now)),
        }
    )


@router.get("/dashboard/live")
def get_live_facts(hall: ReadyHall, _: Supervisor) -> JSONResponse:
    """What the event stream does not carry: who is signed in at each window, hand-off counts."""
    now = hall.now()
    with hall.db.read() as session:
        clerks = facts.clerks_at_windows(session, now)
        pending, dead = facts.handoff_counts(session)
    return JSONResponse(
        {"clerks": {str(k): v for k, v in clerks.items()}, "pending": pending, "dead": dead}
    )


def _run(request: Request, raw: bytes, principal: Principal, ctx: Any, produce: Any) -> Response:
    response: Response = ctx.run(request, raw, principal.username, produce)
    return response


@router.post("/supervisor/windows/{number}/open")
def open_window(
    number: int, request: Request, raw: RawBody, principal: Supervisor, ctx: Ctx
) -> Response:
    return _run(
        request,
        raw,
        principal,
        ctx,
        lambda s, now: _window_out(
            service.set_window_open(s, principal.actor, number, active=True, now=now)
        ),
    )


@router.post("/supervisor/windows/{number}/close")
def close_window(
    number: int, request: Request, raw: RawBody, principal: Supervisor, ctx: Ctx
) -> Response:
    return _run(
        request,
        raw,
        principal,
        ctx,
        lambda s, now: _window_out(
            service.set_window_open(s, principal.actor, number, active=False, now=now)
        ),
    )


@router.put("/supervisor/windows/{number}/categories")
def window_categories(
    number: int,
    body: CategoriesIn,
    request: Request,
    raw: RawBody,
    principal: Supervisor,
    ctx: Ctx,
) -> Response:
    return _run(
        request,
        raw,
        principal,
        ctx,
        lambda s, now: _window_out(
            service.set_window_categories(
                s, principal.actor, number, categories=body.categories, now=now
            )
        ),
    )


@router.post("/supervisor/move")
def move(body: MoveIn, request: Request, raw: RawBody, principal: Supervisor, ctx: Ctx) -> Response:
    """Move waiting tickets from one category to another (the longest-waiting first)."""

    def produce(s: Session, now: Any) -> dict[str, Any]:
        moved = service.move_waiting(
            s, principal.actor, source=body.source, target=body.target, count=body.count, now=now
        )
        return {"moved": moved, "from": body.source.upper(), "to": body.target.upper()}

    return _run(request, raw, principal, ctx, produce)


@router.post("/supervisor/broadcast")
def broadcast(
    body: BroadcastIn, request: Request, raw: RawBody, principal: Supervisor, ctx: Ctx
) -> Response:
    """A message to the windows (all, or those named): the event `window.broadcast`."""
    return _run(
        request,
        raw,
        principal,
        ctx,
        lambda s, now: service.broadcast(
            s,
            principal.actor,
            message=body.message,
            windows=body.windows,
            sender=principal.display_name,
            now=now,
        ),
    )


@router.post("/supervisor/handoff/retry-dead")
def retry_dead(
    request: Request,
    raw: RawBody,
    principal: Supervisor,
    ctx: Ctx,
    department: str | None = None,
) -> Response:
    return _run(
        request,
        raw,
        principal,
        ctx,
        lambda s, now: service.retry_dead(s, principal.actor, department=department, now=now),
    )


@router.get("/reports/daily")
def daily_report(
    hall: ReadyHall,
    _: Supervisor,
    day: Annotated[date | None, Query(alias="date")] = None,
    to: date | None = None,
) -> JSONResponse:
    """The daily report of `date` (default today), or of the days `date`..`to`."""
    first = day or hall_day(hall.now())
    last = to or first
    if last < first:
        first, last = last, first
    if last - first > timedelta(days=MAX_REPORT_DAYS):
        raise ApiError(422, "validation.report_range", days=MAX_REPORT_DAYS)
    with hall.db.read() as session:
        tickets, cases, categories, windows, clerks = facts.report_facts(session, first, last)
        head = audit.head(session)
    report = reports.build(
        tickets,
        cases,
        first=first,
        last=last,
        category_names=categories,
        window_names=windows,
        clerk_names=clerks,
        audit_head=reports.AuditHead(*head) if head else None,
    )
    return JSONResponse(reports.report_to_dict(report))
