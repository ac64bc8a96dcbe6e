"""Fixtures for the cases tests: the hall on SQLite and PostgreSQL with a small catalog
(override the `catalog` fixture in a module to use another one)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from clerk.catalog.model import Catalog
from clerk.config import Settings
from tests.cases.catalog import CATALOG
from tests.support.fixtures import *  # noqa: F403
from tests.support.hall import FakeClock

Headers = dict[str, str]


@pytest.fixture
def catalog() -> Catalog:
    return CATALOG


@pytest.fixture
def hall_app(store_settings: Settings, clock: FakeClock, catalog: Catalog) -> Iterator[FastAPI]:
    from services.hall.app import create_app
    from services.hall.bootstrap import bootstrap

    hall = bootstrap(store_settings, clock=clock)
    hall.catalog_loader = lambda: catalog
    app = create_app(store_settings, hall=hall)
    yield app
    hall.close()


@pytest.fixture
async def clerk1(login_headers: Callable[..., Awaitable[Headers]]) -> Headers:
    return await login_headers("clerk1", 1)


class Desk:
    """A clerk at window 1 doing intake through the HTTP API."""

    def __init__(self, api: httpx.AsyncClient, headers: Headers) -> None:
        self.api = api
        self.headers = headers

    async def draft(self, state: dict[str, Any], ticket_id: int | None = None) -> dict[str, Any]:
        r = await self.api.post(
            "/api/v1/drafts",
            json={"state": state, "ticket_id": ticket_id},
            headers=self.headers,
        )
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def decide_raw(
        self,
        draft_id: str,
        decisions: list[dict[str, Any]],
        *,
        key: str | None = None,
        **extra: Any,
    ) -> httpx.Response:
        headers = dict(self.headers)
        if key:
            headers["Idempotency-Key"] = key
        return await self.api.post(
            "/api/v1/visits",
            json={"draft_id": draft_id, "decisions": decisions, **extra},
            headers=headers,
        )

    async def decide(
        self, state: dict[str, Any], decisions: dict[str, str] | list[dict[str, Any]]
    ) -> dict[str, Any]:
        draft = await self.draft(state)
        if isinstance(decisions, dict):
            decisions = [{"item": k, "decision": v} for k, v in decisions.items()]
        r = await self.decide_raw(draft["id"], decisions)
        assert r.status_code == 201, r.text
        return dict(r.json())


@pytest.fixture
def desk(api: httpx.AsyncClient, clerk1: Headers) -> Desk:
    return Desk(api, clerk1)
