"""pytest fixtures for a real hall service, on SQLite and PostgreSQL.

Use them from any test package by importing them into its conftest.py:

    from tests.support.fixtures import *  # noqa: F403  (or name the ones you need)

Fixtures
- store_url       a fresh, empty store; parametrised: "sqlite" and "postgresql" (a new schema
                  in a throw-away database; skipped loudly when no server answers)
- sqlite_store    a fresh SQLite store only (for tests that need no second engine)
- store_settings  Settings whose service.db is store_url
- clock           a FakeClock the hall reads (move it: clock.advance(minutes=481))
- hall_app        the FastAPI app on store_settings + clock (migrations run on first use)
- seeded          the demo hall in store_url: {username: password}
- api             httpx.AsyncClient on hall_app (in-process; no SSE — use embedded_hall for that)
- login_headers   async (username, window_no=None) -> {"Authorization": "Bearer ..."}
- embedded_hall   a RunningHall: the demo hall under uvicorn on a Unix socket (real HTTP)
- hall_client     services.client.HallClient connected to embedded_hall
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clerk.config import Settings
from tests.support.hall import (
    FakeClock,
    PostgresScratch,
    RunningHall,
    find_postgres,
    hall_settings,
    running_embedded,
    seeded_store,
    sqlite_url,
)

if TYPE_CHECKING:
    import httpx
    from fastapi import FastAPI

    from services.client import HallClient

STORES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

__all__ = [
    "api",
    "clock",
    "embedded_hall",
    "fast_hashing",
    "hall_app",
    "hall_client",
    "login_headers",
    "postgres_scratch",
    "seeded",
    "sqlite_store",
    "store_settings",
    "store_url",
]


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's cheap profile (see services/hall/security.py); production keeps the defaults."""
    monkeypatch.setenv("CLERK_ARGON2_PROFILE", "fast")


@pytest.fixture(scope="session")
def postgres_scratch() -> Iterator[PostgresScratch]:
    url, why = find_postgres()
    if url is None:
        pytest.skip(
            "!!! NO POSTGRESQL at 127.0.0.1:5432 — the PostgreSQL half of the hall service tests "
            f"is SKIPPED ({why}). Start the server or set CLERK_TEST_PG_URL."
        )
    scratch = PostgresScratch(url)
    try:
        yield scratch
    finally:
        scratch.drop()


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "store")
    scratch: PostgresScratch = request.getfixturevalue("postgres_scratch")
    return scratch.schema_url()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "store")


@pytest.fixture
def store_settings(store_url: str) -> Settings:
    return hall_settings(store_url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hall_app(store_settings: Settings, clock: FakeClock) -> Iterator[FastAPI]:
    from services.hall.app import create_app

    app = create_app(store_settings, clock=clock)
    yield app
    app.state.hall.close()


@pytest.fixture
def seeded(store_url: str) -> dict[str, str]:
    return seeded_store(store_url)


@pytest.fixture
async def api(hall_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    import httpx

    transport = httpx.ASGITransport(app=hall_app, client=("10.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://hall") as client:
        yield client


@pytest.fixture
def login_headers(
    api: httpx.AsyncClient, seeded: dict[str, str]
) -> Callable[..., Awaitable[dict[str, str]]]:
    async def login(username: str, window_no: int | None = None) -> dict[str, str]:
        answer = await api.post(
            "/api/v1/auth/login",
            json={"username": username, "password": seeded[username], "window_no": window_no},
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    return login


@pytest.fixture
def embedded_hall(store_settings: Settings, clock: FakeClock) -> Iterator[RunningHall]:
    with running_embedded(store_settings, clock=clock) as hall:
        yield hall


@pytest.fixture
async def hall_client(embedded_hall: RunningHall) -> AsyncIterator[HallClient]:
    client = embedded_hall.client()
    try:
        yield client
    finally:
        await client.aclose()
