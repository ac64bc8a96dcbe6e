"""Supervisor tests: a real hall (uvicorn on a Unix socket) with the demo hall seeded, on SQLite
and PostgreSQL (store_url), the back-office dispatcher off (nothing to deliver to)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from clerk.config import Settings
from services.client import HallClient
from tests.support.fixtures import *  # noqa: F403
from tests.support.hall import FakeClock, RunningHall, running_embedded


def quiet_settings(url: str) -> Settings:
    return Settings(service={"db": url}, backoffice={"enabled": False})


@pytest.fixture
def hall(store_url: str, clock: FakeClock) -> Iterator[RunningHall]:
    with running_embedded(quiet_settings(store_url), clock=clock) as running:
        yield running


@dataclass
class People:
    supervisor: HallClient
    clerks: dict[int, HallClient]
    kiosk: HallClient


@pytest.fixture
async def people(hall: RunningHall) -> AsyncIterator[People]:
    supervisor = hall.client()
    await supervisor.login("supervisor", hall.credentials["supervisor"])
    clerks = {}
    for n in (1, 2, 3):
        client = hall.client()
        await client.login(f"clerk{n}", hall.credentials[f"clerk{n}"], window_no=n)
        clerks[n] = client
    kiosk = hall.client()
    try:
        yield People(supervisor, clerks, kiosk)
    finally:
        for client in (supervisor, kiosk, *clerks.values()):
            await client.aclose()
