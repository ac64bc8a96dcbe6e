"""Wiring the hand-off into the hall app: which status applier moves cases, what to poke after
a status change, and the dispatcher's life in the app's lifespan (app.py calls start/stop).

The applier is the cases room's `services.hall.cases.service.apply_status` when that module
exists; tests inject their own (`install(app, applier=...)`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from services.hall.handoff import service
from services.hall.handoff.service import StatusApplier

if TYPE_CHECKING:
    from fastapi import FastAPI

    from services.hall.bootstrap import Hall
    from services.hall.dispatcher import Dispatcher

log = logging.getLogger("services.hall.handoff")


def _nothing() -> None:
    return None


@dataclass
class Wiring:
    applier: StatusApplier
    after_commit: Callable[[], None] = field(default=_nothing)
    dispatcher: Dispatcher | None = None


def default_applier() -> StatusApplier:
    """The cases room's apply_status, or a logger when the cases service is not there."""
    try:
        from services.hall.cases.service import apply_status
    except ImportError:
        log.warning("services.hall.cases.service not found: hand-offs will not move cases")
        return service.no_applier()
    found: StatusApplier = apply_status
    return found


def wiring_of(app: FastAPI) -> Wiring:
    found = getattr(app.state, "handoff", None)
    if found is None:
        found = Wiring(applier=default_applier())
        app.state.handoff = found
    assert isinstance(found, Wiring)
    return found


def install(app: FastAPI, *, applier: StatusApplier | None = None) -> Wiring:
    """Set (or replace) the applier before the app starts."""
    wiring = wiring_of(app)
    if applier is not None:
        wiring.applier = applier
    return wiring


def _poke_events(app: FastAPI) -> Callable[[], None]:
    def poke() -> None:
        # The queue room's EventBus (app.state.queue.bus) streams the case.status events that
        # apply_status writes; poking makes open streams see them now, not at the safety poll.
        bus: Any = getattr(getattr(app.state, "queue", None), "bus", None)
        if bus is not None and callable(getattr(bus, "poke", None)):
            bus.poke()

    return poke


async def start(app: FastAPI, hall: Hall) -> None:
    """Start the dispatcher (unless [backoffice] enabled = false)."""
    wiring = wiring_of(app)
    wiring.after_commit = _poke_events(app)
    if not hall.settings.backoffice.enabled or wiring.dispatcher is not None:
        return
    from services.hall.dispatcher import Dispatcher

    wiring.dispatcher = Dispatcher(
        hall.db,
        hall.settings.backoffice,
        applier=wiring.applier,
        clock=hall.now,
        ready=hall.ensure_ready,
        on_change=wiring.after_commit,
    )
    wiring.dispatcher.start()


async def stop(app: FastAPI) -> None:
    wiring = getattr(app.state, "handoff", None)
    if isinstance(wiring, Wiring) and wiring.dispatcher is not None:
        await wiring.dispatcher.stop()
        wiring.dispatcher = None
