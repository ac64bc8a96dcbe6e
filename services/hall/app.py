"""The FastAPI app factory. No engine exists at import time: `create_app(settings)` wires a Hall
(bootstrap.py) and the app's lifespan applies the migrations when the server starts."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

import clerk
from clerk.config import Settings
from services.hall import errors
from services.hall.board import router as board_router
from services.hall.bootstrap import Clock, Hall, bootstrap
from services.hall.cases import pickup_router
from services.hall.cases import router as cases_router
from services.hall.handoff import router as handoff_router
from services.hall.handoff import wiring as handoff
from services.hall.problems import ApiError
from services.hall.queue import router as queue_router
from services.hall.routers import ROUTERS
from services.hall.supervisor import router as supervisor_router

API_PREFIX = "/api/v1"
log = logging.getLogger("services.hall")


def create_app(
    settings: Settings,
    *,
    database_url: str | None = None,
    clock: Clock | None = None,
    hall: Hall | None = None,
    routers: Iterable[APIRouter] = (),
) -> FastAPI:
    """The hall service for `settings` (store: `database_url` or settings.database_url()).

    `clock` lets tests move time; `routers` adds routers beyond the built-in ones (they are
    mounted under /api/v1 too)."""
    the_hall = hall or bootstrap(settings, database_url=database_url, clock=clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(the_hall.ensure_ready)
        except ApiError:
            log.error("hall service started without its store: %s", the_hall.error)
        await handoff.start(app, the_hall)  # the outbox dispatcher (services/hall/dispatcher.py)
        yield
        await handoff.stop(app)
        the_hall.close()

    app = FastAPI(
        title="clerk hall service",
        version=clerk.__version__,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        responses=errors.RESPONSES,
    )
    app.state.hall = the_hall
    errors.install(app)
    for router in [*ROUTERS, *routers]:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(queue_router.router, prefix=API_PREFIX)  # the queue (+ its event bus)
    app.include_router(cases_router.router, prefix=API_PREFIX)  # drafts, decisions, cases
    app.include_router(pickup_router.router, prefix=API_PREFIX)  # 补正, 出件, worklists
    for router in handoff_router.ROUTERS:  # back-office callbacks + supervisors' hand-offs
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(supervisor_router.router, prefix=API_PREFIX)  # dashboard, actions, reports
    app.include_router(board_router.router)  # GET /board: the hall's display board (叫号屏)
    return app
